// Builds the renderer with Vite into out/renderer/ and stamps it (out/renderer.stamp.json: a hash
// of renderer/ and shared/ without their tests, the lockfile and the TypeScript base config, and
// of the built index.html, whose asset names carry content hashes; see stamp.mjs).
//
//   node build/scripts/build-renderer.mjs             build (`npm run build:renderer`)
//   node build/scripts/build-renderer.mjs --if-stale  build only when an input changed (npm start)
//
// A build by other means (`npx vite build`) changes index.html, so the next --if-stale builds again.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale, listFiles, ROOT, runBuildScript } from './stamp.mjs';

const require = createRequire(import.meta.url);

/**
 * Builds out/renderer/ (with `ifStale`, only if an input changed); returns whether it built.
 * `logLevel` is Vite's: 'warn' by default, so a warning the build has (none today) is seen.
 */
export function buildRenderer({ ifStale = false, logLevel = 'warn' } = {}) {
  return buildIfStale({
    stamp: 'out/renderer.stamp.json',
    inputs: [
      ...listFiles(['renderer', 'shared']),
      'package-lock.json',
      'tsconfig.base.json',
      'build/scripts/build-renderer.mjs',
    ],
    outputs: ['out/renderer/index.html'],
    ifStale,
    build: () => {
      const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
      const args = [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', logLevel];
      const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runBuildScript('out/renderer/', buildRenderer).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
