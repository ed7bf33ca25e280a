/**
 * What the figures share: the peers (the harness's sshd and test Kubernetes API server, the real browser mode started
 * as a user starts it, Debian's Chromium, the bare xterm.js page) and the records in the app. Each is started on first
 * use and stopped at the end, so `--only B10` starts nothing it does not need.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { startSshd, type SshdHarness } from '../harness/sshd';
import { ApiSocket } from '../harness/webSocketClient';
import { openAppPage, startWebApp, type WebApp } from '../harness/webApp';
import { startBarePageServer, type BarePageServer } from './barePage';
import { writeCorpora, type Corpus } from './corpus';
import { until } from './pageProbe';

export interface BenchOptions {
  quick: boolean;
  root: string;
}

/** The app's page and a request socket logged in with that page's own secret. */
export interface AppHandle {
  app: WebApp;
  page: Page;
  api: ApiSocket;
  /** The page's secret: another socket of the same user logs in with it. */
  secret: string;
  lagFile: string;
}

export class BenchContext {
  private readonly stops: Array<() => Promise<unknown>> = [];
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(readonly options: BenchOptions) {}

  /** Sizes: a full run's, or --quick's small ones. */
  size<T>(full: T, quick: T): T {
    return this.options.quick ? quick : full;
  }

  /** Something figures share, made on first use (a figure run alone makes it itself). */
  shared<T>(key: string, make: () => Promise<T>): Promise<T> {
    return this.once(`shared:${key}`, make);
  }

  private once<T>(key: string, start: () => Promise<T>): Promise<T> {
    let started = this.memo.get(key) as Promise<T> | undefined;
    if (!started) {
      started = start();
      this.memo.set(key, started);
    }
    return started;
  }

  onStop(stop: () => Promise<unknown>): void {
    this.stops.push(stop);
  }

  scratch(): Promise<string> {
    return this.once('scratch', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'podterm-bench-'));
      this.onStop(() => rm(dir, { recursive: true, force: true }));
      return dir;
    });
  }

  corpora(): Promise<Corpus[]> {
    return this.once('corpora', async () => writeCorpora(await this.scratch(), this.size(8, 1)));
  }

  sshd(): Promise<SshdHarness> {
    return this.once('sshd', async () => {
      const sshd = await startSshd();
      if (!sshd) throw new Error('bench needs sshd (apt-get install -y openssh-server) and root');
      this.onStop(() => sshd.stop());
      return sshd;
    });
  }

  kube(): Promise<KubeApiServer> {
    return this.once('kube', async () => {
      const kube = await startKubeApiServer();
      if (!kube) throw new Error('bench needs openssl for the test Kubernetes API server');
      this.onStop(() => kube.stop());
      return kube;
    });
  }

  browser(): Promise<Browser> {
    return this.once('browser', async () => {
      const browser = await launchChromium();
      this.onStop(() => browser.close());
      return browser;
    });
  }

  bareServer(): Promise<BarePageServer> {
    return this.once('bareServer', async () => {
      const server = await startBarePageServer(this.options.root);
      this.onStop(() => server.stop());
      return server;
    });
  }

  /** The browser mode as `npm run web` runs it, opened in Chromium; `key` names separate instances (own data dir). */
  appHandle(key = 'main'): Promise<AppHandle> {
    return this.once(`app:${key}`, () => this.startApp());
  }

  async startApp(): Promise<AppHandle> {
    const lagFile = join(await this.scratch(), `lag-${Math.random().toString(36).slice(2)}.json`);
    const start = () =>
      startWebApp({
        env: {
          NODE_OPTIONS: `--import=${join(this.options.root, 'test/bench/lagProbe.mjs')}`,
          PODTERM_BENCH_LAG_FILE: lagFile,
        },
      });
    // The harness gives a server 20 s to print its URL; on a machine loaded far past its cores that can pass. This is
    // set-up, not a measurement (B10 times the start), so one more try is fair.
    const app = await start().catch((error: unknown) => {
      console.warn(`bench: the browser mode did not start (${String(error).split('\n')[0]}); trying once more`);
      return start();
    });
    this.onStop(() => app.stop());
    const browser = await this.browser();
    const page = await openAppPage(browser, app);
    this.onStop(() => page.context().close());
    // The page's own secret, once the page logged in: the bench's request socket is another tab of the same user.
    let secret: string | null = null;
    await until('the page to log in', async () => {
      secret = await page.evaluate(() => localStorage.getItem('podterm.pageSecret'));
      return secret !== null;
    });
    const { socket } = await ApiSocket.logIn(Number(new URL(app.origin).port), { secret: secret! });
    this.onStop(() => socket.close());
    return { app, page, api: socket, secret: secret!, lagFile };
  }

  /** The server's event-loop delay since the last reading (lagProbe.mjs), and its memory. */
  async serverLag(
    handle: AppHandle,
  ): Promise<{ p50: number; p99: number; max: number; rss: number; heapUsed: number }> {
    await rm(handle.lagFile, { force: true });
    handle.app.process.kill('SIGUSR2');
    let text = '';
    await until('the lag probe', async () => {
      text = await readFile(handle.lagFile, 'utf8').catch(() => '');
      return text.length > 0;
    });
    return JSON.parse(text);
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.reverse())
      await stop().catch((error: unknown) => console.warn('bench cleanup:', error));
  }
}
