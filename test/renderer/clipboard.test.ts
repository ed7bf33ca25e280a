import { describe, expect, it } from 'vitest';
import { isCopyKey, isPasteKey, isSearchKey, lineCount, previewLines } from '../../renderer/src/session/clipboard';

const key = (code: string, mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'metaKey' | 'altKey', boolean>> = {}) =>
  ({ code, ctrlKey: false, shiftKey: false, metaKey: false, altKey: false, ...mods }) as KeyboardEvent;

describe('terminal keys', () => {
  it('uses Ctrl+Shift on Linux and Windows, leaving plain Ctrl+C/V/F to the shell', () => {
    expect(isCopyKey(key('KeyC', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    expect(isPasteKey(key('KeyV', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    expect(isSearchKey(key('KeyF', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    for (const code of ['KeyC', 'KeyV', 'KeyF']) {
      const plain = key(code, { ctrlKey: true });
      expect([isCopyKey(plain, false), isPasteKey(plain, false), isSearchKey(plain, false)]).toEqual([
        false,
        false,
        false,
      ]);
    }
    expect(isCopyKey(key('KeyC', { ctrlKey: true, shiftKey: true, altKey: true }), false)).toBe(false);
    expect(isCopyKey(key('KeyC', { metaKey: true }), false)).toBe(false);
  });

  it('uses Cmd alone on macOS', () => {
    expect(isCopyKey(key('KeyC', { metaKey: true }), true)).toBe(true);
    expect(isPasteKey(key('KeyV', { metaKey: true }), true)).toBe(true);
    expect(isSearchKey(key('KeyF', { metaKey: true }), true)).toBe(true);
    // Ctrl+C on a Mac is SIGINT, as everywhere.
    expect(isCopyKey(key('KeyC', { ctrlKey: true }), true)).toBe(false);
    expect(isCopyKey(key('KeyC', { ctrlKey: true, shiftKey: true }), true)).toBe(false);
    expect(isCopyKey(key('KeyC', { metaKey: true, shiftKey: true }), true)).toBe(false);
  });
});

describe('paste lines', () => {
  it('counts a trailing line break as running the last line', () => {
    expect(lineCount('ls')).toBe(1);
    expect(lineCount('ls\n')).toBe(2);
    expect(lineCount('a\r\nb\rc\nd')).toBe(4);
  });

  it('previews the first lines, cut to a readable length', () => {
    const text = Array.from({ length: 12 }, (_, i) => `echo ${i + 1}`).join('\n') + '\n';
    expect(previewLines(text, 3)).toEqual(['echo 1', 'echo 2', 'echo 3']);
    expect(previewLines('x'.repeat(250), 1, 200)).toEqual([`${'x'.repeat(200)}…`]);
    expect(previewLines('one\n', 8)).toEqual(['one']);
  });
});
