/** Where each front end keeps its database: the CLI must compute the same directories as Electron and the browser mode. */
import { describe, expect, it } from 'vitest';
import { defaultDataDir, desktopDataDir } from '../../main/core/dataDirs';

describe('desktopDataDir (Electron userData for productName "Podterm")', () => {
  it('Linux: $XDG_CONFIG_HOME/Podterm, else ~/.config/Podterm', () => {
    expect(desktopDataDir('linux', {}, '/home/ada')).toBe('/home/ada/.config/Podterm');
    expect(desktopDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ada')).toBe('/cfg/Podterm');
  });
  it('macOS: ~/Library/Application Support/Podterm', () => {
    expect(desktopDataDir('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/Podterm');
  });
  it('Windows: %APPDATA%\\Podterm, else ~\\AppData\\Roaming\\Podterm', () => {
    expect(desktopDataDir('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Podterm',
    );
    expect(desktopDataDir('win32', {}, 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Podterm');
  });
});

describe('defaultDataDir (browser mode)', () => {
  it('$XDG_DATA_HOME/podterm when absolute, else ~/.local/share/podterm', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/data' }, '/home/ada')).toBe('/data/podterm');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, '/home/ada')).toBe('/home/ada/.local/share/podterm');
    expect(defaultDataDir({}, '/home/ada')).toBe('/home/ada/.local/share/podterm');
  });
});
