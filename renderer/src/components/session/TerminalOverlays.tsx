/**
 * What the terminal features put over a tab's terminal: the search bar, the saved-recording notice and the paste
 * question. The record button is in the tab strip (RecordingControl.tsx), where it covers no text.
 */
import { useSyncExternalStore } from 'react';
import type { TerminalFeatures } from '../../session/terminalFeatures';
import { PasteConfirmDialog } from './PasteConfirmDialog';
import { RecordingFailed, RecordingSaved } from './RecordingControl';
import { TerminalSearchBar } from './TerminalSearchBar';
import './TerminalOverlays.css';

interface TerminalOverlaysProps {
  features: TerminalFeatures;
  active: boolean;
}

export function TerminalOverlays({ features, active }: TerminalOverlaysProps) {
  const state = useSyncExternalStore(features.subscribe, features.getState);
  return (
    <>
      <div className="terminal-tools">
        {state.searchOpen && (
          <TerminalSearchBar features={features} result={state.search} focusToken={state.searchFocus} />
        )}
      </div>
      {(state.savedRecording || state.recordingFailure) && (
        <div className="terminal-notices">
          {state.savedRecording && (
            <RecordingSaved path={state.savedRecording} onDismiss={() => features.dismissSavedRecording()} />
          )}
          {state.recordingFailure && (
            <RecordingFailed message={state.recordingFailure} onDismiss={() => features.dismissSavedRecording()} />
          )}
        </div>
      )}
      {active && state.pendingPaste !== null && (
        <PasteConfirmDialog
          text={state.pendingPaste}
          bracketed={state.bracketedPaste}
          onPaste={(dontAskAgain) => features.confirmPaste(dontAskAgain)}
          onCancel={() => features.cancelPaste()}
        />
      )}
    </>
  );
}
