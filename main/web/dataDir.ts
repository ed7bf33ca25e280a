import { homedir } from 'node:os';
import { join } from 'node:path';

/** The browser mode's data directory: $XDG_DATA_HOME/podterm, else ~/.local/share/podterm (the XDG default). */
export function defaultDataDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  return xdg && xdg.startsWith('/') ? join(xdg, 'podterm') : join(home, '.local', 'share', 'podterm');
}
