/**
 * One tab's content: the terminal (mounted once, hidden rather than unmounted when another tab is active), the
 * connecting card, host-key or login question over it, and the end bar under it.
 */
import { type DragEvent, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { localPathOf } from '../kubeconfigs/readFiles';
import { UploadDialog } from './UploadDialog';
import type { TabModel } from '../tabs/tabModel';
import { ConnectingCard } from './ConnectingCard';
import { EndBar, RestoredBar } from './EndBar';
import { FailedCard } from './FailedCard';
import { AuthPromptDialog } from './AuthPromptDialog';
import { HostKeyDialog } from './HostKeyDialog';
import { TerminalOverlays } from './TerminalOverlays';
import './SessionPane.css';

interface SessionPaneProps {
  tab: TabModel;
  active: boolean;
  /** Opens the record's form (a failed connection is usually fixed there). */
  onEditRecord(podId: string): void;
  /** Shows the cluster browser (a finished pod's tab offers a running pod there). */
  onBrowseClusters(): void;
}

export function SessionPane({ tab, active, onEditRecord, onBrowseClusters }: SessionPaneProps) {
  const { session } = tab;
  const pane = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const connected = state.phase === 'connected';

  useLayoutEffect(() => {
    if (host.current) session.mount(host.current);
  }, [session]);

  useEffect(() => {
    if (!active) return;
    session.show();
    // A question (host key, login) takes the focus itself; otherwise the keyboard belongs to the terminal.
    const { phase } = session.getState();
    if (phase !== 'awaitingHostKey' && phase !== 'awaitingAuth') session.focus();
  }, [active, session]);

  useEffect(() => {
    if (!active || !connected) return;
    // Once the shell is there, type into it, unless the user has moved on to something else meanwhile.
    const focused = document.activeElement;
    if (!focused || focused === document.body || pane.current?.contains(focused)) session.focus();
  }, [active, connected, session]);

  // A drop of files on a connected tab is an upload (the window's kubeconfig drop sees it prevented and leaves it).
  const [upload, setUpload] = useState<string[] | null>(null);
  const onDragOver = (event: DragEvent) => {
    if (!connected || !event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (event: DragEvent) => {
    if (!connected || event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    const paths = [...event.dataTransfer.files].map(localPathOf);
    setUpload(paths.every((path) => path !== null) ? paths : []);
  };

  const prompt = state.status?.hostKeyPrompt ?? null;
  const authPrompt = state.status?.authPrompt ?? null;
  const kube = state.status?.kube ?? null;
  const connecting = state.phase === 'opening' || state.phase === 'connecting';
  return (
    <div ref={pane} className="session-pane" hidden={!active} onDragOver={onDragOver} onDrop={onDrop}>
      {upload && <UploadDialog session={session} paths={upload} onClose={() => setUpload(null)} />}
      {kube?.debugContainer && (
        <div className="session-bar" data-testid="debug-bar">
          <span className="session-bar-badge">Debug container</span>
          <span className="session-bar-pod mono">
            {kube.namespace}/{kube.pod}
          </span>
          <span className="session-bar-detail">
            <span className="mono">{kube.debugContainer.name}</span> ({kube.debugContainer.image}), sharing the
            processes of container <span className="mono">{kube.container}</span>
          </span>
        </div>
      )}
      {kube && !kube.debugContainer && kube.containers.length > 1 && (
        <div className="session-bar">
          <span className="session-bar-pod mono">
            {kube.namespace}/{kube.pod}
          </span>
          <label className="session-bar-field">
            Container
            <select
              className="select"
              aria-label="Container"
              value={kube.container}
              onChange={(event) => session.switchContainer(event.target.value)}
            >
              {kube.containers.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <div className="terminal-area">
        <div ref={host} className="terminal-host" />
        <TerminalOverlays features={session.features} active={active} />
        {state.phase === 'awaitingHostKey' && prompt && (
          <div className="session-overlay">
            <HostKeyDialog
              prompt={prompt}
              busy={state.answering}
              active={active}
              onAnswer={(decision) => session.answerHostKey(decision)}
            />
          </div>
        )}
        {state.phase === 'awaitingAuth' && authPrompt && (
          <div className="session-overlay">
            <AuthPromptDialog
              key={authPrompt.promptId}
              prompt={authPrompt}
              busy={state.answering}
              active={active}
              onAnswer={(answers) => session.answerAuth(answers)}
            />
          </div>
        )}
        {connecting && (
          <div className="session-overlay">
            <ConnectingCard title={tab.title} attempts={state.status?.attempts ?? []} />
          </div>
        )}
        {state.end?.kind === 'failed' && (
          <div className="session-overlay">
            <FailedCard
              message={state.end.message}
              attempts={state.status?.attempts ?? []}
              finishedPod={state.end.finishedPod === true}
              noShell={state.end.noShell === true}
              onEdit={() => onEditRecord(tab.podId)}
              onDebug={() => session.startDebug()}
              onReconnect={() => session.reconnect()}
              onBrowseClusters={onBrowseClusters}
            />
          </div>
        )}
      </div>
      {state.phase === 'ended' && state.restored && (
        <RestoredBar active={active} onConnect={() => session.reconnect()} />
      )}
      {state.phase === 'ended' && state.end && state.end.kind !== 'failed' && (
        <EndBar
          active={active}
          // A new session's end is a new bar (its attempt toggle starts fresh).
          key={state.sessionId ?? 'none'}
          end={state.end}
          attempts={state.status?.attempts ?? []}
          onReconnect={() => session.reconnect()}
        />
      )}
    </div>
  );
}
