/** The transfer dialog's numbers. */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, RateMeter } from '../../renderer/src/lib/transferFormat';

describe('transfer numbers', () => {
  it('formats sizes and durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MiB');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(Infinity)).toBe('…');
  });

  it('measures the rate over its window only', () => {
    const meter = new RateMeter();
    meter.add(0, 0);
    meter.add(1000, 1_000_000);
    expect(meter.rate()).toBe(1_000_000);
    meter.add(10_000, 2_000_000);
    meter.add(11_000, 12_000_000);
    expect(meter.rate()).toBe(10_000_000);
  });
});
