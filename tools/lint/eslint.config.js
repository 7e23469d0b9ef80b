// The project's lint rules. Run from the repository root: `npm run lint` (patterns are relative to it).
// Type-aware: each file is checked against the tsconfig of its runtime (RUNTIMES below), so a rule
// sees the lib and globals the file runs with; the project service, which takes the nearest
// tsconfig.json (the root one, everything with DOM and Node types), serves only files no runtime lists.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Which tsconfig types each runtime's files: the four `npm run typecheck` checks. */
const RUNTIMES = [
  {
    files: ['hub/**/*.{ts,tsx}', 'electron/**/*.ts', 'build/*.ts'],
    ignores: ['electron/preload.ts'],
    tsconfig: 'tsconfig.node.json',
  },
  { files: ['electron/preload.ts'], tsconfig: 'tsconfig.preload.json' },
  { files: ['renderer/**/*.{ts,tsx}'], tsconfig: 'tsconfig.web.json' },
  { files: ['test/**/*.{ts,tsx}', 'vitest.config.ts'], tsconfig: 'tsconfig.test.json' },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'renderer-dist/**',
      'electron-dist/**',
      'release/**',
      'test-results/**',
      'playwright-report/**',
      'bench-results/**',
      'tools/lint/node_modules/**',
      '.exp/**',
      '.insight-hub/**',
      // They import the published package (`insight-hub/client`); test/package checks them against it.
      'docs/examples/**',
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
      // A promise nobody awaits loses its rejection, and an unhandled rejection can end the process.
      // Every promise is awaited or gets a `.catch` that reports; `void p` does not silence this rule
      // (`ignoreVoid: false`), since "p never rejects" holds only until p changes.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // A `let` read by closures before its one assignment (an Electron window) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // An interface's async method may have nothing to await.
      '@typescript-eslint/require-await': 'off',
      // Methods handed on as callbacks here are arrow-bound or never use `this`; the type checker guards the rest.
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-syntax': [
        'error',
        // Branching on an engine's name (`engine.name === 'redis'`, `x.engine.name !== …`,
        // `switch (core.engine.name)`, optional chains too): ask its `capabilities` instead.
        ...[
          'BinaryExpression > ENGINE_NAME',
          'BinaryExpression > ChainExpression > ENGINE_NAME',
          'SwitchStatement > ENGINE_NAME.discriminant',
          'SwitchStatement > ChainExpression.discriminant > ENGINE_NAME',
        ].map((selector) => ({
          selector: selector.replace(
            'ENGINE_NAME',
            "MemberExpression[property.name='name']:matches([object.name=/^(engine|.*Engine)$/], [object.property.name=/^(engine|.*Engine)$/])",
          ),
          message: "Ask the engine's `capabilities`, not its name.",
        })),
      ],
    },
  },
  ...RUNTIMES.map(({ tsconfig, ...where }) => ({
    ...where,
    languageOptions: { parserOptions: { projectService: false, project: join(root, tsconfig) } },
  })),
  {
    // The SDK's WebSocket shim types accept both the DOM's and the `ws` package's sockets, whose
    // event types have nothing in common to name.
    files: ['hub/client/transport.ts', 'hub/client/types.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      // Tests reach into loose JSON frames on purpose, and assert on shapes the types already know.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'no-useless-assignment': 'off',
      '@typescript-eslint/consistent-type-imports': 'off',
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
