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
  stop(): Promise<void>;
}

export function webAppUnavailableReason(): string | null {
  return existsSync(WEB_ENTRY) ? null : `${WEB_ENTRY} is missing: run \`npm run build\` first (npm test does)`;
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

/** The real browser mode open in Debian's Chromium, dark, at a laptop's size: the start of every e2e test file. */
export async function openAppInBrowser(
  options: Parameters<typeof startWebApp>[0] & { viewport?: { width: number; height: number } } = {},
): Promise<{ app: WebApp; browser: Browser; page: Page }> {
  const { viewport = DEFAULT_VIEWPORT, ...appOptions } = options;
  const app = await startWebApp(appOptions);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport, colorScheme: 'dark' });
  await page.goto(app.url);
  return { app, browser, page };
}

/** Why the e2e tests cannot run here (no Chromium, or no built app), or null. */
export function e2eUnavailableReason(): string | null {
  return browserUnavailableReason() ?? webAppUnavailableReason();
}
