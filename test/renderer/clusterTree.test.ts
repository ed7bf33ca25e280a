/**
 * What the cluster browser offers for a finished pod: a running pod of its workload when one runs in the namespace, and
 * nothing otherwise (so no record is saved that could only fail).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterPodView } from '../../common/clusters';
import { isFinished, runningWorkloadOf } from '../../renderer/src/components/clusters/clusterTree';

function pod(name: string, phase: string, allReady: boolean, labels: Record<string, string>): ClusterPodView {
  return {
    name,
    namespace: 'default',
    phase,
    status: phase,
    ready: allReady ? '1/1' : '0/1',
    allReady,
    restarts: 0,
    createdAt: 0,
    containers: ['main'],
    labels,
    defaultContainer: null,
  };
}

describe('a finished pod in the cluster browser', () => {
  const done = pod('job-1', 'Succeeded', false, { app: 'job' });

  it('is finished when Succeeded or Failed only', () => {
    expect(['Succeeded', 'Failed', 'Running', 'Pending', 'Unknown'].map((phase) => isFinished({ phase }))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('offers its workload when another pod of it is Running and ready', () => {
    const peers = [done, pod('job-2', 'Running', true, { app: 'job' })];
    expect(runningWorkloadOf(done, peers)).toEqual({ selector: 'app=job', name: 'job workload' });
  });

  it('offers nothing when no pod of its workload runs, or it has no workload label', () => {
    expect(runningWorkloadOf(done, [done, pod('job-2', 'Running', false, { app: 'job' })])).toBeNull();
    expect(runningWorkloadOf(done, [done, pod('web', 'Running', true, { app: 'web' })])).toBeNull();
    const unlabelled = pod('lone', 'Failed', false, {});
    expect(runningWorkloadOf(unlabelled, [unlabelled, pod('x', 'Running', true, {})])).toBeNull();
  });
});
