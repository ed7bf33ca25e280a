/**
 * What a tab's terminal does beyond showing a session, composed from the pieces in features/, each loading its addon
 * or listeners and owning their disposal: search, web links, Unicode 11 widths, the clipboard keys and paste
 * confirmation, the renderer (WebGL with a DOM fallback), the user's settings applied live, recording, and the
 * automation hook tests read the screen with. One instance per TerminalSession; React reads the pieces' state through
 * subscribe/getState and acts through the methods below.
 */
import type { Terminal } from '@xterm/xterm';
import type { RendererClient } from '../client';
import { DisposableOwner } from './disposable';
import { ClipboardKeys, INITIAL_PASTE_STATE, type PasteState } from './features/clipboardKeys';
import { LiveSettings } from './features/liveSettings';
import { INITIAL_RECORDING_STATE, SessionRecording, type RecordingState } from './features/recording';
import { INITIAL_RENDERER_STATE, RendererChoice, type RendererState } from './features/rendererChoice';
import { INITIAL_SEARCH_STATE, TerminalSearch, type SearchFeatureState, type SearchQuery } from './features/search';
import { installTextHook } from './features/textHook';
import { loadUnicode11 } from './features/unicode';
import { loadWebLinks } from './features/webLinks';
import { WorkingDirectory } from './features/workingDirectory';
import { settingsStore } from './settingsStore';
import { StateStore } from './stateStore';

export { terminalOptionsFor } from './features/liveSettings';
export type { SearchState } from './features/search';

export type TerminalFeaturesState = SearchFeatureState & PasteState & RecordingState & RendererState;

export interface TerminalFeaturesOptions {
  client: RendererClient;
  /** The open session's id, or null while none is open. */
  sessionId(): number | null;
  /** Whether the session still takes input (an ended tab keeps its cursor still and pastes nothing). */
  isLive(): boolean;
  /** Font metrics changed: refit and send the new size. */
  refit(): void;
  onError(message: string): void;
}

export class TerminalFeatures extends DisposableOwner {
  private readonly state = this.register(
    new StateStore<TerminalFeaturesState>({
      ...INITIAL_SEARCH_STATE,
      ...INITIAL_PASTE_STATE,
      ...INITIAL_RECORDING_STATE,
      ...INITIAL_RENDERER_STATE,
    }),
  );
  readonly subscribe = this.state.subscribe;
  readonly getState = this.state.getState;
  private readonly search: TerminalSearch;
  private readonly clipboard: ClipboardKeys;
  private readonly renderer: RendererChoice;
  private readonly recording: SessionRecording;
  /** The shell's directory from OSC 7: where an upload dropped on the tab goes unless the person changes it. */
  readonly workingDirectory: WorkingDirectory;

  constructor(term: Terminal, element: HTMLElement, options: TerminalFeaturesOptions) {
    super();
    this.search = this.register(new TerminalSearch(term, this.state));
    this.register(loadWebLinks(term));
    this.register(loadUnicode11(term));
    this.clipboard = this.register(new ClipboardKeys(term, element, this.state, options));
    this.renderer = this.register(new RendererChoice(term, element, this.state));
    this.register(new LiveSettings(term, this.renderer, options));
    this.recording = new SessionRecording(this.state, options);
    this.register(installTextHook(element, term));
    this.workingDirectory = this.register(new WorkingDirectory(term));
  }

  /** The terminal was opened into the page: now a renderer can be chosen (WebGL needs a canvas in the document). */
  attached(): void {
    this.renderer.attached(settingsStore.get());
  }

  /** xterm's custom key handler: false when the key was one of ours (xterm must not send it to the shell). */
  handleKey(event: KeyboardEvent): boolean {
    return this.search.handleKey(event) && this.clipboard.handleKey(event);
  }

  /** The session ended: main has finished any recording. */
  sessionEnded(): void {
    this.recording.sessionEnded();
  }

  /** Main stopped this tab's recording because it could not be written. */
  recordingFailed(message: string): void {
    this.recording.failed(message);
  }

  // --- for the overlays (components/session/) ---

  find(query: SearchQuery, direction: 'next' | 'previous', incremental = false): void {
    this.search.find(query, direction, incremental);
  }

  closeSearch(): void {
    this.search.close();
  }

  confirmPaste(dontAskAgain: boolean): void {
    this.clipboard.confirmPaste(dontAskAgain);
  }

  cancelPaste(): void {
    this.clipboard.cancelPaste();
  }

  toggleRecording(): Promise<void> {
    return this.recording.toggle();
  }

  dismissSavedRecording(): void {
    this.recording.dismissSaved();
  }
}
