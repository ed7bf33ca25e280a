// Who may import whom, declared once as data: the lint's layering rules (eslintPlugin.mjs) enforce it and
// scripts/coreImports.mjs draws main/core's part of it. ARCHITECTURE.md explains the layers in prose.
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, where every path below starts. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Marks a layer allowed to import anything: tests and tooling reach every layer on purpose. */
export const ANYTHING = 'anything';

/** Marks a Node layer allowed any npm package (still never 'electron' unless `electron` says so). */
export const ANY_PACKAGE = 'any package';

/**
 * @typedef {object} Layer
 * @property {string} folder a folder of the repository; a file belongs to the layer with the longest matching folder
 * @property {string} runsIn where its code runs, for messages
 * @property {readonly string[] | typeof ANYTHING} mayImport folders or files (without extension) of ours it may import;
 *   a folder entry allows everything inside it
 * @property {readonly string[]} [mayImportTypes] folders or files it may import types from (`import type` only)
 * @property {readonly string[] | typeof ANY_PACKAGE} packages npm packages it may import (a name, or every package of a
 *   scope, '@xterm/*'); 'electron' and Node's built-ins are decided by the two flags below
 * @property {boolean} node whether it may import Node's built-ins
 * @property {boolean} electron whether it may import 'electron'
 * @property {string} fix what to do instead, for the message
 */

/** The fix for a front end or the command line reaching past the core's public surface. */
const THROUGH_CORE_INDEX =
  "enter the core through main/core/index.ts (import from '../core') and export what you need there";

/**
 * Every layer and what it may import, bottom first: common ← main/core ← main/electron, main/web, main/cli (the core
 * through its index only); preload and renderer see common/ and no main code; test/ and scripts/ see everything.
 * @type {readonly Layer[]}
 */
const LAYERS = [
  {
    folder: 'common',
    runsIn: 'every process',
    // Shared by Node, the sandboxed preload and the page, so it can depend on nothing that needs one of them.
    mayImport: ['common'],
    packages: ['zod'],
    node: false,
    electron: false,
    fix: 'common/ is shared by every process: move the code it needs into common/, or let the caller pass it in',
  },
  {
    folder: 'main/core',
    runsIn: 'plain Node (Electron main, browser mode, command line, tests)',
    mayImport: ['common', 'main/core'],
    packages: ANY_PACKAGE,
    node: true,
    // The same core runs in the browser mode and the command line, where there is no Electron.
    electron: false,
    fix: 'the core runs under every front end and knows none of them: let the front end pass in what it needs (as main/electron passes its SecretBox to createCore)',
  },
  {
    folder: 'main/electron',
    runsIn: "Electron's main process",
    // The core only through its index.ts, so the core's rooms can change behind one surface.
    mayImport: ['common', 'main/electron', 'main/core/index'],
    packages: ANY_PACKAGE,
    node: true,
    electron: true,
    fix: `${THROUGH_CORE_INDEX}; what a front end shares with the command line belongs in the core or common/`,
  },
  {
    folder: 'main/web',
    runsIn: 'Node (browser mode)',
    mayImport: ['common', 'main/web', 'main/core/index'],
    packages: ANY_PACKAGE,
    node: true,
    electron: false,
    fix: `${THROUGH_CORE_INDEX}; what a front end shares with the command line belongs in the core or common/`,
  },
  {
    folder: 'main/cli',
    runsIn: 'Node (the podterm command line)',
    mayImport: ['common', 'main/cli', 'main/core/index'],
    packages: ANY_PACKAGE,
    node: true,
    electron: false,
    fix: THROUGH_CORE_INDEX,
  },
  {
    folder: 'preload',
    runsIn: "Electron's sandboxed preload",
    // Bundled into one sandboxed file that may require only 'electron': it forwards requests and never validates
    // them (main does), so it needs the request keys and bridge names at run time and the contract's types only.
    mayImport: ['preload', 'common/requestKeys'],
    mayImportTypes: ['common'],
    packages: [],
    node: false,
    electron: true,
    fix: "the preload only forwards: import the contract's types with `import type`, and run-time constants from common/requestKeys.ts",
  },
  {
    folder: 'renderer',
    runsIn: 'the page',
    // The same page runs in Electron and in a plain browser (the browser mode): browser APIs only.
    mayImport: ['renderer', 'common'],
    packages: ['react', 'react-dom', '@xterm/*', 'zod'],
    node: false,
    electron: false,
    fix: 'reach main through the client (renderer/src/client) and the contract (common/contract.ts); move shared pure code to common/',
  },
  {
    folder: 'test',
    runsIn: 'Vitest (Node)',
    mayImport: ANYTHING,
    packages: ANY_PACKAGE,
    node: true,
    electron: true,
    fix: '',
  },
  {
    folder: 'scripts',
    runsIn: 'Node (build and tooling)',
    mayImport: ANYTHING,
    packages: ANY_PACKAGE,
    node: true,
    electron: true,
    fix: '',
  },
];

/**
 * main/core's rooms, bottom to top: a room may import only rooms on a lower line, and another room only through its
 * index.ts. Rooms on one line are peers and import neither each other nor upwards. A room's folder holds everything
 * under it (store/migrations is part of store).
 */
export const CORE_ROOM_ORDER = [
  // Socket and TLS error classification: a vocabulary every transport and every API read shares, about no record,
  // session or cluster, so it needs no other room.
  ['net'],
  // The SecretBox every stored secret goes through; needs nothing of ours. The store encrypts through it.
  ['secrets'],
  // SQLite, migrations and repositories. Its record types (PodConnectRecord) are what every room above works on.
  ['store'],
  // Credentials: a stored record plus the machine's configuration become access to one API server. Reads records,
  // reads nothing from the cluster.
  ['kube/access'],
  // Reading the cluster (pods, lists, pod selection, deadlines, unreachable servers) with kube/access's credentials.
  ['kube/api'],
  // The TerminalSession interface and what its transports share. Below both transports, which implement it; it needs
  // no Kubernetes room, so sitting above kube/api costs nothing.
  ['terminal'],
  // The two shell transports, each implementing terminal's interface. Peers: neither knows the other. ssh checks
  // host keys against the store.
  ['kube/exec', 'ssh'],
  // The access chain: walks kube/access, kube/api and kube/exec, then ssh, one attempt per method. Its peer files
  // moves files over the file access an open shell's transport offers (SFTP, tar over exec), knowing neither library.
  ['connect', 'files'],
  // The session manager runs the chain for a tab, then carries the shell's output (flow control, recording).
  ['sessions'],
  // Request-level features beside the sessions, peers: Refresh reuses connect's Kubernetes methods, the cluster
  // browser lists with kube/api, the importer validates with kube/access and stores.
  ['pods', 'clusterBrowser', 'kubeconfigImport'],
  // Records as files (import with its preview and mapping, export): checks each record's secrets as pods/ does on
  // save, writes kubeconfig objects as YAML with kube/access, and writes through the store.
  ['recordsTransfer'],
];

/**
 * The core's root files sit above every room: core.ts wires every room together, handlers.ts maps each request to
 * a room, index.ts is the surface the front ends import, and dataDirs.ts says where a front end keeps its data.
 */
export const CORE_ROOT_FILES = ['core', 'handlers', 'index', 'dataDirs'];

/** The name the picture and the messages give the root files' room. */
export const CORE_ROOT = '(root)';

/** Every room, each with its line in the order (0 is the bottom). */
const CORE_ROOMS = CORE_ROOM_ORDER.flatMap((peers, level) => peers.map((room) => ({ room, level })));

/** The root files' line: above every room. */
export const CORE_ROOT_LEVEL = CORE_ROOM_ORDER.length;

/** The core's folder, where the rooms are. */
export const CORE_FOLDER = 'main/core';

/** Where the order is declared, for messages. */
export const DECLARED_IN = 'scripts/layering/layers.mjs';

/** Extensions a module specifier may leave out or spell (TypeScript's bundler resolution, Vite's config). */
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs'];

/** @param {string} absolute */
function isFile(absolute) {
  return statSync(absolute, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** @param {string} absolute */
function isDirectory(absolute) {
  return statSync(absolute, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * A path relative to the repository root, with forward slashes.
 * @param {string} absolute
 */
export function repoPath(absolute) {
  return path.relative(REPO_ROOT, absolute).split(path.sep).join('/');
}

/**
 * A source file's repository path without its extension, as imports name it: main/core/core.ts → 'main/core/core'.
 * @param {string} absolute
 */
export function modulePath(absolute) {
  const extension = path.extname(absolute);
  return repoPath(SOURCE_EXTENSIONS.includes(extension) ? absolute.slice(0, -extension.length) : absolute);
}

/**
 * The module a relative specifier names, as a repository path without its source extension: from main/web/cli.ts,
 * '../core' is 'main/core/index' and '../../common/csp.ts' is 'common/csp'. A file wins over a folder of the same
 * name, as in TypeScript's resolution; a path that does not exist (yet) is taken as written.
 * @param {string} importerAbsolute
 * @param {string} specifier
 */
export function resolveRelative(importerAbsolute, specifier) {
  const target = path.resolve(path.dirname(importerAbsolute), specifier);
  if (SOURCE_EXTENSIONS.includes(path.extname(target))) return modulePath(target);
  if (SOURCE_EXTENSIONS.some((candidate) => isFile(target + candidate))) return repoPath(target);
  if (isDirectory(target)) return repoPath(path.join(target, 'index'));
  return repoPath(target);
}

/**
 * Whether a repository path is the entry or lies inside it (a folder entry).
 * @param {string} modulePath
 * @param {string} entry
 */
export function isWithin(modulePath, entry) {
  return modulePath === entry || modulePath.startsWith(`${entry}/`);
}

/**
 * The layer a repository path belongs to, or undefined when it is in none (the root's config files).
 * @param {string} modulePath
 */
export function layerOf(modulePath) {
  return LAYERS.filter((layer) => isWithin(modulePath, layer.folder)).sort(
    (a, b) => b.folder.length - a.folder.length,
  )[0];
}

/**
 * An npm package specifier's package name: '@xterm/xterm/css/xterm.css' → '@xterm/xterm', 'react-dom/client' →
 * 'react-dom'.
 * @param {string} specifier
 */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * Whether a specifier names a file of ours rather than a package.
 * @param {string} specifier
 */
export function isRelative(specifier) {
  return specifier.startsWith('.') || specifier.startsWith('/');
}

/**
 * The room of a path inside main/core: its room's name and line, the root files' room, or undefined for a path in
 * no room (a folder missing from CORE_ROOM_ORDER, or a new file beside core.ts). Undefined as well outside main/core.
 * @param {string} modulePath
 * @returns {{ room: string, level: number } | undefined}
 */
export function coreRoomOf(modulePath) {
  if (!modulePath.startsWith(`${CORE_FOLDER}/`)) return undefined;
  const inCore = modulePath.slice(CORE_FOLDER.length + 1);
  const room = CORE_ROOMS.filter(({ room }) => isWithin(inCore, room)).sort((a, b) => b.room.length - a.room.length)[0];
  if (room) return room;
  return CORE_ROOT_FILES.includes(inCore) ? { room: CORE_ROOT, level: CORE_ROOT_LEVEL } : undefined;
}

/**
 * Whether a path inside main/core is a room's public surface: its index, or its folder (a room that does not exist
 * yet, so nothing resolved the folder to its index).
 * @param {string} modulePath
 * @param {string} room
 */
function isCoreRoomIndex(modulePath, room) {
  return modulePath === `${CORE_FOLDER}/${room}/index` || modulePath === `${CORE_FOLDER}/${room}`;
}

/** @typedef {{ room: string, level: number }} CoreRoom */

/**
 * @typedef {{ kind: 'outside' } | { kind: 'noRoom' } | { kind: 'sameRoom', targetRoom: CoreRoom }
 *   | { kind: 'above', targetRoom: CoreRoom } | { kind: 'beside', targetRoom: CoreRoom }
 *   | { kind: 'pastIndex', targetRoom: CoreRoom } | { kind: 'allowed', targetRoom: CoreRoom }} CoreImportVerdict
 */

/**
 * What an import from a file of one room to a path means for the order, decided once for the lint and the picture:
 * - 'outside': the target is not in main/core, so the order says nothing about it;
 * - 'noRoom': the target is in main/core but in no room;
 * - 'sameRoom': within the importer's own room, always allowed;
 * - 'above' / 'beside': the target room sits above the importer or on its line (a peer), never allowed;
 * - 'pastIndex': a lower room, but reached past its index.ts;
 * - 'allowed': a lower room through its index.ts.
 * @param {CoreRoom} importerRoom the importing file's room (coreRoomOf)
 * @param {string} target the imported module's repository path (resolveRelative)
 * @returns {CoreImportVerdict}
 */
export function classifyCoreImport(importerRoom, target) {
  if (!isWithin(target, CORE_FOLDER)) return { kind: 'outside' };
  const targetRoom = coreRoomOf(target);
  if (!targetRoom) return { kind: 'noRoom' };
  if (targetRoom.room === importerRoom.room) return { kind: 'sameRoom', targetRoom };
  if (targetRoom.level > importerRoom.level) return { kind: 'above', targetRoom };
  if (targetRoom.level === importerRoom.level) return { kind: 'beside', targetRoom };
  if (!isCoreRoomIndex(target, targetRoom.room)) return { kind: 'pastIndex', targetRoom };
  return { kind: 'allowed', targetRoom };
}
