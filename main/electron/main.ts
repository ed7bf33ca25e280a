/**
 * The Electron entry (bundled to dist/main/electron.mjs): app lifecycle, global hardening, the core, IPC and the window.
 * Every decision lives in policy.ts, and its wiring into webContents and sessions in hardening.ts, both tested; this
 * file only hands Electron's objects to them.
 */
import {
  BrowserWindow,
  MessageChannelMain,
  app,
  dialog,
  ipcMain,
  protocol,
  safeStorage,
  session,
  shell,
} from 'electron';
import { contentSecurityPolicy } from '../../common/csp';
import { createCore, type PodtermCore } from '../core';
import { APP_SCHEME, APP_SCHEME_REGISTRATION, createAppProtocolHandler } from './appProtocol';
import { registerIpcHandlers } from './ipc';
import { hardenWebContents, installSessionGuards } from './hardening';
import { narrowDownloads } from './downloads';
import { allowsBasicTextSecrets, resolveAppFiles } from './policy';
import { SafeStorageSecretBox } from './safeStorageSecretBox';
import { createMainWindow } from './window';
import { messageOf } from '../../common/errors';

/** How long quitting waits for the core to end sessions and close the database before giving up. */
const CORE_CLOSE_TIMEOUT_MS = 5_000;

const files = resolveAppFiles(import.meta.url);
/** webContents ids of the windows we created: the only senders IPC accepts. */
const ourWebContents = new Set<number>();
let mainWindow: BrowserWindow | null = null;
let core: PodtermCore | null = null;

function openWindow(): void {
  mainWindow = createMainWindow(files, (id) => {
    ourWebContents.add(id);
    return () => ourWebContents.delete(id);
  });
  mainWindow.once('closed', () => {
    mainWindow = null;
  });
}

/** Every webContents, including any we did not mean to create, stays on our page and opens no window. */
function installGlobalHardening(): void {
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { pageUrl: files.pageUrl, openExternal: (url) => shell.openExternal(url) });
  });
}

async function start(): Promise<void> {
  const csp = contentSecurityPolicy();
  installSessionGuards(session.defaultSession, { pageUrl: files.pageUrl, contentSecurityPolicy: csp });
  // A records export may hold secrets: the saved file is made 0600, like the command line's.
  narrowDownloads(session.defaultSession, (message) => console.error(`podterm: ${message}`));
  // The page and its files, from dist/renderer only (appProtocol.ts says why not file://).
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir: files.rendererDir, contentSecurityPolicy: csp }));
  const secretBox = new SafeStorageSecretBox(safeStorage, {
    platform: process.platform,
    allowBasicText: allowsBasicTextSecrets(process.argv, process.env),
  });
  core = createCore({
    dataDir: app.getPath('userData'),
    downloadsDir: app.getPath('downloads'),
    secretBox,
    mode: 'electron',
    version: app.getVersion(),
  });
  registerIpcHandlers({
    ipcMain,
    core,
    pageUrl: files.pageUrl,
    isOurWebContents: (id) => ourWebContents.has(id),
    createChannel: () => new MessageChannelMain(),
  });
  openWindow();
  // Said once at start-up, so a refusal is in the log before the user first saves a token.
  secretBox.ready().then(
    () => console.log(`podterm: secrets are stored with ${secretBox.description}`),
    (error: unknown) => console.warn(`podterm: secrets cannot be stored: ${messageOf(error)}`),
  );
}

function closeCoreThenQuit(): void {
  const closing = core;
  core = null;
  if (!closing) return;
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, CORE_CLOSE_TIMEOUT_MS).unref());
  Promise.race([closing.close(), timeout])
    .catch((error: unknown) => console.warn(`podterm: closing the core failed: ${messageOf(error)}`))
    .finally(() => app.quit());
}

if (!app.requestSingleInstanceLock()) {
  // Another Podterm owns the database; it focuses its window (second-instance below) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  installGlobalHardening();
  // Only possible before the app is ready; the handler is installed in start().
  protocol.registerSchemesAsPrivileged([APP_SCHEME_REGISTRATION]);

  app.on('window-all-closed', () => {
    // macOS convention: the app stays in the dock until the user quits it.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('will-quit', (event) => {
    // Hold the quit until sessions are ended and the database is closed; closeCoreThenQuit quits again after.
    if (!core) return;
    event.preventDefault();
    closeCoreThenQuit();
  });

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error(error);
      dialog.showErrorBox('Podterm could not start', messageOf(error));
      app.exit(1);
    });
}
