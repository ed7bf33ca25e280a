import { describe, expect, it } from 'vitest';
import { podFieldsSchema, podSaveSchema, type PodView } from '../../common/pods';
import {
  buildSaveInput,
  emptySecretEdits,
  formValuesFrom,
  validatePodForm,
  type PodFormValues,
} from '../../renderer/src/lib/podForm';

const base = (): PodFormValues => ({ ...formValuesFrom(null), name: 'db', podName: 'db-0' });

describe('pod form model', () => {
  it('reports schema errors under the schema paths', () => {
    const values = { ...formValuesFrom(null), sshHost: 'bad host!', sshPort: '70000' };
    const errors = validatePodForm(values, emptySecretEdits(), null);
    expect(errors['fields.name']).toBe('give the record a name');
    expect(errors['fields.sshPort']).toBe('between 1 and 65535');
    expect(errors['fields.sshHost']).toBeDefined();
  });

  it('says a port must be a number before the schema sees NaN', () => {
    const errors = validatePodForm({ ...base(), sshPort: 'ssh' }, emptySecretEdits(), null);
    expect(errors['fields.sshPort']).toBe('between 1 and 65535');
  });

  it('lets empty namespace and port fall back to the defaults', () => {
    const input = buildSaveInput(base(), emptySecretEdits(), null);
    expect(input.fields.namespace).toBeUndefined();
    expect(input.fields.sshPort).toBeUndefined();
    expect(validatePodForm(base(), emptySecretEdits(), null)).toEqual({});
  });

  it('sends secrets three ways: typed sets, clear nulls, untouched is absent', () => {
    const secrets = emptySecretEdits();
    secrets.token = { value: 't0k3n', clear: false };
    secrets.kubeconfig = { value: '', clear: true };
    const input = buildSaveInput(base(), secrets, null);
    expect(input.secrets).toEqual({ token: 't0k3n', kubeconfig: null });
  });

  it('sends only the secrets the chosen SSH auth uses', () => {
    const secrets = emptySecretEdits();
    secrets.sshPassword = { value: 'pw', clear: false };
    secrets.sshPassphrase = { value: 'pp', clear: false };
    const withKey = buildSaveInput({ ...base(), sshAuthKind: 'privateKeyPath' }, secrets, null);
    expect(withKey.secrets).toEqual({ sshPassphrase: 'pp' });
    const withPassword = buildSaveInput({ ...base(), sshAuthKind: 'password' }, secrets, null);
    expect(withPassword.secrets).toEqual({ sshPassword: 'pw' });
  });

  it('never prefills a secret from a stored record', () => {
    const pod = {
      id: '6f1c7d38-3f8e-4a55-9c38-0d6a4c1e9f10',
      name: 'x',
      namespace: 'default',
      podName: 'x',
      sshPort: 22,
      sshAuthKind: 'password',
      insecureSkipTlsVerify: false,
      storedSecrets: { token: true, kubeconfig: true, sshPassword: true, sshPrivateKey: false, sshPassphrase: false },
    } as unknown as PodView;
    const values = formValuesFrom(pod);
    expect(Object.values(values)).not.toContain(true);
    const input = buildSaveInput(values, emptySecretEdits(), pod.id);
    expect(input.id).toBe(pod.id);
    expect(input.secrets).toEqual({});
  });

  it('sends every field of a stored record back as it was', () => {
    const fields = podFieldsSchema.parse({
      name: 'db',
      namespace: 'prod',
      podName: 'db-0',
      labelSelector: 'app=db',
      container: 'main',
      kubeContext: 'kind-kind',
      kubeconfigId: '0b7c1a52-4a8e-4f0e-9d51-3b7f0e6c2a11',
      clusterHost: 'https://10.0.0.1:6443',
      clusterCaData: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      insecureSkipTlsVerify: true,
      sshHost: 'bastion.example',
      sshPort: 2222,
      sshUser: 'ops',
      sshAuthKind: 'privateKeyPath',
      sshPrivateKeyPath: '~/.ssh/id_ed25519',
      sshProxyJump: 'jump,ops@inner:2200',
      sshAllowProxyCommand: true,
      shell: '/bin/bash',
      notes: 'primary',
    });
    const pod = { ...fields, id: '6f1c7d38-3f8e-4a55-9c38-0d6a4c1e9f10' } as PodView;
    const sent = podSaveSchema.parse(buildSaveInput(formValuesFrom(pod), emptySecretEdits(), pod.id));
    expect(sent.fields).toEqual(fields);
  });
});
