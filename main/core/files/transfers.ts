/**
 * The transfers running now, by the id the renderer gave each, so Cancel can find one. A transfer belongs to the
 * renderer that started it (only it may cancel it) and ends with its session: `signal` comes from the session.
 */
import { ContractError, type FileTransferFailure, type FileTransferResult } from '../../../common/contract';
import { FileTransferError } from './transferError';

/** How each failure answers over the contract: the message carries the reason and the fix. */
const CONTRACT_CODE: Record<FileTransferFailure, ConstructorParameters<typeof ContractError>[0]> = {
  badName: 'invalidPayload',
  noTar: 'forbidden',
  notFound: 'notFound',
  conflict: 'invalidPayload',
  cancelled: 'forbidden',
  remote: 'internal',
  local: 'internal',
  unsupported: 'forbidden',
};

export function toContractError(error: unknown): unknown {
  if (error instanceof FileTransferError) return new ContractError(CONTRACT_CODE[error.reason], error.message);
  return error;
}

export class FileTransfers {
  private readonly running = new Map<string, { owner: object; controller: AbortController }>();

  /** Runs one transfer; a second one under a running id is refused. */
  async run(
    transferId: string,
    owner: object,
    sessionSignal: AbortSignal,
    work: (signal: AbortSignal) => Promise<FileTransferResult>,
  ): Promise<FileTransferResult> {
    if (this.running.has(transferId)) {
      throw new ContractError('invalidPayload', `Transfer ${transferId} is already running.`);
    }
    const controller = new AbortController();
    const onSessionEnd = () => controller.abort();
    sessionSignal.addEventListener('abort', onSessionEnd, { once: true });
    this.running.set(transferId, { owner, controller });
    try {
      return await work(controller.signal);
    } catch (error) {
      throw toContractError(error);
    } finally {
      sessionSignal.removeEventListener('abort', onSessionEnd);
      this.running.delete(transferId);
    }
  }

  cancel(transferId: string, owner: object): boolean {
    const transfer = this.running.get(transferId);
    if (!transfer || transfer.owner !== owner) return false;
    transfer.controller.abort();
    return true;
  }
}
