import type { Finding, Severity } from './codes.js';

const SEVERITY: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Orders a list of findings that is not a refusal's diagnosis (a pre-flight lint, the checks of
 * an id_token): errors before warnings before info, stable; exact repeats dropped.
 * A refusal is ranked by `diagnose` (pipeline.ts), which weighs the evidence.
 */
export function rankFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY[a.f.severity] - SEVERITY[b.f.severity] || a.i - b.i)
    .map(({ f }) => f)
    .filter((f) => {
      const key = `${f.code}\u0000${f.evidence}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}
