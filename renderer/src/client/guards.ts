/**
 * Shape checks for what arrives from main. Main is trusted code, but a wrong shape should fail loudly here rather
 * than as an undefined deep inside xterm.js.
 */
import type { ContractErrorShape, SessionEvent } from '../../../common/contract';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isSessionEvent(value: unknown): value is SessionEvent {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'data':
      return value.data instanceof Uint8Array;
    case 'status':
      return isRecord(value.status) && typeof value.status.phase === 'string' && Array.isArray(value.status.attempts);
    case 'end':
      return isRecord(value.end) && typeof value.end.kind === 'string';
    case 'recordingFailed':
      return typeof value.message === 'string';
    case 'interruptSeen':
      return true;
    case 'transfer':
      return (
        typeof value.transferId === 'string' &&
        isRecord(value.progress) &&
        typeof value.progress.bytesDone === 'number' &&
        typeof value.progress.bytesTotal === 'number'
      );
    default:
      return false;
  }
}

export function isErrorShape(value: unknown): value is ContractErrorShape {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}
