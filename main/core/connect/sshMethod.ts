/**
 * The SSH fallback: the last link of the chain, as `ssh HOST` on this machine would connect. The record's own fields
 * win; what they leave open comes from ~/.ssh/config (ssh/sshPlan.ts): host name, user, port, jump hosts, key files,
 * the agent, host-key policy, keepalives, timeouts. Each jump host has its own settings, questions and host-key check.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { AttemptStep } from '../../../common/contract';
import {
  createHostKeyVerifier,
  knownHostKeyTypes,
  openSshSession,
  planSsh,
  privateKeyProblem,
  startProxyCommand,
  type SshEndpointPlan,
  type SshHopEvent,
  type SshHopOptions,
  type SshPlan,
  type SshSessionOptions,
} from '../ssh';
import type { KnownHostRepository, PodConnectRecord } from '../store';
import type { ConnectContext, ConnectionMethodHandler, OpenedSession } from './types';

export interface SshMethodOptions {
  knownHosts: KnownHostRepository;
  /** Read-only OpenSSH known_hosts files; default: each host's UserKnownHostsFile (~/.ssh/known_hosts). */
  knownHostsFiles?: string[];
  /** For `~` in key paths, ~/.ssh/config and the default known_hosts. */
  homeDir?: string;
  /** Where SSH_AUTH_SOCK is read from for agent auth. */
  env?: NodeJS.ProcessEnv;
  /** The config files read; default ~/.ssh/config then /etc/ssh/ssh_config. */
  sshConfigFiles?: string[];
}

/** What ssh2 cannot do, said once in the attempt log rather than failing obscurely. */
const CERTIFICATE_NOTE =
  'is an OpenSSH certificate, which Podterm cannot present (its SSH library, ssh2, has no certificate support): the plain key is offered instead';

export function sshMethod(options: SshMethodOptions): ConnectionMethodHandler {
  const home = options.homeDir ?? homedir();
  const env = options.env ?? process.env;

  return {
    method: 'ssh',
    skipReason: (record) => (record.sshHost ? null : 'no SSH host in the record'),
    async open(record: PodConnectRecord, context: ConnectContext): Promise<OpenedSession> {
      const plan = planSsh(
        {
          sshHost: record.sshHost!,
          sshUser: record.sshUser ?? null,
          sshPort: record.sshPort,
          sshProxyJump: record.sshProxyJump ?? null,
          sshPrivateKeyPath: record.sshAuthKind === 'privateKeyPath' ? (record.sshPrivateKeyPath ?? null) : null,
        },
        { home, env, ...(options.sshConfigFiles ? { configFiles: options.sshConfigFiles } : {}) },
      );
      const steps = new AttemptSteps(context);
      if (plan.problem !== null) throw new Error(plan.problem);
      const endpoints = [...plan.jumps, plan.target];
      const named = (endpoint: SshEndpointPlan, index: number) =>
        endpoint === plan.target ? undefined : `jump host ${index + 1} of ${plan.jumps.length}, ${endpoint.name}`;
      for (const [index, endpoint] of endpoints.entries()) {
        for (const note of endpoint.notes) steps.note(`${named(endpoint, index) ?? endpoint.name}: ${note}`);
      }

      const hopOptions = async (endpoint: SshEndpointPlan, index: number): Promise<SshHopOptions> => {
        const name = named(endpoint, index);
        const host = endpoint.hostName.value;
        const port = endpoint.port.value;
        const username = endpoint.user.value;
        const address = `${username}@${host}:${port}`;
        const shown = name ? `${name} (${address})` : address;
        const knownHostsFiles = options.knownHostsFiles ?? endpoint.userKnownHostsFiles.value;
        // HostKeyAlias: the key is looked up and remembered under the alias, as ssh does (without a port).
        const keyName = endpoint.hostKeyAlias.value ?? host;
        const keyPort = endpoint.hostKeyAlias.value === null ? port : 22;
        const verify = createHostKeyVerifier({
          knownHostsFiles,
          store: options.knownHosts,
          unknownKeys: UNKNOWN_KEY_POLICY[endpoint.strictHostKeyChecking.value],
          prompt: (question) => context.promptHostKey({ ...question, ...(name ? { hop: name } : {}) }),
        });
        const interval = endpoint.serverAliveInterval.value;
        return {
          host,
          port,
          username,
          ...(name ? { name } : {}),
          auth: await authFor(record, endpoint, endpoint === plan.target, shown, env, (note) => steps.note(note)),
          verifyHostKey: (presented) => verify({ ...presented, host: keyName, port: keyPort }),
          preferHostKeyTypes: await knownHostKeyTypes({ knownHostsFiles, store: options.knownHosts }, keyName, keyPort),
          askUser: (challenge) => context.promptAuth({ ...challenge, target: shown }),
          ...(endpoint.connectTimeout.value === null ? {} : { readyTimeoutMs: endpoint.connectTimeout.value * 1000 }),
          ...(interval > 0
            ? { keepalive: { intervalMs: interval * 1000, countMax: endpoint.serverAliveCountMax.value } }
            : {}),
          onNote: (note) => steps.note(`${shown}: ${note}`),
        };
      };

      const hops: SshHopOptions[] = [];
      for (const [index, endpoint] of endpoints.entries()) hops.push(await hopOptions(endpoint, index));
      const target = hops.pop()!;
      const proxy = await proxyCommandFor(record, plan, steps);
      try {
        const session = await openSshSession({
          ...target,
          jumps: hops,
          size: context.size(),
          ...(record.shell ? { command: record.shell } : {}),
          ...(proxy ? { sock: proxy.stream } : {}),
          onHop: (event) => steps.hop(event, endpoints.length > 1),
          signal: context.signal,
        });
        if (proxy) session.onExit(() => proxy.stop());
        const route = hops.map((hop) => `${hop.username}@${hop.host}:${hop.port}`);
        const where = `${target.username}@${target.host}:${target.port}`;
        return { session, target: route.length > 0 ? `${where} via ${route.join(', ')}` : where };
      } catch (error) {
        proxy?.stop();
        throw error;
      }
    },
  };
}

/** StrictHostKeyChecking → what the host-key check does with a key it does not know. */
const UNKNOWN_KEY_POLICY = {
  ask: 'ask',
  yes: 'refuse',
  'accept-new': 'acceptAndRemember',
  // "no" also lets ssh connect to a host whose key changed; Podterm still refuses that (it may be an attack).
  no: 'acceptAndRemember',
} as const;

/** The attempt's steps (each hop with its time, notes), published as they change. */
class AttemptSteps {
  private readonly list: AttemptStep[] = [];
  private readonly notes = new Set<string>();

  constructor(private readonly context: ConnectContext) {}

  note(text: string): void {
    if (this.notes.has(text)) return;
    this.notes.add(text);
    this.list.push({ label: text, startedAt: Date.now(), durationMs: 0, outcome: 'note' });
    this.publish();
  }

  hop(event: SshHopEvent, showHops: boolean): void {
    if (!showHops) return;
    const existing = this.list.find((step) => step.hopIndex === event.index);
    if (event.state === 'connecting' || existing === undefined) {
      this.list.push({
        label: event.target,
        hopIndex: event.index,
        startedAt: event.at,
        durationMs: null,
        outcome: 'running',
      });
    }
    const step = this.list.find((candidate) => candidate.hopIndex === event.index)!;
    if (event.state !== 'connecting') {
      step.durationMs = event.at - step.startedAt;
      step.outcome = event.state === 'connected' ? 'done' : 'failed';
      if (event.detail !== undefined) step.detail = event.detail;
    }
    this.publish();
  }

  private publish(): void {
    this.context.reportSteps?.(this.list.map((step) => ({ ...step })));
  }
}

/**
 * The credentials for one endpoint. The target uses the record's auth kind (agent: the keys the user has, as ssh
 * does); a jump host always uses the keys the user has, and asks for what the server wants beyond them.
 */
async function authFor(
  record: PodConnectRecord,
  endpoint: SshEndpointPlan,
  isTarget: boolean,
  target: string,
  env: NodeJS.ProcessEnv,
  note: (text: string) => void,
): Promise<SshSessionOptions['auth']> {
  const passphrase = record.secrets.sshPassphrase ?? undefined;
  if (isTarget) {
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
        const path = endpoint.identityFiles[0]!.value;
        const privateKey = await readKeyFile(path, target);
        // An encrypted key without a saved passphrase: the tab asks for it.
        if (!passphrase && privateKeyProblem(privateKey.toString(), null)?.field === 'sshPassphrase') {
          return { kind: 'identities', agent: null, keyFiles: [{ label: path, privateKey }] };
        }
        return { kind: 'privateKey', privateKey, ...(passphrase ? { passphrase } : {}) };
      }
      case 'agent':
        break;
    }
  }
  const identitiesOnly = endpoint.identitiesOnly.value;
  const agent = identitiesOnly ? null : endpoint.identityAgent.value;
  if (identitiesOnly && endpoint.identityAgent.value !== null) {
    note(`${target}: IdentitiesOnly is set, so the agent is not offered; the IdentityFiles are`);
  }
  const keyFiles: Array<{ label: string; privateKey: Buffer }> = [];
  for (const file of endpoint.identityFiles) {
    const configured = file.source.from !== 'default';
    const label = file.source.from === 'config' ? `${file.value} (${file.source.origin})` : file.value;
    const privateKey = await readFile(file.value).catch((error: NodeJS.ErrnoException) => {
      // ssh skips a missing key file silently; a configured one is worth a note.
      if (configured) note(`${target}: ${label} is not offered: ${fileProblem(error)}`);
      return null;
    });
    if (privateKey === null) continue;
    keyFiles.push({ label, privateKey });
    const certificate = `${file.value}-cert.pub`;
    if (await exists(certificate)) note(`${target}: ${certificate} ${CERTIFICATE_NOTE}`);
  }
  if (agent === null && keyFiles.length === 0 && isTarget && !env.SSH_AUTH_SOCK) {
    throw new Error(
      `SSH agent auth for ${target} needs a running agent, but SSH_AUTH_SOCK is not set and ~/.ssh/config names no IdentityAgent or readable IdentityFile: start ssh-agent and ssh-add your key, or choose another auth kind.`,
    );
  }
  return { kind: 'identities', agent, keyFiles };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function fileProblem(error: NodeJS.ErrnoException): string {
  return error.code === 'ENOENT'
    ? 'the file does not exist'
    : error.code === 'EACCES'
      ? 'permission denied'
      : String(error.code);
}

async function readKeyFile(path: string, target: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(
      `Cannot read the SSH private key ${path} for ${target}: ${fileProblem(error as NodeJS.ErrnoException)}.`,
      {
        cause: error,
      },
    );
  }
}

/**
 * ProxyCommand runs a program, so it runs only for a record that allows it; otherwise the connect fails saying so
 * (dialling directly would go around what the config asks for).
 */
async function proxyCommandFor(record: PodConnectRecord, plan: SshPlan, steps: AttemptSteps) {
  const command = plan.target.proxyCommand;
  if (command.value === null || plan.jumps.length > 0) return null;
  const where = command.source.from === 'config' ? ` (${command.source.origin})` : '';
  if (!record.sshAllowProxyCommand) {
    throw new Error(
      `~/.ssh/config gives ${plan.target.name} a ProxyCommand${where}, which runs a program: Podterm runs it only when the record allows it (edit the record and tick "Run the config's ProxyCommand"), or give the record a ProxyJump instead.`,
    );
  }
  steps.note(`running ProxyCommand${where}: ${command.value}`);
  return startProxyCommand(command.value, {
    hostName: plan.target.hostName.value,
    originalHost: plan.target.name,
    port: plan.target.port.value,
    remoteUser: plan.target.user.value,
  });
}
