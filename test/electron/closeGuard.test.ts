// The desktop window's question before closing with live shells, driven with a plain emitter in place of the
// webContents (no Electron runtime can run here).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { MessageBoxSyncOptions } from 'electron';
import { guardUnloadWithLiveSessions, LEAVE_WITH_LIVE_SESSIONS_QUESTION } from '../../main/electron/closeGuard';

function refusedUnload(answer: number): { asked: MessageBoxSyncOptions[]; unloadAllowed: boolean } {
  const webContents = new EventEmitter();
  const asked: MessageBoxSyncOptions[] = [];
  guardUnloadWithLiveSessions(webContents, (question) => {
    asked.push(question);
    return answer;
  });
  let unloadAllowed = false;
  webContents.emit('will-prevent-unload', { preventDefault: () => (unloadAllowed = true) });
  return { asked, unloadAllowed };
}

describe('closing the window with live shells', () => {
  it('closes when the user picks "Close and end shells"', () => {
    const { asked, unloadAllowed } = refusedUnload(0);
    expect(asked).toEqual([LEAVE_WITH_LIVE_SESSIONS_QUESTION]);
    expect(unloadAllowed).toBe(true);
  });

  it('stays open on Cancel, which is also the default and the Escape answer', () => {
    expect(refusedUnload(1).unloadAllowed).toBe(false);
    const { buttons, defaultId, cancelId } = LEAVE_WITH_LIVE_SESSIONS_QUESTION;
    expect(buttons?.[defaultId!]).toBe('Cancel');
    expect(cancelId).toBe(defaultId);
  });
});
