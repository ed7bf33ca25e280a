/**
 * The real kubectl's `debug -it` and `attach -it` against the test API server: the ephemeralcontainers subresource, the
 * pod watch kubectl waits on, and attach to the container's process. If kubectl is content (and refused in the words it
 * uses against a real cluster), the server is faithful enough to test Podterm's debug containers against.
 */
import pty, { type IPty } from '@lydell/node-pty';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, targetCommandLine, type KubeApiServer } from '../harness/kubeApiServer';
import { createKubectlHarness, KUBECTL, kubectlMissingReason, type KubectlHarness } from './kubectl';
import { waitFor } from '../harness/wait';

const missing = await kubectlMissingReason();
if (missing) console.warn(`kubectl debug tests skipped: ${missing}`);

/** kubectl's line after it attached; what the container printed before is not replayed, hence its advice. */
const ATTACHED_HINT = "If you don't see a command prompt, try pressing enter.";
/** A shell prompt at the end of what the terminal shows. */
const PROMPT_AT_END = /[#$] $/;

describe.skipIf(missing !== null)('kubectl debug and attach against the test API server', () => {
  let server: KubeApiServer | null = null;
  let kubectl: KubectlHarness;
  const terms: IPty[] = [];

  beforeAll(async () => {
    server = await startKubeApiServer();
    if (server) kubectl = await createKubectlHarness(server);
  });
  afterEach(() => {
    for (const term of terms.splice(0)) term.kill('SIGKILL');
    if (server) server.debugContainers.controls.refuse = null;
  });
  afterAll(async () => {
    await kubectl?.cleanup();
    await server?.stop();
  });

  /** kubectl in a real terminal, with what it shows collected. */
  async function interactive(args: string[]) {
    const config = await kubectl.configFor('token');
    const term = pty.spawn(KUBECTL, ['--kubeconfig', config, ...args], {
      cols: 100,
      rows: 30,
      cwd: kubectl.home,
      env: { ...kubectl.env, TERM: 'xterm-256color' },
    });
    terms.push(term);
    const seen = { output: '' };
    term.onData((data) => (seen.output += data));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const waitForText = (what: string, test: (output: string) => boolean) =>
      waitFor(
        what,
        () => test(seen.output),
        () => seen.output,
      );
    return { term, seen, exited, waitForText };
  }

  it('debug -it adds an ephemeral container aimed at the target, waits for it and attaches a shell that sees the target process', async (context) => {
    if (!server) return context.skip();
    const api = server;
    const session = await interactive(['debug', '-it', 'distroless', '--image=busybox', '--target=app']);
    await session.waitForText('kubectl to attach', (output) => output.includes(ATTACHED_HINT));
    session.term.write('\r');
    await session.waitForText('the debug shell prompt', (output) => PROMPT_AT_END.test(output));
    session.term.write('ps -eo pid,args\r');
    const target = targetCommandLine('distroless', 'app');
    await session.waitForText("the target container's process in ps", (output) => output.includes(target));
    const isolated = (await api.debugContainers.targetOf('default', 'distroless', 'app'))?.isolated;
    // In its own PID namespace (root here, as on CI), the target's main process is PID 1, as on a node.
    if (isolated) expect(session.seen.output).toMatch(new RegExp(`^\\s*1 ${target}`, 'm'));

    // What kubectl sent: a strategic merge patch of the subresource with the container, then an attach to it.
    const patch = api.debugContainers.requests.at(-1);
    expect(patch).toMatchObject({
      method: 'PATCH',
      contentType: 'application/strategic-merge-patch+json',
      code: 200,
      body: {
        spec: { ephemeralContainers: [{ image: 'busybox', targetContainerName: 'app', stdin: true, tty: true }] },
      },
    });
    const name = (patch?.body as { spec: { ephemeralContainers: Array<{ name: string }> } }).spec
      .ephemeralContainers[0]!.name;
    expect(api.debugContainers.attachRequests.at(-1)).toMatchObject({
      pod: 'distroless',
      container: name,
      stdin: true,
      tty: true,
      protocol: 'v5.channel.k8s.io',
    });
    // It waited through the pod watch, so the container was running when it attached.
    expect(api.requests.some((request) => /\/pods\?.*watch=true/.test(request.path))).toBe(true);
    const get = await kubectl.run('token', ['get', 'pod', 'distroless', '-o', 'json']);
    const pod = JSON.parse(get.stdout) as {
      spec: { ephemeralContainers: Array<{ name: string }> };
      status: { ephemeralContainerStatuses: Array<{ name: string; state: { running?: object } }> };
    };
    expect(pod.spec.ephemeralContainers.map((container) => container.name)).toContain(name);
    expect(pod.status.ephemeralContainerStatuses.find((status) => status.name === name)?.state.running).toBeDefined();

    // Leaving kubectl does not end the container: attach -it joins the same shell, whose exit ends it.
    session.term.write('echo shell-$$\r');
    await session.waitForText('the shell pid', (output) => /shell-\d+/.test(output));
    const shellPid = /shell-(\d+)/.exec(session.seen.output)?.[1];
    session.term.kill('SIGKILL');
    await session.exited;

    const attach = await interactive(['attach', '-it', 'distroless', '-c', name]);
    await attach.waitForText('kubectl attach to connect', (output) => output.includes(ATTACHED_HINT));
    attach.term.write('\r');
    await attach.waitForText('the prompt again', (output) => PROMPT_AT_END.test(output));
    attach.term.write('echo again-$$\r');
    await attach.waitForText('the same shell', (output) => new RegExp(`again-${shellPid}\\r?$`, 'm').test(output));
    attach.term.write('exit\r');
    expect(await attach.exited).toBe(0);
    await waitFor('the container to be reported terminated', () =>
      Boolean(
        api.debugContainers.processOf('default', 'distroless', name) &&
        !api.debugContainers.processOf('default', 'distroless', name)!.running,
      ),
    );
    const after = await kubectl.run('token', ['get', 'pod', 'distroless', '-o', 'json']);
    const ended = (JSON.parse(after.stdout) as typeof pod).status.ephemeralContainerStatuses.find(
      (status) => status.name === name,
    );
    expect(ended?.state).toMatchObject({ terminated: { exitCode: 0, reason: 'Completed' } });
  });

  it('says RBAC forbids patching pods/ephemeralcontainers in the API server words', async (context) => {
    if (!server) return context.skip();
    server.debugContainers.controls.refuse = 'forbidden';
    const result = await kubectl.run('token', ['debug', 'distroless', '--image=busybox', '--target=app']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Error from server (Forbidden): pods "distroless" is forbidden: User "token-user" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "default"',
    );
  });

  it('tells an old cluster without the subresource from a missing pod, as kubectl does', async (context) => {
    if (!server) return context.skip();
    server.debugContainers.controls.refuse = 'absent';
    const result = await kubectl.run('token', ['debug', 'distroless', '--image=busybox', '--target=app']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ephemeral containers are disabled for this cluster');
    server.debugContainers.controls.refuse = null;
    const missingPod = await kubectl.run('token', ['debug', 'nope', '--image=busybox']);
    expect(missingPod.stderr).toContain('pods "nope" not found');
  });

  it('shows the pull failure while waiting for a container whose image cannot be pulled', async (context) => {
    if (!server) return context.skip();
    server.debugContainers.controls.unpullableImages.add('registry.invalid/nope');
    const session = await interactive(['debug', '-it', 'shell-pod', '--image=registry.invalid/nope', '--target=main']);
    // kubectl prints the waiting message of each status it sees through the watch.
    await session.waitForText('the back-off warning', (output) => output.includes('Back-off pulling image'));
    expect(session.seen.output).toContain('failed to pull and unpack image');
    expect(session.seen.output).not.toContain(ATTACHED_HINT);
  });
});
