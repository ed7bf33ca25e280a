/**
 * Counting a transfer's bytes and telling the caller now and then (not per chunk: a 1 GiB copy is ~16 000 chunks),
 * and the cancel check every step makes.
 */
import type { FileTransferProgress } from '../../../common/contract';
import { FileTransferError } from './transferError';

/** Progress reports at most this often: smooth for a bar, a handful of messages a second. */
export const PROGRESS_INTERVAL_MS = 200;

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: (progress: FileTransferProgress) => void;
}

export class ProgressCounter {
  private bytesDone = 0;
  private lastReport = 0;
  private currentName = '';

  constructor(
    private bytesTotal: number,
    private totalIsEstimate: boolean,
    private readonly options: TransferOptions,
  ) {}

  setTotal(bytesTotal: number, totalIsEstimate: boolean): void {
    this.bytesTotal = bytesTotal;
    this.totalIsEstimate = totalIsEstimate;
    this.report(true);
  }

  startFile(name: string): void {
    this.currentName = name;
    this.report(false);
  }

  add(count: number): void {
    this.bytesDone += count;
    this.report(false);
  }

  get done(): number {
    return this.bytesDone;
  }

  finish(): void {
    this.report(true);
  }

  private report(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastReport < PROGRESS_INTERVAL_MS) return;
    this.lastReport = now;
    this.options.onProgress?.({
      bytesDone: this.bytesDone,
      bytesTotal: Math.max(this.bytesTotal, this.bytesDone),
      totalIsEstimate: this.totalIsEstimate,
      currentName: this.currentName,
    });
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

export function cancelled(): FileTransferError {
  return new FileTransferError('cancelled', 'The transfer was cancelled; nothing partial was left at the destination.');
}
