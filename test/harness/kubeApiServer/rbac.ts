/**
 * Namespace-scoped RBAC, the everyday shape of multi-tenant clusters: team-user has a Role in its own namespace only
 * (read, watch and exec into pods in "team"; read and watch only in "team-readonly") and no ClusterRole at all, so the
 * namespace list and every other namespace answer 403 in the authorizer's words. Requests are turned into attributes
 * the way kube-apiserver's RequestInfoFactory does (verb from the method and the watch/list distinction, resource and
 * subresource from the path), so every path (reads, watches, exec, attach) is judged by one rule.
 *
 * Also serves SelfSubjectAccessReview (authorization.k8s.io/v1), which everyone may create (system:basic-user).
 */
import { forbidden, type JsonReply } from './status';
import { authorize } from './auth';
import { accessReviewFromProtobuf, isKubernetesProtobuf } from './protobuf';

export const NAMESPACED_USER = 'team-user';
/** The namespace where team-user may do everything with pods, exec included. */
export const TEAM_NAMESPACE = 'team';
/** A namespace where team-user may look at pods but not exec into them. */
export const TEAM_READONLY_NAMESPACE = 'team-readonly';
/** A namespace where team-user may get and list pods but not watch them (a Role written without the watch verb). */
export const TEAM_NO_WATCH_NAMESPACE = 'team-nowatch';

interface Rule {
  namespace: string;
  resources: readonly string[];
  verbs: readonly string[];
  /** For the SelfSubjectAccessReview's reason: the RoleBinding and Role that allow it. */
  binding: string;
  role: string;
}

const POD_READ_VERBS = ['get', 'list', 'watch'];
const NAMESPACED_USER_RULES: readonly Rule[] = [
  {
    namespace: TEAM_NAMESPACE,
    resources: ['pods', 'pods/log'],
    verbs: POD_READ_VERBS,
    binding: 'team-pods',
    role: 'pod-reader',
  },
  {
    namespace: TEAM_NAMESPACE,
    resources: ['pods/exec', 'pods/attach'],
    verbs: ['create', 'get'],
    binding: 'team-exec',
    role: 'pod-exec',
  },
  {
    namespace: TEAM_READONLY_NAMESPACE,
    resources: ['pods', 'pods/log'],
    verbs: POD_READ_VERBS,
    binding: 'team-readonly-pods',
    role: 'pod-reader',
  },
  {
    namespace: TEAM_NO_WATCH_NAMESPACE,
    resources: ['pods'],
    verbs: ['get', 'list'],
    binding: 'team-nowatch-pods',
    role: 'pod-lister',
  },
];

/** What the authorizer is asked: kube-apiserver's authorizer.Attributes, the parts used here. */
export interface ResourceAttributes {
  verb: string;
  /** "pods", "pods/exec", "namespaces"… (resource and subresource joined). */
  resource: string;
  /** null at the cluster scope. */
  namespace: string | null;
  name: string | null;
}

const VERB_BY_METHOD: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The attributes of a core/v1 resource request, or null for discovery and other non-resource paths. */
export function attributesOf(method: string, url: URL): ResourceAttributes | null {
  const segments = url.pathname.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent);
  if (segments[0] !== 'api' || segments[1] !== 'v1' || segments.length < 3) return null;
  let verb = VERB_BY_METHOD[method] ?? method.toLowerCase();
  const watching = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  const rest = segments.slice(2);
  let namespace: string | null = null;
  let name: string | null;
  let resource: string;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1] ?? null;
    resource = rest[2] ?? '';
    name = rest[3] ?? null;
    if (rest[4]) resource = `${resource}/${rest[4]}`;
  } else {
    resource = rest[0] ?? '';
    name = rest[1] ?? null;
    // A namespace read by name is judged in that namespace, as the real RequestInfoFactory does.
    if (resource === 'namespaces' && name) namespace = name;
  }
  if (verb === 'get' && name === null) verb = watching ? 'watch' : 'list';
  else if (verb === 'get' && watching) verb = 'watch';
  return { verb, resource, namespace, name };
}

function rulesFor(user: string): readonly Rule[] | null {
  return user === NAMESPACED_USER ? NAMESPACED_USER_RULES : null;
}

function matchingRule(rules: readonly Rule[], attributes: ResourceAttributes): Rule | undefined {
  return rules.find(
    (rule) =>
      rule.namespace === attributes.namespace &&
      rule.resources.includes(attributes.resource) &&
      rule.verbs.includes(attributes.verb),
  );
}

/**
 * The 403 for a request a namespace-scoped user may not make, in the authorizer's words; null when it is allowed or
 * the user is not namespace-scoped (the other users keep auth.ts's rule).
 */
export function rbacDenial(user: string, method: string, url: URL): JsonReply | null {
  const rules = rulesFor(user);
  const attributes = attributesOf(method, url);
  if (!rules || !attributes) return null;
  if (matchingRule(rules, attributes)) return null;
  return forbidden(user, attributes.verb, attributes.resource, attributes.namespace, attributes.name);
}

/** Whether a user may do something, for SelfSubjectAccessReview; with the reason the RBAC authorizer gives. */
function review(user: string, attributes: ResourceAttributes): { allowed: boolean; reason?: string } {
  const rules = rulesFor(user);
  if (!rules) return authorize(user, attributes.verb) ? { allowed: true } : { allowed: false };
  const rule = matchingRule(rules, attributes);
  if (!rule) return { allowed: false };
  return {
    allowed: true,
    reason: `RBAC: allowed by RoleBinding "${rule.binding}/${rule.namespace}" of Role "${rule.role}" to User "${user}"`,
  };
}

export const ACCESS_REVIEW_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

/** Discovery for the authorization.k8s.io group, so kubectl's RESTMapper finds it. */
export const AUTHORIZATION_GROUP = {
  name: 'authorization.k8s.io',
  versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }],
  preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' },
};
export const AUTHORIZATION_RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authorization.k8s.io/v1',
  resources: [
    {
      name: 'selfsubjectaccessreviews',
      singularName: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    },
  ],
};

interface AccessReviewBody {
  apiVersion?: unknown;
  kind?: unknown;
  spec?: {
    resourceAttributes?: {
      namespace?: unknown;
      verb?: unknown;
      group?: unknown;
      resource?: unknown;
      subresource?: unknown;
      name?: unknown;
    };
    nonResourceAttributes?: unknown;
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** POST selfsubjectaccessreviews: the review with its status filled in, as kube-apiserver answers (201 Created). */
export function answerAccessReview(user: string, bodyBytes: Buffer): JsonReply {
  let body: AccessReviewBody;
  try {
    body = (
      isKubernetesProtobuf(bodyBytes) ? accessReviewFromProtobuf(bodyBytes) : JSON.parse(bodyBytes.toString('utf8'))
    ) as AccessReviewBody;
  } catch (error) {
    return {
      code: 400,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the body of the request was in an unknown format - accepted media types include: application/json (${(error as Error).message})`,
        reason: 'BadRequest',
        code: 400,
      },
    };
  }
  const resourceAttributes = body.spec?.resourceAttributes;
  if (!resourceAttributes && body.spec?.nonResourceAttributes === undefined) {
    return {
      code: 422,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
        reason: 'Invalid',
        code: 422,
      },
    };
  }
  const subresource = text(resourceAttributes?.subresource);
  const group = text(resourceAttributes?.group);
  const attributes: ResourceAttributes = {
    verb: text(resourceAttributes?.verb),
    resource: `${text(resourceAttributes?.resource)}${subresource ? `/${subresource}` : ''}`,
    namespace: text(resourceAttributes?.namespace) || null,
    name: text(resourceAttributes?.name) || null,
  };
  // Only the core group's resources exist here; anything else is allowed for nobody (but the unrestricted users).
  const status = group === '' || rulesFor(user) === null ? review(user, attributes) : { allowed: false };
  return {
    code: 201,
    body: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: body.spec,
      status,
    },
  };
}
