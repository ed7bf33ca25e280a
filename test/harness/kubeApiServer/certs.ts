/**
 * Per-run PKI made by the real openssl CLI: a CA, a server certificate it signs (SAN IP:127.0.0.1 and DNS:localhost,
 * because Go's TLS stack, so kubectl, ignores the CN and needs a SAN matching the address) and a client certificate
 * (CN=cert-user) for client-certificate auth. Nothing is reused between runs, so no test depends on a key on disk.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const OPENSSL = '/usr/bin/openssl';
/** A day is far longer than any test run, and short enough that a leaked key is worthless tomorrow. */
const VALIDITY_DAYS = '1';
/** The API server takes the user name from the client certificate's CN and groups from O, like kube-apiserver. */
export const CERT_USER_NAME = 'cert-user';
const CERT_USER_GROUP = 'podterm-testers';

/**
 * A private config, so neither the host's openssl.cnf nor its defaults (e.g. extensions `req -x509` adds on its own)
 * decide what the certificates contain.
 */
const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

/** P-256: every TLS stack involved (Go's, Node's, BoringSSL in Electron) accepts it, and it is generated instantly. */
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface PemPair {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  ca: PemPair;
  server: PemPair;
  client: PemPair;
}

export async function opensslAvailable(): Promise<boolean> {
  try {
    await access(OPENSSL, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A random positive serial, so two runs never issue the same serial from "the same" CA name. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return `0x${bytes.toString('hex')}`;
}

async function readPair(certFile: string, keyFile: string): Promise<PemPair> {
  const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  return { certPem, keyPem, certFile, keyFile };
}

async function issue(
  dir: string,
  configFile: string,
  ca: PemPair,
  name: string,
  subject: string,
  extensions: 'server' | 'client',
): Promise<PemPair> {
  const keyFile = join(dir, `${name}.key`);
  const csrFile = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  await run(OPENSSL, [
    'req',
    '-new',
    '-config',
    configFile,
    ...KEY_ARGS,
    '-keyout',
    keyFile,
    '-out',
    csrFile,
    '-subj',
    subject,
  ]);
  await run(OPENSSL, [
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-set_serial',
    serial(),
    '-days',
    VALIDITY_DAYS,
    '-extfile',
    configFile,
    '-extensions',
    extensions,
    '-out',
    certFile,
  ]);
  return readPair(certFile, keyFile);
}

/** Writes ca.*, server.* and client.* into dir (a private temp dir) and returns their PEM text and paths. */
export async function generatePki(dir: string): Promise<TestPki> {
  const configFile = join(dir, 'openssl.cnf');
  await writeFile(configFile, OPENSSL_CONFIG);
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  await run(OPENSSL, [
    'req',
    '-x509',
    '-config',
    configFile,
    ...KEY_ARGS,
    '-keyout',
    caKey,
    '-out',
    caCert,
    '-days',
    VALIDITY_DAYS,
    '-subj',
    '/CN=podterm-test-ca',
    '-extensions',
    'ca',
    '-set_serial',
    serial(),
  ]);
  const ca = await readPair(caCert, caKey);
  const [server, client] = await Promise.all([
    issue(dir, configFile, ca, 'server', '/CN=kube-apiserver', 'server'),
    issue(dir, configFile, ca, 'client', `/O=${CERT_USER_GROUP}/CN=${CERT_USER_NAME}`, 'client'),
  ]);
  return { ca, server, client };
}
