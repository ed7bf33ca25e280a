/**
 * `ssh.settings`: what `ssh HOST` would use for a record's SSH side, for the record form to show before connecting.
 * The record's own fields (as typed in the form, not yet saved) win; the rest comes from ~/.ssh/config or OpenSSH's
 * defaults, each with where it came from.
 */
import { z } from 'zod';
import { podFieldsSchema } from './pods';

/** The form's SSH fields as they stand; the host is required (nothing to look up without it). */
export const sshSettingsRequestSchema = z
  .object({
    sshHost: z.string().trim().min(1, { message: 'give an SSH host' }).max(255),
    sshUser: podFieldsSchema.shape.sshUser,
    sshPort: podFieldsSchema.shape.sshPort,
    sshProxyJump: podFieldsSchema.shape.sshProxyJump,
  })
  .strict();
export type SshSettingsRequest = z.input<typeof sshSettingsRequestSchema>;

/** One setting as the form shows it: "Port 2222 — ~/.ssh/config:12". */
export interface SshSettingView {
  /** The ssh_config keyword: "HostName", "User", "Port", "IdentityFile", … */
  keyword: string;
  value: string;
  /** "record", "default", or the config line it came from ("~/.ssh/config:12"). */
  source: string;
}

export interface SshEndpointView {
  /** "target" for the record's host, else "jump host 1 of 2". */
  role: string;
  /** The name looked up in the config (the record's host or a ProxyJump entry). */
  name: string;
  settings: SshSettingView[];
  /** Keywords not used, lines not understood. */
  notes: string[];
}

export interface SshSettingsView {
  /** The jump hosts first, then the target. */
  endpoints: SshEndpointView[];
  /** A route that cannot be used as written (a bad ProxyJump); null when fine. */
  problem: string | null;
}
