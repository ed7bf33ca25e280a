/**
 * The checks a record's pasted secrets get when it is saved, so a kubeconfig or private key that can never work is
 * refused with its reason under its field, not first reported when the user connects: the app's `pods.save` and the
 * command line's `pods import` both run them. The contract's schema (common/pods.ts) has already refused control
 * characters and lengths; parsing needs main's libraries (the YAML parser, ssh2), so it is here.
 */
import { ContractError, type ContractErrorShape } from '../../../common/contract';
import type { PodSaveRequest, PodView } from '../../../common/pods';
import { pastedKubeconfigProblem } from '../kube/access';
import { privateKeyProblem } from '../ssh';
import type { PodRepository } from '../store';

/** Field errors keyed by payload path ("secrets.kubeconfig"), as forms place them. */
export type SecretFieldErrors = NonNullable<ContractErrorShape['fieldErrors']>;

/**
 * The problems of the secrets this request pastes: a kubeconfig that does not parse, has no contexts or lacks the
 * context the record would use; a private key ssh2 cannot read, or an encrypted one whose passphrase (given now, or
 * stored and kept) is missing or wrong. Empty when there is none. A stored passphrase that cannot be read here (a
 * database whose secrets only the desktop app can open) is not held against the key.
 */
export async function recordSecretProblems(
  request: PodSaveRequest,
  pods: Pick<PodRepository, 'getForConnect'>,
): Promise<SecretFieldErrors> {
  const problems: SecretFieldErrors = {};
  const { secrets, fields } = request;
  if (secrets.kubeconfig && secrets.kubeconfig.trim() !== '') {
    const problem = pastedKubeconfigProblem(secrets.kubeconfig, fields);
    if (problem !== null) problems['secrets.kubeconfig'] = problem;
  }
  if (secrets.sshPrivateKey) {
    const kept = secrets.sshPassphrase === undefined && request.id !== undefined;
    const passphrase = kept ? await storedPassphrase(request.id!, pods) : secrets.sshPassphrase;
    const problem = privateKeyProblem(secrets.sshPrivateKey, passphrase === UNREADABLE ? undefined : passphrase);
    const unknowable = problem?.field === 'sshPassphrase' && passphrase === UNREADABLE;
    if (problem !== null && !unknowable) problems[`secrets.${problem.field}`] = problem.message;
  }
  return problems;
}

/** Saves the record through the store once its secrets pass recordSecretProblems; ContractError('invalidPayload') if not. */
export async function saveRecord(pods: PodRepository, request: PodSaveRequest): Promise<PodView> {
  const problems = await recordSecretProblems(request, pods);
  if (Object.keys(problems).length > 0) {
    const summary = Object.entries(problems)
      .map(([path, message]) => `${path}: ${message}`)
      .join('; ');
    throw new ContractError('invalidPayload', `Invalid pod record: ${summary}`, problems);
  }
  return pods.save(request);
}

const UNREADABLE = Symbol('the stored passphrase cannot be read here');

async function storedPassphrase(
  id: string,
  pods: Pick<PodRepository, 'getForConnect'>,
): Promise<string | null | typeof UNREADABLE> {
  try {
    return (await pods.getForConnect(id))?.secrets.sshPassphrase ?? null;
  } catch {
    return UNREADABLE;
  }
}
