/**
 * The sandbox: the test Kubernetes API server and a real sshd, running until Ctrl-C, with a kubeconfig and SSH key a
 * person can hand to Podterm (drag the kubeconfig into the app). Started by scripts/sandbox.mjs (`npm run sandbox`).
 *
 * Options: --port N (the API server's port; default a free one), --out DIR (default ./sandbox).
 */
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSshd, type SshdHarness } from '../harness/sshd';
import {
  buildKubeconfig,
  startKubeApiServer,
  type KubeApiServer,
  type KubeconfigEntry,
} from '../harness/kubeApiServer';

const KUBECONFIG_NAME = 'podterm-sandbox.kubeconfig';
const SSH_KEY_NAME = 'podterm-sandbox-ssh-key';
const KNOWN_HOSTS_NAME = 'known_hosts';

const time = () => new Date().toISOString().slice(11, 19);
const log = (line: string) => console.log(`${time()}  ${line}`);

/** One file, several contexts: each user the server knows (and one it rejects), so every path can be tried. */
function sandboxKubeconfig(server: KubeApiServer): string {
  const base = { clusterName: 'podterm-sandbox', server: server.url, ca: { pem: server.caPem } };
  const { token, cert, forbidden } = server.users;
  const entries: KubeconfigEntry[] = [
    {
      ...base,
      contextName: 'sandbox',
      userName: token.name,
      namespace: 'default',
      user: { kind: 'token', token: token.token },
    },
    {
      ...base,
      contextName: 'sandbox-prod',
      userName: token.name,
      namespace: 'prod',
      user: { kind: 'token', token: token.token },
    },
    {
      ...base,
      contextName: 'sandbox-cert',
      userName: cert.name,
      namespace: 'default',
      user: { kind: 'cert', certPem: cert.certPem, keyPem: cert.keyPem },
    },
    {
      ...base,
      contextName: 'sandbox-forbidden',
      userName: forbidden.name,
      namespace: 'default',
      user: { kind: 'token', token: forbidden.token },
    },
    {
      ...base,
      contextName: 'sandbox-bad-token',
      userName: 'bad-token-user',
      namespace: 'default',
      // Any token the server never issued is rejected with 401.
      user: { kind: 'token', token: randomBytes(32).toString('base64url') },
    },
  ];
  return buildKubeconfig(entries);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, out: { type: 'string', default: 'sandbox' } } });
  const port = values.port ? Number.parseInt(values.port, 10) : undefined;
  if (values.port && !Number.isInteger(port)) throw new Error(`--port must be a number, got ${values.port}`);
  const outDir = resolve(values.out);
  await mkdir(outDir, { recursive: true });

  const kube = await startKubeApiServer({ port, log: (line) => log(`kube  ${line}`) });
  if (!kube) throw new Error('the Kubernetes API server cannot start here (see the warning above)');
  let sshd: SshdHarness | null = null;
  try {
    sshd = await startSshd();
  } catch (error) {
    console.warn(`SSH server not started: ${(error as Error).message}`);
  }

  const kubeconfigPath = join(outDir, KUBECONFIG_NAME);
  await writeFile(kubeconfigPath, sandboxKubeconfig(kube), { mode: 0o600 });

  const lines = [
    '',
    'Podterm sandbox is running (Ctrl-C stops it; the files below are valid only while it runs).',
    '',
    `Kubernetes API  ${kube.url}`,
    `  kubeconfig    ${kubeconfigPath}`,
    '  contexts      sandbox (token-user, default), sandbox-prod (token-user, prod), sandbox-cert (client cert),',
    '                sandbox-forbidden (may list, may not exec), sandbox-bad-token (401)',
    '  pods          default/shell-pod, default/multi (app, sidecar), default/finished (Succeeded),',
    '                default/distroless (no shell), prod/api-0',
    `  try           kubectl --kubeconfig ${kubeconfigPath} exec -it shell-pod -- sh`,
  ];
  if (sshd) {
    const keyPath = join(outDir, SSH_KEY_NAME);
    await copyFile(sshd.clientKeyPath, keyPath);
    await chmod(keyPath, 0o600);
    const knownHostsPath = join(outDir, KNOWN_HOSTS_NAME);
    await writeFile(knownHostsPath, `${sshd.knownHostsLine}\n`);
    lines.push(
      '',
      `SSH             ${sshd.host} port ${sshd.port}`,
      `  key login     user ${sshd.keyUser}, private key ${keyPath}`,
      sshd.passwordUser
        ? `  password      user ${sshd.passwordUser.name}, password ${sshd.passwordUser.password}`
        : `  password      (none: ${sshd.passwordSkipReason})`,
      `  host key      ${sshd.hostKeyType} ${sshd.hostFingerprint}`,
      `  try           ssh -i ${keyPath} -p ${sshd.port} -o UserKnownHostsFile=${knownHostsPath} ${sshd.keyUser}@${sshd.host}`,
    );
  } else {
    lines.push('', 'SSH             not available (see the warning above)');
  }
  console.log([...lines, ''].join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await Promise.allSettled([kube.stop(), sshd?.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`sandbox: ${(error as Error).message}`);
  process.exit(1);
});
