/**
 * The page is served from our own scheme, podterm://app/, not from file://. A file: page in Electron needs the
 * grantFileProtocolExtraPrivileges fuse (Electron's asar-aware file loader, and fetch of file: URLs), which also lets
 * script in the page read any file on the disk; with our own scheme that fuse is off (electron-builder.yml) and the
 * page can reach only the files this handler serves: those under dist/renderer, nothing else.
 *
 * No Electron import here: main.ts registers the scheme and hands the handler to protocol.handle; tests call it with
 * real Request objects and real files.
 */
import { readFile as readFileFromDisk } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { CustomScheme } from 'electron';

export const APP_SCHEME = 'podterm';
/** The one host of our scheme; a standard scheme needs one, and it makes the page's origin podterm://app. */
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The file a request for the root gets. */
const INDEX_FILE = 'index.html';
/** The page's URL as Chromium reports it; the only URL policy.isOwnPage trusts. */
export const APP_PAGE_URL = `${APP_ORIGIN}/${INDEX_FILE}`;

/**
 * How the scheme is registered (before the app is ready). standard: relative URLs resolve and the page has a real
 * origin (storage, CSP 'self'). secure: a secure context, as the clipboard API needs. supportFetchAPI: the page's module
 * scripts and fetches of its own files. Not corsEnabled (it would let another origin read our files), not bypassCSP,
 * no service workers, no extensions.
 */
export const APP_SCHEME_REGISTRATION = Object.freeze({
  scheme: APP_SCHEME,
  privileges: Object.freeze({ standard: true, secure: true, supportFetchAPI: true }),
} satisfies CustomScheme);

/**
 * Content types by extension, for what Vite writes to dist/renderer. Module scripts are refused by Chromium unless
 * served as JavaScript, and nosniff (below) keeps anything else from being guessed into something executable.
 */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};
const UNKNOWN_CONTENT_TYPE = 'application/octet-stream';

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? UNKNOWN_CONTENT_TYPE;
}

/**
 * The file under `rendererDir` that `url` names, or null when it names none: another scheme, host, port or
 * credentials, or a path that would leave the folder once decoded (an encoded slash or backslash, a dot segment, a NUL).
 * The WHATWG parser has already removed plain and %2e dot segments; this refuses whatever decoding would bring back.
 * Containment is by path: the build writes no symlinks into dist/renderer, and an asar archive holds none.
 */
export function appFileFor(url: string, rendererDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== APP_HOST) return null;
  if (parsed.port !== '' || parsed.username !== '' || parsed.password !== '') return null;
  const segments: string[] = [];
  for (const raw of parsed.pathname.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return null;
    segments.push(segment);
  }
  if (segments.length === 0 || segments.at(-1) === '') {
    if (segments.length > 1) return null; // a folder other than the root: no listings
    segments.splice(0, segments.length, INDEX_FILE);
  }
  if (segments.includes('')) return null; // "//": not a path Vite writes
  const path = join(rendererDir, ...segments);
  return path.startsWith(rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep) ? path : null;
}

/** What the handler reads of protocol.handle's Request. */
export interface AppRequest {
  readonly url: string;
  readonly method: string;
}

export interface AppProtocolOptions {
  /** dist/renderer (policy.resolveAppFiles). */
  rendererDir: string;
  /** Sent as a header on every answer (common/csp.ts), frame-ancestors included, which a meta tag cannot carry. */
  contentSecurityPolicy: string;
  /** fs.promises.readFile in the app (it reads inside app.asar); injectable so a test can make a read fail. */
  readFile?: (path: string) => Promise<Uint8Array>;
  log?: (line: string) => void;
}

/** The handler for protocol.handle(APP_SCHEME, …): the file, or 404 / 405 / 500 with a short plain-text reason. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: AppRequest) => Promise<Response> {
  const readFile = options.readFile ?? ((path: string) => readFileFromDisk(path));
  const log = options.log ?? ((line: string) => console.warn(line));
  const answer = (status: number, body: Uint8Array | string, contentType: string, extra: Record<string, string> = {}) =>
    new Response(body, {
      status,
      headers: {
        'Content-Type': contentType,
        'Content-Security-Policy': options.contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
        ...extra,
      },
    });
  const plain = (status: number, text: string, extra?: Record<string, string>) =>
    answer(status, text, 'text/plain; charset=utf-8', extra);

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(405, 'Podterm serves its page read-only.', { Allow: 'GET, HEAD' });
    }
    const path = appFileFor(request.url, options.rendererDir);
    if (path === null) return plain(404, 'Not part of Podterm.');
    let body: Uint8Array;
    try {
      body = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return plain(404, 'Not part of Podterm.');
      log(`podterm: could not read ${path} for the page: ${code ?? String(error)}`);
      return plain(500, 'Podterm could not read this file of its page.');
    }
    return answer(200, request.method === 'HEAD' ? '' : body, contentTypeFor(path));
  };
}
