/**
 * Runs the real kubectl against the test API server: a kubeconfig file written for one of its users, a private HOME
 * (so the discovery cache under ~/.kube/cache starts cold, as on a fresh machine) and an environment without
 * KUBECONFIG or KUBECTL_* switches (so exec uses WebSocket v5, kubectl's default).
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeApiServer } from '../harness/kubeApiServer';
import { missingPeer } from '../harness/skipReasons';

export const KUBECTL = '/usr/bin/kubectl';
/** kubectl starts in ~100 ms; an exec round trip is well under a second. 20 s means "hung", not "slow". */
const KUBECTL_TIMEOUT_MS = 20_000;

export async function kubectlMissingReason(): Promise<string | null> {
  try {
    await access(KUBECTL, fsConstants.X_OK);
    return null;
  } catch {
    return missingPeer(`${KUBECTL} is missing`);
  }
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface KubectlHarness {
  home: string;
  env: Record<string, string>;
  /** The kubeconfig path for a user, written on first use. */
  configFor(user: Parameters<KubeApiServer['kubeconfig']>[0]['user']): Promise<string>;
  run(user: Parameters<KubeApiServer['kubeconfig']>[0]['user'], args: string[]): Promise<KubectlResult>;
  cleanup(): Promise<void>;
}

export async function createKubectlHarness(server: KubeApiServer): Promise<KubectlHarness> {
  const home = await mkdtemp(join(tmpdir(), 'podterm-kubectl-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };
  const configs = new Map<string, string>();
  const configFor = async (user: Parameters<KubeApiServer['kubeconfig']>[0]['user']) => {
    let path = configs.get(user);
    if (!path) {
      path = join(home, `${user}.kubeconfig`);
      await writeFile(path, server.kubeconfig({ user }), { mode: 0o600 });
      configs.set(user, path);
    }
    return path;
  };
  return {
    home,
    env,
    configFor,
    async run(user, args) {
      const config = await configFor(user);
      const started = Date.now();
      return new Promise((resolve, reject) => {
        const child = spawn(KUBECTL, ['--kubeconfig', config, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`kubectl ${args.join(' ')} hung for ${KUBECTL_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
        }, KUBECTL_TIMEOUT_MS);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr, ms: Date.now() - started });
        });
      });
    },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}
