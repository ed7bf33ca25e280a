/**
 * One tab's terminal and session, outside React: the xterm.js instance, its session channel, flow control and sizing.
 * React components subscribe to its state and mount its element, but the terminal lives as long as the tab does (a
 * hidden tab keeps its screen and its scrollback; a re-render never recreates anything).
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type {
  FileTransferProgress,
  HostKeyDecision,
  SessionChannel,
  SessionEnd,
  SessionEvent,
  SessionPhase,
  SessionStatus,
  TerminalSize,
} from '../../../common/contract';
import type { RendererClient } from '../client';
import { connectedLine, failedAttemptParts } from '../lib/format';
import { OutputFeed } from './outputFeed';
import { disposableTimeout, DisposableSlot, DisposableStore, toDisposable, type Disposable } from './disposable';
import { splitInput } from './input';
import { settingsStore } from './settingsStore';
import { StateStore } from './stateStore';
import { TerminalFeatures, terminalOptionsFor } from './terminalFeatures';
import { messageOf } from '../../../common/errors';
import { containsInterrupt } from '../../../common/flowControl';

/**
 * A sidebar drag or window resize fires the ResizeObserver every frame; 50 ms coalesces that into a few resizes (each
 * one a SIGWINCH and a redraw on the remote) without the terminal visibly lagging the window.
 */
export const RESIZE_DEBOUNCE_MS = 50;
/** What the terminal is sized to before its element has a size (it has one before a session opens, in practice). */
const FALLBACK_SIZE: TerminalSize = { cols: 80, rows: 24 };

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
/**
 * SGR 31: the theme's red (session/terminalTheme.ts), for a failed attempt's ✗ and reason, which must stand out from
 * the dim lines around them. Its contrast against the terminal background passes WCAG AA (4.5:1) in both themes:
 * dark #e06c75 on #111318 is 5.81:1, light #c4242f on #fbfbfc is 5.58:1 (test/e2e/layout.test.ts measures the
 * colours the page renders).
 */
const RED = '\x1b[31m';
/** DECSTR: a soft reset clears modes a dead program left behind (alternate screen, hidden cursor) but keeps the text. */
const SOFT_RESET = '\x1b[!p';
/** DECTCEM off: a dead session shows no cursor (a blinking block would suggest it still takes input). */
const HIDE_CURSOR = '\x1b[?25l';

export type TabPhase = 'opening' | SessionPhase;

export interface TabSessionState {
  /** 'opening' until `sessions.open` answers, then the stream's phase. */
  phase: TabPhase;
  sessionId: number | null;
  status: SessionStatus | null;
  end: SessionEnd | null;
  /** An answer to the open question (host key or login) is on its way to main. */
  answering: boolean;
  /**
   * The tab came back after a page reload and has not connected since (phase 'ended', end null): it waits for Enter or
   * Reconnect instead of opening a connection by itself.
   */
  restored: boolean;
}

export interface TerminalSessionOptions {
  client: RendererClient;
  podId: string;
  /** A request failed: shown as a toast. */
  onError(message: string): void;
  /** A shell opened (the record's "last connected" changed). */
  onConnected(): void;
  /**
   * false: a tab restored after a reload. It shows that it is not connected and connects when asked (Enter or
   * Reconnect), so a reload with ten tabs does not open ten connections at once. Default true.
   */
  connectOnMount?: boolean;
  /** Opens a debug (ephemeral) container instead of an exec shell (the record's "Debug with an ephemeral container"). */
  debug?: boolean;
}

/**
 * The stream of the session this tab shows and its output's way into xterm.js (with the acks for what was parsed).
 * Disposing it drops what was not handed to xterm.js yet and detaches the stream (which also drops its listener); the
 * session itself lives on in main until `sessions.close`.
 */
class SessionLink implements Disposable {
  readonly output: OutputFeed;

  constructor(
    readonly channel: SessionChannel,
    write: (data: Uint8Array, callback: () => void) => void,
  ) {
    this.output = new OutputFeed(write, (bytes) => channel.send({ type: 'ack', bytes }));
  }

  dispose(): void {
    this.output.dispose();
    this.channel.detach();
  }
}

export class TerminalSession {
  /** The element xterm.js renders into; the tab's view mounts it. */
  readonly element: HTMLDivElement;
  /**
   * Everything this tab registers, released in the order added when it closes. The features come after the terminal:
   * disposing the terminal disposes the addons loaded into it, so the features' own release of them does nothing
   * (the WebGL addon, released while the terminal lives, would set up a DOM renderer for a terminal about to go).
   */
  private readonly disposables = new DisposableStore();
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  /** Search, links, clipboard, renderer, settings and recording (terminalFeatures.ts). */
  readonly features: TerminalFeatures;
  private readonly store = this.disposables.add(
    new StateStore<TabSessionState>({
      phase: 'opening',
      sessionId: null,
      status: null,
      end: null,
      answering: false,
      restored: false,
    }),
  );
  /** The open session's stream: replaced per connect, emptied when the session ends or the tab switches container. */
  private readonly link = this.disposables.add(new DisposableSlot<SessionLink>());
  /** The refit waiting out RESIZE_DEBOUNCE_MS; a newer resize replaces (and so cancels) it. */
  private readonly pendingFit = this.disposables.add(new DisposableSlot<Disposable>());
  /** Bumped per connect, so a late answer to an earlier attempt (before a reconnect or close) is recognised. */
  private generation = 0;
  private lastSentSize: TerminalSize | null = null;
  private announced = false;
  private opened = false;
  /** The container picked in this tab (overrides the record's), once the user has picked one. */
  private container: string | null = null;
  /**
   * Set while the tab is a debug-container tab; `reattach` is the debug container it attached to, so a reconnect joins
   * that one again (while it runs) instead of adding another.
   */
  private debug: { reattach: string | null } | null;

  constructor(private readonly options: TerminalSessionOptions) {
    this.debug = options.debug ? { reattach: null } : null;
    this.element = document.createElement('div');
    this.element.className = 'terminal-surface';
    this.element.dataset.testid = 'terminal';

    this.term = this.disposables.add(
      new Terminal({
        ...terminalOptionsFor(settingsStore.get()),
        lineHeight: 1.15,
        // The Unicode 11 widths and the search highlights (decorations) are "proposed" API in xterm.js 6.
        allowProposedApi: true,
      }),
    );
    this.term.loadAddon(this.disposables.add(this.fit));
    this.features = this.disposables.add(
      new TerminalFeatures(this.term, this.element, {
        client: options.client,
        sessionId: () => (this.state.phase === 'connected' ? this.state.sessionId : null),
        isLive: () => this.state.phase !== 'ended',
        refit: () => this.fitNow(),
        onError: (message) => this.options.onError(message),
      }),
    );

    this.term.attachCustomKeyEventHandler((event) => this.handleKey(event));
    this.disposables.add(this.term.onData((data) => this.sendInput(data)));
  }

  // --- state for React (useSyncExternalStore) ---

  readonly subscribe = this.store.subscribe;
  readonly getState = this.store.getState;
  /** Listeners for file-transfer progress on this tab's connection (files.upload / files.download). */
  private readonly transferListeners = new Set<(transferId: string, progress: FileTransferProgress) => void>();

  /** The files requests bound to this tab's open session, or null while no shell is open. */
  files(): { sessionId: number; api: RendererClient['api']['files'] } | null {
    const { phase, sessionId } = this.state;
    if (phase !== 'connected' || sessionId === null) return null;
    return { sessionId, api: this.options.client.api.files };
  }

  /** Calls `listener` with each progress report of this tab's transfers; returns the unsubscribe. */
  onTransferProgress(listener: (transferId: string, progress: FileTransferProgress) => void): () => void {
    this.transferListeners.add(listener);
    return () => this.transferListeners.delete(listener);
  }

  private get state(): TabSessionState {
    return this.store.getState();
  }

  private update(change: Partial<TabSessionState>): void {
    this.store.update(change);
  }

  private get disposed(): boolean {
    return this.disposables.isDisposed;
  }

  // --- view ---

  /**
   * Puts the terminal into the tab's host element. The first mount opens xterm.js, fits it and only then opens the
   * session, so the remote pty has the right size from its first byte.
   */
  mount(host: HTMLElement): void {
    if (this.disposed) return;
    if (this.element.parentElement !== host) host.appendChild(this.element);
    if (this.opened) return;
    this.opened = true;
    this.term.open(this.element);
    this.features.attached();
    this.fitNow();
    const observer = new ResizeObserver(() => this.scheduleFit());
    observer.observe(this.element);
    this.disposables.add(toDisposable(() => observer.disconnect()));
    if (this.options.connectOnMount === false) this.waitForReconnect();
    else void this.connect();
  }

  /** A tab restored after a reload: no session yet; Enter or Reconnect opens one (see `connectOnMount`). */
  private waitForReconnect(): void {
    this.term.options.disableStdin = true;
    this.term.options.cursorBlink = false;
    this.term.write(
      `${HIDE_CURSOR}${DIM}Not connected since the page was reloaded. Press Enter to connect.${RESET}\r\n`,
    );
    this.update({ phase: 'ended', end: null, restored: true });
  }

  /** The tab became visible: refit (the window may have changed while it was hidden) and take the keyboard. */
  show(): void {
    this.fitNow();
    this.focus();
  }

  focus(): void {
    if (this.opened && !this.disposed) this.term.focus();
  }

  // --- session ---

  answerHostKey(decision: HostKeyDecision): void {
    this.answer(this.state.status?.hostKeyPrompt, (sessionId, promptId) =>
      this.options.client.api.sessions.answerHostKey({ sessionId, promptId, decision }),
    );
  }

  /** Answers the SSH server's login questions (null cancels). The answers go straight to main and are not kept. */
  answerAuth(answers: string[] | null): void {
    this.answer(this.state.status?.authPrompt, (sessionId, promptId) =>
      this.options.client.api.sessions.answerAuth({ sessionId, promptId, answers }),
    );
  }

  /** Sends the answer to the open question once (a double click sends nothing more), then gives the terminal back. */
  private answer(
    prompt: { promptId: string } | null | undefined,
    send: (sessionId: number, promptId: string) => Promise<unknown>,
  ): void {
    const { sessionId } = this.state;
    if (sessionId === null || !prompt || this.state.answering) return;
    this.update({ answering: true });
    send(sessionId, prompt.promptId)
      .catch((error: unknown) => {
        this.update({ answering: false });
        this.options.onError(messageOf(error));
      })
      .finally(() => this.focus());
  }

  /** Opens a new session for the same record in this tab, keeping the old output above it. */
  reconnect(): void {
    if (this.disposed || this.state.phase !== 'ended') return;
    this.term.options.disableStdin = false;
    this.term.options.cursorBlink = settingsStore.get().cursorBlink;
    const word = this.state.restored ? 'Connecting…' : 'Reconnecting…';
    this.term.write(`${SOFT_RESET}\r\n${DIM}${word}${RESET}\r\n`);
    this.announced = false;
    // The new shell starts wherever its login puts it; the old one's directory report no longer holds.
    this.features.workingDirectory.reset();
    void this.connect();
    this.focus();
  }

  /** The tab's container picker: ends this session and opens the same pod's other container in the same tab. */
  switchContainer(container: string): void {
    if (this.disposed || this.state.status?.kube?.container === container) return;
    this.container = container;
    this.generation++;
    const { sessionId, phase } = this.state;
    if (sessionId !== null && phase !== 'ended') this.closeRemote(sessionId);
    this.link.clear();
    this.term.options.disableStdin = false;
    this.term.options.cursorBlink = settingsStore.get().cursorBlink;
    this.term.write(`${SOFT_RESET}\r\n${DIM}Switching to container ${container}…${RESET}\r\n`);
    this.announced = false;
    void this.connect();
    this.focus();
  }

  /**
   * "Debug with an ephemeral container": ends this session (if any) and opens a debug container in the same tab,
   * aimed at the container the tab would have opened. A tab that has one already re-attaches to it.
   */
  startDebug(): void {
    if (this.disposed) return;
    this.debug ??= { reattach: null };
    this.generation++;
    const { sessionId, phase } = this.state;
    if (sessionId !== null && phase !== 'ended') this.closeRemote(sessionId);
    this.link.clear();
    this.term.options.disableStdin = false;
    this.term.options.cursorBlink = settingsStore.get().cursorBlink;
    this.term.write(`${SOFT_RESET}\r\n${DIM}Starting a debug container…${RESET}\r\n`);
    this.announced = false;
    void this.connect();
    this.focus();
  }

  /** The tab closed: end the session on main and free the terminal. */
  dispose(): void {
    if (this.disposed) return;
    this.generation++;
    const { sessionId, phase } = this.state;
    if (sessionId !== null && phase !== 'ended') this.closeRemote(sessionId);
    this.disposables.dispose();
    this.element.remove();
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    const size = this.currentSize();
    this.lastSentSize = size;
    this.update({ phase: 'opening', sessionId: null, status: null, end: null, answering: false, restored: false });
    let channel: SessionChannel;
    try {
      channel = await this.options.client.openSession({
        podId: this.options.podId,
        size,
        ...(this.container ? { container: this.container } : {}),
        ...(this.debug ? { debug: this.debug.reattach ? { reattach: this.debug.reattach } : {} } : {}),
      });
    } catch (error) {
      if (generation === this.generation) this.ended({ kind: 'failed', message: messageOf(error) });
      return;
    }
    if (generation !== this.generation) {
      // The tab closed (or reconnected) while the request was in flight: this session has no one to show it.
      this.closeRemote(channel.sessionId);
      channel.detach();
      return;
    }
    this.link.value = new SessionLink(channel, (data, callback) => this.term.write(data, callback));
    this.element.dataset.sessionId = String(channel.sessionId);
    this.update({ sessionId: channel.sessionId, phase: 'connecting' });
    channel.onEvent((event) => {
      if (generation === this.generation) this.handle(event);
    });
    // The window may have been resized while `sessions.open` was in flight.
    this.sendSizeIfChanged();
  }

  private handle(event: SessionEvent): void {
    switch (event.type) {
      case 'data': {
        this.link.value?.output.receive(event.data);
        return;
      }
      case 'interruptSeen':
        this.link.value?.output.interruptSeen();
        return;
      case 'status': {
        const { status } = event;
        const phase = this.state.phase === 'ended' ? 'ended' : status.phase;
        const previous = this.state.status;
        const promptChanged =
          status.hostKeyPrompt?.promptId !== previous?.hostKeyPrompt?.promptId ||
          status.authPrompt?.promptId !== previous?.authPrompt?.promptId;
        this.update({ status, phase, ...(promptChanged ? { answering: false } : {}) });
        const debugContainer = status.kube?.debugContainer;
        if (debugContainer && this.debug) this.debug.reattach = debugContainer.name;
        if (status.phase === 'connected' && !this.announced) {
          this.announced = true;
          for (const attempt of status.attempts.filter((entry) => entry.outcome === 'failed')) {
            const { mark, head, reason } = failedAttemptParts(attempt);
            this.term.write(`${RED}${mark}${RESET} ${DIM}${head}${RESET} ${RED}${reason}${RESET}\r\n`);
          }
          const opened = status.attempts.find((entry) => entry.outcome === 'opened');
          this.term.write(`${DIM}${connectedLine(status.method, status.target, opened?.label)}${RESET}\r\n`);
          this.options.onConnected();
        }
        return;
      }
      case 'end':
        this.ended(event.end);
        return;
      case 'recordingFailed':
        this.features.recordingFailed(event.message);
        return;
      case 'transfer':
        for (const listener of this.transferListeners) listener(event.transferId, event.progress);
        return;
    }
  }

  private ended(end: SessionEnd): void {
    // The last output goes to xterm.js before the end's own lines.
    this.link.value?.output.finish();
    this.link.clear();
    // Keep the screen and the scrollback; stop pretending keys go anywhere.
    this.term.options.disableStdin = true;
    this.term.options.cursorBlink = false;
    this.term.write(HIDE_CURSOR);
    this.features.sessionEnded();
    this.update({ phase: 'ended', end, answering: false });
  }

  private closeRemote(sessionId: number): void {
    this.options.client.api.sessions.close({ sessionId }).catch((error: unknown) => {
      // After the tab is gone there is nowhere sensible to report a failed close (and main ends a gone page's
      // sessions by itself); a close that fails while the tab lives is worth a toast.
      if (!this.disposed) this.options.onError(messageOf(error));
    });
  }

  private sendInput(data: string): void {
    // Keys typed before a shell exists have nowhere to go (main would drop them too).
    const link = this.link.value;
    if (!link || this.state.phase !== 'connected') return;
    for (const piece of splitInput(data)) {
      // Main answers each such write with `interruptSeen`; a tab that is behind drops its undrawn output until then.
      if (containsInterrupt(piece)) link.output.interruptSent();
      link.channel.send({ type: 'write', data: piece });
    }
  }

  private handleKey(event: KeyboardEvent): boolean {
    const end = this.state.end;
    // A finished pod cannot come back: Enter does not retry what cannot work (the card offers a running pod).
    const retryable = !(end?.kind === 'failed' && end.finishedPod);
    if (
      this.state.phase === 'ended' &&
      retryable &&
      event.type === 'keydown' &&
      event.key === 'Enter' &&
      !hasModifier(event)
    ) {
      // As the end bar says: Enter in an ended tab starts a new session for the same record.
      event.preventDefault();
      this.reconnect();
      return false;
    }
    // Copy, paste and search keys (per platform) are the features' business.
    return this.features.handleKey(event);
  }

  // --- sizing ---

  private scheduleFit(): void {
    this.pendingFit.value = disposableTimeout(() => this.fitNow(), RESIZE_DEBOUNCE_MS);
  }

  private fitNow(): void {
    if (!this.opened || this.disposed) return;
    // A hidden tab (display: none) measures 0×0; fitting it would shrink the remote pty to 2×1.
    if (this.element.clientWidth === 0 || this.element.clientHeight === 0) return;
    this.fit.fit();
    this.sendSizeIfChanged();
  }

  private currentSize(): TerminalSize {
    if (!this.opened) return FALLBACK_SIZE;
    return { cols: this.term.cols, rows: this.term.rows };
  }

  private sendSizeIfChanged(): void {
    const link = this.link.value;
    if (!link || this.state.phase === 'ended') return;
    const size = this.currentSize();
    if (this.lastSentSize && this.lastSentSize.cols === size.cols && this.lastSentSize.rows === size.rows) return;
    this.lastSentSize = size;
    link.channel.send({ type: 'resize', size });
  }
}

function hasModifier(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.shiftKey || event.altKey || event.metaKey;
}
