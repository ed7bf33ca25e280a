/**
 * The SSH fallback: the last link of the chain, using the record's SSH details.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createHostKeyVerifier, knownHostKeyTypes, openSshSession, type SshSessionOptions } from '../ssh';
import type { KnownHostRepository, PodConnectRecord } from '../store';
import type { ConnectContext, ConnectionMethodHandler, OpenedSession } from './types';

export interface SshMethodOptions {
  knownHosts: KnownHostRepository;
  /** Read-only OpenSSH known_hosts files (default: ~/.ssh/known_hosts). */
  knownHostsFiles?: string[];
  /** For `~` in key paths and the default known_hosts. */
  homeDir?: string;
  /** Where SSH_AUTH_SOCK is read from for agent auth. */
  env?: NodeJS.ProcessEnv;
}

export function sshMethod(options: SshMethodOptions): ConnectionMethodHandler {
  const home = options.homeDir ?? homedir();
  const env = options.env ?? process.env;
  const knownHostsFiles = options.knownHostsFiles ?? [join(home, '.ssh', 'known_hosts')];

  return {
    method: 'ssh',
    skipReason: (record) => (record.sshHost ? null : 'no SSH host in the record'),
    async open(record: PodConnectRecord, context: ConnectContext): Promise<OpenedSession> {
      const host = record.sshHost!;
      const username = record.sshUser!;
      const target = `${username}@${host}:${record.sshPort}`;
      const session = await openSshSession({
        host,
        port: record.sshPort,
        username,
        auth: await sshAuth(record, target, home, env),
        size: context.size(),
        ...(record.shell ? { command: record.shell } : {}),
        verifyHostKey: createHostKeyVerifier({
          knownHostsFiles,
          store: options.knownHosts,
          prompt: (prompt) => context.promptHostKey(prompt),
        }),
        preferHostKeyTypes: await knownHostKeyTypes(
          { knownHostsFiles, store: options.knownHosts },
          host,
          record.sshPort,
        ),
        askUser: (challenge) => context.promptAuth({ ...challenge, target }),
        signal: context.signal,
      });
      return { session, target };
    },
  };
}

async function sshAuth(
  record: PodConnectRecord,
  target: string,
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<SshSessionOptions['auth']> {
  const passphrase = record.secrets.sshPassphrase ?? undefined;
  switch (record.sshAuthKind) {
    case 'password':
      // Nothing saved: the tab asks when the server wants it, and the answer is used for this login only.
      return { kind: 'password', password: record.secrets.sshPassword ?? null };
    case 'privateKeyText':
      if (!record.secrets.sshPrivateKey) {
        throw new Error(`No SSH private key is saved for ${target}: edit the record and paste the key.`);
      }
      return { kind: 'privateKey', privateKey: record.secrets.sshPrivateKey, ...(passphrase ? { passphrase } : {}) };
    case 'privateKeyPath': {
      const path = expandHome(record.sshPrivateKeyPath ?? '', home);
      let privateKey: Buffer;
      try {
        privateKey = await readFile(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : code;
        throw new Error(`Cannot read the SSH private key ${path} for ${target}: ${why}.`, { cause: error });
      }
      return { kind: 'privateKey', privateKey, ...(passphrase ? { passphrase } : {}) };
    }
    case 'agent': {
      const agentSocket = env.SSH_AUTH_SOCK;
      if (!agentSocket) {
        throw new Error(
          `SSH agent auth for ${target} needs a running agent, but SSH_AUTH_SOCK is not set: start ssh-agent and ssh-add your key, or choose another auth kind.`,
        );
      }
      return { kind: 'agent', agentSocket };
    }
  }
}

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
}
