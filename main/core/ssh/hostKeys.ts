/**
 * SSH host-key verification: the check that stands between Podterm and a man in the middle. It reads the user's OpenSSH
 * known_hosts files (never writes them) and Podterm's own store of accepted keys, accepts a key it already knows,
 * refuses loudly when a known host presents a different key, and asks the user about anything new.
 *
 * It runs inside ssh2's host verifier, after key exchange proved the server holds the key and before any credential is
 * sent, so refusing here means the password or key never leaves this machine.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { HOST_KEY_DECISIONS, type HostKeyDecision, type HostKeyPrompt } from '../../../common/contract';
import { DEFAULT_SSH_PORT } from '../../../common/pods';
import type { KnownHostRepository } from '../store';

/** The key a server presented, as sshSession hands it over. */
export interface PresentedHostKey {
  host: string;
  port: number;
  /** The raw public key blob from the key exchange; its type is read from the blob itself (hostKeyType). */
  key: Buffer;
}

/** Resolves to allow the connection; rejects (with a message for people) to refuse it. */
export type VerifyHostKey = (presented: PresentedHostKey) => Promise<void>;

/** What the user is asked: no prompt id here; the session manager assigns one when it shows the question. */
export type HostKeyQuestion = Omit<HostKeyPrompt, 'promptId'>;

export interface HostKeyVerifierOptions {
  /** OpenSSH known_hosts files to read, in order (e.g. ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts). Missing is fine. */
  knownHostsFiles: string[];
  /** Keys the user accepted and asked Podterm to remember. */
  store: KnownHostRepository;
  /** Asks the user about a key neither the files nor the store know. */
  prompt: (question: HostKeyQuestion) => Promise<HostKeyDecision>;
  /**
   * What to do with a key nobody knows (StrictHostKeyChecking): ask (the default), refuse without asking ("yes"), or
   * accept it and remember it ("accept-new"). A changed or revoked key is refused whatever this says.
   */
  unknownKeys?: 'ask' | 'refuse' | 'acceptAndRemember';
}

/** The only hashed-hostname format OpenSSH has ever written (HashKnownHosts): "|1|base64(salt)|base64(HMAC-SHA1)". */
const HASHED_HOST_MAGIC = '|1|';
/** Where a store entry came from, as the changed-key warning tells the user where to remove it. */
const STORE_SOURCE_LABEL = "Podterm's known hosts";

type EntrySource = { kind: 'file'; file: string; line: number } | { kind: 'store' };

interface KnownKey {
  keyType: string;
  key: Buffer;
  source: EntrySource;
  revoked: boolean;
}

export const HOST_KEY_ERROR_KINDS = ['changed', 'revoked', 'cancelled', 'unreadable', 'malformed', 'unknown'] as const;
export type HostKeyErrorKind = (typeof HOST_KEY_ERROR_KINDS)[number];

/** A refused host key. `kind` is for code; the message is for the person deciding what to do. */
export class HostKeyError extends Error {
  constructor(
    readonly kind: HostKeyErrorKind,
    readonly host: string,
    readonly port: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HostKeyError';
  }
}

/** A known host presented a different key of the same type: possibly an attack, so never a prompt. */
export class HostKeyChangedError extends HostKeyError {
  constructor(
    host: string,
    port: number,
    readonly keyType: string,
    readonly knownFingerprint: string,
    readonly presentedFingerprint: string,
    /** Where the old key is recorded: "<file> (line N)" or "Podterm's known hosts". */
    readonly knownIn: string,
    removalHint: string,
  ) {
    const name = knownHostsName(host, port);
    super(
      'changed',
      host,
      port,
      `WARNING: the SSH host key for ${name} has CHANGED (${keyType}). ` +
        `It was ${knownFingerprint} and is now ${presentedFingerprint}. ` +
        'Someone may be intercepting the connection, or the server was reinstalled. Podterm refused to connect. ' +
        `If the change is expected, remove the old key from ${knownIn}${removalHint}.`,
    );
    this.name = 'HostKeyChangedError';
  }
}

/** OpenSSH's fingerprint format: "SHA256:" + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a blob names in its first SSH string, or null when the blob is malformed. */
export function hostKeyType(key: Buffer): string | null {
  if (key.length < 4) return null;
  const length = key.readUInt32BE(0);
  if (length === 0 || length > key.length - 4) return null;
  const type = key.toString('latin1', 4, 4 + length);
  return /^[\x21-\x7e]+$/.test(type) ? type : null;
}

/** The name OpenSSH records a host under: "host" on port 22, "[host]:port" otherwise; host names are case-insensitive. */
export function knownHostsName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === DEFAULT_SSH_PORT ? lower : `[${lower}]:${port}`;
}

/** OpenSSH wildcard pattern ("*", "?") → anchored regex; everything else literal. */
function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Does a known_hosts host field (hashed, or a comma list of patterns with optional "!" negation) match the name? */
function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith(HASHED_HOST_MAGIC)) {
    const [salt, hash] = field.slice(HASHED_HOST_MAGIC.length).split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const rawPattern of field.split(',')) {
    const negated = rawPattern.startsWith('!');
    const pattern = negated ? rawPattern.slice(1) : rawPattern;
    if (pattern === '' || !patternToRegExp(pattern).test(name)) continue;
    // As in OpenSSH, a matching negation vetoes the whole line whatever else matched.
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Parses one file's lines into keys recorded for `name`. Malformed lines are skipped, as OpenSSH does. */
function keysForHostInFile(text: string, file: string, name: string): KnownKey[] {
  const keys: KnownKey[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | null = null;
    if (fields[0]?.startsWith('@')) marker = fields.shift() ?? null;
    // Certificate authorities sign host certificates, which Podterm does not use; a CA line is not a host key.
    if (marker === '@cert-authority') continue;
    if (marker !== null && marker !== '@revoked') continue;
    const [hostField, keyType, base64] = fields;
    if (!hostField || !keyType || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) continue;
    const key = Buffer.from(base64, 'base64');
    // A line whose blob disagrees with its own type field is corrupt; trusting either half would be a guess.
    if (hostKeyType(key) !== keyType) continue;
    if (!hostFieldMatches(hostField, name)) continue;
    keys.push({ keyType, key, source: { kind: 'file', file, line: index + 1 }, revoked: marker === '@revoked' });
  }
  return keys;
}

function describeSource(source: EntrySource): string {
  return source.kind === 'store' ? STORE_SOURCE_LABEL : `${source.file} (line ${source.line})`;
}

async function readKnownHostsFile(file: string, host: string, port: number): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    // Skipping an unreadable file could turn a known (or revoked) key into a friendly prompt; refuse instead.
    throw new HostKeyError(
      'unreadable',
      host,
      port,
      `Podterm could not read the known hosts file ${file} (${code ?? (error as Error).message}), so it cannot tell ` +
        `whether the host key for ${knownHostsName(host, port)} is trusted. Podterm refused to connect. ` +
        'Fix the file (or its permissions) and try again.',
      { cause: error },
    );
  }
}

type KnownKeySources = Pick<HostKeyVerifierOptions, 'knownHostsFiles' | 'store'>;

/** Host names are case-insensitive (OpenSSH lowercases them too), so the store sees one spelling. */
const storeHostName = (host: string) => host.toLowerCase();

/** Every key the files and the store hold for host:port, revoked ones included. */
async function knownKeys(sources: KnownKeySources, host: string, port: number): Promise<KnownKey[]> {
  const name = knownHostsName(host, port);
  const known: KnownKey[] = [];
  for (const file of sources.knownHostsFiles) {
    const text = await readKnownHostsFile(file, host, port);
    if (text !== null) known.push(...keysForHostInFile(text, file, name));
  }
  for (const entry of sources.store.find(storeHostName(host), port)) {
    known.push({ keyType: entry.keyType, key: Buffer.from(entry.key), source: { kind: 'store' }, revoked: false });
  }
  return known;
}

/**
 * The key types already trusted for host:port, in the order found, to ask the server for one of those first (as
 * OpenSSH does): a server with several host keys then shows the one we know instead of a newer type nobody has seen,
 * which would otherwise be an unknown-key question for a host the user trusts. Empty when nothing is known, or when
 * the files cannot be read (the verifier then refuses with the reason).
 */
export async function knownHostKeyTypes(sources: KnownKeySources, host: string, port: number): Promise<string[]> {
  try {
    const trusted = (await knownKeys(sources, host, port)).filter((entry) => !entry.revoked);
    return [...new Set(trusted.map((entry) => entry.keyType))];
  } catch {
    return [];
  }
}

/**
 * Builds the host-key check sshSession runs before sending any credential. Known key → allowed silently; revoked key,
 * or a known host with a different key of the same type → refused without asking; unknown → the user decides.
 */
export function createHostKeyVerifier(options: HostKeyVerifierOptions): VerifyHostKey {
  const { knownHostsFiles, store, prompt } = options;
  return async ({ host, port, key }) => {
    // The type comes from the blob itself, not from the caller, so a mislabelled key cannot match a different entry.
    const keyType = hostKeyType(key);
    const name = knownHostsName(host, port);
    const presentedFingerprint = fingerprintSha256(key);
    if (keyType === null) {
      throw new HostKeyError('malformed', host, port, `The SSH server at ${name} sent a malformed host key; refused.`);
    }

    const known = await knownKeys({ knownHostsFiles, store }, host, port);
    const storeHost = storeHostName(host);

    const sameKey = known.filter((entry) => entry.keyType === keyType && entry.key.equals(key));
    const revoked = sameKey.find((entry) => entry.revoked);
    if (revoked) {
      throw new HostKeyError(
        'revoked',
        host,
        port,
        `The SSH host key for ${name} (${keyType} ${presentedFingerprint}) is marked @revoked in ` +
          `${describeSource(revoked.source)}. Podterm refused to connect.`,
      );
    }
    if (sameKey.length > 0) return;

    const changed = known.find((entry) => !entry.revoked && entry.keyType === keyType);
    if (changed) {
      const removalHint =
        changed.source.kind === 'file' ? ` (for example: ssh-keygen -f "${changed.source.file}" -R "${name}")` : '';
      throw new HostKeyChangedError(
        host,
        port,
        keyType,
        fingerprintSha256(changed.key),
        presentedFingerprint,
        describeSource(changed.source),
        removalHint,
      );
    }

    // Only keys of other types are left here (a same-type key would have matched or been refused as changed above).
    const otherKnownKeys = known
      .filter((entry) => !entry.revoked)
      .map((entry) => ({
        keyType: entry.keyType,
        fingerprint: fingerprintSha256(entry.key),
        source: describeSource(entry.source),
      }));
    const policy = options.unknownKeys ?? 'ask';
    if (policy === 'refuse') {
      throw new HostKeyError(
        'unknown',
        host,
        port,
        `The SSH host key for ${name} (${keyType} ${presentedFingerprint}) is not known, and StrictHostKeyChecking is yes in ~/.ssh/config: refused without asking. Add the key to ~/.ssh/known_hosts (ssh-keyscan, after checking its fingerprint) or set StrictHostKeyChecking ask for this host.`,
      );
    }
    const decision: unknown =
      policy === 'acceptAndRemember'
        ? 'acceptAndRemember'
        : await prompt({ host, port, keyType, fingerprint: presentedFingerprint, otherKnownKeys });
    // The answer crossed a process boundary; anything but a known decision counts as "no".
    const safeDecision: HostKeyDecision = HOST_KEY_DECISIONS.includes(decision as HostKeyDecision)
      ? (decision as HostKeyDecision)
      : 'cancel';
    if (safeDecision === 'cancel') {
      throw new HostKeyError(
        'cancelled',
        host,
        port,
        `Host key for ${name} (${keyType} ${presentedFingerprint}) not accepted; connection cancelled.`,
      );
    }
    if (safeDecision === 'acceptAndRemember') store.remember(storeHost, port, keyType, key);
  };
}
