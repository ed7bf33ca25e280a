/**
 * secrets/: the SecretBox interface every stored secret goes through, and the file-key implementation the browser mode,
 * the command line and the tests use (the desktop's safeStorage one lives in main/electron).
 */
export { type SecretBox, SecretBoxError } from './secretBox';
export { FileKeySecretBox, SECRET_KEY_FILE_NAME } from './fileKeySecretBox';
