/**
 * Settings: the repository (defaults, partial saves, persistence, bad stored values) and the contract's validation of
 * `settings.save` through the real core. Migration 0070's table has its own test (test/core/store/migrations/).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import { openDatabase, type Database } from '../../../main/core/store/database';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { makeScratch, openDataDir, type Scratch } from '../../harness/dataDir';

let scratch: Scratch;
let db: Database | null = null;

beforeEach(async () => {
  scratch = await makeScratch('podterm-settings-');
});
afterEach(async () => {
  db?.close();
  db = null;
  await scratch.cleanup();
});

describe('settings repository', () => {
  const open = () => openDataDir(scratch.dataDir);

  it('answers the defaults on a new database', async () => {
    const store = await open();
    expect(store.settings.get()).toEqual(DEFAULT_SETTINGS);
    store.close();
  });

  it('saves a subset, keeps the rest, and persists across a reopen', async () => {
    const store = await open();
    const saved = store.settings.save({ fontSize: 16, theme: 'light', copyOnSelect: true });
    expect(saved).toEqual({ ...DEFAULT_SETTINGS, fontSize: 16, theme: 'light', copyOnSelect: true });
    store.settings.save({ fontSize: 18 });
    store.close();

    const again = await open();
    expect(again.settings.get()).toEqual({ ...DEFAULT_SETTINGS, fontSize: 18, theme: 'light', copyOnSelect: true });
    again.close();
  });

  it('falls back to the default for a stored value it cannot use, key by key', async () => {
    const store = await open();
    store.settings.save({ scrollback: 500 });
    store.close();
    db = openDatabase(scratch.databasePath);
    const insert = db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
    insert.run('fontSize', '999');
    insert.run('theme', '"purple"');
    insert.run('futureSetting', '{"x":1}');
    db.close();
    db = null;

    const again = await open();
    expect(again.settings.get()).toEqual({ ...DEFAULT_SETTINGS, scrollback: 500 });
    again.close();
  });
});

describe('settings over the contract', () => {
  let test: TestCore;
  const client = new RecordingClient();
  beforeEach(async () => {
    test = await createTestCore();
  });
  afterEach(async () => {
    await test.cleanup();
  });

  it('gets the defaults and saves a valid change', async () => {
    expect(await test.core.dispatch('settings.get', {}, client)).toEqual({ ok: true, result: DEFAULT_SETTINGS });
    expect(await test.core.dispatch('settings.save', { fontSize: 20, renderer: 'dom' }, client)).toEqual({
      ok: true,
      result: { ...DEFAULT_SETTINGS, fontSize: 20, renderer: 'dom' },
    });
  });

  it('refuses out-of-range and unknown values, naming each field, and stores nothing', async () => {
    const answer = await test.core.dispatch(
      'settings.save',
      {
        fontSize: 7,
        scrollback: 100_001,
        theme: 'purple',
        cursorStyle: 'beam',
        cursorBlink: 'yes',
        fontFamily: 'x'.repeat(201),
        colour: 'red',
      },
      client,
    );
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('invalidPayload');
    expect(answer.error.fieldErrors).toMatchObject({
      fontSize: 'font size must be between 8 and 32',
      scrollback: 'scrollback must be between 0 and 100000',
      theme: 'theme must be one of system, dark, light',
      cursorStyle: 'cursor style must be one of block, underline, bar',
      cursorBlink: 'cursor blink must be true or false',
      fontFamily: 'font family is at most 200 characters',
    });
    expect(answer.error.message).toMatch(/colour/);
    expect(await test.core.dispatch('settings.get', {}, client)).toEqual({ ok: true, result: DEFAULT_SETTINGS });
  });

  it('refuses a font family that could break out of a CSS declaration', async () => {
    const answer = await test.core.dispatch('settings.save', { fontFamily: 'x; background: url(evil)' }, client);
    expect(answer).toMatchObject({ ok: false, error: { fieldErrors: { fontFamily: expect.stringMatching(/;/) } } });
  });
});
