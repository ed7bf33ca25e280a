import type { TabSessionState } from '../../session/terminalSession';

export type DotKind = 'connecting' | 'connected' | 'ended' | 'failed';

/** The tab's dot: amber while connecting, green while a shell is open, grey once it exited, red when it never opened or dropped. */
export function dotKind(state: TabSessionState): DotKind {
  if (state.phase === 'connected') return 'connected';
  if (state.phase !== 'ended') return 'connecting';
  return state.end?.kind === 'failed' || state.end?.kind === 'lost' ? 'failed' : 'ended';
}

export const DOT_WORDS: Record<DotKind, string> = {
  connecting: 'connecting',
  connected: 'connected',
  ended: 'ended',
  failed: 'not connected',
};
