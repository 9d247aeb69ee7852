// Bundles the Electron main process and preload to CommonJS (sandboxed preloads cannot use ESM).
// Needs no Electron binary: 'electron' stays external.
//
//   node build/scripts/build-electron.mjs             build (`npm run build:electron`)
//   node build/scripts/build-electron.mjs --if-stale  build only when an input changed (npm start)
import { fileURLToPath } from 'node:url';
import { buildIfStale, ROOT, runBuildScript } from './stamp.mjs';

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  // oidc-provider (the practice server, loaded on demand with import()) stays a runtime dependency.
  external: ['electron', 'oidc-provider'],
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
};

/** Builds out/main/ and out/preload/ (with `ifStale`, only if an input changed). */
export function buildElectron({ ifStale = false } = {}) {
  return buildIfStale({
    stamp: 'out/electron.stamp.json',
    outputs: ['out/main/index.cjs', 'out/preload/index.cjs'],
    ifStale,
    build: async () => {
      const { build } = await import('esbuild');
      const results = await Promise.all([
        build({
          ...common,
          entryPoints: ['electron/main/index.ts'],
          outfile: 'out/main/index.cjs',
        }),
        build({
          ...common,
          entryPoints: ['electron/preload/index.ts'],
          outfile: 'out/preload/index.cjs',
        }),
      ]);
      const inputs = new Set(results.flatMap((r) => Object.keys(r.metafile.inputs)));
      return [
        ...[...inputs].filter((f) => !f.startsWith('node_modules/')).sort(),
        'build/scripts/build-electron.mjs',
        'build/scripts/stamp.mjs',
        'tsconfig.base.json',
        'package-lock.json',
      ];
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  await runBuildScript('out/main/index.cjs and out/preload/index.cjs', buildElectron);
