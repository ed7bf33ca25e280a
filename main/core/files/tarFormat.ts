/**
 * The tar archive format, both ways, as far as a file copy needs it: what `kubectl cp` speaks with the container's tar
 * (POSIX ustar headers; pax 'x' records for long or non-ASCII names and large sizes, as GNU and busybox tar read them;
 * GNU 'L' long names and base-256 sizes, as GNU tar writes them). Pure byte work: no files, no streams of our own.
 */

export const BLOCK_BYTES = 512;
/** The ustar name field; a longer (or non-ASCII) name goes in a pax record. */
const NAME_FIELD_BYTES = 100;
/** Largest size an 11-digit octal field holds (8 GiB − 1); larger sizes go in a pax record. */
const MAX_OCTAL_SIZE = 0o77777777777;

export type TarEntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The path as stored, '/'-separated (may start with "./"). */
  path: string;
  kind: TarEntryKind;
  size: number;
  /** Permission bits (07777). */
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** For symlinks and hard links. */
  linkTarget: string;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0');
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body);
  // The length counts its own digits: find the length whose digit count is stable.
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length) length = String(length).length + bodyBytes;
  return Buffer.from(`${length}${body}`, 'utf8');
}

function header(fields: {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  type: string;
  link?: string;
}): Buffer {
  const block = Buffer.alloc(BLOCK_BYTES);
  block.write(fields.name, 0, NAME_FIELD_BYTES, 'utf8');
  block.write(`${octal(fields.mode & 0o7777, 8)}\0`, 100, 'ascii');
  block.write(`${octal(0, 8)}\0`, 108, 'ascii');
  block.write(`${octal(0, 8)}\0`, 116, 'ascii');
  block.write(`${octal(Math.min(fields.size, MAX_OCTAL_SIZE), 12)}\0`, 124, 'ascii');
  block.write(`${octal(Math.max(0, Math.floor(fields.mtime)), 12)}\0`, 136, 'ascii');
  block.write(fields.type, 156, 'ascii');
  if (fields.link) block.write(fields.link, 157, NAME_FIELD_BYTES, 'utf8');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${octal(sum, 7)}\0 `, 148, 'ascii');
  return block;
}

/**
 * The header block(s) for one entry of an archive we write: directories end in '/', files are followed by their
 * `size` bytes and padding (paddingAfter). Names that do not fit ustar, or are not ASCII, get a pax record first.
 */
export function entryHeader(entry: {
  path: string;
  kind: 'file' | 'directory' | 'symlink';
  size: number;
  mode: number;
  mtime: number;
  linkTarget?: string;
}): Buffer {
  const name = entry.kind === 'directory' ? `${entry.path}/` : entry.path;
  const link = entry.linkTarget ?? '';
  const records: Buffer[] = [];
  if (Buffer.byteLength(link) > NAME_FIELD_BYTES || /[^\x20-\x7e]/.test(link))
    records.push(paxRecord('linkpath', link));
  // Only printable ASCII goes in the ustar field itself, as GNU tar decides.
  if (Buffer.byteLength(name) > NAME_FIELD_BYTES || /[^\x20-\x7e]/.test(name)) records.push(paxRecord('path', name));
  if (entry.size > MAX_OCTAL_SIZE) records.push(paxRecord('size', String(entry.size)));
  const main = header({
    name: Buffer.byteLength(name) > NAME_FIELD_BYTES ? name.slice(0, 50) : name,
    mode: entry.mode,
    size: entry.kind === 'file' ? entry.size : 0,
    mtime: entry.mtime,
    type: entry.kind === 'directory' ? '5' : entry.kind === 'symlink' ? '2' : '0',
    link: Buffer.byteLength(link) > NAME_FIELD_BYTES ? '' : link,
  });
  if (records.length === 0) return main;
  const pax = Buffer.concat(records);
  const paxHeader = header({ name: 'PaxHeader', mode: 0o644, size: pax.length, mtime: entry.mtime, type: 'x' });
  return Buffer.concat([paxHeader, pax, Buffer.alloc(paddingAfter(pax.length)), main]);
}

/** Zero bytes that round a member's data up to a whole block. */
export function paddingAfter(size: number): number {
  return (BLOCK_BYTES - (size % BLOCK_BYTES)) % BLOCK_BYTES;
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK_BYTES);

function readString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function readNumber(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if ((field[0] ?? 0) & 0x80) {
    // GNU base-256: big-endian, the first byte's top bit is the marker.
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = field.toString('ascii').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function isZeroBlock(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(data.subarray(offset, space).toString('ascii'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

/** Reads exact byte counts from a stream of chunks, holding at most one chunk. */
class ChunkReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    const next = await this.iterator.next();
    if (next.done) return false;
    this.pending = this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value]);
    return true;
  }

  /** Exactly `length` bytes, or null at a clean end of the stream. */
  async exact(length: number): Promise<Buffer | null> {
    while (this.pending.length < length) {
      if (!(await this.fill())) {
        if (this.pending.length === 0) return null;
        throw new TarFormatError('the archive ended in the middle of an entry');
      }
    }
    const out = this.pending.subarray(0, length);
    this.pending = this.pending.subarray(length);
    return out;
  }

  /** `length` bytes as they arrive, in pieces, then skips the padding. */
  async *data(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      if (this.pending.length === 0 && !(await this.fill())) {
        throw new TarFormatError('the archive ended in the middle of a file');
      }
      const piece = this.pending.subarray(0, Math.min(left, this.pending.length));
      this.pending = this.pending.subarray(piece.length);
      left -= piece.length;
      yield piece;
    }
    await this.exact(paddingAfter(length));
  }

  async drainRest(): Promise<void> {
    while (await this.fill()) this.pending = Buffer.alloc(0);
  }
}

export class TarFormatError extends Error {}

/**
 * Reads an archive entry by entry. For each, `onEntry` gets the entry and its data as an async iterable (empty for
 * anything but a file); it must consume or ignore it before returning. Memory: one chunk of the stream at a time.
 */
export async function readTar(
  source: AsyncIterable<Buffer>,
  onEntry: (entry: TarEntry, data: AsyncIterable<Buffer>) => Promise<void>,
): Promise<void> {
  const reader = new ChunkReader(source);
  let longName: string | null = null;
  let longLink: string | null = null;
  let pax = new Map<string, string>();
  for (;;) {
    const block = await reader.exact(BLOCK_BYTES);
    if (block === null || isZeroBlock(block)) break;
    let sum = 0;
    for (let index = 0; index < BLOCK_BYTES; index += 1)
      sum += index >= 148 && index < 156 ? 0x20 : (block[index] ?? 0);
    if (sum !== readNumber(block, 148, 8)) throw new TarFormatError('an archive header has a wrong checksum');
    const type = String.fromCharCode(block[156] ?? 0);
    let size = readNumber(block, 124, 12);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const chunks: Buffer[] = [];
      for await (const piece of reader.data(size)) chunks.push(Buffer.from(piece));
      const data = Buffer.concat(chunks);
      if (type === 'x') pax = parsePax(data);
      else if (type === 'L') longName = readString(data, 0, data.length);
      else if (type === 'K') longLink = readString(data, 0, data.length);
      continue;
    }
    const prefix = block.subarray(257, 262).toString('ascii') === 'ustar' ? readString(block, 345, 155) : '';
    const stored = readString(block, 0, NAME_FIELD_BYTES);
    let path = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${stored}` : stored);
    const paxSize = pax.get('size');
    if (paxSize !== undefined) size = Number(paxSize);
    const kind: TarEntryKind =
      type === '0' || type === '\0' || type === '7'
        ? path.endsWith('/')
          ? 'directory'
          : 'file'
        : type === '5'
          ? 'directory'
          : type === '2'
            ? 'symlink'
            : type === '1'
              ? 'hardlink'
              : 'other';
    if (path.endsWith('/')) path = path.replace(/\/+$/, '');
    const mtimeText = pax.get('mtime');
    const entry: TarEntry = {
      path,
      kind,
      // Links and directories carry no data even when a header says otherwise.
      size: kind === 'file' || kind === 'other' ? size : 0,
      mode: readNumber(block, 100, 8) & 0o7777,
      mtime: mtimeText !== undefined ? Math.floor(Number(mtimeText)) : readNumber(block, 136, 12),
      linkTarget: pax.get('linkpath') ?? longLink ?? readString(block, 157, NAME_FIELD_BYTES),
    };
    longName = null;
    longLink = null;
    pax = new Map();
    const data = reader.data(entry.size);
    await onEntry(entry, data);
    // Whatever the handler did not read is skipped.
    for await (const piece of data) void piece;
  }
  await reader.drainRest();
}
