import { MAX_INPUT_CHARS } from '../../../common/contract';

/**
 * Splits typed or pasted text into pieces the contract accepts (at most MAX_INPUT_CHARS each), never between the two
 * halves of a surrogate pair, which main would turn into U+FFFD.
 */
export function splitInput(data: string, max: number = MAX_INPUT_CHARS): string[] {
  if (data.length <= max) return data === '' ? [] : [data];
  const pieces: string[] = [];
  let start = 0;
  while (start < data.length) {
    let end = Math.min(start + max, data.length);
    if (end < data.length && isHighSurrogate(data.charCodeAt(end - 1)) && end - start > 1) end--;
    pieces.push(data.slice(start, end));
    start = end;
  }
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
