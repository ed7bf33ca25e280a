/**
 * Opening a connection to a server, directly or through a proxy (proxy.ts decides which), with TLS on top when the
 * server's URL is https://. The one way Podterm dials an API server: the pod reads and lists (undici's `connect`) and
 * the exec WebSocket (`ws`'s `createConnection`) both come here, so a proxy that works for one works for the other.
 *
 * Why by hand rather than undici's ProxyAgent / Socks5ProxyAgent or socks-proxy-agent: each of those dials and does TLS
 * its own way (ws takes none of undici's dispatchers, and the agents drop `servername` — tls-server-name — or resolve
 * the server's name locally for socks5://, which kubectl does not), and none says which step of the proxy refused.
 * HTTP CONNECT and SOCKS5 (RFC 1928, with RFC 1929 user/password) are a few dozen lines each; owning them gives one
 * behaviour and one set of messages for both paths.
 *
 * Like kubectl: the server's name is sent to the proxy unresolved (SOCKS5 "domain name" addresses; CONNECT host:port),
 * so names only the proxy's side can resolve work; TLS to the server goes inside the tunnel, end to end, checked
 * against tls-server-name when set, else the URL's host.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { hostnameOf, portOf, type ProxyRoute } from './proxy';

/** What went wrong at the proxy rather than at the server, for messages that say so. */
export type ProxyFailureKind =
  /** The proxy itself could not be reached (refused, unresolvable, timed out): `code` has the system's reason. */
  | 'proxyUnreachable'
  /** The proxy wants credentials (HTTP 407, or SOCKS5 offering only user/password) and the URL has none. */
  | 'credentialsRequired'
  /** The proxy refused the credentials in its URL. */
  | 'credentialsRefused'
  /** The proxy answered but would not (or could not) connect to the server: an HTTP status or a SOCKS5 reply code. */
  | 'targetRefused'
  /** What answered is not the kind of proxy the URL says (an HTTP page from a "SOCKS" port, say). */
  | 'protocol';

/** The step of the proxy's conversation that failed. */
export type ProxyStep = 'connect to the proxy' | 'TLS to the proxy' | 'greeting' | 'authentication' | 'tunnel';

/** A failure at the proxy; its message says which proxy, which step and why, never the credentials. */
export class ProxyError extends Error {
  constructor(
    readonly kind: ProxyFailureKind,
    readonly proxy: string,
    readonly step: ProxyStep,
    message: string,
    /** The system code when the proxy could not be reached ("ECONNREFUSED"), else null. */
    readonly code: string | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ProxyError';
  }
}

/** TLS settings for an https:// server: the kubeconfig's CA, client certificate, skip-verify and tls-server-name. */
export interface ServerTlsOptions {
  ca?: ConnectionOptions['ca'];
  cert?: ConnectionOptions['cert'];
  key?: ConnectionOptions['key'];
  pfx?: ConnectionOptions['pfx'];
  passphrase?: string;
  rejectUnauthorized?: boolean;
  /** tls-server-name: the name the server's certificate is checked against (and sent as SNI) instead of the host. */
  servername?: string;
}

export interface DialOptions {
  /** The server's URL; its scheme says whether TLS goes on top. */
  server: URL;
  /** Null to connect directly. */
  route: ProxyRoute | null;
  /** For https:// servers; ignored for http://. */
  tls: ServerTlsOptions;
  /** Gives up on the whole dial (proxy, tunnel and TLS) after this long with an ETIMEDOUT error. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** ALPN to offer the server over TLS (undici offers http/1.1); none by default. */
  alpnProtocols?: string[];
}

/** A proxy's reply header is a few hundred bytes; a proxy that sends more before the blank line is not one. */
const MAX_CONNECT_REPLY_BYTES = 16 * 1024;

/** SOCKS5 reply codes (RFC 1928 §6), in words. */
const SOCKS_REPLIES: Readonly<Record<number, string>> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by the proxy’s rules',
  3: 'network unreachable from the proxy',
  4: 'host unreachable from the proxy (or its name does not resolve there)',
  5: 'connection refused by the server',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** "host:port" as CONNECT and messages write it ("[::1]:6443" for IPv6). */
function authority(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Decoded user name and password from a proxy URL, or null when it has none. */
function credentialsOf(url: URL): { user: string; password: string } | null {
  if (url.username === '' && url.password === '') return null;
  return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/**
 * Reads from the socket until `enough` says the bytes so far make a whole answer (returns how many bytes it used, or
 * -1 for "more"); unused bytes are put back. Rejects when the socket ends or fails first.
 */
function readAnswer(socket: Socket, enough: (bytes: Buffer) => number, onEnd: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onClose);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const used = enough(buffered);
      if (used < 0) return;
      cleanup();
      socket.pause();
      if (used < buffered.length) socket.unshift(buffered.subarray(used));
      resolve(buffered.subarray(0, used));
    };
    const onClose = () => {
      cleanup();
      reject(onEnd());
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    socket.on('data', onData);
    socket.once('end', onClose);
    socket.once('close', onClose);
    socket.once('error', onError);
    socket.resume();
  });
}

/** Waits for a plain TCP connect. */
function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Waits for a TLS handshake (certificate checks included). */
function handshaken(socket: TLSSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve();
    });
    socket.once('error', reject);
  });
}

/** The TCP (and for https:// proxies, TLS) connection to the proxy itself. */
async function connectToProxy(route: ProxyRoute, tls: ServerTlsOptions, track: (socket: Socket) => void) {
  const host = hostnameOf(route.url);
  const port = portOf(route.url);
  const raw = netConnect({ host, port });
  track(raw);
  try {
    await connected(raw);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ProxyError(
      'proxyUnreachable',
      route.shown,
      'connect to the proxy',
      `cannot reach the proxy ${route.shown} (${typeof code === 'string' ? code : (error as Error).message})`,
      typeof code === 'string' ? code : null,
      { cause: error },
    );
  }
  if (route.url.protocol !== 'https:') return raw;
  // An https:// proxy is checked with the cluster's CA and skip-verify, as client-go's transport does (its TLS config
  // serves both hops), against the proxy's own name.
  const secure = tlsConnect({
    socket: raw,
    host,
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
  });
  track(secure);
  try {
    await handshaken(secure);
  } catch (error) {
    throw new ProxyError(
      'protocol',
      route.shown,
      'TLS to the proxy',
      `the TLS connection to the proxy ${route.shown} failed (${(error as { code?: string }).code ?? (error as Error).message})`,
      null,
      { cause: error },
    );
  }
  return secure;
}

/** HTTP CONNECT host:port on an open connection to an HTTP(S) proxy. */
async function httpConnect(socket: Socket, route: ProxyRoute, host: string, port: number): Promise<void> {
  const target = authority(host, port);
  const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
  const credentials = credentialsOf(route.url);
  if (credentials !== null) {
    const basic = Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64');
    lines.push(`Proxy-Authorization: Basic ${basic}`);
  }
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const header = await readAnswer(
    socket,
    (bytes) => {
      const end = bytes.indexOf('\r\n\r\n');
      if (end !== -1) return end + 4;
      if (bytes.length > MAX_CONNECT_REPLY_BYTES) return bytes.length;
      return -1;
    },
    () =>
      new ProxyError(
        'protocol',
        route.shown,
        'tunnel',
        `the proxy ${route.shown} closed the connection instead of answering CONNECT ${target}`,
      ),
  );
  const statusLine = header.toString('latin1').split('\r\n', 1)[0] ?? '';
  const match = /^HTTP\/1\.[01] (\d{3})\s*(.*)$/.exec(statusLine);
  if (match === null) {
    throw new ProxyError(
      'protocol',
      route.shown,
      'tunnel',
      `the proxy ${route.shown} did not answer CONNECT like an HTTP proxy (it said "${statusLine.slice(0, 80)}")`,
    );
  }
  const status = Number(match[1]);
  const reason = match[2] ?? '';
  if (status >= 200 && status < 300) return;
  // 407 is the standard answer; some proxies (tinyproxy) answer wrong credentials with 401 instead.
  if (status === 407 || status === 401) {
    throw credentials === null
      ? new ProxyError(
          'credentialsRequired',
          route.shown,
          'authentication',
          `the proxy ${route.shown} asks for credentials (${status} ${reason || 'Proxy Authentication Required'}): put them in the proxy URL, http://USER:PASSWORD@host:port`,
        )
      : new ProxyError(
          'credentialsRefused',
          route.shown,
          'authentication',
          `the proxy ${route.shown} refused the user name and password in its URL (${status} ${reason || 'Proxy Authentication Required'})`,
        );
  }
  throw new ProxyError(
    'targetRefused',
    route.shown,
    'tunnel',
    `the proxy ${route.shown} would not connect to ${target} (${status}${reason ? ` ${reason}` : ''})`,
  );
}

/** A SOCKS5 CONNECT (RFC 1928) with optional user/password authentication (RFC 1929). */
async function socks5Connect(socket: Socket, route: ProxyRoute, host: string, port: number): Promise<void> {
  const target = authority(host, port);
  const credentials = credentialsOf(route.url);
  const closed = (step: ProxyStep) => () =>
    new ProxyError(
      'protocol',
      route.shown,
      step,
      `the SOCKS proxy ${route.shown} closed the connection during the ${step}`,
    );
  const exactly = (count: number) => (bytes: Buffer) => (bytes.length >= count ? count : -1);

  // Greeting: version 5 and the methods we offer (0 none; 2 user/password when the URL has them).
  const methods = credentials === null ? [0x00] : [0x00, 0x02];
  socket.write(Buffer.from([0x05, methods.length, ...methods]));
  const choice = await readAnswer(socket, exactly(2), closed('greeting'));
  if (choice[0] !== 0x05) {
    throw new ProxyError(
      'protocol',
      route.shown,
      'greeting',
      `${route.shown} does not answer like a SOCKS5 proxy (its first byte is 0x${choice[0]!.toString(16).padStart(2, '0')})`,
    );
  }
  if (choice[1] === 0xff) {
    throw credentials === null
      ? new ProxyError(
          'credentialsRequired',
          route.shown,
          'greeting',
          `the SOCKS proxy ${route.shown} accepts no connection without credentials: put them in the proxy URL, socks5://USER:PASSWORD@host:port`,
        )
      : new ProxyError(
          'protocol',
          route.shown,
          'greeting',
          `the SOCKS proxy ${route.shown} accepts neither no authentication nor a user name and password`,
        );
  }
  if (choice[1] === 0x02) {
    if (credentials === null) {
      throw new ProxyError(
        'credentialsRequired',
        route.shown,
        'greeting',
        `the SOCKS proxy ${route.shown} asks for a user name and password: put them in the proxy URL`,
      );
    }
    const user = Buffer.from(credentials.user, 'utf8');
    const password = Buffer.from(credentials.password, 'utf8');
    if (user.length > 255 || password.length > 255) {
      throw new ProxyError(
        'credentialsRefused',
        route.shown,
        'authentication',
        `the user name or password in the proxy URL of ${route.shown} is longer than SOCKS5 allows (255 bytes)`,
      );
    }
    socket.write(Buffer.concat([Buffer.from([0x01, user.length]), user, Buffer.from([password.length]), password]));
    const answer = await readAnswer(socket, exactly(2), closed('authentication'));
    if (answer[1] !== 0x00) {
      throw new ProxyError(
        'credentialsRefused',
        route.shown,
        'authentication',
        `the SOCKS proxy ${route.shown} refused the user name and password in its URL`,
      );
    }
  } else if (choice[1] !== 0x00) {
    throw new ProxyError(
      'protocol',
      route.shown,
      'greeting',
      `the SOCKS proxy ${route.shown} chose an authentication method we did not offer (${choice[1]})`,
    );
  }

  // CONNECT: an IP literal as itself, a name as a name (resolved by the proxy, as kubectl has it resolved).
  const family = isIP(host);
  let address: Buffer;
  if (family === 4) address = Buffer.from([0x01, ...host.split('.').map(Number)]);
  else if (family === 6) address = Buffer.concat([Buffer.from([0x04]), ipv6Bytes(host)]);
  else {
    const name = Buffer.from(host, 'utf8');
    address = Buffer.concat([Buffer.from([0x03, name.length]), name]);
  }
  const portBytes = Buffer.from([port >> 8, port & 0xff]);
  socket.write(Buffer.concat([Buffer.from([0x05, 0x01, 0x00]), address, portBytes]));
  const reply = await readAnswer(
    socket,
    (bytes) => {
      if (bytes.length < 5) return -1;
      // The reply's bound address: 4 bytes (IPv4), 16 (IPv6) or a length-prefixed name; then the port.
      const length = bytes[3] === 0x01 ? 4 : bytes[3] === 0x04 ? 16 : bytes[3] === 0x03 ? 1 + bytes[4]! : 0;
      const total = 4 + length + 2;
      return bytes.length >= total ? total : -1;
    },
    // OpenSSH's ssh -D answers a CONNECT it cannot complete by closing the connection, without a reply.
    () =>
      new ProxyError(
        'targetRefused',
        route.shown,
        'tunnel',
        `the SOCKS proxy ${route.shown} closed the connection instead of connecting to ${target} (ssh -D does this when the server cannot be reached from its side)`,
      ),
  );
  if (reply[1] !== 0x00) {
    const code = reply[1]!;
    throw new ProxyError(
      'targetRefused',
      route.shown,
      'tunnel',
      `the SOCKS proxy ${route.shown} could not connect to ${target}: ${SOCKS_REPLIES[code] ?? `reply ${code}`}`,
    );
  }
}

/** The 16 bytes of an IPv6 literal. */
function ipv6Bytes(host: string): Buffer {
  const [head = '', tail = ''] = host.includes('::') ? host.split('::') : [host, ''];
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const headGroups = parse(head);
  const tailGroups = parse(tail);
  // A trailing dotted IPv4 (::ffff:10.0.0.1) is two groups.
  const expand = (groups: string[]) =>
    groups.flatMap((group) => {
      if (!group.includes('.')) return [parseInt(group, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  const first = expand(headGroups);
  const last = expand(tailGroups);
  const groups = [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

/**
 * A connected socket to the server (TLS established for https://), directly or through the route's proxy. Rejects with
 * a ProxyError when the proxy failed, else with the socket's or TLS's own error (its `code` intact for
 * net/socketErrors.ts).
 */
export async function dialServer(options: DialOptions): Promise<Socket> {
  const { server, route, tls } = options;
  const host = hostnameOf(server);
  const port = portOf(server);
  const opened: Socket[] = [];
  const track = (socket: Socket) => {
    opened.push(socket);
    // Errors are reported through the promises below; a late one after giving up must not crash the process.
    socket.on('error', () => {});
  };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const failEarly = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = Object.assign(new Error(`connecting to ${authority(host, port)} timed out`), { code: 'ETIMEDOUT' });
      reject(
        route === null
          ? error
          : new ProxyError(
              'proxyUnreachable',
              route.shown,
              'connect to the proxy',
              `connecting to ${authority(host, port)} through the proxy ${route.shown} timed out after ${options.timeoutMs} ms`,
              'ETIMEDOUT',
            ),
      );
    }, options.timeoutMs);
    onAbort = () => reject(options.signal?.reason ?? new Error('The connection was aborted.'));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const dial = async (): Promise<Socket> => {
    let socket: Socket;
    if (route === null) {
      socket = netConnect({ host, port });
      track(socket);
      await connected(socket);
    } else {
      socket = await connectToProxy(route, tls, track);
      if (route.url.protocol === 'socks5:' || route.url.protocol === 'socks5h:') {
        await socks5Connect(socket, route, host, port);
      } else {
        await httpConnect(socket, route, host, port);
      }
      // readAnswer paused it; the server speaks only after us (the TLS client hello, the HTTP request), so nothing is
      // lost before the next reader attaches.
      socket.resume();
    }
    if (server.protocol !== 'https:') return socket;
    const secure = tlsConnect({
      socket,
      host,
      // SNI carries names only; tls-server-name replaces the host both as SNI and for the certificate check.
      ...(tls.servername ? { servername: tls.servername } : isIP(host) === 0 ? { servername: host } : {}),
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls.key !== undefined ? { key: tls.key } : {}),
      ...(tls.pfx !== undefined ? { pfx: tls.pfx } : {}),
      ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
      ...(options.alpnProtocols ? { ALPNProtocols: options.alpnProtocols } : {}),
    });
    track(secure);
    await handshaken(secure);
    return secure;
  };
  try {
    return await Promise.race([dial(), failEarly]);
  } catch (error) {
    for (const socket of opened) socket.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

/** The ProxyError on an error or its causes (undici and ws may wrap it), or null. */
export function proxyErrorOf(error: unknown): ProxyError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current != null; depth += 1) {
    if (current instanceof ProxyError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** What to do about a proxy failure, in a sentence; `server` is the API server the proxy was asked to reach. */
export function proxyFailureFix(error: ProxyError, server: string): string {
  switch (error.kind) {
    case 'proxyUnreachable':
      return `Check that the proxy is running (for ssh -D, that the ssh session is still up) and its address in the kubeconfig's proxy-url or the environment's HTTPS_PROXY.`;
    case 'credentialsRequired':
      return 'Add the proxy user name and password to the proxy URL.';
    case 'credentialsRefused':
      return 'Check the user name and password in the proxy URL.';
    case 'targetRefused':
      return `The proxy was reached, the API server at ${server} was not: check the server address as the proxy sees it, and that the cluster is up.`;
    case 'protocol':
      return "Check that the proxy URL's scheme (http://, https:// or socks5://) is the kind of proxy listening there.";
  }
}
