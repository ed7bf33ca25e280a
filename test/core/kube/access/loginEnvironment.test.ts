/**
 * The login-shell environment, captured with a real /bin/sh reading a real ~/.profile in a fake home: what rc files
 * export comes through (even values with newlines, even when the rc files print noise), and a shell that hangs or
 * cannot start falls back to the app's own environment with a logged reason.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  captureLoginEnvironment,
  lazyLoginEnvironment,
  parseEnv0,
} from '../../../../main/core/kube/access/loginEnvironment';
import { cleanup, put, tempDir } from './helpers';

const SH = '/bin/sh';

let home: string;
let baseEnv: NodeJS.ProcessEnv;
beforeEach(async () => {
  home = await tempDir('podterm-login-');
  // What a launcher gives a desktop app: a thin PATH and not much else.
  baseEnv = { HOME: home, PATH: '/usr/bin:/bin', SHELL: SH, APP_ONLY: 'from-app' };
});
afterEach(async () => {
  await cleanup(home);
});

describe('captureLoginEnvironment', () => {
  it("returns what the login shell's profile exports, ignoring what it prints", async () => {
    await put(
      join(home, '.profile'),
      [
        'echo "Welcome! Last login: yesterday"',
        `export PATH="${home}/bin:$PATH"`,
        'export PODTERM_LOGIN_VAR="from profile"',
        "export PODTERM_MULTILINE='line one",
        "line two=still two'",
      ].join('\n') + '\n',
    );
    const logs: string[] = [];
    const env = await captureLoginEnvironment({ shell: SH, env: baseEnv, log: (message) => logs.push(message) });
    expect(logs).toEqual([]);
    expect(env['PODTERM_LOGIN_VAR']).toBe('from profile');
    expect(env['PODTERM_MULTILINE']).toBe('line one\nline two=still two');
    expect(env['PATH']?.split(':')[0]).toBe(`${home}/bin`);
    // Inherited from the app, passed through the shell.
    expect(env['APP_ONLY']).toBe('from-app');
    // Our own oh-my-zsh guard is not handed on.
    expect(env['DISABLE_AUTO_UPDATE']).toBeUndefined();
  });

  it('falls back to the given environment, with a reason, when the shell does not answer in time', async () => {
    await put(join(home, '.profile'), 'sleep 5\n');
    const logs: string[] = [];
    const started = Date.now();
    const env = await captureLoginEnvironment({
      shell: SH,
      env: baseEnv,
      timeoutMs: 300,
      log: (message) => logs.push(message),
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(env).toEqual(baseEnv);
    expect(env).not.toBe(baseEnv);
    expect(logs).toEqual([
      `using the app's own environment for credential plugins: the login shell ${SH} did not print its environment within 300 ms`,
    ]);
  });

  it('falls back when the shell cannot be started or prints nothing usable', async () => {
    const logs: string[] = [];
    const log = (message: string) => logs.push(message);
    expect(await captureLoginEnvironment({ shell: join(home, 'no-such-shell'), env: baseEnv, log })).toEqual(baseEnv);
    expect(logs[0]).toMatch(/the login shell .*no-such-shell could not be started \(.*ENOENT/);
    await put(join(home, 'fake-shell'), '#!/bin/sh\necho not an environment\n', { executable: true });
    expect(await captureLoginEnvironment({ shell: join(home, 'fake-shell'), env: baseEnv, log })).toEqual(baseEnv);
    expect(logs[1]).toMatch(/fake-shell exited \(code 0\) without printing its environment$/);
  });

  it('uses $SHELL from the given environment', async () => {
    await put(join(home, '.profile'), 'export PODTERM_LOGIN_VAR=via-SHELL\n');
    const env = await captureLoginEnvironment({ env: baseEnv, log: () => {} });
    expect(env['PODTERM_LOGIN_VAR']).toBe('via-SHELL');
  });

  it('asks no shell on Windows', async () => {
    const logs: string[] = [];
    const env = await captureLoginEnvironment({
      env: baseEnv,
      platform: 'win32',
      shell: join(home, 'no-such-shell'),
      log: (message) => logs.push(message),
    });
    expect(env).toEqual(baseEnv);
    expect(logs).toEqual([]);
  });
});

describe('lazyLoginEnvironment', () => {
  it('captures once per process: every getter returns the same promise', async () => {
    await put(join(home, '.profile'), 'export PODTERM_LOGIN_VAR=once\n');
    const getter = lazyLoginEnvironment({ shell: SH, env: baseEnv, log: () => {} });
    const first = getter();
    expect(getter()).toBe(first);
    expect(lazyLoginEnvironment()()).toBe(first);
    expect((await first)['PODTERM_LOGIN_VAR']).toBe('once');
  });
});

describe('parseEnv0', () => {
  it('splits NUL-separated NAME=value entries at the first "="', () => {
    expect(parseEnv0('A=1\0B=x=y\0C=\0=bad\0noequals\0')).toEqual({ A: '1', B: 'x=y', C: '' });
  });
});
