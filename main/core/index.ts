/**
 * The core's public surface: everything a transport (main/electron, main/web) or the CLI needs. The core is plain Node:
 * it never imports 'electron' and knows nothing of HTTP.
 */
export type { ClientConnection, SessionStream } from './transport';
export type { SecretBox } from './secrets/secretBox';
export { SecretBoxError } from './secrets/secretBox';
export { createCore, type CoreOptions, type PodtermCore } from './core';
