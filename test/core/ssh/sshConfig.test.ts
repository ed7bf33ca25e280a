/**
 * The ~/.ssh/config reader against OpenSSH itself: each case writes a config into a temp directory and compares what
 * readSshConfig finds with what `ssh -G HOST -F CONFIG` prints for the same config (the real client, not our reading
 * of its manual). Include paths are absolute, so nothing under the real ~/.ssh is read. A few rules `ssh -G` cannot
 * show (origins, unsupported keywords, Match exec not run) are asserted directly.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultHostName,
  expandedPath,
  matchesPatternList,
  parseProxyJump,
  readSshConfig,
  type SshConfigForHost,
} from '../../../main/core/ssh/sshConfig';
import { missingPeer } from '../../harness/skipReasons';

const run = promisify(execFile);
const SSH = '/usr/bin/ssh';
const sshMissing = await access(SSH).then(
  () => null,
  () => missingPeer(`${SSH} is missing (apt-get install -y openssh-client)`),
);
if (sshMissing) console.warn(`ssh -G comparisons skipped: ${sshMissing}`);

/** ssh resolves ~ and %d from the password database, not $HOME: the same home here. */
const { homedir: home, username: localUser, uid } = userInfo();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podterm-sshconfig-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function writeConfig(text: string, name = `config-${(fileCount += 1)}`): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text.replace(/\$DIR/g, dir), { mode: 0o600 });
  return path;
}

/** `ssh -G` for this host and config, as keyword → values (several for identityfile). */
async function sshG(host: string, config: string): Promise<Map<string, string[]>> {
  const { stdout } = await run(SSH, ['-G', '-F', config, host], { env: { ...process.env, SSH_AUTH_SOCK: '' } });
  const values = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const keyword = line.slice(0, space);
    values.set(keyword, [...(values.get(keyword) ?? []), line.slice(space + 1)]);
  }
  return values;
}

function read(host: string, config: string): SshConfigForHost {
  return readSshConfig(host, { files: [config], home, localUser });
}

/** Each setting Podterm uses, as `ssh -G` prints it (its defaults filled in where the config says nothing). */
function asSshGPrints(config: SshConfigForHost): Record<string, string[]> {
  const hostName = config.hostName?.value ?? defaultHostName(config.host);
  const port = config.port?.value ?? 22;
  const user = config.user?.value ?? localUser;
  const tokens = {
    hostName,
    originalHost: config.host,
    port,
    remoteUser: user,
    localUser,
    home,
    uid,
    localHostName: 'unused',
    hostKeyAlias: config.hostKeyAlias?.value ?? hostName,
  };
  const path = (value: string) => {
    const expanded = expandedPath(value, tokens);
    if (typeof expanded !== 'string') throw new Error(expanded.error);
    return expanded;
  };
  const printed: Record<string, string[]> = {
    hostname: [hostName],
    user: [user],
    port: [String(port)],
    identitiesonly: [config.identitiesOnly?.value ? 'yes' : 'no'],
    serveraliveinterval: [String(config.serverAliveInterval?.value ?? 0)],
    serveralivecountmax: [String(config.serverAliveCountMax?.value ?? 3)],
    connecttimeout: [String(config.connectTimeout?.value ?? 'none')],
    stricthostkeychecking: [
      { yes: 'true', no: 'false', ask: 'ask', 'accept-new': 'accept-new' }[
        config.strictHostKeyChecking?.value ?? 'ask'
      ],
    ],
    userknownhostsfile: [
      (config.userKnownHostsFiles?.value ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map(path).join(' '),
    ],
  };
  if (config.identityFiles.length > 0) printed.identityfile = config.identityFiles.map((file) => file.value);
  if (config.identityAgent) printed.identityagent = [path(config.identityAgent.value)];
  if (config.proxyJump?.value) printed.proxyjump = [config.proxyJump.value];
  if (config.proxyCommand?.value) printed.proxycommand = [config.proxyCommand.value];
  if (config.hostKeyAlias) printed.hostkeyalias = [config.hostKeyAlias.value];
  return printed;
}

async function expectSameAsSshG(host: string, config: string): Promise<SshConfigForHost> {
  const ours = read(host, config);
  const theirs = await sshG(host, config);
  for (const [keyword, values] of Object.entries(asSshGPrints(ours))) {
    expect({ host, keyword, values: theirs.get(keyword) }).toEqual({ host, keyword, values });
  }
  // Where we found nothing, ssh found nothing either (or its default).
  if (ours.identityFiles.length === 0) expect(theirs.get('identityfile')?.[0]).toBe('~/.ssh/id_rsa');
  if (!ours.proxyJump?.value) expect(theirs.get('proxyjump')).toBeUndefined();
  return ours;
}

describe.skipIf(sshMissing)('the config as ssh -G reads it', () => {
  it('Host patterns with *, ? and !, first value wins, IdentityFile accumulates, tokens in paths', async () => {
    const config = await writeConfig(`
# a comment, then a blank line

Host web-*  !web-bad
  HostName %h.internal
  User deploy
  IdentityFile ~/.ssh/%h_%r_%p_key
  IdentityFile "/keys/with space"
  UserKnownHostsFile ~/kh/%n %d/other
  IdentityAgent ~/agent-%u.sock
  ProxyJump jumpuser@bastion:2200,other
Host db?
  Port=2201
  StrictHostKeyChecking accept-new
  ServerAliveInterval 1m30s
  ProxyCommand nc %h %p
Host web-1 db1
  User second
  Port 2300
  IdentitiesOnly yes
Host *
  User fallback
  ConnectTimeout 7
  ServerAliveCountMax 5
  HostKeyAlias alias-one
  ProxyJump late
`);
    const web = await expectSameAsSshG('web-1', config);
    expect(web.user?.value).toBe('deploy');
    expect(web.port?.value).toBe(2300);
    expect(web.identityFiles.map((f) => f.value)).toEqual(['~/.ssh/%h_%r_%p_key', '/keys/with space']);
    expect(web.hostName?.origin).toEqual({ file: config, line: 5 });
    const db = await expectSameAsSshG('db1', config);
    // ProxyCommand came first: the later ProxyJump does not apply.
    expect(db.proxyJump).toBeUndefined();
    expect(db.proxyCommand?.value).toBe('nc %h %p');
    await expectSameAsSshG('web-bad', config);
    await expectSameAsSshG('db12', config);
    await expectSameAsSshG('WEB-2', config);
  });

  it('Match host sees the HostName so far, Match user the User so far, criteria combine and negate', async () => {
    const config = await writeConfig(`
Host short
  HostName short.example.org
Match host *.example.org user root,${localUser}
  Port 2222
Match originalhost short !user nobody
  ServerAliveInterval 15
Match host other.example.org
  Port 9
Host named
  User admin
Match user admin
  IdentityFile /keys/admin
Match localuser ${localUser} host named
  ConnectTimeout 3
Match all
  StrictHostKeyChecking no
`);
    const short = await expectSameAsSshG('short', config);
    expect(short.port?.value).toBe(2222);
    expect(short.serverAliveInterval?.value).toBe(15);
    const named = await expectSameAsSshG('named', config);
    expect(named.identityFiles.map((f) => f.value)).toEqual(['/keys/admin']);
    await expectSameAsSshG('other.example.org', config);
  });

  it('Include: globbed files in order, included within a Host or Match block only when it applies', async () => {
    // OpenSSH's own regression test for Include (regress/cfginclude.sh), in our words.
    await mkdir(join(dir, 'inc'), { recursive: true });
    await writeConfig('Match host xxxxxx\n', 'inc/part.0');
    await writeConfig(
      'Match host a\n  Hostname aaa\nMatch host b\n  Hostname bbb\nMatch host c\n  Hostname ccc\n' +
        'Host d\n  Hostname ddd\nHost e\n  Hostname eee\nHost f\n  Hostname fff\n',
      'inc/part.1',
    );
    await writeConfig(
      'Match host a\n  Hostname aaaa\nMatch host b\n  Hostname bbbb\nMatch host c\n  Hostname cccc\n' +
        'Host d\n  Hostname dddd\nHost e\n  Hostname eeee\nHost f\n  Hostname ffff\nMatch all\n  Hostname xxxx\n',
      'inc/part.2',
    );
    const config = await writeConfig(`
Match host a
  Hostname aa
Match host b
  Hostname bb
  Include $DIR/inc/part.*
Match host c
  Include $DIR/inc/part.*
  Hostname cc
Match host m
  Include $DIR/inc/part.*
Host d
  Hostname dd
Host e
  Hostname ee
  Include $DIR/inc/part.*
Host f
  Include $DIR/inc/part.*
  Hostname ff
Host n
  Include $DIR/inc/part.*
Host *
  Include $DIR/inc/missing-* $DIR/inc/absent
`);
    const expected: Record<string, string> = {
      a: 'aa',
      b: 'bb',
      c: 'ccc',
      d: 'dd',
      e: 'ee',
      f: 'fff',
      m: 'xxxx',
      n: 'xxxx',
      x: 'x',
    };
    for (const [host, hostName] of Object.entries(expected)) {
      const ours = await expectSameAsSshG(host, config);
      expect({ host, hostName: ours.hostName?.value ?? host }).toEqual({ host, hostName });
    }
    expect(read('f', config).hostName?.origin).toEqual({ file: join(dir, 'inc/part.1'), line: 12 });
  });
});

describe('rules ssh -G does not show', () => {
  it('lists each unsupported keyword once, with its first line, and only for blocks that apply', async () => {
    const config = await writeConfig(`
Host box
  ForwardAgent yes
  LocalForward 8080 localhost:80
Host other
  Compression yes
Host *
  ForwardAgent no
  SendEnv LANG
`);
    const box = read('box', config);
    expect(box.unsupported.map((u) => [u.keyword, u.origin.line])).toEqual([
      ['forwardagent', 3],
      ['localforward', 4],
      ['sendenv', 9],
    ]);
  });

  it('never runs Match exec, and says so', async () => {
    const marker = join(dir, 'exec-ran');
    const config = await writeConfig(`Match exec "touch ${marker}"\n  Port 2022\n`);
    const result = read('host', config);
    expect(result.port).toBeUndefined();
    expect(result.problems[0]?.message).toMatch(/Match exec is not run/);
    await expect(access(marker)).rejects.toThrow();
  });

  it('reports bad values with their line instead of guessing', async () => {
    const config = await writeConfig('Host *\n  Port twenty\n  Port 2022\n');
    const result = read('host', config);
    expect(result.problems).toEqual([
      { message: 'port twenty: not a port (1-65535); ignored', origin: { file: config, line: 2 } },
    ]);
    expect(result.port?.value).toBe(2022);
  });

  it('pattern lists: a negation that matches wins over everything', () => {
    expect(matchesPatternList('web-1', ['web-*', '!web-bad'])).toBe(true);
    expect(matchesPatternList('web-bad', ['web-*', '!web-bad'])).toBe(false);
    expect(matchesPatternList('web-bad', ['!web-bad'])).toBe(false);
    expect(matchesPatternList('db1', ['!web-bad'])).toBe(false);
    expect(matchesPatternList('a.b', ['a?b'])).toBe(true);
    expect(matchesPatternList('axxb', ['a?b'])).toBe(false);
  });

  it('parses ProxyJump lists, and names a part that is not a hop', () => {
    expect(parseProxyJump('a,ops@b:2222,ssh://c,[::1]:22')).toEqual([
      { user: null, host: 'a', port: null },
      { user: 'ops', host: 'b', port: 2222 },
      { user: null, host: 'c', port: null },
      { user: null, host: '::1', port: 22 },
    ]);
    expect(parseProxyJump('a,b:99999')).toEqual({
      error: '"b:99999" is not a jump host: write [user@]host[:port], hops separated by commas',
    });
  });

  it('expands tokens and refuses one it does not know', () => {
    const tokens = {
      hostName: 'h.example',
      originalHost: 'h',
      port: 22,
      remoteUser: 'r',
      localUser: 'u',
      home: '/home/u',
      uid: 1000,
      localHostName: 'me.local',
      hostKeyAlias: 'h.example',
    };
    expect(expandedPath('~/.ssh/%r@%h:%p-%n-%u-%i-%L-%%', tokens)).toBe('/home/u/.ssh/r@h.example:22-h-u-1000-me-%');
    expect(expandedPath('%C', tokens)).toEqual({
      error: 'the token %C is not one Podterm expands (%% %d %h %i %k %L %l %n %p %r %u)',
    });
  });
});
