// @ts-check
/**
 * Lint with zero warnings, plus the layering rules: the folder says which process code runs in, and each layer may
 * import only what its allow-list names (scripts/layering/layers.mjs; see ARCHITECTURE.md, "Who may import whom").
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import layering from './scripts/layering/eslintPlugin.mjs';

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
  {
    // Loading @kubernetes/client-node costs 0.6-0.9 s: main takes its values through kube/access/clientNode.ts, which
    // loads it on first use. Type imports cost nothing at run time and stay allowed.
    files: ['main/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@kubernetes/client-node',
              allowTypeImports: true,
              message: 'import its values through kube/access (kubernetesClient(), newKubeConfig()): it loads lazily',
            },
          ],
        },
      ],
    },
  },
  // --- the layering rules: allow-lists per layer and the order of main/core's rooms, in scripts/layering/layers.mjs ---
  { plugins: { layering }, rules: { 'layering/layers': 'error' } },
  { files: ['main/core/**'], rules: { 'layering/core-rooms': 'error' } },
);
