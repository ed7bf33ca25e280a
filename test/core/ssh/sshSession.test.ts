/**
 * openSshSession against a real OpenSSH server (test/harness/sshd.ts): every auth method, the error people see when
 * each goes wrong, and the TerminalSession behaviour (size, exit code, close, backpressure) on a real PTY.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openSshSession,
  SshConnectError,
  type SshAuth,
  type SshAuthChallenge,
  type SshSessionOptions,
} from '../../../main/core/ssh/sshSession';
import type { TerminalExit, TerminalSession } from '../../../main/core/terminal/terminalSession';
import {
  expectOpenFailure,
  expectPauseBlocksTheRemoteWriter,
  isAtPrompt,
  isRunning,
  record,
} from '../../harness/sessionRecorder';
import { eventually, sleep } from '../../harness/wait';
import { FlowControlConstants } from '../../../common/flowControl';
import { findFreePort, startSshAgent, startSshd } from '../../harness/sshd';

const sshd = await startSshd();
afterAll(async () => {
  await sshd?.stop();
});

const expectConnectError = (opening: Promise<TerminalSession>) => expectOpenFailure(opening, SshConnectError);

describe.skipIf(sshd === null)('openSshSession against a real sshd', () => {
  // Inside this block sshd is known to be running.
  const server = sshd!;
  const size = { cols: 80, rows: 24 };
  /** Trusts exactly the test server's key: the verifier is real, just not the one under test here. */
  const verifyHostKey: SshSessionOptions['verifyHostKey'] = async ({ key }) => {
    if (!key.equals(server.hostPublicKey)) throw new Error('not the test server key');
  };
  const keyAuth: SshAuth = { kind: 'privateKey', privateKey: server.clientKeyText };
  const options = (overrides: Partial<SshSessionOptions> = {}): SshSessionOptions => ({
    host: server.host,
    port: server.port,
    username: server.keyUser,
    auth: keyAuth,
    size,
    verifyHostKey,
    ...overrides,
  });
  const sessions: TerminalSession[] = [];
  const open = async (overrides: Partial<SshSessionOptions> = {}) => {
    const session = await openSshSession(options(overrides));
    sessions.push(session);
    return session;
  };
  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.close()));
  });

  it('logs in with an unencrypted private key and runs commands in a shell', async () => {
    const session = await open();
    const out = record(session);
    session.write('echo "HELLO-$((6*7)) USER:$(whoami) TERM:$TERM"\n');
    const match = await out.waitFor(/HELLO-42 USER:(\S+) TERM:(\S+)/);
    expect(match[1]).toBe(server.keyUser);
    expect(match[2]).toBe('xterm-256color');
  });

  it('logs in with a passphrase-protected key', async () => {
    const session = await open({
      auth: { kind: 'privateKey', privateKey: server.encryptedKeyText, passphrase: server.keyPassphrase },
    });
    const out = record(session);
    session.write('echo "ENC-$((1+1))"\n');
    await out.waitFor(/ENC-2/);
  });

  it('says the passphrase is wrong (without repeating it) and never dials', async () => {
    const wrong = 'not-the-passphrase-5150';
    const logBefore = (await server.readLog()).length;
    const error = await expectConnectError(
      openSshSession(options({ auth: { kind: 'privateKey', privateKey: server.encryptedKeyText, passphrase: wrong } })),
    );
    expect(error.reason).toBe('auth');
    expect(error.message).toBe(
      `SSH authentication failed for ${server.keyUser}@127.0.0.1:${server.port}: the private key passphrase is wrong or missing`,
    );
    expect(error.message).not.toContain(wrong);

    const missing = await expectConnectError(
      openSshSession(options({ auth: { kind: 'privateKey', privateKey: server.encryptedKeyText } })),
    );
    expect(missing.reason).toBe('auth');
    expect(missing.message).toContain('passphrase is wrong or missing');
    // The key is checked locally first, so the server never even saw a connection.
    expect((await server.readLog()).slice(logBefore)).not.toContain('Connection from');
  });

  it.skipIf(server.passwordUser === null)('logs in with a password', async () => {
    const user = server.passwordUser!;
    const session = await open({ username: user.name, auth: { kind: 'password', password: user.password } });
    const out = record(session);
    session.write('echo "WHO:$(whoami)"\n');
    await out.waitFor(new RegExp(`WHO:${user.name}`));
  });

  it.skipIf(server.passwordUser === null)(
    'asks for a password that is not saved, and again when it was mistyped',
    async () => {
      const user = server.passwordUser!;
      const asked: SshAuthChallenge[] = [];
      const session = await open({
        username: user.name,
        auth: { kind: 'password', password: null },
        askUser: async (challenge) => {
          asked.push(challenge);
          return asked.length === 1 ? ['mistyped-password-2'] : [user.password];
        },
      });
      const out = record(session);
      session.write('echo "WHO:$(whoami)"\n');
      await out.waitFor(new RegExp(`WHO:${user.name}`));
      expect(asked.map((challenge) => challenge.instructions)).toEqual([
        '',
        'The server did not accept that password; try again.',
      ]);
    },
  );

  it.skipIf(server.passwordUser === null)('reports a rejected password clearly, without the password', async () => {
    const user = server.passwordUser!;
    const wrong = 'wrong-password-8086';
    const error = await expectConnectError(
      openSshSession(options({ username: user.name, auth: { kind: 'password', password: wrong } })),
    );
    expect(error.reason).toBe('auth');
    expect(error.message).toMatch(
      new RegExp(
        `^SSH authentication failed for ${user.name}@127\\.0\\.0\\.1:${server.port}: the server rejected the password ` +
          '\\(methods it offers: [a-z-, ]*password[a-z-, ]*\\)$',
      ),
    );
    expect(error.message).toContain('publickey');
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(user.password);
  });

  it('logs in through an ssh-agent', async () => {
    const agent = await startSshAgent(server.clientKeyPath);
    try {
      const session = await open({ auth: { kind: 'agent', agentSocket: agent.socket } });
      const out = record(session);
      session.write('echo "AGENT-$((2*3))"\n');
      await out.waitFor(/AGENT-6/);
      await session.close();
    } finally {
      await agent.stop();
    }
  });

  it('reports an SSH agent that is not there as an auth failure', async () => {
    const error = await expectConnectError(
      openSshSession(options({ auth: { kind: 'agent', agentSocket: `${server.dir}/no-such-agent.sock` } })),
    );
    expect(error.reason).toBe('auth');
    expect(error.message).toMatch(/^SSH authentication failed for .*: the SSH agent could not be used/);
  });

  it('reports a refused port', async () => {
    const port = await findFreePort();
    const error = await expectConnectError(openSshSession(options({ port })));
    expect(error.reason).toBe('refused');
    expect(error.message).toBe(`SSH to ${server.keyUser}@127.0.0.1:${port} refused: nothing is listening on that port`);
  });

  it('opens the PTY at the requested size and follows resize()', async () => {
    const session = await open();
    const out = record(session);
    session.write('echo "SIZE1:$(stty size)"\n');
    expect((await out.waitFor(/SIZE1:(\d+ \d+)/))[1]).toBe('24 80');
    session.resize(132, 43);
    session.write('echo "SIZE2:$(stty size)"\n');
    expect((await out.waitFor(/SIZE2:(\d+ \d+)/))[1]).toBe('43 132');
  });

  it('reports the exit code when the shell exits, after the output', async () => {
    const session = await open();
    const out = record(session);
    session.write('echo BYE-NOW; exit 3\n');
    expect(await out.exited).toEqual({ code: 3, signal: null });
    expect(out.text).toContain('BYE-NOW');
    expect(out.error).toBeNull();
    // A late subscriber still learns how it ended.
    const late = await new Promise<TerminalExit>((resolve) => session.onExit(resolve));
    expect(late).toEqual({ code: 3, signal: null });
  });

  it('runs a command override under a PTY instead of the login shell', async () => {
    const session = await open({ command: 'echo "CMD-TTY:$(tty)"; exit 5' });
    const out = record(session);
    expect(await out.exited).toEqual({ code: 5, signal: null });
    expect(out.text).toMatch(/CMD-TTY:\/dev\/pts\/\d+/);
  });

  it('reports a shell killed by a signal', async () => {
    const session = await open();
    const out = record(session);
    session.write('kill -9 $$\n');
    expect(await out.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  /** Starts a background job, closes the session (three times), and sees the shell and the job end. */
  async function closeAndExpectShellAndJobToEnd(
    session: TerminalSession,
    beforeClose: (shellPid: number, jobPid: number) => Promise<unknown>,
  ) {
    const out = record(session);
    session.write('sleep 1000 & echo "PIDS:$$:$!"\n');
    const [, shellPid, sleepPid] = (await out.waitFor(/PIDS:(\d+):(\d+)/)).map(Number);
    expect(await isRunning(shellPid!)).toBe(true);
    expect(await isRunning(sleepPid!)).toBe(true);
    await beforeClose(shellPid!, sleepPid!);

    await Promise.all([session.close(), session.close()]);
    await session.close();
    await eventually('the remote shell to end', async () => ((await isRunning(shellPid!)) ? undefined : true));
    await eventually('its background job to end', async () => ((await isRunning(sleepPid!)) ? undefined : true));
    await sleep(200);
    expect(out.exit).toBeNull();
    expect(out.error).toBeNull();
    // Writing to a closed session is a no-op, not a crash.
    session.write('echo too late\n');
    return shellPid!;
  }

  it.skipIf(server.passwordUser === null)(
    'close() hangs up the shell and its jobs, is idempotent, and fires nothing afterwards',
    async () => {
      const user = server.passwordUser!;
      const session = await open({ username: user.name, auth: { kind: 'password', password: user.password } });
      // Closed while the shell may still be busy after the command: the hang-up is a signal sent to the shell, so it
      // does not depend on the shell being idle when the PTY goes away (this account runs no PROMPT_COMMAND, during
      // which bash hangs up no jobs however the SIGHUP comes).
      const shellPid = await closeAndExpectShellAndJobToEnd(session, async () => {});
      expect(await server.readLog()).toContain(`signal HUP, killpg(${shellPid}, `);
    },
  );

  it('close() ends a root shell and its jobs through the PTY hang-up', async () => {
    // OpenSSH runs root sessions without post-authentication privilege separation and so refuses signal requests for
    // them; only the PTY hang-up is left. A shell that is busy at that moment can read EOF before the kernel's SIGHUP
    // arrives and exit without hanging up its jobs (as with any terminal closing), and bash hangs up no jobs while it
    // runs PROMPT_COMMAND (root's .bashrc on the test machines runs pyenv's hook): close it at its prompt.
    const session = await open();
    await closeAndExpectShellAndJobToEnd(session, (shellPid, jobPid) =>
      eventually('the shell to wait at its prompt', async () =>
        (await isAtPrompt(shellPid, [jobPid])) ? true : undefined,
      ),
    );
  });

  it('fires onError once (and no onExit) when the connection dies under an open shell', async () => {
    const session = await open();
    const out = record(session);
    const errors: Error[] = [];
    session.onError((error) => errors.push(error));
    // The shell's parent is the sshd process serving this connection; killing it drops the TCP connection.
    session.write('echo "SSHDPID:$PPID"\n');
    const sshdPid = Number((await out.waitFor(/SSHDPID:(\d+)/))[1]);
    process.kill(sshdPid, 'SIGKILL');
    const lost = await eventually('onError', () => errors[0]);
    expect(lost.message).toMatch(
      new RegExp(`^SSH connection to ${server.keyUser}@127\\.0\\.0\\.1:${server.port} lost: `),
    );
    await sleep(200);
    expect(errors).toHaveLength(1);
    expect(out.exit).toBeNull();
  });

  it('pause() stops the data and the remote writer itself; resume() lets it flow again', async () => {
    await expectPauseBlocksTheRemoteWriter(await open(), 'SSH');
  });

  it('holds at most its channel window of a flood while paused: after ^C only that much precedes the prompt', async () => {
    const session = await open();
    const out = record(session);
    session.write(`sh -c 'echo "FLOODPID:$$"; exec yes podterm-flood-line'\n`);
    await out.waitFor(/FLOODPID:\d+/);
    await eventually('the flood to flow', () => (out.bytes > 1_000_000 ? true : undefined));
    session.pause();
    await eventually('the flood to stop reaching us', async () => {
      const bytes = out.bytes;
      await sleep(500);
      return out.bytes === bytes ? true : undefined;
    });
    // What this process holds unread goes, as a terminal's output queue on SIGINT; the rest is the server's credit.
    session.discardBuffered();
    session.write('\x03');
    session.write('echo "PROMPT-$((40+2))"\n');
    const atResume = out.bytes;
    session.resume();
    await out.waitFor(/PROMPT-42/);
    const beforePrompt = out.bytes - atResume;
    console.info(`SSH: ${beforePrompt} bytes arrived between resume() after ^C and the prompt`);
    // ssh2's own window (2 MiB, topped up while its 2 MiB buffer fills) lets megabytes through here.
    expect(beforePrompt).toBeLessThan(FlowControlConstants.SSH_CHANNEL_WINDOW_BYTES + 128 * 1024);
    await session.close();
  });

  it('survives re-keying mid-session without asking about the host key again', async () => {
    let checks = 0;
    const logBefore = (await server.readLog()).length;
    const session = await open({
      verifyHostKey: async (presented) => {
        checks += 1;
        await verifyHostKey(presented);
      },
    });
    const out = record(session);
    let tail = '';
    session.onData((chunk) => (tail = (tail + Buffer.from(chunk).toString('latin1')).slice(-200)));
    // 16 MB through a server that re-keys every 4 MB (REKEY_LIMIT); the marker is computed, so the echo cannot match.
    session.write('head -c 16000000 /dev/zero | tr "\\0" x; echo; echo "REKEYED-$((40+2))"\n');
    await eventually('the flood and the marker after it', () => (tail.includes('REKEYED-42') ? true : undefined));
    expect(out.bytes).toBeGreaterThan(16_000_000);
    const kexInits = (await server.readLog()).slice(logBefore).split('SSH2_MSG_KEXINIT sent').length - 1;
    expect(kexInits).toBeGreaterThan(1);
    expect(checks).toBe(1);
    expect(out.error).toBeNull();
  });

  it('keeps the timeout clock stopped while the host-key decision is pending', async () => {
    // The decision takes longer than the whole timeout; a person reading a fingerprint is not a slow network.
    const session = await open({
      readyTimeoutMs: 1_500,
      verifyHostKey: async (presented) => {
        await sleep(2_500);
        await verifyHostKey(presented);
      },
    });
    const out = record(session);
    session.write('echo "SLOW-OK"\n');
    await out.waitFor(/SLOW-OK/);
  });

  it('aborts while waiting for the host-key decision', async () => {
    const controller = new AbortController();
    const logBefore = (await server.readLog()).length;
    const error = await expectConnectError(
      openSshSession(
        options({
          signal: controller.signal,
          verifyHostKey: () => {
            setTimeout(() => controller.abort(), 50);
            return new Promise<void>(() => undefined);
          },
        }),
      ),
    );
    expect(error.reason).toBe('aborted');
    expect(error.message).toBe(`SSH to ${server.keyUser}@127.0.0.1:${server.port} was cancelled`);
    await sleep(200);
    expect((await server.readLog()).slice(logBefore)).not.toContain('userauth-request');
  });
});

describe('openSshSession against servers that are not sshd', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
  });
  /** A TCP server that runs `onSocket` for each connection; returns its port. */
  const listen = (onSocket: (socket: Socket) => void) =>
    new Promise<number>((resolve) => {
      const server = createServer(onSocket);
      servers.push(server);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  const base = (port: number): SshSessionOptions => ({
    host: '127.0.0.1',
    port,
    username: 'alice',
    auth: { kind: 'password', password: 'never-sent' },
    size: { cols: 80, rows: 24 },
    verifyHostKey: async () => {
      throw new Error('no host key should ever be offered here');
    },
  });

  it('times out with the phase it was stuck in when the server never speaks', async () => {
    const port = await listen(() => undefined);
    const started = Date.now();
    const error = await expectConnectError(openSshSession({ ...base(port), readyTimeoutMs: 500 }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(
      `SSH to alice@127.0.0.1:${port} timed out after 0.5 s while exchanging keys with the server`,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('reports a server that is not SSH as a protocol failure', async () => {
    const port = await listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const error = await expectConnectError(openSshSession(base(port)));
    expect(error.reason).toBe('protocol');
    expect(error.message).toMatch(new RegExp(`^SSH to alice@127\\.0\\.0\\.1:${port} failed`));
  });

  it('refuses to start when already aborted', async () => {
    const error = await expectConnectError(openSshSession({ ...base(1), signal: AbortSignal.abort() }));
    expect(error.reason).toBe('aborted');
  });
});
