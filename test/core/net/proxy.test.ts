/**
 * Which proxy a connection goes through (main/core/net/proxy.ts), checked against the rules of
 * golang.org/x/net/http/httpproxy, which kubectl uses (the cases follow that package's own table of examples), and the
 * SOCKS5 steps of proxySocket.ts against scripted SOCKS servers for what OpenSSH's ssh -D cannot do (ask for a
 * password). The real proxies are in test/core/connect/proxyParity.test.ts.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dialServer,
  environmentProxyRoute,
  kubeconfigProxyRoute,
  ProxyConfigError,
  ProxyError,
  proxyRouteFor,
} from '../../../main/core/net';

const route = (server: string, env: NodeJS.ProcessEnv) => environmentProxyRoute(new URL(server), env)?.shown ?? null;
const PROXY = 'http://proxy.corp:3128';

describe('environment proxies, as httpproxy.FromEnvironment reads them', () => {
  it('uses HTTPS_PROXY for https:// servers and HTTP_PROXY for http:// ones, upper case first', () => {
    const env = { HTTPS_PROXY: 'http://secure:1', HTTP_PROXY: 'http://plain:2', https_proxy: 'http://lower:3' };
    expect(route('https://api.example.com:6443', env)).toBe('http://secure:1');
    expect(route('http://api.example.com:8001', env)).toBe('http://plain:2');
    expect(route('https://api.example.com', { https_proxy: 'http://lower:3' })).toBe('http://lower:3');
    expect(route('http://api.example.com', { HTTPS_PROXY: 'http://secure:1' })).toBeNull();
  });

  it('reads a value without a scheme as http://, and keeps socks5:// and https:// proxies', () => {
    expect(route('https://a.example', { HTTPS_PROXY: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128');
    expect(route('https://a.example', { HTTPS_PROXY: 'socks5://127.0.0.1:1080' })).toBe('socks5://127.0.0.1:1080');
    expect(route('https://a.example', { HTTPS_PROXY: 'https://proxy.corp' })).toBe('https://proxy.corp:443');
  });

  it('never proxies localhost or a loopback address', () => {
    for (const server of [
      'https://localhost:6443',
      'https://127.0.0.1:6443',
      'https://127.8.9.1',
      'https://[::1]:6443',
    ]) {
      expect(route(server, { HTTPS_PROXY: PROXY }), server).toBeNull();
    }
    expect(route('https://[fd00::1]:6443', { HTTPS_PROXY: PROXY })).toBe('http://proxy.corp:3128');
  });

  it.each([
    // [NO_PROXY, server, proxied?]
    ['*', 'https://anything.example', false],
    ['example.com', 'https://example.com', false],
    ['example.com', 'https://api.example.com', false],
    ['example.com', 'https://notexample.com', true],
    ['.example.com', 'https://example.com', true],
    ['.example.com', 'https://api.example.com', false],
    ['*.example.com', 'https://api.example.com', false],
    ['*.example.com', 'https://example.com', true],
    ['example.com:6443', 'https://api.example.com:6443', false],
    ['example.com:6443', 'https://api.example.com:443', true],
    ['example.com:443', 'https://api.example.com', false],
    ['10.0.0.0/8', 'https://10.20.30.40:6443', false],
    ['10.0.0.0/8', 'https://11.0.0.1:6443', true],
    ['fd00::/8', 'https://[fd12::1]:6443', false],
    ['192.168.1.5', 'https://192.168.1.5:6443', false],
    ['192.168.1.5:443', 'https://192.168.1.5:6443', true],
    ['[fd00::5]:6443', 'https://[fd00::5]:6443', false],
    [' Example.COM , other.org ', 'https://API.example.com', false],
    ['', 'https://api.example.com', true],
  ])('NO_PROXY=%j, server %s: proxied %s', (noProxy, server, proxied) => {
    const expected = proxied ? 'http://proxy.corp:3128' : null;
    expect(route(server, { HTTPS_PROXY: PROXY, NO_PROXY: noProxy })).toBe(expected);
    // The lower-case name works alike.
    expect(route(server, { HTTPS_PROXY: PROXY, no_proxy: noProxy })).toBe(expected);
  });

  it("the kubeconfig's proxy-url wins over the environment, NO_PROXY included", () => {
    const env = { HTTPS_PROXY: PROXY, NO_PROXY: '*' };
    expect(proxyRouteFor(new URL('https://api.example.com'), 'socks5://127.0.0.1:1080', env)).toMatchObject({
      shown: 'socks5://127.0.0.1:1080',
      source: 'proxy-url',
    });
    // Even for a loopback server: kubectl sends everything to the proxy-url.
    expect(proxyRouteFor(new URL('https://127.0.0.1:6443'), 'http://127.0.0.1:3128', {})?.shown).toBe(
      'http://127.0.0.1:3128',
    );
  });

  it('names a proxy without its credentials, and refuses schemes kubectl does not speak', () => {
    expect(kubeconfigProxyRoute('socks5://user:secret@127.0.0.1:1080').shown).toBe('socks5://127.0.0.1:1080');
    expect(kubeconfigProxyRoute('socks5://127.0.0.1').shown).toBe('socks5://127.0.0.1:1080');
    expect(() => kubeconfigProxyRoute('socks4://127.0.0.1:1080')).toThrow(ProxyConfigError);
    expect(() => kubeconfigProxyRoute('socks4://127.0.0.1:1080')).toThrow(/http:\/\/, https:\/\/ and socks5:\/\//);
    expect(() => kubeconfigProxyRoute('not a url')).toThrow(/proxy-url is not a URL/);
  });
});

/** A scripted SOCKS5 server: answers the greeting with `method`, and the user/password step with `authReply`. */
async function scriptedSocks(method: number, authReply = 0x00): Promise<{ url: string; server: Server }> {
  const server = createServer((socket: Socket) => {
    let stage = 0;
    socket.on('data', () => {
      if (stage === 0) socket.write(Buffer.from([0x05, method]));
      else if (stage === 1 && method === 0x02) socket.write(Buffer.from([0x01, authReply]));
      stage += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `socks5://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function dialThrough(proxyUrl: string): Promise<ProxyError> {
  const error = await dialServer({
    server: new URL('https://api.podterm-test.invalid:6443'),
    route: kubeconfigProxyRoute(proxyUrl),
    tls: {},
    timeoutMs: 5_000,
  }).then(
    (socket) => {
      socket.destroy();
      throw new Error('expected the dial to fail');
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ProxyError);
  return error as ProxyError;
}

describe('SOCKS5 refusals say which step refused', () => {
  it('a proxy that wants a password, asked without one: the greeting', async () => {
    const { url } = await scriptedSocks(0x02);
    const error = await dialThrough(url);
    expect(error).toMatchObject({ kind: 'credentialsRequired', step: 'greeting' });
    expect(error.message).toMatch(/asks for a user name and password/);
  });

  it('a proxy that accepts none of the methods offered: the greeting', async () => {
    const { url } = await scriptedSocks(0xff);
    const error = await dialThrough(url);
    expect(error).toMatchObject({ kind: 'credentialsRequired', step: 'greeting' });
  });

  it('a wrong password: the authentication step, and the password is not in the message', async () => {
    const { url } = await scriptedSocks(0x02, 0x01);
    const error = await dialThrough(url.replace('://', '://someone:socks-secret-5150@'));
    expect(error).toMatchObject({ kind: 'credentialsRefused', step: 'authentication' });
    expect(error.message).toMatch(/refused the user name and password/);
    expect(error.message).not.toContain('socks-secret-5150');
  });

  it('something that is not a SOCKS5 proxy', async () => {
    const server = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const error = await dialThrough(`socks5://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(error).toMatchObject({ kind: 'protocol', step: 'greeting' });
    expect(error.message).toMatch(/does not answer like a SOCKS5 proxy/);
  });
});
