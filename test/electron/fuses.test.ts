// The Electron fuses electron-builder flips in the shipped binary, read from electron-builder.yml with js-yaml (the
// parser electron-builder itself reads it with). A missing fuse would silently keep Electron's default, which for
// most of them is the unsafe one, so each is pinned here with the reason for its value.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FuseV1Options } from '@electron/fuses';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { resolveAppFiles } from '../../main/electron/policy';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = load(readFileSync(`${root}electron-builder.yml`, 'utf8')) as { electronFuses?: Record<string, unknown> };
const fuses = config.electronFuses ?? {};

/** Every fuse, the value a hardened Podterm ships with, and why. */
const HARDENED: Readonly<Record<string, { value: boolean; why: string }>> = {
  runAsNode: { value: false, why: 'ELECTRON_RUN_AS_NODE would turn the app into a plain Node' },
  enableCookieEncryption: { value: true, why: "Chromium's cookie store is encrypted with the OS key" },
  enableNodeOptionsEnvironmentVariable: { value: false, why: 'NODE_OPTIONS could inject code into the main process' },
  enableNodeCliInspectArguments: {
    value: false,
    why: '--inspect or SIGUSR1 would open a debugger on the main process',
  },
  enableEmbeddedAsarIntegrityValidation: { value: true, why: 'app.asar must match the hash in the binary' },
  onlyLoadAppFromAsar: { value: true, why: 'an app/ folder beside app.asar would escape the integrity check' },
  loadBrowserProcessSpecificV8Snapshot: { value: false, why: 'we ship no browser-process V8 snapshot' },
  grantFileProtocolExtraPrivileges: {
    value: false,
    why: 'file:// pages could fetch any file on the disk; the page comes from podterm://',
  },
};

/** FuseV1Options.RunAsNode → runAsNode: how electron-builder names each fuse of @electron/fuses. */
const configKeyOf = (fuseName: string) => fuseName[0]!.toLowerCase() + fuseName.slice(1);
const fusesElectronKnows = Object.keys(FuseV1Options)
  .filter((name) => Number.isNaN(Number(name)))
  .map(configKeyOf);

/** The keys electron-builder accepts under electronFuses (its JSON schema). */
const builderSchema = createRequire(import.meta.url)('app-builder-lib/scheme.json') as {
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
};
const keysBuilderAccepts = Object.keys(builderSchema.definitions.FuseOptionsV1.properties);

describe('Electron fuses in electron-builder.yml', () => {
  it('decides every fuse Electron has, so an upgrade that adds one fails here until someone decides it', () => {
    expect(fusesElectronKnows.length).toBeGreaterThanOrEqual(8);
    for (const fuse of fusesElectronKnows) {
      expect(HARDENED[fuse], `no hardened value decided for the fuse ${fuse} in this test`).toBeDefined();
      expect(fuses[fuse], `electronFuses.${fuse} is missing from electron-builder.yml`).toBeTypeOf('boolean');
    }
  });

  it('sets each fuse to its hardened value', () => {
    for (const [fuse, { value, why }] of Object.entries(HARDENED)) {
      expect(fuses[fuse], `electronFuses.${fuse} must be ${value}: ${why}`).toBe(value);
    }
  });

  it('names no fuse electron-builder does not know (a typo would be refused or ignored)', () => {
    for (const key of Object.keys(fuses)) expect(keysBuilderAccepts, `electronFuses.${key}`).toContain(key);
  });

  it('serves the page from our own scheme, since file:// pages need the privileges the fuse takes away', () => {
    const { pageUrl } = resolveAppFiles(new URL('dist/main/electron.mjs', `file://${root}`).href);
    expect(new URL(pageUrl).protocol).not.toBe('file:');
  });
});
