/**
 * An unknown SSH host key, shown inside its tab (other tabs stay usable). Nothing has been sent to the host yet; the
 * user compares the fingerprint and decides.
 */
import { useEffect, useRef } from 'react';
import type { HostKeyDecision, HostKeyPrompt } from '../../../../common/contract';
import { KeyIcon } from '../icons';

interface HostKeyDialogProps {
  prompt: HostKeyPrompt;
  busy: boolean;
  /** Whether this tab is the visible one (focus moves in only then). */
  active: boolean;
  onAnswer(decision: HostKeyDecision): void;
}

export function HostKeyDialog({ prompt, busy, active, onAnswer }: HostKeyDialogProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Cancel has the focus: accepting a key should be a deliberate act, never a stray Enter.
    if (active) cancel.current?.focus();
  }, [active, prompt.promptId]);
  const titleId = `host-key-${prompt.promptId}`;
  const knownByOtherKey = prompt.otherKnownKeys.length > 0;
  return (
    <div className="session-card host-key" role="dialog" aria-labelledby={titleId}>
      <div className="session-card-title" id={titleId}>
        <KeyIcon />
        {knownByOtherKey ? 'New type of host key' : 'Unknown host key'}
        {prompt.hop ? ` of ${prompt.hop}` : ''}
      </div>
      {knownByOtherKey ? (
        <>
          <p className="session-card-text host-key-warning">
            This host is known by another key, but it did not show that key this time. Its keys may have been replaced,
            or this may not be the same server. Check the new fingerprint with the host’s owner before you accept; no
            credentials are sent until you do.
          </p>
          <ul className="host-key-known">
            {prompt.otherKnownKeys.map((known) => (
              <li key={`${known.keyType} ${known.fingerprint} ${known.source}`}>
                Known: <span className="mono">{known.keyType}</span>{' '}
                <span className="mono fingerprint">{known.fingerprint}</span> in {known.source}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="session-card-text">
          Podterm has not connected to this host before. Compare the fingerprint with the one the host’s owner gave you;
          no credentials are sent until you accept.
        </p>
      )}
      <dl className="host-key-facts">
        {prompt.hop && (
          <>
            <dt>Asked by</dt>
            <dd>{prompt.hop}</dd>
          </>
        )}
        <dt>Host</dt>
        <dd className="mono">
          {prompt.host}:{prompt.port}
        </dd>
        <dt>Key type</dt>
        <dd className="mono">{prompt.keyType}</dd>
        <dt>Fingerprint</dt>
        <dd className="mono fingerprint">{prompt.fingerprint}</dd>
      </dl>
      <div className="session-card-actions">
        <button type="button" className="btn" ref={cancel} disabled={busy} onClick={() => onAnswer('cancel')}>
          Cancel
        </button>
        <span className="spacer" />
        <button type="button" className="btn" disabled={busy} onClick={() => onAnswer('acceptOnce')}>
          Accept once
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => onAnswer('acceptAndRemember')}>
          Accept and remember
        </button>
      </div>
    </div>
  );
}
