/**
 * A real OpenSSH server for tests: a throwaway sshd on a free loopback port, its own host key, authorized keys and log,
 * plus client keys (plain and passphrase-protected), an optional password user and an ssh-agent. Nothing here mocks
 * Podterm or ssh2; the point is to talk to the same server users do.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { missingPeer } from './skipReasons';
import { sleep } from './wait';

const run = promisify(execFile);

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = 'ssh-keygen';
/** sshd's privilege-separation chroot; Debian creates it at boot via systemd, which test machines do not run. */
const PRIVSEP_DIR = '/run/sshd';
/** A local account that exists only for password tests; never a real person's login. */
const PASSWORD_USER = 'podterm-test';
/** Known to the tests on purpose: the account is throwaway and only reachable through the loopback sshd. */
const PASSWORD_USER_PASSWORD = 'podterm-test-Pw-3141';
/** Arbitrary, but not a word a shell prints by accident, so a test can assert it never appears in output or errors. */
const KEY_PASSPHRASE = 'podterm-passphrase-2718';
/** The PAM service the keyboard-interactive server uses (sshd takes it from the name it was started by). */
const PAM_SERVICE = 'podterm-test-kbdint';
const PAM_CONFIG_DIR = '/etc/pam.d';
/** Where Debian (by architecture) and other distributions keep pam_unix. */
const PAM_UNIX_MODULES = [
  `/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/security/pam_unix.so`,
  '/usr/lib64/security/pam_unix.so',
  '/lib/security/pam_unix.so',
];
/** Asks for the account password ("Password: ") and nothing else; no session modules that containers cannot run. */
const PAM_SERVICE_CONFIG = [
  "# Podterm's SSH tests (test/harness/sshd.ts): the account password over keyboard-interactive. Safe to delete.",
  'auth     required pam_unix.so',
  'account  required pam_permit.so',
  'session  required pam_permit.so',
  'password required pam_deny.so',
  '',
].join('\n');
/** sshd daemonises in milliseconds; 10 s covers a loaded 2-core CI box without hiding a server that never starts. */
const START_TIMEOUT_MS = 10_000;
/** sshd's RekeyLimit: small, so tests moving a few MB see several key re-exchanges. */
export const REKEY_LIMIT = '4M';
/** How often to look again while waiting for a pid file, socket or port. */
const POLL_MS = 50;
/** SIGTERM ends the listener at once; give it this long before stop() gives up waiting. */
const STOP_TIMEOUT_MS = 5_000;

export interface SshdHarness {
  /** The loopback address it listens on (SshdOptions.listenAddress). */
  host: string;
  port: number;
  /** e.g. "ssh-ed25519". */
  hostKeyType: string;
  /** The raw host key blob, exactly what the server sends during key exchange. */
  hostPublicKey: Buffer;
  /** As `ssh-keygen -l -E sha256` prints it: "SHA256:…" (computed by OpenSSH, not by Podterm). */
  hostFingerprint: string;
  /** The account key auth logs in as: the user running the tests. */
  keyUser: string;
  clientKeyPath: string;
  clientKeyText: string;
  encryptedKeyText: string;
  keyPassphrase: string;
  /** Null (with a printed reason) when the tests cannot create or set the password of the test account. */
  passwordUser: { name: string; password: string } | null;
  /** Why passwordUser is null, for the skip message. */
  passwordSkipReason: string | null;
  /** "[127.0.0.1]:port ssh-ed25519 AAAA…": a known_hosts line for this server. */
  knownHostsLine: string;
  /**
   * The server's second host key, of another type (ecdsa-sha2-nistp256), as servers that kept an older key type have.
   * Clients asking in their default order get the ed25519 key above.
   */
  secondHostKey: { keyType: string; blob: Buffer; knownHostsLine: string };
  /** The temp dir holding config, keys and log; removed by stop(). */
  dir: string;
  /** sshd's log (LogLevel DEBUG1, so every authentication request is recorded). */
  readLog(): Promise<string>;
  stop(): Promise<void>;
}

export interface SshAgentHarness {
  /** The agent's socket, for SSH_AUTH_SOCK or ssh2's `agent` option. */
  socket: string;
  stop(): Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** A port nothing listens on right now (the OS picks it; the tiny race before sshd binds it is acceptable in tests). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no TCP address for the probe server'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** True once something on the port speaks SSH (sends its "SSH-2.0-" banner). */
function speaksSsh(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    let banner = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      banner += chunk.toString('latin1');
      if (banner.includes('\n')) done(banner.startsWith('SSH-2.0-'));
    });
  });
}

async function generateKey(path: string, passphrase: string, comment: string): Promise<void> {
  await run(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', passphrase, '-C', comment, '-f', path]);
}

/** "type base64 comment" → type and the decoded key blob. */
function parsePublicKeyLine(line: string): { keyType: string; blob: Buffer; base64: string } {
  const [keyType, base64] = line.trim().split(/\s+/);
  if (!keyType || !base64) throw new Error(`not an OpenSSH public key line: ${line}`);
  return { keyType, blob: Buffer.from(base64, 'base64'), base64 };
}

/** Ensures the password test account exists with the known password; idempotent. Returns the reason when it cannot. */
async function preparePasswordUser(): Promise<{
  user: { name: string; password: string } | null;
  reason: string | null;
}> {
  const isRoot = process.getuid?.() === 0;
  let userExists = true;
  try {
    await run('id', ['-u', PASSWORD_USER]);
  } catch {
    userExists = false;
  }
  if (!isRoot) {
    const reason = userExists
      ? `not running as root, so the password of the local user ${PASSWORD_USER} cannot be set`
      : `not running as root and the local user ${PASSWORD_USER} does not exist (create it to run password tests)`;
    return { user: null, reason: missingPeer(reason) };
  }
  if (!userExists) {
    // Test files start their servers in parallel: another one may have created the account a moment ago.
    await run('useradd', ['-m', '-s', '/bin/bash', PASSWORD_USER]).catch(async (error: unknown) => {
      if (
        !(await run('id', ['-u', PASSWORD_USER]).then(
          () => true,
          () => false,
        ))
      )
        throw error;
    });
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`chpasswd failed (${code}): ${stderr.trim()}`)),
    );
    child.stdin.end(`${PASSWORD_USER}:${PASSWORD_USER_PASSWORD}\n`);
  });
  return { user: { name: PASSWORD_USER, password: PASSWORD_USER_PASSWORD }, reason: null };
}

/**
 * Starts a real sshd on a free loopback port. Returns null (after printing why) when OpenSSH's server is not installed,
 * or when not running as root and sshd cannot start; callers skip their tests with that reason. As root, a server that
 * fails to start is an error, not a skip.
 */
export interface SshdOptions {
  /**
   * Log in through PAM's questions instead (keyboard-interactive, as servers with PasswordAuthentication off do): the
   * password method is off, and the server takes either the account password over keyboard-interactive alone, or a
   * key followed by the account password (a second factor). Needs root, to install the PAM service file.
   */
  keyboardInteractive?: boolean;
  /**
   * An /etc/hosts for sshd alone (proxies.ts: privateHostsFile): the server runs in a private mount namespace with this
   * file over /etc/hosts, so the names in it resolve for what sshd connects to (`ssh -D` forwards) and nowhere else.
   * Needs root and unshare(1); check with canUsePrivateHosts() first.
   */
  hostsFile?: string;
  /**
   * The loopback address to listen on (default 127.0.0.1). Another one (127.0.0.2) gives a jump-host test a target
   * whose log and address tell the route it was reached by.
   */
  listenAddress?: string;
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdHarness | null> {
  if (!(await exists(SSHD))) {
    console.warn(`SSH tests skipped: ${missingPeer(`${SSHD} is missing (apt-get install -y openssh-server)`)}`);
    return null;
  }
  const isRoot = process.getuid?.() === 0;
  if (options.keyboardInteractive) {
    const reason = !isRoot
      ? 'not running as root, so the PAM service for keyboard-interactive logins cannot be installed'
      : !(await Promise.all(PAM_UNIX_MODULES.map(exists))).includes(true)
        ? `pam_unix.so is not in ${PAM_UNIX_MODULES.join(', ')} (apt-get install -y libpam-modules)`
        : null;
    if (reason) {
      console.warn(`SSH keyboard-interactive tests skipped: ${missingPeer(reason)}`);
      return null;
    }
  }
  // Before anything starts: under PODTERM_REQUIRE_TEST_PEERS a missing password account throws, leaving nothing running.
  const password = await preparePasswordUser();
  if (!password.user) console.warn(`SSH password tests skipped: ${password.reason}`);
  const dir = await mkdtemp(join(tmpdir(), 'podterm-sshd-'));
  try {
    await mkdir(PRIVSEP_DIR, { recursive: true }).catch(() => undefined);

    const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
    const secondHostKeyPath = join(dir, 'ssh_host_ecdsa_key');
    const clientKeyPath = join(dir, 'client_ed25519');
    const encryptedKeyPath = join(dir, 'client_ed25519_encrypted');
    await Promise.all([
      generateKey(hostKeyPath, '', 'podterm-test-host'),
      run(SSH_KEYGEN, ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-C', 'podterm-test-host', '-f', secondHostKeyPath]),
      generateKey(clientKeyPath, '', 'podterm-test-client'),
      generateKey(encryptedKeyPath, KEY_PASSPHRASE, 'podterm-test-client-encrypted'),
    ]);
    const authorizedKeysPath = join(dir, 'authorized_keys');
    const publicKeys = await Promise.all(
      [clientKeyPath, encryptedKeyPath].map((path) => readFile(`${path}.pub`, 'utf8')),
    );
    await writeFile(authorizedKeysPath, publicKeys.join(''), { mode: 0o600 });
    if (options.keyboardInteractive) {
      // sshd reads authorized_keys as the user logging in: let the password account reach it (public keys only;
      // the private keys in the directory stay 0600).
      await chmod(dir, 0o711);
      await chmod(authorizedKeysPath, 0o644);
    }

    const port = await findFreePort();
    const address = options.listenAddress ?? '127.0.0.1';
    const configPath = join(dir, 'sshd_config');
    const logPath = join(dir, 'sshd.log');
    const pidPath = join(dir, 'sshd.pid');
    const config = [
      `Port ${port}`,
      `ListenAddress ${address}`,
      `HostKey ${hostKeyPath}`,
      `HostKey ${secondHostKeyPath}`,
      `AuthorizedKeysFile ${authorizedKeysPath}`,
      `PidFile ${pidPath}`,
      ...(options.keyboardInteractive
        ? [
            'UsePAM yes',
            'PasswordAuthentication no',
            'KbdInteractiveAuthentication yes',
            // Either the password through PAM's question, or a key and then that question (a second factor).
            'AuthenticationMethods keyboard-interactive publickey,keyboard-interactive',
          ]
        : ['UsePAM no', 'PasswordAuthentication yes', 'KbdInteractiveAuthentication no']),
      // The temp dir is world-readable under /tmp; StrictModes would refuse its authorized_keys.
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PermitRootLogin yes',
      'PrintMotd no',
      'PrintLastLog no',
      'UseDNS no',
      // File transfers (main/core/files) speak SFTP, which Debian's sshd_config enables the same way.
      'Subsystem sftp internal-sftp',
      // Real servers re-key every GB or hour; a small limit makes every flood test re-key too (ssh2 re-checks the host key).
      `RekeyLimit ${REKEY_LIMIT}`,
      // DEBUG1 logs every "userauth-request", which is how tests prove no credential was sent before a host-key decision.
      'LogLevel DEBUG1',
      // The build machines' root ~/.bashrc runs `pyenv init`, whose rehash waits up to 60 s for a lock file that a shell
      // hung up mid-rehash (as the close tests do) leaves behind; every later root login would then miss the tests'
      // timeouts. A second is plenty for a rehash nobody holds; the shells here are otherwise as the user has them.
      'SetEnv PYENV_REHASH_TIMEOUT=1',
      '',
    ].join('\n');
    await writeFile(configPath, config);

    try {
      // sshd names its PAM service after the name it was started by; a link gives these tests their own service.
      let sshdPath = SSHD;
      if (options.keyboardInteractive) {
        sshdPath = join(dir, PAM_SERVICE);
        await symlink(SSHD, sshdPath);
        await writeFile(join(PAM_CONFIG_DIR, PAM_SERVICE), PAM_SERVICE_CONFIG);
      }
      if (options.hostsFile) {
        // sshd daemonises inside the namespace; the mount goes with it, the machine's /etc/hosts is untouched.
        await run('unshare', [
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount --bind "$1" /etc/hosts && exec "$2" -f "$3" -E "$4"',
          'sh',
          options.hostsFile,
          sshdPath,
          configPath,
          logPath,
        ]);
      } else await run(sshdPath, ['-f', configPath, '-E', logPath]);
      await waitUntil('sshd to write its pid file', () => exists(pidPath));
      await waitUntil(`sshd to answer on ${address}:${port}`, () => speaksSsh(port, address));
    } catch (error) {
      const log = await readFile(logPath, 'utf8').catch(() => '(no log)');
      const reason = `sshd did not start: ${(error as Error).message}\n${log}`;
      if (isRoot) throw new Error(reason, { cause: error });
      await rm(dir, { recursive: true, force: true });
      console.warn(`SSH tests skipped: ${missingPeer(reason)}`);
      return null;
    }

    const hostPublic = parsePublicKeyLine(await readFile(`${hostKeyPath}.pub`, 'utf8'));
    const secondPublic = parsePublicKeyLine(await readFile(`${secondHostKeyPath}.pub`, 'utf8'));
    const { stdout: fingerprintLine } = await run(SSH_KEYGEN, ['-l', '-E', 'sha256', '-f', `${hostKeyPath}.pub`]);
    const hostFingerprint = fingerprintLine.split(/\s+/)[1] ?? '';

    const stop = async () => {
      const pid = Number.parseInt(await readFile(pidPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 'SIGTERM');
          await waitUntil(
            `sshd (pid ${pid}) to exit`,
            async () => {
              try {
                process.kill(pid, 0);
                return false;
              } catch {
                return true;
              }
            },
            STOP_TIMEOUT_MS,
          );
        } catch {
          // Already gone, or slow to exit; the temp dir goes either way.
        }
      }
      await rm(dir, { recursive: true, force: true });
    };

    return {
      host: address,
      port,
      hostKeyType: hostPublic.keyType,
      hostPublicKey: hostPublic.blob,
      hostFingerprint,
      keyUser: userInfo().username,
      clientKeyPath,
      clientKeyText: await readFile(clientKeyPath, 'utf8'),
      encryptedKeyText: await readFile(encryptedKeyPath, 'utf8'),
      keyPassphrase: KEY_PASSPHRASE,
      passwordUser: password.user,
      passwordSkipReason: password.reason,
      knownHostsLine: `[${address}]:${port} ${hostPublic.keyType} ${hostPublic.base64}`,
      secondHostKey: {
        keyType: secondPublic.keyType,
        blob: secondPublic.blob,
        knownHostsLine: `[${address}]:${port} ${secondPublic.keyType} ${secondPublic.base64}`,
      },
      dir,
      readLog: () => readFile(logPath, 'utf8'),
      stop,
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Starts an ssh-agent on a private socket holding one (unencrypted) key. */
export async function startSshAgent(keyPath: string): Promise<SshAgentHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'podterm-agent-'));
  const socket = join(dir, 'agent.sock');
  // -D keeps the agent in the foreground, so it is our child and we stop it by its own pid.
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'ignore', 'pipe'] });
  let agentStderr = '';
  agent.stderr?.on('data', (chunk: Buffer) => (agentStderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => agent.once('exit', () => resolve()));
  const stop = async () => {
    if (agent.exitCode === null && agent.signalCode === null) {
      agent.kill('SIGTERM');
      await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('ssh-agent to create its socket', async () => {
      if (agent.exitCode !== null) throw new Error(`ssh-agent exited (${agent.exitCode}): ${agentStderr.trim()}`);
      return stat(socket).then(
        (info) => info.isSocket(),
        () => false,
      );
    });
    await run('ssh-add', ['-q', keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
  } catch (error) {
    await stop();
    throw error;
  }
  return { socket, stop };
}
