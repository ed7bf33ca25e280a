/**
 * Settings → Terminal: font, theme, scrollback, cursor, clipboard and renderer. Every change is saved at once and
 * applied live to every open terminal (settingsStore.ts); a value main refuses shows its message under the field.
 */
import { useId, useState, useSyncExternalStore, type ReactNode } from 'react';
import { ContractError } from '../../../../common/contract';
import {
  CURSOR_STYLES,
  MAX_FONT_SIZE,
  MAX_SCROLLBACK,
  MIN_FONT_SIZE,
  type SettingsSaveRequest,
  type TerminalSettings as Settings,
} from '../../../../common/settings';
import { IS_MAC } from '../../session/clipboard';
import { settingsStore } from '../../session/settingsStore';
import './TerminalSettings.css';
import { messageOf } from '../../../../common/errors';

const subscribe = (listener: () => void) => settingsStore.subscribe(listener);
const CURSOR_LABELS: Record<(typeof CURSOR_STYLES)[number], string> = {
  block: 'Block',
  underline: 'Underline',
  bar: 'Bar',
};
const MOD = IS_MAC ? '⌘' : 'Ctrl+Shift+';

export function TerminalSettings() {
  const settings = useSyncExternalStore(subscribe, () => settingsStore.get());
  const [errors, setErrors] = useState<Record<string, string>>({});
  // What the user is typing, until it is saved; null shows the stored value (which may change elsewhere, e.g. "don't
  // ask again" in a paste question).
  const [fontFamilyDraft, setFontFamily] = useState<string | null>(null);
  const [fontSizeDraft, setFontSize] = useState<string | null>(null);
  const [scrollbackDraft, setScrollback] = useState<string | null>(null);
  const fontFamily = fontFamilyDraft ?? settings.fontFamily;
  const fontSize = fontSizeDraft ?? String(settings.fontSize);
  const scrollback = scrollbackDraft ?? String(settings.scrollback);

  const save = (changes: SettingsSaveRequest) => {
    const keys = Object.keys(changes);
    settingsStore.save(changes).then(
      () => setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !keys.includes(key)))),
      (error: unknown) => {
        const fieldErrors = error instanceof ContractError ? error.fieldErrors : undefined;
        const message = messageOf(error);
        setErrors((current) => ({ ...current, ...(fieldErrors ?? { [keys[0] ?? 'form']: message }) }));
      },
    );
  };
  const saveNumber = (key: 'fontSize' | 'scrollback', text: string, current: number) => {
    const value = Number(text);
    if (text.trim() !== '' && value === current) return;
    // Let main say what is wrong with a bad number (its message names the range).
    save({ [key]: text.trim() === '' ? Number.NaN : value } as SettingsSaveRequest);
  };

  return (
    <section className="terminal-settings" aria-labelledby="terminal-settings-title">
      <h3 id="terminal-settings-title" className="settings-section-title">
        Terminal
      </h3>
      <Row label="Font family" error={errors.fontFamily} hint="A CSS font list; empty uses common monospace fonts.">
        {(id) => (
          <input
            id={id}
            className="input mono"
            value={fontFamily}
            placeholder='"JetBrains Mono", Menlo, monospace'
            spellCheck={false}
            onChange={(event) => setFontFamily(event.target.value)}
            onBlur={() => {
              if (fontFamily !== settings.fontFamily) save({ fontFamily });
              setFontFamily(null);
            }}
            onKeyDown={(event) => event.key === 'Enter' && save({ fontFamily })}
          />
        )}
      </Row>
      <Row label="Font size" error={errors.fontSize} hint={`${MIN_FONT_SIZE}–${MAX_FONT_SIZE} px`}>
        {(id) => (
          <input
            id={id}
            className="input input-number"
            type="number"
            min={MIN_FONT_SIZE}
            max={MAX_FONT_SIZE}
            value={fontSize}
            onChange={(event) => {
              setFontSize(event.target.value);
              // Arrow keys and the spinner step one at a time: apply those at once, like a live preview.
              const value = Number(event.target.value);
              if (Number.isInteger(value) && value >= MIN_FONT_SIZE && value <= MAX_FONT_SIZE)
                save({ fontSize: value });
            }}
            onBlur={() => {
              saveNumber('fontSize', fontSize, settings.fontSize);
              setFontSize(null);
            }}
          />
        )}
      </Row>
      <Row label="Theme" error={errors.theme}>
        {(id) => (
          <select
            id={id}
            className="select"
            value={settings.theme}
            onChange={(event) => save({ theme: event.target.value as Settings['theme'] })}
          >
            <option value="dark">Dark</option>
            <option value="light">Light</option>
            <option value="system">Follow the system</option>
          </select>
        )}
      </Row>
      <Row
        label="Scrollback"
        error={errors.scrollback}
        hint={`Lines kept per tab, up to ${MAX_SCROLLBACK.toLocaleString()}`}
      >
        {(id) => (
          <input
            id={id}
            className="input input-number"
            type="number"
            min={0}
            max={MAX_SCROLLBACK}
            step={1000}
            value={scrollback}
            onChange={(event) => setScrollback(event.target.value)}
            onBlur={() => {
              saveNumber('scrollback', scrollback, settings.scrollback);
              setScrollback(null);
            }}
            onKeyDown={(event) => event.key === 'Enter' && saveNumber('scrollback', scrollback, settings.scrollback)}
          />
        )}
      </Row>
      <Row label="Cursor" error={errors.cursorStyle ?? errors.cursorBlink}>
        {(id) => (
          <div className="settings-inline">
            <select
              id={id}
              className="select"
              value={settings.cursorStyle}
              onChange={(event) => save({ cursorStyle: event.target.value as Settings['cursorStyle'] })}
            >
              {CURSOR_STYLES.map((style) => (
                <option key={style} value={style}>
                  {CURSOR_LABELS[style]}
                </option>
              ))}
            </select>
            <Check label="Blink" checked={settings.cursorBlink} onChange={(cursorBlink) => save({ cursorBlink })} />
          </div>
        )}
      </Row>
      <Row label="Clipboard" error={errors.copyOnSelect ?? errors.confirmMultilinePaste}>
        {() => (
          <div className="settings-stack">
            <Check
              label="Copy on select"
              checked={settings.copyOnSelect}
              onChange={(copyOnSelect) => save({ copyOnSelect })}
            />
            <Check
              label="Ask before pasting several lines"
              checked={settings.confirmMultilinePaste}
              onChange={(confirmMultilinePaste) => save({ confirmMultilinePaste })}
            />
            <span className="settings-hint">
              Copy <kbd>{MOD}C</kbd> · Paste <kbd>{MOD}V</kbd> · Find <kbd>{MOD}F</kbd>
            </span>
          </div>
        )}
      </Row>
      <Row
        label="Renderer"
        error={errors.renderer}
        hint="WebGL is faster on a graphics card and much slower without one, so Automatic uses it only on a graphics card. WebGL falls back to DOM by itself when it fails."
      >
        {(id) => (
          <select
            id={id}
            className="select"
            value={settings.renderer}
            onChange={(event) => save({ renderer: event.target.value as Settings['renderer'] })}
          >
            <option value="auto">Automatic (WebGL on a graphics card)</option>
            <option value="webgl">WebGL (always)</option>
            <option value="dom">DOM (always)</option>
          </select>
        )}
      </Row>
    </section>
  );
}

export function Row({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="settings-row">
      <label className="settings-label" htmlFor={id}>
        {label}
      </label>
      <div className="settings-control">
        {children(id)}
        {hint && !error && <div className="settings-hint">{hint}</div>}
        {error && (
          <div className="settings-error" role="alert">
            {error}
          </div>
        )}
      </div>
    </div>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange(value: boolean): void }) {
  return (
    <label className="settings-check">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      {label}
    </label>
  );
}
