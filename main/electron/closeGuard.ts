/**
 * Closing or reloading the window while shells are open ends them all: ask first. The page decides whether anything
 * is live (its `beforeunload` handler, renderer/src/hooks/useTabs.ts, cancels the unload only then); Electron does not
 * show the browser's own question for a cancelled unload but emits `will-prevent-unload` on the webContents, and main
 * asks here. Electron's objects are passed in, so a test drives this with plain ones.
 */
import type { MessageBoxSyncOptions } from 'electron';

/** The question, with "Cancel" as the default and Escape answer so a stray Enter keeps the shells. */
export const LEAVE_WITH_LIVE_SESSIONS_QUESTION: MessageBoxSyncOptions = {
  type: 'warning',
  title: 'Podterm',
  message: 'Close Podterm and end the open shells?',
  detail: 'Every connected tab ends its remote shell. The tabs do not come back in a new window.',
  buttons: ['Close and end shells', 'Cancel'],
  defaultId: 1,
  cancelId: 1,
  noLink: true,
};
const LEAVE_BUTTON = 0;

/** The part of a webContents this needs. */
export interface UnloadEmitter {
  on(event: 'will-prevent-unload', listener: (event: { preventDefault(): void }) => void): unknown;
}

/**
 * Asks `ask` (dialog.showMessageBoxSync on the window, in main) whenever the page refuses to unload; leaving is
 * allowed (preventDefault on `will-prevent-unload` lets the unload go ahead) only when the user picks it.
 */
export function guardUnloadWithLiveSessions(
  webContents: UnloadEmitter,
  ask: (question: MessageBoxSyncOptions) => number,
): void {
  webContents.on('will-prevent-unload', (event) => {
    if (ask(LEAVE_WITH_LIVE_SESSIONS_QUESTION) === LEAVE_BUTTON) event.preventDefault();
  });
}
