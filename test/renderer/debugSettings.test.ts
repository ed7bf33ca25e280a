import { describe, expect, it } from 'vitest';
import { formatByContext, parseByContext } from '../../renderer/src/lib/debugImages';

describe('per-context debug images as typed in Settings', () => {
  it('reads "context = image" lines, skipping blank ones; a context name may hold "="', () => {
    expect(parseByContext('prod = busybox:1.36\n\n  a=b = mirror.example.com/busybox  \n')).toEqual({
      map: { prod: 'busybox:1.36', 'a=b': 'mirror.example.com/busybox' },
    });
    expect(parseByContext('')).toEqual({ map: {} });
    const map = { prod: 'busybox:1.36', staging: 'mirror.example.com/busybox' };
    expect(parseByContext(formatByContext(map))).toEqual({ map });
  });

  it('names the first line that is not "context = image"', () => {
    expect(parseByContext('prod = busybox\nstaging')).toEqual({
      error: 'line 2: write it as "context = image", e.g. "prod = busybox:1.36"',
    });
    expect(parseByContext('= busybox')).toMatchObject({ error: expect.stringContaining('line 1') });
  });
});
