/**
 * Session throughput without a page (B2's Node rows):
 *  - through Podterm's core, by its public API (createCore via the test harness, a ClientConnection standing in for a
 *    window): the core's session and data pipe, ending in @xterm/headless fed by the renderer's own OutputFeed (its acks, its queue bound);
 *  - through a minimal pipe of the same shape (sshd pty → ssh2 → batcher → MessagePort → @xterm/headless with acks),
 *    with VS Code's flow-control constants and with Podterm's, to compare the constants on equal terms.
 */
import xtermHeadless from '@xterm/headless';
import { MessageChannel } from 'node:worker_threads';
import { Client, type ClientChannel } from 'ssh2';
import type { SessionCommand, SessionEvent } from '../../common/contract';
import { FlowControlConstants } from '../../common/flowControl';
import type { ClientConnection, SessionStream } from '../../main/core';
import { OutputFeed } from '../../renderer/src/session/outputFeed';
import { createTestCore, type TestCore } from '../harness/core';
import type { KubeApiServer } from '../harness/kubeApiServer';
import type { SshdHarness } from '../harness/sshd';
import { END_COMMAND, END_MARKER, type Corpus } from './corpus';

const { Terminal } = xtermHeadless;
const SIZE = { cols: 120, rows: 40 };
const PROMPT = /[$#] $/;

/**
 * VS Code's terminal flow control, as its sources state the numbers (FlowControlConstants in
 * src/vs/platform/terminal/common/terminal.ts, the 5 ms throttle of TerminalDataBufferer): pause above 100,000
 * unacknowledged characters, resume below 5,000, the renderer acknowledges every 5,000, output is batched for 5 ms
 * after the first chunk (trailing edge).
 */
export const VS_CODE_CONSTANTS = { pause: 100_000, resume: 5_000, ackEvery: 5_000, batchMs: 5, leadingEdge: false };
export const PODTERM_CONSTANTS = {
  pause: FlowControlConstants.HIGH_WATERMARK_BYTES,
  resume: FlowControlConstants.LOW_WATERMARK_BYTES,
  ackEvery: FlowControlConstants.ACK_BATCH_BYTES,
  batchMs: FlowControlConstants.BATCH_WINDOW_MS,
  leadingEdge: true,
};
export type PipeConstants = typeof VS_CODE_CONSTANTS;

/** Resolves once `text` (decoded as it arrives) shows the end marker at a line start and xterm parsed it. */
class MarkerWatch {
  private tail = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly onFound: () => void) {}
  /** Feeds bytes about to be written; answers whether they hold the marker. */
  holdsMarker(data: Uint8Array): boolean {
    this.tail = (this.tail + this.decoder.decode(data, { stream: true })).slice(-4096);
    return new RegExp(`(^|\\n)${END_MARKER}`).test(this.tail);
  }
  found(): void {
    this.onFound();
  }
}

/** A window stand-in that parses a session's output in @xterm/headless and acknowledges as the renderer does. */
class HeadlessClient implements ClientConnection {
  readonly terminal = new Terminal({ ...SIZE, scrollback: 1000, allowProposedApi: true });
  status: SessionEvent | undefined;
  private command: ((command: SessionCommand) => void) | undefined;
  private readonly feed = new OutputFeed(
    (data, parsed) => {
      const watch = this.watch;
      const marker = watch?.holdsMarker(data) ?? false;
      this.terminal.write(data, () => {
        parsed();
        if (marker) watch!.found();
      });
    },
    (bytes) => this.command?.({ type: 'ack', bytes }),
  );
  private screen = '';
  private readonly decoder = new TextDecoder();
  watch: MarkerWatch | null = null;
  statusListener: ((event: SessionEvent) => void) | null = null;

  openStream(): SessionStream {
    return {
      post: (event) => {
        if (event.type === 'interruptSeen') {
          this.feed.interruptSeen();
          return;
        }
        if (event.type !== 'data') {
          this.status = event;
          this.statusListener?.(event);
          return;
        }
        this.screen = (this.screen + this.decoder.decode(event.data, { stream: true })).slice(-512);
        this.feed.receive(event.data);
      },
      onCommand: (listener) => void (this.command = listener),
      close: () => void (this.command = undefined),
    };
  }
  onClosed(): void {}
  postAppEvent(): void {}
  send(command: SessionCommand): void {
    this.command?.(command);
  }
  endsWithPrompt(): boolean {
    return PROMPT.test(this.screen);
  }
}

export interface CoreSession {
  run(corpus: Corpus): Promise<number>;
  close(): Promise<void>;
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One session through the core (SSH or exec), ready at a prompt. */
export async function openCoreSession(
  method: 'ssh' | 'exec',
  peers: { sshd: SshdHarness; kube: KubeApiServer },
): Promise<CoreSession> {
  const core: TestCore = await createTestCore();
  const { sshd, kube } = peers;
  const pod =
    method === 'ssh'
      ? await core.request('pods.save', {
          fields: {
            name: 'node pipe ssh',
            sshHost: sshd.host,
            sshPort: sshd.port,
            sshUser: sshd.keyUser,
            sshAuthKind: 'privateKeyPath',
            sshPrivateKeyPath: sshd.clientKeyPath,
          },
        })
      : await core.request('pods.save', {
          fields: { name: 'node pipe exec', namespace: 'default', podName: 'shell-pod' },
          secrets: { kubeconfig: kube.kubeconfig({ user: 'token' }) },
        });
  const client = new HeadlessClient();
  client.statusListener = (event) => {
    if (event.type === 'status' && event.status.phase === 'awaitingHostKey' && event.status.hostKeyPrompt) {
      void core.request(
        'sessions.answerHostKey',
        { sessionId, promptId: event.status.hostKeyPrompt.promptId, decision: 'acceptOnce' },
        client,
      );
    }
  };
  const { sessionId } = await core.request('sessions.open', { podId: pod.id, size: SIZE }, client);
  await waitUntil(() => client.endsWithPrompt(), `a prompt from the core's ${method} session`);
  return {
    async run(corpus) {
      const found = new Promise<void>((resolve) => (client.watch = new MarkerWatch(resolve)));
      const begin = performance.now();
      client.send({ type: 'write', data: `cat ${corpus.file}; ${END_COMMAND}\r` });
      await found;
      const ms = performance.now() - begin;
      client.watch = null;
      await waitUntil(() => client.endsWithPrompt(), 'the prompt after the corpus');
      return corpus.screenBytes.length / 1e3 / ms;
    },
    async close() {
      await core.request('sessions.close', { sessionId }, client).catch(() => undefined);
      client.terminal.dispose();
      await core.cleanup();
    },
  };
}

/** The minimal pipe: ssh2 shell on the sshd's pty, a batcher, a MessagePort, @xterm/headless acknowledging. */
export async function openPipeSession(sshd: SshdHarness): Promise<{
  run(corpus: Corpus, constants: PipeConstants): Promise<number>;
  close(): void;
}> {
  const connection = new Client();
  await new Promise<void>((resolve, reject) => {
    connection.once('ready', () => resolve());
    connection.once('error', reject);
    connection.connect({
      host: sshd.host,
      port: sshd.port,
      username: sshd.keyUser,
      privateKey: sshd.clientKeyText,
    });
  });
  const channel: ClientChannel = await new Promise((resolve, reject) =>
    connection.shell({ term: 'xterm-256color', ...SIZE }, (error, stream) => (error ? reject(error) : resolve(stream))),
  );
  let screen = '';
  const prompt = () => PROMPT.test(screen);
  let onData: (chunk: Buffer) => void = (chunk) => (screen = (screen + chunk.toString('latin1')).slice(-512));
  channel.on('data', (chunk: Buffer) => onData(chunk));
  await waitUntil(prompt, 'the pipe shell prompt');

  return {
    async run(corpus, constants) {
      const terminal = new Terminal({ ...SIZE, scrollback: 1000, allowProposedApi: true });
      const { port1: main, port2: renderer } = new MessageChannel();
      let unacknowledged = 0;
      let paused = false;
      let batch: Buffer[] = [];
      let timer: NodeJS.Timeout | null = null;
      const send = () => {
        timer = null;
        if (batch.length === 0) return;
        const data = Buffer.concat(batch);
        batch = [];
        unacknowledged += data.length;
        main.postMessage(data);
        if (!paused && unacknowledged > constants.pause) {
          paused = true;
          channel.pause();
        }
      };
      const watch = new MarkerWatch(() => {});
      let finished: () => void = () => {};
      const done = new Promise<void>((resolve) => (finished = resolve));
      onData = (chunk) => {
        screen = (screen + chunk.toString('latin1')).slice(-512);
        batch.push(chunk);
        if (timer === null) {
          if (constants.leadingEdge) send();
          timer = setTimeout(send, constants.batchMs);
        }
      };
      main.on('message', (acked: number) => {
        unacknowledged = Math.max(0, unacknowledged - acked);
        if (paused && unacknowledged < constants.resume) {
          paused = false;
          channel.resume();
        }
      });
      let parsedUnacked = 0;
      renderer.on('message', (data: Uint8Array) => {
        const marker = watch.holdsMarker(data);
        terminal.write(data, () => {
          parsedUnacked += data.byteLength;
          if (parsedUnacked >= constants.ackEvery) {
            renderer.postMessage(parsedUnacked);
            parsedUnacked = 0;
          }
          if (marker) finished();
        });
      });
      const begin = performance.now();
      channel.write(`cat ${corpus.file}; ${END_COMMAND}\r`);
      await done;
      const ms = performance.now() - begin;
      await waitUntil(prompt, 'the prompt after the corpus');
      if (paused) channel.resume();
      onData = (chunk) => (screen = (screen + chunk.toString('latin1')).slice(-512));
      if (timer) clearTimeout(timer);
      main.close();
      renderer.close();
      terminal.dispose();
      return corpus.screenBytes.length / 1e3 / ms;
    },
    close() {
      connection.end();
    },
  };
}
