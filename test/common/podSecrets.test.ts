/**
 * The characters a secret may hold (common/pods.ts): a one-line secret (token, SSH password, key passphrase) holds no
 * control character at all; a multi-line one (kubeconfig, private key) holds line breaks (LF or CRLF) and tabs, and
 * no other control character. Each refusal names the secret, the character and the fix.
 */
import { describe, expect, it } from 'vitest';
import { podSecretsSchema } from '../../common/pods';

const refusal = (secrets: Record<string, string>) => {
  const parsed = podSecretsSchema.safeParse(secrets);
  return parsed.success ? null : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('control characters in secrets', () => {
  it('accepts ordinary one-line secrets, spaces and non-ASCII letters included', () => {
    expect(
      refusal({ token: 'eyJhbGciOi.abc-_=', sshPassword: 'correct horse battery staple', sshPassphrase: 'pässwörd' }),
    ).toBeNull();
  });

  it('refuses a line break, a carriage return, a tab, DEL and C1 controls in a one-line secret', () => {
    expect(refusal({ token: 'abc\ndef' })).toEqual([
      'token: the token contains a line break: paste the token alone, on one line, without line breaks, tabs or other control characters',
    ]);
    expect(refusal({ token: 'abc\r' })?.[0]).toMatch(/^token: the token contains a line break/);
    expect(refusal({ sshPassword: 'a\tb' })?.[0]).toMatch(/^sshPassword: the SSH password contains a tab/);
    expect(refusal({ sshPassphrase: 'x\u007fy' })?.[0]).toMatch(/contains a control character \(U\+007F\)/);
    expect(refusal({ token: 'x\u0085y' })?.[0]).toMatch(/contains a control character \(U\+0085\)/);
  });

  it('accepts line breaks (LF and CRLF) and tabs in a kubeconfig or private key, and refuses other controls', () => {
    expect(refusal({ kubeconfig: 'apiVersion: v1\r\nkind: Config\n\tx: 1\n', sshPrivateKey: 'a\nb\r\n' })).toBeNull();
    expect(refusal({ kubeconfig: 'apiVersion: v1\n\u001b[31m' })).toEqual([
      'kubeconfig: the kubeconfig contains a control character (U+001B): paste the kubeconfig as plain text; only line breaks and tabs may be in it',
    ]);
    expect(refusal({ sshPrivateKey: '-----BEGIN\u0000' })?.[0]).toMatch(/U\+0000/);
  });

  it('still lets null clear a secret and absence keep it', () => {
    expect(refusal({})).toBeNull();
    expect(podSecretsSchema.safeParse({ token: null }).success).toBe(true);
  });
});
