import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  closeTab(): void;
  nextTab(): void;
  previousTab(): void;
  focusSearch(): void;
  /** Ctrl+Shift+PageUp/PageDown: move the active tab left or right. */
  moveTabLeft(): void;
  moveTabRight(): void;
}

/**
 * App-wide keys, caught in the capture phase so they work while the terminal has the focus (and so the terminal never
 * sees them). Ctrl+Shift combinations, because plain Ctrl+letters belong to the shell.
 */
export function useShortcuts(enabled: boolean, handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      const action = match(event);
      if (!action) return;
      event.preventDefault();
      event.stopPropagation();
      ref.current[action]();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [enabled]);
}

function match(event: KeyboardEvent): keyof ShortcutHandlers | null {
  if (!event.ctrlKey || event.altKey || event.metaKey) return null;
  if (event.shiftKey && event.code === 'KeyW') return 'closeTab';
  // One meaning per place: in a terminal (or its search bar) Ctrl+Shift+F searches its output
  // (session/features/search.ts); everywhere else it finds a pod in the sidebar's list that is showing (the saved
  // records' search or the cluster browser's filter). The empty window's shortcut list says both.
  if (event.shiftKey && event.code === 'KeyF') return inTerminal(event.target) ? null : 'focusSearch';
  if (event.shiftKey && event.key === 'PageUp') return 'moveTabLeft';
  if (event.shiftKey && event.key === 'PageDown') return 'moveTabRight';
  if (event.key === 'PageDown' || (event.key === 'Tab' && !event.shiftKey)) return 'nextTab';
  if (event.key === 'PageUp' || (event.key === 'Tab' && event.shiftKey)) return 'previousTab';
  return null;
}

function inTerminal(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('.terminal-area') !== null;
}
