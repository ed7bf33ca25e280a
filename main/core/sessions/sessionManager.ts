/**
 * Owns every open session: starts the connect chain for a tab, relays host-key questions, wires the opened
 * TerminalSession through the data pipe to the renderer's stream, and ends sessions when tabs or windows close.
 */
import { randomUUID } from 'node:crypto';
import {
  type ConnectionAttempt,
  ContractError,
  type HostKeyDecision,
  type SessionCommand,
  type SessionEnd,
  type SessionEvent,
  type SessionStatus,
  type TerminalSize,
} from '../../../common/contract';
import {
  connect,
  ConnectAbortedError,
  ConnectFailedError,
  type ConnectionMethodHandler,
  FinishedPodError,
  isNoShellFailure,
  type LearnedStatus,
  statusOfConnectFailure,
  statusOfLostSession,
} from '../connect';
import type { PodRepository } from '../store';
import type { ClientConnection, SessionStream } from './clientConnection';
import { SessionDataPipe } from './flowControl';
import { RecordingError, type RecordingOutcome, SessionRecording } from './recording';
import type { RemoteFileAccess, TerminalSession } from '../terminal';
import { messageOf } from '../../../common/errors';
import { containsInterrupt } from '../../../common/flowControl';

/**
 * The question a session is waiting on the user for. One at a time: the host key is settled before authentication
 * starts, and the chain tries one method at a time. A question that goes away unanswered resolves as cancelled.
 */
type PendingQuestion =
  | { kind: 'hostKey'; promptId: string; resolve(decision: HostKeyDecision): void }
  | { kind: 'auth'; promptId: string; resolve(answers: string[] | null): void };

interface ManagedSession {
  id: number;
  podId: string;
  /** The asciicast being written for this session, if the tab asked for one. */
  recording: SessionRecording | null;
  client: ClientConnection;
  stream: SessionStream;
  status: SessionStatus;
  size: TerminalSize;
  abort: AbortController;
  terminal: TerminalSession | null;
  pipe: SessionDataPipe | null;
  pending: PendingQuestion | null;
  ended: boolean;
}

export interface SessionManagerOptions {
  pods: PodRepository;
  methods: readonly ConnectionMethodHandler[];
  /** Where session recordings go (<dataDir>/recordings); without it, recording is refused. */
  recordingsDir?: string;
  now?: () => number;
  log?: (message: string) => void;
  /** A connection's outcome changed a record's stored status (core.ts pushes it to every window's sidebar). */
  onPodStatusChanged?: (podId: string) => void;
}

export class SessionManager {
  private readonly sessions = new Map<number, ManagedSession>();
  private readonly watchedClients = new WeakSet<ClientConnection>();
  private nextId = 1;
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  constructor(private readonly options: SessionManagerOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((message) => console.log(`podterm: ${message}`));
  }

  /** Starts connecting and returns the session id at once; everything else arrives on the client's stream. */
  open(
    podId: string,
    size: TerminalSize,
    client: ClientConnection,
    container: string | null = null,
    debug: { reattach: string | null } | null = null,
  ): number {
    if (!this.options.pods.get(podId)) {
      throw new ContractError('notFound', `No pod record with id ${podId}; it may have been deleted.`);
    }
    this.watchClient(client);
    const id = this.nextId++;
    const stream = client.openStream(id);
    const session: ManagedSession = {
      id,
      podId,
      recording: null,
      client,
      stream,
      size,
      status: {
        phase: 'connecting',
        attempts: [],
        method: null,
        target: null,
        hostKeyPrompt: null,
        authPrompt: null,
        kube: null,
      },
      abort: new AbortController(),
      terminal: null,
      pipe: null,
      pending: null,
      ended: false,
    };
    this.sessions.set(id, session);
    stream.onCommand((command) => this.onCommand(session, command));
    this.postStatus(session);
    void this.connect(session, podId, container, debug);
    return id;
  }

  /** Ends a session (the tab closed). Only the client that opened it may close it. */
  async close(sessionId: number, client: ClientConnection): Promise<boolean> {
    const session = this.owned(sessionId, client);
    if (!session) return false;
    await this.end(session, { kind: 'closed' });
    return true;
  }

  /** The user's answers to the SSH server's questions (null: cancel). They go to the server and are kept nowhere. */
  answerAuth(sessionId: number, promptId: string, answers: string[] | null, client: ClientConnection): boolean {
    const pending = this.takePending(sessionId, 'auth', promptId, client);
    pending?.resolve(answers);
    return pending !== null && answers !== null;
  }

  answerHostKey(sessionId: number, promptId: string, decision: HostKeyDecision, client: ClientConnection): boolean {
    const pending = this.takePending(sessionId, 'hostKey', promptId, client);
    pending?.resolve(decision);
    return pending !== null && decision !== 'cancel';
  }

  /** The open question of this kind and id, taken off the session and its status; null when there is none. */
  private takePending<K extends PendingQuestion['kind']>(
    sessionId: number,
    kind: K,
    promptId: string,
    client: ClientConnection,
  ): Extract<PendingQuestion, { kind: K }> | null {
    const session = this.owned(sessionId, client);
    const pending = session?.pending;
    if (!session || pending?.kind !== kind || pending.promptId !== promptId) return null;
    session.pending = null;
    this.update(session, { phase: 'connecting', hostKeyPrompt: null, authPrompt: null });
    return pending as Extract<PendingQuestion, { kind: K }>;
  }

  /**
   * The open shell's way to move files (main/core/files, wired by handlers.ts), a way to post transfer progress on
   * the session's stream, and a signal that fires when the session ends (a transfer does not outlive its tab).
   */
  fileAccess(
    sessionId: number,
    client: ClientConnection,
  ): { access: RemoteFileAccess; post(event: SessionEvent): void; ended: AbortSignal } {
    const session = this.owned(sessionId, client);
    if (!session) throw new ContractError('notFound', `No open session ${sessionId} in this window.`);
    if (!session.terminal || session.status.phase !== 'connected') {
      throw new ContractError(
        'invalidPayload',
        'Files move once the shell is open; wait for the prompt, or reconnect.',
      );
    }
    const access = session.terminal.remoteFiles;
    if (!access) throw new ContractError('forbidden', 'This connection cannot move files.');
    return {
      access,
      post: (event) => {
        if (!session.ended) session.stream.post(event);
      },
      ended: session.abort.signal,
    };
  }

  /**
   * Starts writing the session's output to an asciicast file (output only: keystrokes are never recorded). The shell
   * must be open. Returns the file's path.
   */
  startRecording(sessionId: number, client: ClientConnection): { path: string } {
    const session = this.owned(sessionId, client);
    if (!session) throw new ContractError('notFound', `No open session ${sessionId} in this window.`);
    if (session.recording) return { path: session.recording.path };
    if (!session.terminal || session.status.phase !== 'connected') {
      throw new ContractError('invalidPayload', 'Recording starts once the shell is open; wait for the prompt.');
    }
    const dir = this.options.recordingsDir;
    if (!dir) throw new ContractError('forbidden', 'Recording is not available: no recordings directory is set.');
    const name = this.options.pods.get(session.podId)?.name ?? 'session';
    try {
      const recording: SessionRecording = new SessionRecording({
        dir,
        name,
        size: session.size,
        now: this.now,
        onFailure: () => void this.recordingFailed(session, recording),
      });
      session.recording = recording;
      return { path: recording.path };
    } catch (error) {
      if (error instanceof RecordingError) throw new ContractError('forbidden', error.message);
      throw error;
    }
  }

  /**
   * Stops the session's recording and flushes the file; answers its path. A recording whose writes failed answers
   * the failure instead (and never the path of a file that holds no output).
   */
  async stopRecording(sessionId: number, client: ClientConnection): Promise<{ path: string }> {
    const session = this.owned(sessionId, client);
    if (!session?.recording) throw new ContractError('notFound', `Session ${sessionId} is not being recorded.`);
    const outcome = await this.stopRecordingOf(session);
    if (!outcome?.saved) throw new ContractError('forbidden', outcome?.message ?? 'The recording failed.');
    return { path: outcome.path };
  }

  private async stopRecordingOf(session: ManagedSession): Promise<RecordingOutcome | null> {
    const recording = session.recording;
    session.recording = null;
    return (await recording?.stop()) ?? null;
  }

  /** A write failed mid-recording: the recording ends at once and the tab hears why (it may be a hidden tab). */
  private async recordingFailed(session: ManagedSession, recording: SessionRecording): Promise<void> {
    if (session.recording !== recording) return;
    const outcome = await this.stopRecordingOf(session);
    if (outcome && !outcome.saved && !session.ended) {
      session.stream.post({ type: 'recordingFailed', message: outcome.message });
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => this.end(session, { kind: 'closed' })));
  }

  private owned(sessionId: number, client: ClientConnection): ManagedSession | null {
    const session = this.sessions.get(sessionId);
    return session && session.client === client ? session : null;
  }

  private watchClient(client: ClientConnection): void {
    if (this.watchedClients.has(client)) return;
    this.watchedClients.add(client);
    client.onClosed(() => {
      for (const session of this.sessions.values()) {
        if (session.client === client) void this.end(session, { kind: 'closed' }, { notify: false });
      }
    });
  }

  private async connect(
    session: ManagedSession,
    podId: string,
    containerOverride: string | null,
    debug: { reattach: string | null } | null,
  ): Promise<void> {
    try {
      const record = await this.options.pods.getForConnect(podId);
      if (!record) throw new ConnectFailedError(`No pod record with id ${podId}; it may have been deleted.`, []);
      const result = await connect(
        record,
        this.options.methods,
        {
          size: () => session.size,
          containerOverride,
          debug,
          signal: session.abort.signal,
          promptHostKey: (prompt) =>
            new Promise<HostKeyDecision>((resolve) => {
              const promptId = randomUUID();
              session.pending = { kind: 'hostKey', promptId, resolve };
              this.update(session, { phase: 'awaitingHostKey', hostKeyPrompt: { ...prompt, promptId } });
            }),
          promptAuth: (prompt) =>
            new Promise<string[] | null>((resolve) => {
              const promptId = randomUUID();
              session.pending = { kind: 'auth', promptId, resolve };
              this.update(session, { phase: 'awaitingAuth', authPrompt: { ...prompt, promptId } });
            }),
        },
        (attempts) => {
          // An attempt that settled while its question was open (host key or login: the server hung up, a timeout)
          // takes the question with it: answering it later would mean nothing.
          if (attempts.at(-1)?.outcome !== 'running') this.dismissPrompts(session);
          this.update(session, { attempts: attempts as ConnectionAttempt[] });
        },
        this.now,
      );
      if (session.ended) {
        await result.session.close();
        return;
      }
      this.attach(session, result.session);
      this.update(session, {
        phase: 'connected',
        method: result.method,
        target: result.target,
        kube: result.kube ?? null,
      });
      this.options.pods.recordConnection(podId, result.method, this.now());
      this.options.onPodStatusChanged?.(podId);
    } catch (error) {
      if (session.ended || error instanceof ConnectAbortedError) return;
      const message = messageOf(error);
      const failures = error instanceof ConnectFailedError ? error.failures : [error];
      // A debug container that could not start (RBAC, image, old cluster) says nothing about whether the record's own
      // shell opens: its status stays what the last exec or SSH connection left.
      if (!debug) this.learnStatus(podId, statusOfConnectFailure(failures, message));
      const finishedPod = failures.some((failure) => failure instanceof FinishedPodError);
      const noShell = !finishedPod && failures.some(isNoShellFailure);
      await this.end(session, {
        kind: 'failed',
        message,
        ...(finishedPod ? { finishedPod } : {}),
        ...(noShell ? { noShell } : {}),
      });
    }
  }

  /** Stores what an outcome says about the record's pod, so its dot stops showing an older, better status. */
  private learnStatus(podId: string, learned: LearnedStatus): void {
    try {
      this.options.pods.recordStatus(podId, learned.status, learned.detail, this.now());
    } catch (error) {
      // The record may have been deleted meanwhile; the session's own end still reaches the tab.
      this.log(`could not store the status of record ${podId}: ${messageOf(error)}`);
      return;
    }
    this.options.onPodStatusChanged?.(podId);
  }

  private attach(session: ManagedSession, terminal: TerminalSession): void {
    session.terminal = terminal;
    const pipe = new SessionDataPipe(terminal, (data) => session.stream.post({ type: 'data', data }));
    session.pipe = pipe;
    terminal.onData((chunk) => {
      session.recording?.output(chunk);
      pipe.push(chunk);
    });
    terminal.onExit(
      (exit) =>
        void this.end(session, {
          kind: 'exited',
          code: exit.code,
          signal: exit.signal,
          ...(exit.message ? { message: exit.message } : {}),
        }),
    );
    terminal.onError((error) => {
      if (!session.ended) this.learnStatus(session.podId, statusOfLostSession(error.message));
      void this.end(session, { kind: 'lost', message: error.message });
    });
    // The size may have changed while connecting.
    terminal.resize(session.size.cols, session.size.rows);
  }

  /** Cancels any open question (host key, login) and takes it off the status. */
  private dismissPrompts(session: ManagedSession): void {
    const pending = session.pending;
    if (!pending) return;
    session.pending = null;
    if (pending.kind === 'hostKey') pending.resolve('cancel');
    else pending.resolve(null);
    session.status = { ...session.status, phase: 'connecting', hostKeyPrompt: null, authPrompt: null };
  }

  private onCommand(session: ManagedSession, command: SessionCommand): void {
    switch (command.type) {
      case 'write':
        // Keystrokes typed before the shell opened have nowhere to go; dropping them beats replaying them blindly.
        session.terminal?.write(command.data);
        if (containsInterrupt(command.data)) {
          // After the write, so the signal is on its way first; one event per such write (the renderer counts them).
          session.pipe?.interrupted();
          session.stream.post({ type: 'interruptSeen' });
        }
        break;
      case 'resize':
        session.size = command.size;
        session.recording?.resize(command.size);
        session.terminal?.resize(command.size.cols, command.size.rows);
        break;
      case 'ack':
        session.pipe?.acknowledge(command.bytes);
        break;
    }
  }

  private update(session: ManagedSession, change: Partial<SessionStatus>): void {
    session.status = { ...session.status, ...change };
    this.postStatus(session);
  }

  private postStatus(session: ManagedSession): void {
    if (!session.ended) session.stream.post({ type: 'status', status: session.status });
  }

  private async end(session: ManagedSession, end: SessionEnd, options: { notify: boolean } = { notify: true }) {
    if (session.ended) return;
    session.ended = true;
    this.sessions.delete(session.id);
    session.abort.abort();
    this.dismissPrompts(session);
    // The last output must reach the renderer before the end does.
    session.pipe?.flush();
    session.pipe?.dispose();
    // Finish the recording before the end is posted, so a recording that could not be written is reported with it.
    const recording = await this.stopRecordingOf(session);
    if (options.notify) {
      if (recording && !recording.saved) session.stream.post({ type: 'recordingFailed', message: recording.message });
      // dismissPrompts above already took any question off the status.
      session.stream.post({ type: 'status', status: { ...session.status, phase: 'ended' } });
      session.stream.post({ type: 'end', end });
    }
    session.stream.close();
    try {
      await session.terminal?.close();
    } catch (error) {
      this.log(`closing session ${session.id} failed: ${messageOf(error)}`);
    }
  }
}
