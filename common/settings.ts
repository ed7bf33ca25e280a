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

/** What `kubectl debug` users reach for first: small, on every registry mirror, with sh, ps and a few tools. */
export const DEFAULT_DEBUG_IMAGE = 'busybox';
/** An image reference (registry/repo:tag@digest) is far shorter; longer is a paste accident. */
export const MAX_DEBUG_IMAGE_LENGTH = 512;
/** Per-context debug images: one per cluster the user works with; a few hundred is already more than anyone has. */
export const MAX_DEBUG_IMAGE_CONTEXTS = 200;
/** kubeconfig context names are free text; a DNS name's 253 characters is plenty. */
const MAX_CONTEXT_NAME_LENGTH = 253;

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
  /** The image of a debug (ephemeral) container, when its kubeconfig context has none of its own. */
  debugImage: string;
  /** Debug images by kubeconfig context name, for clusters that need another (a mirror, an image with more tools). */
  debugImageByContext: Record<string, string>;
}

/** The debug image for a kubeconfig context: its own when set, else the general one. */
export function debugImageFor(
  settings: Pick<TerminalSettings, 'debugImage' | 'debugImageByContext'>,
  context: string | null,
): string {
  return (context !== null ? settings.debugImageByContext[context] : undefined) ?? settings.debugImage;
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
  debugImage: DEFAULT_DEBUG_IMAGE,
  debugImageByContext: {},
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

/** An image reference as a container runtime takes it: "busybox", "registry.example.com:5000/tools/debug:1.2@sha256:…". */
const imageReference = z
  .string({ message: 'debug image must be text' })
  .min(1, { message: 'give a debug image, e.g. busybox' })
  .max(MAX_DEBUG_IMAGE_LENGTH, { message: `debug image is at most ${MAX_DEBUG_IMAGE_LENGTH} characters` })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$/, {
    message: 'debug image must be an image reference such as busybox or registry.example.com/tools/debug:1.0',
  });

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
  debugImage: imageReference,
  debugImageByContext: z
    .record(
      z
        .string()
        .min(1, { message: 'a context name is required' })
        .max(MAX_CONTEXT_NAME_LENGTH, { message: `a context name is at most ${MAX_CONTEXT_NAME_LENGTH} characters` }),
      imageReference,
      { message: 'debug images by context must map context names to images' },
    )
    .refine((map) => Object.keys(map).length <= MAX_DEBUG_IMAGE_CONTEXTS, {
      message: `at most ${MAX_DEBUG_IMAGE_CONTEXTS} contexts may have their own debug image`,
    }),
} satisfies { [K in keyof TerminalSettings]: z.ZodType<TerminalSettings[K]> };

export type SettingKey = keyof TerminalSettings;
export const SETTING_KEYS = Object.keys(settingSchemas) as SettingKey[];

/** `settings.save`: any subset of the keys; unknown keys are refused so a typo is not silently dropped. */
export const settingsSaveSchema = z.object(settingSchemas).partial().strict();
export type SettingsSaveRequest = z.infer<typeof settingsSaveSchema>;
