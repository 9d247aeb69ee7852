// Content stamps for incremental builds. A build records, beside its output, the list of its
// inputs, their hash, a hash of its outputs and the time it started (`checkedAt`); `--if-stale`
// builds again only when an input hashes differently or the outputs were replaced or removed.
// Plain Node, no dependencies: start.mjs and the prepare script import it before anything else.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; every path in a stamp is relative to it. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** SHA-256 over the files' paths and contents, in the given order; a missing file hashes as such. */
export function hashFiles(files) {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${f}\0`);
    try {
      h.update(readFileSync(join(ROOT, f)));
    } catch {
      h.update('\0missing\0');
    }
    h.update('\0');
  }
  return h.digest('hex');
}

/** Every file under the folders (relative to the root), sorted, skipping tests and dotfiles. */
export function listFiles(dirs) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !/\.test\.[cm]?[jt]sx?$/.test(e.name)) out.push(p);
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}

function readStamp(file) {
  try {
    return JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeStamp(file, stamp) {
  mkdirSync(dirname(join(ROOT, file)), { recursive: true });
  writeFileSync(join(ROOT, file), `${JSON.stringify(stamp, null, 1)}\n`);
}

/**
 * Runs `build()` unless `ifStale` and the stamp shows the same inputs and outputs. The inputs
 * (root-relative) are either known before the build (`inputs`, hashed before it runs) or what
 * `build` returns (a bundler's metafile). Returns whether it built.
 */
export async function buildIfStale({ stamp: stampFile, inputs, outputs, ifStale, build }) {
  const checkedAt = Date.now();
  const stamp = ifStale ? readStamp(stampFile) : undefined;
  const hash = inputs && hashFiles(inputs);
  if (
    stamp &&
    (inputs ? stamp.hash === hash : stamp.hash === hashFiles(stamp.inputs)) &&
    stamp.output === hashFiles(outputs)
  ) {
    // Only mtimes may have changed (a checkout, a touch): record that the inputs were checked,
    // for electron/cli/bin.mjs, which compares mtimes with `checkedAt` rather than hashing.
    writeStamp(stampFile, { ...stamp, checkedAt });
    return false;
  }
  const built = await build();
  const used = inputs ?? built;
  writeStamp(stampFile, {
    inputs: used,
    hash: hash ?? hashFiles(used),
    output: hashFiles(outputs),
    checkedAt,
  });
  return true;
}

/**
 * For the build scripts' command lines: `--if-stale` builds only when an input changed, and a
 * line on stderr says what happened (`--quiet`: nothing when there was nothing to build).
 */
export async function runBuildScript(name, buildFn) {
  const ifStale = process.argv.includes('--if-stale');
  const t0 = performance.now();
  const built = await buildFn({ ifStale });
  if (built) console.error(`Built ${name} in ${Math.round(performance.now() - t0)} ms`);
  else if (!process.argv.includes('--quiet'))
    console.error(`${name}: inputs unchanged since the last build, not rebuilt`);
  return built;
}
