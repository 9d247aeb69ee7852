/**
 * The filter of build/scripts/electronegativity.mjs (which findings fail `npm test`), on a fixture
 * report shaped like Electronegativity's run() result, and the script's exit code on it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSP } from '../../shared/api/csp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'build/scripts/electronegativity.mjs');

interface Issue {
  id: string;
  file: string;
  severity: { name: string; value: number };
  confidence: { name: string; value: number };
  location: { line: number; column: number };
  sample?: string;
}
interface Justification {
  check: string;
  file: string;
  reason: string;
}
interface FilterModule {
  filterFindings(
    issues: Issue[],
    justified: Justification[],
    minSeverity?: string,
  ): { unjustified: Issue[]; accepted: { issue: Issue }[]; stale: Justification[] };
}

const sev = { HIGH: 3, MEDIUM: 2, LOW: 1, INFORMATIONAL: 0 } as const;
function issue(id: string, file: string, severity: keyof typeof sev, line = 1): Issue {
  return {
    id,
    file,
    severity: { name: severity, value: sev[severity] },
    confidence: { name: 'FIRM', value: 1 },
    location: { line, column: 0 },
    sample: `sample of ${id}`,
  };
}

/** A report as Electronegativity returns it (relative paths, Windows separators in one). */
const REPORT = {
  issues: [
    issue('OPEN_EXTERNAL_JS_CHECK', 'electron/main/open-external.ts', 'MEDIUM', 29),
    issue('PROTOCOL_HANDLER_JS_CHECK', 'electron\\main\\custom-scheme.ts', 'MEDIUM', 44),
    issue('PROTOCOL_HANDLER_JS_CHECK', 'electron/main/custom-scheme.ts', 'MEDIUM', 45),
    issue('CSP_GLOBAL_CHECK', 'renderer/index.html', 'LOW', 5),
    issue('ELECTRON_VERSION_JSON_CHECK', 'package.json', 'INFORMATIONAL'),
    issue('NODE_INTEGRATION_JS_CHECK', 'electron/main/window.ts', 'HIGH', 14),
    issue('OPEN_EXTERNAL_JS_CHECK', 'electron/main/window.ts', 'MEDIUM', 50),
  ],
};
const JUSTIFIED: Justification[] = [
  { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'electron/main/open-external.ts', reason: 'allow-list' },
  {
    check: 'PROTOCOL_HANDLER_JS_CHECK',
    file: 'electron/main/custom-scheme.ts',
    reason: 'RFC 8252',
  },
  { check: 'PRELOAD_JS_CHECK', file: 'electron/main/window.ts', reason: 'gone since' },
];

async function load(): Promise<FilterModule> {
  // A path in a variable: the .mjs has no type declarations, FilterModule is its shape.
  const path = SCRIPT;
  return (await import(path)) as FilterModule;
}

function runScript(report: unknown, justified: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'ofd-eng-'));
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
  writeFileSync(join(dir, 'justified.json'), JSON.stringify(justified));
  return spawnSync(
    process.execPath,
    [SCRIPT, '--report', join(dir, 'report.json'), '--justified', join(dir, 'justified.json')],
    { encoding: 'utf8' },
  );
}

describe('build/scripts/electronegativity.mjs', () => {
  it('keeps findings of severity MEDIUM and above that no justification (check id + file) covers', async () => {
    const { filterFindings } = await load();
    const r = filterFindings(REPORT.issues, JUSTIFIED);
    // The HIGH one, and openExternal in a file whose use of it is not justified.
    expect(r.unjustified.map((i) => `${i.id} ${i.file}`)).toEqual([
      'NODE_INTEGRATION_JS_CHECK electron/main/window.ts',
      'OPEN_EXTERNAL_JS_CHECK electron/main/window.ts',
    ]);
    // Both protocol-handler lines are covered by one entry, whatever the path separator.
    expect(r.accepted.map((a) => a.issue.location.line)).toEqual([29, 44, 45]);
    expect(r.stale.map((j) => j.check)).toEqual(['PRELOAD_JS_CHECK']);
    // LOW and INFORMATIONAL are reported by the tool but never fail the run.
    expect(filterFindings(REPORT.issues.slice(3, 5), []).unjustified).toEqual([]);
    expect(filterFindings(REPORT.issues.slice(3, 5), [], 'LOW').unjustified).toHaveLength(1);
  });

  it('refuses a justification without a reason, and an unknown severity', async () => {
    const { filterFindings } = await load();
    expect(() => filterFindings(REPORT.issues, [{ check: 'X', file: 'y', reason: '  ' }])).toThrow(
      /needs check, file and reason/,
    );
    expect(() => filterFindings(REPORT.issues, [], 'SEVERE')).toThrow(/Unknown severity/);
  });

  it('exits non-zero on a finding without a justification, zero when every one is justified', () => {
    const failing = runScript(REPORT, JUSTIFIED);
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain(
      'NOT JUSTIFIED  NODE_INTEGRATION_JS_CHECK HIGH/FIRM electron/main/window.ts:14',
    );
    expect(failing.stderr).toContain(
      'NOT JUSTIFIED  OPEN_EXTERNAL_JS_CHECK MEDIUM/FIRM electron/main/window.ts:50',
    );

    const passing = runScript({ issues: REPORT.issues.slice(0, 5) }, JUSTIFIED.slice(0, 2));
    expect(passing.status).toBe(0);
    expect(passing.stdout).toContain('5 findings');
    expect(passing.stdout).toContain('3 justified, 0 not justified');
  });

  it('the checked-in justifications each name a check, a file that exists and a reason', () => {
    const list = JSON.parse(
      readFileSync(join(ROOT, 'build/electronegativity-justified.json'), 'utf8'),
    ) as Justification[];
    expect(list.length).toBeGreaterThan(0);
    for (const j of list) {
      expect(j.check).toMatch(/^[A-Z_]+_CHECK$/);
      expect(() => readFileSync(join(ROOT, j.file))).not.toThrow();
      expect(j.reason.trim().length).toBeGreaterThan(20);
    }
  });

  it('the renderer page carries the header CSP as a meta tag (visible to the checker), minus frame-ancestors', () => {
    const html = readFileSync(join(ROOT, 'renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const directives = (p: string) =>
      p
        .split(';')
        .map((d) => d.trim().replace(/\s+/g, ' '))
        .filter(Boolean)
        .sort();
    // frame-ancestors is ignored in a meta tag (CSP3 §6.1.2): it stays a header-only directive.
    expect(directives(meta ?? '')).toEqual(
      directives(CSP).filter((d) => !d.startsWith('frame-ancestors')),
    );
  });
});
