// `npm test`: typecheck, lint, unit + integration (vitest), e2e (Playwright in Chromium).
// Ends with one line "N passed, N failed" summed over every runner, and exits non-zero on any failure.
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
const vitestOk = step(
  'unit + integration',
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestOut}`],
  { OFD_TOP1_FILE: top1Out, OFD_CORPUS_FILE: corpusOut },
);
const v = readJson(vitestOut);
if (v)
  results.push({
    name: 'vitest',
    passed: v.numPassedTests,
    failed: v.numFailedTests + (vitestOk || v.numFailedTests ? 0 : 1),
  });
else results.push({ name: 'vitest', passed: 0, failed: 1 });

// Always a full build (not --if-stale), stamped so that a later `npm start` can skip it.
const built = step('build renderer', process.execPath, ['build/scripts/build-renderer.mjs']);
results.push({ name: 'build', passed: built ? 1 : 0, failed: built ? 0 : 1 });

const pwOut = resolve(tmp, 'playwright.json');
rmSync(pwOut, { force: true });
if (built) {
  const pwOk = step(
    'e2e (Playwright, Chromium)',
    'npx',
    ['playwright', 'test', '-c', 'e2e/playwright.config.ts'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: pwOut },
  );
  const p = existsSync(pwOut) ? readJson(pwOut) : undefined;
  if (p?.stats) {
    const failed = (p.stats.unexpected ?? 0) + (p.stats.flaky ?? 0);
    results.push({
      name: 'playwright',
      passed: p.stats.expected ?? 0,
      failed: failed + (pwOk || failed ? 0 : 1),
    });
  } else results.push({ name: 'playwright', passed: 0, failed: 1 });
}

console.log('\nSummary:');
for (const r of results) console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed`);
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
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
