/**
 * The core's ClientConnection for one Electron window: each session gets its own MessageChannelMain, whose second port
 * travels to the preload (and from there to the page). Terminal bytes never go through invoke.
 *
 * Written against the few members of Electron's WebContents and MessagePortMain it uses, with the channel factory
 * passed in, so the logic is unit-tested without the Electron runtime; main.ts passes the real objects.
 */
import { APP_EVENT_CHANNEL, ContractError, SESSION_PORT_CHANNEL, parseSessionCommand } from '../../common/contract';
import type { AppEvent, SessionCommand, SessionEvent } from '../../common/contract';
import type { ClientConnection, SessionStream } from '../core';
import { messageOf } from '../../common/errors';

/** The members of Electron's MessagePortMain used here. */
export interface PortLike {
  on(event: 'message', listener: (messageEvent: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

/** A MessageChannelMain: port1 stays in main, port2 goes to the renderer. */
export interface ChannelLike<P extends PortLike> {
  port1: P;
  port2: P;
}

/** The members of Electron's WebContents used here. */
export interface WebContentsLike<P extends PortLike> {
  readonly id: number;
  isDestroyed(): boolean;
  postMessage(channel: string, message: unknown, transfer: P[]): void;
  once(event: 'destroyed', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: () => void): unknown;
  on(event: 'did-navigate', listener: () => void): unknown;
  removeListener(event: 'destroyed' | 'render-process-gone' | 'did-navigate', listener: () => void): unknown;
}

/** What the port message listener logs. Never the message itself: it may be keystrokes, i.e. passwords. */
export type TransportLog = (line: string) => void;

/** A ClientConnection plus the means to end it from the IPC layer. */
export interface ElectronClient extends ClientConnection {
  /** Ends every stream and fires onClosed, once. */
  close(): void;
  readonly closed: boolean;
}

/** Describes a rejected stream message by its field paths only (zod messages never include the values either). */
function describeDropped(error: unknown): string {
  if (error instanceof ContractError && error.fieldErrors) return Object.keys(error.fieldErrors).join(', ');
  return error instanceof Error ? error.name : 'unknown error';
}

/**
 * Creates the ClientConnection for one webContents (one page load). It closes itself when the webContents is destroyed,
 * its renderer process dies, or its main frame navigates to a new document (a reload): the page that held the ports
 * is gone, so the core must end that page's sessions.
 */
export function createElectronClient<P extends PortLike>(
  webContents: WebContentsLike<P>,
  createChannel: () => ChannelLike<P>,
  log: TransportLog = (line) => console.warn(line),
): ElectronClient {
  const streams = new Set<SessionStream>();
  const closedListeners: (() => void)[] = [];
  let closed = false;

  const onGone = () => client.close();
  webContents.once('destroyed', onGone);
  webContents.on('render-process-gone', onGone);
  webContents.on('did-navigate', onGone);

  const client: ElectronClient = {
    get closed() {
      return closed;
    },

    openStream(sessionId: number): SessionStream {
      if (closed || webContents.isDestroyed()) throw new Error(`The window for session ${sessionId} is gone.`);
      const { port1, port2 } = createChannel();
      const commandListeners: ((command: SessionCommand) => void)[] = [];
      let streamClosed = false;

      port1.on('message', ({ data }) => {
        if (streamClosed) return;
        let command: SessionCommand;
        try {
          command = parseSessionCommand(data);
        } catch (error) {
          log(`podterm: dropped an invalid message on session ${sessionId}'s port (${describeDropped(error)})`);
          return;
        }
        for (const listener of commandListeners) listener(command);
      });
      // MessagePortMain queues incoming messages until started.
      port1.start();

      const stream: SessionStream = {
        post(event: SessionEvent) {
          // Events may still arrive from a session winding down after its stream closed; there is no one to tell.
          if (!streamClosed) port1.postMessage(event);
        },
        onCommand(listener) {
          commandListeners.push(listener);
        },
        close() {
          if (streamClosed) return;
          streamClosed = true;
          commandListeners.length = 0;
          streams.delete(stream);
          port1.close();
        },
      };
      streams.add(stream);
      // Events posted on port1 before the page takes port2 wait in the channel, so none is lost.
      webContents.postMessage(SESSION_PORT_CHANNEL, { sessionId }, [port2]);
      return stream;
    },

    postAppEvent(event: AppEvent) {
      // The preload forwards it to the page (preload/bridge.ts forwardAppEvent); no port travels with it.
      if (!closed && !webContents.isDestroyed()) webContents.postMessage(APP_EVENT_CHANNEL, event, []);
    },

    onClosed(listener) {
      if (closed) queueMicrotask(listener);
      else closedListeners.push(listener);
    },

    close() {
      if (closed) return;
      closed = true;
      webContents.removeListener('destroyed', onGone);
      webContents.removeListener('render-process-gone', onGone);
      webContents.removeListener('did-navigate', onGone);
      for (const stream of [...streams]) stream.close();
      for (const listener of closedListeners.splice(0)) {
        try {
          listener();
        } catch (error) {
          log(`podterm: a window-closed listener failed: ${messageOf(error)}`);
        }
      }
    },
  };
  return client;
}
