// `npm test`: typecheck, lint, unit + integration (vitest), Electronegativity, e2e (Playwright in
// Chromium, then in Electron when ELECTRON_PATH is set).
// Ends with one line "N passed, N failed" summed over every runner, and exits non-zero on any failure.
// Skipped tests are listed with their reason above that line; a skip never counts as a pass.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const results = [];
const tmp = '.tsbuild/test-results';
mkdirSync(tmp, { recursive: true });

function step(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function check(name, cmd, args) {
  const ok = step(name, cmd, args);
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

check('typecheck', 'npx', ['tsc', '-b']);
check('eslint', 'npx', ['eslint', '.']);
check('prettier', 'npx', ['prettier', '--check', '.']);

const vitestOut = `${tmp}/vitest.json`;
rmSync(vitestOut, { force: true });
// electron/core/vendor-diagnosis.test.ts writes its "vendor diagnosis top-1: …" line here.
const top1Out = resolve(tmp, 'top1.txt');
rmSync(top1Out, { force: true });
// electron/core/corpus.test.ts writes the rates over the corpus of real server answers here.
const corpusOut = resolve(tmp, 'corpus.txt');
rmSync(corpusOut, { force: true });
/** One vitest run of the given projects, its counts added to the results. */
function vitest(name, projects, out, env = {}) {
  rmSync(out, { force: true });
  const ok = step(
    name,
    'npx',
    [
      'vitest',
      'run',
      ...projects.flatMap((p) => ['--project', p]),
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
    ],
    env,
  );
  const v = readJson(out);
  if (v)
    results.push({
      name,
      passed: v.numPassedTests,
      failed: v.numFailedTests + (ok || v.numFailedTests ? 0 : 1),
    });
  else results.push({ name, passed: 0, failed: 1 });
}

vitest('unit + integration', ['node', 'renderer'], vitestOut, {
  OFD_TOP1_FILE: top1Out,
  OFD_CORPUS_FILE: corpusOut,
});
// 1,000 kill-during-write runs of the store: child processes, alone on the machine.
vitest('store durability', ['durability'], `${tmp}/vitest-durability.json`);

// Always a full build (not --if-stale), stamped so that a later `npm start` can skip it.
const built = step('build renderer', process.execPath, ['build/scripts/build-renderer.mjs']);
results.push({ name: 'build', passed: built ? 1 : 0, failed: built ? 0 : 1 });

// Electron's security checklist, statically, over the sources and the built page
// (findings of severity MEDIUM and above must be justified in build/electronegativity-justified.json).
check('electronegativity', process.execPath, ['build/scripts/electronegativity.mjs']);

/** The skip reasons of a Playwright JSON report, with how many tests each one skipped. */
function skipReasons(report) {
  const reasons = new Map();
  const walk = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === 'skipped') {
          const why =
            t.annotations?.find((a) => a.type === 'skip')?.description ?? 'no reason given';
          reasons.set(why, (reasons.get(why) ?? 0) + 1);
        }
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of report.suites ?? []) walk(s);
  return [...reasons].map(([why, n]) => `${n} × ${why}`);
}

/** Runs one Playwright config and records its counts (skips apart, with their reasons). */
function playwright(name, title, config) {
  const out = resolve(tmp, `${name}.json`);
  rmSync(out, { force: true });
  const ok = step(title, 'npx', ['playwright', 'test', '-c', config], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: out,
  });
  const p = existsSync(out) ? readJson(out) : undefined;
  if (p?.stats) {
    const failed = (p.stats.unexpected ?? 0) + (p.stats.flaky ?? 0);
    results.push({
      name,
      passed: p.stats.expected ?? 0,
      failed: failed + (ok || failed ? 0 : 1),
      skipped: p.stats.skipped ?? 0,
      skipReasons: skipReasons(p),
    });
  } else results.push({ name, passed: 0, failed: 1 });
}

if (built) playwright('playwright', 'e2e (Playwright, Chromium)', 'e2e/playwright.config.ts');

// The desktop app: its main and preload bundles always build (no Electron binary needed); the
// Playwright _electron run needs ELECTRON_PATH and otherwise reports its tests as skipped.
const builtElectron = step('build electron', process.execPath, [
  'build/scripts/build-electron.mjs',
]);
results.push({
  name: 'build electron',
  passed: builtElectron ? 1 : 0,
  failed: builtElectron ? 0 : 1,
});
if (built && builtElectron)
  playwright(
    'playwright-electron',
    'e2e (Playwright, Electron)',
    'e2e/electron/playwright.config.ts',
  );

console.log('\nSummary:');
for (const r of results)
  console.log(
    `  ${r.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`,
  );
console.log(
  `  ${existsSync(top1Out) ? readFileSync(top1Out, 'utf8').trim() : 'vendor diagnosis top-1: not reported (the vendor diagnosis test did not run)'}`,
);
// The two rates of the corpus (first line) and the words-only figure; the misses stay in the log.
console.log(
  `  ${
    existsSync(corpusOut)
      ? readFileSync(corpusOut, 'utf8').split('\n').slice(0, 2).join('\n  ').trim()
      : 'diagnosis corpus: not reported (the corpus test did not run)'
  }`,
);
const skipped = results.filter((r) => r.skipped);
if (skipped.length)
  console.log(
    `  skipped (not counted as passed): ${skipped
      .map((r) => `${r.name}: ${r.skipReasons?.join('; ') || `${r.skipped} tests`}`)
      .join(' | ')}`,
  );
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
