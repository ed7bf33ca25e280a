/**
 * metav1.Status bodies shaped like kube-apiserver's (k8s.io/apimachinery/pkg/api/errors): kubectl and client-node read
 * `message`, `reason` and `code` from them, so the wording here is what users of the app will see in tests.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface Status {
  kind?: 'Status';
  apiVersion?: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** An HTTP answer: the status code and a JSON body. */
export interface JsonReply {
  code: number;
  body: unknown;
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): JsonReply {
  const body: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
  if (details) body.details = details;
  body.code = code;
  return { code, body };
}

export const unauthorized = (): JsonReply => failure(401, 'Unauthorized', 'Unauthorized');

/** The authorizer's wording (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters.forbiddenMessage). */
export function forbidden(
  user: string,
  verb: string,
  resource: string,
  namespace: string | null,
  name: string | null,
): JsonReply {
  const [kind] = resource.split('/');
  const subject = name ? `${kind} "${name}"` : resource;
  const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group ""${scope}`;
  const details: StatusDetails = { kind };
  if (name) details.name = name;
  return failure(403, 'Forbidden', message, details);
}

export const notFound = (kind: 'pods' | 'namespaces', name: string): JsonReply =>
  failure(404, 'NotFound', `${kind} "${name}" not found`, { name, kind });

/** What kube-apiserver answers for a path no handler serves under a known API group. */
export const noSuchResource = (): JsonReply =>
  failure(404, 'NotFound', 'the server could not find the requested resource', {});

export const badRequest = (message: string): JsonReply => failure(400, 'BadRequest', message);

export const methodNotAllowed = (): JsonReply =>
  failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

// --- Exec statuses: written on channel 3, without kind/apiVersion, exactly as the kubelet's streaming server does
// (k8s.io/kubelet/pkg/cri/streaming/remotecommand, v4WriteStatusFunc over errors.StatusError.Status()).

export const execSuccess = (): Status => ({ metadata: {}, status: 'Success' });

/** The kubelet wraps exec.ExitError, whose text is "error executing command [argv...], exit code N". */
export function execNonZeroExit(command: readonly string[], exitCode: number): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** errors.NewInternalError(fmt.Errorf("error executing command in container: %v", err)). */
export function execInternalError(cause: string): Status {
  const error = `error executing command in container: ${cause}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${error}`,
    reason: 'InternalError',
    details: { causes: [{ message: error }] },
    code: 500,
  };
}

/**
 * What containerd + runc report when argv[0] cannot be executed in the container, e.g. a distroless image asked for a
 * shell; the exec id is random per attempt there too.
 */
export function executableNotFound(executable: string, execId: string): string {
  return (
    `failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: ` +
    `unable to start container process: exec: "${executable}": executable file not found in $PATH: unknown`
  );
}
