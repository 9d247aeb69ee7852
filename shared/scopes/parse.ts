// SMART scope parsing: the scope token types, parseScope/parseScopes, and covers/equivalent.
import type { Finding } from '../diagnosis/codes.js';
import { finding } from '../diagnosis/catalog.js';
import type { ConvertedScope } from './convert.js';
import { VERB, capitalize, constraintWords, explainResource, listWords } from './explain.js';

/** The URI form of SMART scopes (SMART App Launch: "Scopes and Launch Context"). */
export const SMART_SCOPE_URI_PREFIX = 'http://smarthealthit.org/fhir/scopes/';

export type ScopeContext = 'patient' | 'user' | 'system';
export type ScopeKind = 'resource' | 'launch' | 'identity' | 'refresh' | 'other';
/** SMART v2 permission letters: create, read, update, delete, search. */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
export type V1Action = 'read' | 'write' | '*';

export interface ScopeToken {
  /** As written. */
  raw: string;
  /** Canonical form (URI prefix removed; case and letter order corrected): used to compare. */
  normalized: string;
  kind: ScopeKind;
  uriForm: boolean;
  context?: ScopeContext;
  /** FHIR resource type, or '*' for all. */
  resource?: string;
  /** What the scope allows as v2 letters in cruds order (v1 read = rs, write = cud, * = cruds). */
  permissions?: Permission[];
  version?: 1 | 2;
  v1Action?: V1Action;
  /** Vendor operation scopes such as OpenEMR's system/Patient.$export. */
  operation?: string;
  /** v2 granular constraints (?category=...|laboratory), decoded. */
  constraints?: [string, string][];
  /** Plain words: what the scope lets the app do. */
  explanation: string;
  problems: Finding[];
}

export interface ParseOptions {
  /** The server's SMART capabilities; adds problems for a scope version the server does not take. */
  capabilities?: readonly string[];
}

const CRUDS: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];
const CONTEXTS: readonly ScopeContext[] = ['patient', 'user', 'system'];
const V1_TO_V2: Record<V1Action, Permission[]> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

/** Scopes defined by SMART and OpenID Connect other than resource scopes. */
const NAMED: Record<string, { kind: ScopeKind; explanation: string }> = {
  launch: {
    kind: 'launch',
    explanation:
      'EHR launch: the app passes on the launch value the EHR gave it and receives the context the EHR chose (patient, encounter) in the token response',
  },
  'launch/patient': {
    kind: 'launch',
    explanation:
      'Standalone launch: the server asks the user to pick a patient and returns its id as patient in the token response',
  },
  'launch/encounter': {
    kind: 'launch',
    explanation:
      'Standalone launch: the server asks the user to pick an encounter and returns its id as encounter in the token response',
  },
  openid: {
    kind: 'identity',
    explanation: 'OpenID Connect: an id_token that says who the signed-in user is',
  },
  fhirUser: {
    kind: 'identity',
    explanation:
      'The signed-in user’s FHIR resource (Practitioner, Patient, RelatedPerson, …) as fhirUser in the id_token',
  },
  profile: {
    kind: 'identity',
    explanation:
      'OpenID Connect profile claims about the user (name, …); SMART v1 apps asked for it with openid to learn the user',
  },
  offline_access: {
    kind: 'refresh',
    explanation: 'A refresh token that keeps working after the user signs out (long-lived access)',
  },
  online_access: {
    kind: 'refresh',
    explanation: 'A refresh token that works only while the user stays signed in',
  },
};

/** Vendor scopes seen in real registrations (kept as 'other', explained when known). */
const VENDOR_SCOPES: Record<string, string> = {
  'api:oemr': 'OpenEMR: the standard (non-FHIR) REST API at /apis/{site}/api',
  'api:fhir': 'OpenEMR: the FHIR API at /apis/{site}/fhir',
  'api:port': 'OpenEMR: the patient portal API',
};

const lower = (s: string) => s.toLowerCase();

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function parseConstraints(query: string): { pairs: [string, string][]; bad: string[] } {
  const pairs: [string, string][] = [];
  const bad: string[] = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) bad.push(part);
    else pairs.push([decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return { pairs, bad };
}

/** A SCOPE_SYNTAX finding: what is wrong, and how to write it instead. */
export const syntax = (evidence: string, fix: string, severity?: Finding['severity']) =>
  finding('SCOPE_SYNTAX', evidence, { fix, ...(severity ? { severity } : {}) });

const RESOURCE_SCOPE = /^([A-Za-z]+)\/([^./?\s]+)\.([^?]*)(?:\?(.*))?$/;

/** Parses one scope (no whitespace) into its parts, its meaning and its syntax problems. */
export function parseScope(raw: string, options: ParseOptions = {}): ScopeToken {
  const uriForm = raw.toLowerCase().startsWith(SMART_SCOPE_URI_PREFIX);
  const body = uriForm ? raw.slice(SMART_SCOPE_URI_PREFIX.length) : raw;
  const base = { raw, uriForm };

  const named = Object.keys(NAMED).find((n) => lower(n) === lower(body));
  if (named) {
    const { kind, explanation } = NAMED[named]!;
    const problems =
      named === body
        ? []
        : [
            syntax(
              `"${raw}" is not written as the SMART/OpenID scope "${named}"; scope names are case-sensitive.`,
              `Write ${named} exactly.`,
            ),
          ];
    return { ...base, normalized: named, kind, explanation, problems };
  }
  if (/^launch\/./i.test(body)) {
    return {
      ...base,
      normalized: body,
      kind: 'launch',
      explanation: `Launch context "${body.slice(7)}" (not defined by SMART; the server must know it)`,
      problems: [],
    };
  }

  const m = RESOURCE_SCOPE.exec(body);
  const ctx = m ? (lower(m[1]!) as ScopeContext) : undefined;
  if (!m || !ctx || !CONTEXTS.includes(ctx)) {
    const vendor = VENDOR_SCOPES[body];
    const site = /^site:(.+)$/.exec(body);
    const explanation =
      vendor ??
      (site
        ? `OpenEMR: the site (tenant) "${site[1]}"`
        : 'Not a SMART scope: its meaning is defined by this server');
    return { ...base, normalized: body, kind: 'other', explanation, problems: [] };
  }

  const problems: Finding[] = [];
  const ctxText = m[1]!;
  const resText = m[2]!;
  const permText = m[3]!;
  const query = m[4];
  let resource = resText;
  if (ctxText !== ctx)
    problems.push(
      syntax(
        `"${ctxText}/" is written with capitals; SMART contexts are lowercase: ${ctx}/.`,
        `Write ${ctx}/${resText}.${permText}${query !== undefined ? `?${query}` : ''}.`,
      ),
    );
  if (resource !== '*' && !/^[A-Z][A-Za-z0-9]*$/.test(resource)) {
    if (/^[a-z][A-Za-z0-9]*$/.test(resource)) {
      resource = capitalize(resource);
      problems.push(
        syntax(
          `"${resText}" is not a FHIR resource type: type names start with a capital letter and are case-sensitive.`,
          `Write ${resource} (check the exact spelling, e.g. AllergyIntolerance), or * for every type.`,
        ),
      );
    } else {
      problems.push(
        syntax(
          `"${resText}" is not a FHIR resource type name.`,
          'Use a resource type such as Patient or Observation, or * for every type.',
          'error',
        ),
      );
    }
  }
  const fix = (perm: string, q = query) =>
    `${ctx}/${resource}.${perm}${q !== undefined && q !== '' ? `?${q}` : ''}`;

  // Vendor operation scopes: OpenEMR system/Patient.$export, system/*.$bulkdata-status.
  if (permText.startsWith('$')) {
    const on = resource === '*' ? 'any resource type' : resource;
    return {
      ...base,
      normalized: fix(permText),
      kind: 'resource',
      context: ctx,
      resource,
      operation: permText,
      explanation: `Run the ${permText} operation on ${on} (${ctx} level; a vendor scope, e.g. OpenEMR bulk export)`,
      problems,
    };
  }

  let version: 1 | 2 | undefined;
  let v1Action: V1Action | undefined;
  let permissions: Permission[] | undefined;
  const v1 = /^(read|write|\*)$/i.exec(permText);
  if (v1) {
    version = 1;
    v1Action = lower(permText) as V1Action;
    permissions = V1_TO_V2[v1Action];
    if (permText !== v1Action)
      problems.push(
        syntax(`".${permText}" is written with capitals.`, `Write ${fix(v1Action)} (lowercase).`),
      );
  } else if (/^[a-z]+$/i.test(permText)) {
    version = 2;
    const letters = lower(permText).split('');
    const unknown = [...new Set(letters.filter((l) => !CRUDS.includes(l as Permission)))];
    permissions = CRUDS.filter((p) => letters.includes(p));
    const fixed = permissions.join('');
    if (permissions.length === 0) {
      permissions = undefined;
      problems.push(
        syntax(
          `".${permText}" has no SMART permission letter (c, r, u, d, s).`,
          `Use letters from cruds in that order, e.g. ${fix('rs')}, or v1 ${fix('read')}.`,
          'error',
        ),
      );
    } else if (fixed !== permText) {
      const why = [
        ...(unknown.length ? [`${unknown.join(', ')} is not a permission letter`] : []),
        ...(permText !== lower(permText) ? ['letters must be lowercase'] : []),
        ...(new Set(letters).size !== letters.length ? ['letters repeat'] : []),
        ...(!unknown.length &&
        permText === lower(permText) &&
        new Set(letters).size === letters.length
          ? ['letters are out of order']
          : []),
      ];
      problems.push(
        syntax(
          `".${permText}" in ${raw}: ${listWords(why)}; SMART v2 permissions are a subset of c, r, u, d, s in that order (servers may ignore, replace or reject it).`,
          `Write ${fix(fixed)}.`,
        ),
      );
    }
  } else {
    problems.push(
      syntax(
        `"${raw}" has ${permText ? `".${permText}"` : 'nothing'} after the dot; expected .read/.write/.* (v1) or cruds letters (v2).`,
        `Use e.g. ${fix('rs')} (v2) or ${fix('read')} (v1).`,
        'error',
      ),
    );
  }

  let constraints: [string, string][] = [];
  if (query !== undefined) {
    const { pairs, bad } = parseConstraints(query);
    constraints = pairs;
    if (bad.length || pairs.length === 0)
      problems.push(
        syntax(
          `"?${query}" is not a query string of param=value pairs.`,
          `Write it like ${ctx}/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory.`,
          'error',
        ),
      );
    if (version === 1 && pairs.length)
      problems.push(
        syntax(
          `${raw} puts a ?${query} constraint on a v1 scope; granular constraints exist only in SMART v2.`,
          `Write ${fix(V1_TO_V2[v1Action!].join(''))}.`,
        ),
      );
  }

  const normalized = permissions
    ? fix(version === 1 ? v1Action! : permissions.join(''))
    : fix(permText);
  const explanation = permissions
    ? explainResource(ctx, resource, permissions, constraints) +
      (v1Action === '*' ? ' (v1 .* = read and write)' : '')
    : `Not understood: ${raw}`;
  const token: ScopeToken = {
    ...base,
    normalized,
    kind: 'resource',
    context: ctx,
    resource,
    ...(permissions ? { permissions } : {}),
    ...(version ? { version } : {}),
    ...(v1Action ? { v1Action } : {}),
    ...(constraints.length ? { constraints } : {}),
    explanation,
    problems,
  };
  token.problems.push(...versionProblems(token, options.capabilities));
  return token;
}

/** A v1 scope to a v2-only server, or a v2 scope to a v1-only server (SMART Conformance). */
function versionProblems(t: ScopeToken, caps: readonly string[] | undefined): Finding[] {
  if (!caps || !t.version) return [];
  const v1 = caps.includes('permission-v1');
  const v2 = caps.includes('permission-v2');
  if (t.version === 1 && v2 && !v1) {
    const to = convertToken(t, 2).to;
    return [
      syntax(
        `${t.raw} is a SMART v1 scope, but the server advertises permission-v2 and not permission-v1.`,
        `Use the v2 form ${to}.`,
      ),
    ];
  }
  if (t.version === 2 && v1 && !v2) {
    const c = convertToken(t, 1);
    return [
      syntax(
        `${t.raw} is a SMART v2 scope, but the server advertises permission-v1 and not permission-v2.`,
        `Use the v1 form ${c.to}${c.note ? ` (${c.note})` : ''}.`,
        'error',
      ),
    ];
  }
  return [];
}

/** Splits a scope string on whitespace and parses each scope. */
export function parseScopes(text: string, options: ParseOptions = {}): ScopeToken[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => parseScope(s, options));
}

// ---- one scope in the other SMART version (versionProblems and convertScopes use it) ----

/** The nearest v1 action that allows at least these v2 permissions. */
function nearestV1(perms: readonly Permission[]): V1Action {
  if (subset(perms, V1_TO_V2.read)) return 'read';
  if (subset(perms, V1_TO_V2.write)) return 'write';
  return '*';
}

/** One scope in the given SMART version, and whether that is exact (see convertScopes). */
export function convertToken(t: ScopeToken, to: 1 | 2): ConvertedScope {
  const same = (note?: string): ConvertedScope => ({
    from: t.raw,
    to: t.raw,
    change: 'unchanged',
    ...(note ? { note } : {}),
  });
  if (t.kind !== 'resource' || t.operation) return same();
  if (!t.permissions || !t.version) return same('not a valid SMART scope; left as is');
  if (t.version === to && t.problems.length === 0) return same();
  const prefix = t.uriForm ? SMART_SCOPE_URI_PREFIX : '';
  const head = `${prefix}${t.context}/${t.resource}.`;
  if (to === 2) {
    const letters = t.permissions.join('');
    const query = t.version === 2 && t.constraints ? `?${constraintQuery(t.constraints)}` : '';
    return {
      from: t.raw,
      to: `${head}${letters}${query}`,
      change: 'exact',
      ...(t.version === 2 ? { note: 'corrected to the SMART v2 spelling' } : {}),
    };
  }
  const action = nearestV1(t.permissions);
  const added = V1_TO_V2[action].filter((p) => !t.permissions!.includes(p));
  const notes = [
    ...(added.length
      ? [
          `widens: v1 has no exact form; .${action} also allows ${listWords(added.map((p) => VERB[p]))}`,
        ]
      : []),
    ...(t.constraints
      ? [`widens: v1 cannot express ${constraintWords(t.constraints)}; the v1 scope allows all`]
      : []),
  ];
  return {
    from: t.raw,
    to: `${head}${action}`,
    change: notes.length ? 'widens' : 'exact',
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

function constraintQuery(constraints: readonly [string, string][]): string {
  // Keep what people write (| and : unescaped); escape only what would break the query.
  const enc = (s: string) => s.replace(/[&=#%\s]/g, (c) => encodeURIComponent(c));
  return constraints.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

// ---- coverage ----

const subset = <T>(a: readonly T[], b: readonly T[]) => a.every((x) => b.includes(x));
/** The same constraint: parameter and value. */
export const sameConstraint = (a: [string, string], b: [string, string]) =>
  a[0] === b[0] && a[1] === b[1];

/** True when scope `wide` allows everything `narrow` allows (wildcards, letters, constraints). */
export function covers(wide: ScopeToken, narrow: ScopeToken): boolean {
  if (wide.kind !== 'resource' || narrow.kind !== 'resource')
    return wide.normalized === narrow.normalized;
  if (wide.context !== narrow.context) return false;
  if (wide.resource !== '*' && wide.resource !== narrow.resource) return false;
  if (wide.operation || narrow.operation) return wide.operation === narrow.operation;
  if (!wide.permissions || !narrow.permissions) return wide.normalized === narrow.normalized;
  if (!subset(narrow.permissions, wide.permissions)) return false;
  // A constraint narrows: the wide scope's constraints must all hold on the narrow one.
  return (wide.constraints ?? []).every((c) =>
    (narrow.constraints ?? []).some((n) => sameConstraint(c, n)),
  );
}

/** Same permissions, whatever the spelling (v1 read = v2 rs, URI form, letter order). */
export function equivalent(a: ScopeToken, b: ScopeToken): boolean {
  return covers(a, b) && covers(b, a);
}
