/** OSC 7 payloads as shells send them, and the ones that must not become an upload destination. */
import { describe, expect, it } from 'vitest';
import { parseOsc7 } from '../../renderer/src/session/features/workingDirectory';

describe('parseOsc7', () => {
  it('reads the path of a file URL, percent-decoded, whatever the host', () => {
    expect(parseOsc7('file://web-7d9f/home/app')).toBe('/home/app');
    expect(parseOsc7('file:///srv/data')).toBe('/srv/data');
    expect(parseOsc7('file://host/tmp/a%20b/%C3%BCn%C3%AFc%C3%B8d%C3%A9')).toBe('/tmp/a b/ünïcødé');
  });

  it('refuses what is not an absolute file URL, or does not decode', () => {
    expect(parseOsc7('http://host/tmp')).toBeNull();
    expect(parseOsc7('file://host')).toBeNull();
    expect(parseOsc7('/tmp')).toBeNull();
    expect(parseOsc7('file://host/tmp/%zz')).toBeNull();
    expect(parseOsc7('file://host/tmp/%00x')).toBeNull();
    expect(parseOsc7(`file://host/${'a'.repeat(5000)}`)).toBeNull();
  });
});
