/**
 * Terminal and appearance settings: one row per key, the value as JSON. Reads validate each stored value against the
 * contract's schema and fall back to the default for that key alone, so a value written by another build (or edited by
 * hand) can never break the terminal.
 */
import {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  settingSchemas,
  type SettingKey,
  type SettingsSaveRequest,
  type TerminalSettings,
} from '../../../common/settings';
import type { Database, Statement } from './database';
import type { SettingsRepository } from './types';

interface SettingRow {
  key: string;
  value: string;
}

export class SqliteSettingsRepository implements SettingsRepository {
  private readonly allStmt: Statement<[], SettingRow>;
  private readonly upsertStmt: Statement<{ key: string; value: string }>;
  private readonly saveAll: (changes: SettingsSaveRequest) => void;

  constructor(db: Database) {
    this.allStmt = db.prepare('SELECT key, value FROM settings');
    this.upsertStmt = db.prepare(
      'INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    // One transaction: a save of several keys is applied whole or not at all.
    this.saveAll = db.transaction((changes: SettingsSaveRequest) => {
      for (const key of SETTING_KEYS) {
        const value = changes[key];
        if (value !== undefined) this.upsertStmt.run({ key, value: JSON.stringify(value) });
      }
    });
  }

  get(): TerminalSettings {
    const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const row of this.allStmt.all()) {
      if (!isSettingKey(row.key)) continue; // A key from another build: not ours to interpret.
      const parsed = settingSchemas[row.key].safeParse(parseJson(row.value));
      if (parsed.success) settings[row.key] = parsed.data;
    }
    return settings as unknown as TerminalSettings;
  }

  save(changes: SettingsSaveRequest): TerminalSettings {
    this.saveAll(changes);
    return this.get();
  }
}

function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as string[]).includes(key);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
