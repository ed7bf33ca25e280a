// @ts-check
/**
 * Lint with zero warnings, plus the layering rule: the folder says which process code runs in, and these
 * restrictions stop an import that would break that (see ARCHITECTURE.md, "Who may import whom").
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`), 'node:*'];

/** @param {{ electron?: boolean, node?: boolean, folders: string[] }} forbidden */
function layer(forbidden) {
  const paths = [];
  if (forbidden.electron)
    paths.push({ name: 'electron', message: "Only main/electron and preload may import 'electron'." });
  const patterns = forbidden.folders.map((folder) => ({
    group: [`**/${folder}`, `**/${folder}/**`],
    message: `This layer may not import from ${folder}/ (see ARCHITECTURE.md).`,
  }));
  if (forbidden.node) {
    patterns.push({ group: nodeBuiltins, message: 'This layer runs without Node: no Node built-ins.' });
  }
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/', 'release/', '.tsbuild/', 'node_modules/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.js', 'main/**', 'test/**', 'preload/**'], languageOptions: { globals: globals.node } },
  { files: ['renderer/**'], languageOptions: { globals: globals.browser } },
  {
    files: ['renderer/**/*.tsx', 'renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // --- the layering rule ---
  {
    files: ['common/**'],
    rules: layer({ electron: true, node: true, folders: ['main', 'preload', 'renderer', 'test'] }),
  },
  {
    files: ['main/core/**'],
    rules: layer({ electron: true, folders: ['main/electron', 'main/web', 'main/cli', 'preload', 'renderer', 'test'] }),
  },
  {
    files: ['main/web/**'],
    rules: layer({ electron: true, folders: ['main/electron', 'preload', 'renderer', 'test'] }),
  },
  // The command line: plain Node on the same core, like the browser mode.
  {
    files: ['main/cli/**'],
    rules: layer({ electron: true, folders: ['main/electron', 'main/web', 'preload', 'renderer', 'test'] }),
  },
  { files: ['main/electron/**'], rules: layer({ folders: ['main/web', 'preload', 'renderer', 'test'] }) },
  { files: ['preload/**'], rules: layer({ folders: ['main', 'renderer', 'test'] }) },
  { files: ['renderer/**'], rules: layer({ electron: true, node: true, folders: ['main', 'preload', 'test'] }) },
);
