/**
 * The pure rules of the Kubernetes exec protocol (URL, frames, statuses, the shell command) and the messages people see
 * when opening fails. The behaviour against a real API server is in kubeExecSession.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  buildExecUrl,
  encodeFrame,
  parseApiStatus,
  parseExecStatus,
  resizeFrame,
  SHELL_PROBE,
  shellCommand,
  STDIN_EOF_FRAME,
} from '../../../../main/core/kube/exec/execProtocol';
import {
  describeSocketError,
  describeStartFailure,
  describeUpgradeFailure,
  displayServer,
  type ExecErrorContext,
} from '../../../../main/core/kube/exec/execErrors';
import { SCRUBBED_SECRET, SecretScrubber } from '../../../../main/core/secrets';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('buildExecUrl', () => {
  it('turns https into wss, repeats command= per argument, and sends only the true flags', () => {
    const url = buildExecUrl('https://10.0.0.1:6443', {
      namespace: 'default',
      pod: 'shell-pod',
      container: 'main',
      command: ['sh', '-c', SHELL_PROBE],
    });
    const parsed = new URL(url);
    expect(parsed.protocol).toBe('wss:');
    expect(parsed.host).toBe('10.0.0.1:6443');
    expect(parsed.pathname).toBe('/api/v1/namespaces/default/pods/shell-pod/exec');
    expect(parsed.searchParams.getAll('command')).toEqual(['sh', '-c', SHELL_PROBE]);
    expect(parsed.searchParams.get('container')).toBe('main');
    expect([...parsed.searchParams.keys()].filter((key) => key !== 'command')).toEqual([
      'container',
      'stdin',
      'stdout',
      'tty',
    ]);
    expect(url).not.toContain('stderr');
    expect(url).not.toContain('=false');
    // Spaces as %20, which every server reads as a space.
    expect(url).toContain('command=command%20-v%20bash');
  });

  it('keeps a path prefix (Rancher-style proxies), maps http to ws and leaves out a null container', () => {
    const url = buildExecUrl('http://proxy.example:8080/k8s/clusters/c-1/', {
      namespace: 'prod',
      pod: 'api-0',
      container: null,
      command: ['/bin/zsh'],
    });
    expect(url).toBe(
      'ws://proxy.example:8080/k8s/clusters/c-1/api/v1/namespaces/prod/pods/api-0/exec?command=%2Fbin%2Fzsh&stdin=true&stdout=true&tty=true',
    );
  });

  it('refuses an empty command and a server URL that is not http(s)', () => {
    const target = { namespace: 'n', pod: 'p', container: null, command: [] };
    expect(() => buildExecUrl('https://h', target)).toThrow(/at least one/);
    expect(() => buildExecUrl('ftp://h', { ...target, command: ['sh'] })).toThrow(/https:\/\/ or http:\/\//);
  });
});

describe('frames', () => {
  it('puts the channel byte first and encodes strings as UTF-8', () => {
    expect([...encodeFrame(0, 'é')]).toEqual([0, 0xc3, 0xa9]);
    expect([...encodeFrame(0, new Uint8Array([1, 2]))]).toEqual([0, 1, 2]);
  });

  it('sends resize as the JSON remotecommand.TerminalSize and EOF as [255, 0]', () => {
    const frame = resizeFrame(120, 40);
    expect(frame[0]).toBe(4);
    expect(JSON.parse(frame.subarray(1).toString('utf8'))).toEqual({ Width: 120, Height: 40 });
    expect([...STDIN_EOF_FRAME]).toEqual([255, 0]);
  });
});

describe('parseExecStatus', () => {
  it('reads Success as exit 0', () => {
    expect(parseExecStatus(bytes('{"metadata":{},"status":"Success"}'))).toEqual({ kind: 'exited', code: 0 });
  });

  it('reads the exit code from details.causes, like client-go', () => {
    const status = {
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    };
    expect(parseExecStatus(bytes(JSON.stringify(status)))).toMatchObject({ kind: 'exitedNonZero', code: 3 });
  });

  it('falls back to the message for the code, and to null when neither names one', () => {
    const base = { status: 'Failure', reason: 'NonZeroExitCode' };
    expect(parseExecStatus(bytes(JSON.stringify({ ...base, message: 'boom, exit code 137' })))).toMatchObject({
      code: 137,
    });
    expect(parseExecStatus(bytes(JSON.stringify({ ...base, message: 'boom' })))).toMatchObject({ code: null });
  });

  it('reports any other Failure, and a plain-text status, as failed with the message', () => {
    const notFound = {
      metadata: {},
      status: 'Failure',
      message:
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown',
      reason: 'InternalError',
      code: 500,
    };
    expect(parseExecStatus(bytes(JSON.stringify(notFound)))).toEqual({
      kind: 'failed',
      reason: 'InternalError',
      message: notFound.message,
    });
    expect(parseExecStatus(bytes('container not running'))).toEqual({
      kind: 'failed',
      reason: null,
      message: 'container not running',
    });
  });

  it('parseApiStatus ignores what is not a Status', () => {
    expect(parseApiStatus('<html>502 Bad Gateway</html>')).toBeNull();
    expect(parseApiStatus('[1,2]')).toBeNull();
    expect(parseApiStatus('{"kind":"Pod"}')).toBeNull();
  });
});

describe('shellCommand', () => {
  it('probes for the best shell without an override', () => {
    expect(shellCommand(null)).toEqual(['sh', '-c', SHELL_PROBE]);
    expect(shellCommand(undefined)).toEqual(['sh', '-c', SHELL_PROBE]);
    expect(shellCommand('  ')).toEqual(['sh', '-c', SHELL_PROBE]);
  });

  it('runs a single program directly, so it works in images without /bin/sh', () => {
    expect(shellCommand('/bin/zsh')).toEqual(['/bin/zsh']);
    expect(shellCommand(' bash ')).toEqual(['bash']);
    expect(shellCommand('/busybox/sh')).toEqual(['/busybox/sh']);
  });

  it('runs a command line through sh -c', () => {
    expect(shellCommand('bash -l')).toEqual(['sh', '-c', 'bash -l']);
    expect(shellCommand('tmux attach || bash')).toEqual(['sh', '-c', 'tmux attach || bash']);
  });

  it('the probe falls through bash → ash → sh', () => {
    // In a non-interactive POSIX shell a failed exec ends the script, so each exec is guarded by command -v.
    expect(SHELL_PROBE).toMatch(
      /^command -v bash .*&& exec bash \|\| \{ command -v ash .*&& exec ash; \} \|\| exec sh$/,
    );
  });
});

/** The token the session sent: a server or library that repeats it must not get it into a message. */
const SENT_TOKEN = 'sent-token-8f2c61d0';

const context: ExecErrorContext = {
  server: 'https://10.0.0.1:6443',
  namespace: 'default',
  pod: 'web-0',
  container: 'app',
  command: ['sh', '-c', SHELL_PROBE],
  hasCa: true,
  connectTimeoutMs: 8_000,
  scrub: (text) => SecretScrubber.of([SENT_TOKEN]).scrub(text),
};

describe('messages for a refused upgrade', () => {
  const status = (code: number, message: string, reason = '') =>
    JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

  it('401 says the credentials were rejected', () => {
    const error = describeUpgradeFailure(context, 401, 'Unauthorized', status(401, 'Unauthorized', 'Unauthorized'));
    expect(error.reason).toBe('unauthorized');
    expect(error.httpStatus).toBe(401);
    expect(error.message).toBe(
      'The API server at https://10.0.0.1:6443 rejected the credentials (401 Unauthorized): the token or certificate is invalid or expired.',
    );
  });

  it('403 repeats the server (verb and resource) and says which RBAC rule to ask for', () => {
    const said =
      'pods "web-0" is forbidden: User "system:serviceaccount:default:viewer" cannot create resource "pods/exec" in API group "" in the namespace "default"';
    const error = describeUpgradeFailure(context, 403, 'Forbidden', status(403, said, 'Forbidden'));
    expect(error.reason).toBe('forbidden');
    expect(error.message).toContain(said);
    expect(error.message).toContain('RBAC permission to create pods/exec in namespace "default"');
  });

  it('404 names the pod and namespace, or the namespace, or says the URL is not an API server', () => {
    expect(describeUpgradeFailure(context, 404, 'Not Found', status(404, 'pods "web-0" not found')).message).toMatch(
      /^Pod "web-0" not found in namespace "default" \(404: pods "web-0" not found\)/,
    );
    expect(
      describeUpgradeFailure(context, 404, 'Not Found', status(404, 'namespaces "default" not found')).message,
    ).toMatch(/^Namespace "default" not found/);
    const plain = describeUpgradeFailure(context, 404, 'Not Found', '404 page not found');
    expect(plain.reason).toBe('notFound');
    expect(plain.message).toContain('is it a Kubernetes API server?');
  });

  it('400 carries the server message (bad container, completed pod)', () => {
    const error = describeUpgradeFailure(
      context,
      400,
      'Bad Request',
      status(400, 'container nope is not valid for pod multi', 'BadRequest'),
    );
    expect(error.reason).toBe('badRequest');
    expect(error.message).toContain('container nope is not valid for pod multi');
  });

  it("a server that echoes the request's token has it scrubbed from every message", () => {
    const echoed = `bad request header Authorization: Bearer ${SENT_TOKEN}`;
    for (const code of [400, 403, 404, 500]) {
      const error = describeUpgradeFailure(context, code, 'Echo', status(code, echoed));
      expect(error.message).not.toContain(SENT_TOKEN);
      expect(error.message).toContain(SCRUBBED_SECRET);
    }
    const plain = describeUpgradeFailure(context, 500, 'Echo', echoed);
    expect(plain.message).not.toContain(SENT_TOKEN);
    const started = describeStartFailure(context, { reason: SENT_TOKEN, message: echoed });
    expect(started.message).not.toContain(SENT_TOKEN);
    const socket = describeSocketError(context, new Error(`Invalid header value "Bearer ${SENT_TOKEN}"`));
    expect(socket.message).not.toContain(SENT_TOKEN);
  });

  it('anything else is upgradeRefused with the status, and an HTML page is not quoted', () => {
    const error = describeUpgradeFailure(context, 502, 'Bad Gateway', '<html><body>nginx</body></html>');
    expect(error.reason).toBe('upgradeRefused');
    expect(error.httpStatus).toBe(502);
    expect(error.message).toBe(
      'The API server at https://10.0.0.1:6443 refused the exec into pod default/web-0 (HTTP 502 Bad Gateway).',
    );
  });
});

describe('messages for a command that could not start', () => {
  it('a missing sh is "no shell", with what to do', () => {
    const error = describeStartFailure(
      { ...context, namespace: 'default', pod: 'distroless' },
      { reason: 'InternalError', message: 'exec: "sh": executable file not found in $PATH: unknown' },
    );
    expect(error.reason).toBe('noShell');
    expect(error.message).toBe(
      'The container "app" of pod default/distroless has no shell (sh was not found): distroless images ship without one. Use "Debug with an ephemeral container" (on this card, or in the record\'s or the tab\'s menu), or set a shell override.',
    );
  });

  it('a missing override names the override', () => {
    const error = describeStartFailure(
      { ...context, command: ['/bin/zsh'] },
      { reason: 'InternalError', message: 'stat /bin/zsh: no such file or directory' },
    );
    expect(error.reason).toBe('noShell');
    expect(error.message).toContain('has no /bin/zsh');
  });

  it('other failures are execFailed with the server message', () => {
    const error = describeStartFailure(context, { reason: 'InternalError', message: 'container not running' });
    expect(error.reason).toBe('execFailed');
    expect(error.message).toContain('container not running');
  });
});

describe('messages for socket errors', () => {
  const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('maps refused, DNS, unreachable and timeout codes', () => {
    expect(describeSocketError(context, withCode('ECONNREFUSED')).reason).toBe('refused');
    expect(describeSocketError(context, withCode('ENOTFOUND')).reason).toBe('unreachable');
    expect(describeSocketError(context, withCode('EHOSTUNREACH')).reason).toBe('unreachable');
    expect(describeSocketError(context, withCode('ETIMEDOUT')).reason).toBe('timeout');
    expect(describeSocketError(context, withCode('EAI_NONAME')).message).toContain(
      'could not be resolved (EAI_NONAME)',
    );
    const reset = describeSocketError(context, withCode('EPIPE'));
    expect(reset.reason).toBe('unreachable');
    expect(reset.message).toContain('was reset before the exec upgrade (EPIPE)');
  });

  it('says which certificate is wrong and why', () => {
    const leaf = describeSocketError(context, withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'));
    expect(leaf.reason).toBe('tls');
    expect(leaf.message).toContain("the API server's certificate is not signed by the CA in the kubeconfig");
    expect(leaf.message).toContain('insecure-skip-tls-verify only if you trust the network');
    expect(
      describeSocketError({ ...context, hasCa: false }, withCode('DEPTH_ZERO_SELF_SIGNED_CERT')).message,
    ).toContain('the kubeconfig has no certificate-authority-data');
    expect(describeSocketError(context, withCode('CERT_HAS_EXPIRED')).message).toContain('expired');
    const name = Object.assign(withCode('ERR_TLS_CERT_ALTNAME_INVALID', 'x'), {
      reason: "Host: api.example. is not in the cert's altnames: DNS:localhost",
    });
    expect(describeSocketError(context, name).message).toContain("not in the cert's altnames: DNS:localhost");
    expect(describeSocketError(context, withCode('ERR_SSL_WRONG_VERSION_NUMBER')).message).toContain('not with TLS');
    expect(describeSocketError(context, withCode('CERT_UNTRUSTED')).message).toContain(
      "the API server's certificate is not signed by the CA in the kubeconfig (CERT_UNTRUSTED)",
    );
    const clientKey = describeSocketError(context, withCode('ERR_OSSL_PEM_NO_START_LINE', 'no start line'));
    expect(clientKey.reason).toBe('tls');
    expect(clientKey.message).toContain('the client certificate or key in the kubeconfig could not be used');
    expect(describeSocketError(context, withCode('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')).message).toContain(
      'it may require a client certificate',
    );
  });

  it('a subprotocol the client cannot speak is a protocol error', () => {
    const error = describeSocketError(context, new Error('Server sent no subprotocol'));
    expect(error.reason).toBe('protocol');
    expect(error.message).toContain('v5.channel.k8s.io, v4.channel.k8s.io');
  });

  it('the displayed server URL never carries credentials', () => {
    expect(displayServer('https://admin:secret@10.0.0.1:6443/?token=abc')).toBe('https://10.0.0.1:6443');
  });
});
