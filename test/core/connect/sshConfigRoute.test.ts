/**
 * The SSH method as `ssh HOST` on this machine, against real sshd instances on loopback: a record naming only a Host
 * alias of a temp ~/.ssh/config (Host patterns, Include, Match) reaches a target on 127.0.0.2 through a bastion, each
 * hop asking its own host-key question and the encrypted key's passphrase in the tab; two jump hosts; a hop that fails
 * names itself; agent auth with a real ssh-agent (SSH_AUTH_SOCK and IdentityAgent); and each effective setting of the
 * plan compared with what `ssh -G` prints for the same config. The home is a temp dir: the real ~/.ssh is never read.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptStep, AuthPrompt, HostKeyDecision, HostKeyPrompt } from '../../../common/contract';
import { podFieldsSchema, type PodFieldsInput } from '../../../common/pods';
import { sshMethod } from '../../../main/core/connect';
import type { ConnectContext } from '../../../main/core/connect/types';
import { planSsh } from '../../../main/core/ssh';
import type { KnownHostRepository, PodConnectRecord } from '../../../main/core/store';
import { record } from '../../harness/sessionRecorder';
import { missingServer } from '../../harness/skipReasons';
import { startSshAgent, startSshd, type SshAgentHarness } from '../../harness/sshd';

const run = promisify(execFile);

/** The target listens here only: a route that reached it through the bastion shows in the bastion's log. */
const TARGET_ADDRESS = '127.0.0.2';

const [bastion, bastion2, target] = await Promise.all([
  startSshd(),
  startSshd(),
  startSshd({ listenAddress: TARGET_ADDRESS }),
]);
const skip = missingServer({ sshd: bastion && bastion2 && target });

class MapKnownHosts implements KnownHostRepository {
  readonly entries = new Map<string, Array<{ keyType: string; key: Uint8Array }>>();
  find(host: string, port: number) {
    return [...(this.entries.get(`${host}:${port}`) ?? [])];
  }
  remember(host: string, port: number, keyType: string, key: Uint8Array) {
    const list = this.entries.get(`${host}:${port}`) ?? [];
    list.push({ keyType, key: Uint8Array.from(key) });
    this.entries.set(`${host}:${port}`, list);
  }
}

let home: string;
let configPath: string;
let agent: SshAgentHarness | null = null;

beforeAll(async () => {
  if (skip) return;
  home = await mkdtemp(join(tmpdir(), 'podterm-sshroute-home-'));
  await mkdir(join(home, '.ssh', 'conf.d'), { recursive: true });
  configPath = join(home, '.ssh', 'config');
  const user = bastion!.keyUser;
  // The target's encrypted key, written into the temp home as a user would keep it.
  const encryptedKey = join(home, '.ssh', 'id_target');
  await writeFile(encryptedKey, target!.encryptedKeyText, { mode: 0o600 });
  await writeFile(
    join(home, '.ssh', 'conf.d', 'bastions.conf'),
    [
      'Host bastion-a',
      `  HostName ${bastion!.host}`,
      `  Port ${bastion!.port}`,
      `  IdentityFile ${bastion!.clientKeyPath}`,
      'Host bastion-b',
      `  HostName ${bastion2!.host}`,
      `  Port ${bastion2!.port}`,
      `  IdentityFile ${bastion2!.clientKeyPath}`,
      '',
    ].join('\n'),
  );
  await writeFile(
    configPath,
    [
      `Include ${join(home, '.ssh', 'conf.d', '*.conf')}`,
      'Host inner-* !inner-direct',
      '  ProxyJump bastion-a',
      'Host inner-*',
      `  HostName ${TARGET_ADDRESS}`,
      `  Port ${target!.port}`,
      `  IdentityFile ~/.ssh/id_target`,
      '  ForwardAgent yes',
      'Host inner-agent',
      '  IdentityAgent ~/agent.sock',
      // The classic ProxyCommand: the real ssh client's -W through the bastion, quoted as people write it.
      'Host proxied',
      `  HostName ${TARGET_ADDRESS}`,
      `  Port ${target!.port}`,
      `  IdentityFile ${target!.clientKeyPath}`,
      `  ProxyCommand ssh -F /dev/null -i "${bastion!.clientKeyPath}" -p ${bastion!.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -W %h:%p ${user}@${bastion!.host}`,
      `Match host ${TARGET_ADDRESS} user ${user}`,
      '  ServerAliveInterval 20',
      'Host *',
      `  User ${user}`,
      `  UserKnownHostsFile ${join(home, '.ssh', 'known_hosts')}`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await agent?.stop();
  await Promise.all([bastion?.stop(), bastion2?.stop(), target?.stop()]);
  if (home) await rm(home, { recursive: true, force: true });
});

function recordFor(fields: Partial<PodFieldsInput>): PodConnectRecord {
  return {
    id: '3d1a3c8e-9a43-4b5e-8f1e-7a4b3c2d1e0f',
    ...podFieldsSchema.parse({ name: 'route', sshAuthKind: 'agent', ...fields }),
    secrets: { kubeconfig: null, token: null, sshPassword: null, sshPrivateKey: null, sshPassphrase: null },
  };
}

/** A tab as the session manager runs one: questions answered by `answer`, steps kept as published. */
function tab(
  answers: {
    hostKey?: (prompt: Omit<HostKeyPrompt, 'promptId'>) => HostKeyDecision;
    auth?: (prompt: Omit<AuthPrompt, 'promptId'>) => string[] | null;
  } = {},
) {
  const hostKeyPrompts: Array<Omit<HostKeyPrompt, 'promptId'>> = [];
  const authPrompts: Array<Omit<AuthPrompt, 'promptId'>> = [];
  let steps: AttemptStep[] = [];
  const context: ConnectContext = {
    size: () => ({ cols: 80, rows: 24 }),
    containerOverride: null,
    signal: new AbortController().signal,
    promptHostKey: async (prompt) => {
      hostKeyPrompts.push(prompt);
      return answers.hostKey?.(prompt) ?? 'acceptOnce';
    },
    promptAuth: async (prompt) => {
      authPrompts.push(prompt);
      return answers.auth ? answers.auth(prompt) : null;
    },
    reportSteps: (published) => {
      steps = published;
    },
  };
  return { context, hostKeyPrompts, authPrompts, steps: () => steps };
}

const method = (env: NodeJS.ProcessEnv = {}) =>
  sshMethod({ knownHosts: new MapKnownHosts(), homeDir: home, env, sshConfigFiles: [configPath] });

/** Runs a command on the opened shell and returns its output once `until` shows up. */
async function runOn(session: Awaited<ReturnType<ReturnType<typeof sshMethod>['open']>>['session'], until: RegExp) {
  const recorder = record(session);
  session.write('echo "route:$SSH_CONNECTION:end"\n');
  await recorder.waitFor(until);
  return recorder;
}

describe.skipIf(skip)('a record naming only a Host alias, connected as ssh would', () => {
  it('goes through the bastion to a target on 127.0.0.2, asking each hop its host key and the key passphrase', async () => {
    const asked = tab({ auth: () => [target!.keyPassphrase] });
    const opened = await method().open(recordFor({ sshHost: 'inner-box' }), asked.context, {} as never);
    try {
      // The bastion first, named as a jump host; then the target, which needs no hop name.
      expect(asked.hostKeyPrompts.map((prompt) => [prompt.hop, prompt.host, prompt.port, prompt.fingerprint])).toEqual([
        ['jump host 1 of 1, bastion-a', bastion!.host, bastion!.port, bastion!.hostFingerprint],
        [undefined, TARGET_ADDRESS, target!.port, target!.hostFingerprint],
      ]);
      // The encrypted IdentityFile's passphrase was asked in the tab, for the target.
      expect(asked.authPrompts).toEqual([
        {
          target: `${bastion!.keyUser}@${TARGET_ADDRESS}:${target!.port}`,
          title: 'Key passphrase',
          instructions: '',
          prompts: [{ prompt: `Passphrase for ${join(home, '.ssh', 'id_target')} (~/.ssh/config:7):`, echo: false }],
        },
      ]);
      // The shell is on the target; the bastion's log shows the forward it made to it (not a direct route).
      const recorder = await runOn(opened.session, /route:127\.0\.0\.1 \d+ 127\.0\.0\.2 \d+:end/);
      expect(recorder.text).toContain(` ${TARGET_ADDRESS} ${target!.port}:end`);
      expect(await bastion!.readLog()).toContain(
        `server_request_direct_tcpip: originator 127.0.0.1 port 0, target ${TARGET_ADDRESS} port ${target!.port}`,
      );
      expect(opened.target).toBe(
        `${bastion!.keyUser}@${TARGET_ADDRESS}:${target!.port} via ${bastion!.keyUser}@${bastion!.host}:${bastion!.port}`,
      );
      // Each hop in the attempt log with its time; the keyword Podterm does not use is noted once.
      const hops = asked.steps().filter((step) => step.outcome !== 'note');
      expect(hops.map((step) => [step.label, step.outcome])).toEqual([
        [`jump host 1 of 1, bastion-a (${bastion!.keyUser}@${bastion!.host}:${bastion!.port})`, 'done'],
        [`${bastion!.keyUser}@${TARGET_ADDRESS}:${target!.port}`, 'done'],
      ]);
      for (const hop of hops) expect(hop.durationMs).toBeGreaterThanOrEqual(0);
      const notes = asked.steps().filter((step) => step.outcome === 'note');
      expect(notes.filter((note) => note.label.includes('forwardagent is not used by Podterm'))).toHaveLength(1);
    } finally {
      await opened.session.close();
    }
  });

  it("two jump hosts from the record's own ProxyJump, each asked and timed in order", async () => {
    const asked = tab({ auth: () => [target!.keyPassphrase] });
    const opened = await method().open(
      recordFor({ sshHost: 'inner-box', sshProxyJump: 'bastion-a,bastion-b' }),
      asked.context,
      {} as never,
    );
    try {
      expect(asked.hostKeyPrompts.map((prompt) => [prompt.hop, prompt.port])).toEqual([
        ['jump host 1 of 2, bastion-a', bastion!.port],
        ['jump host 2 of 2, bastion-b', bastion2!.port],
        [undefined, target!.port],
      ]);
      await runOn(opened.session, /route:127\.0\.0\.1 \d+ 127\.0\.0\.2 \d+:end/);
      // bastion-a forwarded to bastion-b, and bastion-b to the target.
      expect(await bastion!.readLog()).toContain(
        `direct_tcpip: originator 127.0.0.1 port 0, target ${bastion2!.host} port ${bastion2!.port}`,
      );
      expect(await bastion2!.readLog()).toContain(
        `direct_tcpip: originator 127.0.0.1 port 0, target ${TARGET_ADDRESS} port ${target!.port}`,
      );
      expect(asked.steps().filter((step) => step.outcome === 'done')).toHaveLength(3);
    } finally {
      await opened.session.close();
    }
  });

  it('says which hop failed and why: the second jump host whose key the user refused', async () => {
    const asked = tab({ hostKey: (prompt) => (prompt.hop?.includes('bastion-b') ? 'cancel' : 'acceptOnce') });
    await expect(
      method().open(
        recordFor({ sshHost: 'inner-box', sshProxyJump: 'bastion-a,bastion-b' }),
        asked.context,
        {} as never,
      ),
    ).rejects.toThrow(/Host key for .* not accepted; connection cancelled/);
    const hops = asked.steps().filter((step) => step.outcome !== 'note');
    expect(hops.map((step) => [step.label.split(' (')[0], step.outcome])).toEqual([
      ['jump host 1 of 2, bastion-a', 'done'],
      ['jump host 2 of 2, bastion-b', 'failed'],
    ]);
    expect(hops[1]!.detail).toMatch(/not accepted/);
  });

  it('a wrong passphrase is asked again, naming the retry; nothing is sent until it decrypts the key', async () => {
    const replies = ['wrong-passphrase', target!.keyPassphrase];
    const asked = tab({ auth: () => [replies.shift()!] });
    const opened = await method().open(recordFor({ sshHost: 'inner-direct' }), asked.context, {} as never);
    try {
      expect(asked.authPrompts.map((prompt) => prompt.instructions)).toEqual([
        '',
        'That passphrase does not decrypt the key; try again.',
      ]);
      expect(asked.hostKeyPrompts.map((prompt) => prompt.hop)).toEqual([undefined]);
    } finally {
      await opened.session.close();
    }
  });

  it('agent auth with a real ssh-agent: SSH_AUTH_SOCK, and IdentityAgent from the config without it', async () => {
    agent = await startSshAgent(join(target!.dir, 'client_ed25519'));
    // No passphrase question: the agent's key gets in before the encrypted IdentityFile is reached.
    const viaEnv = tab();
    const opened = await method({ SSH_AUTH_SOCK: agent.socket }).open(
      recordFor({ sshHost: 'inner-direct' }),
      viaEnv.context,
      {} as never,
    );
    await opened.session.close();
    expect(viaEnv.authPrompts).toEqual([]);
    expect(await target!.readLog()).toMatch(/Accepted publickey/);

    // The config's IdentityAgent (~/agent.sock) is a link to the same agent; the environment names none.
    await run('ln', ['-sf', agent.socket, join(home, 'agent.sock')]);
    const viaConfig = tab();
    const second = await method({}).open(recordFor({ sshHost: 'inner-agent' }), viaConfig.context, {} as never);
    await second.session.close();
    expect(viaConfig.authPrompts).toEqual([]);
  });
});

describe.skipIf(skip)('ProxyCommand runs only for a record that allows it', () => {
  it('refuses to run it by default, saying how to allow it', async () => {
    const asked = tab();
    await expect(method().open(recordFor({ sshHost: 'proxied' }), asked.context, {} as never)).rejects.toThrow(
      /gives proxied a ProxyCommand \(~\/\.ssh\/config:\d+\), which runs a program: Podterm runs it only when the record allows it/,
    );
    expect(asked.hostKeyPrompts).toEqual([]);
  });

  it('with the record ticked, speaks SSH over the command to the target', async () => {
    const asked = tab();
    const opened = await method().open(
      recordFor({ sshHost: 'proxied', sshAllowProxyCommand: true }),
      asked.context,
      {} as never,
    );
    try {
      expect(asked.hostKeyPrompts.map((prompt) => [prompt.host, prompt.port])).toEqual([
        [TARGET_ADDRESS, target!.port],
      ]);
      await runOn(opened.session, /route:127\.0\.0\.1 \d+ 127\.0\.0\.2 \d+:end/);
      expect(asked.steps().some((step) => step.label.startsWith('running ProxyCommand'))).toBe(true);
    } finally {
      await opened.session.close();
    }
  });
});

describe.skipIf(skip)('the plan against ssh -G for the same config', () => {
  it('every effective setting of each alias is what ssh -G prints', async () => {
    for (const host of ['inner-box', 'inner-direct', 'inner-agent', 'bastion-a', 'proxied']) {
      const { stdout } = await run('ssh', ['-G', '-F', configPath, host]);
      const printed = new Map<string, string[]>();
      for (const line of stdout.split('\n')) {
        const [keyword, ...rest] = line.split(' ');
        if (keyword) printed.set(keyword, [...(printed.get(keyword) ?? []), rest.join(' ')]);
      }
      // ssh resolves ~ from the password database: the same home for this comparison (nothing is read from it).
      const realHome = userInfo().homedir;
      const plan = planSsh(
        { sshHost: host, sshUser: null, sshPort: 22 },
        { home: realHome, env: {}, configFiles: [configPath] },
      );
      const t = plan.target;
      const ours: Record<string, string[]> = {
        hostname: [t.hostName.value],
        user: [t.user.value],
        port: [String(t.port.value)],
        identityfile: t.identityFiles.map((file) => file.value),
        serveraliveinterval: [String(t.serverAliveInterval.value)],
        stricthostkeychecking: [t.strictHostKeyChecking.value === 'ask' ? 'ask' : t.strictHostKeyChecking.value],
        userknownhostsfile: [t.userKnownHostsFiles.value.join(' ')],
      };
      if (t.proxyJump.value) ours.proxyjump = [t.proxyJump.value];
      if (t.proxyCommand.value) ours.proxycommand = [t.proxyCommand.value];
      if (t.identityAgent.source.from === 'config') ours.identityagent = [t.identityAgent.value ?? 'none'];
      const theirs = Object.fromEntries(
        Object.keys(ours).map((keyword) => [
          keyword,
          (printed.get(keyword) ?? []).map((value) =>
            value.startsWith('~/') ? join(realHome, value.slice(2)) : value,
          ),
        ]),
      );
      expect({ host, ...theirs }).toEqual({ host, ...ours });
    }
  });
});
