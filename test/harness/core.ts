/**
 * A real core (real SQLite file, real AES-GCM secret box) in a temp directory, and an in-memory ClientConnection: the
 * transport is a collaborator the core takes, so tests can stand in for a window without faking any of our code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionCommand, SessionEvent } from '../../common/contract';
import {
  createCore,
  type ClientConnection,
  type CoreOptions,
  type PodtermCore,
  type SessionStream,
} from '../../main/core';
import { FileKeySecretBox, SECRET_KEY_FILE_NAME } from '../../main/core/secrets/fileKeySecretBox';

export interface TestCore {
  core: PodtermCore;
  dataDir: string;
  home: string;
  cleanup(): Promise<void>;
}

export async function createTestCore(
  env: NodeJS.ProcessEnv = {},
  overrides: Partial<Omit<CoreOptions, 'dataDir' | 'secretBox' | 'env'>> = {},
): Promise<TestCore> {
  const scratch = await mkdtemp(join(tmpdir(), 'podterm-core-'));
  const dataDir = join(scratch, 'data');
  const home = join(scratch, 'home');
  const secretBox = await FileKeySecretBox.open(join(dataDir, SECRET_KEY_FILE_NAME));
  const core = createCore({
    dataDir,
    secretBox,
    mode: 'web',
    version: 'test',
    env,
    homeDir: home,
    // No machine-wide service account leaks into tests; tests that want in-cluster config pass their own directory.
    serviceAccountDir: join(scratch, 'no-service-account'),
    // The tests' own environment stands in for a login shell's.
    loginEnv: async () => ({ ...process.env, ...env }),
    log: () => {},
    ...overrides,
  });
  return {
    core,
    dataDir,
    home,
    async cleanup() {
      await core.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** How much of the end of the output `tail()` keeps. */
const TAIL_CHARS = 512;

/** A renderer stand-in: records every event per session and can send commands. */
export class RecordingClient implements ClientConnection {
  readonly events = new Map<number, SessionEvent[]>();
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

  send(sessionId: number, command: SessionCommand): void {
    this.commandListeners.get(sessionId)?.(command);
  }

  /** Closes the "window": the core must end its sessions. */
  disconnect(): void {
    for (const listener of this.closedListeners.splice(0)) listener();
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
