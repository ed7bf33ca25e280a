// The layering rules as a local ESLint plugin, wired from eslint.config.js. Both read their allow-lists from
// layers.mjs and resolve every relative import to a path before checking it, so '../core', '../core/index' and
// '../core/index.ts' are one module, and a deny-list's forgotten spelling cannot slip through.
//
//   layering/layers      each layer imports only what its allow-list names: folders of ours, npm packages, and Node's
//                        built-ins or 'electron' where the layer runs with them.
//   layering/core-rooms  inside main/core, a room imports only rooms below it, and those only through their index.ts.
import { statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import {
  ANY_PACKAGE,
  ANYTHING,
  CORE_FOLDER,
  DECLARED_IN,
  REPO_ROOT,
  classifyCoreImport,
  coreRoomOf,
  isRelative,
  isWithin,
  layerOf,
  modulePath,
  packageName,
  repoPath,
  resolveRelative,
} from './layers.mjs';

/**
 * The parts of an import-like node the rules read (ESTree plus typescript-eslint's TS nodes).
 * @typedef {{
 *   type: string,
 *   source?: { type: string, value?: unknown } | null,
 *   argument?: { type: string, value?: unknown, literal?: { value?: unknown } },
 *   expression?: { type: string, value?: unknown },
 *   callee?: { type: string, name?: string },
 *   arguments?: { type: string, value?: unknown }[],
 *   importKind?: string,
 *   exportKind?: string,
 * }} ImportLikeNode
 */

/**
 * Calls `check` with the specifier of every import, export-from, dynamic import, `import('…')` type and require of a
 * string literal in the file, and whether it is erased at run time (`import type`, `export type`, a type query).
 * @param {(node: ImportLikeNode, specifier: string, typeOnly: boolean) => void} check
 * @returns {import('eslint').Rule.RuleListener}
 */
function onEveryImport(check) {
  /** @param {ImportLikeNode} node @param {unknown} value @param {boolean} typeOnly */
  const visit = (node, value, typeOnly) => {
    if (typeof value === 'string') check(node, value, typeOnly);
  };
  /** @type {Record<string, (node: ImportLikeNode) => void>} */
  const listener = {
    ImportDeclaration: (node) => visit(node, node.source?.value, node.importKind === 'type'),
    ExportNamedDeclaration: (node) => visit(node, node.source?.value, node.exportKind === 'type'),
    ExportAllDeclaration: (node) => visit(node, node.source?.value, node.exportKind === 'type'),
    ImportExpression: (node) => visit(node, node.source?.value, false),
    // `type T = import('../x').T`: typescript-eslint 8 names the string `argument.literal`.
    TSImportType: (node) => visit(node, node.argument?.literal?.value ?? node.source?.value, true),
    TSExternalModuleReference: (node) => visit(node, node.expression?.value, false),
    CallExpression: (node) => {
      if (node.callee?.type === 'Identifier' && node.callee.name === 'require') {
        visit(node, node.arguments?.[0]?.value, false);
      }
    },
  };
  return /** @type {import('eslint').Rule.RuleListener} */ (/** @type {unknown} */ (listener));
}

/**
 * How a message names an allow-list entry: a folder with a slash, a file with its extension.
 * @param {string} entry
 */
function describeEntry(entry) {
  const isFolder = statSync(path.join(REPO_ROOT, entry), { throwIfNoEntry: false })?.isDirectory() ?? false;
  return isFolder ? `${entry}/` : `${entry}.ts`;
}

/**
 * A relative specifier from one file to another repository path, as a person would write it.
 * @param {string} importerAbsolute
 * @param {string} targetRepoPath
 */
function specifierFrom(importerAbsolute, targetRepoPath) {
  const relative = path
    .relative(path.dirname(importerAbsolute), path.join(REPO_ROOT, targetRepoPath))
    .split(path.sep)
    .join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: `Each layer imports only what its allow-list in ${DECLARED_IN} names` },
    schema: [],
    messages: {
      folder:
        "{{layer}}/ may not import '{{specifier}}' ({{target}}): it may import only {{allowed}} (layering rule, {{declaredIn}}). Fix: {{fix}}.",
      typesOnly:
        "{{layer}}/ may import only types from {{target}}: write `import type` for '{{specifier}}' (layering rule, {{declaredIn}}). Fix: {{fix}}.",
      node: "{{layer}}/ runs in {{runsIn}}, without Node: it may not import the built-in '{{specifier}}' (layering rule, {{declaredIn}}). Fix: {{fix}}.",
      electron:
        "{{layer}}/ runs in {{runsIn}}: only main/electron and preload may import 'electron' (layering rule, {{declaredIn}}). Fix: {{fix}}.",
      package:
        "{{layer}}/ may not import the package '{{specifier}}': it may import only {{packages}} (layering rule, {{declaredIn}}). Fix: if the package belongs in {{runsIn}}, add it to the layer's list there.",
    },
  },
  create(context) {
    const layer = layerOf(repoPath(context.filename));
    if (!layer || layer.mayImport === ANYTHING) return {};
    const { mayImport, mayImportTypes = [], packages } = layer;
    const data = { layer: layer.folder, runsIn: layer.runsIn, fix: layer.fix, declaredIn: DECLARED_IN };
    const allowed = [
      ...mayImport.map(describeEntry),
      ...mayImportTypes.map((entry) => `types from ${describeEntry(entry)}`),
    ].join(', ');

    return onEveryImport((node, specifier, typeOnly) => {
      const loc = /** @type {import('eslint').Rule.Node} */ (/** @type {unknown} */ (node));
      if (isRelative(specifier)) {
        const target = resolveRelative(context.filename, specifier);
        if (mayImport.some((entry) => isWithin(target, entry))) return;
        const typeEntry = mayImportTypes.find((entry) => isWithin(target, entry));
        if (typeEntry && typeOnly) return;
        if (typeEntry) {
          context.report({
            node: loc,
            messageId: 'typesOnly',
            data: { ...data, specifier, target: describeEntry(typeEntry) },
          });
          return;
        }
        context.report({ node: loc, messageId: 'folder', data: { ...data, specifier, target, allowed } });
        return;
      }
      // Node's built-ins, with or without 'node:': 'fs', 'node:fs/promises', 'node:test'.
      if (isBuiltin(specifier)) {
        if (!layer.node) context.report({ node: loc, messageId: 'node', data: { ...data, specifier } });
        return;
      }
      const name = packageName(specifier);
      if (name === 'electron') {
        if (!layer.electron) context.report({ node: loc, messageId: 'electron', data: { ...data, specifier } });
        return;
      }
      if (packages === ANY_PACKAGE) return;
      const isListed = packages.some((entry) =>
        entry.endsWith('/*') ? name.startsWith(entry.slice(0, -1)) : name === entry,
      );
      if (isListed) return;
      const listed = packages.length > 0 ? packages.map((entry) => `'${entry}'`).join(', ') : 'none';
      context.report({ node: loc, messageId: 'package', data: { ...data, specifier, packages: listed } });
    });
  },
};

/** @type {import('eslint').Rule.RuleModule} */
const coreRoomsRule = {
  meta: {
    type: 'problem',
    docs: { description: `main/core's rooms import only rooms below them, through their index.ts (${DECLARED_IN})` },
    schema: [],
    messages: {
      upward:
        "{{importerRoom}} may not import {{targetRoom}} ('{{specifier}}'): a room imports only rooms below it, and {{targetRoom}} sits {{where}} (core-rooms rule, order in {{declaredIn}}). Fix: move what both need down into a lower room, or pass it in from above.",
      throughIndex:
        "{{importerRoom}} reaches into {{targetRoom}} ('{{specifier}}'): another room is imported only through its index.ts (core-rooms rule, {{declaredIn}}). Fix: import from '{{index}}', and export what you need there.",
      importsNoRoom:
        "{{importerRoom}} imports '{{specifier}}' ({{path}}), which is in no room of the core (core-rooms rule). Fix: put it in a room, or add its folder to CORE_ROOM_ORDER in {{declaredIn}}, with why it sits there.",
      noRoom:
        '{{path}} is in no room of the core (core-rooms rule). Fix: put it in a room, or add its folder to CORE_ROOM_ORDER (or a root file to CORE_ROOT_FILES) in {{declaredIn}}, with why it sits there.',
    },
  },
  create(context) {
    const importerPath = modulePath(context.filename);
    if (!isWithin(importerPath, CORE_FOLDER)) return {};
    const importerRoom = coreRoomOf(importerPath);
    if (!importerRoom) {
      return {
        Program: (node) =>
          context.report({
            node,
            messageId: 'noRoom',
            data: { path: repoPath(context.filename), declaredIn: DECLARED_IN },
          }),
      };
    }
    return onEveryImport((node, specifier) => {
      if (!isRelative(specifier)) return;
      const loc = /** @type {import('eslint').Rule.Node} */ (/** @type {unknown} */ (node));
      const target = resolveRelative(context.filename, specifier);
      const verdict = classifyCoreImport(importerRoom, target);
      if (verdict.kind === 'outside' || verdict.kind === 'sameRoom' || verdict.kind === 'allowed') return;
      if (verdict.kind === 'noRoom') {
        context.report({
          node: loc,
          messageId: 'importsNoRoom',
          data: { importerRoom: importerRoom.room, specifier, path: target, declaredIn: DECLARED_IN },
        });
        return;
      }
      const { targetRoom } = verdict;
      const data = { importerRoom: importerRoom.room, targetRoom: targetRoom.room, specifier, declaredIn: DECLARED_IN };
      if (verdict.kind === 'pastIndex') {
        const index = specifierFrom(context.filename, `${CORE_FOLDER}/${targetRoom.room}`);
        context.report({ node: loc, messageId: 'throughIndex', data: { ...data, index } });
        return;
      }
      const where = verdict.kind === 'beside' ? 'beside it (peers do not import each other)' : 'above it';
      context.report({ node: loc, messageId: 'upward', data: { ...data, where } });
    });
  },
};

/** The plugin eslint.config.js registers as `layering`. */
export default {
  meta: { name: 'podterm-layering' },
  rules: { layers: layersRule, 'core-rooms': coreRoomsRule },
};
