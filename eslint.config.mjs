// ESLint 9 flat config: typescript-eslint's recommended rules for the TypeScript (extension, emulator,
// tests), ESLint's recommended rules for the plain JavaScript (build and harness scripts, e2e flows).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The pure files of src: no `vscode` import (not even of a type), so they run and are tested in plain
// Node. src/platform, src/util and src/github whole; elsewhere, file by file (test/unit/lint.test.ts fails when a
// file of src without a `vscode` import is not listed here).
const PURE_FILES = [
  'src/platform/**/*.ts',
  'src/util/**/*.ts',
  'src/github/**/*.ts',
  'src/githubSecrets/choices.ts',
  'src/githubSecrets/prefetch.ts',
  'src/accounts/accountCache.ts',
  'src/accounts/databasesModel.ts',
  'src/accounts/organizationsModel.ts',
  'src/auth/cliToken.ts',
  'src/auth/expiry.ts',
  'src/auth/loopbackLogin.ts',
  'src/auth/useCreatedToken.ts',
  'src/commands/databaseTokenChoices.ts',
  'src/commands/deps.ts',
  'src/commands/refresh.ts',
  'src/commands/rotate/deps.ts',
  'src/commands/rotate/labels.ts',
  'src/commands/rotate/run.ts',
  'src/commands/rotate/secretTexts.ts',
  'src/commands/target.ts',
  'src/lazy/codeCache.ts',
  'src/lazy/commands.ts',
  'src/lazy/load.ts',
  'src/views/contextValues.ts',
  'src/views/databaseNodes.ts',
  'src/views/organizationNodes.ts',
  'src/views/treeModel.ts',
  'src/webview/rescue.ts',
  'src/webview/revealHtml.ts',
  'src/workspace/databaseTokenRules.ts',
  'src/workspace/envFile.ts',
  'src/workspace/gitState.ts',
  'src/workspace/globs.ts',
  'src/workspace/localFile.ts',
  'src/workspace/tokenFinder.ts',
];

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', '.test-results/**', '.vscode-test/**', '**/*.vsix', 'coverage/**'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    rules: {
      // unused function parameters are part of VS Code / mocha signatures; `_`-prefixed ones are intended
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-throw-literal': 'error',
      curly: ['error', 'multi-line'],
      // a `let` assigned after a closure that reads it was created is intended
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // tsc checks this with types (noFallthroughCasesInSwitch), knowing `process.exit()` returns never
      'no-fallthrough': 'off',
    },
  },
  {
    // Every message goes through src/ui/notify.ts, which makes server text inert (no live links, no
    // bidirectional overrides, no icon syntax in the status bar): nothing else calls VS Code's own.
    files: ['src/**/*.ts'],
    ignores: ['src/ui/notify.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'setStatusBarMessage'].map((property) => ({
          property,
          message: `Use ${property} from src/ui/notify.ts: it makes server text inert.`,
        })),
      ],
    },
  },
  {
    // One helper says what an error is (src/util/errors.ts): no copy of it inline.
    files: ['src/**/*.ts'],
    ignores: ['src/util/errors.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ConditionalExpression[test.type='BinaryExpression'][test.operator='instanceof'][test.right.name='Error'][consequent.property.name='message']",
          message: 'Use errorMessage(err) from src/util/errors.ts.',
        },
      ],
    },
  },
  {
    files: PURE_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'This file is pure (listed in eslint.config.mjs): it runs in plain Node, without VS Code.' }] },
      ],
    },
  },
  {
    // the in-host suite loads the emulator / vscode lazily, from the extension host
    files: ['test/host/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ignores: ['**/*.mjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // webview scripts run in the webview's browser frame
    files: ['media/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
  },
  {
    files: ['test/e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.mocha } },
  },
);
