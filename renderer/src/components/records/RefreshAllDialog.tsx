/**
 * Refresh all: the command line's `pods backfill` in the app. Every record, a few at once (common/limits.ts), each
 * through records.backfill; a progress bar with done / total and the records being looked up, Cancel (nothing more
 * starts; those already asked finish), and at the end a summary: updated, already complete, could not be resolved
 * (each with why), SSH only.
 */
import { useEffect, useRef, useState } from 'react';
import { REFRESH_ALL_PARALLEL_LOOKUPS } from '../../../../common/limits';
import type { BackfillLine, BackfillOutcome } from '../../../../common/records';
import type { PodSummary } from '../../../../common/pods';
import type { RendererClient } from '../../client';
import { runBounded, type BoundedRun } from '../../lib/boundedRun';
import { Modal } from '../Modal';
import { messageOf } from '../../../../common/errors';

interface Props {
  client: RendererClient;
  onClose(): void;
}

const OUTCOME_TITLES: Record<BackfillOutcome, string> = {
  updated: 'Updated',
  complete: 'Already complete',
  unresolved: 'Could not be resolved',
  notKubernetes: 'SSH only',
};

type Phase = 'loading' | 'running' | 'cancelling' | 'done';

export function RefreshAllDialog({ client, onClose }: Props) {
  const [phase, setPhase] = useState<Phase>('loading');
  const [total, setTotal] = useState(0);
  const [lines, setLines] = useState<BackfillLine[]>([]);
  const [current, setCurrent] = useState<string[]>([]);
  const [cancelled, setCancelled] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useRef<BoundedRun<BackfillLine> | null>(null);

  useEffect(() => {
    let gone = false;
    const lookUp = async (pod: PodSummary): Promise<BackfillLine> => {
      try {
        return await client.api.records.backfill({ id: pod.id });
      } catch (failure) {
        return { id: pod.id, name: pod.name, outcome: 'unresolved', detail: messageOf(failure) };
      }
    };
    client.api.pods.list({}).then(
      (pods) => {
        if (gone) return;
        setTotal(pods.length);
        setPhase('running');
        const started = runBounded(pods, REFRESH_ALL_PARALLEL_LOOKUPS, lookUp, {
          onStart: (pod) => setCurrent((names) => [...names, pod.name]),
          onDone: (pod, line) => {
            setCurrent((names) => names.filter((name) => name !== pod.name));
            setLines((done) => [...done, line]);
          },
        });
        run.current = started;
        void started.done.then(() => {
          if (!gone) setPhase('done');
        });
      },
      (failure: unknown) => {
        setError(messageOf(failure));
        setPhase('done');
      },
    );
    return () => {
      gone = true;
      run.current?.cancel();
    };
  }, [client]);

  const cancel = () => {
    run.current?.cancel();
    setCancelled(true);
    setPhase('cancelling');
  };

  const done = lines.length;
  const percent = total === 0 ? 100 : Math.round((done / total) * 100);
  const finished = phase === 'done';
  const byOutcome = (outcome: BackfillOutcome) => lines.filter((line) => line.outcome === outcome);

  return (
    <Modal
      title="Refresh all records"
      onClose={finished ? onClose : cancel}
      className="refresh-all-modal"
      footer={
        finished ? (
          <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
            Close
          </button>
        ) : (
          <button type="button" className="btn" onClick={cancel} disabled={phase === 'cancelling'}>
            {phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
          </button>
        )
      }
    >
      <p className="settings-hint">
        For each Kubernetes record missing its cluster host or credentials, Podterm looks the pod up as Refresh does and
        stores what it resolved ({REFRESH_ALL_PARALLEL_LOOKUPS} at a time). Records that already have both are left
        alone.
      </p>
      <div className="refresh-all-progress">
        <progress
          max={Math.max(total, 1)}
          value={done}
          aria-label="Refresh all progress"
          aria-valuetext={`${done} of ${total}`}
        />
        <span className="refresh-all-count" aria-live="polite">
          {done} / {total} ({percent}%)
        </span>
      </div>
      <p className="refresh-all-current mono dim" aria-label="Looking up">
        {phase === 'loading'
          ? 'Listing the records…'
          : finished
            ? cancelled
              ? `Cancelled after ${done} of ${total}; the rest were not looked up.`
              : 'Done.'
            : `Looking up: ${current.join(', ') || '…'}`}
      </p>
      {error && (
        <p className="records-error" role="alert">
          {error}
        </p>
      )}
      {finished && (
        <div className="refresh-all-summary" aria-label="Refresh all summary">
          {(['updated', 'complete', 'unresolved', 'notKubernetes'] as const).map((outcome) => {
            const found = byOutcome(outcome);
            return (
              <details key={outcome} open={outcome === 'unresolved' && found.length > 0}>
                <summary>
                  <strong>{found.length}</strong> {OUTCOME_TITLES[outcome].toLowerCase()}
                </summary>
                <ul>
                  {found.map((line) => (
                    <li key={line.id}>
                      <span className="strong">{line.name}</span>: {line.detail}
                    </li>
                  ))}
                </ul>
              </details>
            );
          })}
        </div>
      )}
    </Modal>
  );
}
