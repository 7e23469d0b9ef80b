// The project's lint rules. Run from the repository root: `npm run lint` (patterns are relative to it).
// Type-aware: each file is checked against the tsconfig of its runtime via the project service.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**', 'dist/**', 'renderer-dist/**', 'electron-dist/**', 'release/**', 'test-results/**',
      'playwright-report/**', 'bench-results/**', 'tools/lint/node_modules/**', '.exp/**', '.insight-hub/**',
    ],
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
      globals: { ...globals.node },
    },
    rules: {
      // A promise nobody awaits loses its rejection; `void` must be a decision, with its reason beside it.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: process.env.LINT_VOID !== 'ignore' ? false : true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: "BinaryExpression[operator='==='][left.property.name='name'][right.value='redis']", message: 'Ask the engine for a capability instead of its name.' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      // Tests reach into loose JSON frames on purpose.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
);
