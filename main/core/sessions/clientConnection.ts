/**
 * What a transport (Electron IPC in main/electron, the WebSocket server in main/web) gives the core for one renderer.
 * The core never sees ipcMain, ports or sockets: it posts SessionEvents and receives validated SessionCommands.
 */
import type { AppEvent, SessionCommand, SessionEvent } from '../../../common/contract';

/** One session's stream to the renderer that opened it. */
export interface SessionStream {
  post(event: SessionEvent): void;
  /** Commands arrive here already validated against the contract's schema. */
  onCommand(listener: (command: SessionCommand) => void): void;
  /** Releases the transport's side (closes the port, forgets the id). */
  close(): void;
}

/** One connected renderer: an Electron window, or one browser-mode WebSocket. */
export interface ClientConnection {
  /** Creates the stream for a new session before `sessions.open` returns, so no event can be lost. */
  openStream(sessionId: number): SessionStream;
  /** Called once when the renderer goes away (window closed, socket dropped): its sessions are closed. */
  onClosed(listener: () => void): void;
  /** Pushes an app event (shared state changed) to this renderer; dropped silently once it is gone. */
  postAppEvent(event: AppEvent): void;
}
