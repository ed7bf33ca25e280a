/**
 * files/: files in and out of the machine a tab's shell runs on, over that tab's connection: SFTP for SSH
 * (sftpTransfer.ts), a tar stream over a second exec for Kubernetes, as `kubectl cp` does (execTransfer.ts, with
 * tarFormat.ts). Names are checked on both sides (names.ts); every write goes to a temporary name first.
 */
export { downloadFile, planUpload, uploadFiles } from './fileTransfers';
export { PROGRESS_INTERVAL_MS, type TransferOptions } from './progress';
export { FileTransferError } from './transferError';
export { FileTransfers, toContractError } from './transfers';
