/**
 * Logins that go through the server's questions (keyboard-interactive over PAM), against a real OpenSSH sshd whose
 * password method is off: a saved password answers PAM's "Password:" by itself, a password that is not saved is asked
 * for once, and a key followed by a password (a second factor) asks the user the server's question.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  openSshSession,
  SshConnectError,
  type SshAuthChallenge,
  type SshSessionOptions,
} from '../../../main/core/ssh/sshSession';
import type { TerminalSession } from '../../../main/core/terminal/terminalSession';
import { createTestCore, RecordingClient } from '../../harness/core';
import { expectOpenFailure, record } from '../../harness/sessionRecorder';
import { startSshd } from '../../harness/sshd';

const sshd = await startSshd({ keyboardInteractive: true });
afterAll(async () => {
  await sshd?.stop();
});

describe.skipIf(sshd === null || sshd.passwordUser === null)('SSH keyboard-interactive logins (PAM)', () => {
  const server = sshd!;
  const user = server.passwordUser!;
  const sessions: TerminalSession[] = [];
  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.close()));
  });

  /** Answers every question with `answer` (null: cancel), recording what was asked. */
  function answering(answer: (challenge: SshAuthChallenge) => string[] | null) {
    const asked: SshAuthChallenge[] = [];
    return {
      asked,
      askUser: async (challenge: SshAuthChallenge) => {
        asked.push(challenge);
        return answer(challenge);
      },
    };
  }
  const neverAsked = async (challenge: SshAuthChallenge): Promise<string[] | null> => {
    throw new Error(`asked unexpectedly: ${JSON.stringify(challenge)}`);
  };

  async function open(overrides: Partial<SshSessionOptions>) {
    const session = await openSshSession({
      host: server.host,
      port: server.port,
      username: user.name,
      auth: { kind: 'password', password: user.password },
      size: { cols: 80, rows: 24 },
      verifyHostKey: async ({ key }) => {
        if (!key.equals(server.hostPublicKey)) throw new Error('not the test server key');
      },
      ...overrides,
    });
    sessions.push(session);
    return session;
  }

  async function expectShellAs(session: TerminalSession) {
    const out = record(session);
    session.write('echo "WHO:$(whoami)"\n');
    await out.waitFor(new RegExp(`WHO:${user.name}`));
  }

  it('answers the server\'s "Password:" with the saved password, asking nobody', async () => {
    const offset = (await server.readLog()).length;
    await expectShellAs(await open({ askUser: neverAsked }));
    expect((await server.readLog()).slice(offset)).toMatch(/Accepted keyboard-interactive\/pam for podterm-test/);
  });

  it("asks once for a password that is not saved, and uses it for the server's question", async () => {
    const { asked, askUser } = answering(() => [user.password]);
    await expectShellAs(await open({ auth: { kind: 'password', password: null }, askUser }));
    expect(asked).toEqual([
      {
        title: 'Password',
        instructions: '',
        prompts: [{ prompt: `Password for ${user.name}@127.0.0.1:${server.port}:`, echo: false }],
      },
    ]);
  });

  it('asks again when the password typed for the login was wrong', async () => {
    const { asked, askUser } = answering(() => (asked.length === 1 ? ['mistyped-password-1'] : [user.password]));
    await expectShellAs(await open({ auth: { kind: 'password', password: null }, askUser }));
    expect(asked.map((challenge) => [challenge.prompts[0]!.prompt.trim(), challenge.instructions])).toEqual([
      [`Password for ${user.name}@127.0.0.1:${server.port}:`, ''],
      ['Password:', 'The server did not accept the previous answer; try again.'],
    ]);
  });

  it("asks the user the server's question after the key (a second factor)", async () => {
    const { asked, askUser } = answering(() => [user.password]);
    const offset = (await server.readLog()).length;
    await expectShellAs(await open({ auth: { kind: 'privateKey', privateKey: server.clientKeyText }, askUser }));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.prompts).toEqual([{ prompt: 'Password: ', echo: false }]);
    const log = (await server.readLog()).slice(offset);
    expect(log).toMatch(/Partial publickey for podterm-test/);
    expect(log).toMatch(/Accepted keyboard-interactive\/pam for podterm-test/);
  });

  it('says the password was rejected when PAM refuses the saved one', async () => {
    const error = await expectOpenFailure(
      open({ auth: { kind: 'password', password: 'not-the-password-2024' }, askUser: neverAsked }),
      SshConnectError,
    );
    expect(error.reason).toBe('auth');
    expect(error.message).toMatch(
      new RegExp(
        `^SSH authentication failed for ${user.name}@127\\.0\\.0\\.1:${server.port}: the server rejected the password \\(`,
      ),
    );
    expect(error.message).not.toContain('not-the-password-2024');
  });

  it('fails clearly when the user cancels the question, or when nobody can answer it', async () => {
    const cancelled = await expectOpenFailure(
      open({
        auth: { kind: 'privateKey', privateKey: server.clientKeyText },
        askUser: answering(() => null).askUser,
      }),
      SshConnectError,
    );
    expect(cancelled.message).toBe(
      `SSH login to ${user.name}@127.0.0.1:${server.port} cancelled: the server's question was not answered`,
    );
    const unanswered = await expectOpenFailure(
      open({ auth: { kind: 'privateKey', privateKey: server.clientKeyText } }),
      SshConnectError,
    );
    expect(unanswered.message).toBe(
      `SSH authentication failed for ${user.name}@127.0.0.1:${server.port}: the server asks "Password:", and nobody is there to answer`,
    );
  });

  it('asks again after a wrong answer, saying so, and logs in with the right one', async () => {
    const { asked, askUser } = answering((challenge) =>
      challenge.instructions === '' ? ['mistyped-answer-1'] : [user.password],
    );
    await expectShellAs(await open({ auth: { kind: 'privateKey', privateKey: server.clientKeyText }, askUser }));
    expect(asked.map((challenge) => challenge.instructions)).toEqual([
      '',
      'The server did not accept the previous answer; try again.',
    ]);
  });

  it('gives up after three wrong answers and says the answers were not accepted', async () => {
    const { asked, askUser } = answering(() => ['wrong-answer-77']);
    const error = await expectOpenFailure(
      open({ auth: { kind: 'privateKey', privateKey: server.clientKeyText }, askUser }),
      SshConnectError,
    );
    expect(asked).toHaveLength(3);
    expect(error.message).toMatch(/: the server did not accept the answers to its questions \(/);
    expect(error.message).not.toContain('wrong-answer-77');
  });
});

describe.skipIf(sshd === null || sshd.passwordUser === null)('the login question through the core', () => {
  const server = sshd!;
  const user = server.passwordUser!;

  it('shows the question in the session status, takes the answer for the open prompt only, and keeps nothing', async () => {
    const core = await createTestCore();
    try {
      const client = new RecordingClient();
      const saved = await core.request(
        'pods.save',
        {
          fields: {
            name: 'asks for its password',
            sshHost: server.host,
            sshPort: server.port,
            sshUser: user.name,
            sshAuthKind: 'password',
          },
          secrets: {},
        },
        client,
      );
      const { sessionId } = await core.request(
        'sessions.open',
        { podId: saved.id, size: { cols: 80, rows: 24 } },
        client,
      );
      const status = () => client.statusOf(sessionId);

      // First the unknown host key, then the password question.
      const hostKey = await client.waitFor(() => status()?.hostKeyPrompt);
      await core.request(
        'sessions.answerHostKey',
        { sessionId, promptId: hostKey.promptId, decision: 'acceptOnce' },
        client,
      );
      const question = await client.waitFor(() => (status()?.phase === 'awaitingAuth' ? status()!.authPrompt : null));
      expect(question).toMatchObject({
        target: `${user.name}@127.0.0.1:${server.port}`,
        title: 'Password',
        prompts: [{ prompt: `Password for ${user.name}@127.0.0.1:${server.port}:`, echo: false }],
      });

      // An answer to another prompt id changes nothing; a malformed one is refused by the contract.
      expect(
        await core.core.dispatch(
          'sessions.answerAuth',
          { sessionId, promptId: 'not-the-prompt', answers: [user.password] },
          client,
        ),
      ).toEqual({ ok: true, result: { accepted: false } });
      const malformed = await core.core.dispatch(
        'sessions.answerAuth',
        { sessionId, promptId: question.promptId, answers: 'not a list' },
        client,
      );
      expect(malformed.ok).toBe(false);
      expect(status()?.phase).toBe('awaitingAuth');

      expect(
        await core.core.dispatch(
          'sessions.answerAuth',
          { sessionId, promptId: question.promptId, answers: [user.password] },
          client,
        ),
      ).toEqual({ ok: true, result: { accepted: true } });
      await client.waitFor(() => status()?.phase === 'connected');
      expect(status()?.authPrompt).toBeNull();
      client.send(sessionId, { type: 'write', data: 'echo "WHO:$(whoami)"\n' });
      await client.waitFor(() => client.output(sessionId).includes(`WHO:${user.name}`));

      // The typed password was for this login only.
      const after = await core.core.dispatch('pods.get', { id: saved.id }, client);
      expect(after).toMatchObject({ ok: true, result: { storedSecrets: { sshPassword: false } } });
      await core.core.dispatch('sessions.close', { sessionId }, client);
    } finally {
      await core.cleanup();
    }
  });
});
