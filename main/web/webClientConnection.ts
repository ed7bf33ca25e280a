/**
 * One browser tab's WebSocket, once logged in (server.ts), as a ClientConnection: JSON text messages for requests and session control, binary
 * frames for terminal output (common/frames.ts). Everything goes out through a FairSender (fairSender.ts), so one
 * session's flood does not sit in front of another session's echo.
 */
import type { RawData, WebSocket } from 'ws';
import { type AppEvent, parseSessionCommand, type SessionCommand, type SessionEvent } from '../../common/contract';
import { encodeDataFrame, type WebClientMessage, type WebServerMessage } from '../../common/frames';
import { messageOf } from '../../common/errors';
import { FairSender } from './fairSender';

/** The sender's lane for what belongs to no session (answers to requests, app events); session ids start at 1. */
const APP_LANE = 0;
import type { ClientConnection, PodtermCore, SessionStream } from '../core';

export class WebClientConnection implements ClientConnection {
  private readonly commandListeners = new Map<number, (command: SessionCommand) => void>();
  private readonly closedListeners: Array<() => void> = [];
  private readonly sender: FairSender;

  constructor(
    private readonly ws: WebSocket,
    private readonly core: PodtermCore,
    private readonly log: (message: string) => void,
  ) {
    this.sender = new FairSender(ws);
    ws.on('close', () => {
      this.sender.close();
      this.commandListeners.clear();
      for (const listener of this.closedListeners.splice(0)) listener();
    });
  }

  openStream(sessionId: number): SessionStream {
    return {
      post: (event: SessionEvent) => {
        if (this.ws.readyState !== this.ws.OPEN) return;
        if (event.type === 'data') this.sender.send(sessionId, encodeDataFrame(sessionId, event.data), true);
        else this.sendJson({ kind: 'session', sessionId, event }, sessionId);
      },
      onCommand: (listener) => void this.commandListeners.set(sessionId, listener),
      close: () => void this.commandListeners.delete(sessionId),
    };
  }

  onClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  postAppEvent(event: AppEvent): void {
    this.sendJson({ kind: 'app', event });
  }

  receive(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.protocolError('binary messages are not accepted from the page');
    let message: WebClientMessage;
    try {
      message = JSON.parse(data.toString()) as WebClientMessage;
    } catch {
      return this.protocolError('a message was not JSON');
    }
    if (message?.kind === 'request' && Number.isSafeInteger(message.id)) {
      const id = message.id;
      void this.core
        .dispatch(message.key, message.payload, this)
        .then((envelope) => this.sendJson({ kind: 'response', id, ...envelope } as WebServerMessage))
        .catch((error: unknown) => this.log(`web: a request could not be answered: ${messageOf(error)}`));
    } else if (message?.kind === 'session' && Number.isSafeInteger(message.sessionId)) {
      const listener = this.commandListeners.get(message.sessionId);
      if (!listener) return; // The session ended while the message was in flight.
      try {
        listener(parseSessionCommand(message.command));
      } catch (error) {
        // Log what was wrong, never the payload (it may be a typed password).
        this.log(`web: dropped a session message: ${error instanceof Error ? error.message.slice(0, 200) : ''}`);
      }
    } else {
      this.protocolError('unknown message kind');
    }
  }

  private sendJson(message: WebServerMessage, lane = APP_LANE): void {
    if (this.ws.readyState === this.ws.OPEN) this.sender.send(lane, JSON.stringify(message), false);
  }

  private protocolError(reason: string): void {
    this.log(`web: closing a client: ${reason}`);
    this.ws.close(1008, reason);
  }
}
