/**
 * Searching the terminal's output: the xterm.js search addon, its match highlights in the theme's colours, and the
 * search key (Ctrl+Shift+F, Cmd+F on macOS) that opens the bar.
 */
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';
import type { Terminal } from '@xterm/xterm';
import { DisposableOwner } from '../disposable';
import type { StateSlice } from '../stateStore';
import { isSearchKey } from '../clipboard';
import { isLightTheme, settingsStore } from '../settingsStore';

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

export interface SearchFeatureState {
  searchOpen: boolean;
  /** Bumped by every "open search" (also when it is open already), so the bar takes the keyboard again. */
  searchFocus: number;
  /** Null before the first search of an opened bar. */
  search: SearchState | null;
}

export const INITIAL_SEARCH_STATE: SearchFeatureState = { searchOpen: false, searchFocus: 0, search: null };

export interface SearchQuery {
  text: string;
  caseSensitive: boolean;
  regex: boolean;
}

export class TerminalSearch extends DisposableOwner {
  private readonly addon = this.register(new SearchAddon({ highlightLimit: SEARCH_HIGHLIGHT_LIMIT }));
  private lastSearchOptions = '';

  constructor(
    private readonly term: Terminal,
    private readonly state: StateSlice<SearchFeatureState>,
  ) {
    super();
    term.loadAddon(this.addon);
    this.register(
      this.addon.onDidChangeResults(({ resultIndex, resultCount }) =>
        this.state.update({ search: { index: resultIndex, count: resultCount } }),
      ),
    );
  }

  /** For xterm's custom key handler: false when the key was the search key (the shell must not get it). */
  handleKey(event: KeyboardEvent): boolean {
    if (!isSearchKey(event)) return true;
    if (event.type === 'keydown') {
      event.preventDefault();
      this.open();
    }
    return false;
  }

  open(): void {
    this.state.update({ searchOpen: true, searchFocus: this.state.getState().searchFocus + 1 });
  }

  close(): void {
    this.addon.clearDecorations();
    this.state.update({ searchOpen: false, search: null });
    this.term.focus();
  }

  /** Finds the next (or previous) match; `incremental` keeps the current match while the user is still typing. */
  find(query: SearchQuery, direction: 'next' | 'previous', incremental = false): void {
    if (!query.text) {
      this.addon.clearDecorations();
      this.state.update({ search: null });
      return;
    }
    const options = searchOptions(query, incremental);
    // The addon (0.16) does not notice a changed option for the same text; clearing makes it search afresh.
    const optionsKey = `${query.caseSensitive}:${query.regex}`;
    if (optionsKey !== this.lastSearchOptions) this.addon.clearDecorations();
    this.lastSearchOptions = optionsKey;
    try {
      if (direction === 'next') this.addon.findNext(query.text, options);
      else this.addon.findPrevious(query.text, options);
    } catch {
      // An unfinished regular expression ("(") is not an error worth a toast: it just matches nothing yet.
      this.state.update({ search: { index: -1, count: 0 } });
    }
  }
}

function searchOptions(query: SearchQuery, incremental: boolean): ISearchOptions {
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
