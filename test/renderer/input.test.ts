import { describe, expect, it } from 'vitest';
import { splitInput } from '../../renderer/src/session/input';

describe('splitInput', () => {
  it('passes short input through and drops empty input', () => {
    expect(splitInput('ls\r', 10)).toEqual(['ls\r']);
    expect(splitInput('', 10)).toEqual([]);
  });

  it('splits long pastes into pieces of at most the limit', () => {
    const pieces = splitInput('a'.repeat(25), 10);
    expect(pieces.map((piece) => piece.length)).toEqual([10, 10, 5]);
    expect(pieces.join('')).toBe('a'.repeat(25));
  });

  it('never cuts a surrogate pair in half', () => {
    const text = 'abcdefghi😀xyz'; // the emoji's high surrogate is the 10th code unit
    const pieces = splitInput(text, 10);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) expect(piece).not.toMatch(/[\ud800-\udbff]$/);
    expect(pieces[0]).toBe('abcdefghi');
  });
});
