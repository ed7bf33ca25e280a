/**
 * A real core (real SQLite file, real AES-GCM secret box) in a temp directory, and an in-memory ClientConnection: the
 * transport is a collaborator the core takes, so tests can stand in for a window without faking any of our code.
 */
import { join } from 'node:path';
import type {
  AppEvent,
  HostKeyDecision,
  RequestInput,
  RequestResult,
  SessionCommand,
  SessionEvent,
  SessionStatus,
} from '../../common/contract';
import type { RequestKey } from '../../common/requestKeys';
import {
  createCore,
  type ClientConnection,
  type CoreOptions,
  type PodtermCore,
  type SessionStream,
} from '../../main/core';
import { makeScratch, openDataDirKey } from './dataDir';

export interface TestCore {
  core: PodtermCore;
  dataDir: string;
  home: string;
  /**
   * Sends one request through the core as a transport would and answers its result; a refused request throws with the
   * error's code and message. A test about a refusal calls `core.dispatch` and asserts the envelope instead.
   */
  request<K extends RequestKey>(key: K, payload: RequestInput<K>, client?: ClientConnection): Promise<RequestResult<K>>;
  /**
   * Waits until the session is connected or has ended, answering an SSH host-key question with `answerHostKey` when
   * given (the first connection to a test sshd asks). Answers the latest status and the end event, if any; throws the
   * core's refusal when it refuses an answer.
   */
  settle(client: RecordingClient, sessionId: number, options?: SettleOptions): Promise<SettledSession>;
  /** Like `settle`, for a session that must connect: its ending first throws with the end it reported. */
  connected(client: RecordingClient, sessionId: number, options?: SettleOptions): Promise<SessionStatus>;
  cleanup(): Promise<void>;
}

export interface SettleOptions {
  /** How to answer an SSH host-key question; without it a question is left open (and the wait times out). */
  answerHostKey?: HostKeyDecision;
  timeoutMs?: number;
}

export interface SettledSession {
  status: SessionStatus;
  end: SessionEndEvent | undefined;
}

export type SessionEndEvent = Extract<SessionEvent, { type: 'end' }>;

export async function createTestCore(
  env: NodeJS.ProcessEnv = {},
  overrides: Partial<Omit<CoreOptions, 'dataDir' | 'secretBox' | 'env'>> = {},
): Promise<TestCore> {
  const scratch = await makeScratch('podterm-core-');
  const { dataDir, home } = scratch;
  const secretBox = await openDataDirKey(dataDir);
  const core = createCore({
    dataDir,
    secretBox,
    mode: 'web',
    version: 'test',
    env,
    homeDir: home,
    // No machine-wide service account leaks into tests; tests that want in-cluster config pass their own directory.
    serviceAccountDir: join(scratch.dir, 'no-service-account'),
    // The tests' own environment stands in for a login shell's.
    loginEnv: async () => ({ ...process.env, ...env }),
    log: () => {},
    ...overrides,
  });
  const request: TestCore['request'] = async (key, payload, client = new RecordingClient()) => {
    const reply = await core.dispatch(key, payload, client);
    if (!reply.ok) throw new Error(`${key} refused: ${reply.error.code}: ${reply.error.message}`);
    return reply.result as RequestResult<typeof key>;
  };
  const settle: TestCore['settle'] = async (client, sessionId, { answerHostKey, timeoutMs } = {}) => {
    const answered = new Set<string>();
    const answers: Promise<void>[] = [];
    // The first refused answer, kept so the wait fails with it rather than with a timeout.
    let refusal: { error: unknown } | undefined;
    const status = await client.waitFor(() => {
      if (refusal) throw refusal.error;
      const current = client.statusOf(sessionId);
      const prompt = current?.phase === 'awaitingHostKey' ? current.hostKeyPrompt : null;
      if (answerHostKey && prompt && !answered.has(prompt.promptId)) {
        answered.add(prompt.promptId);
        const answer = request(
          'sessions.answerHostKey',
          { sessionId, promptId: prompt.promptId, decision: answerHostKey },
          client,
        ).then(
          () => {},
          (error: unknown) => {
            refusal ??= { error };
          },
        );
        answers.push(answer);
      }
      return current?.phase === 'connected' || client.endOf(sessionId) ? current : undefined;
    }, timeoutMs);
    // An answer refused just as the session connected or ended still fails the wait.
    await Promise.all(answers);
    if (refusal) throw refusal.error;
    return { status, end: client.endOf(sessionId) };
  };
  return {
    core,
    dataDir,
    home,
    request,
    settle,
    async connected(client, sessionId, options) {
      const { status, end } = await settle(client, sessionId, options);
      if (end) throw new Error(`session ${sessionId} ended instead of connecting: ${JSON.stringify(end.end)}`);
      return status;
    },
    async cleanup() {
      await core.close();
      await scratch.cleanup();
    },
  };
}

/** How much of the end of the output `tail()` keeps. */
const TAIL_CHARS = 512;

/** A renderer stand-in: records every event per session and can send commands. */
export class RecordingClient implements ClientConnection {
  readonly events = new Map<number, SessionEvent[]>();
  /** Every app event the core pushed to this "window", in order. */
  readonly appEvents: AppEvent[] = [];
  private readonly received = new Map<number, { bytes: number; tail: string }>();
  private readonly decoder = new TextDecoder();
  private readonly commandListeners = new Map<number, (command: SessionCommand) => void>();
  private readonly closedListeners: Array<() => void> = [];
  private readonly waiters: Array<() => void> = [];

  openStream(sessionId: number): SessionStream {
    this.events.set(sessionId, []);
    return {
      post: (event) => {
        this.events.get(sessionId)!.push(event);
        if (event.type === 'data') {
          const seen = this.received.get(sessionId) ?? { bytes: 0, tail: '' };
          seen.bytes += event.data.byteLength;
          seen.tail = (seen.tail + this.decoder.decode(event.data.subarray(-TAIL_CHARS))).slice(-TAIL_CHARS);
          this.received.set(sessionId, seen);
        }
        for (const wake of this.waiters.splice(0)) wake();
      },
      onCommand: (listener) => void this.commandListeners.set(sessionId, listener),
      close: () => void this.commandListeners.delete(sessionId),
    };
  }

  onClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  postAppEvent(event: AppEvent): void {
    this.appEvents.push(event);
    for (const wake of this.waiters.splice(0)) wake();
  }

  send(sessionId: number, command: SessionCommand): void {
    this.commandListeners.get(sessionId)?.(command);
  }

  /** Closes the "window": the core must end its sessions. */
  disconnect(): void {
    for (const listener of this.closedListeners.splice(0)) listener();
  }

  /** The session's latest status, or undefined before its first. */
  statusOf(sessionId: number): SessionStatus | undefined {
    return this.events
      .get(sessionId)
      ?.filter((event) => event.type === 'status')
      .at(-1)?.status;
  }

  /** The session's end event, or undefined while it runs. */
  endOf(sessionId: number): SessionEndEvent | undefined {
    return this.events.get(sessionId)?.find((event): event is SessionEndEvent => event.type === 'end');
  }

  /** Output bytes received so far, counted as they arrive (cheap to poll during a flood). */
  bytesReceived(sessionId: number): number {
    return this.received.get(sessionId)?.bytes ?? 0;
  }

  /** The last few hundred characters of output. */
  tail(sessionId: number): string {
    return this.received.get(sessionId)?.tail ?? '';
  }

  /** Everything the session printed so far, as text. */
  output(sessionId: number): string {
    const decoder = new TextDecoder();
    return (this.events.get(sessionId) ?? [])
      .map((event) => (event.type === 'data' ? decoder.decode(event.data, { stream: true }) : ''))
      .join('');
  }

  /** Waits until `predicate` holds for the events recorded so far. */
  async waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('timed out waiting for a session event');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
