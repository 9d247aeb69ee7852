// Flat config. The layering rule (DESIGN.md): the folder decides the runtime.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';

const noRenderer = {
  group: ['**/renderer/**'],
  message: 'The engine and its hosts never import the renderer.',
};

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
    // No import cycles (type-only imports do not count: they vanish at runtime, and the renderer
    // store's slices type one another by design). A cycle makes load order matter and ties every
    // module on it to the others; cut it by moving the shared piece into a module of its own.
    // maxDepth 12: far above the longest cycle this code has had (5 hops), and the time is in
    // parsing the modules, not in the depth (eslint . takes about 6 s more CPU with the rule).
    files: ['{shared,electron,renderer,e2e,build}/**/*.{ts,tsx,mjs}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
        }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true, maxDepth: 12 }] },
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
    // electron/practice (the practice server) is plain Node too: jose, oidc-provider, node:*.
    files: [
      'electron/core/**/*.ts',
      'electron/practice/**/*.ts',
      'e2e/**/*.ts',
      'build/scripts/**/*.{ts,mjs}',
    ],
    rules: {
      'no-restricted-imports': ['error', { paths: noElectron, patterns: [noRenderer] }],
    },
  },
  {
    // The plain-Node hosts never reach into the desktop shell (and so never load Electron).
    files: ['electron/web-host/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron,
          patterns: [
            noRenderer,
            {
              group: ['**/main/**', '**/preload/**'],
              message:
                'The web host and the CLI never import the desktop shell (electron/main, electron/preload).',
            },
          ],
        },
      ],
    },
  },
  {
    // The desktop shell shares the dispatch (shared/api/dispatch.ts), never the web host: `ws` and
    // the HTTP server stay out of the packaged main.
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noRenderer,
            {
              group: ['**/web-host/**', '**/cli/**'],
              message: 'electron/main and electron/preload never import the web host or the CLI.',
            },
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
