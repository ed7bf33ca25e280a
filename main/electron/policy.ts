/**
 * The desktop shell's security decisions as pure functions and constants, so they are unit-tested without the Electron
 * runtime (which these build machines cannot download). The files that import 'electron' only wire these in.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebPreferences } from 'electron';
import { APP_PAGE_URL } from './appProtocol';

// ---------------------------------------------------------------------------------------------------------------------
// Where the built files are

/** The built app's files, resolved from the URL of the bundled main module (dist/main/electron.mjs). */
export interface AppFiles {
  /** dist/preload/preload.cjs: one CommonJS file, because a sandboxed preload can only require 'electron'. */
  preloadPath: string;
  /** dist/renderer: the only folder our scheme serves (appProtocol.ts). */
  rendererDir: string;
  /** The page's URL on our scheme, as Chromium reports it for the loaded page; the only URL we trust. */
  pageUrl: string;
}

/** Resolves the preload and the page next to the bundled main module (build layout: dist/{main,preload,renderer}). */
export function resolveAppFiles(mainModuleUrl: string): AppFiles {
  const distMain = dirname(fileURLToPath(mainModuleUrl));
  return {
    preloadPath: join(distMain, '..', 'preload', 'preload.cjs'),
    rendererDir: join(distMain, '..', 'renderer'),
    pageUrl: APP_PAGE_URL,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The window

/**
 * Every BrowserWindow's webPreferences except the preload path. The renderer shows remote shells' output, so it is
 * treated as hostile: no Node, an isolated preload world, the OS sandbox, and the same-origin policy on.
 */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  /** The preload's world is separate from the page's, so the page can reach only what contextBridge exposes. */
  contextIsolation: true,
  /** The renderer process runs in Chromium's OS sandbox; the preload can require only 'electron'. */
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  /** No <webview>: it would be a second, less restricted renderer (will-attach-webview is also denied). */
  webviewTag: false,
  /** A file dropped outside the import zone must not navigate the window away to that file. */
  navigateOnDragDrop: false,
  /** A page looping alert() cannot lock the user out. */
  safeDialogs: true,
  experimentalFeatures: false,
  /** Terminal text is not prose; the spellchecker would also send words to a dictionary service on some platforms. */
  spellcheck: false,
} as const satisfies WebPreferences);

/** The full webPreferences for Podterm's window. */
export function webPreferencesFor(preloadPath: string): WebPreferences {
  return { ...SECURE_WEB_PREFERENCES, preload: preloadPath };
}

// ---------------------------------------------------------------------------------------------------------------------
// URLs

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether `url` is our own page: the exact URL we loaded, ignoring only the hash and the query (the renderer may use
 * them for state). Anything else, including another file next to it, is not ours.
 */
export function isOwnPage(url: string, expectedUrl: string): boolean {
  const actual = parseUrl(url);
  const expected = parseUrl(expectedUrl);
  if (!actual || !expected) return false;
  for (const parsed of [actual, expected]) {
    parsed.hash = '';
    parsed.search = '';
  }
  return actual.href === expected.href;
}

/** Schemes the OS may open for a link: web pages only (no file:, smb:, custom handlers that can run programs). */
const EXTERNAL_SCHEMES: ReadonlySet<string> = new Set(['https:', 'http:']);

/**
 * The normalised URL to hand to shell.openExternal when a link asks for a new window, or null to just deny it. Only
 * http(s) with a host: the OS's handler for other schemes can start programs or open local files.
 */
export function externalUrlToOpen(url: string): string | null {
  const parsed = parseUrl(url);
  if (!parsed || !EXTERNAL_SCHEMES.has(parsed.protocol) || parsed.hostname === '') return null;
  return parsed.href;
}

/** Whether a link may be opened in the user's browser (see `externalUrlToOpen`). */
export function isAllowedExternalUrl(url: string): boolean {
  return externalUrlToOpen(url) !== null;
}

// ---------------------------------------------------------------------------------------------------------------------
// The IPC sender

/** The parts of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  /** Null for a window's main frame. */
  readonly parent: unknown;
}

/** The parts of Electron's IpcMainInvokeEvent the sender check reads. */
export interface SenderLike {
  /** Null when the frame navigated away or was destroyed before the message was handled. */
  readonly senderFrame: FrameLike | null;
  readonly sender: { readonly id: number };
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Decides whether an IPC message may reach the core: it must come from the main frame of a window we created, showing
 * our own page. A subframe, another window (DevTools, a future window with other content) or a page that navigated
 * elsewhere is refused, whatever it sends.
 */
export function checkSender(
  event: SenderLike,
  expectedPageUrl: string,
  isOurWebContents: (webContentsId: number) => boolean,
): SenderVerdict {
  if (!isOurWebContents(event.sender.id)) return { ok: false, reason: 'not a window Podterm created' };
  let frame: FrameLike | null;
  let url: string;
  let isMainFrame: boolean;
  try {
    // Reading a WebFrameMain whose frame was disposed throws in Electron: that is a refusal, not a crash.
    frame = event.senderFrame;
    if (frame === null) return { ok: false, reason: 'the sending frame is gone' };
    url = frame.url;
    isMainFrame = frame.parent === null;
  } catch {
    return { ok: false, reason: 'the sending frame is gone' };
  }
  if (!isMainFrame) return { ok: false, reason: 'sent from a subframe' };
  if (!isOwnPage(url, expectedPageUrl)) return { ok: false, reason: 'sent from a page that is not Podterm' };
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------------------------------
// Permissions

/**
 * The only permission Podterm's page gets: writing text to the clipboard (Ctrl+Shift+C / Cmd+C, copy-on-select use
 * navigator.clipboard.writeText). Reading is not granted: pasting goes through the browser's own paste event, which
 * needs no permission and only ever happens when the user pastes.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Whether a permission request or check from `requestingUrl` is granted: one of ours, from our own page only. */
export function isPermissionGranted(
  permission: string,
  requestingUrl: string | undefined,
  expectedPageUrl: string,
): boolean {
  return (
    GRANTED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isOwnPage(requestingUrl, expectedPageUrl)
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// Response headers

const CSP_HEADER = 'Content-Security-Policy';

/**
 * Response headers with our Content-Security-Policy set, replacing any the response carried (header names are
 * case-insensitive, so a lower-case duplicate must go too, or Chromium would apply both).
 */
export function withContentSecurityPolicy(
  headers: Readonly<Record<string, string | string[]>> | undefined,
  policy: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === CSP_HEADER.toLowerCase()) continue;
    result[name] = Array.isArray(value) ? [...value] : [value];
  }
  result[CSP_HEADER] = [policy];
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// Secret storage opt-in

/**
 * The command-line flag that lets Podterm keep secrets with safeStorage's `basic_text` backend (Linux without a
 * keyring). That backend encrypts with a key hard-coded in Chromium: obfuscation, not encryption.
 */
export const ALLOW_BASIC_TEXT_SECRETS_FLAG = '--allow-insecure-secret-storage';
/** The environment variable with the same effect as the flag, set to "1" (handy for a desktop launcher). */
export const ALLOW_BASIC_TEXT_SECRETS_ENV = 'PODTERM_ALLOW_BASIC_TEXT_SECRETS';

/** Whether the user explicitly accepted obfuscated (basic_text) secret storage, by flag or environment variable. */
export function allowsBasicTextSecrets(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return argv.includes(ALLOW_BASIC_TEXT_SECRETS_FLAG) || env[ALLOW_BASIC_TEXT_SECRETS_ENV] === '1';
}
