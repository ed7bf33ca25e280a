import { describe, expect, it } from 'vitest';
import {
  connectedLine,
  describeEnd,
  failedAttemptLine,
  formatDuration,
  podTargetLine,
  recordMethodLabel,
  relativeTime,
} from '../../renderer/src/lib/format';

const MINUTE = 60_000;
const now = Date.UTC(2026, 4, 20, 12, 0, 0);

describe('format', () => {
  it('says how long ago, coarsely', () => {
    expect(relativeTime(now - 10_000, now)).toBe('just now');
    expect(relativeTime(now - 5 * MINUTE, now)).toBe('5 min ago');
    expect(relativeTime(now - 3 * 60 * MINUTE, now)).toBe('3 h ago');
    expect(relativeTime(now - 30 * 60 * MINUTE, now)).toBe('yesterday');
    expect(relativeTime(now - 4 * 24 * 60 * MINUTE, now)).toBe('4 d ago');
  });

  it("names a record's own kubeconfig as the attempt log does: an imported context, or the method's name", () => {
    const secrets = { kubeconfig: false, token: false, sshPassword: false, sshPrivateKey: false, sshPassphrase: false };
    const imported = { lastConnectionMethod: 'podKubeconfig' as const, storedSecrets: secrets, kubeconfigId: 'x' };
    expect(recordMethodLabel(imported)).toBe('imported context');
    const pasted = { ...imported, storedSecrets: { ...secrets, kubeconfig: true } };
    expect(recordMethodLabel(pasted)).toBe("pod's kubeconfig");
    expect(recordMethodLabel({ ...imported, lastConnectionMethod: 'ssh' })).toBe('SSH');
    expect(recordMethodLabel({ ...imported, lastConnectionMethod: null })).toBe('');
  });

  it('formats durations', () => {
    expect(formatDuration(340)).toBe('340 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(75_000)).toBe('75 s');
  });

  it('says why a session ended', () => {
    expect(describeEnd({ kind: 'exited', code: 3, signal: null })).toBe('Session ended (exit code 3)');
    expect(describeEnd({ kind: 'exited', code: null, signal: 'KILL' })).toBe('Session ended (killed by signal KILL)');
    expect(describeEnd({ kind: 'failed', message: 'no route' })).toBe('Could not connect: no route');
    expect(describeEnd({ kind: 'lost', message: 'reset' })).toBe('Connection lost: reset');
    expect(describeEnd({ kind: 'closed' })).toBe('Session closed');
  });

  it('names the target', () => {
    expect(connectedLine('ssh', 'root@127.0.0.1:2222')).toBe('Connected via SSH to root@127.0.0.1:2222');
    expect(connectedLine('podKubeconfig', 'default/shell-pod', 'imported context prod')).toBe(
      'Connected via imported context prod to default/shell-pod',
    );
    expect(podTargetLine({ namespace: 'prod', podName: 'api-1', sshHost: 'h', sshUser: 'u', sshPort: 2222 })).toBe(
      'prod/api-1 · u@h:2222',
    );
    expect(podTargetLine({ namespace: 'prod', podName: null, sshHost: 'h', sshUser: 'u', sshPort: 22 })).toBe('u@h');
  });

  it('writes a failed attempt as one line naming the method, the time and the reason', () => {
    expect(
      failedAttemptLine({
        method: 'token',
        startedAt: 0,
        durationMs: 12,
        outcome: 'failed',
        detail: 'connection refused by 127.0.0.1:1',
      }),
    ).toMatch(/^✗ token auth failed \(12\s?ms\): connection refused by 127\.0\.0\.1:1$/);
  });
});
