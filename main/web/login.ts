/**
 * The browser mode's login. The launch token (in the URL `npm run web` prints) works once: the first page to present it
 * on its WebSocket registers the page secret it sends along (32 random bytes the page drew and stored before sending,
 * so a reload in the middle of the exchange still holds it), and presents that secret on every later WebSocket (a
 * reload, another tab). Neither is ever a cookie, so no other origin, not even another port of 127.0.0.1, is sent
 * either one. Both are compared as SHA-256 digests with timingSafeEqual: constant time whatever was offered.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PAGE_SECRET_PATTERN, type WebLoginCredential } from '../../common/frames';

/** 32 random bytes: unguessable for the life of one launch. */
const TOKEN_BYTES = 32;
/** base64url of 32 bytes is 43 characters; anything much longer is not ours, and is not worth hashing. */
const MAX_OFFERED_LENGTH = 256;

export type LoginOutcome = { ok: true; with: WebLoginCredential } | { ok: false; reason: string };

export class WebLogin {
  /** Null once used: the URL in the terminal and the browser's history then holds a dead key. */
  private launchTokenDigest: Buffer | null;
  private secretDigest: Buffer | null = null;

  constructor(launchToken: string) {
    this.launchTokenDigest = digest(launchToken);
  }

  static newToken(): string {
    return randomBytes(TOKEN_BYTES).toString('base64url');
  }

  /**
   * Checks a page's login message. The launch token is tried first, so a page opened with a fresh launch's URL logs in
   * even when its storage still holds an earlier launch's secret; then the secret (a reload that lost the answer to
   * its token exchange still holds the secret it registered), then the stored secret (a used URL opened again in a
   * browser that logged in before).
   */
  logIn(message: unknown): LoginOutcome {
    if (!isRecord(message) || message.kind !== 'login') {
      return { ok: false, reason: 'the first message must be the login' };
    }
    const { launchToken, secret, storedSecret } = message;
    if (this.launchTokenDigest && matches(launchToken, this.launchTokenDigest)) {
      if (typeof secret !== 'string' || !PAGE_SECRET_PATTERN.test(secret)) {
        return { ok: false, reason: 'a launch token must come with a new page secret' };
      }
      this.launchTokenDigest = null;
      this.secretDigest = digest(secret);
      return { ok: true, with: 'launchToken' };
    }
    if (this.secretDigest && matches(secret, this.secretDigest)) return { ok: true, with: 'secret' };
    if (this.secretDigest && matches(storedSecret, this.secretDigest)) return { ok: true, with: 'storedSecret' };
    return { ok: false, reason: 'login refused: the launch link was used already, or is from another launch' };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function matches(offered: unknown, expected: Buffer): boolean {
  if (typeof offered !== 'string' || offered.length === 0 || offered.length > MAX_OFFERED_LENGTH) return false;
  return timingSafeEqual(digest(offered), expected);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
