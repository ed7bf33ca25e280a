import type { Migration } from '../migrate';

/**
 * A record's SSH route beyond ~/.ssh/config: its own jump hosts (ProxyJump syntax, "a,user@b:2222"; NULL: the
 * config's), and whether the config's ProxyCommand may run for it (it executes a program, so never by default).
 */
export const migration: Migration = {
  version: 120,
  name: 'add pods.ssh_proxy_jump and pods.ssh_allow_proxy_command',
  up(db) {
    db.exec(`ALTER TABLE pods ADD COLUMN ssh_proxy_jump TEXT`);
    db.exec(
      `ALTER TABLE pods ADD COLUMN ssh_allow_proxy_command INTEGER NOT NULL DEFAULT 0 CHECK (ssh_allow_proxy_command IN (0, 1))`,
    );
  },
};
