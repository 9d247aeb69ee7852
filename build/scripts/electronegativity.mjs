// Runs Doyensec Electronegativity (SECURITY.md section 1.2) over what ships: electron/ and
// renderer/ without tests and test doubles, and the built renderer HTML in out/renderer/ when it
// exists. Fails on any finding of severity MEDIUM or above that build/electronegativity-justified.json
// does not justify (one entry per accepted finding: check id + file + a one-line reason).
//
//   node build/scripts/electronegativity.mjs                     scan, filter, exit 1 on a new finding
//   node build/scripts/electronegativity.mjs --report r.json     filter a saved report instead of scanning
//   node build/scripts/electronegativity.mjs --justified j.json  another justification file
//   node build/scripts/electronegativity.mjs --save-report r.json  also write the raw findings
//
// Offline, Electronegativity prints that it could not fetch translations or Electron's releases
// and carries on (AVAILABLE_SECURITY_FIXES then reports nothing, so it is not run).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

/** Severity ranks as Electronegativity names them (src/finder/attributes.js). */
export const SEVERITY = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

/** Posix path relative to the repository, whatever the scan root was. */
function normalizeFile(file) {
  return String(file).replace(/\\/g, '/').replace(/^\.\//, '');
}

/**
 * The findings at or above `minSeverity` that no justification covers, and the justifications
 * that matched nothing (stale: the code they excused is gone). A justification covers every
 * finding of its check in its file; it needs a non-empty reason.
 */
export function filterFindings(issues, justified, minSeverity = 'MEDIUM') {
  const min = SEVERITY[minSeverity];
  if (min === undefined) throw new Error(`Unknown severity ${minSeverity}`);
  for (const j of justified)
    if (
      !j ||
      typeof j.check !== 'string' ||
      typeof j.file !== 'string' ||
      !String(j.reason ?? '').trim()
    )
      throw new Error(`A justification needs check, file and reason: ${JSON.stringify(j)}`);
  const used = new Set();
  const unjustified = [];
  const accepted = [];
  for (const issue of issues) {
    const rank = SEVERITY[issue.severity?.name ?? issue.severity];
    if (rank === undefined)
      throw new Error(`Finding without a known severity: ${JSON.stringify(issue)}`);
    if (rank < min) continue;
    const file = normalizeFile(issue.file);
    const j = justified.find((x) => x.check === issue.id && normalizeFile(x.file) === file);
    if (j) {
      used.add(j);
      accepted.push({ issue, justification: j });
    } else unjustified.push(issue);
  }
  return { unjustified, accepted, stale: justified.filter((j) => !used.has(j)) };
}

function describe(issue) {
  const line = issue.location?.line ?? 0;
  const sev = issue.severity?.name ?? issue.severity;
  const conf = issue.confidence?.name ?? issue.confidence ?? '';
  return `${issue.id} ${sev}/${conf} ${normalizeFile(issue.file)}:${line}  ${issue.sample ?? ''}`.trim();
}

/** Copies what ships into a scratch folder (Electronegativity takes one input folder). */
function stageInput(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const shipped = (src) => {
    const rel = normalizeFile(relative(ROOT, src));
    return (
      !rel.includes('node_modules') &&
      !/\.test\.(ts|tsx)$/.test(rel) &&
      rel !== 'electron/testing' &&
      !rel.startsWith('electron/testing/') &&
      rel !== 'renderer/src/test-setup.ts'
    );
  };
  for (const d of ['electron', 'renderer'])
    cpSync(join(ROOT, d), join(dir, d), { recursive: true, filter: shipped });
  // The built page (its meta CSP is what the app loads); the bundled JS is the renderer source again.
  if (existsSync(join(ROOT, 'out/renderer/index.html'))) {
    mkdirSync(join(dir, 'out/renderer'), { recursive: true });
    cpSync(join(ROOT, 'out/renderer/index.html'), join(dir, 'out/renderer/index.html'));
  }
  // For the Electron version (ELECTRON_VERSION_JSON_CHECK and the version-dependent checks).
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
}

async function scan() {
  const input = resolve(ROOT, '.tsbuild/electronegativity-input');
  stageInput(input);
  const run = require('@doyensec/electronegativity');
  const electronVersion = JSON.parse(
    readFileSync(require.resolve('electron/package.json'), 'utf8'),
  ).version;
  const result = await run({
    input,
    isRelative: true,
    electronVersionOverride: electronVersion,
    // Needs the network (GitHub's release list); offline it silently reports nothing.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });
  const fatal = result.errors.filter((e) => !e.tolerable);
  for (const e of fatal)
    console.error(
      `electronegativity could not parse ${normalizeFile(relative(input, e.file))}: ${e.message}`,
    );
  return { issues: result.issues, fatal };
}

async function main() {
  const { values } = parseArgs({
    options: {
      report: { type: 'string' },
      justified: { type: 'string', default: join(ROOT, 'build/electronegativity-justified.json') },
      'save-report': { type: 'string' },
      'min-severity': { type: 'string', default: 'MEDIUM' },
    },
  });
  const justified = JSON.parse(readFileSync(values.justified, 'utf8'));
  let issues;
  let fatal = [];
  if (values.report) issues = JSON.parse(readFileSync(values.report, 'utf8')).issues;
  else ({ issues, fatal } = await scan());
  if (values['save-report'])
    writeFileSync(values['save-report'], `${JSON.stringify({ issues }, null, 2)}\n`);

  const { unjustified, accepted, stale } = filterFindings(
    issues,
    justified,
    values['min-severity'],
  );
  const below = issues.length - unjustified.length - accepted.length;
  console.log(
    `electronegativity: ${issues.length} findings, ${below} below ${values['min-severity']}, ${accepted.length} justified, ${unjustified.length} not justified`,
  );
  for (const { issue, justification } of accepted)
    console.log(`  justified  ${describe(issue)}\n             ${justification.reason}`);
  for (const j of stale)
    console.warn(`  stale justification (matches no finding): ${j.check} ${j.file}`);
  for (const issue of unjustified) console.error(`  NOT JUSTIFIED  ${describe(issue)}`);
  if (unjustified.length)
    console.error(
      'Fix the code, or add {check, file, reason} to build/electronegativity-justified.json.',
    );
  process.exit(unjustified.length || fatal.length ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
