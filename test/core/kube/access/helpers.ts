/**
 * Shared by the access tests: throwaway directories, pod records shaped the way the store returns them, and an
 * AccessEnvironment pointing at a fake home.
 */
import { mkdtemp, rm, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { podFieldsSchema, type PodFieldsInput } from '../../../../common/pods';
import type { AccessEnvironment } from '../../../../main/core/kube/access/types';
import type { PodConnectRecord } from '../../../../main/core/store/types';

/** A fresh temporary directory; remove it with cleanup(). */
export async function tempDir(prefix = 'podterm-access-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function cleanup(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes a file, creating its directory; mode 0755 for scripts. */
export async function put(file: string, text: string, options: { executable?: boolean } = {}): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  if (options.executable) await chmod(file, 0o755);
  return file;
}

/** A record as getForConnect returns it: fields through the form's schema (defaults applied), secrets given. */
export function podRecord(
  fields: Partial<PodFieldsInput> = {},
  secrets: Partial<PodConnectRecord['secrets']> = {},
  id = '00000000-0000-4000-8000-000000000001',
): PodConnectRecord {
  return {
    id,
    ...podFieldsSchema.parse({ name: 'test pod', podName: 'shell-pod', ...fields }),
    secrets: {
      kubeconfig: null,
      token: null,
      sshPassword: null,
      sshPrivateKey: null,
      sshPassphrase: null,
      ...secrets,
    },
  };
}

/** An environment with nothing configured: empty env, the given home, no service account, login env = env. */
export function environment(home: string, overrides: Partial<AccessEnvironment> = {}): AccessEnvironment {
  const env = overrides.env ?? {};
  return {
    env,
    homeDir: home,
    serviceAccountDir: join(home, 'no-service-account'),
    loginEnv: async () => env,
    ...overrides,
  };
}
