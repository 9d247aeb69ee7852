/**
 * SMART on FHIR scopes: parse, explain in plain words, convert v1 <-> v2, check against the grant
 * and the server's discovery document, and compare requested with granted.
 * Rules: HL7 SMART App Launch 2.x "Scopes and Launch Context" and "Conformance" (capabilities),
 * Bulk Data v1 backend services (system/ scopes); see research/VENDORS.md sections 1.8, 1.9, 1.10.
 */
import type { Finding } from './diagnosis/codes.js';
import { finding, rankFindings } from './diagnosis/index.js';
import type { GrantType } from './types.js';

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
const VERB: Record<Permission, string> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
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
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "a", "a and b", "a, b and c". */
function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function plural(resource: string): string {
  if (/[^aeiou]y$/.test(resource)) return `${resource.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(resource)) return `${resource}es`;
  return `${resource}s`;
}

function verbs(perms: readonly Permission[]): string {
  return capitalize(listWords(perms.map((p) => VERB[p])));
}

function subject(context: ScopeContext, resource: string): string {
  const all = resource === '*';
  switch (context) {
    case 'patient':
      return all
        ? 'all of the patient’s data (every resource type)'
        : `the patient’s ${plural(resource)}`;
    case 'user':
      return all
        ? 'every resource type the signed-in user may access'
        : `${plural(resource)} the signed-in user may access`;
    case 'system':
      return all
        ? 'every resource type the client is pre-authorized for (backend, no user)'
        : `all ${plural(resource)} the client is pre-authorized for (backend, no user)`;
  }
}

/** A FHIR token "system|code" is shown by its code; a bare value as is. */
function tokenWords(value: string): string {
  return value.slice(value.lastIndexOf('|') + 1) || value;
}

function constraintWords(constraints: readonly [string, string][]): string {
  return listWords(
    constraints.map(([k, v]) =>
      k === 'category' ? `in category ${tokenWords(v)}` : `where ${k} is ${tokenWords(v)}`,
    ),
  );
}

/** Plain words for a resource scope: "Read and search the patient's Observations". */
function explainResource(
  context: ScopeContext,
  resource: string,
  perms: readonly Permission[],
  constraints: readonly [string, string][],
): string {
  const tail = constraints.length ? ` ${constraintWords(constraints)}` : '';
  return `${verbs(perms)} ${subject(context, resource)}${tail}`;
}

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

const syntax = (evidence: string, fix: string, severity?: Finding['severity']) =>
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

/** Problems of the scope set as a whole: repeats, fhirUser without openid, mixed versions. */
function setProblems(tokens: ScopeToken[]): Finding[] {
  const out: Finding[] = [];
  const names = new Set(tokens.map((t) => t.normalized));
  tokens.forEach((t, i) => {
    const twin = tokens.findIndex((o, j) => j < i && equivalent(o, t));
    if (twin >= 0)
      out.push(
        syntax(
          `${t.raw} is requested twice${tokens[twin]!.raw === t.raw ? '' : ` (also as ${tokens[twin]!.raw})`}.`,
          'List each scope once.',
          'info',
        ),
      );
  });
  for (const n of ['fhirUser', 'profile'])
    if (names.has(n) && !names.has('openid'))
      out.push(
        syntax(
          `${n} is requested without openid; its claims come in the id_token, which only openid asks for.`,
          `Add openid: "openid ${n}".`,
        ),
      );
  if (names.has('offline_access') && names.has('online_access'))
    out.push(
      syntax(
        'Both offline_access and online_access are requested; they ask for different refresh tokens.',
        'Keep one: offline_access (survives sign-out) or online_access (only while signed in).',
      ),
    );
  const versions = new Set(tokens.map((t) => t.version).filter(Boolean));
  if (versions.size > 1)
    out.push(
      syntax(
        'The request mixes SMART v1 (.read/.write) and v2 (.rs/.cud) scopes.',
        'Use one version throughout (Convert to v2 or Convert to v1); servers that know only one version drop or reject the others.',
        'info',
      ),
    );
  return out;
}

// ---- coverage ----

const subset = <T>(a: readonly T[], b: readonly T[]) => a.every((x) => b.includes(x));
const sameConstraint = (a: [string, string], b: [string, string]) => a[0] === b[0] && a[1] === b[1];

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

// ---- checks ----

export interface ScopeCheckInput {
  scope: string;
  grant: GrantType;
  /** scopes_supported from discovery (what may be requested; SMART: not exhaustive). */
  scopesSupported?: readonly string[];
  /** capabilities from .well-known/smart-configuration. */
  capabilities?: readonly string[];
}

const IN_CONTEXT: Record<'patient' | 'user', string> = {
  patient: 'a patient-level scope (data of the patient in context)',
  user: 'a user-level scope (what the signed-in user may access)',
};

function withContext(t: ScopeToken, ctx: ScopeContext): string {
  return t.normalized.replace(/^[a-z]+\//, `${ctx}/`);
}

function grantProblems(t: ScopeToken, grant: GrantType): Finding[] {
  if (grant === 'client_credentials') {
    if (t.context === 'patient' || t.context === 'user')
      return [
        finding(
          'SCOPE_INVALID_FOR_GRANT',
          `${t.raw} is ${IN_CONTEXT[t.context]}, but client_credentials has no signed-in user and no patient in context.`,
          {
            fix: `Backend services use system/ scopes: request ${withContext(t, 'system')} instead.`,
          },
        ),
      ];
    if (t.kind === 'launch' || t.kind === 'identity' || t.kind === 'refresh')
      return [
        finding(
          'SCOPE_INVALID_FOR_GRANT',
          `${t.raw} needs a user or a launch, which client_credentials does not have; servers reject or ignore it.`,
          {
            severity: 'warning',
            fix: `Remove ${t.raw} from the backend services request (no launch, id_token or refresh token there).`,
          },
        ),
      ];
  }
  if ((grant === 'authorization_code' || grant === 'password') && t.context === 'system')
    return [
      finding(
        'SCOPE_INVALID_FOR_GRANT',
        `${t.raw} is a backend (system-level) scope, but ${grant} signs a user in; servers usually grant only patient/ or user/ scopes there.`,
        {
          severity: 'warning',
          fix: `Use ${withContext(t, 'user')} (what the user may see) or ${withContext(t, 'patient')} (the patient in context); keep system/ for client_credentials.`,
        },
      ),
    ];
  return [];
}

function listed(list: readonly string[]): string {
  const shown = list.slice(0, 12).join(', ');
  return list.length > 12 ? `${shown}, … (${list.length - 12} more)` : shown;
}

function supportedProblems(tokens: ScopeToken[], supported: readonly string[]): Finding[] {
  const offered = supported.flatMap((s) => parseScopes(s));
  const out: Finding[] = [];
  for (const t of tokens) {
    if (offered.some((o) => covers(o, t))) continue;
    const near = offered.find(
      (o) => o.kind === 'resource' && o.context === t.context && t.kind === 'resource',
    );
    out.push(
      finding(
        'SCOPE_NOT_ALLOWED',
        `${t.raw} is not in scopes_supported and no listed wildcard covers it (listed: ${listed(supported)}).`,
        {
          severity: 'warning',
          fix: `Request a listed scope${near ? ` (e.g. ${near.raw})` : ''}. scopes_supported may list only examples (SMART: not exhaustive), so the server may still accept it; if it answers invalid_scope, this is why.`,
        },
      ),
    );
  }
  // No capabilities: guess the version from what scopes_supported lists.
  const versions = new Set(offered.map((o) => o.version).filter(Boolean));
  if (versions.size === 1) {
    const only = [...versions][0]!;
    const other = tokens.filter((t) => t.version && t.version !== only);
    if (other.length)
      out.push(
        syntax(
          `scopes_supported lists only SMART v${only} scopes, but ${other.map((t) => t.raw).join(' ')} ${other.length > 1 ? 'are' : 'is'} v${only === 1 ? 2 : 1}.`,
          `Consider the v${only} form (Convert to v${only}); check the server's permission-v1/permission-v2 capabilities.`,
          'info',
        ),
      );
  }
  return out;
}

function capabilityProblems(
  tokens: ScopeToken[],
  caps: readonly string[],
  grant: GrantType,
): Finding[] {
  const out: Finding[] = [];
  const has = (c: string) => caps.includes(c);
  const missing = (
    t: ScopeToken,
    cap: string,
    severity: Finding['severity'],
    fix: string,
    what = `the "${cap}" capability`,
  ) =>
    out.push(
      finding(
        'SCOPE_NOT_ALLOWED',
        `${t.raw} is requested, but the server does not advertise ${what}.`,
        { severity, title: `Server does not advertise ${cap}`, fix },
      ),
    );
  const names = new Set<string>();
  for (const t of tokens) {
    if (names.has(t.normalized)) continue;
    names.add(t.normalized);
    if (t.normalized === 'offline_access' && !has('permission-offline'))
      missing(
        t,
        'permission-offline',
        'warning',
        'Expect no refresh token; drop offline_access or ask the server operators whether this client may have one.',
      );
    if (t.normalized === 'online_access' && !has('permission-online'))
      missing(
        t,
        'permission-online',
        'warning',
        'Expect no refresh token; use offline_access if the server advertises permission-offline.',
      );
    if (grant === 'client_credentials') continue;
    if (t.context === 'patient' && !has('permission-patient'))
      missing(
        t,
        'permission-patient',
        'info',
        'Patient-level scopes may be refused; try user/ scopes.',
      );
    if (t.context === 'user' && !has('permission-user'))
      missing(
        t,
        'permission-user',
        'info',
        'User-level scopes may be refused; try patient/ scopes.',
      );
    if (t.normalized === 'launch/patient' && !has('context-standalone-patient'))
      missing(
        t,
        'context-standalone-patient',
        'info',
        'The server may not offer a patient picker; pass the patient some other way or use an EHR launch.',
      );
    if (t.normalized === 'launch/encounter' && !has('context-standalone-encounter'))
      missing(
        t,
        'context-standalone-encounter',
        'info',
        'The server may not offer an encounter picker.',
      );
    if (
      t.normalized === 'launch' &&
      !has('context-ehr-patient') &&
      !has('context-ehr-encounter') &&
      !has('launch-ehr')
    )
      missing(
        t,
        'launch-ehr',
        'info',
        'launch is for apps the EHR starts with a launch parameter; for a standalone launch use launch/patient.',
        'launch-ehr or a context-ehr-* capability',
      );
    if ((t.normalized === 'openid' || t.normalized === 'fhirUser') && !has('sso-openid-connect'))
      missing(
        t,
        'sso-openid-connect',
        'info',
        'The server may not return an id_token; check for one in the token response.',
      );
  }
  return out;
}

/**
 * Everything wrong with a scope request for a grant and (when discovery ran) a server: syntax,
 * the wrong kind for the grant, not offered, capability mismatches. Most likely problem first.
 */
export function checkScopes(input: ScopeCheckInput): Finding[] {
  const tokens = parseScopes(
    input.scope,
    input.capabilities ? { capabilities: input.capabilities } : {},
  );
  if (tokens.length === 0) {
    if (input.grant === 'refresh_token') return [];
    return [
      syntax(
        'No scope is requested.',
        input.grant === 'client_credentials'
          ? 'Backend services must send scope, e.g. system/Patient.rs.'
          : 'Request the scopes the app needs, e.g. "openid fhirUser launch/patient patient/*.rs".',
      ),
    ];
  }
  return rankFindings([
    ...tokens.flatMap((t) => grantProblems(t, input.grant)),
    ...tokens.flatMap((t) => t.problems),
    ...setProblems(tokens),
    ...(input.scopesSupported ? supportedProblems(tokens, input.scopesSupported) : []),
    ...(input.capabilities ? capabilityProblems(tokens, input.capabilities, input.grant) : []),
  ]);
}

// ---- conversion ----

export type ConversionChange = 'exact' | 'widens' | 'unchanged';

export interface ConvertedScope {
  from: string;
  to: string;
  change: ConversionChange;
  /** Why it is not exact, or why it was left as is. */
  note?: string;
}

export interface ScopeConversion {
  to: 1 | 2;
  text: string;
  items: ConvertedScope[];
}

/** The nearest v1 action that allows at least these v2 permissions. */
function nearestV1(perms: readonly Permission[]): V1Action {
  if (subset(perms, V1_TO_V2.read)) return 'read';
  if (subset(perms, V1_TO_V2.write)) return 'write';
  return '*';
}

function convertToken(t: ScopeToken, to: 1 | 2): ConvertedScope {
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

/**
 * Converts resource scopes to SMART v2 (.read -> .rs, .write -> .cud, .* -> .cruds) or v1 (exact
 * where possible, else the nearest wider scope with a note). Other scopes pass through unchanged.
 */
export function convertScopes(text: string, to: 1 | 2): ScopeConversion {
  const items = parseScopes(text).map((t) => convertToken(t, to));
  return { to, text: items.map((i) => i.to).join(' '), items };
}

// ---- requested vs granted ----

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
