import { describe, expect, it } from 'vitest';
import type { PodView } from '../../common/pods';
import {
  buildRows,
  clusterOf,
  CURRENT_CONTEXT_LABEL,
  GROUP_ROW_HEIGHT,
  hostPort,
  POD_ROW_HEIGHT,
  rowAt,
  rowOffsets,
  SSH_ONLY_LABEL,
  type SidebarRow,
} from '../../renderer/src/components/sidebar/groups';

let next = 0;
function pod(fields: Partial<PodView>): PodView {
  next++;
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    name: `pod ${next}`,
    namespace: 'default',
    podName: null,
    labelSelector: null,
    container: null,
    kubeContext: null,
    kubeconfigId: null,
    clusterHost: null,
    clusterCaData: null,
    insecureSkipTlsVerify: false,
    sshHost: null,
    sshPort: 22,
    sshUser: null,
    sshAuthKind: 'password',
    sshPrivateKeyPath: null,
    shell: null,
    notes: null,
    storedSecrets: { kubeconfig: false, token: false, sshPassword: false, sshPrivateKey: false, sshPassphrase: false },
    createdAt: 0,
    updatedAt: 0,
    lastConnectedAt: null,
    lastConnectionMethod: null,
    lastStatus: null,
    lastStatusAt: null,
    lastStatusDetail: null,
    kubeconfigContext: null,
    ...fields,
  } as PodView;
}

const shape = (rows: SidebarRow[]) =>
  rows.map((row) =>
    row.kind === 'group' ? `${'  '.repeat(row.level)}[${row.label} ${row.count}]` : `    ${row.pod.name}`,
  );

describe('sidebar groups', () => {
  it('names the cluster by context, else host:port, else SSH only', () => {
    expect(clusterOf(pod({ kubeContext: 'prod', clusterHost: 'https://x:6443', podName: 'a' }))).toBe('prod');
    expect(clusterOf(pod({ clusterHost: 'https://10.0.0.1:6443/base', podName: 'a' }))).toBe('10.0.0.1:6443');
    expect(clusterOf(pod({ podName: 'a' }))).toBe(CURRENT_CONTEXT_LABEL);
    const imported = new Map([['11111111-1111-4111-8111-111111111111', 'eks-prod']]);
    expect(clusterOf(pod({ kubeconfigId: '11111111-1111-4111-8111-111111111111', podName: 'a' }), imported)).toBe(
      'eks-prod',
    );
    // A pasted kubeconfig groups under its own context ("current context" is the default kubeconfig's), ahead of an
    // imported context, as it takes precedence when connecting.
    const pasted = {
      podName: 'a',
      kubeconfigContext: 'kind-dev',
      kubeconfigId: '11111111-1111-4111-8111-111111111111',
      storedSecrets: { kubeconfig: true, token: false, sshPassword: false, sshPrivateKey: false, sshPassphrase: false },
    };
    expect(clusterOf(pod(pasted), imported)).toBe('kind-dev');
    expect(clusterOf(pod({ ...pasted, kubeContext: 'named' }), imported)).toBe('named');
    expect(clusterOf(pod({ sshHost: 'h', sshUser: 'u' }))).toBe(SSH_ONLY_LABEL);
    expect(hostPort('https://api.example')).toBe('api.example:443');
    expect(hostPort('http://[::1]:8080')).toBe('[::1]:8080');
  });

  it('groups clusters (SSH only last) then namespaces, keeping the records in the order given', () => {
    const pods = [
      pod({ name: 'a', kubeContext: 'prod', namespace: 'web', podName: 'a' }),
      pod({ name: 'b', sshHost: 'h', sshUser: 'u' }),
      pod({ name: 'c', kubeContext: 'dev', namespace: 'web', podName: 'c' }),
      pod({ name: 'd', kubeContext: 'prod', namespace: 'api', podName: 'd' }),
      pod({ name: 'e', kubeContext: 'prod', namespace: 'web', podName: 'e' }),
    ];
    expect(shape(buildRows(pods, new Set()))).toEqual([
      '[dev 1]',
      '  [web 1]',
      '    c',
      '[prod 3]',
      '  [api 1]',
      '    d',
      '  [web 2]',
      '    a',
      '    e',
      '[SSH only 1]',
      '    b',
    ]);
    // Folded groups hide their records but keep their counts; searching shows everything.
    const folded = new Set(['c:dev', 'n:prod/web']);
    expect(shape(buildRows(pods, folded))).toEqual([
      '[dev 1]',
      '[prod 3]',
      '  [api 1]',
      '    d',
      '  [web 2]',
      '[SSH only 1]',
      '    b',
    ]);
    expect(buildRows(pods, folded, true)).toHaveLength(11);
    const record = buildRows(pods, new Set()).find((row) => row.kind === 'pod' && row.pod.name === 'a');
    expect(record).toMatchObject({ parentKey: 'n:prod/web', depth: 2 });
  });

  it('finds the row under a scroll position by binary search over the offsets', () => {
    const rows = buildRows(
      [pod({ kubeContext: 'x', podName: 'a' }), pod({ kubeContext: 'x', podName: 'b' })],
      new Set(),
    );
    const offsets = rowOffsets(rows);
    expect([...offsets]).toEqual([0, 26, 52, 96, 140]);
    expect(offsets[rows.length]).toBe(2 * GROUP_ROW_HEIGHT + 2 * POD_ROW_HEIGHT);
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 51)).toBe(1);
    expect(rowAt(offsets, 52)).toBe(2);
    expect(rowAt(offsets, 10_000)).toBe(3);
    expect(rowAt(rowOffsets([]), 10)).toBe(0);
  });
});
