/**
 * What the earlier Django web terminal's `python manage.py dumpdata terminal.KubernetesPod --indent 2` writes, built
 * from that model's fields (cluster_host, kubeconfig as a JSON dict, token, namespace, pod_name, and the SSH fields
 * under their usual names). Five records: a kubeconfig dict, a token, SSH with a password, SSH with a private key,
 * and a token record carrying a field Podterm has no place for. Row 3's port is out of range, as a hand-edited export
 * may be. The private key is made fresh for each run (never a key in the repository).
 */
import { generateKeyPairSync } from 'node:crypto';

/** The Django model label dumpdata writes: "<app label>.<model name in lowercase>". */
export const OLD_MODEL = 'terminal.kubernetespod';

/** Secrets the fixtures carry, so tests can look for them in the database bytes and in logs. */
export interface OldTerminalSecrets {
  kubeconfigToken: string;
  token: string;
  sshPassword: string;
  privateKey: string;
}

export interface OldTerminalExport {
  /** The dumpdata JSON text. */
  text: string;
  /** The same records as a CSV with the table's snake_case header (kubeconfig as JSON text in its cell). */
  csv: string;
  secrets: OldTerminalSecrets;
  /** The bad port in row 3 and a port that fixes it. */
  badPort: number;
  goodPort: number;
  /** The field of row 5 Podterm has no place for. */
  unknownField: string;
}

/** `server`: the API server the kubeconfig dict and the token record name. */
export function oldTerminalExport(server = 'https://10.0.0.1:6443'): OldTerminalExport {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const secrets: OldTerminalSecrets = {
    kubeconfigToken: 'kubeconfig-dict-token-4b1d',
    token: 'old-terminal-token-9c2e',
    sshPassword: 'old-ssh-password-77aa',
    privateKey,
  };
  const badPort = 70000;
  const goodPort = 2222;
  const unknownField = 'owner_team';
  const blank = {
    cluster_host: '',
    kubeconfig: null,
    token: '',
    namespace: 'default',
    pod_name: '',
    ssh_host: '',
    ssh_port: 22,
    ssh_username: '',
    ssh_password: '',
    private_key: '',
    created_at: '2024-03-01T09:00:00Z',
  };
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'prod', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'deployer', user: { token: secrets.kubeconfigToken } }],
    contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'deployer', namespace: 'payments' } }],
    'current-context': 'prod',
  };
  const records = [
    {
      model: OLD_MODEL,
      pk: 1,
      fields: { ...blank, name: 'payments api', namespace: 'payments', pod_name: 'payments-api-0', kubeconfig },
    },
    {
      model: OLD_MODEL,
      pk: 2,
      fields: {
        ...blank,
        name: 'billing worker',
        namespace: 'billing',
        pod_name: 'billing-worker-1',
        cluster_host: server,
        token: secrets.token,
      },
    },
    {
      model: OLD_MODEL,
      pk: 3,
      fields: {
        ...blank,
        name: 'legacy box',
        ssh_host: 'legacy.example.com',
        ssh_port: badPort,
        ssh_username: 'ops',
        ssh_password: secrets.sshPassword,
      },
    },
    {
      model: OLD_MODEL,
      pk: 4,
      fields: {
        ...blank,
        name: 'bastion',
        ssh_host: 'bastion.example.com',
        ssh_port: 22,
        ssh_username: 'deploy',
        private_key: secrets.privateKey,
      },
    },
    {
      model: OLD_MODEL,
      pk: 5,
      fields: {
        ...blank,
        name: 'reports',
        namespace: 'reports',
        pod_name: 'reports-0',
        cluster_host: server,
        token: secrets.token,
        [unknownField]: 'data-platform',
      },
    },
  ];
  const columns = [
    'id',
    'name',
    'namespace',
    'pod_name',
    'cluster_host',
    'kubeconfig',
    'token',
    'ssh_host',
    'ssh_port',
    'ssh_username',
    'ssh_password',
    'private_key',
    unknownField,
  ];
  const cell = (value: unknown): string => {
    const text =
      value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const csv = [
    columns.join(','),
    ...records.map((record) =>
      columns
        .map((column) => cell(column === 'id' ? record.pk : (record.fields as Record<string, unknown>)[column]))
        .join(','),
    ),
  ].join('\r\n');
  return { text: `${JSON.stringify(records, null, 2)}\n`, csv: `${csv}\r\n`, secrets, badPort, goodPort, unknownField };
}
