/**
 * The SSH login state machine alone (main/core/ssh/sshLogin.ts): every way a login goes, driven with what a server
 * says, without a server and without root. sshSession.test.ts and sshKeyboardInteractive.test.ts prove the same paths
 * end to end against a real sshd (the latter needs root for PAM).
 */
import { describe, expect, it } from 'vitest';
import {
  KEYBOARD_INTERACTIVE_TITLE,
  MAX_USER_TRIES,
  PASSPHRASE_RETRY_NOTICE,
  PASSWORD_RETRY_NOTICE,
  QUESTIONS_RETRY_NOTICE,
  SshLogin,
  type LoginCredential,
  type LoginStep,
  type SshAuthChallenge,
} from '../../../main/core/ssh/sshLogin';

const target = 'alice@ssh.example.test:2222';
const failed = `SSH authentication failed for ${target}`;
const cancelled = `SSH login to ${target} cancelled: the server's question was not answered`;

const key: LoginCredential = { kind: 'privateKey' };
const agent: LoginCredential = { kind: 'agent', agentSocket: '/run/user/1000/agent.sock' };
const savedPassword: LoginCredential = { kind: 'password', password: 'saved-Pw-1' };
const unsavedPassword: LoginCredential = { kind: 'password', password: null };

/** What OpenSSH lists after a refusal, by server configuration. */
const PASSWORD_SERVER = ['publickey', 'password'];
const PAM_SERVER = ['publickey', 'keyboard-interactive'];
const BOTH_SERVER = ['publickey', 'password', 'keyboard-interactive'];
const SECOND_FACTOR = ['keyboard-interactive'];

/** PAM's question for the account password, as OpenSSH sends it. */
const PAM_PASSWORD = [{ prompt: 'Password: ', echo: false }];
const ONE_TIME_CODE = [{ prompt: 'Verification code: ', echo: false }];

const newLogin = (credential: LoginCredential, canAskUser = true) => new SshLogin({ target, credential, canAskUser });

const send = (method: Extract<LoginStep, { kind: 'send' }>['method']): LoginStep => ({ kind: 'send', method });
const sendSaved = send({ type: 'saved' });
const sendKeyboard = send({ type: 'keyboard-interactive' });
const ask = (challenge: SshAuthChallenge): LoginStep => ({ kind: 'ask', challenge });
const answerServer = (...answers: string[]): LoginStep => ({ kind: 'answerServer', answers });
const fail = (message: string): LoginStep => ({ kind: 'fail', message });

const askPassword = (instructions = '') =>
  ask({ title: 'Password', instructions, prompts: [{ prompt: `Password for ${target}:`, echo: false }] });
const askServerQuestion = (prompts: Array<{ prompt: string; echo: boolean }>, instructions = '') =>
  ask({ title: KEYBOARD_INTERACTIVE_TITLE, instructions, prompts });

describe('the first method', () => {
  it('sends the saved credential: a key, the agent, a saved password', () => {
    expect(newLogin(key).begin()).toEqual(sendSaved);
    expect(newLogin(agent).begin()).toEqual(sendSaved);
    expect(newLogin(savedPassword).begin()).toEqual(sendSaved);
  });

  it('asks for a password that is not saved, and sends what the user typed', () => {
    const login = newLogin(unsavedPassword);
    expect(login.begin()).toEqual(askPassword());
    expect(login.answered(['typed-Pw'])).toEqual(send({ type: 'password', password: 'typed-Pw' }));
  });

  it('sends an empty password when the user answers nothing, as ssh does', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    expect(login.answered([])).toEqual(send({ type: 'password', password: '' }));
  });

  it('fails when the user cancels the password question, or nobody is there to ask', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    expect(login.answered(null)).toEqual(fail(cancelled));
    expect(newLogin(unsavedPassword, false).begin()).toEqual(
      fail(`${failed}: the server asks "Password for ${target}:", and nobody is there to answer`),
    );
  });
});

describe('the password method (a server with PasswordAuthentication on)', () => {
  it('asks again for a typed password the server refused, saying so, up to MAX_USER_TRIES times', () => {
    const login = newLogin(unsavedPassword);
    expect(login.begin()).toEqual(askPassword());
    for (let attempt = 2; attempt <= MAX_USER_TRIES; attempt += 1) {
      login.answered([`wrong-${attempt}`]);
      expect(login.refused(PASSWORD_SERVER, false)).toEqual(askPassword(PASSWORD_RETRY_NOTICE));
    }
    login.answered(['wrong-last']);
    expect(login.refused(PASSWORD_SERVER, false)).toEqual(
      fail(`${failed}: the server rejected the password (methods it offers: publickey, password)`),
    );
  });

  it('logs in on a retyped password (the server asks no more)', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    login.answered(['mistyped']);
    expect(login.refused(PASSWORD_SERVER, false)).toEqual(askPassword(PASSWORD_RETRY_NOTICE));
    expect(login.answered(['right'])).toEqual(send({ type: 'password', password: 'right' }));
  });

  it('fails on a cancel of the retry question', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    login.answered(['mistyped']);
    login.refused(PASSWORD_SERVER, false);
    expect(login.answered(null)).toEqual(fail(cancelled));
  });

  it('never sends a refused saved password again, through either method', () => {
    expect(newLogin(savedPassword).refused(PASSWORD_SERVER, false)).toEqual(
      fail(`${failed}: the server rejected the password (methods it offers: publickey, password)`),
    );
    // Keyboard-interactive would only count one more failed login with the same wrong password.
    expect(newLogin(savedPassword).refused(BOTH_SERVER, false)).toEqual(
      fail(
        `${failed}: the server rejected the password (methods it offers: publickey, password, keyboard-interactive)`,
      ),
    );
  });

  it('does not offer a typed password through keyboard-interactive either, after the last retry', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    for (let attempt = 2; attempt <= MAX_USER_TRIES; attempt += 1) {
      login.answered(['wrong']);
      login.refused(BOTH_SERVER, false);
    }
    login.answered(['wrong']);
    expect(login.refused(BOTH_SERVER, false)).toEqual(
      fail(
        `${failed}: the server rejected the password (methods it offers: publickey, password, keyboard-interactive)`,
      ),
    );
  });

  it('says when the server does not take passwords, nor their questions', () => {
    expect(newLogin(savedPassword).refused(['publickey'], false)).toEqual(
      fail(`${failed}: the server does not allow password authentication (methods it offers: publickey)`),
    );
  });
});

describe('keyboard-interactive with a password record (PAM, PasswordAuthentication off)', () => {
  it('answers PAM\'s "Password:" with the saved password, asking nobody', () => {
    const login = newLogin(savedPassword, false);
    expect(login.begin()).toEqual(sendSaved);
    expect(login.refused(PAM_SERVER, false)).toEqual(sendKeyboard);
    expect(login.questions('', '', PAM_PASSWORD)).toEqual(answerServer('saved-Pw-1'));
  });

  it('recognises the password question by its words, hidden, alone', () => {
    for (const prompt of ['Password:', "alice's password: ", 'Passwd:', 'PASSWORD for alice']) {
      const login = newLogin(savedPassword);
      login.refused(PAM_SERVER, false);
      expect(login.questions('', '', [{ prompt, echo: false }])).toEqual(answerServer('saved-Pw-1'));
    }
    // Shown while typed, or not alone, or not about a password: the user's to answer.
    const shown = newLogin(savedPassword);
    shown.refused(PAM_SERVER, false);
    expect(shown.questions('', '', [{ prompt: 'Password:', echo: true }])).toEqual(
      askServerQuestion([{ prompt: 'Password:', echo: true }]),
    );
    const two = newLogin(savedPassword);
    two.refused(PAM_SERVER, false);
    const twoPrompts = [...PAM_PASSWORD, { prompt: 'Code:', echo: true }];
    expect(two.questions('', '', twoPrompts)).toEqual(
      askServerQuestion([
        { prompt: 'Password: ', echo: false },
        { prompt: 'Code:', echo: true },
      ]),
    );
    const code = newLogin(savedPassword);
    code.refused(PAM_SERVER, false);
    expect(code.questions('', '', ONE_TIME_CODE)).toEqual(askServerQuestion(ONE_TIME_CODE));
  });

  it('reports a refused saved password once, without a second round', () => {
    const login = newLogin(savedPassword);
    login.begin();
    login.refused(PAM_SERVER, false);
    login.questions('', '', PAM_PASSWORD);
    expect(login.refused(PAM_SERVER, false)).toEqual(
      fail(`${failed}: the server rejected the password (methods it offers: publickey, keyboard-interactive)`),
    );
  });

  it('answers the password once, and asks the user what PAM asks next in the same round (a code after it)', () => {
    const login = newLogin(savedPassword);
    login.begin();
    login.refused(PAM_SERVER, false);
    expect(login.questions('', '', PAM_PASSWORD)).toEqual(answerServer('saved-Pw-1'));
    expect(login.questions('', '', ONE_TIME_CODE)).toEqual(askServerQuestion(ONE_TIME_CODE));
    expect(login.answered(['123456'])).toEqual(answerServer('123456'));
  });

  it('uses the typed password for PAM\'s "Password:", then asks the user again when it was mistyped', () => {
    const login = newLogin(unsavedPassword);
    expect(login.begin()).toEqual(askPassword());
    login.answered(['mistyped']);
    // The password method is off on this server: the typed password goes to PAM's question instead.
    expect(login.refused(PAM_SERVER, false)).toEqual(sendKeyboard);
    expect(login.questions('', '', PAM_PASSWORD)).toEqual(answerServer('mistyped'));
    expect(login.refused(PAM_SERVER, false)).toEqual(sendKeyboard);
    expect(login.questions('', '', PAM_PASSWORD)).toEqual(askServerQuestion(PAM_PASSWORD, QUESTIONS_RETRY_NOTICE));
    expect(login.answered(['right'])).toEqual(answerServer('right'));
  });

  it('does not ask for a typed password again through the password method once it answered PAM', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    login.answered(['mistyped']);
    login.refused(PAM_SERVER, false);
    login.questions('', '', PAM_PASSWORD);
    // Even when the server now lists the password method, the password was already refused once through PAM.
    expect(login.refused(BOTH_SERVER, false)).toEqual(
      fail(
        `${failed}: the server rejected the password (methods it offers: publickey, password, keyboard-interactive)`,
      ),
    );
  });

  it('does not ask again for a typed password the server accepted as a first factor', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    login.answered(['right']);
    expect(login.refused(['password', 'keyboard-interactive'], true)).toEqual(sendKeyboard);
    expect(login.questions('', '', ONE_TIME_CODE)).toEqual(askServerQuestion(ONE_TIME_CODE));
  });

  it('gives up on a typed password after MAX_USER_TRIES answers in all', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    login.answered(['wrong-1']);
    login.refused(PAM_SERVER, false);
    login.questions('', '', PAM_PASSWORD);
    for (let round = 2; round <= MAX_USER_TRIES; round += 1) {
      expect(login.refused(PAM_SERVER, false)).toEqual(sendKeyboard);
      expect(login.questions('', '', PAM_PASSWORD)).toEqual(askServerQuestion(PAM_PASSWORD, QUESTIONS_RETRY_NOTICE));
      login.answered([`wrong-${round}`]);
    }
    expect(login.refused(PAM_SERVER, false)).toEqual(
      fail(
        `${failed}: the server did not accept the answers to its questions (methods it offers: publickey, keyboard-interactive)`,
      ),
    );
  });

  it('asks the user for a one-time code after a typed password PAM accepted as a first factor, with no retry notice', () => {
    const login = newLogin(unsavedPassword);
    login.begin();
    login.answered(['right']);
    login.refused(PAM_SERVER, false);
    expect(login.questions('', '', PAM_PASSWORD)).toEqual(answerServer('right'));
    // The first round was accepted: the next one is the second factor, not a retry.
    expect(login.refused(SECOND_FACTOR, true)).toEqual(sendKeyboard);
    expect(login.questions('', '', ONE_TIME_CODE)).toEqual(askServerQuestion(ONE_TIME_CODE));
  });
});

describe('keyboard-interactive after a key (a second factor)', () => {
  it("asks the user the server's question, and sends the answers", () => {
    const login = newLogin(key);
    expect(login.begin()).toEqual(sendSaved);
    expect(login.refused(SECOND_FACTOR, true)).toEqual(sendKeyboard);
    expect(login.questions('', '', PAM_PASSWORD)).toEqual(askServerQuestion(PAM_PASSWORD));
    expect(login.answered(['account-Pw'])).toEqual(answerServer('account-Pw'));
  });

  it("keeps the server's title and instructions, trimmed", () => {
    const login = newLogin(agent);
    login.refused(SECOND_FACTOR, true);
    expect(login.questions('  Duo two-factor  ', '\nPick a device.\n', ONE_TIME_CODE)).toEqual(
      ask({ title: 'Duo two-factor', instructions: 'Pick a device.', prompts: ONE_TIME_CODE }),
    );
  });

  it('sends one answer per prompt whatever the user returned', () => {
    const login = newLogin(key);
    login.refused(SECOND_FACTOR, true);
    login.questions('', '', [
      { prompt: 'First: ', echo: true },
      { prompt: 'Second: ', echo: false },
    ]);
    expect(login.answered(['only-one'])).toEqual(answerServer('only-one', ''));
    const extra = newLogin(key);
    extra.refused(SECOND_FACTOR, true);
    extra.questions('', '', ONE_TIME_CODE);
    expect(extra.answered(['123456', 'surplus'])).toEqual(answerServer('123456'));
  });

  it("asks again after a refused answer, saying so before the server's own instructions, up to MAX_USER_TRIES rounds", () => {
    const login = newLogin(key);
    login.begin();
    expect(login.refused(SECOND_FACTOR, true)).toEqual(sendKeyboard);
    login.questions('', '', ONE_TIME_CODE);
    login.answered(['wrong-1']);
    for (let round = 2; round <= MAX_USER_TRIES; round += 1) {
      // A refused second factor comes back without partial success; the key still counts as the first.
      expect(login.refused(SECOND_FACTOR, false)).toEqual(sendKeyboard);
      expect(login.questions('', 'Enter the code.', ONE_TIME_CODE)).toEqual(
        askServerQuestion(ONE_TIME_CODE, `${QUESTIONS_RETRY_NOTICE}\nEnter the code.`),
      );
      login.answered([`wrong-${round}`]);
    }
    expect(login.refused(SECOND_FACTOR, false)).toEqual(
      fail(
        `${failed}: the server did not accept the answers to its questions (methods it offers: keyboard-interactive)`,
      ),
    );
  });

  it('does not repeat a round the server refused without asking anything', () => {
    const login = newLogin(key);
    login.refused(SECOND_FACTOR, true);
    login.questions('', '', ONE_TIME_CODE);
    login.answered(['wrong-1']);
    expect(login.refused(SECOND_FACTOR, false)).toEqual(sendKeyboard);
    // No question this round (PAM refused the account outright): nothing the user typed can be retried.
    expect(login.refused(SECOND_FACTOR, false)).toEqual(
      fail(
        `${failed}: the server did not accept the answers to its questions (methods it offers: keyboard-interactive)`,
      ),
    );
  });

  it('gives no retry notice when the server accepted the previous round and asks for one more', () => {
    const login = newLogin(key);
    login.refused(SECOND_FACTOR, true);
    login.questions('', '', PAM_PASSWORD);
    login.answered(['account-Pw']);
    expect(login.refused(SECOND_FACTOR, true)).toEqual(sendKeyboard);
    expect(login.questions('', '', ONE_TIME_CODE)).toEqual(askServerQuestion(ONE_TIME_CODE));
  });

  it('fails when the user cancels, or when nobody can answer', () => {
    const login = newLogin(key);
    login.refused(SECOND_FACTOR, true);
    login.questions('', '', PAM_PASSWORD);
    expect(login.answered(null)).toEqual(fail(cancelled));

    const unattended = newLogin(key, false);
    unattended.refused(SECOND_FACTOR, true);
    expect(unattended.questions('', '', PAM_PASSWORD)).toEqual(
      fail(`${failed}: the server asks "Password:", and nobody is there to answer`),
    );
  });

  it("names the server's title when its question has no prompt to quote", () => {
    const unattended = newLogin(key, false);
    unattended.refused(SECOND_FACTOR, true);
    expect(unattended.questions('Approve the login', '', [])).toEqual(
      fail(`${failed}: the server asks "Approve the login", and nobody is there to answer`),
    );
  });

  it('does not answer questions before a first factor was accepted', () => {
    // A key-only record on a PAM-only server: its questions are the account password, which a key record lacks.
    expect(newLogin(key).refused(SECOND_FACTOR, false)).toEqual(
      fail(`${failed}: the server does not allow publickey authentication (methods it offers: keyboard-interactive)`),
    );
  });
});

describe('the failure message after a refused credential', () => {
  it('says the key or the agent was not accepted, with the methods the server offers', () => {
    expect(newLogin(key).refused(['publickey', 'password'], false)).toEqual(
      fail(`${failed}: the server did not accept the private key (methods it offers: publickey, password)`),
    );
    expect(newLogin(agent).refused(['publickey'], false)).toEqual(
      fail(
        `${failed}: the server accepted none of the keys in the SSH agent at /run/user/1000/agent.sock (methods it offers: publickey)`,
      ),
    );
  });

  it('says the server wants another step after a partial success it cannot be given', () => {
    expect(newLogin(key).refused(['password'], true)).toEqual(
      fail(
        `${failed}: the server accepted the publickey step but requires another one too (methods it offers: password)`,
      ),
    );
    expect(newLogin(savedPassword).refused(['publickey'], true)).toEqual(
      fail(
        `${failed}: the server accepted the password step but requires another one too (methods it offers: publickey)`,
      ),
    );
  });

  it('says "none" when the server lists no method (ssh2 skipped the first one)', () => {
    expect(newLogin(key).refused([], false)).toEqual(
      fail(`${failed}: the server did not accept the private key (methods it offers: none)`),
    );
  });

  it('never contains a password or an answer', () => {
    const steps: LoginStep[] = [];
    const typed = newLogin(unsavedPassword);
    typed.begin();
    for (let attempt = 1; attempt <= MAX_USER_TRIES; attempt += 1) {
      steps.push(typed.answered(['secret-typed-77']), typed.refused(BOTH_SERVER, false));
    }
    const answeredCode = newLogin(key);
    answeredCode.refused(SECOND_FACTOR, true);
    for (let round = 1; round <= MAX_USER_TRIES; round += 1) {
      answeredCode.questions('', '', ONE_TIME_CODE);
      steps.push(answeredCode.answered(['secret-code-88']), answeredCode.refused(SECOND_FACTOR, false));
    }
    const failures = steps.filter((step) => step.kind === 'fail');
    expect(failures).toHaveLength(2);
    for (const failure of failures) expect(failure.message).not.toMatch(/secret-/);
  });
});

it('refuses an answer nobody asked for', () => {
  expect(() => newLogin(key).answered(['unasked'])).toThrow(/without a question/);
});

describe("the keys the user has, as ssh HOST offers them (credential kind 'identities')", () => {
  const agentOffer = { label: 'the SSH agent at /tmp/agent.sock', encrypted: false };
  const plainKey = { label: '~/.ssh/id_ed25519', encrypted: false };
  const lockedKey = { label: '~/.ssh/id_locked', encrypted: true };
  const identities = (...offers: Array<{ label: string; encrypted: boolean }>): LoginCredential => ({
    kind: 'identities',
    identities: offers,
  });
  const askPassphrase = (label: string, instructions = '') =>
    ask({ title: 'Key passphrase', instructions, prompts: [{ prompt: `Passphrase for ${label}:`, echo: false }] });

  it('offers each key in order while the server still takes public keys', () => {
    const login = newLogin(identities(agentOffer, plainKey));
    expect(login.begin()).toEqual(send({ type: 'identity', index: 0 }));
    expect(login.refused(PASSWORD_SERVER, false)).toEqual(send({ type: 'identity', index: 1 }));
  });

  it("asks for an encrypted key's passphrase before offering it, again when it is wrong, then moves on", () => {
    const login = newLogin(identities(lockedKey, plainKey));
    expect(login.begin()).toEqual(askPassphrase(lockedKey.label));
    expect(login.answered(['wrong'])).toEqual(send({ type: 'identity', index: 0, passphrase: 'wrong' }));
    for (let round = 2; round <= MAX_USER_TRIES; round += 1) {
      expect(login.passphraseRefused()).toEqual(askPassphrase(lockedKey.label, PASSPHRASE_RETRY_NOTICE));
      expect(login.answered(['wrong'])).toEqual(send({ type: 'identity', index: 0, passphrase: 'wrong' }));
    }
    expect(login.passphraseRefused()).toEqual(send({ type: 'identity', index: 1 }));
  });

  it('skips a key whose passphrase question is cancelled, as ssh does', () => {
    const login = newLogin(identities(lockedKey));
    expect(login.begin()).toEqual(askPassphrase(lockedKey.label));
    expect(login.answered(null)).toEqual(send({ type: 'none' }));
    // Nothing left to offer: the password the server takes is asked for.
    expect(login.refused(PASSWORD_SERVER, false)).toEqual(askPassword());
  });

  it('after the keys, asks for the password the server takes, as for a record whose password is not saved', () => {
    const login = newLogin(identities(plainKey));
    expect(login.begin()).toEqual(send({ type: 'identity', index: 0 }));
    expect(login.refused(PASSWORD_SERVER, false)).toEqual(askPassword());
    expect(login.answered(['typed'])).toEqual(send({ type: 'password', password: 'typed' }));
    expect(login.refused(PASSWORD_SERVER, false)).toEqual(askPassword(PASSWORD_RETRY_NOTICE));
  });

  it('after the keys, answers keyboard-interactive through the user', () => {
    const login = newLogin(identities(plainKey));
    login.begin();
    expect(login.refused(PAM_SERVER, false)).toEqual(sendKeyboard);
    expect(login.questions('', '', ONE_TIME_CODE)).toEqual(askServerQuestion(ONE_TIME_CODE));
  });

  it('a key that is a first factor leads to the second, asked of the user', () => {
    const login = newLogin(identities(plainKey, agentOffer));
    login.begin();
    expect(login.refused(SECOND_FACTOR, true)).toEqual(sendKeyboard);
  });

  it('names every key offered when the server takes none and nothing else', () => {
    const login = newLogin(identities(agentOffer, plainKey));
    login.begin();
    login.refused(['publickey'], false);
    expect(login.refused(['publickey'], false)).toEqual(
      fail(
        `${failed}: the server accepted none of the keys offered (${agentOffer.label}; ${plainKey.label}) (methods it offers: publickey)`,
      ),
    );
  });

  it('with no key at all, asks the server what it takes', () => {
    const login = newLogin(identities());
    expect(login.begin()).toEqual(send({ type: 'none' }));
    expect(login.refused(['publickey'], false)).toEqual(
      fail(`${failed}: no key to offer (no SSH agent, no IdentityFile readable) (methods it offers: publickey)`),
    );
  });

  it('nobody to ask: an encrypted key is skipped, not a failure', () => {
    const login = newLogin(identities(lockedKey, plainKey), false);
    expect(login.begin()).toEqual(send({ type: 'identity', index: 1 }));
  });
});
