// Bundles the CLI (and the web host its `serve` loads) to out/cli/*.mjs with esbuild, so the bin
// starts without compiling TypeScript. node_modules stay external (imported at run time), and
// the modules each command needs are split into chunks that load only when it runs, so `--help`
// loads no engine at all.
//
//   node build/scripts/build-cli.mjs             build (the prepare script, `npm run build:cli`)
//   node build/scripts/build-cli.mjs --if-stale  build only when an input changed (npm start)
//
// out/cli/stamp.json lists the bundle's inputs (esbuild's metafile) with their hash (see
// stamp.mjs); electron/cli/bin.mjs compares their mtimes with it to notice edits made since.
// The chunks sit flat in out/cli/, two folders below the root like electron/web-host/, so the
// web host's `new URL('../../out/renderer/', import.meta.url)` finds the renderer from either.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale, ROOT, runBuildScript } from './stamp.mjs';

const OUT = 'out/cli';
// Not modules of the bundle, but they change its output.
const EXTRA_INPUTS = [
  'build/scripts/build-cli.mjs',
  'build/scripts/stamp.mjs',
  'tsconfig.base.json',
  'electron/tsconfig.json',
  'package-lock.json',
];

/**
 * Replaces out/cli/ file by file (each written aside, then renamed over), chunks first and the
 * entry last, then removes what the new build no longer has: a CLI process starting meanwhile
 * reads one build or the other, never a half-written or emptied folder.
 */
function writeOutputs(files) {
  const dir = join(ROOT, OUT);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'index.mjs');
  const keep = new Set(['stamp.json']);
  for (const f of [...files].sort((a, b) => (a.path === entry) - (b.path === entry))) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
    keep.add(basename(f.path));
  }
  for (const name of readdirSync(dir))
    if (!keep.has(name)) rmSync(join(dir, name), { force: true });
}

/** Builds out/cli/ (with `ifStale`, only if an input changed); returns whether it built. */
export function buildCli({ ifStale = false } = {}) {
  return buildIfStale({
    stamp: `${OUT}/stamp.json`,
    outputs: [`${OUT}/index.mjs`],
    ifStale,
    build: async () => {
      const { build, stop } = await import('esbuild');
      const result = await build({
        absWorkingDir: ROOT,
        entryPoints: { index: 'electron/cli/index.ts' },
        bundle: true,
        splitting: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        outdir: OUT,
        outExtension: { '.js': '.mjs' },
        chunkNames: '[name]-[hash]',
        metafile: true,
        write: false,
        logLevel: 'warning',
      });
      // esbuild's service process is not needed again (npm start goes on to serve the UI).
      await stop();
      writeOutputs(result.outputFiles);
      return [...Object.keys(result.metafile.inputs).sort(), ...EXTRA_INPUTS];
    },
  });
}

/**
 * Without dev dependencies (`npm install --omit=dev`) there is no esbuild; the bin still works,
 * through tsx, so callers print this note instead of failing.
 */
export function noEsbuild(e) {
  return e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes("'esbuild'")
    ? 'esbuild is not installed, so the CLI was not bundled: it runs through tsx.'
    : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runBuildScript('out/cli/index.mjs', buildCli).catch((e) => {
    if (!noEsbuild(e)) throw e;
    console.warn(noEsbuild(e));
  });
}
