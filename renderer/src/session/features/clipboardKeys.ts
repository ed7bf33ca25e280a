/**
 * The clipboard in the terminal: the platform's copy and paste keys (clipboard.ts), copy on select, and pastes routed
 * through `term.paste()` (so bracketed paste works), asking first before a paste of several lines when the user wants.
 */
import type { Terminal } from '@xterm/xterm';
import { messageOf } from '../../../../common/errors';
import { isCopyKey, isPasteKey, lineCount } from '../clipboard';
import { addDisposableListener, DisposableOwner } from '../disposable';
import { settingsStore } from '../settingsStore';
import type { StateSlice } from '../stateStore';

export interface PasteState {
  /** Text waiting for the user to confirm a multi-line paste. */
  pendingPaste: string | null;
  /** The remote asked for bracketed paste, so a pasted line break does not run anything by itself. */
  bracketedPaste: boolean;
}

export const INITIAL_PASTE_STATE: PasteState = { pendingPaste: null, bracketedPaste: false };

export interface ClipboardKeysOptions {
  /** Whether the session still takes input (an ended tab pastes nothing). */
  isLive(): boolean;
  onError(message: string): void;
}

export class ClipboardKeys extends DisposableOwner {
  constructor(
    private readonly term: Terminal,
    element: HTMLElement,
    private readonly state: StateSlice<PasteState>,
    private readonly options: ClipboardKeysOptions,
  ) {
    super();
    this.register(
      term.onSelectionChange(() => {
        if (settingsStore.get().copyOnSelect && term.hasSelection()) this.copy(term.getSelection());
      }),
    );
    // Capture phase on the element: we see the paste before xterm's textarea handler, and route it through
    // term.paste() (which brackets it when the remote asked for bracketed paste) after any confirmation.
    this.register(
      addDisposableListener(
        element,
        'paste',
        (event) => {
          event.preventDefault();
          event.stopImmediatePropagation();
          this.paste(event.clipboardData?.getData('text/plain') ?? '');
        },
        true,
      ),
    );
  }

  /** For xterm's custom key handler: false when the key was a copy or paste key (the shell must not get it). */
  handleKey(event: KeyboardEvent): boolean {
    if (isCopyKey(event)) {
      const selection = this.term.hasSelection() ? this.term.getSelection() : '';
      // Cmd+C without a selection does nothing special on macOS; Ctrl+Shift+C never reaches the shell.
      if (!selection && event.metaKey) return true;
      if (event.type === 'keydown') {
        event.preventDefault();
        if (selection) this.copy(selection);
      }
      return false;
    }
    // No preventDefault: the browser's own paste fires a paste event, which the capture listener above routes.
    if (isPasteKey(event)) return false;
    return true;
  }

  /** Sends pasted text, asking first when it has several lines (each would run as a command) and the user wants that. */
  paste(text: string): void {
    if (!text || !this.options.isLive()) return;
    if (settingsStore.get().confirmMultilinePaste && lineCount(text) > 1) {
      this.state.update({ pendingPaste: text, bracketedPaste: this.term.modes.bracketedPasteMode });
      return;
    }
    this.term.paste(text);
  }

  confirmPaste(dontAskAgain: boolean): void {
    const text = this.state.getState().pendingPaste;
    this.state.update({ pendingPaste: null });
    if (text !== null) this.term.paste(text);
    this.term.focus();
    if (dontAskAgain) {
      settingsStore.save({ confirmMultilinePaste: false }).catch((error: unknown) => {
        this.options.onError(messageOf(error));
      });
    }
  }

  cancelPaste(): void {
    this.state.update({ pendingPaste: null });
    this.term.focus();
  }

  private copy(text: string): void {
    if (!navigator.clipboard) {
      this.options.onError('The clipboard is not available here (the page is not a secure context).');
      return;
    }
    navigator.clipboard.writeText(text).catch((error: unknown) => {
      this.options.onError(`Could not copy to the clipboard: ${error instanceof Error ? error.message : error}`);
    });
  }
}
