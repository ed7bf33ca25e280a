/**
 * Which record field each source field becomes. Automatic by name, so Podterm's own names (`clusterHost`) and the
 * earlier web terminal's snake_case ones (`cluster_host`, `ssh_username`, `private_key`) both land where they belong;
 * what no name matches is left unmapped and reported, never dropped silently. The person's choices win.
 */
import {
  isRecordTarget,
  RECORD_TARGETS,
  type FieldMapping,
  type RecordProblem,
  type RecordTarget,
  type RecordsFileFormat,
} from '../../../common/records';
import { DUMPDATA_PK_FIELD } from './sourceFile';

/**
 * Per target, the source names that mean it, most specific first (compared without case, "_", "-" or spaces). When a
 * file has two of them (`ssh_host` and `host`), the first listed is taken and the other is left for the person to
 * choose. Podterm's own name of each field is implied.
 */
const NAMES_BY_TARGET: Partial<Record<RecordTarget, readonly string[]>> = {
  sourceId: ['source_id', DUMPDATA_PK_FIELD],
  name: ['name', 'title', 'label', 'display_name'],
  namespace: ['namespace', 'pod_namespace', 'kube_namespace'],
  podName: ['pod_name', 'pod'],
  labelSelector: ['label_selector', 'selector'],
  container: ['container', 'container_name'],
  kubeContext: ['kube_context', 'context', 'context_name'],
  clusterHost: ['cluster_host', 'api_server', 'cluster_url', 'server'],
  clusterCaData: ['cluster_ca_data', 'cluster_ca', 'ca_data', 'certificate_authority_data'],
  insecureSkipTlsVerify: ['insecure_skip_tls_verify', 'skip_tls_verify', 'insecure'],
  sshHost: ['ssh_host', 'host', 'hostname', 'ip_address'],
  sshPort: ['ssh_port', 'port'],
  sshUser: ['ssh_user', 'ssh_username', 'username', 'user'],
  sshAuthKind: ['ssh_auth_kind', 'auth_kind'],
  kubeconfigId: ['kubeconfig_id'],
  sshPrivateKeyPath: ['ssh_private_key_path', 'private_key_path', 'key_filename', 'ssh_key_path'],
  shell: ['shell'],
  notes: ['notes', 'description', 'comment'],
  kubeconfig: ['kubeconfig', 'kube_config'],
  token: ['token', 'bearer_token', 'api_token'],
  sshPassword: ['ssh_password', 'password'],
  sshPrivateKey: ['ssh_private_key', 'private_key', 'ssh_key'],
  sshPassphrase: ['ssh_passphrase', 'passphrase', 'private_key_passphrase', 'key_passphrase'],
};

/** "Cluster_Host", "cluster-host" and "clusterHost" compare equal. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

/** Per normalised name, its target and rank (lower is more specific). */
const AUTOMATIC = new Map<string, { target: RecordTarget; rank: number }>();
for (const target of RECORD_TARGETS) {
  [target, ...(NAMES_BY_TARGET[target] ?? [])].forEach((name, rank) => {
    if (!AUTOMATIC.has(normalise(name))) AUTOMATIC.set(normalise(name), { target, rank });
  });
}

/** How a target's value is converted, for the preview's mapping table. */
function noteFor(target: RecordTarget, format: RecordsFileFormat): string | undefined {
  if (target === 'kubeconfig' && format === 'dumpdata') return 'a JSON object is written as YAML';
  if (target === 'sourceId' && format === 'dumpdata') return 'kept as "<app>.<model>:<pk>": a second import updates';
  if (target === 'sourceId') return 'kept: a second import updates';
  if (target === 'sshPort' && format === 'csv') return 'read as a number';
  if (target === 'insecureSkipTlsVerify' && format === 'csv') return 'read as true or false';
  return undefined;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The mapping of every source field: the person's choice where there is one, else the automatic one. `id` goes to
 * `id` when its values are Podterm record ids (UUIDs), else to sourceId (another system's key, e.g. a CSV of the
 * earlier app's table). Problems: a field nobody mapped (choose a field or leave it out), and a target two fields map to.
 */
export function chooseMapping(
  fields: readonly string[],
  format: RecordsFileFormat,
  chosen: Readonly<Record<string, RecordTarget | null>>,
  idValues: readonly unknown[],
): { mapping: FieldMapping[]; problems: RecordProblem[] } {
  const automatic = new Map<string, RecordTarget>();
  const best = new Map<RecordTarget, { field: string; rank: number }>();
  const foreignIds = idValues.some((value) => value != null && !UUID_PATTERN.test(String(value)));
  for (const field of fields) {
    const found = AUTOMATIC.get(normalise(field));
    if (!found) continue;
    const target = found.target === 'id' && foreignIds ? 'sourceId' : found.target;
    const current = best.get(target);
    if (!current || found.rank < current.rank) best.set(target, { field, rank: found.rank });
  }
  for (const [target, { field }] of best) automatic.set(field, target);

  const mapping: FieldMapping[] = fields.map((source) => {
    if (Object.hasOwn(chosen, source)) {
      const target = chosen[source] ?? null;
      const note = target ? noteFor(target, format) : undefined;
      return { source, target, how: 'chosen', ...(note ? { note } : {}) };
    }
    const target = automatic.get(source);
    if (target === undefined) return { source, target: null, how: 'unmapped' };
    const note = noteFor(target, format);
    return { source, target, how: 'automatic', ...(note ? { note } : {}) };
  });

  const problems: RecordProblem[] = [];
  for (const entry of mapping) {
    if (entry.how !== 'unmapped') continue;
    const alike = AUTOMATIC.get(normalise(entry.source))?.target;
    const other = alike && mapping.find((m) => m.target === alike)?.source;
    problems.push({
      row: 0,
      field: entry.source,
      message: other
        ? `not imported: it looks like ${alike} too, which "${other}" already gives; choose one of them, or leave this one out`
        : 'unknown field: choose the record field it is, or leave it out',
    });
  }
  const byTarget = new Map<RecordTarget, string[]>();
  for (const entry of mapping) {
    if (entry.target) byTarget.set(entry.target, [...(byTarget.get(entry.target) ?? []), entry.source]);
  }
  for (const [target, sources] of byTarget) {
    if (sources.length < 2) continue;
    problems.push({
      row: 0,
      field: sources[1]!,
      message: `${sources.map((s) => `"${s}"`).join(' and ')} are both mapped to ${target}; leave all but one out`,
    });
  }
  return { mapping, problems };
}

/** A mapping chosen on the command line: `--map source=target` (`--map source=` leaves it out). */
export function parseMappingOption(options: readonly string[]): Record<string, RecordTarget | null> {
  const chosen: Record<string, RecordTarget | null> = {};
  for (const option of options) {
    const at = option.lastIndexOf('=');
    if (at <= 0) throw new Error(`--map ${option}: write SOURCE=FIELD, or SOURCE= to leave the source field out`);
    const source = option.slice(0, at);
    const target = option.slice(at + 1).trim();
    if (target !== '' && !isRecordTarget(target)) {
      throw new Error(`--map ${option}: "${target}" is not a record field; fields: ${RECORD_TARGET_LIST}`);
    }
    chosen[source] = target === '' ? null : (target as RecordTarget);
  }
  return chosen;
}

const RECORD_TARGET_LIST = RECORD_TARGETS.join(', ');
