/**
 * sessions/: the open sessions of every client. The session manager (open, questions, input, resize, close), the
 * batching and flow control between a session and its client, recordings, the ClientConnection interface the
 * front ends (main/electron, main/web) implement, and the hub that pushes app events to every one of them.
 */
export type { ClientConnection, SessionStream } from './clientConnection';
export { AppEventHub } from './appEvents';
export { SessionManager } from './sessionManager';
