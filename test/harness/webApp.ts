/**
 * Starts the real browser mode (`node dist/main/web.mjs`, as `npm run web` does) with its own data directory and HOME,
 * and returns the URL it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailableReason, launchChromium } from './browser';
import { missingPeer } from './skipReasons';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WEB_ENTRY = join(root, 'dist/main/web.mjs');
/** Big enough for the sidebar, a terminal of ~120 columns and the dialogs. */
const DEFAULT_VIEWPORT = { width: 1280, height: 800 };
/** Start-up is ~0.3 s; a loaded CI machine may be much slower. */
const START_TIMEOUT_MS = 20_000;

export interface WebApp {
  url: string;
  origin: string;
  dataDir: string;
  home: string;
  process: ChildProcess;
  /** Everything the server printed so far (stdout and stderr, interleaved as they came). */
  output(): string;
  stop(): Promise<void>;
}

export function webAppUnavailableReason(): string | null {
  return existsSync(WEB_ENTRY)
    ? null
    : missingPeer(`${WEB_ENTRY} is missing: run \`npm run build\` first (npm test does)`);
}

export async function startWebApp(options: { env?: NodeJS.ProcessEnv; dataDir?: string } = {}): Promise<WebApp> {
  const scratch = await mkdtemp(join(tmpdir(), 'podterm-web-'));
  const home = join(scratch, 'home');
  const dataDir = options.dataDir ?? join(scratch, 'data');
  const child = spawn(process.execPath, [WEB_ENTRY, '--data-dir', dataDir, '--port', '0'], {
    env: { ...process.env, HOME: home, SSH_AUTH_SOCK: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${output}`)), START_TIMEOUT_MS);
    const onData = () => {
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}:\n${output}`));
    });
  });

  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    home,
    process: child,
    output: () => output,
    async stop() {
      // A server killed by a signal has a signalCode and no exitCode; it will not emit 'exit' again.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export interface AppPageOptions {
  viewport?: { width: number; height: number };
  /** Browser permissions granted to the app's origin, e.g. the clipboard for copy and paste. */
  permissions?: string[];
}

/** A new page of `app` in `browser`, dark, at a laptop's size unless told otherwise. */
export async function openAppPage(browser: Browser, app: WebApp, options: AppPageOptions = {}): Promise<Page> {
  const { viewport = DEFAULT_VIEWPORT, permissions = [] } = options;
  const context = await browser.newContext({ viewport, colorScheme: 'dark' });
  if (permissions.length > 0) await context.grantPermissions(permissions, { origin: app.origin });
  const page = await context.newPage();
  await page.goto(app.url);
  return page;
}

/**
 * A second tab of the app in the browser `page` runs in, opened as a user types the address: logged in by the page secret
 * the first tab keeps in the origin's storage (the launch URL's token is spent once `page` used it).
 */
export async function openAnotherTab(page: Page, app: WebApp): Promise<Page> {
  const tab = await page.context().newPage();
  await tab.goto(`${app.origin}/`);
  return tab;
}

/** The real browser mode open in Debian's Chromium: the start of every e2e test file. */
export async function openAppInBrowser(
  options: Parameters<typeof startWebApp>[0] & AppPageOptions = {},
): Promise<{ app: WebApp; browser: Browser; page: Page }> {
  const app = await startWebApp(options);
  const browser = await launchChromium();
  const page = await openAppPage(browser, app, options);
  return { app, browser, page };
}

/** Why the e2e tests cannot run here (no Chromium, or no built app), or null. */
export function e2eUnavailableReason(): string | null {
  return browserUnavailableReason() ?? webAppUnavailableReason();
}

/**
 * Why this file's e2e tests cannot run here, said once on the console, or null when they can. `tests` names them in
 * the message ("the SSH terminal e2e tests").
 */
export function e2eSkipReason(tests: string): string | null {
  const reason = e2eUnavailableReason();
  if (reason) console.warn(`skipping ${tests}: ${reason}`);
  return reason;
}

/**
 * Something a test file started: a page to close with its context, a browser to close, a server or the app to stop,
 * a scratch directory to remove.
 */
type Started = Page | { close(): Promise<unknown> } | { stop(): Promise<unknown> } | { cleanup(): Promise<unknown> };

async function end(thing: Started): Promise<void> {
  if ('context' in thing) {
    // openAppPage gives each page a context of its own; closing only the page would leave the context open.
    await thing.close();
    await thing.context().close();
  } else if ('close' in thing) await thing.close();
  else if ('stop' in thing) await thing.stop();
  else await thing.cleanup();
}

/**
 * Ends what a test file started, in the order given, passing over what never started (null or undefined). Ends every
 * one even when one fails, then throws the first failure.
 */
export async function closeAll(...started: Array<Started | null | undefined>): Promise<void> {
  let firstFailure: { error: unknown } | undefined;
  for (const thing of started) {
    if (!thing) continue;
    try {
      await end(thing);
    } catch (error) {
      firstFailure ??= { error };
    }
  }
  if (firstFailure) throw firstFailure.error;
}
