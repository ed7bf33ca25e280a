/**
 * Real proxies on loopback for the proxy tests: OpenSSH's own `ssh -N -D` (a SOCKS5 proxy, the way people reach
 * private API servers through a bastion) against the harness sshd, and Debian's tinyproxy for HTTP CONNECT, with or
 * without basic auth.
 *
 * A server name only the proxy can resolve, honestly: the proxy processes (tinyproxy, and the sshd that `ssh -D`
 * forwards through, which is where the name is resolved) run in a private mount namespace (unshare(1)) with their own
 * file bind-mounted over /etc/hosts. Inside it API_SERVER_NAME means 127.0.0.1; everywhere else on the machine, kubectl
 * and Podterm included, the name does not resolve (.invalid is reserved, RFC 6761). Nothing on the machine is edited.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { missingPeer } from './skipReasons';
import { findFreePort, type SshdHarness } from './sshd';
import { sleep } from './wait';

const run = promisify(execFile);

/** The API server's name as only the proxies know it; never resolvable outside their namespace. */
export const API_SERVER_NAME = 'api.podterm-test.invalid';
export const TINYPROXY = '/usr/bin/tinyproxy';
const SSH = '/usr/bin/ssh';
/** Proxies listen within milliseconds; 10 s covers a loaded 2-core machine without hiding one that never starts. */
const START_TIMEOUT_MS = 10_000;
const POLL_MS = 50;

/** Whether this machine can give a process its own /etc/hosts (root and unshare); else the reason, for a skip. */
export async function privateHostsProblem(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'not running as root, so the proxies cannot get a private /etc/hosts (unshare)';
  try {
    await run('unshare', ['--mount', '--propagation', 'private', 'true']);
    return null;
  } catch (error) {
    return `unshare --mount failed here (${(error as Error).message.split('\n')[0]})`;
  }
}

/** Writes an /etc/hosts that knows localhost and API_SERVER_NAME (as 127.0.0.1), for the proxies' namespace. */
export async function privateHostsFile(dir: string): Promise<string> {
  // The test's whole point is that the machine cannot resolve the name; say so at once if it somehow can.
  const resolved = await lookup(API_SERVER_NAME).then(
    (answer) => answer.address,
    () => null,
  );
  if (resolved !== null) throw new Error(`${API_SERVER_NAME} resolves on this machine (to ${resolved}); it must not.`);
  const path = join(dir, 'hosts');
  await writeFile(path, `127.0.0.1 localhost\n::1 localhost\n127.0.0.1 ${API_SERVER_NAME}\n`);
  return path;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(what: string, port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await listening(port))) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}) before listening: ${output()}`);
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port}: ${output()}`);
    await sleep(POLL_MS);
  }
}

export interface RunningProxy {
  /** e.g. "socks5://127.0.0.1:40123" or "http://127.0.0.1:40124", without credentials. */
  url: string;
  port: number;
  /** What the proxy printed (tinyproxy's log, ssh's errors). */
  output(): string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text;
}

/**
 * tinyproxy on a free loopback port, in the private namespace when hostsFile is given. With basicAuth it answers 407
 * to a CONNECT without those credentials. Null (after printing why) when tinyproxy is not installed.
 */
export async function startTinyproxy(
  options: { hostsFile?: string; basicAuth?: { user: string; password: string } } = {},
): Promise<RunningProxy | null> {
  try {
    await run(TINYPROXY, ['-v']);
  } catch {
    console.warn(`HTTP proxy tests skipped: ${missingPeer(`${TINYPROXY} is missing (apt-get install -y tinyproxy)`)}`);
    return null;
  }
  const dir = await mkdtemp(join(tmpdir(), 'podterm-tinyproxy-'));
  const port = await findFreePort();
  const config = join(dir, 'tinyproxy.conf');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      'MaxClients 50',
      'Allow 127.0.0.1',
      // No ConnectPort line: CONNECT to any port (the test API server is on a random one), as corporate proxies allow 6443.
      'LogLevel Connect',
      ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
      '',
    ].join('\n'),
  );
  const command = options.hostsFile
    ? spawn(
        'unshare',
        [
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount --bind "$1" /etc/hosts && exec "$2" -d -c "$3"',
          'sh',
          options.hostsFile,
          TINYPROXY,
          config,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
    : spawn(TINYPROXY, ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(command);
  try {
    await waitForPort('tinyproxy', port, command, output);
  } catch (error) {
    await stopChild(command);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    output,
    async stop() {
      await stopChild(command);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `ssh -N -D 127.0.0.1:PORT` logged in to the harness sshd with its test key: OpenSSH's SOCKS5 proxy. Names in a
 * CONNECT are resolved by the sshd (start it with hostsFile for API_SERVER_NAME).
 */
export async function startSshSocksProxy(sshd: SshdHarness): Promise<RunningProxy> {
  const port = await findFreePort();
  const knownHosts = join(sshd.dir, 'socks_known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const child = spawn(
    SSH,
    [
      '-N',
      '-D',
      `127.0.0.1:${port}`,
      '-p',
      String(sshd.port),
      '-i',
      sshd.clientKeyPath,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'ExitOnForwardFailure=yes',
      '-F',
      '/dev/null',
      `${sshd.keyUser}@127.0.0.1`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = collect(child);
  try {
    await waitForPort('ssh -D', port, child, output);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url: `socks5://127.0.0.1:${port}`, port, output, stop: () => stopChild(child) };
}
