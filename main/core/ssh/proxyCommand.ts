/**
 * ProxyCommand from ~/.ssh/config: a program whose stdin and stdout carry the SSH connection (`nc %h %p`, a cloud
 * CLI's tunnel). Run only for a record that allows it (connect/sshMethod.ts); ssh2 speaks over the stream as `sock`.
 */
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

export interface ProxyCommandTokens {
  /** %h */
  hostName: string;
  /** %n */
  originalHost: string;
  /** %p */
  port: number;
  /** %r */
  remoteUser: string;
}

export interface RunningProxyCommand {
  stream: Duplex;
  stop(): void;
}

/** ProxyCommand's tokens, as ssh expands them (%% %h %n %p %r); others are left as written. */
export function expandProxyCommand(command: string, tokens: ProxyCommandTokens): string {
  const values: Record<string, string> = {
    '%': '%',
    h: tokens.hostName,
    n: tokens.originalHost,
    p: String(tokens.port),
    r: tokens.remoteUser,
  };
  return command.replace(/%(.)/g, (whole, token: string) => values[token] ?? whole);
}

/** Starts the command through the shell (as ssh does, with `exec`), its stderr passed to ours as ssh leaves it. */
export function startProxyCommand(command: string, tokens: ProxyCommandTokens): RunningProxyCommand {
  const child = spawn(expandProxyCommand(command, tokens), { shell: true, stdio: ['pipe', 'pipe', 'inherit'] });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  // A command that cannot start or dies closes the stream; ssh2 reports the closed connection.
  child.on('error', () => stream.destroy());
  child.on('exit', () => stream.push(null));
  return {
    stream,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
