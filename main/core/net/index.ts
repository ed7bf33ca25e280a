/**
 * net/: what the network's failures mean, below every room that dials a server (kube/api, the transports). It imports
 * nothing of ours.
 */
export {
  classifySocketCode,
  classifySocketError,
  deepestMessage,
  socketErrorCode,
  type SocketErrorClass,
  type SocketErrorKind,
} from './socketErrors';
