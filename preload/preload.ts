/**
 * The sandboxed preload (bundled to dist/preload/preload.cjs). It exposes `window.podterm`, one function per contract
 * request, and passes session ports to the page. It never exposes ipcRenderer, a generic send, or an IPC event.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { ResultEnvelope } from '../common/contract';
import {
  APP_EVENT_CHANNEL,
  ELECTRON_BRIDGE_GLOBAL,
  FILE_PATHS_GLOBAL,
  SESSION_PORT_CHANNEL,
} from '../common/requestKeys';
import { buildBridgeApi, forwardAppEvent, forwardSessionPort } from './bridge';

contextBridge.exposeInMainWorld(
  ELECTRON_BRIDGE_GLOBAL,
  buildBridgeApi((key, payload) => ipcRenderer.invoke(key, payload) as Promise<ResultEnvelope<unknown>>),
);

// Only the path of a File the page already holds (the user dropped or picked it); '' for one made in the page.
contextBridge.exposeInMainWorld(FILE_PATHS_GLOBAL, {
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
});

ipcRenderer.on(SESSION_PORT_CHANNEL, (event, message: unknown) => {
  if (
    !forwardSessionPort(message, event.ports, (data, targetOrigin, transfer) =>
      window.postMessage(data, targetOrigin, transfer),
    )
  ) {
    console.warn('podterm: ignored a malformed session port message from main');
  }
});

ipcRenderer.on(APP_EVENT_CHANNEL, (_event, message: unknown) => {
  if (!forwardAppEvent(message, (data, targetOrigin) => window.postMessage(data, targetOrigin))) {
    console.warn('podterm: ignored a malformed app event from main');
  }
});
