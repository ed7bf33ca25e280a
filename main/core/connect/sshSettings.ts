/**
 * `ssh.settings`: the plan the SSH method would connect with (ssh/sshPlan.ts), for the record form: each setting of
 * the target and of every jump host, with where it came from, so the user sees the effective settings first.
 */
import type { SshEndpointView, SshSettingsRequest, SshSettingsView, SshSettingView } from '../../../common/sshSettings';
import { DEFAULT_SSH_PORT } from '../../../common/pods';
import { describeSource, planSsh, type Setting, type SshEndpointPlan } from '../ssh';

export interface SshSettingsEnvironment {
  home: string;
  env: NodeJS.ProcessEnv;
  /** Default: ~/.ssh/config then /etc/ssh/ssh_config. */
  configFiles?: string[];
}

export function sshSettingsView(request: SshSettingsRequest, environment: SshSettingsEnvironment): SshSettingsView {
  const plan = planSsh(
    {
      sshHost: request.sshHost.trim(),
      sshUser: request.sshUser?.trim() || null,
      sshPort: request.sshPort ?? DEFAULT_SSH_PORT,
      sshProxyJump: request.sshProxyJump?.trim() || null,
    },
    environment,
  );
  const jumps = plan.jumps.map((jump, index) => endpointView(`jump host ${index + 1} of ${plan.jumps.length}`, jump));
  return { endpoints: [...jumps, endpointView('target', plan.target)], problem: plan.problem };
}

function endpointView(role: string, endpoint: SshEndpointPlan): SshEndpointView {
  const settings: SshSettingView[] = [];
  const add = <T>(keyword: string, setting: Setting<T>, show: (value: T) => string | null = String) => {
    const value = show(setting.value);
    if (value !== null) settings.push({ keyword, value, source: describeSource(setting.source) });
  };
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  add('HostName', endpoint.hostName);
  add('User', endpoint.user);
  add('Port', endpoint.port);
  add('ProxyJump', endpoint.proxyJump, (value) => value);
  add('ProxyCommand', endpoint.proxyCommand, (value) => value);
  for (const file of endpoint.identityFiles) add('IdentityFile', file);
  add('IdentitiesOnly', endpoint.identitiesOnly, yesNo);
  add('IdentityAgent', endpoint.identityAgent, (value) => value ?? 'none');
  add('StrictHostKeyChecking', endpoint.strictHostKeyChecking);
  add('UserKnownHostsFile', endpoint.userKnownHostsFiles, (value) => value.join(' '));
  add('HostKeyAlias', endpoint.hostKeyAlias, (value) => value);
  add('ServerAliveInterval', endpoint.serverAliveInterval, (value) => (value === 0 ? null : `${value}`));
  add('ServerAliveCountMax', endpoint.serverAliveCountMax);
  add('ConnectTimeout', endpoint.connectTimeout, (value) => (value === null ? null : `${value}`));
  return { role, name: endpoint.name, settings, notes: endpoint.notes };
}
