/**
 * Kubeconfig text for the test server. Every string is written as a JSON string, which is also a valid YAML
 * double-quoted scalar, so names and tokens need no YAML escaping rules of their own.
 */

export type KubeconfigUser =
  | { kind: 'token'; token: string }
  | { kind: 'cert'; certPem: string; keyPem: string }
  | { kind: 'certFiles'; certFile: string; keyFile: string };

export interface KubeconfigEntry {
  contextName: string;
  clusterName: string;
  userName: string;
  namespace: string;
  server: string;
  /** Inlined as certificate-authority-data, or referenced by path as certificate-authority. */
  ca: { pem: string } | { file: string };
  user: KubeconfigUser;
  /** The cluster's proxy-url, tls-server-name and insecure-skip-tls-verify, when set. */
  proxyUrl?: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
}

const q = (value: string) => JSON.stringify(value);
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function userLines(user: KubeconfigUser): string[] {
  switch (user.kind) {
    case 'token':
      return [`    token: ${q(user.token)}`];
    case 'cert':
      return [`    client-certificate-data: ${q(b64(user.certPem))}`, `    client-key-data: ${q(b64(user.keyPem))}`];
    case 'certFiles':
      return [`    client-certificate: ${q(user.certFile)}`, `    client-key: ${q(user.keyFile)}`];
  }
}

/** One kubeconfig with any number of contexts; the first entry's context is current (unless currentContext is given). */
export function buildKubeconfig(entries: KubeconfigEntry[], currentContext?: string): string {
  const unique = <T>(items: T[], key: (item: T) => string) =>
    items.filter((item, index) => items.findIndex((other) => key(other) === key(item)) === index);
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const entry of unique(entries, (item) => item.clusterName)) {
    lines.push(`- name: ${q(entry.clusterName)}`, '  cluster:', `    server: ${q(entry.server)}`);
    lines.push(
      'pem' in entry.ca
        ? `    certificate-authority-data: ${q(b64(entry.ca.pem))}`
        : `    certificate-authority: ${q(entry.ca.file)}`,
    );
    if (entry.proxyUrl !== undefined) lines.push(`    proxy-url: ${q(entry.proxyUrl)}`);
    if (entry.tlsServerName !== undefined) lines.push(`    tls-server-name: ${q(entry.tlsServerName)}`);
    if (entry.insecureSkipTlsVerify) lines.push('    insecure-skip-tls-verify: true');
  }
  lines.push('users:');
  for (const entry of unique(entries, (item) => item.userName)) {
    lines.push(`- name: ${q(entry.userName)}`, '  user:', ...userLines(entry.user));
  }
  lines.push('contexts:');
  for (const entry of entries) {
    lines.push(
      `- name: ${q(entry.contextName)}`,
      '  context:',
      `    cluster: ${q(entry.clusterName)}`,
      `    user: ${q(entry.userName)}`,
      `    namespace: ${q(entry.namespace)}`,
    );
  }
  lines.push(`current-context: ${q(currentContext ?? entries[0]?.contextName ?? '')}`, 'preferences: {}', '');
  return lines.join('\n');
}
