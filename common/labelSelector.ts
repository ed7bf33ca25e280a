/**
 * Label selectors as a pod record may hold them to follow a workload instead of one pod name: the equality-based
 * subset Kubernetes accepts in `?labelSelector=` (and `kubectl -l`), comma-separated terms of `key=value`,
 * `key==value`, `key!=value`, `key` (exists) and `!key` (does not exist). Set-based terms (`in`, `notin`) are left out:
 * a workload's pods are found by equality, and a record keeps one short selector people can read.
 */

/** A label key: an optional DNS subdomain prefix and "/", then a name of at most 63 characters. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or at most 63 alphanumerics with "-", "_" and "." inside. */
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** Longer than any selector a person would type; keeps a pasted manifest out of the field. */
export const MAX_LABEL_SELECTOR_LENGTH = 1024;

export type LabelTerm =
  { op: 'equals' | 'notEquals'; key: string; value: string } | { op: 'exists' | 'notExists'; key: string };

/** Parses a selector into its terms, or returns the message naming the first bad term and what it should look like. */
export function parseLabelSelector(selector: string): { terms: LabelTerm[] } | { error: string } {
  const parts = selector.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.every((part) => part === ''))
    return { error: 'give at least one term, e.g. app=api' };
  const terms: LabelTerm[] = [];
  for (const part of parts) {
    if (part === '') return { error: 'an empty term (two commas in a row, or a trailing comma)' };
    const term = parseTerm(part);
    if (typeof term === 'string') return { error: `"${part}": ${term}` };
    terms.push(term);
  }
  return { terms };
}

function parseTerm(part: string): LabelTerm | string {
  const match = /^([^!=\s]*)\s*(==|!=|=)\s*(.*)$/.exec(part);
  if (match) {
    const [, key = '', operator, value = ''] = match;
    if (!LABEL_KEY.test(key)) return keyMessage(key);
    if (!LABEL_VALUE.test(value)) {
      return 'a value is at most 63 letters, digits, "-", "_" or "." and starts and ends with a letter or digit';
    }
    return { op: operator === '!=' ? 'notEquals' : 'equals', key, value };
  }
  if (/\s(in|notin)\s*\(/.test(part)) return 'set terms (in, notin) are not supported; use key=value terms';
  const negated = part.startsWith('!');
  const key = negated ? part.slice(1).trim() : part;
  if (!LABEL_KEY.test(key)) return keyMessage(key);
  return { op: negated ? 'notExists' : 'exists', key };
}

function keyMessage(key: string): string {
  return key === ''
    ? 'a term needs a label key, e.g. app=api'
    : `"${key}" is not a label key (letters, digits, "-", "_", ".", optionally prefixed like example.com/)`;
}

/** Whether a pod's labels satisfy every term, as the API server decides. */
export function labelsMatch(terms: readonly LabelTerm[], labels: Readonly<Record<string, string>>): boolean {
  return terms.every((term) => {
    const has = Object.prototype.hasOwnProperty.call(labels, term.key);
    switch (term.op) {
      case 'equals':
        return has && labels[term.key] === term.value;
      case 'notEquals':
        return !has || labels[term.key] !== term.value;
      case 'exists':
        return has;
      case 'notExists':
        return !has;
    }
  });
}
