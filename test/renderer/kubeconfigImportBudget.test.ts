/**
 * The import dialog's budget: files that would take one preview or import request over the server's message limit are
 * refused with a message before anything is sent, and the rest still go.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_IMPORT_FILES,
  MAX_IMPORT_REQUEST_TEXT_BYTES,
  MAX_KUBECONFIG_BYTES,
} from '../../common/limits';
import { fitImportRequest } from '../../renderer/src/components/kubeconfigs/readFiles';

/** A kubeconfig-sized text just under the per-file limit, mostly lines (each newline weighs two bytes in JSON). */
function nearlyOneMiB(name: string) {
  const line = `# ${name} ${'x'.repeat(60)}\n`;
  return { fileName: `${name}.yaml`, text: line.repeat(Math.floor((MAX_KUBECONFIG_BYTES - 1024) / line.length)) };
}

describe('fitImportRequest', () => {
  it('keeps nine ~1 MiB kubeconfigs from one request: what fits goes, the rest is refused by name', () => {
    const files = Array.from({ length: 9 }, (_, index) => nearlyOneMiB(`cluster-${index}`));
    const { files: sent, refused } = fitImportRequest([], files);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length + refused.length).toBe(9);
    expect(refused[0]).toEqual({
      fileName: files[sent.length]!.fileName,
      message: `not added: one import takes at most ${MAX_IMPORT_REQUEST_TEXT_BYTES / 1024 / 1024} MiB of files; import the ones above, then add this one again`,
    });
    const request = JSON.stringify({ kind: 'request', id: 1, key: 'kubeconfigs.preview', payload: { files: sent } });
    expect(Buffer.byteLength(request)).toBeLessThan(MAX_CLIENT_MESSAGE_BYTES);
  });

  it('counts the files already in the dialog, and refuses past the file count', () => {
    const small = (index: number) => ({ fileName: `f${index}.yaml`, text: 'apiVersion: v1\n' });
    const kept = Array.from({ length: MAX_IMPORT_FILES - 1 }, (_, index) => small(index));
    const { files, refused } = fitImportRequest(kept, [small(100), small(101)]);
    expect(files.map((file) => file.fileName)).toEqual(['f100.yaml']);
    expect(refused).toEqual([
      {
        fileName: 'f101.yaml',
        message: `not added: one import takes at most ${MAX_IMPORT_FILES} files; import the ones above, then add this one again`,
      },
    ]);
  });

  it('weighs text as JSON: control characters count six bytes each', () => {
    const escaped = { fileName: 'odd.yaml', text: '\u0001'.repeat(MAX_IMPORT_REQUEST_TEXT_BYTES / 6 + 1) };
    expect(fitImportRequest([], [escaped]).refused).toHaveLength(1);
    const plain = { fileName: 'plain.yaml', text: 'a'.repeat(MAX_IMPORT_REQUEST_TEXT_BYTES / 6 + 1) };
    expect(fitImportRequest([], [plain]).files).toHaveLength(1);
  });
});
