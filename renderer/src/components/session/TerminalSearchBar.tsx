/**
 * The search bar over a terminal (Ctrl+Shift+F, Cmd+F on macOS): incremental as you type, Enter / Shift+Enter for the
 * next / previous match, a match count, case and regex toggles; Escape closes it and gives the keyboard back.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchState, TerminalFeatures } from '../../session/terminalFeatures';
import { isSearchKey } from '../../session/clipboard';
import { CloseIcon } from '../icons';

interface TerminalSearchBarProps {
  features: TerminalFeatures;
  result: SearchState | null;
  /** Changes whenever the search key is pressed again: take the keyboard and select the text. */
  focusToken: number;
}

export function TerminalSearchBar({ features, result, focusToken }: TerminalSearchBarProps) {
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [regex, setRegex] = useState(false);
  const query = { text, caseSensitive, regex };

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focusToken]);

  // The search addon reports its own result count; re-run when the query's options change.
  useEffect(() => {
    features.find({ text, caseSensitive, regex }, 'next', true);
    // `text` is searched from onChange; only the toggles re-run here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [caseSensitive, regex]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (isSearchKey(event.nativeEvent)) {
      event.preventDefault();
      input.current?.select();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      features.find(query, event.shiftKey ? 'previous' : 'next');
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      features.closeSearch();
    }
  };

  return (
    <div className="terminal-search" role="search" aria-label="Search the terminal output">
      <input
        ref={input}
        className="terminal-search-input"
        type="text"
        aria-label="Find in terminal"
        placeholder="Find"
        spellCheck={false}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          features.find({ ...query, text: event.target.value }, 'next', true);
        }}
        onKeyDown={onKeyDown}
      />
      <button
        type="button"
        className={`terminal-search-toggle${caseSensitive ? ' on' : ''}`}
        aria-pressed={caseSensitive}
        title="Match case"
        aria-label="Match case"
        onClick={() => setCaseSensitive((on) => !on)}
      >
        Aa
      </button>
      <button
        type="button"
        className={`terminal-search-toggle mono${regex ? ' on' : ''}`}
        aria-pressed={regex}
        title="Regular expression"
        aria-label="Regular expression"
        onClick={() => setRegex((on) => !on)}
      >
        .*
      </button>
      <span className={`terminal-search-count${text && result?.count === 0 ? ' none' : ''}`} aria-live="polite">
        {describeResult(text, result)}
      </span>
      <button
        type="button"
        className="icon-btn"
        title="Previous match (Shift+Enter)"
        aria-label="Previous match"
        onClick={() => features.find(query, 'previous')}
      >
        <ArrowIcon up />
      </button>
      <button
        type="button"
        className="icon-btn"
        title="Next match (Enter)"
        aria-label="Next match"
        onClick={() => features.find(query, 'next')}
      >
        <ArrowIcon />
      </button>
      <button
        type="button"
        className="icon-btn"
        title="Close (Escape)"
        aria-label="Close search"
        onClick={() => features.closeSearch()}
      >
        <CloseIcon />
      </button>
    </div>
  );
}

function describeResult(text: string, result: SearchState | null): string {
  if (!text || !result) return '';
  if (result.count === 0) return 'No results';
  if (result.index < 0) return `${result.count}+ matches`;
  return `${result.index + 1} of ${result.count}`;
}

function ArrowIcon({ up = false }: { up?: boolean }) {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      aria-hidden="true"
    >
      <path d={up ? 'M4 10l4-4 4 4' : 'M4 6l4 4 4-4'} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
