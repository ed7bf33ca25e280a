/**
 * The active tab's record button (at the tab strip's right end) and, after a recording, where the file went. Only the remote's
 * output is recorded: keystrokes are not, so a password typed at a prompt that hides it never reaches the file.
 */
import { useSyncExternalStore } from 'react';
import type { TerminalFeaturesState, TerminalFeatures } from '../../session/terminalFeatures';
import type { TerminalSession } from '../../session/terminalSession';
import { CloseIcon } from '../icons';

const RECORD_HINT =
  'Record this session to an asciicast file. Only what the remote prints is recorded, never your keystrokes, so a ' +
  'password typed at a prompt that hides it is not written.';

interface RecordingControlProps {
  features: TerminalFeatures;
  state: TerminalFeaturesState;
  connected: boolean;
}

export function RecordingControl({ features, state, connected }: RecordingControlProps) {
  const recording = state.recording !== null;
  if (!connected && !recording) return null;
  return (
    <button
      type="button"
      className={`record-button${recording ? ' recording' : ''}`}
      title={recording ? `Recording to ${state.recording}. Click to stop.` : RECORD_HINT}
      aria-label={recording ? 'Stop recording' : 'Start recording'}
      aria-pressed={recording}
      disabled={state.recordingBusy}
      onClick={() => void features.toggleRecording()}
    >
      <span className="record-dot" aria-hidden="true" />
      {recording ? 'REC' : 'Record'}
    </button>
  );
}

/** The record button for one tab's session: shown while it is connected or recording. */
export function SessionRecordButton({ session }: { session: TerminalSession }) {
  const state = useSyncExternalStore(session.features.subscribe, session.features.getState);
  const connected = useSyncExternalStore(session.subscribe, () => session.getState().phase === 'connected');
  return <RecordingControl features={session.features} state={state} connected={connected} />;
}

/** Where the finished recording went, until dismissed (select the path to copy it). */
export function RecordingSaved({ path, onDismiss }: { path: string; onDismiss(): void }) {
  return (
    <div className="recording-saved" role="status">
      <span className="recording-saved-label">Recording saved to</span>
      <code className="mono" title={path}>
        {path}
      </code>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
        <CloseIcon />
      </button>
    </div>
  );
}

/** Why the recording could not be written (disk full, no permission), until dismissed. */
export function RecordingFailed({ message, onDismiss }: { message: string; onDismiss(): void }) {
  return (
    <div className="recording-saved recording-failed" role="alert">
      <span className="recording-failed-message">{message}</span>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
        <CloseIcon />
      </button>
    </div>
  );
}

/** A red dot beside a tab's title while that tab records (so a recording in a hidden tab is not forgotten). */
export function TabRecordingDot({ features }: { features: TerminalFeatures }) {
  const state = useSyncExternalStore(features.subscribe, features.getState);
  if (!state.recording) return null;
  return (
    <span className="tab-recording-dot" role="img" aria-label="Recording" title={`Recording to ${state.recording}`} />
  );
}
