/**
 * Recording the tab's session to an asciicast file in main (`sessions.startRecording` / `stopRecording`), and where
 * the last recording went, for the record button.
 */
import { messageOf } from '../../../../common/errors';
import type { RendererClient } from '../../client';
import type { StateSlice } from '../stateStore';

export interface RecordingState {
  /** The file being written while this tab records. */
  recording: string | null;
  recordingBusy: boolean;
  /** The file of the recording that just finished, shown until dismissed. */
  savedRecording: string | null;
  /** Why recording failed (could not start, or a write failed and it stopped), shown in the tab until dismissed. */
  recordingFailure: string | null;
}

export const INITIAL_RECORDING_STATE: RecordingState = {
  recording: null,
  recordingBusy: false,
  savedRecording: null,
  recordingFailure: null,
};

export interface SessionRecordingOptions {
  client: RendererClient;
  /** The open session's id, or null while none is open. */
  sessionId(): number | null;
  onError(message: string): void;
}

/** Registers nothing (each request is one call to main), so there is nothing to dispose. */
export class SessionRecording {
  constructor(
    private readonly state: StateSlice<RecordingState>,
    private readonly options: SessionRecordingOptions,
  ) {}

  async toggle(): Promise<void> {
    const sessionId = this.options.sessionId();
    if (sessionId === null || this.state.getState().recordingBusy) return;
    const api = this.options.client.api.sessions;
    this.state.update({ recordingBusy: true });
    try {
      const { recording } = this.state.getState();
      if (recording) {
        const { path } = await api.stopRecording({ sessionId });
        this.state.update({ recording: null, savedRecording: path });
      } else {
        const { path } = await api.startRecording({ sessionId });
        this.state.update({ recording: path, savedRecording: null, recordingFailure: null });
      }
    } catch (error) {
      // In the tab, beside the record button: the recording's own problem, never a path of a file that was not saved.
      this.state.update({ recording: null, savedRecording: null, recordingFailure: messageOf(error) });
    } finally {
      this.state.update({ recordingBusy: false });
    }
  }

  /** The session ended: main has finished the file. */
  sessionEnded(): void {
    const { recording } = this.state.getState();
    if (recording) this.state.update({ recording: null, savedRecording: recording });
  }

  /** Main stopped the recording because it could not be written. */
  failed(message: string): void {
    this.state.update({ recording: null, savedRecording: null, recordingFailure: message });
  }

  dismissSaved(): void {
    this.state.update({ savedRecording: null, recordingFailure: null });
  }
}
