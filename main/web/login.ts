/**
 * The browser mode's login. The launch token (in the URL `npm run web` prints) works once: the first page to present it
 * on its WebSocket receives the page secret, keeps it in its origin's storage, and presents it on every later WebSocket
 * (a reload, another tab). Neither is ever a cookie, so no other origin, not even another port of 127.0.0.1, is sent
 * either one. Both are compared as SHA-256 digests with timingSafeEqual: constant time whatever was offered.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes: unguessable for the life of one launch. */
const SECRET_BYTES = 32;
/** base64url of 32 bytes is 43 characters; anything much longer is not ours, and is not worth hashing. */
const MAX_OFFERED_LENGTH = 256;

export type LoginOutcome =
  /** Logged in; `secret` is set when the launch token was exchanged for it (the page must keep it). */
  { ok: true; secret?: string } | { ok: false; reason: string };

export class WebLogin {
  /** Null once used: the URL in the terminal and the browser's history then holds a dead key. */
  private launchTokenDigest: Buffer | null;
  private secretDigest: Buffer | null = null;

  constructor(launchToken: string) {
    this.launchTokenDigest = digest(launchToken);
  }

  static newToken(): string {
    return randomBytes(SECRET_BYTES).toString('base64url');
  }

  /**
   * Checks a page's login message. The launch token is tried first, so a page opened with a fresh launch's URL logs in
   * even when its storage still holds an earlier launch's secret; a page opened with a used URL logs in with the secret
   * an earlier login in the same browser stored.
   */
  logIn(message: unknown): LoginOutcome {
    if (!isRecord(message) || message.kind !== 'login') {
      return { ok: false, reason: 'the first message must be the login' };
    }
    if (this.launchTokenDigest && matches(message.launchToken, this.launchTokenDigest)) {
      this.launchTokenDigest = null;
      const secret = WebLogin.newToken();
      this.secretDigest = digest(secret);
      return { ok: true, secret };
    }
    if (this.secretDigest && matches(message.secret, this.secretDigest)) return { ok: true };
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
