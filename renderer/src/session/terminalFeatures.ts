/**
 * What a tab's terminal does beyond showing a session: the xterm.js addons (search, web links, Unicode 11 widths, the
 * WebGL renderer with its DOM fallback), the clipboard keys and paste confirmation, the user's settings applied live,
 * and session recording. One instance per TerminalSession; React reads its state through subscribe/getState.
 */
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import type { ITerminalOptions, Terminal } from '@xterm/xterm';
import type { TerminalSettings } from '../../../common/settings';
import type { RendererClient } from '../client';
import { isCopyKey, isPasteKey, isSearchKey, lineCount, openExternalLink } from './clipboard';
import { isLightTheme, settingsStore } from './settingsStore';
import { TERMINAL_FONT_FAMILY, terminalThemeFor } from './terminalTheme';
import { messageOf } from '../../../common/errors';

/**
 * The automation hook on the terminal's element: a non-enumerable function answering the text of the rows on screen,
 * read from xterm's buffer, so tests and tools work whichever renderer (WebGL canvas or DOM rows) draws the terminal.
 * Read-only: it never changes the terminal.
 */
export const TERMINAL_TEXT_HOOK = '__podtermTerminalText';

/** Search highlights, #RRGGBB as the search addon requires. Dark and light palettes, like the terminal themes. */
const SEARCH_COLOURS = {
  dark: { match: '#4b4222', active: '#9c7a1c', activeBorder: '#ffd866', ruler: '#c9a227', activeRuler: '#ffd866' },
  light: { match: '#fbe8a6', active: '#f2c744', activeBorder: '#a37b00', ruler: '#c9a227', activeRuler: '#a37b00' },
} as const;
/** Highlighting more matches than this costs more than it helps; the count then says "many". */
const SEARCH_HIGHLIGHT_LIMIT = 1000;

export interface SearchState {
  /** Zero-based; -1 when there are more matches than are highlighted. */
  index: number;
  count: number;
}

export interface TerminalFeaturesState {
  searchOpen: boolean;
  /** Bumped by every "open search" (also when it is open already), so the bar takes the keyboard again. */
  searchFocus: number;
  /** Null before the first search of an opened bar. */
  search: SearchState | null;
  /** Text waiting for the user to confirm a multi-line paste. */
  pendingPaste: string | null;
  /** The remote asked for bracketed paste, so a pasted line break does not run anything by itself. */
  bracketedPaste: boolean;
  /** The file being written while this tab records. */
  recording: string | null;
  recordingBusy: boolean;
  /** The file of the recording that just finished, shown until dismissed. */
  savedRecording: string | null;
  renderer: 'webgl' | 'dom';
}

export interface SearchQuery {
  text: string;
  caseSensitive: boolean;
  regex: boolean;
}

export interface TerminalFeaturesOptions {
  client: RendererClient;
  /** The open session's id, or null while none is open. */
  sessionId(): number | null;
  /** Whether the session still takes input (an ended tab keeps its cursor still). */
  isLive(): boolean;
  /** Font metrics changed: refit and send the new size. */
  refit(): void;
  onError(message: string): void;
}

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

export class TerminalFeatures {
  private readonly search = new SearchAddon({ highlightLimit: SEARCH_HIGHLIGHT_LIMIT });
  private webgl: WebglAddon | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly disposers: Array<() => void> = [];
  private opened = false;
  private lastSearchOptions = '';
  private state: TerminalFeaturesState = {
    searchOpen: false,
    searchFocus: 0,
    search: null,
    pendingPaste: null,
    bracketedPaste: false,
    recording: null,
    recordingBusy: false,
    savedRecording: null,
    renderer: 'dom',
  };

  constructor(
    private readonly term: Terminal,
    private readonly element: HTMLElement,
    private readonly options: TerminalFeaturesOptions,
  ) {
    term.loadAddon(this.search);
    term.loadAddon(new WebLinksAddon((event, uri) => openExternalLink(uri, event)));
    term.loadAddon(new Unicode11Addon());
    // Emoji and CJK take two cells in every modern shell and editor; Unicode 6 widths would misalign them.
    term.unicode.activeVersion = '11';

    const results = this.search.onDidChangeResults(({ resultIndex, resultCount }) =>
      this.update({ search: { index: resultIndex, count: resultCount } }),
    );
    const selection = term.onSelectionChange(() => {
      if (settingsStore.get().copyOnSelect && term.hasSelection()) this.copy(term.getSelection());
    });
    this.disposers.push(
      () => results.dispose(),
      () => selection.dispose(),
    );

    // Capture phase on the element: we see the paste before xterm's textarea handler, and route it through
    // term.paste() (which brackets it when the remote asked for bracketed paste) after any confirmation.
    const onPaste = (event: ClipboardEvent) => {
      event.preventDefault();
      event.stopImmediatePropagation();
      this.paste(event.clipboardData?.getData('text/plain') ?? '');
    };
    element.addEventListener('paste', onPaste, true);
    this.disposers.push(() => element.removeEventListener('paste', onPaste, true));
    this.disposers.push(settingsStore.subscribe((settings) => this.apply(settings)));

    Object.defineProperty(element, TERMINAL_TEXT_HOOK, {
      value: () => screenText(term),
      enumerable: false,
      configurable: true,
    });
  }

  // --- state for React ---

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  readonly getState = (): TerminalFeaturesState => this.state;

  private update(change: Partial<TerminalFeaturesState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of [...this.listeners]) listener();
  }

  /** The terminal was opened into the page: now a renderer can be chosen (WebGL needs a canvas in the document). */
  attached(): void {
    this.opened = true;
    this.chooseRenderer(settingsStore.get());
  }

  // --- keys ---

  /** xterm's custom key handler: false when the key was ours (xterm must not send it to the shell). */
  handleKey(event: KeyboardEvent): boolean {
    const keydown = event.type === 'keydown';
    if (isSearchKey(event)) {
      if (keydown) {
        event.preventDefault();
        this.openSearch();
      }
      return false;
    }
    if (isCopyKey(event)) {
      const selection = this.term.hasSelection() ? this.term.getSelection() : '';
      // Cmd+C without a selection does nothing special on macOS; Ctrl+Shift+C never reaches the shell.
      if (!selection && event.metaKey) return true;
      if (keydown) {
        event.preventDefault();
        if (selection) this.copy(selection);
      }
      return false;
    }
    // No preventDefault: the browser's own paste fires a paste event, which the capture listener above routes.
    if (isPasteKey(event)) return false;
    return true;
  }

  // --- search ---

  openSearch(): void {
    this.update({ searchOpen: true, searchFocus: this.state.searchFocus + 1 });
  }

  closeSearch(): void {
    this.search.clearDecorations();
    this.update({ searchOpen: false, search: null });
    this.term.focus();
  }

  /** Finds the next (or previous) match; `incremental` keeps the current match while the user is still typing. */
  find(query: SearchQuery, direction: 'next' | 'previous', incremental = false): void {
    if (!query.text) {
      this.search.clearDecorations();
      this.update({ search: null });
      return;
    }
    const options = this.searchOptions(query, incremental);
    // The addon (0.16) does not notice a changed option for the same text; clearing makes it search afresh.
    const optionsKey = `${query.caseSensitive}:${query.regex}`;
    if (optionsKey !== this.lastSearchOptions) this.search.clearDecorations();
    this.lastSearchOptions = optionsKey;
    try {
      if (direction === 'next') this.search.findNext(query.text, options);
      else this.search.findPrevious(query.text, options);
    } catch {
      // An unfinished regular expression ("(") is not an error worth a toast: it just matches nothing yet.
      this.update({ search: { index: -1, count: 0 } });
    }
  }

  private searchOptions(query: SearchQuery, incremental: boolean): ISearchOptions {
    const colours = isLightTheme(settingsStore.get()) ? SEARCH_COLOURS.light : SEARCH_COLOURS.dark;
    return {
      caseSensitive: query.caseSensitive,
      regex: query.regex,
      incremental,
      decorations: {
        matchBackground: colours.match,
        activeMatchBackground: colours.active,
        // The active match is also the selection, which paints over its background; the border keeps it visible.
        activeMatchBorder: colours.activeBorder,
        matchOverviewRuler: colours.ruler,
        activeMatchColorOverviewRuler: colours.activeRuler,
      },
    };
  }

  // --- clipboard ---

  private copy(text: string): void {
    if (!navigator.clipboard) {
      this.options.onError('The clipboard is not available here (the page is not a secure context).');
      return;
    }
    navigator.clipboard.writeText(text).catch((error: unknown) => {
      this.options.onError(`Could not copy to the clipboard: ${error instanceof Error ? error.message : error}`);
    });
  }

  /** Sends pasted text, asking first when it has several lines (each would run as a command) and the user wants that. */
  paste(text: string): void {
    if (!text || !this.options.isLive()) return;
    if (settingsStore.get().confirmMultilinePaste && lineCount(text) > 1) {
      this.update({ pendingPaste: text, bracketedPaste: this.term.modes.bracketedPasteMode });
      return;
    }
    this.term.paste(text);
  }

  confirmPaste(dontAskAgain: boolean): void {
    const text = this.state.pendingPaste;
    this.update({ pendingPaste: null });
    if (text !== null) this.term.paste(text);
    this.term.focus();
    if (dontAskAgain) {
      settingsStore.save({ confirmMultilinePaste: false }).catch((error: unknown) => {
        this.options.onError(messageOf(error));
      });
    }
  }

  cancelPaste(): void {
    this.update({ pendingPaste: null });
    this.term.focus();
  }

  // --- recording ---

  async toggleRecording(): Promise<void> {
    const sessionId = this.options.sessionId();
    if (sessionId === null || this.state.recordingBusy) return;
    const api = this.options.client.api.sessions;
    this.update({ recordingBusy: true });
    try {
      if (this.state.recording) {
        const { path } = await api.stopRecording({ sessionId });
        this.update({ recording: null, savedRecording: path });
      } else {
        const { path } = await api.startRecording({ sessionId });
        this.update({ recording: path, savedRecording: null });
      }
    } catch (error) {
      this.options.onError(messageOf(error));
    } finally {
      this.update({ recordingBusy: false });
    }
  }

  /** The session ended: main has finished the file. */
  sessionEnded(): void {
    if (this.state.recording) this.update({ recording: null, savedRecording: this.state.recording });
  }

  dismissSavedRecording(): void {
    this.update({ savedRecording: null });
  }

  // --- settings and renderer ---

  private apply(settings: TerminalSettings): void {
    const before = { family: this.term.options.fontFamily, size: this.term.options.fontSize };
    const options = terminalOptionsFor(settings);
    if (!this.options.isLive()) delete options.cursorBlink;
    Object.assign(this.term.options, options);
    if (this.opened) this.chooseRenderer(settings);
    if (before.family !== this.term.options.fontFamily || before.size !== this.term.options.fontSize) {
      this.options.refit();
    }
  }

  private chooseRenderer(settings: TerminalSettings): void {
    if (settings.renderer === 'dom') {
      this.dropWebgl();
      return;
    }
    if (this.webgl) return;
    try {
      const webgl = new WebglAddon();
      // A lost GPU context (driver reset, too many contexts) leaves a blank canvas: go back to the DOM renderer.
      webgl.onContextLoss(() => this.dropWebgl());
      this.term.loadAddon(webgl);
      this.webgl = webgl;
      this.setRenderer('webgl');
    } catch {
      // No WebGL2 here (a VM without GPU, a blocklisted driver): the DOM renderer is already drawing.
      this.setRenderer('dom');
    }
  }

  private dropWebgl(): void {
    const webgl = this.webgl;
    this.webgl = null;
    webgl?.dispose();
    this.setRenderer('dom');
  }

  private setRenderer(renderer: 'webgl' | 'dom'): void {
    this.element.dataset.renderer = renderer;
    if (this.state.renderer !== renderer) this.update({ renderer });
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.listeners.clear();
    this.webgl = null;
  }
}

/** The rows on screen as text, one line per row, trailing blanks trimmed: what a person sees, whatever draws it. */
function screenText(term: Terminal): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let row = buffer.viewportY; row < buffer.viewportY + term.rows; row++) {
    lines.push(buffer.getLine(row)?.translateToString(true) ?? '');
  }
  return lines.join('\n');
}
