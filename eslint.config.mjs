// One linter: ESLint with typescript-eslint's type-aware rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Other packages are imported through their entry points only (rule options are replaced, not merged, per block). */
const PUBLIC_ENTRY_ONLY = { group: ['@clustr/*/src/*', '@clustr/*/src', '@clustr/*/internal/*', '**/packages/*/src/**'], message: 'Import another package through its public entry point.' };

export default tseslint.config(
  {
    // test/consumers: sources of throwaway user projects, compiled there under four module settings by scripts/check-packages.js.
    ignores: ['**/dist/**', '.stryker-tmp*/**', 'reports/**', '**/.scratch/**', '**/node_modules/**', '**/schema/**', 'coverage/**', 'bench/results/**', '**/*.d.ts', 'test/consumers/**', '**/generated/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { patterns: [PUBLIC_ENTRY_ONLY] },
      ],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The runtime is loaded by every process: it takes the light protocol entry (no TypeBox, no Ajv compiler).
    files: ['packages/runtime/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@clustr/protocol', message: "Import from '@clustr/protocol/core': the main entry loads TypeBox and Ajv's compiler at start-up." }],
          patterns: [PUBLIC_ENTRY_ONLY],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
