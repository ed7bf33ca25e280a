/**
 * The baselines outside Podterm: OpenSSH `ssh` and `kubectl exec` to the same sshd and the same pod, and raw ssh2 /
 * raw exec WebSocket clients (for keystroke and ^C round trips).
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, type ClientChannel } from 'ssh2';
import WebSocket from 'ws';
import type { KubeApiServer } from '../harness/kubeApiServer';
import type { SshdHarness } from '../harness/sshd';
import type { BenchContext } from './context';
import { END_COMMAND, END_MARKER, type Corpus } from './corpus';

export const KUBECTL = '/usr/bin/kubectl';
export const SSH = '/usr/bin/ssh';

export function sshArgs(sshd: SshdHarness, ...extra: string[]): string[] {
  return [
    '-i',
    sshd.clientKeyPath,
    '-p',
    String(sshd.port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'BatchMode=yes',
    ...extra,
    `${sshd.keyUser}@${sshd.host}`,
  ];
}

export function kubeconfigFile(context: BenchContext, kube: KubeApiServer): Promise<string> {
  return context.shared('kubeconfigFile', async () => {
    const file = join(await context.scratch(), 'kubeconfig');
    await writeFile(file, kube.kubeconfig({ user: 'token' }), { mode: 0o600 });
    return file;
  });
}

/**
 * MB/s of a corpus cat through a remote pty to a process that discards it (stdout piped here and counted), from the
 * first byte to the end marker, so the connection's set-up is not counted.
 */
export function streamRate(command: string, args: string[], env: NodeJS.ProcessEnv, corpus: Corpus): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let first = 0;
    let tail = '';
    let stderr = '';
    const marker = new RegExp(`(^|\\n)${END_MARKER}`);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (first === 0) first = performance.now();
      tail = (tail + chunk.toString('latin1')).slice(-4096);
      if (marker.test(tail)) {
        const ms = performance.now() - first;
        child.kill();
        resolve(corpus.screenBytes.length / 1e3 / ms);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!marker.test(tail))
        reject(new Error(`${command} exited with ${code} before the marker: ${stderr.slice(-400)}`));
    });
  });
}

export function opensshRate(sshd: SshdHarness, corpus: Corpus): Promise<number> {
  return streamRate(SSH, [...sshArgs(sshd, '-tt'), `cat ${corpus.file}; ${END_COMMAND}`], {}, corpus);
}

export function kubectlRate(kubeconfig: string, corpus: Corpus): Promise<number> {
  return streamRate(
    KUBECTL,
    ['exec', '-t', 'shell-pod', '--', 'sh', '-c', `cat ${corpus.file}; ${END_COMMAND}`],
    { KUBECONFIG: kubeconfig },
    corpus,
  );
}

/** A raw ssh2 shell on a pty with TCP_NODELAY set (ssh2 leaves Nagle on): the keystroke baseline. */
export async function rawSsh2Shell(
  sshd: SshdHarness,
): Promise<{ write(data: string): void; onData(listener: (chunk: Buffer) => void): void; close(): void }> {
  const connection = new Client();
  await new Promise<void>((resolve, reject) => {
    connection.once('ready', () => resolve());
    connection.once('error', reject);
    connection.connect({ host: sshd.host, port: sshd.port, username: sshd.keyUser, privateKey: sshd.clientKeyText });
  });
  // ssh2 leaves Nagle's algorithm on; a careful client turns it off.
  connection.setNoDelay(true);
  const channel: ClientChannel = await new Promise((resolve, reject) =>
    connection.shell({ term: 'xterm-256color', cols: 120, rows: 40 }, (error, stream) =>
      error ? reject(error) : resolve(stream),
    ),
  );
  const listeners: Array<(chunk: Buffer) => void> = [];
  channel.on('data', (chunk: Buffer) => listeners.forEach((listener) => listener(chunk)));
  return {
    write: (data) => void channel.write(data),
    onData: (listener) => void listeners.push(listener),
    close: () => connection.end(),
  };
}

/** A raw exec WebSocket (v5.channel.k8s.io) to shell-pod with a tty: the exec keystroke baseline. */
export async function rawExecShell(
  kube: KubeApiServer,
): Promise<{ write(data: string): void; onData(listener: (chunk: Buffer) => void): void; close(): void }> {
  const query = new URLSearchParams([
    ['command', 'bash'],
    ['stdin', 'true'],
    ['stdout', 'true'],
    ['tty', 'true'],
  ]);
  const ws = new WebSocket(
    `${kube.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/shell-pod/exec?${query}`,
    ['v5.channel.k8s.io'],
    {
      ca: kube.caPem,
      headers: { authorization: `Bearer ${kube.users.token.token}` },
    },
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: 120, Height: 40 }))]));
  const listeners: Array<(chunk: Buffer) => void> = [];
  ws.on('message', (data: Buffer) => {
    if (data[0] === 1 || data[0] === 2) listeners.forEach((listener) => listener(data.subarray(1)));
  });
  return {
    write: (data) => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(data)])),
    onData: (listener) => void listeners.push(listener),
    close: () => ws.close(),
  };
}
