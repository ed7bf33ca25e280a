/**
 * What `ssh HOST` would use for a record's SSH side: the record's own fields first, then ~/.ssh/config (sshConfig.ts),
 * then OpenSSH's defaults, each setting with where it came from. The connect chain's SSH method connects with it, and
 * the record form shows it (greyed, with file:line) before the user connects.
 */
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SSH_PORT } from '../../../common/pods';
import {
  defaultHostName,
  describeOrigin,
  expandedPath,
  parseProxyJump,
  readSshConfig,
  SYSTEM_SSH_CONFIG,
  type ConfigValue,
  type SshConfigForHost,
  type StrictHostKeyChecking,
  type TokenValues,
} from './sshConfig';

/** Where a setting came from: the record, a config line ("~/.ssh/config:12"), or OpenSSH's default. */
export type SettingSource = { from: 'record' } | { from: 'config'; origin: string } | { from: 'default' };

export interface Setting<T> {
  value: T;
  source: SettingSource;
}

/** One SSH server on the way, settled: the target or a jump host. */
export interface SshEndpointPlan {
  /** The name asked for: the record's host (maybe a Host alias), or a ProxyJump entry's host. */
  name: string;
  hostName: Setting<string>;
  user: Setting<string>;
  port: Setting<number>;
  /** Key files in the order offered, paths expanded. Empty: none configured and no default file exists. */
  identityFiles: Array<Setting<string>>;
  identitiesOnly: Setting<boolean>;
  /** A socket path, a Windows pipe or "pageant"; null: no agent ("none", or no SSH_AUTH_SOCK). */
  identityAgent: Setting<string | null>;
  strictHostKeyChecking: Setting<StrictHostKeyChecking>;
  userKnownHostsFiles: Setting<string[]>;
  hostKeyAlias: Setting<string | null>;
  serverAliveInterval: Setting<number>;
  serverAliveCountMax: Setting<number>;
  /** Seconds; null: Podterm's own connect timeout. */
  connectTimeout: Setting<number | null>;
  /** The hops before this one, as written ("a,b"); null: none. */
  proxyJump: Setting<string | null>;
  /** ProxyCommand as written (tokens expanded when run); null: none. */
  proxyCommand: Setting<string | null>;
  /** Things to tell the user once: keywords not used, lines not understood, certificates not presented. */
  notes: string[];
}

export interface SshPlan {
  target: SshEndpointPlan;
  /** The jump hosts, first dialled first. */
  jumps: SshEndpointPlan[];
  /** A ProxyJump that cannot be used as written; the connect fails with it. */
  problem: string | null;
}

/** The record's SSH fields that win over the config. */
export interface RecordSshFields {
  sshHost: string;
  /** Null: the config's User, else the local user (as ssh). */
  sshUser: string | null;
  /** The record's port; 22, the form's default, lets the config's Port apply. */
  sshPort: number;
  /** The record's own jump hosts (ProxyJump syntax); null: the config's. */
  sshProxyJump?: string | null;
  /** The record's own key file (auth kind privateKeyPath): offered instead of the config's IdentityFiles. */
  sshPrivateKeyPath?: string | null;
}

export interface SshPlanEnvironment {
  /** Config files in OpenSSH's order; default: ~/.ssh/config then /etc/ssh/ssh_config. */
  configFiles?: string[];
  home: string;
  /** For SSH_AUTH_SOCK. */
  env: NodeJS.ProcessEnv;
  localUser?: string;
  platform?: NodeJS.Platform;
}

/** The key files ssh tries when the config names none (ssh_config(5), IdentityFile), in its order. */
const DEFAULT_IDENTITY_FILES = [
  'id_rsa',
  'id_ecdsa',
  'id_ecdsa_sk',
  'id_ed25519',
  'id_ed25519_sk',
  'id_xmss',
  'id_dsa',
];
/** OpenSSH for Windows' agent: a named pipe, which ssh2 reaches like a socket. */
export const WINDOWS_OPENSSH_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';
/** ssh's own defaults for what the plan shows. */
const DEFAULT_SERVER_ALIVE_COUNT_MAX = 3;

/** The default config files: the user's, then the system's. */
export function defaultSshConfigFiles(home: string): string[] {
  return [join(home, '.ssh', 'config'), SYSTEM_SSH_CONFIG];
}

const fromConfig = <T>(value: ConfigValue<T>, home: string): Setting<T> => ({
  value: value.value,
  source: { from: 'config', origin: describeOrigin(value.origin, home) },
});
const fromDefault = <T>(value: T): Setting<T> => ({ value, source: { from: 'default' } });
const fromRecord = <T>(value: T): Setting<T> => ({ value, source: { from: 'record' } });

/** Settles one endpoint: `overrides` are what the record (or a ProxyJump entry) says, winning over the config. */
function planEndpoint(
  name: string,
  overrides: { user: string | null; port: number | null; proxyJump?: string | null; keyPath?: string | null },
  environment: Required<Omit<SshPlanEnvironment, 'env'>> & { env: NodeJS.ProcessEnv },
  config: SshConfigForHost,
): SshEndpointPlan {
  const { home, localUser } = environment;
  const notes: string[] = [];
  const hostName = config.hostName ? fromConfig(config.hostName, home) : fromDefault(defaultHostName(name));
  const user =
    overrides.user !== null
      ? fromRecord(overrides.user)
      : config.user
        ? fromConfig(config.user, home)
        : fromDefault(localUser);
  const port =
    overrides.port !== null
      ? fromRecord(overrides.port)
      : config.port
        ? fromConfig(config.port, home)
        : fromDefault(DEFAULT_SSH_PORT);
  const hostKeyAlias = config.hostKeyAlias ? fromConfig(config.hostKeyAlias, home) : fromDefault(null);
  const tokens: TokenValues = {
    hostName: hostName.value,
    originalHost: name,
    port: port.value,
    remoteUser: user.value,
    localUser,
    home,
    uid: userInfo().uid,
    localHostName: hostname(),
    hostKeyAlias: hostKeyAlias.value ?? hostName.value,
  };
  const path = (value: ConfigValue<string>): string | null => {
    const expanded = expandedPath(value.value, tokens);
    if (typeof expanded === 'string') return expanded;
    notes.push(`${describeOrigin(value.origin, home)}: ${expanded.error}; the line is not used`);
    return null;
  };
  const pathSetting = (value: ConfigValue<string>): Setting<string> | null => {
    const expanded = path(value);
    return expanded === null ? null : { ...fromConfig(value, home), value: expanded };
  };

  let identityFiles: Array<Setting<string>>;
  if (overrides.keyPath) {
    identityFiles = [fromRecord(expandedPath(overrides.keyPath, tokens) as string)];
  } else if (config.identityFiles.length > 0) {
    identityFiles = config.identityFiles.flatMap((file) => pathSetting(file) ?? []);
  } else {
    identityFiles = DEFAULT_IDENTITY_FILES.map((file) => fromDefault(join(home, '.ssh', file)));
  }

  let identityAgent: Setting<string | null>;
  if (config.identityAgent) {
    const raw = config.identityAgent.value;
    if (raw.toLowerCase() === 'none') identityAgent = { ...fromConfig(config.identityAgent, home), value: null };
    else if (raw === 'SSH_AUTH_SOCK') {
      identityAgent = { ...fromConfig(config.identityAgent, home), value: environment.env.SSH_AUTH_SOCK || null };
    } else if (raw.startsWith('$')) {
      identityAgent = { ...fromConfig(config.identityAgent, home), value: environment.env[raw.slice(1)] || null };
    } else identityAgent = pathSetting(config.identityAgent) ?? fromDefault(null);
  } else {
    const fallback = environment.platform === 'win32' ? WINDOWS_OPENSSH_AGENT_PIPE : null;
    identityAgent = fromDefault(environment.env.SSH_AUTH_SOCK || fallback);
  }

  const knownHostsDefault = [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
  const userKnownHostsFiles = config.userKnownHostsFiles
    ? {
        ...fromConfig(config.userKnownHostsFiles, home),
        value: config.userKnownHostsFiles.value.flatMap(
          (file) => path({ value: file, origin: config.userKnownHostsFiles!.origin }) ?? [],
        ),
      }
    : fromDefault(knownHostsDefault);

  const proxyJump =
    overrides.proxyJump !== undefined && overrides.proxyJump !== null
      ? fromRecord<string | null>(overrides.proxyJump)
      : config.proxyJump
        ? fromConfig(config.proxyJump, home)
        : fromDefault<string | null>(null);
  const proxyCommand =
    proxyJump.source.from === 'record'
      ? fromDefault<string | null>(null)
      : config.proxyCommand
        ? fromConfig(config.proxyCommand, home)
        : fromDefault<string | null>(null);

  for (const keyword of config.unsupported) {
    notes.push(`${describeOrigin(keyword.origin, home)}: ${keyword.keyword} is not used by Podterm`);
  }
  for (const problem of config.problems) notes.push(`${describeOrigin(problem.origin, home)}: ${problem.message}`);

  return {
    name,
    hostName,
    user,
    port,
    identityFiles,
    identitiesOnly: config.identitiesOnly ? fromConfig(config.identitiesOnly, home) : fromDefault(false),
    identityAgent,
    strictHostKeyChecking: config.strictHostKeyChecking
      ? fromConfig(config.strictHostKeyChecking, home)
      : fromDefault<StrictHostKeyChecking>('ask'),
    userKnownHostsFiles,
    hostKeyAlias,
    serverAliveInterval: config.serverAliveInterval ? fromConfig(config.serverAliveInterval, home) : fromDefault(0),
    serverAliveCountMax: config.serverAliveCountMax
      ? fromConfig(config.serverAliveCountMax, home)
      : fromDefault(DEFAULT_SERVER_ALIVE_COUNT_MAX),
    connectTimeout: config.connectTimeout ? fromConfig(config.connectTimeout, home) : fromDefault<number | null>(null),
    proxyJump,
    proxyCommand,
    notes,
  };
}

/**
 * The plan for a record: its target and each jump host, the record's fields over ~/.ssh/config over ssh's defaults.
 * Each jump host is looked up in the config by its own name, its user and port from the ProxyJump entry first; a jump
 * host's own ProxyJump is not followed (noted), as the record names the whole route.
 */
export function planSsh(record: RecordSshFields, environment: SshPlanEnvironment): SshPlan {
  const settled = {
    home: environment.home,
    env: environment.env,
    configFiles: environment.configFiles ?? defaultSshConfigFiles(environment.home),
    localUser: environment.localUser ?? userInfo().username,
    platform: environment.platform ?? process.platform,
  };
  const read = (host: string) =>
    readSshConfig(host, { files: settled.configFiles, home: settled.home, localUser: settled.localUser });
  const target = planEndpoint(
    record.sshHost,
    {
      user: record.sshUser,
      port: record.sshPort === DEFAULT_SSH_PORT ? null : record.sshPort,
      proxyJump: record.sshProxyJump ?? null,
      keyPath: record.sshPrivateKeyPath ?? null,
    },
    settled,
    read(record.sshHost),
  );
  const route = target.proxyJump.value;
  if (route === null) return { target, jumps: [], problem: null };
  const hops = parseProxyJump(route);
  if ('error' in hops) {
    const where = target.proxyJump.source.from === 'config' ? ` (${target.proxyJump.source.origin})` : '';
    return { target, jumps: [], problem: `ProxyJump${where}: ${hops.error}` };
  }
  const jumps = hops.map((hop) => {
    const plan = planEndpoint(hop.host, { user: hop.user, port: hop.port }, settled, read(hop.host));
    if (plan.proxyJump.value !== null) {
      plan.notes.push(
        `its own ProxyJump (${plan.proxyJump.value}) is not followed: list every hop in the record's route`,
      );
    }
    return plan;
  });
  return { target, jumps, problem: null };
}

/** A setting's source for people: "record", "~/.ssh/config:4", "default". */
export function describeSource(source: SettingSource): string {
  return source.from === 'config' ? source.origin : source.from;
}
