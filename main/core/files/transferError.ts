/**
 * What can go wrong in a transfer, each with a message naming the problem and what to do. The reason is for code and
 * tests; the message is for the person (FILE_TRANSFER_FAILURES in common/contract.ts lists the reasons).
 */
import type { FileTransferFailure } from '../../../common/contract';

export class FileTransferError extends Error {
  constructor(
    readonly reason: FileTransferFailure,
    message: string,
  ) {
    super(message);
    this.name = 'FileTransferError';
  }
}
