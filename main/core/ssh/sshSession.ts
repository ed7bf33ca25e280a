/**
 * The SSH transport: the only file in Podterm that imports ssh2. It turns ssh2's callbacks and events into one promise
 * (`openSshSession`) that resolves to an open PTY shell behind the TerminalSession interface, or rejects with an
 * SshConnectError whose message says what went wrong in words a person can act on.
 *
 * Order of events on a connection: TCP connect → key exchange → host-key check (verifyHostKey, which may wait for the
 * user) → authentication → shell. No credential is sent before the host key is accepted: ssh2 only starts user
 * authentication after its host verifier approves the key.
 *
 * What to send during authentication, what to ask the user and when to give up is decided by the login state machine
 * (sshLogin.ts); this file carries its steps out with ssh2.
 */
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';
import type {
  AnyAuthMethod,
  AuthHandlerMiddleware,
  ClientChannel,
  ClientErrorExtensions,
  ConnectConfig,
  ParsedKey,
  ServerHostKeyAlgorithm,
} from 'ssh2';
import type { Duplex } from 'node:stream';
import type { TerminalSize } from '../../../common/contract';
import { HostKeyError, type VerifyHostKey } from './hostKeys';
import {
  checkTerminalSize,
  closeWithin,
  type Disposable,
  formatSeconds,
  type RemoteFileAccess,
  Opening,
  swallowErrorsUntilClose,
  type TerminalExit,
  type TerminalSession,
  TransportSession,
} from '../terminal';
import { classifySocketError } from '../net';
import { sftpFiles } from './sftpFiles';
import { SecretScrubber } from '../secrets';
import { messageOf } from '../../../common/errors';
import {
  SshLogin,
  type IdentityOffer,
  type LoginCredential,
  type LoginMethod,
  type LoginStep,
  type SshAuthChallenge,
} from './sshLogin';
import { BoundedChannelWindow, openNextChannelWithWindow } from './channelWindow';
import { FlowControlConstants } from '../../../common/flowControl';

let ssh2Module: typeof Ssh2 | undefined;
/**
 * ssh2, loaded when the first SSH session or key needs it rather than at start-up (it costs tens of milliseconds of the
 * browser mode's start, and many users never reach the SSH fallback).
 */
function ssh2(): typeof Ssh2 {
  ssh2Module ??= createRequire(import.meta.url)('ssh2') as typeof Ssh2;
  return ssh2Module;
}

export type { SshAuthChallenge } from './sshLogin';

/** The terminal type every modern full-screen program understands; xterm.js implements it. */
export const DEFAULT_TERM = 'xterm-256color';
/**
 * How long connecting may take, not counting time spent waiting for the user's host-key decision. 10 s is far above a
 * healthy handshake (tens of ms on a LAN, about a second across continents) and short enough that a dead host is
 * reported while the user is still looking at the tab.
 */
export const DEFAULT_READY_TIMEOUT_MS = 10_000;
/**
 * SSH-level keepalives while a shell is open. A dropped network (laptop sleep, VPN change) otherwise leaves the tab
 * silently frozen until TCP gives up, which can take many minutes; 15 s × 3 unanswered reports it within a minute.
 */
export const KEEPALIVE_INTERVAL_MS = 15_000;
export const KEEPALIVE_COUNT_MAX = 3;

export type SshAuth =
  /** password null: none is saved; the user is asked when the server wants one (through askUser), as ssh does. */
  | { kind: 'password'; password: string | null }
  | { kind: 'privateKey'; privateKey: string | Buffer; passphrase?: string }
  | { kind: 'agent'; agentSocket: string }
  /**
   * As `ssh HOST`: the agent's keys (when there is an agent), then each key file in order (an encrypted one asks for
   * its passphrase), then whatever the server asks. `agent` is a socket path, a Windows pipe (\\.\pipe\…) or
   * "pageant"; ssh2 speaks to each.
   */
  | { kind: 'identities'; agent: string | null; keyFiles: ReadonlyArray<{ label: string; privateKey: Buffer }> };

export type AskUser = (challenge: SshAuthChallenge) => Promise<string[] | null>;

/** One SSH server on the way: a jump host, or the target itself. */
export interface SshHopOptions {
  host: string;
  port: number;
  username: string;
  auth: SshAuth;
  /**
   * How messages and questions name this hop when it is not the only one ("jump host bastion"); the target's
   * messages say "user@host:port" alone.
   */
  name?: string;
  /**
   * Decides whether the server's host key is trusted. Called after key exchange and before any credential is sent;
   * reject to refuse. Usually the function built by createHostKeyVerifier.
   */
  verifyHostKey: VerifyHostKey;
  /**
   * Host key types to ask the server for first, e.g. the types known_hosts holds for it (knownHostKeyTypes in
   * hostKeys.ts). The rest of ssh2's list follows, so an unknown server still negotiates as usual.
   */
  preferHostKeyTypes?: readonly string[];
  /**
   * Asks the user what the server wants to know before it lets them in: the password when none is saved, a key's
   * passphrase, and keyboard-interactive questions Podterm cannot answer itself (a one-time code after the key, a PAM
   * question). Resolves with one answer per prompt, or null when the user cancels. Without it, such a server is a
   * failed login.
   */
  askUser?: AskUser;
  /** Defaults to DEFAULT_READY_TIMEOUT_MS. The clock stops while verifyHostKey or askUser wait for the user. */
  readyTimeoutMs?: number;
  /** SSH keepalives (ServerAliveInterval/CountMax); defaults to KEEPALIVE_INTERVAL_MS × KEEPALIVE_COUNT_MAX. */
  keepalive?: { intervalMs: number; countMax: number };
  /** Something the user should know that is not a failure: a key file skipped and why, a certificate not used. */
  onNote?: (note: string) => void;
}

export interface SshSessionOptions extends SshHopOptions {
  size: TerminalSize;
  /** Defaults to DEFAULT_TERM. */
  term?: string;
  /** Runs this command under a PTY instead of the login shell (a shell override, e.g. "bash -l" or "tmux attach"). */
  command?: string;
  /**
   * Jump hosts (ProxyJump), in order: the first is dialled, each next hop (and then the target) is reached through a
   * TCP forward on the one before. Each has its own user, credentials, host-key check and questions.
   */
  jumps?: readonly SshHopOptions[];
  /** Speak SSH over this stream instead of dialling the first hop (ProxyCommand's stdin and stdout). */
  sock?: Duplex;
  /** Each hop's progress, for the attempt log: connecting, connected or failed, with when. */
  onHop?: (event: SshHopEvent) => void;
  /** Aborts connecting (not an open session: close that instead). */
  signal?: AbortSignal;
}

/** One hop's progress. `index` counts from 0 in the order dialled; the target is the last. */
export interface SshHopEvent {
  index: number;
  /** "jump host bastion (ops@10.0.0.1:22)" or "ops@10.0.0.9:22". */
  target: string;
  state: 'connecting' | 'connected' | 'failed';
  /** Epoch ms. */
  at: number;
  /** Why it failed. */
  detail?: string;
}

export const SSH_CONNECT_FAILURES = [
  'refused',
  'unreachable',
  'timeout',
  'auth',
  'hostKey',
  'protocol',
  'aborted',
] as const;
export type SshConnectFailure = (typeof SSH_CONNECT_FAILURES)[number];

/** Connecting failed. `reason` is for code (fall back or not, which icon); the message is for people. */
export class SshConnectError extends Error {
  constructor(
    readonly reason: SshConnectFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SshConnectError';
  }
}

type SshError = Error & ClientErrorExtensions & { code?: string | number };
/** ssh2's callback that takes the next authentication method. */
type NextAuthMethod = Parameters<AuthHandlerMiddleware>[2];

/** Where connecting stands, so a timeout or a dropped connection can say what it was waiting for. */
type Phase = 'connecting' | 'keyExchange' | 'hostKey' | 'authenticating' | 'askingUser' | 'openingShell';

const PHASE_WORDS: Record<Phase, string> = {
  connecting: 'connecting (is the host up and the port right? a firewall may be dropping the packets)',
  keyExchange: 'exchanging keys with the server',
  hostKey: 'waiting for the host-key decision',
  authenticating: 'authenticating',
  askingUser: 'waiting for your answer to the server',
  openingShell: 'opening the shell',
};

/**
 * The ssh2 auth method for these credentials; null for a password that is not saved (asked for when the server wants
 * it). Parses a private key locally first, so a bad passphrase never dials.
 */
function prepareAuth(options: SshHopOptions, target: string): AnyAuthMethod | null {
  const { auth, username } = options;
  switch (auth.kind) {
    case 'identities':
      // Offered one by one by the login (prepareIdentities).
      return null;
    case 'password':
      return auth.password === null ? null : { type: 'password', username, password: auth.password };
    case 'agent':
      return { type: 'agent', username, agent: auth.agentSocket };
    case 'privateKey': {
      const read = readPrivateKey(auth.privateKey, auth.passphrase);
      const failed = `SSH authentication failed for ${target}`;
      switch (read.problem) {
        case null:
          return { type: 'publickey', username, key: read.key };
        case 'noKey':
          throw new SshConnectError('auth', `${failed}: the private key file holds no key`);
        case 'passphrase':
          throw new SshConnectError('auth', `${failed}: the private key passphrase is wrong or missing`);
        case 'unreadable':
          throw new SshConnectError('auth', `${failed}: the private key could not be read (${read.said})`);
        case 'publicKey':
          throw new SshConnectError('auth', `${failed}: the key given is a public key; Podterm needs the private key`);
      }
    }
  }
}

/** What ssh2 made of a private key: the key, or which problem kept it from using it. */
type PrivateKeyReading =
  | { problem: null; key: ParsedKey }
  | { problem: 'noKey' | 'passphrase' | 'publicKey' }
  /** `said` is ssh2's reason, cut before any detail: "Unsupported OpenSSH key magic: <the key's bytes>". */
  | { problem: 'unreadable'; said: string };

/** Parses a private key with its passphrase (empty means none), as the login and the record's save check it. */
function readPrivateKey(privateKey: string | Buffer, passphrase: string | null | undefined): PrivateKeyReading {
  // ssh2 returns an array for multi-key files (never written by OpenSSH today); the types only know one key.
  const parsed: ParsedKey | ParsedKey[] | Error = ssh2().utils.parseKey(privateKey, passphrase || undefined);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined) return { problem: 'noKey' };
  if (key instanceof Error) {
    if (/passphrase|decrypt|integrity/i.test(key.message)) return { problem: 'passphrase' };
    // Some of ssh2's reasons quote the bytes they could not make sense of, which are the key's: keep the reason only.
    return { problem: 'unreadable', said: key.message.split(':')[0]!.trim() };
  }
  if (!key.isPrivateKey()) return { problem: 'publicKey' };
  return { problem: null, key };
}

/**
 * Why a pasted private key cannot sign in, for the record's save (the field to show it under, and the message), or null
 * when it can. An encrypted key needs its passphrase saved with it: Podterm asks for a password that is not saved, but
 * not for a key's passphrase, so without it every connection would fail with "passphrase wrong or missing".
 */
export function privateKeyProblem(
  privateKey: string,
  passphrase: string | null | undefined,
): { field: 'sshPrivateKey' | 'sshPassphrase'; message: string } | null {
  const read = readPrivateKey(privateKey, passphrase);
  const key = (message: string) => ({ field: 'sshPrivateKey' as const, message });
  switch (read.problem) {
    case null:
      return null;
    case 'noKey':
      return key('no key in the text: paste the whole private key, from its -----BEGIN line to its -----END line');
    case 'unreadable':
      return key(
        `not a private key Podterm can read (${read.said}): paste the whole key, from its -----BEGIN line to its -----END line (OpenSSH or PEM format)`,
      );
    case 'publicKey':
      return key('this is a public key: paste the private key (the file without .pub, e.g. ~/.ssh/id_ed25519)');
    case 'passphrase':
      return {
        field: 'sshPassphrase',
        message: passphrase
          ? 'this passphrase does not decrypt the private key: give the passphrase the key was made with'
          : 'the private key is encrypted: give its passphrase too (Podterm does not ask for it when connecting)',
      };
  }
}

/** The secrets these credentials send: the password, the private key and its passphrase. */
function scrubberOf(auth: SshAuth): SecretScrubber {
  switch (auth.kind) {
    case 'password':
      return SecretScrubber.of([auth.password]);
    case 'privateKey':
      return SecretScrubber.of([auth.privateKey.toString(), auth.passphrase]);
    case 'agent':
      return SecretScrubber.none;
    case 'identities':
      return SecretScrubber.of(auth.keyFiles.map((file) => file.privateKey.toString()));
  }
}

/** The error with its message scrubbed, keeping its reason for code (fall back, which icon) and its cause. */
function scrubbed(error: Error, scrubber: SecretScrubber): Error {
  const message = scrubber.scrub(error.message);
  if (message === error.message) return error;
  return error instanceof SshConnectError
    ? new SshConnectError(error.reason, message, { cause: error.cause })
    : new Error(message, { cause: error.cause });
}

function describeConnectError(error: SshError, target: string, host: string, phase: Phase): SshConnectError {
  const make = (reason: SshConnectFailure, message: string) => new SshConnectError(reason, message, { cause: error });
  // Agent errors first: they carry socket codes too (a stale agent socket says ECONNREFUSED), but are not the server's.
  if (error.level === 'agent') {
    return make('auth', `SSH authentication failed for ${target}: the SSH agent could not be used (${error.message})`);
  }
  if (error.level === 'client-authentication') {
    return make('auth', `SSH authentication failed for ${target}: ${error.message}`);
  }
  const { kind, code } = classifySocketError(error);
  switch (kind) {
    case 'refused':
      return make('refused', `SSH to ${target} refused: nothing is listening on that port`);
    case 'dns':
      return make('unreachable', `SSH to ${target} failed: the host name "${host}" could not be resolved (${code})`);
    case 'unreachable':
      return make('unreachable', `SSH to ${target} failed: the host is unreachable (${code})`);
    case 'timeout':
      return make('timeout', `SSH to ${target} timed out while ${PHASE_WORDS[phase]}`);
  }
  if (kind === 'reset' || error.message === 'Connection lost before handshake') {
    const hint = phase === 'connecting' || phase === 'keyExchange' ? ' (is an SSH server listening on that port?)' : '';
    return make(
      'protocol',
      `SSH to ${target} failed: the server closed the connection while ${PHASE_WORDS[phase]}${hint}`,
    );
  }
  // SSH speaks no TLS: anything else is the server or ssh2 saying something unexpected.
  return make('protocol', `SSH to ${target} failed while ${PHASE_WORDS[phase]}: ${error.message}`);
}

/**
 * A connect-phase clock that can stop while the user decides about a host key: a person reading a fingerprint is not a
 * slow network.
 */
class PausableTimer {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(
    private remainingMs: number,
    private readonly onTimeout: () => void,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(this.onTimeout, Math.max(0, this.remainingMs));
  }

  pause(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remainingMs -= Date.now() - this.startedAt;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

type Ssh2Client = Ssh2.Client;

/** "user@host:port", and for a hop with a name, "jump host bastion (user@host:port)". */
function hopTarget(hop: SshHopOptions): string {
  const address = `${hop.username}@${hop.host}:${hop.port}`;
  return hop.name ? `${hop.name} (${address})` : address;
}

/** The secrets every hop sends, so no message of any hop repeats one. */
function scrubberOfHops(hops: readonly SshHopOptions[]): SecretScrubber {
  const secrets: Array<string | null | undefined> = [];
  for (const { auth } of hops) {
    if (auth.kind === 'password') secrets.push(auth.password);
    if (auth.kind === 'privateKey') secrets.push(auth.privateKey.toString(), auth.passphrase);
    if (auth.kind === 'identities') secrets.push(...auth.keyFiles.map((file) => file.privateKey.toString()));
  }
  return SecretScrubber.of(secrets);
}

/**
 * Connects (through each jump host in turn), checks each host key, authenticates on each and opens a PTY shell on the
 * target. Resolves once the shell channel is open; rejects with an SshConnectError naming the hop that failed
 * otherwise. Never logs or repeats a password, key or passphrase.
 */
export async function openSshSession(options: SshSessionOptions): Promise<TerminalSession> {
  const hops: SshHopOptions[] = [...(options.jumps ?? []), options];
  const target = hopTarget(options);
  const scrubber = hops.length > 1 ? scrubberOfHops(hops) : scrubberOf(options.auth);
  const clients: Ssh2Client[] = [];
  let index = 0;
  const report = (state: SshHopEvent['state'], detail?: string) =>
    options.onHop?.({
      index,
      target: hopTarget(hops[index]!),
      state,
      at: Date.now(),
      ...(detail === undefined ? {} : { detail }),
    });
  try {
    let sock = options.sock;
    for (; index < hops.length; index += 1) {
      const hop = hops[index]!;
      report('connecting');
      const client = await connectHop(hop, sock, options.signal);
      clients.push(client);
      report('connected');
      const next = hops[index + 1];
      if (next !== undefined) sock = await forwardThrough(client, hop, next, options.signal);
    }
    index = hops.length - 1;
    const client = clients[clients.length - 1]!;
    const { channel, window } = await openShell(client, options, target, options.signal);
    return new SshTerminalSession(client, channel, target, scrubber, window, clients.slice(0, -1));
  } catch (error) {
    for (const client of clients.reverse()) client.destroy();
    const failure = scrubbed(error instanceof Error ? error : new Error(String(error)), scrubber);
    if (index < hops.length) report('failed', failure.message);
    throw failure;
  }
}

/**
 * Opens a TCP forward from `through` to the next hop (ProxyJump's direct-tcpip channel): the stream the next hop's
 * SSH speaks over.
 */
function forwardThrough(
  client: Ssh2Client,
  through: SshHopOptions,
  next: SshHopOptions,
  signal: AbortSignal | undefined,
): Promise<Duplex> {
  const opening = new Opening<Duplex>();
  const where = `${next.host}:${next.port}`;
  const fail = (message: string, cause?: unknown) =>
    opening.fail(new SshConnectError('unreachable', message, cause === undefined ? undefined : { cause }));
  opening.disposables.listen(client, 'close', () =>
    fail(`SSH through ${hopTarget(through)} failed: it closed the connection before reaching ${where}`),
  );
  opening.disposables.onAbort(signal, () => {
    opening.fail(new SshConnectError('aborted', `SSH to ${hopTarget(next)} was cancelled`));
  });
  // The originating address and port are informational for the jump host's log; OpenSSH's client sends these too.
  client.forwardOut('127.0.0.1', 0, next.host, next.port, (error, channel) => {
    if (error) {
      fail(`${hopTarget(through)} could not reach ${where}: ${error.message}`, error);
      return;
    }
    if (!opening.succeed(channel)) channel.close();
  });
  return opening.promise;
}

/**
 * Opens the PTY shell (or the command) on a connected client, with a bounded receive window where ssh2's internals
 * allow it (channelWindow.ts): a paused tab must not have megabytes of a flood on their way.
 */
function openShell(
  client: Ssh2Client,
  options: SshSessionOptions,
  target: string,
  signal: AbortSignal | undefined,
): Promise<{ channel: ClientChannel; window: BoundedChannelWindow | null }> {
  const opening = new Opening<{ channel: ClientChannel; window: BoundedChannelWindow | null }>();
  const what = options.command ? 'command' : 'shell';
  opening.disposables.listen(client, 'close', () =>
    opening.fail(
      new SshConnectError(
        'protocol',
        `SSH to ${target} failed: the server closed the connection while opening the ${what}`,
      ),
    ),
  );
  opening.disposables.onAbort(signal, () => {
    opening.fail(new SshConnectError('aborted', `SSH to ${target} was cancelled`));
  });
  const window = { term: options.term ?? DEFAULT_TERM, cols: options.size.cols, rows: options.size.rows };
  const opened = (error: Error | undefined, channel: ClientChannel) => {
    if (error) {
      opening.fail(
        new SshConnectError(
          'protocol',
          `SSH to ${target} connected, but the server would not open a ${what}: ${error.message}`,
          { cause: error },
        ),
      );
      return;
    }
    const bounded = windowBounded ? BoundedChannelWindow.install(client, channel, windowBytes) : null;
    // Aborted while the server was opening it: the caller destroys the client.
    if (!opening.succeed({ channel, window: bounded })) channel.close();
  };
  const windowBytes = FlowControlConstants.SSH_CHANNEL_WINDOW_BYTES;
  const windowBounded = openNextChannelWithWindow(client, windowBytes);
  if (options.command !== undefined) client.exec(options.command, { pty: window }, opened);
  else client.shell(window, opened);
  return opening.promise;
}

/** A key the login may offer: the agent, or a key file (parsed, or encrypted and parsed once its passphrase comes). */
type PreparedIdentity = { offer: IdentityOffer } & ({ agent: string } | { key: ParsedKey } | { encrypted: Buffer });

/** The agent (first, as ssh offers it) and the usable key files, each skipped file told through onNote. */
function prepareIdentities(
  auth: Extract<SshAuth, { kind: 'identities' }>,
  onNote: ((note: string) => void) | undefined,
): PreparedIdentity[] {
  const prepared: PreparedIdentity[] = [];
  if (auth.agent !== null) {
    const label = auth.agent === 'pageant' ? 'Pageant' : `the SSH agent at ${auth.agent}`;
    prepared.push({ offer: { label, encrypted: false }, agent: auth.agent });
  }
  for (const file of auth.keyFiles) {
    const read = readPrivateKey(file.privateKey, undefined);
    switch (read.problem) {
      case null:
        prepared.push({ offer: { label: file.label, encrypted: false }, key: read.key });
        break;
      case 'passphrase':
        prepared.push({ offer: { label: file.label, encrypted: true }, encrypted: file.privateKey });
        break;
      case 'noKey':
        onNote?.(`${file.label} is not offered: the file holds no key`);
        break;
      case 'publicKey':
        onNote?.(`${file.label} is not offered: it is a public key, not the private key`);
        break;
      case 'unreadable':
        onNote?.(`${file.label} is not offered: not a private key Podterm can read (${read.said})`);
        break;
    }
  }
  return prepared;
}

/**
 * Connects to one hop (dialled, or over `sock`), checks its host key and authenticates. Resolves with the client once
 * it is ready for channels.
 */
function connectHop(
  hop: SshHopOptions,
  sock: Duplex | undefined,
  signal: AbortSignal | undefined,
): Promise<Ssh2Client> {
  const { host, port, username, verifyHostKey } = hop;
  const target = hopTarget(hop);
  const timeoutMs = hop.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;

  if (signal?.aborted) {
    return Promise.reject(new SshConnectError('aborted', `SSH to ${target} was cancelled`));
  }
  // ssh2's and the server's texts end up in these messages; none may repeat the credentials this session sends.
  const scrubber = scrubberOf(hop.auth);
  let authMethod: AnyAuthMethod | null;
  try {
    authMethod = prepareAuth(hop, target);
  } catch (error) {
    return Promise.reject(scrubbed(error instanceof Error ? error : new Error(String(error)), scrubber));
  }

  const client = new (ssh2().Client)();
  swallowErrorsUntilClose(client);
  const opening = new Opening<Ssh2Client>();
  let phase: Phase = 'connecting';
  let authAttempted = false;

  const timer = new PausableTimer(timeoutMs, () =>
    fail(
      new SshConnectError(
        'timeout',
        `SSH to ${target} timed out after ${formatSeconds(timeoutMs)} while ${PHASE_WORDS[phase]}`,
      ),
    ),
  );
  opening.disposables.add(() => timer.stop());

  function fail(error: SshConnectError): void {
    if (opening.fail(scrubbed(error, scrubber))) client.destroy();
  }

  const identities = hop.auth.kind === 'identities' ? prepareIdentities(hop.auth, hop.onNote) : [];
  const credential: LoginCredential =
    hop.auth.kind === 'identities' ? { kind: 'identities', identities: identities.map((i) => i.offer) } : hop.auth;
  const login = new SshLogin({ target, credential, canAskUser: hop.askUser !== undefined });
  // Never called without hop.askUser: the login gives up instead of asking when nobody is there.
  const askTheUser = hop.askUser ?? (() => Promise.resolve(null));

  /**
   * Carries out one step of the login: `next` hands ssh2 the method to send, `answerServer` answers the
   * keyboard-interactive questions at hand (only while the server is asking).
   */
  const follow = (step: LoginStep, next: NextAuthMethod, answerServer?: (answers: string[]) => void): void => {
    if (opening.settled) return;
    switch (step.kind) {
      case 'send': {
        const method = sshAuthMethod(step.method, next);
        // A passphrase that does not decrypt the key: the login asks again or moves on, nothing is sent.
        if (method === 'wrongPassphrase') follow(login.passphraseRefused(), next, answerServer);
        else next(method);
        return;
      }
      case 'answerServer':
        answerServer?.(step.answers);
        return;
      case 'ask': {
        // The connect clock stops while a person answers.
        const resumePhase = phase;
        phase = 'askingUser';
        timer.pause();
        void askTheUser(step.challenge)
          .catch(() => null)
          .then((answers) => {
            if (opening.settled) return;
            phase = resumePhase;
            timer.start();
            follow(login.answered(answers), next, answerServer);
          });
        return;
      }
      case 'fail':
        fail(new SshConnectError('auth', step.message));
    }
  };

  /** ssh2's form of the method the login chose. */
  const sshAuthMethod = (method: LoginMethod, next: NextAuthMethod): AnyAuthMethod | 'wrongPassphrase' => {
    switch (method.type) {
      case 'none':
        return { type: 'none', username };
      case 'identity': {
        const identity = identities[method.index]!;
        if ('agent' in identity) return { type: 'agent', username, agent: identity.agent };
        if ('key' in identity) return { type: 'publickey', username, key: identity.key };
        const read = readPrivateKey(identity.encrypted, method.passphrase ?? '');
        if (read.problem === null) return { type: 'publickey', username, key: read.key };
        return 'wrongPassphrase';
      }
      case 'saved':
        // begin() sends the saved credential only when there is one (an unsaved password is asked for instead).
        return authMethod!;
      case 'password':
        return { type: 'password', username, password: method.password };
      case 'keyboard-interactive':
        return {
          type: 'keyboard-interactive',
          username,
          prompt: (name, instructions, _language, prompts, finish) =>
            follow(login.questions(name, instructions, prompts), next, finish),
        };
    }
  };

  const authHandler: AuthHandlerMiddleware = (methodsLeft, partialSuccess, next) => {
    if (opening.settled) return;
    if (!authAttempted) {
      authAttempted = true;
      phase = 'authenticating';
      follow(login.begin(), next);
      return;
    }
    follow(login.refused(methodsLeft ?? [], partialSuccess === true), next);
  };

  let acceptedKey: Buffer | null = null;
  const hostVerifier = (key: Buffer, verify: (valid: boolean) => void): void => {
    // ssh2 asks again on every re-key (about hourly, or per GB). The key was decided once; asking the user again
    // mid-session would be noise, and a different key mid-session is refused outright.
    if (acceptedKey !== null) {
      verify(acceptedKey.equals(key));
      return;
    }
    phase = 'hostKey';
    timer.pause();
    // Wrapped so a verifier that throws synchronously refuses like one that rejects, instead of unwinding into ssh2.
    new Promise<void>((resolveCheck) => resolveCheck(verifyHostKey({ host, port, key: Buffer.from(key) }))).then(
      () => {
        if (opening.settled) return;
        acceptedKey = Buffer.from(key);
        phase = 'authenticating';
        timer.start();
        verify(true);
      },
      (error: unknown) => {
        if (opening.settled) return;
        // The verifier's own refusals already name the host and say what to do; anything else gets context.
        const message =
          error instanceof HostKeyError
            ? error.message
            : `SSH to ${target} refused: the host key was not accepted (${messageOf(error)})`;
        fail(new SshConnectError('hostKey', message, { cause: error }));
      },
    );
  };

  const connecting = opening.disposables;
  connecting.listen(client, 'connect', () => {
    if (phase === 'connecting') phase = 'keyExchange';
  });
  connecting.listen(client, 'error', (error: SshError) => fail(describeConnectError(error, target, host, phase)));
  connecting.listen(client, 'close', () =>
    fail(
      new SshConnectError(
        'protocol',
        `SSH to ${target} failed: the server closed the connection while ${PHASE_WORDS[phase]}`,
      ),
    ),
  );
  connecting.listen(client, 'ready', () => {
    opening.succeed(client);
  });

  connecting.onAbort(signal, () => fail(new SshConnectError('aborted', `SSH to ${target} was cancelled`)));

  timer.start();
  try {
    client.connect({
      host,
      port,
      username,
      authHandler,
      hostVerifier,
      ...hostKeyAlgorithms(hop.preferHostKeyTypes ?? []),
      // ssh2's own ready timeout would also count the minutes a person spends on the host-key prompt; ours does not.
      readyTimeout: 0,
      keepaliveInterval: hop.keepalive?.intervalMs ?? KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: hop.keepalive?.countMax ?? KEEPALIVE_COUNT_MAX,
      ...(sock === undefined ? {} : { sock }),
    });
    // A keystroke is one small packet: with Nagle's algorithm on (ssh2 leaves it on) it waits for the ACK of the
    // previous one, which the server delays by ~40 ms. OpenSSH turns it off for interactive sessions too.
    client.setNoDelay(true);
  } catch (error) {
    fail(
      new SshConnectError('protocol', `SSH to ${target} could not start: ${(error as Error).message}`, {
        cause: error,
      }),
    );
  }
  return opening.promise;
}

/** An open shell on an ssh2 channel. Events arrive in order: all data, then one exit or one error. */
class SshTerminalSession extends TransportSession {
  private dataAttached = false;
  private exitStatus: TerminalExit | null = null;
  private connectionError: Error | null = null;
  private connectionClosed = false;
  /** Set while discardBuffered() empties the channel's buffer: what it reads is dropped, not delivered. */
  private discarding = false;
  /** Files move over SFTP on this same connection: a channel of its own, no second login (main/core/files). */
  readonly remoteFiles: RemoteFileAccess = {
    kind: 'sftp',
    open: () =>
      new Promise((resolve, reject) =>
        this.client.sftp((error, sftp) => {
          if (error) reject(new Error(this.scrubber.scrub(`the server refused an SFTP channel: ${error.message}`)));
          else resolve(sftpFiles(sftp));
        }),
      ),
  };

  constructor(
    private readonly client: Ssh2.Client,
    private readonly channel: ClientChannel,
    private readonly target: string,
    private readonly scrubber: SecretScrubber,
    /** Null when ssh2's internals were not as expected: ssh2's own 2 MiB window applies then. */
    private readonly window: BoundedChannelWindow | null,
    /** The jump hosts' connections the shell's connection runs through, first dialled first. */
    private readonly jumpClients: readonly Ssh2Client[] = [],
  ) {
    super('an SSH session');
    this.disposables.listen(channel, 'exit', (code: number | null, signal?: string) => {
      this.exitStatus = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
    });
    // The channel closes after its buffered data was delivered, so exit/error never overtakes output.
    this.disposables.listen(channel, 'close', () => this.finish());
    this.disposables.listen(client, 'error', (error: SshError) => {
      this.connectionError ??= error;
    });
    this.disposables.listen(client, 'close', () => {
      this.connectionClosed = true;
    });
  }

  write(data: Uint8Array | string): void {
    if (this.ended) return;
    // Copied: ssh2 may hold the chunk until the server opens its window, and the caller may reuse its buffer.
    this.channel.write(typeof data === 'string' ? data : Buffer.from(data));
  }

  resize(cols: number, rows: number): void {
    checkTerminalSize(cols, rows);
    if (this.ended) return;
    // Pixel sizes are unknown to us; 0 tells the server so (RFC 4254 §6.7).
    this.channel.setWindow(rows, cols, 0, 0);
  }

  pause(): void {
    // Stops reading the channel and granting window to the server, which stops sending (real backpressure).
    this.window?.setPaused(true);
    this.channel.pause();
    this.channel.stderr.pause();
  }

  resume(): void {
    this.window?.setPaused(false);
    this.channel.resume();
    this.channel.stderr.resume();
  }

  /** Drops what the channel received and holds while paused (at most the channel window). */
  discardBuffered(): void {
    if (this.ended) return;
    this.discarding = true;
    try {
      // In paused mode read() hands over the buffer (through 'data' too, which `discarding` drops) without flowing.
      while (this.channel.read() !== null);
      while (this.channel.stderr.read() !== null);
    } finally {
      this.discarding = false;
    }
  }

  /**
   * Data starts flowing when the first listener subscribes, so nothing sent before then is lost (the stream buffers it,
   * within the SSH window).
   */
  override onData(listener: (chunk: Uint8Array) => void): Disposable {
    const subscription = super.onData(listener);
    if (!this.dataAttached) {
      this.dataAttached = true;
      const forward = (chunk: Buffer) => {
        if (this.discarding) return;
        this.events.emitData(chunk);
        this.window?.consumed();
      };
      this.disposables.listen(this.channel, 'data', forward);
      this.disposables.listen(this.channel.stderr, 'data', forward);
    }
    return subscription;
  }

  private finish(): void {
    if (this.ended) return;
    if (this.exitStatus === null && this.connectionClosed) {
      const why = this.connectionError
        ? this.scrubber.messageOf(this.connectionError)
        : 'the server closed the connection';
      this.settle({ kind: 'error', error: new Error(`SSH connection to ${this.target} lost: ${why}`) });
    } else {
      // No exit status on a live connection: the server closed the channel without one (allowed by RFC 4254).
      this.settle({ kind: 'exit', exit: this.exitStatus ?? { code: null, signal: null } });
    }
    // The channel's close comes after its data, so nothing is held back: deliver the end now.
    this.release();
    // One shell per connection: once it is gone, so is the connection.
    void this.close();
  }

  protected async shutdown(): Promise<void> {
    await this.closeTarget();
    // Then each jump host's connection, the one nearest the target first.
    for (const jump of [...this.jumpClients].reverse()) {
      const closed = new Promise<void>((resolve) => jump.once('close', () => resolve()));
      jump.end();
      await closeWithin(closed, () => jump.destroy());
    }
  }

  private async closeTarget(): Promise<void> {
    if (this.connectionClosed) return;
    const closed = new Promise<void>((resolve) => this.client.once('close', () => resolve()));
    // Hang up the shell first, as closing a terminal window does: a shell that receives SIGHUP passes it on to its
    // jobs. Ending the connection alone is not enough: sshd then closes the PTY, and a shell that reads EOF from it
    // before the kernel's SIGHUP arrives exits without hanging up its background jobs (seen under load in CI).
    // sshd handles requests in order, so the signal lands before the disconnect. OpenSSH 7.9+ honours it, except for
    // root logins (no post-auth privilege separation); there, and on older servers, the PTY hang-up remains. Either
    // way bash hangs up no jobs while it runs PROMPT_COMMAND (as a non-interactive shell), as when a terminal window
    // closes at that moment; nothing the client may ask of sshd reaches them then.
    this.channel.signal('HUP');
    this.client.end();
    await closeWithin(closed, () => this.client.destroy());
  }
}

/**
 * The host key algorithms that stand for each key type in known_hosts: an RSA key is signed with SHA-2 today (RFC
 * 8332) and with SHA-1 by old servers; the other types name their own algorithm. Types ssh2 cannot verify are left out.
 */
const HOST_KEY_ALGORITHMS_BY_TYPE: Readonly<Record<string, readonly ServerHostKeyAlgorithm[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** ssh2's algorithm option moving the preferred types' algorithms to the front of its default list (empty: no change). */
function hostKeyAlgorithms(preferTypes: readonly string[]): Pick<ConnectConfig, 'algorithms'> {
  const preferred = [...new Set(preferTypes.flatMap((type) => HOST_KEY_ALGORITHMS_BY_TYPE[type] ?? []))];
  if (preferred.length === 0) return {};
  // ssh2 applies the keys in insertion order: take them out of its default list, then put them first, in our order
  // (its prepend alone skips what the list already has, so it cannot move them).
  return { algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } };
}
