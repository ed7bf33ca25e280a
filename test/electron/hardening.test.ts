// The desktop shell's guards on webContents and sessions, driven the way Electron drives them: event emitters with
// WebContents' and Session's shapes stand in for the runtime (which cannot be installed on these machines), and the
// events carry Electron's Event shape (a url, preventDefault).
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  hardenWebContents,
  installSessionGuards,
  type GuardableSession,
  type HardenableWebContents,
  type HeadersAnswer,
  type PermissionDetails,
  type WindowOpenAnswer,
  type WindowOpenDetails,
} from '../../main/electron/hardening';
import { APP_PAGE_URL } from '../../main/electron/appProtocol';
import { contentSecurityPolicy } from '../../common/csp';

const PAGE = APP_PAGE_URL;

/** Electron's Event: records whether a listener cancelled it. */
class ElectronEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** A webContents as Electron's is to its listeners: an emitter, plus the window-open handler it keeps. */
class WebContentsEmitter extends EventEmitter implements HardenableWebContents {
  windowOpenHandler: ((details: WindowOpenDetails) => WindowOpenAnswer) | null = null;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => WindowOpenAnswer): void {
    this.windowOpenHandler = handler;
  }
  /** What Electron does when a frame is about to go to `url` through `event`: asks the listeners, then goes or not. */
  navigates(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string): boolean {
    const electronEvent = new ElectronEvent(url);
    this.emit(event, electronEvent, url);
    return !electronEvent.defaultPrevented;
  }
  /** What Electron does on window.open / target=_blank: asks the handler, and opens a window on 'allow'. */
  opensWindow(url: string): boolean {
    if (!this.windowOpenHandler) return true;
    return (this.windowOpenHandler({ url }).action as string) === 'allow';
  }
}

function hardened() {
  const contents = new WebContentsEmitter();
  const opened: string[] = [];
  const logged: string[] = [];
  hardenWebContents(contents, {
    pageUrl: PAGE,
    openExternal: (url) => {
      opened.push(url);
      return url.includes('fails') ? Promise.reject(new Error('no browser registered')) : Promise.resolve();
    },
    log: (line) => logged.push(line),
  });
  return { contents, opened, logged };
}

const FOREIGN_URLS = [
  'https://evil.example/',
  'http://127.0.0.1:8080/',
  pathToFileURL('/etc/passwd').href,
  'podterm://app/other.html',
  'podterm://evil.example/index.html',
  pathToFileURL('/opt/Podterm/resources/app.asar/dist/renderer/index.html').href,
  'data:text/html,<script>alert(1)</script>',
  'javascript:alert(1)',
  'about:blank',
  'devtools://devtools/bundled/inspector.html',
  'not a url',
];

describe('hardenWebContents', () => {
  it('lets every frame stay on our page, reloads and in-page state included', () => {
    const { contents } = hardened();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) {
      expect(contents.navigates(event, PAGE), event).toBe(true);
      expect(contents.navigates(event, `${PAGE}#/pods/3`), event).toBe(true);
    }
  });

  it('stops navigation and redirects to any other URL, in the main frame and in subframes', () => {
    const { contents, opened } = hardened();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) {
      for (const url of FOREIGN_URLS) expect(contents.navigates(event, url), `${event} ${url}`).toBe(false);
    }
    // Navigation never becomes an external open: only window.open hands links to the browser.
    expect(opened).toEqual([]);
  });

  it('never attaches a <webview>', () => {
    const { contents } = hardened();
    const event = new ElectronEvent();
    contents.emit('will-attach-webview', event, { nodeIntegration: true }, { src: 'https://evil.example/' });
    expect(event.defaultPrevented).toBe(true);
  });

  it('opens no window; an http(s) link goes to the browser, normalised', () => {
    const { contents, opened } = hardened();
    expect(contents.opensWindow('https://kubernetes.io/docs/')).toBe(false);
    expect(contents.opensWindow('HTTP://Example.COM/a?b=c')).toBe(false);
    expect(opened).toEqual(['https://kubernetes.io/docs/', 'http://example.com/a?b=c']);
  });

  it('hands nothing else to the OS: no file, custom scheme, script or our own page in a new window', () => {
    const { contents, opened } = hardened();
    for (const url of [
      pathToFileURL('/etc/passwd').href,
      PAGE,
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/x',
      'javascript:alert(1)',
      'data:text/html,x',
      'about:blank',
      '',
    ]) {
      expect(contents.opensWindow(url), url).toBe(false);
    }
    expect(opened).toEqual([]);
  });

  it('says so in the log when the browser cannot be started, and still opens no window', async () => {
    const { contents, logged } = hardened();
    expect(contents.opensWindow('https://fails.example/')).toBe(false);
    await expect.poll(() => logged).toEqual(['podterm: could not open a link in the browser: no browser registered']);
  });
});

/** A session as Electron's keeps its handlers: the tests ask them as Chromium would. */
class SessionHandlers implements GuardableSession {
  requestHandler: Parameters<GuardableSession['setPermissionRequestHandler']>[0] | null = null;
  checkHandler: Parameters<GuardableSession['setPermissionCheckHandler']>[0] | null = null;
  deviceHandler: ((details: unknown) => boolean) | null = null;
  headersListener: Parameters<GuardableSession['webRequest']['onHeadersReceived']>[0] | null = null;

  setPermissionRequestHandler(handler: NonNullable<SessionHandlers['requestHandler']>): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: NonNullable<SessionHandlers['checkHandler']>): void {
    this.checkHandler = handler;
  }
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void {
    this.deviceHandler = handler;
  }
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<SessionHandlers['headersListener']>): void => {
      this.headersListener = listener;
    },
  };

  /** A page asking for a permission (navigator.mediaDevices.getUserMedia, Notification.requestPermission, …). */
  async requests(permission: string, details: PermissionDetails): Promise<boolean> {
    const handler = this.requestHandler;
    if (!handler) throw new Error('no permission request handler: Electron would grant by default');
    return new Promise((resolve) => handler(new EventEmitter(), permission, resolve, details));
  }
  /** A page checking a permission (navigator.permissions.query, the clipboard API's check). */
  checks(permission: string, details: PermissionDetails): boolean {
    if (!this.checkHandler) throw new Error('no permission check handler: Electron would grant by default');
    return this.checkHandler(new EventEmitter(), permission, 'podterm://app', details);
  }
  async headersFor(responseHeaders: Record<string, string[]> | undefined): Promise<HeadersAnswer> {
    const listener = this.headersListener;
    if (!listener) throw new Error('no onHeadersReceived listener');
    return new Promise((resolve) => listener({ responseHeaders }, resolve));
  }
}

function guarded(): SessionHandlers {
  const session = new SessionHandlers();
  installSessionGuards(session, { pageUrl: PAGE, contentSecurityPolicy: contentSecurityPolicy() });
  return session;
}

const REFUSED_PERMISSIONS = [
  'clipboard-read',
  'media',
  'display-capture',
  'notifications',
  'geolocation',
  'openExternal',
  'fileSystem',
  'hid',
  'serial',
  'usb',
  'midiSysex',
  'pointerLock',
  'fullscreen',
  'unknown',
];

describe('installSessionGuards', () => {
  it('grants our page the one permission it needs, writing to the clipboard, when asked or checked', async () => {
    const session = guarded();
    expect(await session.requests('clipboard-sanitized-write', { requestingUrl: PAGE })).toBe(true);
    expect(session.checks('clipboard-sanitized-write', { requestingUrl: `${PAGE}#/tabs` })).toBe(true);
  });

  it('denies our page every other permission', async () => {
    const session = guarded();
    for (const permission of REFUSED_PERMISSIONS) {
      expect(await session.requests(permission, { requestingUrl: PAGE }), permission).toBe(false);
      expect(session.checks(permission, { requestingUrl: PAGE }), permission).toBe(false);
    }
  });

  it('denies any other page everything, the clipboard included, and a requester it cannot name', async () => {
    const session = guarded();
    for (const requestingUrl of [...FOREIGN_URLS, undefined]) {
      for (const permission of ['clipboard-sanitized-write', ...REFUSED_PERMISSIONS]) {
        expect(await session.requests(permission, { requestingUrl }), `${permission} ${requestingUrl}`).toBe(false);
        expect(session.checks(permission, { requestingUrl }), `${permission} ${requestingUrl}`).toBe(false);
      }
    }
  });

  it('pre-approves no device', () => {
    const session = guarded();
    expect(session.deviceHandler?.({ deviceType: 'hid', origin: 'podterm://app', device: {} })).toBe(false);
    expect(session.deviceHandler?.({ deviceType: 'usb', origin: 'https://evil.example' })).toBe(false);
  });

  it('puts our Content-Security-Policy on every response, replacing one the response brought', async () => {
    const session = guarded();
    const csp = contentSecurityPolicy();
    expect(await session.headersFor(undefined)).toEqual({ responseHeaders: { 'Content-Security-Policy': [csp] } });
    expect(
      await session.headersFor({ 'content-security-policy': ["script-src 'unsafe-inline'"], 'X-A': ['b'] }),
    ).toEqual({ responseHeaders: { 'X-A': ['b'], 'Content-Security-Policy': [csp] } });
  });
});
