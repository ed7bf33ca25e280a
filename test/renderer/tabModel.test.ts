import { describe, expect, it } from 'vitest';
import { distinctTitle } from '../../renderer/src/components/tabs/tabModel';

describe('distinctTitle', () => {
  it('keeps a name no tab shows', () => {
    expect(distinctTitle('prod api', ['staging'])).toBe('prod api');
  });

  it('numbers a second and third tab of one name from 2', () => {
    expect(distinctTitle('prod api', ['prod api'])).toBe('prod api (2)');
    expect(distinctTitle('prod api', ['prod api', 'prod api (2)'])).toBe('prod api (3)');
  });

  it('reuses the lowest free number after a tab closed', () => {
    expect(distinctTitle('prod api', ['prod api', 'prod api (3)'])).toBe('prod api (2)');
  });
});
