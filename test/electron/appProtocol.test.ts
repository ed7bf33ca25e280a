// The page's own scheme: the handler protocol.handle runs, called with real Requests against real files in a scratch
// renderer folder, beside a file outside it that no URL may reach.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_PAGE_URL,
  APP_SCHEME_REGISTRATION,
  appFileFor,
  contentTypeFor,
  createAppProtocolHandler,
} from '../../main/electron/appProtocol';
import { contentSecurityPolicy } from '../../common/csp';

const INDEX = '<!doctype html><script type="module" src="./assets/index-abc.js"></script>';
const SCRIPT = 'console.log("podterm")';
const SECRET = 'the contents of a file beside the app';

let root: string;
let rendererDir: string;
const logged: string[] = [];
let handler: ReturnType<typeof createAppProtocolHandler>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'podterm-app-protocol-'));
  rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), INDEX);
  await writeFile(join(rendererDir, 'assets', 'index-abc.js'), SCRIPT);
  await writeFile(join(rendererDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(root, 'secret.txt'), SECRET);
  // A sibling whose name starts like the folder's: a prefix check without the separator would let it through.
  await mkdir(join(root, 'renderer-evil'));
  await writeFile(join(root, 'renderer-evil', 'index.html'), SECRET);
  handler = createAppProtocolHandler({
    rendererDir,
    contentSecurityPolicy: contentSecurityPolicy(),
    log: (line) => logged.push(line),
  });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => handler({ url, method });

describe('the podterm: scheme', () => {
  it('is registered standard and secure with fetch, and without the privileges it does not need', () => {
    expect(APP_SCHEME_REGISTRATION).toEqual({
      scheme: 'podterm',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
    expect(APP_PAGE_URL).toBe('podterm://app/index.html');
  });

  it('serves the page, at its URL and at the root, with our CSP and nosniff', async () => {
    for (const url of [APP_PAGE_URL, 'podterm://app/', 'podterm://app', `${APP_PAGE_URL}?x=1#/pods`]) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(await response.text(), url).toBe(INDEX);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves the module script as JavaScript (Chromium runs no module script of another type)', async () => {
    const response = await get('podterm://app/assets/index-abc.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe(SCRIPT);
  });

  it('answers HEAD without a body, and refuses writes', async () => {
    const head = await get(APP_PAGE_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get(APP_PAGE_URL, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves nothing outside the renderer folder, however the path is spelled', async () => {
    for (const url of [
      'podterm://app/../secret.txt',
      'podterm://app/%2e%2e/secret.txt',
      'podterm://app/.%2E/secret.txt',
      'podterm://app/assets/..%2f..%2fsecret.txt',
      'podterm://app/..%5csecret.txt',
      'podterm://app/..%5c..%5csecret.txt',
      'podterm://app/%2fetc%2fpasswd',
      'podterm://app/%00index.html',
      'podterm://app/%E0%A4%A',
      'podterm://app//secret.txt',
      'podterm://app/assets//index-abc.js',
      'podterm://app/../renderer-evil/index.html',
      'podterm://app/..%2frenderer-evil/index.html',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain(SECRET);
    }
  });

  it('serves nothing to another host, port, credentials or scheme, and lists no folder', async () => {
    for (const url of [
      'podterm://evil.example/index.html',
      'podterm://app.evil/index.html',
      'podterm://app:8080/index.html',
      'podterm://user:pw@app/index.html',
      'file:///etc/passwd',
      'https://app/index.html',
      'podterm://app/assets/',
      'podterm://app/assets',
      'podterm://app/missing.js',
      'not a url',
    ]) {
      expect((await get(url)).status, url).toBe(404);
    }
  });

  it('maps a URL to the one file it names under the folder', () => {
    expect(appFileFor('podterm://app/assets/index-abc.js', rendererDir)).toBe(
      join(rendererDir, 'assets', 'index-abc.js'),
    );
    expect(appFileFor('podterm://app/', rendererDir)).toBe(join(rendererDir, 'index.html'));
    expect(appFileFor('podterm://app/..%2fsecret.txt', rendererDir)).toBeNull();
  });

  it('answers 500 and logs, naming the file, when a file of the page cannot be read', async () => {
    const failing = createAppProtocolHandler({
      rendererDir,
      contentSecurityPolicy: contentSecurityPolicy(),
      readFile: () => Promise.reject(Object.assign(new Error('permission denied'), { code: 'EACCES' })),
      log: (line) => logged.push(line),
    });
    const response = await failing({ url: APP_PAGE_URL, method: 'GET' });
    expect(response.status).toBe(500);
    expect(logged).toContain(`podterm: could not read ${join(rendererDir, 'index.html')} for the page: EACCES`);
  });

  it('types what Vite writes, and nothing unknown as something a browser would run', () => {
    expect(contentTypeFor('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('font.woff2')).toBe('font/woff2');
    expect(contentTypeFor('favicon.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('notes.txt.exe')).toBe('application/octet-stream');
    expect(contentTypeFor('LICENSE')).toBe('application/octet-stream');
  });
});
