/**
 * The browser mode's login in Chromium, against the real `node dist/main/web.mjs`, tried as another local web service
 * would: the launch URL logs one browser in and is dead afterwards; the page keeps its secret where only its own origin
 * can read it; a page on another port of 127.0.0.1 is sent nothing and cannot open the API; cookies it plants change
 * nothing; a reload and a second tab of the app keep working.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../harness/browser';
import { newRecordForm, saveRecordForm, saveScreenshot } from '../harness/ui';
import { closeAll, e2eSkipReason, openAnotherTab, startWebApp, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the browser-mode login tests');

/** renderer/src/client/webLogin.ts: where the page keeps its secret. */
const SECRET_KEY = 'podterm.pageSecret';
/** A record saved through the first page: a later page that lists it has been answered by the server. */
const RECORD = 'login check';
/** Cookies a page on another port plants for 127.0.0.1: together far over Node's default 16 KiB header limit. */
const PLANTED_COOKIES = 40;
const PLANTED_COOKIE_BYTES = 4000;

let app: WebApp;
let browser: Browser;
/** The browser profile that opened the launch URL. */
let user: BrowserContext;
let page: Page;
/** Another web service on 127.0.0.1 (another port): records the headers of every request it gets. */
let neighbour: Server;
let neighbourOrigin: string;
const neighbourRequests: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  if (skipReason) return;
  app = await startWebApp();
  browser = await launchChromium();
  neighbour = createServer((request, response) => {
    neighbourRequests.push(request.headers);
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>Another local service</title>');
  });
  await new Promise<void>((resolve) => neighbour.listen(0, '127.0.0.1', resolve));
  neighbourOrigin = `http://127.0.0.1:${(neighbour.address() as AddressInfo).port}`;
  user = await browser.newContext();
  page = await user.newPage();
}, 60_000);
afterAll(async () => {
  await closeAll(browser, app);
  await new Promise((resolve) => neighbour?.close(resolve));
});

const banner = (target: Page) => target.getByRole('alert');

/** The page lists the record saved in the first test, so it is logged in and the server answers it. */
async function expectLoggedIn(target: Page): Promise<void> {
  await expect.poll(() => target.getByText(RECORD, { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(await banner(target).count()).toBe(0);
}

describe.skipIf(skipReason !== null)('the browser-mode login', () => {
  it('logs in with the launch URL, even reloaded mid-exchange, then keeps no token in the address and no cookie', async () => {
    // Reload the moment the login leaves the page: the answer to the token exchange is lost on the way, or the login
    // never reaches the server; either way the reloaded page must be logged in.
    const loginSent = new Promise<void>((resolve) =>
      page.once('websocket', (socket) =>
        socket.on('framesent', (frame) => {
          if (String(frame.payload).includes('"launchToken"')) resolve();
        }),
      ),
    );
    await page.goto(app.url, { waitUntil: 'commit' });
    await loginSent;
    await page.reload();
    await newRecordForm(page, RECORD);
    await page.getByLabel('Pod name', { exact: true }).fill('login-check');
    await saveRecordForm(page, RECORD);
    expect(await banner(page).count()).toBe(0);
    expect(page.url()).toBe(`${app.origin}/`);
    expect(await page.evaluate(() => window.location.search)).toBe('');
    expect(await page.evaluate((key) => localStorage.getItem(key), SECRET_KEY)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await user.cookies()).toEqual([]);
  });

  it('refuses the launch URL a second time: another browser profile gets a page that says what to do', async () => {
    const stranger = await browser.newContext();
    try {
      const second = await stranger.newPage();
      await second.goto(app.url);
      await expect.poll(() => banner(second).innerText(), { timeout: 15_000 }).toMatch(/not logged in/);
      expect(await banner(second).innerText()).toContain('restart “npm run web” and open the new address it prints');
      await saveScreenshot(second, 'web-login-refused');
      expect(second.url()).toBe(`${app.origin}/`);
      expect(await second.evaluate((key) => localStorage.getItem(key), SECRET_KEY)).toBeNull();
      expect(await second.getByText(RECORD, { exact: true }).count()).toBe(0);
    } finally {
      await stranger.close();
    }
  });

  it('keeps working after a reload, and in a second tab opened at the app’s address', async () => {
    await page.reload();
    await expectLoggedIn(page);
    const tab = await openAnotherTab(page, app);
    try {
      await expectLoggedIn(tab);
    } finally {
      await tab.close();
    }
  });

  it('sends a page on another port of 127.0.0.1 no credential, and refuses its WebSocket', async () => {
    const other = await user.newPage();
    try {
      await other.goto(`${neighbourOrigin}/`);
      const seen = await other.evaluate(
        async ({ key, api }) => {
          const stored = localStorage.getItem(key);
          const outcome = await new Promise<string>((resolve) => {
            const socket = new WebSocket(api);
            socket.onopen = () => resolve('open');
            socket.onclose = (event) => resolve(`closed ${event.code}`);
          });
          return { stored, cookie: document.cookie, outcome };
        },
        { key: SECRET_KEY, api: `ws://127.0.0.1:${new URL(app.origin).port}/api` },
      );
      expect(seen).toEqual({ stored: null, cookie: '', outcome: 'closed 1006' });
      const secret = await page.evaluate((key) => localStorage.getItem(key), SECRET_KEY);
      expect(neighbourRequests.length).toBeGreaterThan(0);
      for (const headers of neighbourRequests) {
        expect(headers.cookie).toBeUndefined();
        expect(JSON.stringify(headers)).not.toContain(secret!);
      }
    } finally {
      await other.close();
    }
  });

  it('ignores cookies a page on another port plants for 127.0.0.1, even enough to overflow a default header limit', async () => {
    const other = await user.newPage();
    try {
      await other.goto(`${neighbourOrigin}/`);
      await other.evaluate(
        ({ count, bytes }) => {
          document.cookie = 'podterm_session=planted; path=/';
          for (let index = 0; index < count; index++) document.cookie = `planted${index}=${'x'.repeat(bytes)}; path=/`;
        },
        { count: PLANTED_COOKIES, bytes: PLANTED_COOKIE_BYTES },
      );
    } finally {
      await other.close();
    }
    // Cookies ignore ports: the app's origin is sent them too.
    // (The browser's cookie store takes document.cookie writes a moment after the page made them.)
    await expect.poll(async () => (await user.cookies(app.origin)).length).toBe(PLANTED_COOKIES + 1);
    await page.reload();
    await expectLoggedIn(page);
  });
});
