/**
 * Which context a record gets: its kubeContext, else the context serving its clusterHost (current preferred), else the
 * current context, else an error saying what to set. Errors list the contexts and the files searched.
 */
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseContext, ContextChoiceError, normaliseServer } from '../../../../main/core/kube/access/contextChoice';
import { loadDefaultKubeconfig, loadKubeconfigText } from '../../../../main/core/kube/access/kubeconfigFiles';
import { cleanup, put, tempDir } from './helpers';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: alpha
  cluster: { server: "https://alpha.example:6443" }
- name: alpha-again
  cluster: { server: "https://ALPHA.example:6443/" }
- name: beta
  cluster: { server: "https://beta.example" }
users:
- name: alice
  user: { token: a }
contexts:
- name: alpha-1
  context: { cluster: alpha, user: alice }
- name: alpha-2
  context: { cluster: alpha-again, user: alice }
- name: beta
  context: { cluster: beta, user: alice, namespace: beta-ns }
- name: anonymous
  context: { cluster: beta }
- name: lost-user
  context: { cluster: beta, user: bob }
- name: lost-cluster
  context: { cluster: gamma, user: alice }
current-context: beta
`;

const loaded = (text = KUBECONFIG) => loadKubeconfigText(text, '~/.kube/config', 'test');

describe('chooseContext', () => {
  it("uses the record's kubeContext when set, whatever the clusterHost says", () => {
    const choice = chooseContext(loaded(), { kubeContext: 'alpha-1', clusterHost: 'https://beta.example' });
    expect(choice.reason).toBe('kubeContext');
    expect(choice.context.name).toBe('alpha-1');
    expect(choice.cluster.server).toBe('https://alpha.example:6443');
    expect(choice.user?.name).toBe('alice');
  });

  it('lists the contexts and the files searched when the kubeContext is not defined', async () => {
    const home = await tempDir();
    try {
      const a = await put(join(home, 'a.yaml'), KUBECONFIG);
      const { loaded: merged } = await loadDefaultKubeconfig([a, join(home, 'b.yaml')].join(delimiter), home);
      let error: unknown;
      try {
        chooseContext(merged!, { kubeContext: 'prod' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ContextChoiceError);
      expect((error as ContextChoiceError).reason).toBe('contextNotFound');
      expect((error as Error).message).toBe(
        `context "prod" is not defined in KUBECONFIG (~/a.yaml, ~/b.yaml) (contexts there: alpha-1, alpha-2, beta, anonymous, lost-user, lost-cluster). Set the record's context to one of them, or add the context to the kubeconfig.`,
      );
    } finally {
      await cleanup(home);
    }
  });

  it('finds the context whose server is the clusterHost, ignoring trailing slashes, case and default ports', () => {
    const choice = chooseContext(loaded(), { clusterHost: 'https://beta.example:443/' });
    expect(choice.reason).toBe('clusterHost');
    expect(choice.context.name).toBe('beta');
  });

  it('prefers the current context among several serving the clusterHost, else the first', () => {
    const first = chooseContext(loaded(), { clusterHost: 'https://alpha.example:6443' });
    expect(first.context.name).toBe('alpha-1');
    const withCurrent = loaded(KUBECONFIG.replace('current-context: beta', 'current-context: alpha-2'));
    expect(chooseContext(withCurrent, { clusterHost: 'https://alpha.example:6443' }).context.name).toBe('alpha-2');
  });

  it('falls back to the current context when no context serves the clusterHost, or nothing is asked', () => {
    expect(chooseContext(loaded(), { clusterHost: 'https://elsewhere:6443' })).toMatchObject({
      reason: 'currentContext',
      context: { name: 'beta', namespace: 'beta-ns' },
    });
    expect(chooseContext(loaded(), {}).context.name).toBe('beta');
  });

  it('says what to set when there is no current context', () => {
    const none = loaded(KUBECONFIG.replace('current-context: beta\n', ''));
    expect(() => chooseContext(none, { clusterHost: 'https://elsewhere:6443' })).toThrow(
      `no context to use: the record names none, no context serves https://elsewhere:6443, and ~/.kube/config sets no current-context. Set the record's context (one of: alpha-1, alpha-2, beta, anonymous, lost-user, lost-cluster), or run "kubectl config use-context NAME".`,
    );
  });

  it('reports a current context that is not defined', () => {
    const dangling = loaded(KUBECONFIG.replace('current-context: beta', 'current-context: gone'));
    expect(() => chooseContext(dangling, {})).toThrow(
      /^the current context "gone" is not defined in ~\/\.kube\/config/,
    );
  });

  it('reports a kubeconfig without contexts', () => {
    expect(() => chooseContext(loaded('clusters: []\n'), {})).toThrow(/^~\/\.kube\/config defines no contexts/);
  });

  it('allows a context without a user (anonymous), refuses one whose user or cluster is not defined', () => {
    expect(chooseContext(loaded(), { kubeContext: 'anonymous' }).user).toBeNull();
    expect(() => chooseContext(loaded(), { kubeContext: 'lost-user' })).toThrow(
      'context "lost-user" refers to user "bob", which is not defined in ~/.kube/config. Add the user to the kubeconfig or fix the context.',
    );
    expect(() => chooseContext(loaded(), { kubeContext: 'lost-cluster' })).toThrow(
      /^context "lost-cluster" refers to cluster "gamma", which is not defined in ~\/\.kube\/config/,
    );
  });

  it('says "any KUBECONFIG file" when several files were merged', async () => {
    const home = await tempDir();
    try {
      const a = await put(join(home, 'a.yaml'), KUBECONFIG);
      const b = await put(join(home, 'b.yaml'), 'contexts:\n- name: prod\n  context: { cluster: beta, user: admin }\n');
      const { loaded: merged } = await loadDefaultKubeconfig([a, b].join(delimiter), home);
      expect(() => chooseContext(merged!, { kubeContext: 'prod' })).toThrow(
        'context "prod" refers to user "admin", which is not defined in any KUBECONFIG file. Add the user to the kubeconfig or fix the context.',
      );
    } finally {
      await cleanup(home);
    }
  });
});

describe('normaliseServer', () => {
  it('compares servers the way people mean them', () => {
    expect(normaliseServer('https://10.0.0.1:6443/')).toBe(normaliseServer('https://10.0.0.1:6443'));
    expect(normaliseServer('HTTPS://Example.COM:443')).toBe('https://example.com');
    expect(normaliseServer('https://[FD00::1]:6443')).toBe('https://[fd00::1]:6443');
    expect(normaliseServer('https://a:6443')).not.toBe(normaliseServer('https://a:6444'));
  });
});
