/** Runs the vendor rules on a diagnosis context, and builds the context of an answer. */
import { finding } from '../diagnosis/catalog.js';
import type { Basis, CauseCode, Finding } from '../diagnosis/codes.js';
import { getPreset, type ErrorShape, type VendorPreset } from '../presets.js';
import { parseBodyTolerantly } from '../tolerant-json.js';
import type { HeaderList } from '../types.js';
import {
  decodeCernerErrorUri,
  matchesShape,
  type DiagnosisContext,
  type RankedFinding,
  type VendorRule,
} from './rule-context.js';
import { VENDOR_RULES } from './rules.js';
import { sourceText } from './sources.js';

/**
 * What a rule rests on, unless it says: a rule of every vendor that compares the request with
 * itself is a check; one that reads the answer with likelihood 90+ reads the server's own words;
 * the rest are vendor facts (what this vendor is documented to do).
 */
function basisOf(rule: VendorRule): Basis {
  if (rule.basis) return rule.basis;
  if (rule.phase === 'request') return rule.vendors === 'all' ? 'check' : 'vendor';
  if (rule.phase === 'success') return 'vendor';
  return rule.likelihood >= 90 ? 'server' : 'vendor';
}

function applies(rule: VendorRule, vendor: string | undefined): boolean {
  return (
    rule.vendors === 'all' || (!!vendor && (rule.vendors as readonly string[]).includes(vendor))
  );
}

/**
 * Evaluates the rules: before sending (`phase: 'request'` rules only, no response in the context),
 * or on a failed answer (both phases). Most likely first.
 */
export function vendorFindings(c: DiagnosisContext): RankedFinding[] {
  const vendor = c.preset?.id ?? c.profile.vendor;
  const out: RankedFinding[] = [];
  for (const rule of VENDOR_RULES) {
    if (!applies(rule, vendor)) continue;
    const target = c.target ?? 'token';
    const ruleTarget =
      rule.phase === 'resource' || rule.phase === 'resource-success'
        ? 'resource'
        : rule.phase === 'registration'
          ? 'registration'
          : 'token';
    if (ruleTarget !== target) continue;
    if (rule.phase !== 'request' && !c.response) continue;
    // Success rules only on a successful answer; failure rules never on one.
    if ((rule.phase === 'success' || rule.phase === 'resource-success') !== !!c.succeeded) continue;
    let shape: ErrorShape | undefined;
    if (rule.shape) {
      shape = c.preset?.errorShapes.find((s) => s.id === rule.shape);
      if (!shape || !matchesShape(c, shape)) continue;
    }
    if (!rule.when(c)) continue;
    const source = rule.source ?? shape?.source;
    const fix = typeof rule.fix === 'function' ? rule.fix(c) : (rule.fix ?? shape?.fix);
    const basis = basisOf(rule);
    out.push({
      ruleId: rule.id,
      likelihood: rule.likelihood,
      basis,
      finding: finding(rule.code, rule.evidence(c), {
        basis,
        severity: rule.severity ?? 'error',
        ...(rule.title ? { title: rule.title } : {}),
        ...(fix ? { fix } : {}),
        ...(source ? { source: sourceText(source) } : {}),
      }),
    });
  }
  // One finding per code: the most likely rule's.
  const seen = new Set<CauseCode>();
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.likelihood - a.f.likelihood || a.i - b.i)
    .map(({ f }) => f)
    .filter((f) => (seen.has(f.finding.code) ? false : (seen.add(f.finding.code), true)));
}

/** What a server answered on its own (no token request): the vendor's rules read this context. */
export interface Answer {
  vendor?: string;
  clientId?: string;
  url: string;
  status: number;
  headers: HeaderList;
  body: string;
  json?: Record<string, unknown>;
}

/** The diagnosis context of an answer that is not a token request's (resource, registration…). */
export function answerContext(x: Answer): DiagnosisContext {
  const preset = presetFor(x.vendor);
  const parsed = x.json ? { json: x.json } : parseBodyTolerantly(x.body);
  return {
    ...(preset ? { preset } : {}),
    profile: {
      ...(x.vendor ? { vendor: x.vendor } : {}),
      authMethod: '',
      ...(x.clientId ? { clientId: x.clientId } : {}),
    },
    request: { url: x.url, headers: [], params: [] },
    response: responseContext({
      status: x.status,
      headers: x.headers,
      text: x.body,
      ...(parsed.json ? { json: parsed.json } : {}),
      ...('prefix' in parsed && parsed.prefix ? { prefix: parsed.prefix } : {}),
    }),
    earlier: [],
    preflight: [],
  };
}

/**
 * Vendor findings for a resource (FHIR) call, most likely first: why a failed call failed, or
 * (succeeded) what is wrong with an answer that worked.
 */
export function resourceFindings(
  x: Answer & { grantedScope?: string; succeeded?: boolean; revokedAt?: string },
): Finding[] {
  return vendorFindings({
    ...answerContext(x),
    target: 'resource',
    ...(x.grantedScope ? { grantedScope: x.grantedScope } : {}),
    ...(x.succeeded ? { succeeded: true } : {}),
    ...(x.revokedAt ? { revokedAt: x.revokedAt } : {}),
  }).map((r) => r.finding);
}

/** Vendor findings for a failed registration (RFC 7591) answer, most likely first. */
export function registrationFindings(
  x: Omit<Answer, 'clientId'> & { metadata: Record<string, unknown> },
): Finding[] {
  return vendorFindings({
    ...answerContext(x),
    target: 'registration',
    registration: x.metadata,
  }).map((r) => r.finding);
}

/** The context's response part, parsed tolerantly from what was received. */
export function responseContext(r: {
  status: number;
  headers: HeaderList;
  text: string;
  json?: Record<string, unknown>;
  prefix?: string;
}): NonNullable<DiagnosisContext['response']> {
  const h = (n: string) => r.headers.find(([k]) => k.toLowerCase() === n)?.[1];
  const j = r.json;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const errorDescription =
    j && 'error_description' in j
      ? j.error_description === null
        ? null
        : str(j.error_description)
      : undefined;
  const errorUri = str(j?.error_uri);
  const cerner = errorUri ? decodeCernerErrorUri(errorUri) : undefined;
  const date = h('date');
  const www = h('www-authenticate');
  const error = str(j?.error);
  return {
    status: r.status,
    headers: r.headers,
    text: r.text,
    ...(r.prefix ? { prefix: r.prefix } : {}),
    ...(j ? { json: j } : {}),
    ...(error ? { error } : {}),
    ...(errorDescription !== undefined ? { errorDescription } : {}),
    message: (errorDescription ?? '') || (str(j?.hint) ?? '') || (str(j?.message) ?? ''),
    ...(errorUri ? { errorUri } : {}),
    ...(cerner ? { cerner } : {}),
    ...(date ? { date } : {}),
    ...(www ? { wwwAuthenticate: www } : {}),
  };
}

/** The preset a profile's vendor names, if any. */
export function presetFor(vendor: string | undefined): VendorPreset | undefined {
  return getPreset(vendor);
}
