/**
 * Where each Podterm front end keeps podterm.db, in one place so the CLI finds the same database the app uses.
 */
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

/**
 * The desktop app's name as Electron sees it: Electron prefers package.json's `productName` over `name` for
 * app.getName(), and app.getPath('userData') is the platform's app-data directory joined with that name.
 */
export const DESKTOP_APP_NAME = 'Podterm';

/** The browser mode's data directory: $XDG_DATA_HOME/podterm, else ~/.local/share/podterm (the XDG default). */
export function defaultDataDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  return xdg && xdg.startsWith('/') ? join(xdg, 'podterm') : join(home, '.local', 'share', 'podterm');
}

/**
 * The desktop app's data directory, computed the way Electron computes app.getPath('userData') (its appData path plus
 * the app name): Linux `$XDG_CONFIG_HOME/Podterm` else `~/.config/Podterm`, macOS `~/Library/Application Support/Podterm`,
 * Windows `%APPDATA%\Podterm` (else `~\AppData\Roaming\Podterm`). Plain Node has no app.getPath, hence this copy.
 */
export function desktopDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), DESKTOP_APP_NAME);
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', DESKTOP_APP_NAME);
  // Chromium's base::nix::GetXDGDirectory uses XDG_CONFIG_HOME as given when set (Electron does not check for absolute).
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg ? xdg : join(home, '.config'), DESKTOP_APP_NAME);
}
