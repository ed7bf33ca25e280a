/**
 * The left column's two modes, "Saved" (the records) and "Clusters" (the browser), as a segmented control at its top.
 * Ctrl+Shift+B switches between them from anywhere (caught in the capture phase so it works while a terminal has the
 * focus, like the app's other shortcuts) and puts the focus in the mode's search or filter box.
 */
import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import './ClusterBrowser.css';

export type SidebarMode = 'saved' | 'clusters';

interface SidebarModesProps {
  mode: SidebarMode;
  onModeChange(mode: SidebarMode): void;
  /** Focused after a switch by keyboard. */
  savedSearchRef: RefObject<HTMLInputElement | null>;
  clustersFilterRef: RefObject<HTMLInputElement | null>;
  saved: ReactNode;
  clusters: ReactNode;
}

const MODES: Array<{ mode: SidebarMode; label: string }> = [
  { mode: 'saved', label: 'Saved' },
  { mode: 'clusters', label: 'Clusters' },
];

export function SidebarModes(props: SidebarModesProps) {
  const { mode, onModeChange, savedSearchRef, clustersFilterRef } = props;
  const state = useRef({ mode, onModeChange });
  const focusAfterSwitch = useRef(false);
  useEffect(() => {
    state.current = { mode, onModeChange };
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey || event.code !== 'KeyB') return;
      event.preventDefault();
      event.stopPropagation();
      focusAfterSwitch.current = true;
      state.current.onModeChange(state.current.mode === 'saved' ? 'clusters' : 'saved');
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  useEffect(() => {
    if (!focusAfterSwitch.current) return;
    focusAfterSwitch.current = false;
    const input = mode === 'saved' ? savedSearchRef.current : clustersFilterRef.current;
    input?.focus();
    input?.select();
  }, [mode, savedSearchRef, clustersFilterRef]);

  return (
    <div className="sidebar-panel">
      <div className="sidebar-modes" role="tablist" aria-label="Sidebar">
        {MODES.map((entry) => (
          <button
            key={entry.mode}
            type="button"
            role="tab"
            className="sidebar-mode"
            aria-selected={mode === entry.mode}
            title={`${entry.label} (Ctrl+Shift+B switches)`}
            onClick={() => {
              focusAfterSwitch.current = true;
              onModeChange(entry.mode);
            }}
          >
            {entry.label}
          </button>
        ))}
      </div>
      {/* Both stay mounted, so the browser keeps what it expanded and loaded while the records are shown. */}
      <div className="sidebar-mode-pane" hidden={mode !== 'saved'}>
        {props.saved}
      </div>
      <div className="sidebar-mode-pane" hidden={mode !== 'clusters'}>
        {props.clusters}
      </div>
    </div>
  );
}
