// The desktop shell's security policy, as pure functions. No Electron runtime runs here (none can be installed on
// these machines); these are the decisions main.ts, window.ts and ipc.ts wire into Electron.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ALLOW_BASIC_TEXT_SECRETS_ENV,
  ALLOW_BASIC_TEXT_SECRETS_FLAG,
  SECURE_WEB_PREFERENCES,
  allowsBasicTextSecrets,
  checkSender,
  externalUrlToOpen,
  isAllowedExternalUrl,
  isOwnPage,
  isPermissionGranted,
  resolveAppFiles,
  webPreferencesFor,
  withContentSecurityPolicy,
} from '../../main/electron/policy';
import { APP_PAGE_URL } from '../../main/electron/appProtocol';
import { contentSecurityPolicy } from '../../common/csp';

const PAGE = APP_PAGE_URL;

describe('resolveAppFiles', () => {
  it('finds the preload and the page folder next to dist/main/electron.mjs, and serves the page from our scheme', () => {
    const files = resolveAppFiles(pathToFileURL('/opt/podterm/dist/main/electron.mjs').href);
    expect(files.preloadPath).toBe(join('/opt/podterm/dist/preload/preload.cjs'));
    expect(files.rendererDir).toBe(join('/opt/podterm/dist/renderer'));
    expect(files.pageUrl).toBe('podterm://app/index.html');
  });

  it('gives the page one URL wherever the app is installed (spaces in the install path)', () => {
    const files = resolveAppFiles(pathToFileURL('/home/me/My Apps/podterm/dist/main/electron.mjs').href);
    expect(files.rendererDir).toBe(join('/home/me/My Apps/podterm/dist/renderer'));
    expect(files.pageUrl).toBe('podterm://app/index.html');
    expect(isOwnPage('podterm://app/index.html#/pods', files.pageUrl)).toBe(true);
  });
});

describe('webPreferences', () => {
  it('isolates, sandboxes and denies Node to the renderer', () => {
    const prefs = webPreferencesFor('/x/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      preload: '/x/preload.cjs',
    });
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true);
  });
});

describe('isOwnPage', () => {
  it('accepts the exact page, ignoring hash and query', () => {
    expect(isOwnPage(PAGE, PAGE)).toBe(true);
    expect(isOwnPage(`${PAGE}#/pods/1`, PAGE)).toBe(true);
    expect(isOwnPage(`${PAGE}?tab=2`, PAGE)).toBe(true);
    expect(isOwnPage(`${PAGE}?tab=2#x`, `${PAGE}#y`)).toBe(true);
  });

  it('refuses everything else', () => {
    for (const url of [
      'podterm://app/other.html',
      'podterm://app/index.html.evil',
      'podterm://app/assets/index.html',
      'podterm://app/',
      'podterm://evil.example/index.html',
      'podterm://app:8080/index.html',
      'podterm://user@app/index.html',
      'podterm://app/%69ndex.html',
      'https://app/index.html',
      // The page's old home: file: is no longer ours.
      pathToFileURL('/opt/Podterm/resources/app.asar/dist/renderer/index.html').href,
      pathToFileURL('/tmp/index.html').href,
      'https://evil.example/opt/Podterm/resources/app/dist/renderer/index.html',
      'http://127.0.0.1:8080/',
      'about:blank',
      'data:text/html,<script>alert(1)</script>',
      'javascript:alert(1)',
      'devtools://devtools/bundled/inspector.html',
      '',
      'not a url',
    ]) {
      expect(isOwnPage(url, PAGE), url).toBe(false);
    }
  });

  it('refuses everything when the expected URL itself is broken', () => {
    expect(isOwnPage(PAGE, 'not a url')).toBe(false);
  });
});

describe('external links', () => {
  it('opens http and https links, normalised', () => {
    expect(externalUrlToOpen('https://kubernetes.io/docs/')).toBe('https://kubernetes.io/docs/');
    expect(externalUrlToOpen('HTTPS://Example.COM')).toBe('https://example.com/');
    expect(isAllowedExternalUrl('http://example.com/a?b=c')).toBe(true);
  });

  it('never hands other schemes to the OS', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,x',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/x',
      'ssh://root@host',
      'mailto:a@b.c',
      'https:',
      'http://',
      '//example.com',
      'example.com',
      '',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });
});

describe('checkSender', () => {
  const ours = (id: number) => id === 7;
  const event = (frame: { url: string; parent: unknown } | null, id = 7) => ({ senderFrame: frame, sender: { id } });

  it('accepts the main frame of our window showing our page', () => {
    expect(checkSender(event({ url: PAGE, parent: null }), PAGE, ours)).toEqual({ ok: true });
    expect(checkSender(event({ url: `${PAGE}#/x`, parent: null }), PAGE, ours)).toEqual({ ok: true });
  });

  it('refuses a window we did not create, even showing our page', () => {
    const verdict = checkSender(event({ url: PAGE, parent: null }, 8), PAGE, ours);
    expect(verdict).toEqual({ ok: false, reason: 'not a window Podterm created' });
  });

  it('refuses a vanished frame, a subframe, and a foreign page', () => {
    expect(checkSender(event(null), PAGE, ours)).toMatchObject({ ok: false, reason: 'the sending frame is gone' });
    expect(checkSender(event({ url: PAGE, parent: {} }), PAGE, ours)).toMatchObject({
      ok: false,
      reason: 'sent from a subframe',
    });
    expect(checkSender(event({ url: 'https://evil.example/', parent: null }), PAGE, ours)).toMatchObject({
      ok: false,
      reason: 'sent from a page that is not Podterm',
    });
  });

  it('treats a frame that throws when read (disposed in Electron) as gone', () => {
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
    };
    expect(checkSender(event(disposed), PAGE, ours)).toMatchObject({ ok: false, reason: 'the sending frame is gone' });
  });
});

describe('withContentSecurityPolicy', () => {
  const csp = contentSecurityPolicy();

  it('adds the policy and keeps other headers', () => {
    expect(withContentSecurityPolicy({ 'Content-Type': ['text/html'] }, csp)).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [csp],
    });
    expect(withContentSecurityPolicy(undefined, csp)).toEqual({ 'Content-Security-Policy': [csp] });
  });

  it('replaces a policy the response brought, whatever its case', () => {
    const headers = withContentSecurityPolicy(
      { 'content-security-policy': ["script-src 'unsafe-inline'"], 'X-A': 'b' },
      csp,
    );
    expect(headers).toEqual({ 'X-A': ['b'], 'Content-Security-Policy': [csp] });
  });
});

describe('allowsBasicTextSecrets', () => {
  it('is off unless the user asks', () => {
    expect(allowsBasicTextSecrets(['electron', '.'], {})).toBe(false);
    expect(allowsBasicTextSecrets([], { [ALLOW_BASIC_TEXT_SECRETS_ENV]: '0' })).toBe(false);
    expect(allowsBasicTextSecrets([], { [ALLOW_BASIC_TEXT_SECRETS_ENV]: 'yes' })).toBe(false);
  });

  it('is on with the flag or the environment variable', () => {
    expect(allowsBasicTextSecrets(['electron', '.', ALLOW_BASIC_TEXT_SECRETS_FLAG], {})).toBe(true);
    expect(allowsBasicTextSecrets([], { [ALLOW_BASIC_TEXT_SECRETS_ENV]: '1' })).toBe(true);
  });
});

describe('isPermissionGranted', () => {
  it('grants clipboard writes to our own page only', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', PAGE, PAGE)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', `${PAGE}#/tabs`, PAGE)).toBe(true);
    for (const url of ['https://evil.example/', pathToFileURL('/tmp/index.html').href, 'about:blank', undefined]) {
      expect(isPermissionGranted('clipboard-sanitized-write', url, PAGE)).toBe(false);
    }
  });

  it('refuses every other permission, reading the clipboard included', () => {
    for (const permission of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'unknown']) {
      expect(isPermissionGranted(permission, PAGE, PAGE)).toBe(false);
    }
  });
});
