/**
 * The page's side of the browser mode's login (main/web/login.ts). The launch token arrives in the URL once; it is
 * taken out of the address bar and the history entry at once (it is dead after the first login anyway). The page
 * secret the server gives in exchange lives in localStorage, which the browser scopes to this origin, port included:
 * unlike a cookie, no page on another port of 127.0.0.1 can read it or be sent it. localStorage rather than
 * sessionStorage so that a reload, a second tab and a restarted browser keep working while this launch runs.
 */
import type { WebLoginMessage } from '../../../common/frames';

/** The launch URL's query parameter (main/web/server.ts LAUNCH_TOKEN_PARAM). */
export const LAUNCH_TOKEN_PARAM = 'token';
export const PAGE_SECRET_STORAGE_KEY = 'podterm.pageSecret';

/** What the transport needs of the login: what to present, and where the secret is kept. */
export interface PageLogin {
  credentials(): Omit<WebLoginMessage, 'kind'>;
  keepSecret(secret: string): void;
  forgetSecret(): void;
}

type LoginWindow = Pick<Window, 'location' | 'history' | 'localStorage'>;

export function browserLogin(window: LoginWindow): PageLogin {
  const launchToken = takeLaunchToken(window);
  const storage = storageOf(window);
  return {
    credentials() {
      const secret = storage?.getItem(PAGE_SECRET_STORAGE_KEY) ?? null;
      return { ...(launchToken !== null ? { launchToken } : {}), ...(secret !== null ? { secret } : {}) };
    },
    keepSecret: (secret) => storage?.setItem(PAGE_SECRET_STORAGE_KEY, secret),
    forgetSecret: () => storage?.removeItem(PAGE_SECRET_STORAGE_KEY),
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

/** localStorage, or null where the browser refuses it (storage disabled): the page then lives only as long as it is open. */
function storageOf(window: LoginWindow): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
