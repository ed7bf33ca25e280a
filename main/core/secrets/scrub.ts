/**
 * The one scrubber every message built from an error goes through before people, logs or the database see it. A
 * library's error text can carry whatever it was given (undici repeats an invalid header value, a server may echo the
 * Authorization header, a YAML parser quotes the line it stopped at), so whoever turns an error into text hands it the
 * secret values the attempt used, and it replaces each of them with SCRUBBED_SECRET.
 *
 * It is a plain string replacement over every form a value is known to take in such text: as given, trimmed, escaped
 * the way JSON and JavaScript strings escape it, percent-encoded as in a URL, cut at its control characters (a message
 * may show the part before a line break) and with them removed. It imports nothing of ours.
 */

/** What a secret is replaced with: says that something was there, never what. */
export const SCRUBBED_SECRET = '[secret hidden]';

/**
 * Forms shorter than this are not scrubbed: three letters occur in ordinary words ("ssh", "pod", "key"), and hiding them
 * would garble every message while protecting a value too short to protect anything (a three-letter password).
 */
export const MIN_SCRUBBED_LENGTH = 4;

/** Control characters: a message may show a value cut at them, or with them dropped or escaped. */
const CONTROL_CHARACTERS = /\p{Cc}+/gu;

/**
 * kubeconfig keys whose values are credentials: users' token and password, the client key, and the tokens and client
 * secret of an auth provider's config. Matched in YAML (`token: abc`) and JSON (`"token":"abc"`) alike.
 */
const KUBECONFIG_CREDENTIAL =
  /["']?\b(token|password|client-key-data|id-token|refresh-token|access-token|client-secret)["']?\s*:\s*["']?([^\s"',}]+)/g;

/** A message that cannot carry any of the given secrets. Immutable: `with…` returns a new scrubber. */
export class SecretScrubber {
  /** Every form of every secret, longest first, so a value is replaced before a piece of it. */
  private readonly forms: readonly string[];

  private constructor(forms: Iterable<string>) {
    this.forms = [...new Set(forms)].sort((a, b) => b.length - a.length);
  }

  /** A scrubber that hides nothing (an attempt that used no secret). */
  static readonly none = new SecretScrubber([]);

  /** A scrubber for these secret values; null, undefined and empty ones are ignored. */
  static of(values: Iterable<string | null | undefined>): SecretScrubber {
    return SecretScrubber.none.with(values);
  }

  /** This scrubber, also hiding these values. */
  with(values: Iterable<string | null | undefined>): SecretScrubber {
    return this.adding(values, { pieces: true });
  }

  /**
   * This scrubber, also hiding a kubeconfig's text and every credential in it (found by key, so a kubeconfig that does
   * not parse is covered too). Its lines are not hidden one by one: most are server URLs and names messages need.
   */
  withKubeconfig(text: string | null | undefined): SecretScrubber {
    if (!text) return this;
    return this.adding([text], { pieces: false }).with(kubeconfigCredentials(text));
  }

  private adding(values: Iterable<string | null | undefined>, options: { pieces: boolean }): SecretScrubber {
    const forms = [...this.forms];
    for (const value of values) if (value) forms.push(...formsOf(value, options));
    return new SecretScrubber(forms);
  }

  /** The text with every secret replaced by SCRUBBED_SECRET. */
  scrub(text: string): string {
    let result = text;
    for (const form of this.forms) if (result.includes(form)) result = result.split(form).join(SCRUBBED_SECRET);
    return result;
  }

  /** An error's message (or the thrown value as text), scrubbed. */
  messageOf(error: unknown): string {
    return this.scrub(error instanceof Error ? error.message : String(error));
  }

  /** Whether this scrubber hides anything at all (tests, and callers that can skip work). */
  get isEmpty(): boolean {
    return this.forms.length === 0;
  }
}

/** The credential values a kubeconfig's text holds, with the PEM inside base64 client-key-data decoded. */
export function kubeconfigCredentials(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(KUBECONFIG_CREDENTIAL)) {
    const [, key, value] = match;
    if (!value) continue;
    found.push(value);
    if (key === 'client-key-data') found.push(Buffer.from(value, 'base64').toString('utf8'));
  }
  return found;
}

/**
 * Every form a secret takes in an error's text (see the file comment), those long enough to scrub. `pieces`: also each
 * part between its control characters (each line of a private key; the halves of a token with a line break).
 */
function formsOf(value: string, options: { pieces: boolean }): string[] {
  const forms = new Set<string>([value, value.trim()]);
  forms.add(JSON.stringify(value).slice(1, -1));
  forms.add(encodeURIComponent(value));
  forms.add(value.replace(CONTROL_CHARACTERS, ''));
  if (options.pieces) {
    for (const piece of value.split(CONTROL_CHARACTERS)) {
      forms.add(piece.trim());
      forms.add(encodeURIComponent(piece.trim()));
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SCRUBBED_LENGTH);
}
