/**
 * secrets/: the SecretBox interface every stored secret goes through, and the file-key implementation the browser mode,
 * the command line and the tests use (the desktop's safeStorage one lives in main/electron); and the scrubber every
 * message built from an error goes through, so no secret an attempt used reaches people, logs or the database.
 */
export { type SecretBox, SecretBoxError } from './secretBox';
export { FileKeySecretBox, SECRET_KEY_FILE_NAME } from './fileKeySecretBox';
export { kubeconfigCredentials, MIN_SCRUBBED_LENGTH, SCRUBBED_SECRET, SecretScrubber } from './scrub';
