// Flat config. The layering rule (DESIGN.md): the folder decides the runtime.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const noElectron = [
  { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' },
  { name: 'electron-store', message: 'Only electron/main may import electron-store.' },
];

export default tseslint.config(
  { ignores: ['node_modules', 'out', '.tsbuild', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Render server text as text: no dangerouslySetInnerHTML.',
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // A source file that grows past 900 lines holds more than one thing: split it by what it does.
    files: ['{shared,electron,renderer}/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: { 'max-lines': ['error', { max: 900 }] },
  },
  {
    // Playwright fixtures declare their dependencies with an (often empty) object pattern.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...noElectron, { name: 'react', message: 'shared/ is pure TypeScript.' }],
          patterns: [
            { group: ['node:*'], message: 'shared/ is pure: no Node APIs.' },
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'shared/ imports nothing above it.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'process', 'Buffer'],
    },
  },
  {
    files: [
      'electron/core/**/*.ts',
      'electron/web-host/**/*.ts',
      'electron/cli/**/*.ts',
      'e2e/**/*.ts',
      'build/scripts/**/*.{ts,mjs}',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron,
          patterns: [
            { group: ['**/renderer/**'], message: 'The engine never imports the renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    // The Vite config is Node build tooling that sits beside the renderer, not renderer code.
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron,
          patterns: [
            { group: ['node:*'], message: 'The renderer never imports Node.' },
            { group: ['**/electron/**'], message: 'The renderer talks only to the contract.' },
          ],
        },
      ],
    },
  },
);
