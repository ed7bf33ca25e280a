/**
 * Chunked lists, as kube-apiserver serves `?limit=N&continue=TOKEN` (kubectl asks for 500 at a time): each chunk
 * carries `metadata.continue` while more remain, and `remainingItemCount`. Like the real server (which reads the rest
 * from etcd at the first chunk's revision), every chunk after the first comes from the snapshot the first one saw, so
 * a pod added meanwhile is not half in the list; the token is opaque to clients.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, type JsonReply } from './status';

/** Lists in progress remembered at once; an abandoned one is forgotten after this many newer ones. */
const REMEMBERED_LISTS = 64;

interface Snapshot {
  items: readonly unknown[];
  resourceVersion: string;
}

const snapshots = new Map<string, Snapshot>();

export interface Chunk<T> {
  items: T[];
  /** The list's resourceVersion (the first chunk's, for every chunk). */
  resourceVersion: string;
  /** Extra list metadata: continue and remainingItemCount while more remain. */
  metadata: { continue?: string; remainingItemCount?: number };
}

/** The chunk a request asks for, or the 400/410 the real server gives for a bad or forgotten continue token. */
export function chunkOf<T>(all: readonly T[], resourceVersion: string, params: URLSearchParams): Chunk<T> | JsonReply {
  const limitText = params.get('limit');
  const limit = limitText === null || limitText === '' ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) return badRequest(`invalid limit: ${limitText}`);
  const token = params.get('continue') ?? '';
  let items = all;
  let offset = 0;
  let version = resourceVersion;
  if (token !== '') {
    const [id = '', offsetText = ''] = Buffer.from(token, 'base64url').toString('utf8').split(':');
    const snapshot = snapshots.get(id);
    offset = Number(offsetText);
    if (!snapshot || !Number.isInteger(offset)) {
      return {
        code: 410,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message:
            'The provided continue parameter is too old to display a consistent list result. You can start a new ' +
            'list without the continue parameter.',
          reason: 'Expired',
          code: 410,
        },
      };
    }
    items = snapshot.items as readonly T[];
    version = snapshot.resourceVersion;
  }
  if (limit === 0) return { items: items.slice(offset), resourceVersion: version, metadata: {} };
  const end = offset + limit;
  if (end >= items.length) {
    if (token !== '') snapshots.delete(Buffer.from(token, 'base64url').toString('utf8').split(':')[0] ?? '');
    return { items: items.slice(offset), resourceVersion: version, metadata: {} };
  }
  let id = token === '' ? '' : (Buffer.from(token, 'base64url').toString('utf8').split(':')[0] ?? '');
  if (id === '') {
    id = randomUUID();
    snapshots.set(id, { items: [...items], resourceVersion: version });
    if (snapshots.size > REMEMBERED_LISTS) snapshots.delete(snapshots.keys().next().value ?? '');
  }
  return {
    items: items.slice(offset, end),
    resourceVersion: version,
    metadata: {
      continue: Buffer.from(`${id}:${end}`, 'utf8').toString('base64url'),
      remainingItemCount: items.length - end,
    },
  };
}

export const isChunk = <T>(value: Chunk<T> | JsonReply): value is Chunk<T> => 'items' in value;
