import { useEffect, useRef, useSyncExternalStore, type KeyboardEvent } from 'react';
import { CloseIcon, PlusIcon } from '../icons';
import { DOT_WORDS, dotKind } from './statusDot';
import type { TabModel } from './tabModel';
import './TabStrip.css';

interface TabStripProps {
  tabs: TabModel[];
  activeKey: number | null;
  onActivate(key: number): void;
  onClose(key: number): void;
  /** "+": pick another record (focuses the sidebar's search). */
  onNew(): void;
}

export function TabStrip({ tabs, activeKey, onActivate, onClose, onNew }: TabStripProps) {
  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.key === activeKey);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0 || index < 0) return;
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (next) onActivate(next.key);
  };
  return (
    <div className="tab-strip">
      <div className="tab-list" role="tablist" aria-label="Open terminals" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <Tab key={tab.key} tab={tab} active={tab.key === activeKey} onActivate={onActivate} onClose={onClose} />
        ))}
      </div>
      <button
        type="button"
        className="icon-btn tab-new"
        aria-label="Open another pod"
        title="Open another pod (Ctrl+Shift+F)"
        onClick={onNew}
      >
        <PlusIcon />
      </button>
    </div>
  );
}

interface TabProps {
  tab: TabModel;
  active: boolean;
  onActivate(key: number): void;
  onClose(key: number): void;
}

function Tab({ tab, active, onActivate, onClose }: TabProps) {
  const state = useSyncExternalStore(tab.session.subscribe, tab.session.getState);
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // With more tabs than fit, the strip scrolls; the active one must never be the one out of sight.
    if (active) element.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active]);
  const dot = dotKind(state);
  const target = state.status?.target;
  return (
    <div
      ref={element}
      role="tab"
      data-testid="tab"
      data-session-id={state.sessionId ?? ''}
      aria-selected={active}
      tabIndex={active ? 0 : -1}
      className={`tab ${active ? 'active' : ''}`}
      title={target ? `${tab.title} — ${target}` : tab.title}
      onMouseDown={(event) => {
        // Middle click closes, as in browsers and editors.
        if (event.button === 1) event.preventDefault();
      }}
      onAuxClick={(event) => {
        if (event.button === 1) onClose(tab.key);
      }}
      onClick={() => onActivate(tab.key)}
    >
      <span className={`status-dot ${dot}`} role="img" aria-label={DOT_WORDS[dot]} />
      <span className="tab-title">{tab.title}</span>
      <button
        type="button"
        className="tab-close"
        aria-label="Close tab"
        title="Close tab (Ctrl+Shift+W)"
        tabIndex={-1}
        onClick={(event) => {
          event.stopPropagation();
          onClose(tab.key);
        }}
      >
        <CloseIcon size={11} />
      </button>
    </div>
  );
}
