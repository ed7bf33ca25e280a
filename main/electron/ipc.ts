/**
 * Registers one ipcMain handler per contract request, all through one wrapper: check the sender, then hand the key,
 * the raw payload and the window's ClientConnection to the core (which validates the payload against the contract).
 *
 * ipcMain and the channel factory are passed in, so this wiring is unit-tested without the Electron runtime.
 */
import { REQUEST_KEYS, type RequestKey, type ResultEnvelope } from '../../common/contract';
import type { PodtermCore } from '../core';
import {
  createElectronClient,
  type ChannelLike,
  type ElectronClient,
  type PortLike,
  type WebContentsLike,
} from './electronTransport';
import { checkSender, type FrameLike } from './policy';
import { messageOf } from '../../common/errors';

/** The members of Electron's IpcMainInvokeEvent the wrapper reads. */
export interface InvokeEventLike<P extends PortLike> {
  readonly senderFrame: FrameLike | null;
  readonly sender: WebContentsLike<P>;
}

/** The members of Electron's ipcMain used here. */
export interface IpcMainLike<P extends PortLike> {
  handle(
    channel: string,
    listener: (event: InvokeEventLike<P>, payload: unknown) => Promise<ResultEnvelope<unknown>>,
  ): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions<P extends PortLike> {
  ipcMain: IpcMainLike<P>;
  core: Pick<PodtermCore, 'dispatch'>;
  /** Our page's URL (policy.resolveAppFiles); a request from any other URL is refused. */
  pageUrl: string;
  /** Whether a webContents belongs to a window main created (window.ts registers them). */
  isOurWebContents: (webContentsId: number) => boolean;
  /** `() => new MessageChannelMain()` in the app. */
  createChannel: () => ChannelLike<P>;
  log?: (line: string) => void;
}

/** Removes the handlers again (tests; a clean shutdown). */
export type Unregister = () => void;

/** Registers the handler for every request key. */
export function registerIpcHandlers<P extends PortLike>(options: IpcOptions<P>): Unregister {
  const log = options.log ?? ((line: string) => console.warn(line));
  /** One client per webContents and page load; a reload closes the old one (see createElectronClient). */
  const clients = new Map<number, ElectronClient>();

  const clientFor = (webContents: WebContentsLike<P>): ElectronClient => {
    const existing = clients.get(webContents.id);
    if (existing && !existing.closed) return existing;
    const id = webContents.id;
    const client = createElectronClient(webContents, options.createChannel, log);
    clients.set(id, client);
    client.onClosed(() => {
      if (clients.get(id) === client) clients.delete(id);
    });
    return client;
  };

  const handle = async (
    key: RequestKey,
    event: InvokeEventLike<P>,
    payload: unknown,
  ): Promise<ResultEnvelope<unknown>> => {
    const verdict = checkSender(event, options.pageUrl, options.isOurWebContents);
    if (!verdict.ok) {
      // The reason, not the payload: a refused payload may still hold a token.
      log(`podterm: refused ${key}: ${verdict.reason}`);
      return {
        ok: false,
        error: { code: 'forbidden', message: `Podterm refused this request: ${verdict.reason}.` },
      };
    }
    try {
      return await options.core.dispatch(key, payload, clientFor(event.sender));
    } catch (error) {
      // dispatch promises never to throw; if it does anyway, the renderer still gets an envelope, not a bare string.
      log(`podterm: ${key} failed unexpectedly: ${messageOf(error)}`);
      return { ok: false, error: { code: 'internal', message: `${key} failed unexpectedly; see the log.` } };
    }
  };

  for (const key of REQUEST_KEYS) {
    options.ipcMain.handle(key, (event, payload) => handle(key, event, payload));
  }
  return () => {
    for (const key of REQUEST_KEYS) options.ipcMain.removeHandler(key);
    for (const client of [...clients.values()]) client.close();
  };
}
