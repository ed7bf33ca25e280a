/**
 * The connect orchestrator: walks the access chain in order and returns the first shell that opened, with one attempt
 * record per method. It falls back only when a method could not open a shell; a shell that opened and later exits is
 * the session's business, not a reason to try the next method.
 */
import type { AttemptStep, ConnectionAttempt } from '../../../common/contract';
import { methodName, type ConnectionMethod } from '../../../common/pods';
import { UnreachableServers } from '../kube/api';
import { SecretScrubber } from '../secrets';
import type { PodConnectRecord } from '../store';
import type { AttemptListener, ChainRun, ConnectContext, ConnectionMethodHandler, OpenedSession } from './types';

export interface ConnectResult extends OpenedSession {
  method: ConnectionMethod;
  attempts: ConnectionAttempt[];
}

export class ConnectFailedError extends Error {
  constructor(
    message: string,
    readonly attempts: ConnectionAttempt[],
    /** What each failed attempt threw, in order: the record's status is learned from these (outcomeStatus.ts). */
    readonly failures: readonly unknown[] = [],
  ) {
    super(message);
    this.name = 'ConnectFailedError';
  }
}

/**
 * Thrown by a method's open() when it turns out not to apply only after some work (e.g. the default kubeconfig does not
 * know the record's cluster): recorded as skipped, not failed.
 */
export class MethodSkippedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MethodSkippedError';
  }
}

export class ConnectAbortedError extends Error {
  constructor() {
    super('Connecting was cancelled');
    this.name = 'ConnectAbortedError';
  }
}

/**
 * The scrubber of every secret a record holds: its token, SSH password, private key and passphrase, and its pasted
 * kubeconfig with the credentials in it. Each method's error text goes through it before it becomes an attempt's
 * detail or a Refresh's message, so a library that repeated what it was sent cannot put the secret in the tab, the log
 * or the database. The transports scrub what they send at the source too (kube/api, kube/exec, ssh/); this is the
 * last gate, for texts no transport words (a resolver's, a plugin's).
 */
export function recordScrubber(record: Pick<PodConnectRecord, 'secrets'>): SecretScrubber {
  const { kubeconfig, ...others } = record.secrets;
  return SecretScrubber.of(Object.values(others)).withKubeconfig(kubeconfig);
}

/** A fresh walk down the chain: nothing learnt yet. A connect and a Refresh each start one. */
export function newChainRun(): ChainRun {
  return { unreachableServers: new UnreachableServers() };
}

export async function connect(
  record: PodConnectRecord,
  methods: readonly ConnectionMethodHandler[],
  context: ConnectContext,
  onAttempts: AttemptListener,
  now: () => number = Date.now,
): Promise<ConnectResult> {
  const attempts: ConnectionAttempt[] = [];
  const failures: unknown[] = [];
  const run = newChainRun();
  const scrubber = recordScrubber(record);
  const publish = () => onAttempts(attempts.map((attempt) => ({ ...attempt })));

  for (const handler of methods) {
    if (context.signal.aborted) throw new ConnectAbortedError();
    const label = handler.labelFor?.(record) ?? null;
    const named = label === null ? {} : { label };
    // Only the Kubernetes methods (the ones that can look a pod up) can add a debug container.
    const skipReason =
      context.debug && !('lookUp' in handler)
        ? 'a debug container needs Kubernetes access; this method cannot add one'
        : handler.skipReason(record);
    if (skipReason !== null) {
      attempts.push({
        method: handler.method,
        startedAt: now(),
        durationMs: 0,
        outcome: 'skipped',
        detail: skipReason,
        ...named,
      });
      publish();
      continue;
    }
    const attempt: ConnectionAttempt = {
      method: handler.method,
      startedAt: now(),
      durationMs: null,
      outcome: 'running',
      ...named,
    };
    attempts.push(attempt);
    publish();
    try {
      const progress = (detail: string) => {
        if (attempt.outcome !== 'running') return;
        attempt.detail = scrubber.scrub(detail);
        publish();
      };
      const reportSteps = (steps: AttemptStep[]) => {
        attempt.steps = steps.map((step) =>
          step.detail === undefined ? step : { ...step, detail: scrubber.scrub(step.detail) },
        );
        publish();
      };
      const opened = await handler.open(record, { ...context, progress, reportSteps }, run);
      attempt.durationMs = now() - attempt.startedAt;
      attempt.outcome = 'opened';
      attempt.detail = opened.target;
      publish();
      return { ...opened, method: handler.method, attempts };
    } catch (error) {
      attempt.durationMs = now() - attempt.startedAt;
      attempt.outcome = error instanceof MethodSkippedError ? 'skipped' : 'failed';
      attempt.detail = scrubber.messageOf(error);
      if (attempt.outcome === 'failed') failures.push(error);
      publish();
      if (context.signal.aborted) throw new ConnectAbortedError();
    }
  }

  const tried = attempts.filter((attempt) => attempt.outcome === 'failed');
  const describe = (list: ConnectionAttempt[]) =>
    list.map((attempt) => `${methodName(attempt)}: ${attempt.detail}`).join('; ');
  const message =
    tried.length === 0
      ? `No way to reach this pod was configured (${describe(attempts)}). Add Kubernetes access or SSH details to the record.`
      : tried.length === 1
        ? tried[0]!.detail!
        : `Every connection method failed (${tried.map(methodName).join(', ')}); see the attempt log.`;
  throw new ConnectFailedError(message, attempts, failures);
}
