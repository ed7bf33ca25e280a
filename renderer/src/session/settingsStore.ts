/**
 * The terminal and appearance settings for this page: loaded once from main, saved through `settings.save`, and
 * pushed live to every open terminal and to the app's theme (the `data-theme` attribute on <html>). A plain store
 * outside React, because terminals live outside React too.
 */
import { DEFAULT_SETTINGS, type SettingsSaveRequest, type TerminalSettings } from '../../../common/settings';
import type { RendererClient } from '../client';
import { PREFERS_LIGHT_QUERY } from './terminalTheme';

type Listener = (settings: TerminalSettings) => void;

/** Whether the app shows its light palette now: the setting, or the OS's preference when the setting says 'system'. */
export function isLightTheme(settings: TerminalSettings): boolean {
  if (settings.theme === 'system') return window.matchMedia(PREFERS_LIGHT_QUERY).matches;
  return settings.theme === 'light';
}

class SettingsStore {
  private current: TerminalSettings = { ...DEFAULT_SETTINGS };
  private readonly listeners = new Set<Listener>();
  private client: RendererClient | null = null;
  private readonly systemScheme = window.matchMedia(PREFERS_LIGHT_QUERY);

  constructor() {
    // 'system' follows the OS live; the other themes ignore it.
    this.systemScheme.addEventListener('change', () => {
      if (this.current.theme === 'system') this.publish();
    });
    this.applyTheme();
  }

  /** Loads the stored settings; until it answers, terminals use the defaults (and are updated when it does). */
  async load(client: RendererClient): Promise<void> {
    this.client = client;
    this.set(await client.api.settings.get({}));
  }

  get(): TerminalSettings {
    return this.current;
  }

  /** Stores a change in main and applies what main answers (the full, validated settings). */
  async save(changes: SettingsSaveRequest): Promise<TerminalSettings> {
    if (!this.client) throw new Error('Settings are not loaded yet; try again in a moment.');
    const saved = await this.client.api.settings.save(changes);
    this.set(saved);
    return saved;
  }

  /** Calls `listener` on every change (not now). Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private set(settings: TerminalSettings): void {
    this.current = settings;
    this.publish();
  }

  private publish(): void {
    this.applyTheme();
    for (const listener of [...this.listeners]) listener(this.current);
  }

  private applyTheme(): void {
    document.documentElement.dataset.theme = isLightTheme(this.current) ? 'light' : 'dark';
  }
}

/** The page's one settings store (one page, one set of settings). */
export const settingsStore = new SettingsStore();
