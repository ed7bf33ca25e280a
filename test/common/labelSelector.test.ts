/** The label selector a record may follow a workload by: what parses, what is refused and why, what matches. */
import { describe, expect, it } from 'vitest';
import { labelsMatch, parseLabelSelector } from '../../common/labelSelector';

const terms = (selector: string) => {
  const parsed = parseLabelSelector(selector);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.terms;
};

describe('parseLabelSelector', () => {
  it('reads equality, inequality, existence and absence terms', () => {
    expect(terms(' app=api , tier!=canary,app.kubernetes.io/name==web,track,!legacy')).toEqual([
      { op: 'equals', key: 'app', value: 'api' },
      { op: 'notEquals', key: 'tier', value: 'canary' },
      { op: 'equals', key: 'app.kubernetes.io/name', value: 'web' },
      { op: 'exists', key: 'track' },
      { op: 'notExists', key: 'legacy' },
    ]);
  });

  it('names the bad term and what is wrong with it', () => {
    expect(parseLabelSelector('app=api,')).toEqual({
      error: 'an empty term (two commas in a row, or a trailing comma)',
    });
    expect(parseLabelSelector('=api')).toEqual({ error: '"=api": a term needs a label key, e.g. app=api' });
    expect(parseLabelSelector('app=a b')).toMatchObject({
      error: expect.stringMatching(/^"app=a b": a value is at most 63/),
    });
    expect(parseLabelSelector('env in (a)')).toEqual({
      error: '"env in (a)": set terms (in, notin) are not supported; use key=value terms',
    });
    expect(parseLabelSelector('   ')).toEqual({ error: 'give at least one term, e.g. app=api' });
  });

  it('matches labels the way the API server does', () => {
    const labels = { app: 'api', track: 'stable' };
    expect(labelsMatch(terms('app=api'), labels)).toBe(true);
    expect(labelsMatch(terms('app=api,track!=canary'), labels)).toBe(true);
    expect(labelsMatch(terms('app=api,track=canary'), labels)).toBe(false);
    expect(labelsMatch(terms('tier!=canary'), labels)).toBe(true);
    expect(labelsMatch(terms('!track'), labels)).toBe(false);
    expect(labelsMatch(terms('track'), labels)).toBe(true);
  });
});
