/**
 * Which renderer draws the terminal: WebGL when the setting allows and the browser has it (for 'auto', on a hardware
 * GPU only: gpuProbe.ts), else xterm's DOM renderer, which is also where a lost WebGL context falls back to. The choice
 * shows as `data-renderer` on the element.
 */
import { WebglAddon } from '@xterm/addon-webgl';
import type { Terminal } from '@xterm/xterm';
import type { TerminalSettings } from '../../../../common/settings';
import { DisposableOwner, DisposableSlot } from '../disposable';
import { hasHardwareWebgl } from './gpuProbe';
import type { StateSlice } from '../stateStore';

export interface RendererState {
  renderer: 'webgl' | 'dom';
}

export const INITIAL_RENDERER_STATE: RendererState = { renderer: 'dom' };

export class RendererChoice extends DisposableOwner {
  /** The WebGL addon while it draws; cleared (which disposes it) to go back to the DOM renderer. */
  private readonly webgl = this.register(new DisposableSlot<WebglAddon>());
  private opened = false;

  constructor(
    private readonly term: Terminal,
    private readonly element: HTMLElement,
    private readonly state: StateSlice<RendererState>,
  ) {
    super();
  }

  /** The terminal was opened into the page: now a renderer can be chosen (WebGL needs a canvas in the document). */
  attached(settings: TerminalSettings): void {
    this.opened = true;
    this.follow(settings);
  }

  /** Follows the renderer setting (from `attached` on; before that there is nothing to draw on). */
  follow(settings: TerminalSettings): void {
    if (!this.opened) return;
    if (settings.renderer === 'dom' || (settings.renderer === 'auto' && !hasHardwareWebgl())) {
      this.dropWebgl();
      return;
    }
    if (this.webgl.value) return;
    try {
      const webgl = new WebglAddon();
      // A lost GPU context (driver reset, too many contexts) leaves a blank canvas: go back to the DOM renderer. The
      // listener is the addon's own and goes with it.
      webgl.onContextLoss(() => this.dropWebgl());
      this.term.loadAddon(webgl);
      this.webgl.value = webgl;
      this.setRenderer('webgl');
    } catch {
      // No WebGL2 here (a VM without GPU, a blocklisted driver): the DOM renderer is already drawing.
      this.setRenderer('dom');
    }
  }

  private dropWebgl(): void {
    this.webgl.clear();
    this.setRenderer('dom');
  }

  private setRenderer(renderer: RendererState['renderer']): void {
    this.element.dataset.renderer = renderer;
    if (this.state.getState().renderer !== renderer) this.state.update({ renderer });
  }
}
