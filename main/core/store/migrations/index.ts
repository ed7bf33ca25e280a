/**
 * Every schema step, oldest first. Append new steps; never edit, reorder or remove a shipped one (a user's database
 * records only the last version applied, so a changed step would never run for them).
 */
import type { Migration } from '../migrate';
import { migration as createPods } from './0010-create-pods';
import { migration as createKnownHosts } from './0020-create-known-hosts';
import { migration as addClusterCa } from './0030-add-cluster-ca';
import { migration as createKubeconfigs } from './0040-create-kubeconfigs';
import { migration as addLabelSelector } from './0050-add-label-selector';
import { migration as addPodStatus } from './0060-add-pod-status';
import { migration as createSettings } from './0070-create-settings';
import { migration as addKubeconfigContext } from './0080-add-kubeconfig-context';
import { migration as indexPodsSearch } from './0090-index-pods-search';
import { migration as addSourceId } from './0100-add-source-id';
import { migration as createContextNamespaces } from './0110-create-context-namespaces';
import { migration as addSshRoute } from './0120-add-ssh-route';

export const MIGRATIONS: readonly Migration[] = [
  createPods,
  createKnownHosts,
  addClusterCa,
  createKubeconfigs,
  addLabelSelector,
  addPodStatus,
  createSettings,
  addKubeconfigContext,
  indexPodsSearch,
  addSourceId,
  createContextNamespaces,
  addSshRoute,
];
