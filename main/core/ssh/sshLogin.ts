/**
 * The SSH login's decisions, apart from ssh2 and the network: which method to send next, what to ask the user, what to
 * answer the server's keyboard-interactive questions with, and when to give up, in which words. sshSession.ts tells it
 * what happened (ssh2's authHandler calls, the server's questions, the user's answers) and carries out the step it
 * returns; the unit tests (test/core/ssh/sshLogin.test.ts) drive it the same way, without a server.
 *
 * The rules, close to OpenSSH's client:
 * - the saved credential (key, agent, password) goes first; a password that is not saved is asked for, and used for
 *   this login only;
 * - a password the user typed and the server refused is asked for again ("Permission denied, please try again");
 * - the server's keyboard-interactive "Password:" is answered with the password in play, once; any other question (a
 *   one-time code, a second factor after the key, a retry) goes to the user;
 * - a saved password the server refused is wrong: it is never sent again, nor through keyboard-interactive, which would
 *   only count one more failed login;
 * - the user answers at most MAX_USER_TRIES times per kind of question, and a round after a refused one says so.
 *
 * Every failure here is an authentication failure; the messages never repeat a password or an answer.
 */

/** Something the server (or, for an unsaved password, Podterm) asks the user before the login completes. */
export interface SshAuthChallenge {
  title: string;
  instructions: string;
  prompts: Array<{ prompt: string; echo: boolean }>;
}

/** One key offered in turn, as `ssh` offers the agent's keys and each IdentityFile. */
export interface IdentityOffer {
  /** For people: "the SSH agent at /run/user/1000/ssh-agent.sock", "~/.ssh/id_ed25519 (~/.ssh/config:4)". */
  label: string;
  /** The key file is encrypted: the user is asked for its passphrase before it is offered. */
  encrypted: boolean;
}

/**
 * What the login needs to know of the credentials: their kind, the saved password (null: none), the agent's socket;
 * or, as `ssh HOST` does, the keys the user has (the agent, then each IdentityFile in order), then whatever the
 * server asks (a password, keyboard-interactive questions), asked of the user.
 */
export type LoginCredential =
  | { kind: 'password'; password: string | null }
  | { kind: 'privateKey' }
  | { kind: 'agent'; agentSocket: string }
  | { kind: 'identities'; identities: readonly IdentityOffer[] };

/** One keyboard-interactive question as the server sends it (echo: whether the answer may be shown while typed). */
export interface ServerPrompt {
  prompt: string;
  echo?: boolean;
}

/** An authentication method to send to the server. */
export type LoginMethod =
  /** The credential the session was given (the key, the agent or the saved password), as prepared for the server. */
  | { type: 'saved' }
  /** The password the user just typed, through the password method. */
  | { type: 'password'; password: string }
  /** Keyboard-interactive: the server's questions follow (questions()). */
  | { type: 'keyboard-interactive' }
  /** The key offered in turn (credential kind 'identities'), with the passphrase the user gave for it. */
  | { type: 'identity'; index: number; passphrase?: string }
  /** Nothing to offer: the server's answer lists the methods it takes. */
  | { type: 'none' };

/** What to do next. */
export type LoginStep =
  | { kind: 'send'; method: LoginMethod }
  /** Ask the user, then pass the reply (null: cancelled) to answered(). */
  | { kind: 'ask'; challenge: SshAuthChallenge }
  /** Answer the server's keyboard-interactive questions at hand, one answer per prompt. */
  | { kind: 'answerServer'; answers: string[] }
  /** Give up: the login failed, for the reason `message` gives people. */
  | { kind: 'fail'; message: string };

export interface SshLoginOptions {
  /** "user@host:port", for messages and the password question. */
  target: string;
  credential: LoginCredential;
  /** Whether anyone can answer a question (the session has askUser); otherwise a question is a failed login. */
  canAskUser: boolean;
}

/**
 * How many times the user may answer in one login, per kind of question (a typed password, the server's questions),
 * as OpenSSH's NumberOfPasswordPrompts.
 */
export const MAX_USER_TRIES = 3;
/** A keyboard-interactive prompt asking for the account password (PAM says "Password: ", some servers "password:"). */
const PASSWORD_PROMPT = /passw(or)?d/i;
/** The title for a keyboard-interactive exchange the server left unnamed (most do). */
export const KEYBOARD_INTERACTIVE_TITLE = 'The server asks';
/** The first line of the instructions when the user is asked again after a refusal. */
export const PASSWORD_RETRY_NOTICE = 'The server did not accept that password; try again.';
export const QUESTIONS_RETRY_NOTICE = 'The server did not accept the previous answer; try again.';
export const PASSPHRASE_RETRY_NOTICE = 'That passphrase does not decrypt the key; try again.';

/** What the user was asked, so that answered() knows where the reply goes. */
type Awaiting = { for: 'password' | 'questions' | 'passphrase'; challenge: SshAuthChallenge };

/**
 * One login's state. Feed it, in ssh2's order: begin() when the server is ready for authentication, refused() each
 * time a method did not (fully) let us in, questions() when the server asks through keyboard-interactive, answered()
 * with the user's reply to an 'ask' step. Each returns the step to carry out.
 */
export class SshLogin {
  /** The password in play: the saved one, or the one the user typed when asked. */
  private password: string | null;
  /** No password is saved: the user types it, and may mistype it. */
  private passwordTyped: boolean;
  /** The keys offered in turn (credential kind 'identities'), and the one on offer (-1: none yet). */
  private readonly identities: readonly IdentityOffer[];
  private identityIndex = -1;
  /** Every key was offered: the server's other methods follow. */
  private identitiesDone = false;
  /** How many times the user was asked for the passphrase of the key on offer. */
  private passphraseAsks = 0;
  /** How many times the user was asked for the password (for the password method). */
  private passwordAsks = 0;
  /** The password in play answered the server's keyboard-interactive "Password:" (it never goes there twice). */
  private passwordAnsweredServer = false;
  private keyboardRounds = 0;
  /**
   * The last keyboard-interactive round was answered by the user (a typed password counts): a refusal may be a typo,
   * worth another round. A saved password is not.
   */
  private lastRoundByUser = false;
  /** This keyboard-interactive round follows one the server refused (not one it accepted as a first factor). */
  private keyboardRetry = false;
  /** The user answered the server's questions at least once (for the failure message). */
  private userAnsweredQuestions = false;
  /** The server accepted a first factor (a partial success): its questions are the second, also on a retry. */
  private firstFactorAccepted = false;
  private awaiting: Awaiting | null = null;

  constructor(private readonly options: SshLoginOptions) {
    const { credential } = options;
    this.password = credential.kind === 'password' ? credential.password : null;
    this.passwordTyped = credential.kind === 'password' && credential.password === null;
    this.identities = credential.kind === 'identities' ? credential.identities : [];
  }

  /** Offers the next key (asking for its passphrase first when it is encrypted); once none is left, 'none'. */
  private nextIdentity(): LoginStep {
    this.identityIndex += 1;
    this.passphraseAsks = 0;
    const offer = this.identities[this.identityIndex];
    // The server answers 'none' with the methods it takes, which refused() then follows.
    if (offer === undefined) return { kind: 'send', method: { type: 'none' } };
    if (offer.encrypted) return this.askForPassphrase(offer, '');
    return { kind: 'send', method: { type: 'identity', index: this.identityIndex } };
  }

  private askForPassphrase(offer: IdentityOffer, instructions: string): LoginStep {
    this.passphraseAsks += 1;
    if (!this.options.canAskUser) return this.nextIdentity();
    return this.ask('passphrase', {
      title: 'Key passphrase',
      instructions,
      prompts: [{ prompt: `Passphrase for ${offer.label}:`, echo: false }],
    });
  }

  /** The server is ready to authenticate us: the first method. */
  begin(): LoginStep {
    if (this.options.credential.kind === 'identities') return this.nextIdentity();
    // A password record with nothing saved: ask for it, as ssh does, and use it for this login only.
    if (this.passwordTyped) return this.askForPassword('');
    return { kind: 'send', method: { type: 'saved' } };
  }

  /**
   * The last method did not let us in: `methodsLeft` is what the server still allows, `partialSuccess` whether it
   * accepted that method as one of several it requires.
   */
  refused(methodsLeft: readonly string[], partialSuccess: boolean): LoginStep {
    if (this.options.credential.kind === 'identities' && !this.identitiesDone) {
      const keysLeft = this.identityIndex + 1 < this.identities.length;
      if (!partialSuccess && keysLeft && methodsLeft.includes('publickey')) return this.nextIdentity();
      // No key let us in (or one did, as a first factor): from here on, as a record whose password is not saved.
      this.identitiesDone = true;
      this.passwordTyped = true;
      if (!partialSuccess && methodsLeft.includes('password')) return this.askForPassword('');
    }
    if (this.mayAskPasswordAgain(methodsLeft, partialSuccess)) return this.askForPassword(PASSWORD_RETRY_NOTICE);
    if (partialSuccess) this.firstFactorAccepted = true;
    if (
      methodsLeft.includes('keyboard-interactive') &&
      this.mayAnswerQuestions(methodsLeft) &&
      this.mayStartKeyboardRound()
    ) {
      this.keyboardRetry = this.keyboardRounds > 0 && !partialSuccess;
      this.keyboardRounds += 1;
      this.lastRoundByUser = false;
      return { kind: 'send', method: { type: 'keyboard-interactive' } };
    }
    // The server rejected what we had: report what it would take instead of guessing on.
    return { kind: 'fail', message: this.describeFailure(methodsLeft, partialSuccess) };
  }

  /** The server's keyboard-interactive questions (`name` and `instructions` as it sent them, often empty). */
  questions(name: string, instructions: string, prompts: readonly ServerPrompt[]): LoginStep {
    if (asksForPassword(prompts) && this.password !== null && !this.passwordAnsweredServer) {
      this.passwordAnsweredServer = true;
      // A password the user typed a moment ago may be mistyped: a refusal asks the user again.
      this.lastRoundByUser = this.passwordTyped;
      return { kind: 'answerServer', answers: [this.password] };
    }
    this.userAnsweredQuestions = true;
    this.lastRoundByUser = true;
    const retry = this.keyboardRetry ? `${QUESTIONS_RETRY_NOTICE}\n` : '';
    return this.ask('questions', {
      title: name.trim() || KEYBOARD_INTERACTIVE_TITLE,
      instructions: `${retry}${instructions.trim()}`.trim(),
      prompts: prompts.map((prompt) => ({ prompt: prompt.prompt, echo: prompt.echo === true })),
    });
  }

  /**
   * The passphrase the user gave for the key on offer does not decrypt it: ask again (up to MAX_USER_TRIES), then go
   * on to the next key.
   */
  passphraseRefused(): LoginStep {
    const offer = this.identities[this.identityIndex];
    if (offer === undefined) throw new Error('passphraseRefused() without a key on offer');
    if (this.passphraseAsks < MAX_USER_TRIES) return this.askForPassphrase(offer, PASSPHRASE_RETRY_NOTICE);
    return this.nextIdentity();
  }

  /** The user's reply to the last 'ask' step: one answer per prompt, or null when they cancelled. */
  answered(answers: readonly string[] | null): LoginStep {
    const awaiting = this.awaiting;
    if (awaiting === null) throw new Error('answered() without a question to the user');
    this.awaiting = null;
    if (answers === null && awaiting.for === 'passphrase') {
      // As ssh: a key whose passphrase is not given is skipped, and the next one offered.
      return this.nextIdentity();
    }
    if (answers === null) {
      return {
        kind: 'fail',
        message: `SSH login to ${this.options.target} cancelled: the server's question was not answered`,
      };
    }
    // One answer per prompt, whatever came back: the server counts them.
    const complete = awaiting.challenge.prompts.map((_, index) => answers[index] ?? '');
    if (awaiting.for === 'questions') return { kind: 'answerServer', answers: complete };
    if (awaiting.for === 'passphrase') {
      return { kind: 'send', method: { type: 'identity', index: this.identityIndex, passphrase: complete[0] ?? '' } };
    }
    const password = complete[0] ?? '';
    this.password = password;
    return { kind: 'send', method: { type: 'password', password } };
  }

  /** A typed password the server refused, while it still takes passwords: ask again, as ssh does. */
  private mayAskPasswordAgain(methodsLeft: readonly string[], partialSuccess: boolean): boolean {
    return (
      this.passwordTyped &&
      methodsLeft.includes('password') &&
      !partialSuccess &&
      this.passwordAsks < MAX_USER_TRIES &&
      !this.passwordAnsweredServer
    );
  }

  /**
   * Whether the server's questions may be answered: after a first factor, or for a password record on a server that
   * does not take passwords directly (it asks for them through keyboard-interactive). A server that takes passwords
   * has already said no to ours (a partial success counts as a first factor): it is wrong.
   */
  private mayAnswerQuestions(methodsLeft: readonly string[]): boolean {
    return (
      this.firstFactorAccepted ||
      ((this.options.credential.kind === 'password' || this.identitiesDone) && !methodsLeft.includes('password'))
    );
  }

  /** A first round, or another after a refused one the user answered, up to MAX_USER_TRIES rounds. */
  private mayStartKeyboardRound(): boolean {
    return this.keyboardRounds === 0 || (this.lastRoundByUser && this.keyboardRounds < MAX_USER_TRIES);
  }

  private askForPassword(instructions: string): LoginStep {
    this.passwordAsks += 1;
    return this.ask('password', {
      title: 'Password',
      instructions,
      prompts: [{ prompt: `Password for ${this.options.target}:`, echo: false }],
    });
  }

  private ask(purpose: Awaiting['for'], challenge: SshAuthChallenge): LoginStep {
    if (!this.options.canAskUser) {
      const question = challenge.prompts[0]?.prompt.trim() ?? challenge.title;
      return {
        kind: 'fail',
        message: `SSH authentication failed for ${this.options.target}: the server asks "${question}", and nobody is there to answer`,
      };
    }
    this.awaiting = { for: purpose, challenge };
    return { kind: 'ask', challenge };
  }

  private describeFailure(methodsLeft: readonly string[], partialSuccess: boolean): string {
    const prefix = `SSH authentication failed for ${this.options.target}`;
    const methods = `methods it offers: ${methodsLeft.length > 0 ? methodsLeft.join(', ') : 'none'}`;
    const words = credentialWords(this.options.credential);
    if (this.userAnsweredQuestions) {
      return `${prefix}: the server did not accept the answers to its questions (${methods})`;
    }
    if (this.passwordAnsweredServer) return `${prefix}: the server rejected the password (${methods})`;
    if (partialSuccess) {
      return `${prefix}: the server accepted the ${words.method} step but requires another one too (${methods})`;
    }
    if (methodsLeft.length > 0 && !methodsLeft.includes(words.method)) {
      return `${prefix}: the server does not allow ${words.method} authentication (${methods})`;
    }
    if (this.identitiesDone && this.passwordAsks > 0) return `${prefix}: the server rejected the password (${methods})`;
    return `${prefix}: ${words.rejected} (${methods})`;
  }
}

/** One hidden question that reads like "Password:": the account password, which the password in play answers. */
function asksForPassword(prompts: readonly ServerPrompt[]): boolean {
  const only = prompts.length === 1 ? prompts[0] : undefined;
  return only !== undefined && only.echo !== true && PASSWORD_PROMPT.test(only.prompt);
}

/** What the user's credential was, for "the server rejected …", and the SSH method it goes by. */
function credentialWords(credential: LoginCredential): { rejected: string; method: string } {
  switch (credential.kind) {
    case 'password':
      return { rejected: 'the server rejected the password', method: 'password' };
    case 'privateKey':
      return { rejected: 'the server did not accept the private key', method: 'publickey' };
    case 'agent':
      return {
        rejected: `the server accepted none of the keys in the SSH agent at ${credential.agentSocket}`,
        method: 'publickey',
      };
    case 'identities':
      return {
        rejected:
          credential.identities.length === 0
            ? 'no key to offer (no SSH agent, no IdentityFile readable)'
            : `the server accepted none of the keys offered (${credential.identities.map((offer) => offer.label).join('; ')})`,
        method: 'publickey',
      };
  }
}
