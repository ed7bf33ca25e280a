/**
 * The real kubectl against the test API server: if kubectl is happy (and unhappy in the same words as with a real
 * cluster), the server is faithful enough to test Podterm against.
 */
import pty from '@lydell/node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { createKubectlHarness, KUBECTL, kubectlMissingReason, type KubectlHarness } from './kubectl';
import { waitFor } from '../harness/wait';

const missing = await kubectlMissingReason();
if (missing) console.warn(`kubectl tests skipped: ${missing}`);

/** The interactive session's terminal sizes: distinct from each other and from the server PTY's 80x24 start. */
const FIRST_SIZE = { cols: 100, rows: 30 };
const SECOND_SIZE = { cols: 120, rows: 40 };

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

  it('walks discovery on a cold cache, then exec runs the command, passes stdout and reports the exit code', async (context) => {
    if (!server) return context.skip();
    const result = await kubectl.run('token', ['exec', 'shell-pod', '--', 'sh', '-c', 'echo hi; exit 3']);
    expect(result.stdout).toBe('hi\n');
    expect(result.stderr).toContain('command terminated with exit code 3');
    expect(result.code).toBe(3);
    const paths = server.requests.map((request) => request.path.split('?')[0]);
    expect(paths).toEqual(expect.arrayContaining(['/version', '/api', '/apis', '/api/v1']));
    const exec = server.execRequests.at(-1);
    expect(exec).toMatchObject({
      namespace: 'default',
      pod: 'shell-pod',
      container: 'main',
      command: ['sh', '-c', 'echo hi; exit 3'],
      // kubectl 1.32 offers only v5.
      protocol: 'v5.channel.k8s.io',
      user: 'token-user',
      tty: false,
    });
  });

  it('get pods lists the fixture pods of the namespace (server-side Table printing)', async (context) => {
    if (!server) return context.skip();
    const result = await kubectl.run('token', ['get', 'pods']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3))).toEqual([
      ['shell-pod', '1/1', 'Running'],
      ['multi', '2/2', 'Running'],
      ['finished', '0/1', 'Completed'],
      ['distroless', '1/1', 'Running'],
    ]);
    const all = await kubectl.run('token', ['get', 'pods', '-A']);
    expect(all.stdout).toMatch(/^prod\s+api-0\s+1\/1\s+Running/m);
    const missingPod = await kubectl.run('token', ['get', 'pod', 'nope']);
    expect(missingPod.stderr).toContain('Error from server (NotFound): pods "nope" not found');
  });

  it('uses the default-container annotation, and reports an unknown container in the API server words', async (context) => {
    if (!server) return context.skip();
    const defaulted = await kubectl.run('token', ['exec', 'multi', '--', 'true']);
    expect(defaulted.code).toBe(0);
    expect(server.execRequests.at(-1)?.container).toBe('sidecar');

    const before = server.requests.length;
    const result = await kubectl.run('token', ['exec', '-c', 'nope', 'multi', '--', 'true']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('container nope is not valid for pod multi');
    // The refused WebSocket upgrade makes kubectl retry over SPDY, which must fail the same way.
    const methods = server.requests.slice(before).filter((request) => request.path.includes('/exec'));
    expect(methods.map((request) => `${request.method} ${request.code}`)).toEqual(['GET 400', 'POST 400']);
  });

  it('refuses a completed pod and reports a missing shell like a real runtime', async (context) => {
    if (!server) return context.skip();
    const finished = await kubectl.run('token', ['exec', 'finished', '--', 'true']);
    expect(finished.stderr).toContain('cannot exec into a container in a completed pod; current phase is Succeeded');
    const distroless = await kubectl.run('token', ['exec', 'distroless', '--', 'sh']);
    expect(distroless.code).toBe(1);
    expect(distroless.stderr).toMatch(
      /^error: Internal error occurred: .*exec: "sh": executable file not found in \$PATH: unknown$/m,
    );
  });

  it('says "You must be logged in" for a bad token and forbids exec to forbidden-user', async (context) => {
    if (!server) return context.skip();
    const bad = await kubectl.run('badToken', ['get', 'pods']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('You must be logged in to the server (Unauthorized)');

    const canList = await kubectl.run('forbidden', ['get', 'pods']);
    expect(canList.code).toBe(0);
    expect(canList.stdout).toContain('shell-pod');
    const cannotExec = await kubectl.run('forbidden', ['exec', 'shell-pod', '--', 'true']);
    expect(cannotExec.code).toBe(1);
    expect(cannotExec.stderr).toContain(
      'Error from server (Forbidden): pods "shell-pod" is forbidden: User "forbidden-user" cannot create resource ' +
        '"pods/exec" in API group "" in the namespace "default"',
    );
  });

  it('authenticates a client-certificate user', async (context) => {
    if (!server) return context.skip();
    const result = await kubectl.run('cert', ['exec', 'shell-pod', '--', 'sh', '-c', 'echo cert-ok']);
    expect(result).toMatchObject({ code: 0, stdout: 'cert-ok\n' });
    expect(server.execRequests.at(-1)?.user).toBe('cert-user');
  });

  it('runs an interactive shell on a real PTY and applies kubectl resizes to it', async (context) => {
    if (!server) return context.skip();
    const api = server;
    const config = await kubectl.configFor('token');
    const execsBefore = api.execRequests.length;
    const term = pty.spawn(KUBECTL, ['--kubeconfig', config, 'exec', '-it', 'shell-pod', '--', 'sh'], {
      ...FIRST_SIZE,
      cwd: kubectl.home,
      env: { ...kubectl.env, TERM: 'xterm-256color' },
    });
    let output = '';
    term.onData((data) => (output += data));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const sizeApplied = (size: { cols: number; rows: number }) =>
      api.resizes.some(
        (resize) => resize.exec === execsBefore && resize.width === size.cols && resize.height === size.rows,
      );
    try {
      // kubectl sends the terminal's size as soon as the stream is up; wait for it so `stty size` cannot race it.
      await waitFor('kubectl to send its first resize', () => sizeApplied(FIRST_SIZE));
      // Typed before the prompt, the echo and the prompt interleave; wait for the shell each time.
      const prompt = () =>
        waitFor(
          'the shell prompt',
          () => /[#$] $/.test(output),
          () => output,
        );
      await prompt();
      term.write('stty size\r');
      await waitFor(
        'stty to print 30 100',
        () => /^30 100\r?$/m.test(output),
        () => output,
      );
      term.resize(SECOND_SIZE.cols, SECOND_SIZE.rows);
      await waitFor('kubectl to forward the resize', () => sizeApplied(SECOND_SIZE));
      await prompt();
      term.write('stty size\r');
      await waitFor(
        'stty to print 40 120',
        () => /^40 120\r?$/m.test(output),
        () => output,
      );
      term.write('exit\r');
      expect(await exited).toBe(0);
      const exec = api.execRequests[execsBefore];
      expect(exec).toMatchObject({ tty: true, stdin: true, command: ['sh'], protocol: 'v5.channel.k8s.io' });
      expect((await exec?.finished)?.status).toEqual({ metadata: {}, status: 'Success' });
    } finally {
      term.kill('SIGKILL');
    }
  });
});
