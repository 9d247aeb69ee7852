// Requested vs granted scopes, by meaning (diffScopes).
import { VERB, constraintWords, listWords } from './explain.js';
import { covers, equivalent, parseScope, sameConstraint, type ScopeToken } from './parse.js';

export interface ScopeNarrowing {
  requested: string;
  /** The granted scopes that cover part of it. */
  granted: string[];
  /** Plain words: what was lost. */
  explanation: string;
}

export interface ScopeComparison {
  requested: string[];
  granted: string[];
  /** Requested and granted in no form at all. */
  missing: string[];
  /** Granted but not requested (including grants wider than what was asked). */
  extra: string[];
  /** Requested, and granted only in part (e.g. patient/*.cruds -> patient/Observation.rs). */
  narrowed: ScopeNarrowing[];
  /** Requested scopes granted in another spelling with the same meaning (v1 read -> v2 rs). */
  equivalent: { requested: string; granted: string }[];
  /** Plain-words summary, one line per point. */
  summary: string[];
}

/** The union of letters granted for this scope's context, resource and constraints. */
function coveredByUnion(r: ScopeToken, granted: ScopeToken[]): ScopeToken[] | null {
  if (r.kind !== 'resource' || !r.permissions || r.operation) {
    const g = granted.find((x) => covers(x, r));
    return g ? [g] : null;
  }
  const helpers = r.permissions.map((p) =>
    granted.find((g) => covers(g, { ...r, permissions: [p] })),
  );
  return helpers.every(Boolean) ? [...new Set(helpers as ScopeToken[])] : null;
}

/** g overlaps r: same context, resource in common, a permission in common. */
function overlaps(r: ScopeToken, g: ScopeToken): boolean {
  if (r.kind !== 'resource' || g.kind !== 'resource' || r.context !== g.context) return false;
  if (r.resource !== '*' && g.resource !== '*' && r.resource !== g.resource) return false;
  if (r.operation || g.operation) return r.operation === g.operation;
  return (r.permissions ?? []).some((p) => (g.permissions ?? []).includes(p));
}

function narrowingWords(r: ScopeToken, parts: ScopeToken[]): string {
  const words: string[] = [];
  if (r.resource === '*' && parts.every((g) => g.resource !== '*'))
    words.push(
      `only ${listWords([...new Set(parts.map((g) => g.resource!))])} instead of every resource type`,
    );
  const got = new Set(parts.flatMap((g) => g.permissions ?? []));
  const lost = (r.permissions ?? []).filter((p) => !got.has(p));
  if (lost.length) words.push(`without ${listWords(lost.map((p) => VERB[p]))}`);
  const added = parts.flatMap((g) =>
    (g.constraints ?? []).filter((c) => !(r.constraints ?? []).some((x) => sameConstraint(c, x))),
  );
  if (added.length) words.push(`only ${constraintWords(added)}`);
  return `${r.raw} was granted as ${parts.map((g) => g.raw).join(' ')}: ${words.length ? listWords(words) : 'less than requested'}.`;
}

/**
 * Requested vs granted scope, by meaning: a v1 scope granted in its v2 form is granted; a wildcard
 * granted for some resource types only is narrowed. No granted scope means "as requested"
 * (RFC 6749 §5.1).
 */
export function diffScopes(requested: string, granted: string | undefined): ScopeComparison {
  const req = requested.split(/\s+/).filter(Boolean);
  const gra = (granted ?? requested).split(/\s+/).filter(Boolean);
  const rT = [...new Set(req)].map((s) => parseScope(s));
  const gT = [...new Set(gra)].map((s) => parseScope(s));
  const accounted = new Set<ScopeToken>();
  const missing: string[] = [];
  const narrowed: ScopeNarrowing[] = [];
  const equivalentPairs: { requested: string; granted: string }[] = [];
  for (const r of rT) {
    const exact = gT.find((g) => g.raw === r.raw);
    if (exact) {
      accounted.add(exact);
      continue;
    }
    const same = gT.find((g) => equivalent(g, r));
    if (same) {
      accounted.add(same);
      equivalentPairs.push({ requested: r.raw, granted: same.raw });
      continue;
    }
    const union = coveredByUnion(r, gT);
    // Granted in pieces (.rs + .cud for .cruds) or by a wider scope (listed as extra below).
    if (union) continue;
    const parts = gT.filter((g) => covers(r, g) || overlaps(r, g));
    if (parts.length) {
      parts.forEach((g) => accounted.add(g));
      narrowed.push({
        requested: r.raw,
        granted: parts.map((g) => g.raw),
        explanation: narrowingWords(r, parts),
      });
    } else missing.push(r.raw);
  }
  // A granted scope inside a requested one (system/Patient.rs for system/*.rs) is not extra.
  const extraT = gT.filter((g) => !accounted.has(g) && !rT.some((r) => covers(r, g)));
  const extra = extraT.map((g) => g.raw);

  const summary: string[] = [];
  if (granted === undefined)
    summary.push('The server returned no scope: RFC 6749 §5.1 says it granted what was requested.');
  if (!missing.length && !narrowed.length) summary.push('Everything requested was granted.');
  if (missing.length) summary.push(`Not granted at all: ${missing.join(' ')}.`);
  for (const n of narrowed) summary.push(n.explanation);
  for (const e of equivalentPairs)
    summary.push(
      `${e.requested} was granted as ${e.granted} (the same permissions, other spelling).`,
    );
  for (const g of extraT) {
    const wider = rT.find((r) => covers(g, r));
    summary.push(
      wider
        ? `${g.raw} was granted, wider than the requested ${wider.raw}.`
        : `${g.raw} was granted without being requested.`,
    );
  }
  return {
    requested: req,
    granted: gra,
    missing,
    extra,
    narrowed,
    equivalent: equivalentPairs,
    summary,
  };
}
