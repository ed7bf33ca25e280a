/**
 * Exec credential plugins run by Podterm: real shell-script plugins in a temp dir that print an ExecCredential and
 * count their runs in a file. Covers lookup on the login PATH, "not found" with the PATH and installHint, the
 * environment and KUBERNETES_EXEC_INFO the plugin gets, caching per kubeconfig source (not per user name) until
 * expiry, certificates, and the failures people hit.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecCredentialCache, findExecutable } from '../../../../main/core/kube/access/execPlugins';
import type { KubeUser } from '../../../../main/core/kube/access/kubeconfigFiles';
import { createAccessResolver } from '../../../../main/core/kube/access/resolve';
import type { AccessResolution, ResolvedAccess } from '../../../../main/core/kube/access/types';
import { cleanup, environment, podRecord, put, tempDir } from './helpers';

const V1 = 'client.authentication.k8s.io/v1';
/** Generous for a shell script on a loaded CI box; the timeout test sets its own short one. */
const PLUGIN_TIMEOUT_MS = 10_000;

let dir: string;
beforeEach(async () => {
  dir = await tempDir('podterm-exec-');
});
afterEach(async () => {
  await cleanup(dir);
});

interface PluginOptions {
  /** The token prefix; the run number is appended ("alpha-1", "alpha-2"). */
  token?: string;
  /** Print a client certificate and key instead of a token. */
  cert?: boolean;
  expirationTimestamp?: string;
  apiVersion?: string;
  /** Exit with this code after printing this to stderr. */
  fail?: { code: number; stderr: string };
  sleepSeconds?: number;
  raw?: string;
}

/**
 * Writes an executable plugin script; it counts its runs in `<file>.count`, saves its KUBERNETES_EXEC_INFO and a few
 * environment variables in `<file>.seen`, and prints an ExecCredential.
 */
async function plugin(
  file: string,
  options: PluginOptions = {},
): Promise<{ file: string; runs: () => Promise<number>; seen: () => Promise<string> }> {
  const status = options.cert
    ? `"clientCertificateData":"CERT-$n","clientKeyData":"KEY-$n"`
    : `"token":"${options.token ?? 'tok'}-$n"`;
  const expiry = options.expirationTimestamp ? `,"expirationTimestamp":"${options.expirationTimestamp}"` : '';
  const output =
    options.raw ?? `{"apiVersion":"${options.apiVersion ?? V1}","kind":"ExecCredential","status":{${status}${expiry}}}`;
  const script = [
    '#!/bin/sh',
    `count="${file}.count"`,
    'n=$(cat "$count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$count"',
    `printf '%s\\n%s\\n%s\\n%s\\n' "$KUBERNETES_EXEC_INFO" "PLUGIN_SETTING=$PLUGIN_SETTING" "LOGIN_ONLY=$LOGIN_ONLY" "ARGS=$*" > "${file}.seen"`,
    options.sleepSeconds ? `sleep ${options.sleepSeconds}` : '',
    options.fail ? `echo '${options.fail.stderr}' >&2; exit ${options.fail.code}` : '',
    `cat <<EOF\n${output}\nEOF`,
  ].join('\n');
  await put(file, `${script}\n`, { executable: true });
  return {
    file,
    runs: async () => Number((await readFile(`${file}.count`, 'utf8').catch(() => '0')).trim()),
    seen: () => readFile(`${file}.seen`, 'utf8'),
  };
}

function execUser(name: string, exec: Record<string, unknown>): KubeUser {
  return { name, exec: { apiVersion: V1, ...exec } };
}

const CLUSTER: Cluster = { name: 'c', server: 'https://k.example:6443', skipTLSVerify: false, caData: 'Q0EgUEVN' };

function options(loginEnv: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin' }, sourceIdentity = 'files:/k') {
  return { sourceIdentity, sourceLabel: '~/.kube/config', loginEnv, timeoutMs: PLUGIN_TIMEOUT_MS };
}

describe('ExecCredentialCache', () => {
  it('runs the plugin with the login env, exec env, args and KUBERNETES_EXEC_INFO, then caches the credential', async () => {
    const p = await plugin(join(dir, 'plugin'), { token: 'alpha' });
    const cache = new ExecCredentialCache();
    const user = execUser('admin', {
      command: p.file,
      args: ['eks', 'get-token'],
      env: [{ name: 'PLUGIN_SETTING', value: 'from-kubeconfig' }],
      interactiveMode: 'Never',
    });
    const loginEnv = { PATH: '/usr/bin:/bin', LOGIN_ONLY: 'from-login-shell' };
    const first = await cache.get(user, CLUSTER, options(loginEnv));
    expect(first).toEqual({ token: 'alpha-1', clientCertificateData: null, clientKeyData: null, expiresAt: null });
    const [execInfo, ...rest] = (await p.seen()).trim().split('\n');
    expect(JSON.parse(execInfo!)).toEqual({ apiVersion: V1, kind: 'ExecCredential', spec: { interactive: false } });
    expect(rest).toEqual(['PLUGIN_SETTING=from-kubeconfig', 'LOGIN_ONLY=from-login-shell', 'ARGS=eks get-token']);

    expect((await cache.get(user, CLUSTER, options(loginEnv))).token).toBe('alpha-1');
    expect(await p.runs()).toBe(1);
  });

  it('gives the plugin the cluster when provideClusterInfo is set', async () => {
    const p = await plugin(join(dir, 'plugin'));
    await new ExecCredentialCache().get(
      execUser('admin', { command: p.file, provideClusterInfo: true }),
      { ...CLUSTER, tlsServerName: 'kubernetes' },
      options(),
    );
    const execInfo = JSON.parse((await p.seen()).split('\n')[0]!) as { spec: unknown };
    expect(execInfo.spec).toEqual({
      interactive: false,
      cluster: {
        server: 'https://k.example:6443',
        'tls-server-name': 'kubernetes',
        'certificate-authority-data': 'Q0EgUEVN',
      },
    });
  });

  it('caches per kubeconfig source: the same user name with different plugins gets different tokens', async () => {
    const alpha = await plugin(join(dir, 'alpha'), { token: 'alpha' });
    const beta = await plugin(join(dir, 'beta'), { token: 'beta' });
    const cache = new ExecCredentialCache();
    const fromA = await cache.get(execUser('admin', { command: alpha.file }), CLUSTER, options(undefined, 'files:/a'));
    const fromB = await cache.get(execUser('admin', { command: beta.file }), CLUSTER, options(undefined, 'record:b'));
    expect(fromA.token).toBe('alpha-1');
    expect(fromB.token).toBe('beta-1');
    // Even the same plugin is run once per source: what it answers may depend on the kubeconfig around it.
    const again = await cache.get(execUser('admin', { command: alpha.file }), CLUSTER, options(undefined, 'record:c'));
    expect(again.token).toBe('alpha-2');
    expect(
      (await cache.get(execUser('admin', { command: alpha.file }), CLUSTER, options(undefined, 'files:/a'))).token,
    ).toBe('alpha-1');
  });

  it('runs the plugin again when the credential is about to expire', async () => {
    const expiry = '2030-01-01T00:00:00Z';
    const p = await plugin(join(dir, 'plugin'), { token: 'exp', expirationTimestamp: expiry });
    let now = Date.parse(expiry) - 10 * 60_000;
    const cache = new ExecCredentialCache(() => now);
    const user = execUser('admin', { command: p.file });
    expect(await cache.get(user, CLUSTER, options())).toMatchObject({ token: 'exp-1', expiresAt: Date.parse(expiry) });
    now += 5 * 60_000;
    expect((await cache.get(user, CLUSTER, options())).token).toBe('exp-1');
    now = Date.parse(expiry) - 1_000;
    expect((await cache.get(user, CLUSTER, options())).token).toBe('exp-2');
  });

  it('shares one run between concurrent requests', async () => {
    const p = await plugin(join(dir, 'plugin'), { sleepSeconds: 0.3 });
    const cache = new ExecCredentialCache();
    const user = execUser('admin', { command: p.file });
    const results = await Promise.all([1, 2, 3].map(() => cache.get(user, CLUSTER, options())));
    expect(results.map((result) => result.token)).toEqual(['tok-1', 'tok-1', 'tok-1']);
    expect(await p.runs()).toBe(1);
  });

  it('looks a bare command up on the login shell PATH, not the app PATH', async () => {
    const bin = join(dir, 'login-bin');
    await plugin(join(bin, 'podterm-test-auth'), { token: 'found' });
    const user = execUser('admin', { command: 'podterm-test-auth' });
    const credential = await new ExecCredentialCache().get(
      user,
      CLUSTER,
      options({ PATH: `/nonexistent:${bin}:/usr/bin:/bin` }),
    );
    expect(credential.token).toBe('found-1');
  });

  it('says which binary was not found, on which PATH, with the kubeconfig installHint', async () => {
    // A name no machine has (the real gke-gcloud-auth-plugin may well be installed where the tests run).
    const user = execUser('gke-user', {
      command: 'podterm-missing-auth-plugin',
      installHint: 'Install it with: gcloud components install podterm-missing-auth-plugin',
    });
    await expect(new ExecCredentialCache().get(user, CLUSTER, options({ PATH: '/usr/bin:/bin' }))).rejects.toThrow(
      `the exec credential plugin "podterm-missing-auth-plugin" of user "gke-user" in ~/.kube/config was not found on PATH /usr/bin:/bin. Install it, or put its absolute path in the kubeconfig (users[].user.exec.command). The kubeconfig's install hint: Install it with: gcloud components install podterm-missing-auth-plugin`,
    );
    const byPath = execUser('u', { command: join(dir, 'missing-plugin') });
    await expect(new ExecCredentialCache().get(byPath, CLUSTER, options())).rejects.toThrow(
      `the exec credential plugin "${join(dir, 'missing-plugin')}" of user "u" in ~/.kube/config was not found.`,
    );
  });

  it('inlines a client certificate and key', async () => {
    const p = await plugin(join(dir, 'plugin'), { cert: true });
    const credential = await new ExecCredentialCache().get(execUser('admin', { command: p.file }), CLUSTER, options());
    expect(credential).toMatchObject({ token: null, clientCertificateData: 'CERT-1', clientKeyData: 'KEY-1' });
  });

  it('reports a failing plugin with its stderr, and runs it again next time', async () => {
    const failing = await plugin(join(dir, 'plugin'), {
      fail: { code: 3, stderr: 'token expired, run aws sso login' },
    });
    const cache = new ExecCredentialCache();
    const user = execUser('admin', { command: failing.file });
    await expect(cache.get(user, CLUSTER, options())).rejects.toThrow(
      `the exec credential plugin "${failing.file}" of user "admin" in ~/.kube/config failed (exit code 3): token expired, run aws sso login. Run it in a terminal to see why (often: log in again).`,
    );
    await plugin(failing.file, { token: 'fixed' });
    expect((await cache.get(user, CLUSTER, options())).token).toBe('fixed-2');
  });

  it('gives up on a plugin that does not answer in time', async () => {
    const p = await plugin(join(dir, 'plugin'), { sleepSeconds: 5 });
    const started = Date.now();
    await expect(
      new ExecCredentialCache().get(execUser('admin', { command: p.file }), CLUSTER, { ...options(), timeoutMs: 300 }),
    ).rejects.toThrow(/did not answer within 0.3 s.*run kubectl once in a terminal to log in/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('refuses output that is not a usable ExecCredential, and configurations it cannot honour', async () => {
    const cache = new ExecCredentialCache();
    const notJson = await plugin(join(dir, 'not-json'), { raw: 'Please log in at https://example' });
    await expect(cache.get(execUser('a', { command: notJson.file }), CLUSTER, options())).rejects.toThrow(
      /printed something that is not an ExecCredential \(not JSON\)/,
    );
    const wrongVersion = await plugin(join(dir, 'wrong-version'), {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
    });
    await expect(cache.get(execUser('b', { command: wrongVersion.file }), CLUSTER, options())).rejects.toThrow(
      /answered with apiVersion "client.authentication.k8s.io\/v1beta1", but the kubeconfig asks for "client.authentication.k8s.io\/v1"/,
    );
    const empty = await plugin(join(dir, 'empty'), {
      raw: `{"apiVersion":"${V1}","kind":"ExecCredential","status":{}}`,
    });
    await expect(cache.get(execUser('c', { command: empty.file }), CLUSTER, options())).rejects.toThrow(
      /gave neither a token nor a client certificate and key/,
    );
    await expect(
      cache.get(execUser('d', { command: empty.file, interactiveMode: 'Always' }), CLUSTER, options()),
    ).rejects.toThrow(/needs an interactive terminal \(interactiveMode: Always\)/);
    await expect(
      cache.get(
        { name: 'e', exec: { apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' } },
        CLUSTER,
        options(),
      ),
    ).rejects.toThrow(/uses apiVersion "client.authentication.k8s.io\/v1alpha1"; Podterm speaks/);
  });
});

describe('findExecutable', () => {
  it('finds executables on a PATH and ignores non-executable files and directories', async () => {
    await put(join(dir, 'a', 'tool'), 'not executable');
    await put(join(dir, 'b', 'tool', 'inside'), 'a directory named tool');
    await put(join(dir, 'c', 'tool'), '#!/bin/sh\n', { executable: true });
    const path = [join(dir, 'a'), '', join(dir, 'b'), join(dir, 'c')].join(':');
    expect(await findExecutable('tool', path, 'linux')).toBe(join(dir, 'c', 'tool'));
    expect(await findExecutable('tool', join(dir, 'a'), 'linux')).toBeNull();
    expect(await findExecutable('tool', undefined, 'linux')).toBeNull();
  });
});

describe('exec plugins through the resolver', () => {
  const kubeconfig = (command: string, extra = '') => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: "https://k.example:6443" }
users:
- name: admin
  user:
    exec:
      apiVersion: ${V1}
      command: ${command}
      interactiveMode: IfAvailable${extra}
contexts:
- name: ctx
  context: { cluster: c, user: admin }
current-context: ctx
`;
  const accessOf = (resolution: AccessResolution): ResolvedAccess => {
    if ('skip' in resolution) throw new Error(resolution.skip);
    return resolution.access;
  };

  it('replaces the exec user with the inline token, keeping the exec stanza in the stored text', async () => {
    const home = join(dir, 'home');
    // A command with a path separator is relative to the kubeconfig's directory, as in kubectl.
    const p = await plugin(join(home, '.kube', 'bin', 'auth'), { token: 'default' });
    await put(join(home, '.kube', 'config'), kubeconfig('./bin/auth'));
    const resolver = createAccessResolver(environment(home), { execTimeoutMs: PLUGIN_TIMEOUT_MS });
    const access = accessOf(await resolver.resolve('defaultKubeconfig', podRecord()));
    const user = access.kubeConfig.getCurrentUser()!;
    expect(user.token).toBe('default-1');
    expect(user.exec).toBeUndefined();
    expect(access.token).toBeNull();
    expect(access.kubeconfigText).toContain(`command: ${p.file}`);
    expect(access.kubeconfigText).not.toContain('default-1');
    accessOf(await resolver.resolve('defaultKubeconfig', podRecord()));
    expect(await p.runs()).toBe(1);
  });

  it("keeps the default kubeconfig's and the record's kubeconfig's credentials apart for the same user name", async () => {
    const home = join(dir, 'home');
    const mine = await plugin(join(dir, 'default-plugin'), { token: 'default' });
    const theirs = await plugin(join(dir, 'record-plugin'), { token: 'record' });
    await put(join(home, '.kube', 'config'), kubeconfig(mine.file));
    const resolver = createAccessResolver(environment(home), { execTimeoutMs: PLUGIN_TIMEOUT_MS });
    const record = podRecord({}, { kubeconfig: kubeconfig(theirs.file) });
    const fromDefault = accessOf(await resolver.resolve('defaultKubeconfig', record));
    const fromRecord = accessOf(await resolver.resolve('podKubeconfig', record));
    expect(fromDefault.kubeConfig.getCurrentUser()!.token).toBe('default-1');
    expect(fromRecord.kubeConfig.getCurrentUser()!.token).toBe('record-1');
  });

  it("refuses a relative plugin path in the record's kubeconfig, which has no directory", async () => {
    const resolver = createAccessResolver(environment(join(dir, 'home')));
    const record = podRecord({}, { kubeconfig: kubeconfig('./bin/auth') });
    await expect(resolver.resolve('podKubeconfig', record)).rejects.toThrow(
      `the exec plugin command "./bin/auth" of user "admin" in the record's kubeconfig is a relative path, which has no directory to resolve against. Use an absolute path, or a command name that is on PATH.`,
    );
  });

  it('fails the method with the not-found message when the plugin is missing from the login PATH', async () => {
    const home = join(dir, 'home');
    await put(
      join(home, '.kube', 'config'),
      kubeconfig('podterm-missing-kubelogin', '\n      installHint: brew install podterm-missing-kubelogin'),
    );
    const resolver = createAccessResolver(environment(home, { loginEnv: async () => ({ PATH: '/usr/bin' }) }));
    await expect(resolver.resolve('defaultKubeconfig', podRecord())).rejects.toThrow(
      `the exec credential plugin "podterm-missing-kubelogin" of user "admin" in ~/.kube/config was not found on PATH /usr/bin. Install it, or put its absolute path in the kubeconfig (users[].user.exec.command). The kubeconfig's install hint: brew install podterm-missing-kubelogin`,
    );
  });
});
