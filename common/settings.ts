/**
 * Terminal and appearance settings as they cross the process boundary: the full typed object with its defaults
 * (`settings.get`) and the partial update the renderer may send (`settings.save`), validated here so main never stores
 * a value the renderer could not apply.
 */
import { z } from 'zod';

export const THEMES = ['system', 'dark', 'light'] as const;
export type ThemeSetting = (typeof THEMES)[number];
export const CURSOR_STYLES = ['block', 'underline', 'bar'] as const;
export type CursorStyleSetting = (typeof CURSOR_STYLES)[number];
/**
 * 'auto' uses WebGL on a hardware GPU and the DOM renderer otherwise: WebGL on a software rasterizer (no GPU, a
 * blocklisted driver, most VMs) draws about ten times slower than the DOM renderer. 'webgl' tries WebGL whatever
 * draws it; 'dom' never tries WebGL (some drivers draw it badly). WebGL falls back to the DOM renderer when it fails.
 */
export const RENDERERS = ['auto', 'webgl', 'dom'] as const;
export type RendererSetting = (typeof RENDERERS)[number];

/** A CSS font-family list of a dozen names fits easily; anything longer is a paste accident. */
export const MAX_FONT_FAMILY_LENGTH = 200;
/** Below 8 px glyphs are unreadable; above 32 px an 80-column terminal no longer fits a laptop screen. */
export const MIN_FONT_SIZE = 8;
export const MAX_FONT_SIZE = 32;
/** xterm.js keeps every scrollback line in memory per tab; 100k lines of 200 columns is already ~100 MB. */
export const MAX_SCROLLBACK = 100_000;

export interface TerminalSettings {
  /** A CSS font-family list; empty means Podterm's default list of common monospace fonts. */
  fontFamily: string;
  fontSize: number;
  theme: ThemeSetting;
  scrollback: number;
  cursorStyle: CursorStyleSetting;
  cursorBlink: boolean;
  /** Selecting text in a terminal copies it at once, as in X11 terminals. */
  copyOnSelect: boolean;
  /** Ask before pasting text of several lines (each line would run as a command). */
  confirmMultilinePaste: boolean;
  renderer: RendererSetting;
}

/** What a fresh install uses; a stored value overrides its key only. Dark by default, as the app is. */
export const DEFAULT_SETTINGS: Readonly<TerminalSettings> = Object.freeze({
  fontFamily: '',
  fontSize: 13,
  theme: 'dark',
  scrollback: 10_000,
  cursorStyle: 'block',
  cursorBlink: true,
  copyOnSelect: false,
  confirmMultilinePaste: true,
  renderer: 'auto',
});

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ message: `${what} must be a number` })
    .int({ message: `${what} must be a whole number` })
    .min(min, { message: `${what} must be between ${min} and ${max}` })
    .max(max, { message: `${what} must be between ${min} and ${max}` });
const oneOf = <T extends readonly [string, ...string[]]>(what: string, values: T) =>
  z.enum(values, { message: `${what} must be one of ${values.join(', ')}` });
const flag = (what: string) => z.boolean({ message: `${what} must be true or false` });

/** One schema per key, so a stored value can be checked alone (a bad one falls back to its default, not all of them). */
export const settingSchemas = {
  fontFamily: z
    .string({ message: 'font family must be text' })
    .max(MAX_FONT_FAMILY_LENGTH, { message: `font family is at most ${MAX_FONT_FAMILY_LENGTH} characters` })
    .regex(/^[^;{}<>]*$/, { message: 'font family may not contain ; { } < or >' }),
  fontSize: wholeNumber('font size', MIN_FONT_SIZE, MAX_FONT_SIZE),
  theme: oneOf('theme', THEMES),
  scrollback: wholeNumber('scrollback', 0, MAX_SCROLLBACK),
  cursorStyle: oneOf('cursor style', CURSOR_STYLES),
  cursorBlink: flag('cursor blink'),
  copyOnSelect: flag('copy on select'),
  confirmMultilinePaste: flag('confirm multi-line paste'),
  renderer: oneOf('renderer', RENDERERS),
} satisfies { [K in keyof TerminalSettings]: z.ZodType<TerminalSettings[K]> };

export type SettingKey = keyof TerminalSettings;
export const SETTING_KEYS = Object.keys(settingSchemas) as SettingKey[];

/** `settings.save`: any subset of the keys; unknown keys are refused so a typo is not silently dropped. */
export const settingsSaveSchema = z.object(settingSchemas).partial().strict();
export type SettingsSaveRequest = z.infer<typeof settingsSaveSchema>;
