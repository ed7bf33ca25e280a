/**
 * The user's terminal settings applied live: font, scrollback, cursor and theme go into the terminal's options as
 * soon as they change, the renderer follows its setting, and a changed font refits the terminal.
 */
import type { ITerminalOptions, Terminal } from '@xterm/xterm';
import type { TerminalSettings } from '../../../../common/settings';
import { DisposableOwner, toDisposable } from '../disposable';
import { isLightTheme, settingsStore } from '../settingsStore';
import { TERMINAL_FONT_FAMILY, terminalThemeFor } from '../terminalTheme';
import type { RendererChoice } from './rendererChoice';

/** Terminal options that come from the settings, for the constructor and for live updates. */
export function terminalOptionsFor(settings: TerminalSettings): ITerminalOptions {
  return {
    fontFamily: settings.fontFamily.trim() || TERMINAL_FONT_FAMILY,
    fontSize: settings.fontSize,
    scrollback: settings.scrollback,
    cursorStyle: settings.cursorStyle,
    cursorBlink: settings.cursorBlink,
    theme: terminalThemeFor(isLightTheme(settings)),
  };
}

export interface LiveSettingsOptions {
  /** Whether the session still takes input (an ended tab keeps its cursor still). */
  isLive(): boolean;
  /** Font metrics changed: refit and send the new size. */
  refit(): void;
}

export class LiveSettings extends DisposableOwner {
  constructor(
    private readonly term: Terminal,
    private readonly renderer: Pick<RendererChoice, 'follow'>,
    private readonly options: LiveSettingsOptions,
  ) {
    super();
    this.register(toDisposable(settingsStore.subscribe((settings) => this.apply(settings))));
  }

  private apply(settings: TerminalSettings): void {
    const before = { family: this.term.options.fontFamily, size: this.term.options.fontSize };
    const options = terminalOptionsFor(settings);
    if (!this.options.isLive()) delete options.cursorBlink;
    Object.assign(this.term.options, options);
    // Before the refit: the new renderer's cell size is the one to fit to.
    this.renderer.follow(settings);
    if (before.family !== this.term.options.fontFamily || before.size !== this.term.options.fontSize) {
      this.options.refit();
    }
  }
}
