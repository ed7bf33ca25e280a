/**
 * Settings: migration 0070's table, the repository (defaults, partial saves, persistence, bad stored values), and the
 * contract's validation of `settings.save` through the real core.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../common/settings';
import { openDatabase, type Database } from '../../../main/core/store/database';
import { migrate } from '../../../main/core/store/migrate';
import { MIGRATIONS } from '../../../main/core/store/migrations';
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

/** The step before 0070, whatever other steps land between. */
const BEFORE_SETTINGS = MIGRATIONS.filter((step) => step.version < 70).at(-1)!.version;

describe('migration 0070', () => {
  it('adds a STRICT settings table and keeps the pods rows', () => {
    db = openDatabase(join(scratch.dir, 'podterm.db'));
    migrate(db, { targetVersion: BEFORE_SETTINGS });
    db.prepare(
      "INSERT INTO pods (id, name, namespace, pod_name, created_at, updated_at) VALUES ('p1', 'api', 'prod', 'api-0', 1, 1)",
    ).run();
    const podsBefore = db.prepare('SELECT * FROM pods').all();

    expect(migrate(db, { targetVersion: 70 }).applied).toEqual([70]);
    expect(db.prepare('SELECT * FROM pods').all()).toEqual(podsBefore);
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'settings'").get()).toEqual({ strict: 1 });
    const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    insert.run('fontSize', '14');
    expect(() => insert.run('fontSize', '15')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('theme', 'not json')).toThrow(/CHECK/);
    // STRICT: bytes are not text.
    expect(() => insert.run('cursorBlink', Buffer.from('true'))).toThrow(/cannot store BLOB/);
  });
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
