#!/usr/bin/env node
// Runs the bundled CLI, out/cli/index.mjs (built by `npm install`'s prepare script, `npm start`,
// `npm run cli` and `npm run build:cli`; see build/scripts/build-cli.mjs), so no TypeScript is
// compiled at start. When the bundle is missing (install scripts skipped, dev dependencies
// omitted) or a source file changed after it was built, this falls back to the TypeScript
// sources through tsx (a runtime dependency) with a one-line note on stderr. It does not build
// the bundle itself: esbuild is a devDependency, and a build from here could race another CLI
// process that is reading the bundle.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

/** Why the bundle cannot be used, or undefined when it is current (one stat per source file). */
function bundleProblem() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(new URL('out/cli/stamp.json', root), 'utf8'));
    statSync(new URL('out/cli/index.mjs', root));
  } catch {
    return 'out/cli/ holds no bundle';
  }
  for (const file of stamp.inputs) {
    let mtime;
    try {
      mtime = statSync(new URL(file, root)).mtimeMs;
    } catch {
      return `${file} is gone since out/cli/ was built`;
    }
    if (mtime > stamp.checkedAt) return `${file} changed after out/cli/ was built`;
  }
  return undefined;
}

const problem = bundleProblem();
if (problem === undefined) await import('../../out/cli/index.mjs');
else {
  process.stderr.write(
    `Note: running the CLI from its TypeScript sources through tsx (slow start): ${problem}; "npm run build:cli" bundles it.\n`,
  );
  const { register } = await import('tsx/esm/api');
  register();
  await import('./index.ts');
}
