/**
 * Whether the access may do something, asked of the API server itself with a SelfSubjectAccessReview (what
 * `kubectl auth can-i` sends): the cluster browser asks before offering Open (create pods/exec) and before listing a
 * namespace it could not discover (list pods). The answer is the authorizer's, so it holds for every RBAC setup,
 * webhook authorizers included.
 */
import { makeAuthorizationV1Api } from './httpLibrary';
import { describeApiError, withApi, type ApiRequestTimeouts, type PodReadError } from './podReader';
import type { ListAccess } from './lists';

/** A review is a few hundred bytes answered from memory; past 10 s the server is not going to answer. */
const ACCESS_REVIEW_TIMEOUT_MS = 10_000;

/** What to ask: "create pods/exec in team" is { verb: 'create', resource: 'pods', subresource: 'exec', namespace }. */
export interface AccessQuestion {
  verb: string;
  resource: string;
  subresource?: string;
  namespace: string;
}

export interface AccessAnswer {
  allowed: boolean;
  /** The authorizer's reason or evaluation error, when it gave one (often empty for a plain "no"). */
  reason: string;
}

/** The API server's answer. Throws PodReadError when it cannot be asked (unreachable, 401, a review it refuses). */
export async function reviewAccess(
  access: ListAccess,
  question: AccessQuestion,
  timeouts: ApiRequestTimeouts = {},
): Promise<AccessAnswer> {
  const what = `ask whether it may ${question.verb} ${question.resource}${question.subresource ? `/${question.subresource}` : ''} in namespace "${question.namespace}"`;
  const review = await withApi(
    access,
    { timeoutMs: timeouts.timeoutMs ?? ACCESS_REVIEW_TIMEOUT_MS, reachTimeoutMs: timeouts.reachTimeoutMs },
    makeAuthorizationV1Api,
    (api, options) =>
      api.createSelfSubjectAccessReview(
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                namespace: question.namespace,
                verb: question.verb,
                group: '',
                resource: question.resource,
                ...(question.subresource ? { subresource: question.subresource } : {}),
              },
            },
          },
        },
        options,
      ),
    (error, errorBody): PodReadError =>
      describeApiError(error, access, errorBody, {
        what,
        forbiddenFix: 'Ask for RBAC permission to create selfsubjectaccessreviews (every user has it by default).',
        trustFix: "Give the cluster's CA certificate in the kubeconfig (certificate-authority-data).",
        answered: (code, said) => `the API server at ${access.server} answered ${code} when asked to ${what}${said}.`,
        failed: (text) => `could not ${what} at ${access.server}: ${text}`,
      }),
  );
  const status = review.status;
  return { allowed: status?.allowed === true, reason: status?.reason ?? status?.evaluationError ?? '' };
}
