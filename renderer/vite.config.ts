// Build config for the renderer. It runs in Node at build time, never in the renderer itself.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

/**
 * The dev server injects inline scripts (React refresh), inline <style> tags and an HMR
 * WebSocket. Relax the CSP for `vite serve` only; the built app keeps the strict policy.
 */
function devCsp(): Plugin {
  return {
    name: 'ofd-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace(
          "connect-src 'self'",
          "connect-src 'self' ws: http://127.0.0.1:* http://localhost:*",
        );
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), devCsp()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: false,
    // Two chunks, each under Vite's 500 kB advice: the libraries (React, zustand, zod, jose…),
    // which change only with the lockfile and stay cached, and the app itself.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'vendor', test: /[\\/]node_modules[\\/]/ }],
        },
      },
    },
  },
});
