/**
 * Podterm's one window. Its webPreferences come from policy.ts (where a test pins them); this file only creates it.
 */
import { BrowserWindow, dialog } from 'electron';
import { guardUnloadWithLiveSessions } from './closeGuard';
import { webPreferencesFor, type AppFiles } from './policy';
import { messageOf } from '../../common/errors';

/** Room for a sidebar and an 80×24 terminal at a typical font size. */
const DEFAULT_WIDTH = 1280;
const DEFAULT_HEIGHT = 800;
/** Below this the sidebar and a usable terminal no longer fit side by side. */
const MIN_WIDTH = 720;
const MIN_HEIGHT = 440;
/** The terminal's background, so the window does not flash white before the page paints. */
const BACKGROUND_COLOR = '#1e1e1e';

/**
 * Creates the main window and starts loading our page. `trustWebContents` receives the webContents id before the page
 * can send anything, so the IPC sender check knows the window is ours; the function it returns runs when it closes.
 */
export function createMainWindow(
  files: AppFiles,
  trustWebContents: (webContentsId: number) => () => void,
): BrowserWindow {
  const window = new BrowserWindow({
    width: DEFAULT_WIDTH,
    height: DEFAULT_HEIGHT,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: 'Podterm',
    backgroundColor: BACKGROUND_COLOR,
    // Shown on ready-to-show, so the user never sees a half-painted window.
    show: false,
    webPreferences: webPreferencesFor(files.preloadPath),
  });
  const untrust = trustWebContents(window.webContents.id);
  window.once('closed', untrust);
  window.once('ready-to-show', () => window.show());
  guardUnloadWithLiveSessions(window.webContents, (question) => dialog.showMessageBoxSync(window, question));
  window.loadURL(files.pageUrl).catch((error: unknown) => {
    console.error(`podterm: could not load ${files.pageUrl}: ${messageOf(error)}`);
  });
  return window;
}
