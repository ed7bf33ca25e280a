/**
 * The page's side of the browser mode's login (main/web/login.ts). The launch token arrives in the URL once; it is
 * taken out of the address bar and the history entry at once (it is dead after the first login anyway). With it the
 * page sends a secret it draws itself, stored before it is sent: the server registers it when the token is good. Until
 * the server confirms, token and secret wait in sessionStorage (this tab only), so a reload in the middle of the
 * exchange presents them again; once confirmed, the secret lives in localStorage, which the browser scopes to this
 * origin, port included: unlike a cookie, no page on another port of 127.0.0.1 can read it or be sent it. localStorage
 * rather than sessionStorage so that a reload, a second tab and a restarted browser keep working while this launch runs.
 */
import type { WebLoginCredential, WebLoginMessage } from '../../../common/frames';

/** The launch URL's query parameter (main/web/server.ts LAUNCH_TOKEN_PARAM). */
export const LAUNCH_TOKEN_PARAM = 'token';
/** localStorage: the confirmed page secret. */
export const PAGE_SECRET_STORAGE_KEY = 'podterm.pageSecret';
/** sessionStorage: a launch token and the secret sent with it, until the server confirms the login. */
export const PENDING_LOGIN_STORAGE_KEY = 'podterm.pendingLogin';
/** 32 random bytes, as the server's PAGE_SECRET_PATTERN expects. */
const SECRET_BYTES = 32;

/** What the transport needs of the login: what to present, and what to keep or forget after the answer. */
export interface PageLogin {
  credentials(): Omit<WebLoginMessage, 'kind'>;
  /** The server accepted the login with `credential`. */
  confirmed(credential: WebLoginCredential): void;
  /** The server refused every credential offered: none of them will work again. */
  refused(): void;
}

interface PendingLogin {
  launchToken: string;
  secret: string;
}

type LoginWindow = Pick<Window, 'location' | 'history' | 'localStorage' | 'sessionStorage' | 'crypto'>;

export function browserLogin(window: LoginWindow): PageLogin {
  const local = storageOf(() => window.localStorage);
  const session = storageOf(() => window.sessionStorage);
  const launchToken = takeLaunchToken(window);
  let pending = launchToken !== null ? { launchToken, secret: newSecret(window.crypto) } : readPending(session);
  if (launchToken !== null) session?.setItem(PENDING_LOGIN_STORAGE_KEY, JSON.stringify(pending));
  /** The stored secret the last login offered. */
  let offeredStored: string | undefined;
  return {
    credentials() {
      const stored = local?.getItem(PAGE_SECRET_STORAGE_KEY) ?? undefined;
      offeredStored = stored;
      if (!pending) return stored ? { secret: stored } : {};
      return { launchToken: pending.launchToken, secret: pending.secret, ...(stored ? { storedSecret: stored } : {}) };
    },
    confirmed(credential) {
      if (pending && credential !== 'storedSecret') local?.setItem(PAGE_SECRET_STORAGE_KEY, pending.secret);
      pending = null;
      session?.removeItem(PENDING_LOGIN_STORAGE_KEY);
    },
    refused() {
      pending = null;
      session?.removeItem(PENDING_LOGIN_STORAGE_KEY);
      // Only the secret this page offered: another tab may have stored a good one since (a new launch's).
      if (offeredStored !== undefined && local?.getItem(PAGE_SECRET_STORAGE_KEY) === offeredStored) {
        local.removeItem(PAGE_SECRET_STORAGE_KEY);
      }
    },
  };
}

/** The launch token from the URL, removed from the address bar and the current history entry. */
function takeLaunchToken({ location, history }: LoginWindow): string | null {
  const url = new URL(location.href);
  const token = url.searchParams.get(LAUNCH_TOKEN_PARAM);
  if (token === null) return null;
  url.searchParams.delete(LAUNCH_TOKEN_PARAM);
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return token;
}

function newSecret(crypto: Crypto): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function readPending(session: Storage | null): PendingLogin | null {
  try {
    const value = JSON.parse(session?.getItem(PENDING_LOGIN_STORAGE_KEY) ?? 'null') as Partial<PendingLogin> | null;
    return typeof value?.launchToken === 'string' && typeof value.secret === 'string'
      ? { launchToken: value.launchToken, secret: value.secret }
      : null;
  } catch {
    return null;
  }
}

/** The storage, or null where the browser refuses it (storage disabled): the login then lasts as long as the page. */
function storageOf(get: () => Storage): Storage | null {
  try {
    return get();
  } catch {
    return null;
  }
}
