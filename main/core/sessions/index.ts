/**
 * sessions/: the open sessions of every client. The session manager (open, questions, input, resize, close), the
 * batching and flow control between a session and its client, recordings, and the ClientConnection interface the
 * front ends (main/electron, main/web) implement.
 */
export type { ClientConnection, SessionStream } from './clientConnection';
export { SessionManager } from './sessionManager';
