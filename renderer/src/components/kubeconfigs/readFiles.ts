/**
 * Reads dropped or picked files for a kubeconfig import, refusing what cannot be a kubeconfig before it is sent: files
 * over 1 MiB and binary files. Main checks both again; refusing here keeps a dropped disk image out of the request.
 */
import {
  MAX_IMPORT_FILES,
  MAX_IMPORT_REQUEST_TEXT_BYTES,
  MAX_KUBECONFIG_BYTES,
  type KubeconfigFileInput,
} from '../../../../common/importedKubeconfigs';
import { FILE_PATHS_GLOBAL } from '../../../../common/requestKeys';
import { MAX_RECORDS_FILE_BYTES } from '../../../../common/limits';
import { looksLikeRecordsFile } from '../../../../common/records';

export interface RefusedFile {
  fileName: string;
  message: string;
}

export interface ReadResult {
  files: KubeconfigFileInput[];
  refused: RefusedFile[];
}

const MIB = 1024 * 1024;
const encoder = new TextEncoder();

/** Text files have no NUL bytes; every common binary format has plenty in its first kilobytes. */
const BINARY_SNIFF_BYTES = 8 * 1024;

export async function readKubeconfigFiles(list: Iterable<File>): Promise<ReadResult> {
  const files: KubeconfigFileInput[] = [];
  const refused: RefusedFile[] = [];
  for (const file of list) {
    if (file.size > MAX_KUBECONFIG_BYTES) {
      const size = (file.size / 1024 / 1024).toFixed(1);
      refused.push({
        fileName: file.name,
        message: `${size} MiB is too big to be a kubeconfig (at most ${MAX_KUBECONFIG_BYTES / MIB} MiB)`,
      });
      continue;
    }
    try {
      const head = new Uint8Array(await file.slice(0, BINARY_SNIFF_BYTES).arrayBuffer());
      if (head.includes(0)) {
        refused.push({ fileName: file.name, message: 'a binary file, not a kubeconfig (kubeconfigs are YAML text)' });
        continue;
      }
      const directory = folderOf(file);
      files.push({ fileName: file.name, text: await file.text(), ...(directory ? { directory } : {}) });
    } catch {
      refused.push({ fileName: file.name, message: 'could not be read (was it moved or deleted?)' });
    }
  }
  return { files, refused };
}

/**
 * Splits files to add to an import into those that fit one preview/import request beside the files already there, and
 * those refused with a message saying to import them in a second go: together they would exceed what the server takes
 * in one message (common/limits.ts), and the whole request would be refused.
 */
export function fitImportRequest(
  kept: readonly KubeconfigFileInput[],
  incoming: readonly KubeconfigFileInput[],
): ReadResult {
  let count = kept.length;
  let bytes = kept.reduce((sum, file) => sum + jsonTextBytes(file.text), 0);
  const files: KubeconfigFileInput[] = [];
  const refused: RefusedFile[] = [];
  for (const file of incoming) {
    const size = jsonTextBytes(file.text);
    if (count + 1 > MAX_IMPORT_FILES) {
      refused.push({
        fileName: file.fileName,
        message: `not added: one import takes at most ${MAX_IMPORT_FILES} files; import the ones above, then add this one again`,
      });
    } else if (bytes + size > MAX_IMPORT_REQUEST_TEXT_BYTES) {
      refused.push({
        fileName: file.fileName,
        message:
          `not added: one import takes at most ${MAX_IMPORT_REQUEST_TEXT_BYTES / MIB} MiB of files; ` +
          'import the ones above, then add this one again',
      });
    } else {
      count += 1;
      bytes += size;
      files.push(file);
    }
  }
  return { files, refused };
}

/** What a file's text weighs in the request: its UTF-8 bytes once JSON-escaped (a newline is two, `\u0001` six). */
function jsonTextBytes(text: string): number {
  return encoder.encode(JSON.stringify(text)).byteLength - 2;
}

/** Whether a drag carries files (not text or a link dragged from a page). */
export function dragHasFiles(event: DragEvent): boolean {
  return event.dataTransfer !== null && [...event.dataTransfer.types].includes('Files');
}

interface FilePaths {
  pathForFile(file: File): string;
}

/** A dropped file's full local path from the Electron preload; null in the browser mode, which cannot know it. */
export function localPathOf(file: File): string | null {
  const paths = (window as unknown as Partial<Record<string, FilePaths>>)[FILE_PATHS_GLOBAL];
  return paths?.pathForFile(file) || null;
}

/**
 * The folder a dropped or picked file lives in, from the Electron preload (so its relative certificate paths resolve
 * like kubectl's); undefined in the browser mode, which cannot know it.
 */
function folderOf(file: File): string | undefined {
  const paths = (window as unknown as Partial<Record<string, FilePaths>>)[FILE_PATHS_GLOBAL];
  const full = paths?.pathForFile(file) ?? '';
  const cut = Math.max(full.lastIndexOf('/'), full.lastIndexOf('\\'));
  return cut > 0 ? full.slice(0, cut) : undefined;
}

/** Enough of a file's start to tell records from a kubeconfig: a JSON array's first item, or a CSV header row. */
const RECORDS_SNIFF_BYTES = 64 * 1024;

/** Whether a dropped file is pod records (a JSON array of records, a CSV with a records header), by its content. */
export async function isRecordsFile(file: File): Promise<boolean> {
  if (file.size > MAX_RECORDS_FILE_BYTES) return false;
  try {
    return looksLikeRecordsFile(await file.slice(0, RECORDS_SNIFF_BYTES).text());
  } catch {
    return false;
  }
}
