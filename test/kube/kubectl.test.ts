/**
 * The real kubectl against the test API server: if kubectl is happy, the server is faithful enough to test Podterm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { createKubectlHarness, kubectlMissingReason, type KubectlHarness } from './kubectl';

const missing = await kubectlMissingReason();
if (missing) console.warn(`kubectl tests skipped: ${missing}`);

describe.skipIf(missing !== null)('kubectl against the test API server', () => {
  let server: KubeApiServer | null = null;
  let kubectl: KubectlHarness;

  beforeAll(async () => {
    server = await startKubeApiServer();
    if (server) kubectl = await createKubectlHarness(server);
  });
  afterAll(async () => {
    await kubectl?.cleanup();
    await server?.stop();
  });

  it('exec runs the command, passes stdout and reports the exit code', async (context) => {
    if (!server) return context.skip();
    const result = await kubectl.run('token', ['exec', 'shell-pod', '--', 'sh', '-c', 'echo hi; exit 3']);
    expect(result.stdout).toBe('hi\n');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('command terminated with exit code 3');
  });
});
