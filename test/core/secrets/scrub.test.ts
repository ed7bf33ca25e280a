/**
 * The scrubber every message built from an error goes through: each form a secret takes in a library's or a server's
 * text is hidden, and nothing else is touched.
 */
import { describe, expect, it } from 'vitest';
import {
  kubeconfigCredentials,
  MIN_SCRUBBED_LENGTH,
  SCRUBBED_SECRET,
  SecretScrubber,
} from '../../../main/core/secrets';

const TOKEN = 'eyJhbGciOi.payload-part.signature_7f3a';

describe('SecretScrubber', () => {
  it('hides a secret wherever it appears, and leaves the rest of the message as it was', () => {
    const scrubber = SecretScrubber.of([TOKEN]);
    const text = `server said: invalid bearer token ${TOKEN} (and again: ${TOKEN})`;
    expect(scrubber.scrub(text)).toBe(
      `server said: invalid bearer token ${SCRUBBED_SECRET} (and again: ${SCRUBBED_SECRET})`,
    );
    expect(scrubber.scrub('cannot reach https://10.0.0.1:6443 (ECONNREFUSED)')).toBe(
      'cannot reach https://10.0.0.1:6443 (ECONNREFUSED)',
    );
  });

  it('hides a token with a line break as given, escaped, cut at the break, and with the break dropped', () => {
    const token = 'first-half-4411\nsecond-half-9922';
    const scrubber = SecretScrubber.of([token]);
    for (const shown of [
      `Headers.append: "Bearer ${token}" is an invalid header value.`,
      `invalid header value ${JSON.stringify(`Bearer ${token}`)}`,
      'value "Bearer first-half-4411" then "second-half-9922"',
      'value first-half-4411second-half-9922',
      `url https://x/?token=${encodeURIComponent(token)}`,
    ]) {
      const scrubbed = scrubber.scrub(shown);
      expect(scrubbed).not.toContain('first-half-4411');
      expect(scrubbed).not.toContain('second-half-9922');
      expect(scrubbed).toContain(SCRUBBED_SECRET);
    }
  });

  it('hides the longest form first, so no tail of a secret is left behind', () => {
    const scrubber = SecretScrubber.of(['abcd', 'abcdefgh-long-secret']);
    expect(scrubber.scrub('x abcdefgh-long-secret y')).toBe(`x ${SCRUBBED_SECRET} y`);
  });

  it('hides each line of a private key, but does not hide forms too short to mean anything', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACBzZWNyZXQ\n-----END OPENSSH PRIVATE KEY-----\n';
    const scrubber = SecretScrubber.of([key, 'abc']);
    expect(scrubber.scrub('bad key line QyNTUxOQAAACBzZWNyZXQ near b3BlbnNzaC1rZXktdjEAAAAA')).toBe(
      `bad key line ${SCRUBBED_SECRET} near ${SCRUBBED_SECRET}`,
    );
    expect('abc'.length).toBeLessThan(MIN_SCRUBBED_LENGTH);
    expect(scrubber.scrub('abc is an ordinary word here')).toBe('abc is an ordinary word here');
  });

  it('ignores null, undefined and empty values, and none hides nothing', () => {
    expect(SecretScrubber.of([null, undefined, '']).isEmpty).toBe(true);
    expect(SecretScrubber.none.scrub(`text ${TOKEN}`)).toBe(`text ${TOKEN}`);
    expect(SecretScrubber.none.with([TOKEN]).scrub(`text ${TOKEN}`)).toBe(`text ${SCRUBBED_SECRET}`);
  });

  it('messageOf scrubs an Error and a thrown non-Error alike', () => {
    const scrubber = SecretScrubber.of([TOKEN]);
    expect(scrubber.messageOf(new Error(`bad ${TOKEN}`))).toBe(`bad ${SCRUBBED_SECRET}`);
    expect(scrubber.messageOf(`bad ${TOKEN}`)).toBe(`bad ${SCRUBBED_SECRET}`);
  });
});

describe('kubeconfig credentials', () => {
  const keyPem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKeyMaterial0123456789\n-----END EC PRIVATE KEY-----\n';
  const yaml = [
    'apiVersion: v1',
    'clusters:',
    '- name: c',
    '  cluster: {server: "https://10.0.0.1:6443"}',
    'users:',
    '- name: u',
    '  user:',
    '    token: yaml-token-5512',
    `    client-key-data: ${Buffer.from(keyPem).toString('base64')}`,
    '    password: "quoted-pass-7781"',
    '    auth-provider:',
    '      config: {id-token: oidc-id-4401, refresh-token: oidc-refresh-4402}',
  ].join('\n');

  it('finds tokens, passwords, client keys (and the PEM inside) and auth-provider tokens, in YAML and JSON', () => {
    const found = kubeconfigCredentials(yaml);
    expect(found).toEqual(
      expect.arrayContaining(['yaml-token-5512', 'quoted-pass-7781', 'oidc-id-4401', 'oidc-refresh-4402', keyPem]),
    );
    expect(kubeconfigCredentials('{"users":[{"name":"u","user":{"token":"json-token-3390"}}]}')).toEqual([
      'json-token-3390',
    ]);
  });

  it('withKubeconfig hides the credentials but keeps server URLs and names readable', () => {
    const scrubber = SecretScrubber.none.withKubeconfig(yaml);
    const text =
      'the API server at https://10.0.0.1:6443 said: token yaml-token-5512 rejected; key MHcCAQEEIKeyMaterial0123456789; apiVersion: v1';
    const scrubbed = scrubber.scrub(text);
    expect(scrubbed).toContain('https://10.0.0.1:6443');
    // A line of the kubeconfig that holds no credential is not hidden.
    expect(scrubbed).toContain('apiVersion: v1');
    expect(scrubbed).not.toContain('yaml-token-5512');
    expect(scrubbed).not.toContain('MHcCAQEEIKeyMaterial0123456789');
  });

  it('covers a kubeconfig that does not parse', () => {
    const broken = 'users:\n- name: u\n  user:\n    token: broken-yaml-token-6620\n  : : [unclosed';
    expect(SecretScrubber.none.withKubeconfig(broken).scrub('line 5: token: broken-yaml-token-6620')).not.toContain(
      'broken-yaml-token-6620',
    );
  });
});
