/**
 * Which proxy, if any, stands between Podterm and a server: the kubeconfig's `proxy-url` when the cluster has one, else
 * the environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY read the way kubectl reads them. kubectl is Go: client-go uses
 * the cluster's proxy-url, else net/http's ProxyFromEnvironment, which is golang.org/x/net/http/httpproxy. This file
 * follows that package's rules so that "kubectl goes through the proxy" and "Podterm goes through the proxy" are the
 * same sentence:
 *   - HTTPS_PROXY for https:// servers, HTTP_PROXY for http:// ones; the upper-case name first, then the lower-case one;
 *     a value without a scheme ("proxy:3128") means http://.
 *   - Never for "localhost" or a loopback IP.
 *   - NO_PROXY, comma-separated: "*" (nothing is proxied); an IP, optionally with a port (10.0.0.1, [::1]:6443); a CIDR
 *     (10.0.0.0/8, fd00::/8); a domain, optionally with a port, which matches itself and its subdomains
 *     ("example.com", ".example.com" and "*.example.com" all match "api.example.com"; the first also "example.com").
 * It only decides; proxySocket.ts opens the connection.
 */
import { BlockList, isIP } from 'node:net';

/** The proxy schemes client-go dials (net/http's Transport: http, https, socks5; socks5h is its alias). */
export const PROXY_SCHEMES = ['http:', 'https:', 'socks5:', 'socks5h:'] as const;

/** Where a proxy came from, for the attempt log ("via socks5://… from proxy-url"). */
export type ProxySource = 'proxy-url' | 'HTTPS_PROXY' | 'https_proxy' | 'HTTP_PROXY' | 'http_proxy';

/** The proxy a connection goes through. */
export interface ProxyRoute {
  /** The proxy's URL, credentials included (they are sent to the proxy, never shown: use `shown`). */
  url: URL;
  /** "socks5://127.0.0.1:1080": scheme, host and port, without the credentials. */
  shown: string;
  source: ProxySource;
}

/** A proxy setting that cannot be used; its message names the setting and the fix. */
export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyConfigError';
  }
}

/** Default ports by scheme, as Go's canonicalAddr and proxy dialers use them. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'socks5:': 1080,
  'socks5h:': 1080,
};

/** The port a URL means: its own, else its scheme's default. */
export function portOf(url: URL): number {
  return url.port !== '' ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 0);
}

/** A URL's host name without IPv6 brackets ("::1" for "https://[::1]:6443"). */
export function hostnameOf(url: URL): string {
  return url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
}

/** "socks5://127.0.0.1:1080": what a proxy is called in messages; never its user name or password. */
export function showProxy(url: URL): string {
  return `${url.protocol}//${url.hostname}:${portOf(url)}`;
}

/** Turns a proxy setting into a route, refusing a scheme no proxy dialer here (or in kubectl) speaks. */
function routeOf(url: URL, source: ProxySource): ProxyRoute {
  if (!(PROXY_SCHEMES as readonly string[]).includes(url.protocol)) {
    const where = source === 'proxy-url' ? "the kubeconfig's proxy-url" : source;
    throw new ProxyConfigError(
      `${where} names a ${url.protocol.replace(/:$/, '')}:// proxy (${showProxy(url)}): kubectl and Podterm speak http://, https:// and socks5:// proxies. Use one of those.`,
    );
  }
  if (url.hostname === '') {
    const where = source === 'proxy-url' ? "the kubeconfig's proxy-url" : source;
    throw new ProxyConfigError(`${where} names no proxy host: write it as scheme://host:port.`);
  }
  return { url, shown: showProxy(url), source };
}

/** The kubeconfig's proxy-url as a route; throws a ProxyConfigError naming the problem when it cannot be used. */
export function kubeconfigProxyRoute(proxyUrl: string): ProxyRoute {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    throw new ProxyConfigError(
      `the kubeconfig's proxy-url is not a URL: write it as http://host:port, https://host:port or socks5://host:port.`,
    );
  }
  return routeOf(url, 'proxy-url');
}

/** First non-empty of the names, as Go's getEnvAny does (upper case first). */
function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): { name: string; value: string } | null {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return null;
}

/** httpproxy's parseProxy: a value without a scheme (or that does not parse) is tried again as http://value. */
function parseEnvProxy(value: string, name: ProxySource): ProxyRoute {
  let url: URL | null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  // "proxy:3128" parses as scheme "proxy:" with an empty host; Go retries such values with http:// in front.
  if (url === null || url.host === '') {
    try {
      url = new URL(`http://${value}`);
    } catch {
      throw new ProxyConfigError(`${name} is not a proxy address: write it as http://host:port or socks5://host:port.`);
    }
  }
  return routeOf(url, name);
}

/** One NO_PROXY entry, as httpproxy's config.init turns it into a matcher. */
type NoProxyMatcher =
  | { kind: 'all' }
  | { kind: 'cidr'; list: BlockList }
  | { kind: 'ip'; ip: string; family: 4 | 6; port: string }
  | { kind: 'domain'; suffix: string; matchHost: boolean; port: string };

/** Splits "host:port" and "[v6]:port" like Go's net.SplitHostPort; null when the text has no port part. */
function splitHostPort(text: string): { host: string; port: string } | null {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || text[close + 1] !== ':') return null;
    return { host: text.slice(1, close), port: text.slice(close + 2) };
  }
  const colon = text.lastIndexOf(':');
  if (colon === -1 || text.indexOf(':') !== colon) return null;
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

/** "10.0.0.0/8" or "fd00::/8" as a BlockList; null when the entry is not a CIDR. */
function parseCidr(entry: string): BlockList | null {
  const slash = entry.indexOf('/');
  if (slash === -1) return null;
  const address = entry.slice(0, slash);
  const prefixText = entry.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list;
}

/** NO_PROXY's entries as matchers; "*" anywhere makes the whole list match everything, as in Go. */
export function parseNoProxy(noProxy: string): NoProxyMatcher[] {
  const matchers: NoProxyMatcher[] = [];
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return [{ kind: 'all' }];
    const cidr = parseCidr(entry);
    if (cidr !== null) {
      matchers.push({ kind: 'cidr', list: cidr });
      continue;
    }
    const split = splitHostPort(entry);
    let host = split?.host ?? entry;
    const port = split?.port ?? '';
    if (split !== null && host === '') continue;
    const family = isIP(host);
    if (family !== 0) {
      matchers.push({ kind: 'ip', ip: host, family: family as 4 | 6, port });
      continue;
    }
    if (host === '') continue;
    if (host.startsWith('*.')) host = host.slice(1);
    const matchHost = !host.startsWith('.');
    matchers.push({ kind: 'domain', suffix: matchHost ? `.${host}` : host, matchHost, port });
  }
  return matchers;
}

/** Whether an IPv4 or IPv6 literal is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x). */
function isLoopback(ip: string, family: number): boolean {
  if (family === 4) return ip.startsWith('127.');
  const lower = ip.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7).startsWith('127.');
  const loopback = new BlockList();
  loopback.addAddress('::1', 'ipv6');
  return loopback.check(lower, 'ipv6');
}

/** Whether two IP literals are the same address (Go's net.IP.Equal, which also equates v4 with its v4-in-v6 form). */
function sameIp(a: string, familyA: number, b: string, familyB: number): boolean {
  const list = new BlockList();
  list.addAddress(a, familyA === 4 ? 'ipv4' : 'ipv6');
  return list.check(b, familyB === 4 ? 'ipv4' : 'ipv6');
}

/** httpproxy's useProxy: false when the server is local or NO_PROXY names it. */
function useProxy(host: string, port: string, noProxy: readonly NoProxyMatcher[]): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost') return false;
  const family = isIP(name);
  if (family !== 0 && isLoopback(name, family)) return false;
  for (const matcher of noProxy) {
    switch (matcher.kind) {
      case 'all':
        return false;
      case 'cidr':
        if (family !== 0 && matcher.list.check(name, family === 4 ? 'ipv4' : 'ipv6')) return false;
        break;
      case 'ip':
        if (
          family !== 0 &&
          sameIp(matcher.ip, matcher.family, name, family) &&
          (matcher.port === '' || matcher.port === port)
        )
          return false;
        break;
      case 'domain':
        if (
          (name.endsWith(matcher.suffix) || (matcher.matchHost && name === matcher.suffix.slice(1))) &&
          (matcher.port === '' || matcher.port === port)
        )
          return false;
        break;
    }
  }
  return true;
}

/** The proxy variables Go reads, by the scheme of the server they apply to. */
const PROXY_VARIABLES = {
  'https:': ['HTTPS_PROXY', 'https_proxy'],
  'http:': ['HTTP_PROXY', 'http_proxy'],
} as const;
const NO_PROXY_VARIABLES = ['NO_PROXY', 'no_proxy'] as const;

/** Whether the environment sets any proxy variable kubectl reads. */
export function hasProxyVariables(env: NodeJS.ProcessEnv): boolean {
  return [...PROXY_VARIABLES['https:'], ...PROXY_VARIABLES['http:'], ...NO_PROXY_VARIABLES].some(
    (name) => env[name] !== undefined && env[name] !== '',
  );
}

/** Just the proxy variables of an environment (what an access keeps, rather than the whole environment). */
export function proxyVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const name of [...PROXY_VARIABLES['https:'], ...PROXY_VARIABLES['http:'], ...NO_PROXY_VARIABLES]) {
    if (env[name] !== undefined) kept[name] = env[name];
  }
  return kept;
}

/** The proxy the environment names for this server (ProxyFromEnvironment), or null to connect directly. */
export function environmentProxyRoute(server: URL, env: NodeJS.ProcessEnv): ProxyRoute | null {
  const names = PROXY_VARIABLES[server.protocol as keyof typeof PROXY_VARIABLES];
  if (names === undefined) return null;
  const setting = firstSet(env, names);
  if (setting === null) return null;
  const noProxy = parseNoProxy(firstSet(env, NO_PROXY_VARIABLES)?.value ?? '');
  if (!useProxy(hostnameOf(server), String(portOf(server)), noProxy)) return null;
  return parseEnvProxy(setting.value, setting.name as ProxySource);
}

/**
 * The way to an API server, as client-go chooses it: the cluster's proxy-url when set (the environment is not read
 * then, NO_PROXY included), else the environment's proxy for this server, else none.
 */
export function proxyRouteFor(server: URL, proxyUrl: string | undefined, env: NodeJS.ProcessEnv): ProxyRoute | null {
  if (proxyUrl) return kubeconfigProxyRoute(proxyUrl);
  return environmentProxyRoute(server, env);
}
