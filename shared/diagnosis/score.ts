/**
 * How the pipeline weighs its evidence: the scores of each kind, the stated causes a check can
 * explain, and the one ranking of a refusal's findings.
 */
import type { Basis, CauseCode, Finding } from './codes.js';

/** Scores by evidence; higher ranks first. */
export const SCORE = {
  vendorServer: 600,
  dialect: 690,
  dialectKnown: 695,
  specificCode: 650,
  status: 640,
  words: 600,
  familyCheck: 610,
  familyHistory: 606,
  familyVendor: 603,
  serverClass: 550,
  weakClass: 490,
  check: 500,
  history: 450,
  vendor: 400,
  inference: 300,
} as const;

export interface Cand {
  f: Finding;
  score: number;
  /** Made by the pipeline (not passed in): dropped when a better finding has the same code. */
  generated: boolean;
  /**
   * A reading of the server's answer that only names the cause code (an error code's meaning,
   * the generic reader of words): a finding of the same code with more specific evidence (a
   * check, a vendor rule) takes its place and rank, with what the server answered.
   */
  mergeable?: boolean;
  /** A candidate cause (of a server's catch-all, or inferred): never takes a statement's rank. */
  candidate?: boolean;
}

/**
 * A stated cause and the checks that explain it: the server says the signature failed, and the
 * check found the kid is not in the registered JWKS; the server says the scope is not allowed,
 * and the check found a patient/ scope in client_credentials. The check then leads (it says what
 * to change), carrying what the server answered.
 */
export const EXPLAINS: Partial<Record<CauseCode, readonly CauseCode[]>> = {
  ASSERTION_SIGNATURE_INVALID: [
    'ASSERTION_KID_NOT_FOUND',
    'ASSERTION_JKU_MISMATCH',
    'ASSERTION_ALG_NOT_ACCEPTED',
    'JWKS_UNREACHABLE',
    'ASSERTION_IN_AUTH_HEADER',
  ],
  ASSERTION_KID_NOT_FOUND: ['ASSERTION_JKU_MISMATCH', 'JWKS_UNREACHABLE'],
  SCOPE_NOT_ALLOWED: ['SCOPE_INVALID_FOR_GRANT', 'SCOPE_SYNTAX'],
  CLIENT_METADATA_INVALID: ['REDIRECT_URI_MISMATCH', 'AUTH_METHOD_MISMATCH', 'GRANT_NOT_ALLOWED'],
  REQUEST_MALFORMED: [
    'ASSERTION_IN_AUTH_HEADER',
    'ASSERTION_TYPE_INVALID',
    'GRANT_TYPE_INVALID',
    'AUTH_METHOD_MISMATCH',
  ],
  GRANT_NOT_ALLOWED: ['GRANT_TYPE_INVALID'],
  // Parameters sent in the URL, or with GET: the server finds no grant_type, no client.
  GRANT_TYPE_INVALID: ['REQUEST_MALFORMED'],
  CLIENT_UNKNOWN: ['ASSERTION_ISS_SUB_MISMATCH', 'REQUEST_MALFORMED'],
  AUTH_METHOD_MISMATCH: ['ASSERTION_IN_AUTH_HEADER', 'ASSERTION_TYPE_INVALID', 'REQUEST_MALFORMED'],
  CODE_INVALID: ['REDIRECT_URI_MISMATCH', 'PKCE_MISMATCH'],
  ASSERTION_EXPIRED: ['CLOCK_SKEW'],
};

/** A warning says "may be the cause": it ranks below the errors of its kind of evidence. */
export const WARNING_PENALTY = 250;

/** Scores a caller's finding by its basis. */
export function scoreOf(f: Finding): number {
  return f.basis === 'server'
    ? SCORE.serverClass + 1
    : f.basis === 'check'
      ? SCORE.check
      : f.basis === 'history'
        ? SCORE.history
        : f.basis === 'vendor'
          ? SCORE.vendor
          : SCORE.inference;
}

/** Lets a check that explains a stated cause lead it (EXPLAINS). */
export function explain(c: Cand[]) {
  for (const s of c) {
    if (s.f.basis !== 'server' || s.f.severity !== 'error') continue;
    const causes = EXPLAINS[s.f.code];
    if (!causes) continue;
    for (const g of c)
      if (
        g !== s &&
        (g.f.basis === 'check' || g.f.basis === 'history') &&
        g.f.severity === 'error' &&
        causes.includes(g.f.code)
      ) {
        g.score = Math.max(g.score, s.score + 1);
        const said = / The server answered .*$/.exec(s.f.evidence)?.[0] ?? '';
        if (said && !g.f.evidence.includes('answered'))
          g.f = { ...g.f, evidence: `${g.f.evidence}${said}` };
      }
  }
}

/** How a second piece of evidence for the same cause is introduced. */
const BASIS_LEAD: Record<Basis, string> = {
  server: 'The server also said',
  check: 'Checked here',
  history: 'Earlier',
  vendor: 'Known for this vendor',
  inference: 'Also inferred',
};

/**
 * One ranking: info notes last; otherwise by score (the basis, and how specific the evidence is;
 * a warning below the errors of its kind), then the order found. A reading of the answer that
 * only names a code gives its rank to a more specific finding of the same code (a check, a vendor
 * rule), which then carries what the server answered. A generated finding is dropped when a better
 * one has the same code; exact repeats are dropped.
 */
export function rankEvidence(c: Cand[]): Finding[] {
  const eff = (x: Cand) => x.score - (x.f.severity === 'warning' ? WARNING_PENALTY : 0);
  const merged = c.map((x) => ({ ...x }));
  for (const m of merged) {
    if (!m.mergeable || m.f.severity === 'info') continue;
    const better = merged.find(
      (o) =>
        o !== m &&
        !o.mergeable &&
        o.f.code === m.f.code &&
        o.f.severity !== 'info' &&
        !o.candidate &&
        o.f.basis !== 'inference',
    );
    if (!better) continue;
    const said = / The server answered .*$/.exec(m.f.evidence)?.[0] ?? '';
    if (eff(m) > eff(better)) {
      better.score = m.score + (better.f.severity === 'warning' ? WARNING_PENALTY : 0);
      if (said && !better.f.evidence.includes('answered'))
        better.f = { ...better.f, evidence: `${better.f.evidence}${said}` };
    }
    m.score = -Infinity;
  }
  const sorted = merged
    .filter((x) => x.score !== -Infinity)
    .map((x, i) => ({ ...x, i }))
    .sort(
      (a, b) =>
        Number(a.f.severity === 'info') - Number(b.f.severity === 'info') ||
        eff(b) - eff(a) ||
        Number(a.f.severity === 'warning') - Number(b.f.severity === 'warning') ||
        a.i - b.i,
    );
  const out: Finding[] = [];
  const seen = new Set<string>();
  const codes = new Set<CauseCode>();
  for (const x of sorted) {
    const key = `${x.f.code}\u0000${x.f.evidence}`;
    if (seen.has(key)) continue;
    if (x.generated && codes.has(x.f.code)) continue;
    // One cause, one finding: a lower one of the same cause (a check behind the server's words)
    // adds what it found to the higher one.
    const same = out.findIndex((o) => o.code === x.f.code && o.severity !== 'info');
    if (same >= 0 && x.f.severity !== 'info') {
      const o = out[same]!;
      const more = x.f.evidence.replace(/ The server answered .*$/, '');
      out[same] = {
        ...o,
        ...(o.evidence.includes(more)
          ? {}
          : { evidence: `${o.evidence} ${BASIS_LEAD[x.f.basis]}: ${more}` }),
        // What the second piece shows failed is not a mere "may be".
        ...(x.f.severity === 'error' ? { severity: 'error' as const } : {}),
      };
      continue;
    }
    seen.add(key);
    codes.add(x.f.code);
    out.push(x.f);
  }
  return out;
}
