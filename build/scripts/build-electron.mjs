// Bundles the Electron main process and preload to CommonJS (sandboxed preloads cannot use ESM).
// Needs no Electron binary: 'electron' stays external.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['electron/main/index.ts'], outfile: 'out/main/index.cjs' });
await build({
  ...common,
  entryPoints: ['electron/preload/index.ts'],
  outfile: 'out/preload/index.cjs',
});
console.log('Built out/main/index.cjs and out/preload/index.cjs');
