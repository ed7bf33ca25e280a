/**
 * The one classification of socket and TLS errors (main/core/net/socketErrors.ts). The callers' wording for each kind
 * is tested with them (sshSession, execProtocol, podReader); real errors from Node's own sockets and TLS are
 * classified at the end, so the codes here are the ones Node really reports.
 */
import { createServer as createTcpServer, connect as connectTcp, type AddressInfo } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  classifySocketCode,
  classifySocketError,
  socketErrorCode,
  type SocketErrorKind,
} from '../../../main/core/net/socketErrors';
import { findFreePort } from '../../harness/sshd';

const withCode = (code: unknown, cause?: unknown) =>
  Object.assign(new Error(`failed: ${String(code)}`), { code, cause });

describe('classifySocketCode', () => {
  const expected: Record<SocketErrorKind, string[]> = {
    dns: ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME'],
    refused: ['ECONNREFUSED'],
    unreachable: ['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'ENETDOWN'],
    timeout: ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'],
    reset: ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'],
    untrustedCertificate: [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'CERT_UNTRUSTED',
      'CERT_SIGNATURE_FAILURE',
    ],
    invalidCertificate: ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    clientCredentials: ['ERR_OSSL_PEM_NO_START_LINE', 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'],
    tlsHandshake: [
      'EPROTO',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      'ERR_TLS_HANDSHAKE_TIMEOUT',
    ],
    other: ['EACCES', 'ERR_STREAM_DESTROYED', 'ECONNABORTED', ''],
  };

  for (const [kind, codes] of Object.entries(expected)) {
    it(`${kind}: ${codes.join(', ') || '(empty)'}`, () => {
      for (const code of codes) expect([code, classifySocketCode(code)]).toEqual([code, kind]);
    });
  }
});

describe('classifySocketError', () => {
  it('reads the code on the error, else on its causes (fetch → undici → socket)', () => {
    expect(classifySocketError(withCode('ECONNREFUSED'))).toEqual({ kind: 'refused', code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { cause: withCode('CERT_HAS_EXPIRED') }),
    });
    expect(classifySocketError(fetchFailed)).toEqual({ kind: 'invalidCertificate', code: 'CERT_HAS_EXPIRED' });
    // The outermost code wins: it is the one that says what happened to this request.
    expect(socketErrorCode(withCode('UND_ERR_SOCKET', withCode('ECONNRESET')))).toBe('UND_ERR_SOCKET');
  });

  it('is "other" without a code, with a code that is not a string, and for things that are not errors', () => {
    expect(classifySocketError(new Error('Connection lost before handshake'))).toEqual({ kind: 'other', code: null });
    expect(classifySocketError(withCode(404))).toEqual({ kind: 'other', code: null });
    expect(classifySocketError(null)).toEqual({ kind: 'other', code: null });
    expect(classifySocketError('ECONNREFUSED')).toEqual({ kind: 'other', code: null });
  });

  it('stops looking after a few causes (a cyclic chain does not hang)', () => {
    const cyclic: Error & { cause?: unknown } = new Error('loop');
    cyclic.cause = cyclic;
    expect(socketErrorCode(cyclic)).toBeNull();
  });
});

describe("Node's own errors", () => {
  it('a refused port is "refused"', async () => {
    const port = await findFreePort();
    const error = await new Promise<Error>((resolve) => connectTcp(port, '127.0.0.1').once('error', resolve));
    expect(classifySocketError(error)).toEqual({ kind: 'refused', code: 'ECONNREFUSED' });
  });

  it('TLS to a port that does not speak it is a handshake failure', async () => {
    // Answers the TLS client hello as an HTTP server would.
    const plain = createTcpServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = plain.address() as AddressInfo;
      const error = await new Promise<Error>((resolve) =>
        connectTls({ host: '127.0.0.1', port, rejectUnauthorized: true }).once('error', resolve),
      );
      expect(classifySocketError(error)).toEqual({ kind: 'tlsHandshake', code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });
});
