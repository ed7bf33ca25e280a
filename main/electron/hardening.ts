/**
 * The wiring of policy.ts's decisions into Electron's webContents and session objects: where navigation, new windows,
 * <webview>, permissions and response headers are stopped. Each function takes the Electron object as a parameter,
 * typed by the few members it uses, so tests drive it with event emitters of Electron's shapes and main.ts passes the
 * real ones.
 */
import { messageOf } from '../../common/errors';
import { externalUrlToOpen, isOwnPage, isPermissionGranted, withContentSecurityPolicy } from './policy';

/** Electron's Event: what a listener may cancel. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** Electron's Event for will-navigate, will-frame-navigate and will-redirect: where the frame is about to go. */
export interface NavigationEvent extends PreventableEvent {
  readonly url: string;
}

/** What Electron's window-open handler is given (HandlerDetails) and may answer, as far as we use them. */
export interface WindowOpenDetails {
  readonly url: string;
}
export interface WindowOpenAnswer {
  action: 'deny';
}

/** The members of Electron's WebContents that `hardenWebContents` uses. */
export interface HardenableWebContents {
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => WindowOpenAnswer): void;
}

export interface WebContentsPolicy {
  /** The one URL a frame may show (policy.resolveAppFiles' pageUrl); hash and query may change. */
  pageUrl: string;
  /** Hands a vetted http(s) URL to the user's browser (`shell.openExternal` in the app). */
  openExternal: (url: string) => Promise<void>;
  log?: (line: string) => void;
}

/**
 * Guards one webContents, whoever created it: no frame navigates or is redirected anywhere but our page (a link, a
 * dropped file, a script setting location), no <webview> is attached, and no window opens. A window.open or
 * target=_blank link to an http(s) page goes to the user's browser instead; any other URL is dropped, since the OS's
 * handler for other schemes can start programs.
 */
export function hardenWebContents(contents: HardenableWebContents, policy: WebContentsPolicy): void {
  const log = policy.log ?? ((line: string) => console.warn(line));
  const stayOnOurPage = (event: NavigationEvent): void => {
    if (!isOwnPage(event.url, policy.pageUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stayOnOurPage);
  // will-navigate sees only the main frame; subframes (none today, the CSP allows none) navigate through this one.
  contents.on('will-frame-navigate', stayOnOurPage);
  contents.on('will-redirect', stayOnOurPage);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url);
    if (external) {
      policy.openExternal(external).catch((error: unknown) => {
        log(`podterm: could not open a link in the browser: ${messageOf(error)}`);
      });
    }
    return { action: 'deny' };
  });
}

/** Electron's permission request and check details, as far as the decision reads them. */
export interface PermissionDetails {
  /** The URL of the frame asking; absent for some checks (then nothing is granted). */
  readonly requestingUrl?: string;
}

/** The response headers `onHeadersReceived` passes on; Electron's HeadersReceivedResponse. */
export interface HeadersAnswer {
  responseHeaders?: Record<string, string | string[]>;
}

/** The members of Electron's Session that `installSessionGuards` uses. */
export interface GuardableSession {
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: PermissionDetails,
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string, details: PermissionDetails) => boolean,
  ): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (answer: HeadersAnswer) => void,
      ) => void,
    ): void;
  };
}

export interface SessionPolicy {
  /** Our page's URL: the only requester any permission is granted to. */
  pageUrl: string;
  /** The Content-Security-Policy every response carries (common/csp.ts). */
  contentSecurityPolicy: string;
}

/**
 * Guards the session every window uses: no permission (camera, notifications, reading the clipboard, …) except those
 * policy.GRANTED_PERMISSIONS lists, to our page only, whether asked for or merely checked; no device (HID, serial, USB)
 * pre-approved; and every response carries our Content-Security-Policy.
 */
export function installSessionGuards(session: GuardableSession, policy: SessionPolicy): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details.requestingUrl, policy.pageUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionGranted(permission, details.requestingUrl, policy.pageUrl),
  );
  session.setDevicePermissionHandler(() => false);
  // The page's meta tag already carries this policy. The header is defence in depth for anything served over a
  // protocol webRequest sees; the meta tag must stay for responses it does not.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy.contentSecurityPolicy) });
  });
}
