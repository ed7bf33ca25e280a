/**
 * Files the page saves (Settings → Records → Export…, which may hold every secret in plaintext) are made readable by
 * the user only, as `podterm pods export --include-secrets -o FILE` makes its file: Electron writes a download with the
 * umask's mode, usually 0644. Our page is the only one the window shows, so every download is such an export.
 */
import { chmod } from 'node:fs/promises';

/** An export holds credentials: owner read/write only. */
export const EXPORT_FILE_MODE = 0o600;

/** The members of Electron's DownloadItem used here. */
export interface OwnDownloadItem {
  getSavePath(): string;
  once(event: 'done', listener: (event: unknown, state: 'completed' | 'cancelled' | 'interrupted') => void): unknown;
}

/** The members of Electron's Session used here. */
export interface DownloadingSession {
  on(event: 'will-download', listener: (event: unknown, item: OwnDownloadItem) => void): unknown;
}

/**
 * Narrows every completed download to EXPORT_FILE_MODE. `onError` hears a file that could not be narrowed (removed
 * meanwhile, a file system without modes); the download itself stays as it is.
 */
export function narrowDownloads(session: DownloadingSession, onError: (message: string) => void): void {
  session.on('will-download', (_event, item) => {
    item.once('done', (_done, state) => {
      if (state !== 'completed') return;
      const path = item.getSavePath();
      chmod(path, EXPORT_FILE_MODE).catch((error: unknown) => {
        onError(
          `could not make ${path} readable by you only: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        );
      });
    });
  });
}
