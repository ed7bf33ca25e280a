/**
 * The page's side of the browser-mode login with the window's collaborators passed in (address, history, the two
 * storages, crypto): what it presents, and what it keeps or forgets after the server's answer.
 * (test/robustness/webLogin.test.ts runs the same in Chromium against the real server.)
 */
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { browserLogin, PAGE_SECRET_STORAGE_KEY, PENDING_LOGIN_STORAGE_KEY } from '../../renderer/src/client/webLogin';
import { PAGE_SECRET_PATTERN } from '../../common/frames';

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

/** A browser tab of the app at `href`; tabs of one browser share `localStorage`, a reload keeps `sessionStorage`. */
function tab(href: string, localStorage: Storage, sessionStorage: Storage = new MemoryStorage()) {
  const addresses: string[] = [];
  const window = {
    location: { href } as Location,
    history: { state: null, replaceState: (_state: unknown, _title: string, url: string) => addresses.push(url) },
    localStorage,
    sessionStorage,
    crypto: webcrypto as unknown as Crypto,
  } as unknown as Parameters<typeof browserLogin>[0];
  return { login: browserLogin(window), addresses, sessionStorage };
}

const ORIGIN = 'http://127.0.0.1:41234';

describe('browserLogin', () => {
  it('takes the token out of the address, sends it with a fresh secret, and keeps that secret once confirmed', () => {
    const local = new MemoryStorage();
    const first = tab(`${ORIGIN}/?token=launch#x`, local);
    expect(first.addresses).toEqual(['/#x']);
    const sent = first.login.credentials();
    expect(sent.launchToken).toBe('launch');
    expect(sent.secret).toMatch(PAGE_SECRET_PATTERN);
    expect(local.getItem(PAGE_SECRET_STORAGE_KEY)).toBeNull();
    first.login.confirmed('launchToken');
    expect(local.getItem(PAGE_SECRET_STORAGE_KEY)).toBe(sent.secret);
    expect(first.sessionStorage.getItem(PENDING_LOGIN_STORAGE_KEY)).toBeNull();
    // A second tab (or a reload) presents the stored secret alone.
    expect(tab(`${ORIGIN}/`, local).login.credentials()).toEqual({ secret: sent.secret });
  });

  it('presents the same token and secret again after a reload that lost the server’s answer', () => {
    const local = new MemoryStorage();
    const opened = tab(`${ORIGIN}/?token=launch`, local);
    const sent = opened.login.credentials();
    const reloaded = tab(`${ORIGIN}/`, local, opened.sessionStorage);
    expect(reloaded.login.credentials()).toEqual(sent);
    reloaded.login.confirmed('secret');
    expect(local.getItem(PAGE_SECRET_STORAGE_KEY)).toBe(sent.secret);
  });

  it('keeps the stored secret when a used URL logged in with it, and offers a new secret with every new token', () => {
    const local = new MemoryStorage();
    local.setItem(PAGE_SECRET_STORAGE_KEY, 'stored');
    const reopened = tab(`${ORIGIN}/?token=used`, local);
    const sent = reopened.login.credentials();
    expect(sent).toMatchObject({ launchToken: 'used', storedSecret: 'stored' });
    expect(sent.secret).not.toBe('stored');
    reopened.login.confirmed('storedSecret');
    expect(local.getItem(PAGE_SECRET_STORAGE_KEY)).toBe('stored');
  });

  it('forgets what was refused, but not a secret another tab stored since', () => {
    const local = new MemoryStorage();
    local.setItem(PAGE_SECRET_STORAGE_KEY, 'earlier launch');
    const stale = tab(`${ORIGIN}/`, local);
    stale.login.credentials();
    stale.login.refused();
    expect(local.getItem(PAGE_SECRET_STORAGE_KEY)).toBeNull();

    local.setItem(PAGE_SECRET_STORAGE_KEY, 'earlier launch');
    const slow = tab(`${ORIGIN}/`, local);
    slow.login.credentials();
    local.setItem(PAGE_SECRET_STORAGE_KEY, 'this launch');
    slow.login.refused();
    expect(local.getItem(PAGE_SECRET_STORAGE_KEY)).toBe('this launch');
  });
});
