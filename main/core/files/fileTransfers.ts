/**
 * The files room's one entry: plan, upload or download over whatever a tab's shell transport offers (SFTP for SSH,
 * tar over exec for Kubernetes). An SFTP channel is opened per transfer and closed after it.
 */
import type { FileTransferResult, FileUploadPlan } from '../../../common/contract';
import type { RemoteFileAccess, RemoteFileSystem } from '../terminal';
import { execDownload, execUpload, planExecUpload } from './execTransfer';
import { planSftpUpload, sftpDownload, sftpUpload } from './sftpTransfer';
import type { TransferOptions } from './progress';
import { FileTransferError } from './transferError';

async function withSftp<T>(
  access: Extract<RemoteFileAccess, { kind: 'sftp' }>,
  run: (files: RemoteFileSystem) => Promise<T>,
): Promise<T> {
  let files: RemoteFileSystem;
  try {
    files = await access.open();
  } catch (error) {
    throw new FileTransferError(
      'unsupported',
      `The SSH server did not open an SFTP channel (${(error as Error).message}); ask its administrator to enable the sftp subsystem.`,
    );
  }
  try {
    return await run(files);
  } finally {
    files.close();
  }
}

/** What uploading local `paths` (files or folders) into the remote `destination` ('' = home) would do. */
export function planUpload(
  access: RemoteFileAccess,
  paths: readonly string[],
  destination: string,
): Promise<FileUploadPlan> {
  if (access.kind === 'exec') return planExecUpload(access, paths, destination);
  return withSftp(access, (files) => planSftpUpload(files, paths, destination));
}

export function uploadFiles(
  access: RemoteFileAccess,
  paths: readonly string[],
  destination: string,
  options: TransferOptions = {},
): Promise<FileTransferResult> {
  if (access.kind === 'exec') return execUpload(access, paths, destination, options);
  return withSftp(access, (files) => sftpUpload(files, paths, destination, options));
}

/** Copies the remote file or folder at `remotePath` into `localFolder`, as "name (1)" when the name is taken. */
export function downloadFile(
  access: RemoteFileAccess,
  remotePath: string,
  localFolder: string,
  options: TransferOptions = {},
): Promise<FileTransferResult> {
  if (access.kind === 'exec') return execDownload(access, remotePath, localFolder, options);
  return withSftp(access, (files) => sftpDownload(files, remotePath, localFolder, options));
}
