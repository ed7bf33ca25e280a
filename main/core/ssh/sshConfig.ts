/**
 * ~/.ssh/config as OpenSSH's client reads it (ssh_config(5)), for the settings Podterm uses. One file, because the
 * kept npm parser (`ssh-config`) leaves Include to the caller and matches `Match host` against the name typed rather
 * than the HostName in effect; the tests (test/core/ssh/sshConfig.test.ts) compare each value with `ssh -G`.
 *
 * The rules followed, from the manual and OpenSSH's behaviour:
 * - files are read in order (the user's, then the system's); for each keyword the first value obtained wins, except
 *   IdentityFile and CertificateFile, whose values accumulate in order;
 * - patterns see the name as asked for; without a HostName, the host connected to is that name in lower case;
 * - `Host` takes whitespace-separated patterns with `*` and `?`; a `!pattern` that matches makes the line not match;
 * - `Match` takes criteria that must all hold: `all`, `host` (the HostName in effect so far, else the name asked for),
 *   `originalhost`, `user` (the User in effect so far, else the local user), `localuser`, `final`/`canonical` (taken
 *   as holding: Podterm reads the config once); `exec` is never run (it runs a program) and does not hold; each
 *   criterion's patterns are comma-separated and `!criterion` negates it;
 * - `Include` reads files (with `*`/`?` globs, sorted) relative to ~/.ssh (the system file's: /etc/ssh), with the
 *   including line's state: inside a Host/Match that does not apply, nothing included applies;
 * - `ProxyJump` and `ProxyCommand` share one slot: whichever comes first wins;
 * - tokens: HostName takes %h and %%; IdentityFile, CertificateFile, IdentityAgent and UserKnownHostsFile take
 *   %% %d %h %i %k %L %l %n %p %r %u, expanded once the host, user and port are known (expandedPath); `~/` is the home.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** Where a value came from: a file and its 1-based line. */
export interface ConfigOrigin {
  file: string;
  line: number;
}

export interface ConfigValue<T> {
  value: T;
  origin: ConfigOrigin;
}

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new';

/** What the config says for one host, before a record's own fields are laid over it. */
export interface SshConfigForHost {
  /** The name asked for (the record's SSH host, or a Host alias). */
  host: string;
  hostName?: ConfigValue<string>;
  user?: ConfigValue<string>;
  port?: ConfigValue<number>;
  /** As written (tokens and ~ not expanded yet, as `ssh -G` prints them); expand with expandedPath. */
  identityFiles: Array<ConfigValue<string>>;
  certificateFiles: Array<ConfigValue<string>>;
  identitiesOnly?: ConfigValue<boolean>;
  identityAgent?: ConfigValue<string>;
  /** Null value: "none" (no jump host, overriding a later one). */
  proxyJump?: ConfigValue<string | null>;
  proxyCommand?: ConfigValue<string | null>;
  serverAliveInterval?: ConfigValue<number>;
  serverAliveCountMax?: ConfigValue<number>;
  /** Seconds; null: "none". */
  connectTimeout?: ConfigValue<number | null>;
  strictHostKeyChecking?: ConfigValue<StrictHostKeyChecking>;
  userKnownHostsFiles?: ConfigValue<string[]>;
  hostKeyAlias?: ConfigValue<string>;
  /** Keywords that applied to this host but Podterm does not use, each once (its first line). */
  unsupported: Array<{ keyword: string; origin: ConfigOrigin }>;
  /** Lines Podterm could not use as written: a bad value, a Match exec not run, an Include too deep. */
  problems: Array<{ message: string; origin: ConfigOrigin }>;
}

export interface SshConfigSources {
  /** Config files in the order OpenSSH reads them: the user's (~/.ssh/config), then the system's. */
  files: string[];
  /** The local user's home (for ~ and relative Include paths of the first file). */
  home: string;
  /** The local user name (Match user's default, %u). */
  localUser: string;
}

/** OpenSSH stops at this Include depth (READCONF_MAX_DEPTH). */
const MAX_INCLUDE_DEPTH = 16;
/** OpenSSH keeps at most this many IdentityFile and CertificateFile values (SSH_MAX_IDENTITY_FILES). */
const MAX_IDENTITY_FILES = 100;
/** The system-wide config, whose relative Includes are under /etc/ssh. */
export const SYSTEM_SSH_CONFIG = '/etc/ssh/ssh_config';

/** The keywords whose values Podterm reads, by their lower-case names. */
const SUPPORTED = new Set([
  'hostname',
  'user',
  'port',
  'identityfile',
  'certificatefile',
  'identitiesonly',
  'identityagent',
  'proxyjump',
  'proxycommand',
  'serveraliveinterval',
  'serveralivecountmax',
  'connecttimeout',
  'stricthostkeychecking',
  'userknownhostsfile',
  'hostkeyalias',
]);

/** Splits a config line into words as OpenSSH does: whitespace separates, double or single quotes group, # comments. */
export function splitConfigLine(line: string): string[] | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | null = null;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote !== null) {
      if (char === quote) quote = null;
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '#' && !inWord) {
      break;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote !== null) return { error: 'unbalanced quote' };
  if (inWord) words.push(word);
  return words;
}

/** The keyword and its arguments: "Keyword value", "Keyword=value" and "Keyword = value" are the same line. */
function keywordAndArgs(line: string): { keyword: string; args: string[]; rest: string } | { error: string } | null {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const split = /^([^\s=]+)\s*(?:=\s*|\s+|$)(.*)$/.exec(trimmed);
  if (!split) return { error: 'not "Keyword value"' };
  const keyword = split[1]!.toLowerCase();
  // ProxyCommand is the rest of the line as written, quotes and all: the shell reads it, not ssh.
  if (keyword === 'proxycommand') return { keyword, args: [split[2]!.trim()], rest: split[2]!.trim() };
  const words = splitConfigLine(split[2]!);
  if ('error' in words) return words;
  return { keyword, args: words, rest: split[2]!.trim() };
}

/** OpenSSH's match_pattern: `*` any run of characters, `?` one character, the rest literal. */
export function matchesPattern(name: string, pattern: string): boolean {
  const regex = new RegExp(
    `^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`,
    's',
  );
  return regex.test(name);
}

/**
 * A list of patterns (OpenSSH's match_pattern_list): false if a negated one matches, else true if a plain one does.
 */
export function matchesPatternList(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchesPattern(name, pattern.slice(1))) return false;
    } else if (matchesPattern(name, pattern)) {
      matched = true;
    }
  }
  return matched;
}

/** "30", "1m", "1m30s", "2h": seconds, as OpenSSH's convtime; null when not a time. */
function seconds(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value);
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  const parts = [...value.toLowerCase().matchAll(/(\d+)([smhdw])/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== value.toLowerCase()) return null;
  return parts.reduce((total, part) => total + Number(part[1]) * units[part[2]!]!, 0);
}

function yesNo(value: string): boolean | null {
  const lower = value.toLowerCase();
  if (lower === 'yes' || lower === 'true') return true;
  if (lower === 'no' || lower === 'false') return false;
  return null;
}

/** ~ and ~/ at the start of a path: the home (~user is not supported, as Windows has no such thing either). */
export function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

/** Files matching a path whose components may hold `*` and `?`, sorted as glob(3) sorts them. */
function globFiles(pattern: string): string[] {
  if (!/[*?]/.test(pattern)) return [pattern];
  const parts = pattern.split('/');
  let candidates = [pattern.startsWith('/') ? '/' : '.'];
  for (const part of parts) {
    if (part === '') continue;
    const next: string[] = [];
    for (const base of candidates) {
      if (!/[*?]/.test(part)) {
        next.push(join(base, part));
        continue;
      }
      let entries: string[];
      try {
        entries = readdirSync(base);
      } catch {
        continue;
      }
      for (const entry of entries.sort()) {
        // As glob(3): a leading dot is matched only by a pattern that starts with one.
        if (entry.startsWith('.') && !part.startsWith('.')) continue;
        if (matchesPattern(entry, part)) next.push(join(base, entry));
      }
    }
    candidates = next;
  }
  return candidates;
}

/** The state of one resolution: what was found so far, and the context Match needs. */
class Resolution {
  readonly result: SshConfigForHost;
  private readonly seenUnsupported = new Set<string>();

  constructor(
    readonly host: string,
    readonly sources: SshConfigSources,
  ) {
    this.result = { host, identityFiles: [], certificateFiles: [], unsupported: [], problems: [] };
  }

  problem(message: string, origin: ConfigOrigin): void {
    this.result.problems.push({ message, origin });
  }

  /** Reads one file; `active` is the state of the line that included it (true for a top-level file). */
  readFile(file: string, relativeTo: string, active: boolean, depth: number): void {
    let text: string;
    try {
      if (!statSync(file).isFile()) return;
      text = readFileSync(file, 'utf8');
    } catch {
      // OpenSSH skips a config file or an Include that is not there.
      return;
    }
    let state = { active, neverMatch: !active };
    const lines = text.split(/\r?\n/);
    lines.forEach((line, index) => {
      const origin = { file, line: index + 1 };
      const parsed = keywordAndArgs(line);
      if (parsed === null) return;
      if ('error' in parsed) {
        this.problem(`${parsed.error}: ignored`, origin);
        return;
      }
      const { keyword, args } = parsed;
      if (keyword === 'host') {
        state = { ...state, active: !state.neverMatch && matchesPatternList(this.host, args) };
        return;
      }
      if (keyword === 'match') {
        state = { ...state, active: !state.neverMatch && this.matchLine(args, origin) };
        return;
      }
      if (keyword === 'include') {
        if (depth >= MAX_INCLUDE_DEPTH) {
          this.problem(`Include nested more than ${MAX_INCLUDE_DEPTH} deep: not read`, origin);
          return;
        }
        for (const arg of args) {
          const expanded = expandTilde(arg, this.sources.home);
          const path = isAbsolute(expanded) ? expanded : join(relativeTo, expanded);
          for (const included of globFiles(path)) this.readFile(included, relativeTo, state.active, depth + 1);
        }
        return;
      }
      if (state.active) this.apply(keyword, args, origin);
    });
  }

  /** Whether every criterion of a Match line holds. */
  private matchLine(args: string[], origin: ConfigOrigin): boolean {
    let all = true;
    for (let index = 0; index < args.length; index += 1) {
      const word = args[index]!;
      const negated = word.startsWith('!');
      const criterion = (negated ? word.slice(1) : word).toLowerCase();
      let holds: boolean;
      if (criterion === 'all' || criterion === 'canonical' || criterion === 'final') {
        holds = true;
      } else {
        const value = args[index + 1];
        index += 1;
        if (value === undefined) {
          this.problem(`Match ${criterion} needs an argument: the block is not applied`, origin);
          return false;
        }
        const patterns = value.split(',');
        switch (criterion) {
          case 'host':
            holds = matchesPatternList(this.currentHostName().toLowerCase(), patterns);
            break;
          case 'originalhost':
            holds = matchesPatternList(this.host, patterns);
            break;
          case 'user':
            holds = matchesPatternList(this.result.user?.value ?? this.sources.localUser, patterns);
            break;
          case 'localuser':
            holds = matchesPatternList(this.sources.localUser, patterns);
            break;
          case 'exec':
            this.problem(`Match exec is not run (it would run "${value}"): taken as not matching`, origin);
            holds = false;
            break;
          default:
            this.problem(`Match ${criterion} is not supported by Podterm: taken as not matching`, origin);
            holds = false;
        }
      }
      if (negated) holds = !holds;
      all &&= holds;
    }
    return all;
  }

  /** Match host's name: the HostName in effect so far (its %h expanded), else the name asked for. */
  private currentHostName(): string {
    const hostName = this.result.hostName?.value;
    return hostName === undefined ? defaultHostName(this.host) : expandHostName(hostName, this.host);
  }

  private apply(keyword: string, args: string[], origin: ConfigOrigin): void {
    const r = this.result;
    if (!SUPPORTED.has(keyword)) {
      if (!this.seenUnsupported.has(keyword)) {
        this.seenUnsupported.add(keyword);
        r.unsupported.push({ keyword, origin });
      }
      return;
    }
    const first = args[0];
    if (first === undefined) {
      this.problem(`${keyword} without a value: ignored`, origin);
      return;
    }
    const bad = (what: string) => this.problem(`${keyword} ${args.join(' ')}: ${what}; ignored`, origin);
    const at = <T>(value: T): ConfigValue<T> => ({ value, origin });
    switch (keyword) {
      case 'hostname':
        r.hostName ??= at(first);
        return;
      case 'user':
        r.user ??= at(first);
        return;
      case 'port': {
        const port = Number(first);
        if (!/^\d+$/.test(first) || port < 1 || port > 65535) bad('not a port (1-65535)');
        else r.port ??= at(port);
        return;
      }
      case 'identityfile':
        if (r.identityFiles.length < MAX_IDENTITY_FILES) r.identityFiles.push(at(first));
        return;
      case 'certificatefile':
        if (r.certificateFiles.length < MAX_IDENTITY_FILES) r.certificateFiles.push(at(first));
        return;
      case 'identitiesonly': {
        const value = yesNo(first);
        if (value === null) bad('not yes or no');
        else r.identitiesOnly ??= at(value);
        return;
      }
      case 'identityagent':
        r.identityAgent ??= at(first);
        return;
      case 'proxyjump':
        // ProxyJump and ProxyCommand fill one slot: the first of the two wins.
        if (r.proxyJump === undefined && r.proxyCommand === undefined) {
          r.proxyJump = at(first.toLowerCase() === 'none' ? null : first);
        }
        return;
      case 'proxycommand':
        if (r.proxyJump === undefined && r.proxyCommand === undefined) {
          r.proxyCommand = at(first.toLowerCase() === 'none' ? null : first);
        }
        return;
      case 'serveraliveinterval': {
        const value = seconds(first);
        if (value === null) bad('not a time in seconds');
        else r.serverAliveInterval ??= at(value);
        return;
      }
      case 'serveralivecountmax': {
        if (!/^\d+$/.test(first)) bad('not a whole number');
        else r.serverAliveCountMax ??= at(Number(first));
        return;
      }
      case 'connecttimeout': {
        const value = first.toLowerCase() === 'none' ? null : seconds(first);
        if (value === null && first.toLowerCase() !== 'none') bad('not a time in seconds');
        else r.connectTimeout ??= at(value);
        return;
      }
      case 'stricthostkeychecking': {
        const lower = first.toLowerCase();
        const value: StrictHostKeyChecking | null =
          lower === 'ask' || lower === 'accept-new'
            ? lower
            : lower === 'off'
              ? 'no'
              : yesNo(lower) === null
                ? null
                : yesNo(lower)
                  ? 'yes'
                  : 'no';
        if (value === null) bad('not yes, no, ask, accept-new or off');
        else r.strictHostKeyChecking ??= at(value);
        return;
      }
      case 'userknownhostsfile':
        r.userKnownHostsFiles ??= at(args);
        return;
      case 'hostkeyalias':
        r.hostKeyAlias ??= at(first);
        return;
    }
  }
}

/** The host connected to when no HostName is given: the name asked for, in lower case (as ssh does). */
export function defaultHostName(host: string): string {
  return host.toLowerCase();
}

/** HostName's tokens: %h (the name asked for) and %%. */
function expandHostName(hostName: string, host: string): string {
  return hostName.replace(/%([%h])/g, (_, token: string) => (token === '%' ? '%' : host));
}

/** What the config files say for `host`, the name asked for (a record's SSH host or a Host alias). */
export function readSshConfig(host: string, sources: SshConfigSources): SshConfigForHost {
  const resolution = new Resolution(host, sources);
  for (const file of sources.files) {
    const relativeTo = file === SYSTEM_SSH_CONFIG ? dirname(SYSTEM_SSH_CONFIG) : join(sources.home, '.ssh');
    resolution.readFile(file, relativeTo, true, 0);
  }
  const { result } = resolution;
  if (result.hostName) result.hostName = { ...result.hostName, value: expandHostName(result.hostName.value, host) };
  return result;
}

/** The values %-tokens stand for, once host, user and port are settled. */
export interface TokenValues {
  /** %h: the host name connected to (HostName). */
  hostName: string;
  /** %n: the name asked for. */
  originalHost: string;
  /** %p */
  port: number;
  /** %r: the remote user. */
  remoteUser: string;
  /** %u */
  localUser: string;
  /** %d */
  home: string;
  /** %i: the local user id. */
  uid: number;
  /** %L (%l is the full name). */
  localHostName: string;
  /** %k: HostKeyAlias, else the host name. */
  hostKeyAlias: string;
}

/** A path keyword's value with ~ and its %-tokens expanded; an unknown token is an error naming it. */
export function expandedPath(value: string, tokens: TokenValues): string | { error: string } {
  let unknown: string | null = null;
  const expanded = value.replace(/%(.)/g, (whole, token: string) => {
    switch (token) {
      case '%':
        return '%';
      case 'h':
        return tokens.hostName;
      case 'n':
        return tokens.originalHost;
      case 'p':
        return String(tokens.port);
      case 'r':
        return tokens.remoteUser;
      case 'u':
        return tokens.localUser;
      case 'd':
        return tokens.home;
      case 'i':
        return String(tokens.uid);
      case 'l':
        return tokens.localHostName;
      case 'L':
        return tokens.localHostName.split('.')[0]!;
      case 'k':
        return tokens.hostKeyAlias;
      default:
        unknown ??= whole;
        return whole;
    }
  });
  if (unknown !== null)
    return { error: `the token ${unknown} is not one Podterm expands (%% %d %h %i %k %L %l %n %p %r %u)` };
  return expandTilde(expanded, tokens.home);
}

/** "file:line", for the form and the attempt log; the home shown as ~. */
export function describeOrigin(origin: ConfigOrigin, home: string): string {
  const file = origin.file.startsWith(`${home}/`) ? `~/${origin.file.slice(home.length + 1)}` : origin.file;
  return `${file}:${origin.line}`;
}

/** One hop of a ProxyJump list: "[user@]host[:port]", or an ssh:// URI. */
export interface JumpSpec {
  user: string | null;
  host: string;
  port: number | null;
}

/** Parses "a,user@b:2222,ssh://c" into hops, or says which part is not a hop. */
export function parseProxyJump(value: string): JumpSpec[] | { error: string } {
  const hops: JumpSpec[] = [];
  for (const raw of value.split(',')) {
    const part = raw.trim().replace(/^ssh:\/\//, '');
    const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d+))?$/.exec(part);
    const port = match?.[3] === undefined ? null : Number(match[3]);
    if (!match || (port !== null && (port < 1 || port > 65535))) {
      return { error: `"${raw.trim()}" is not a jump host: write [user@]host[:port], hops separated by commas` };
    }
    hops.push({ user: match[1] ?? null, host: match[2]!.replace(/^\[|\]$/g, ''), port });
  }
  return hops;
}
