// Scope checks: what is wrong with a scope request for a grant and a server (checkScopes).
import type { Finding } from '../diagnosis/codes.js';
import { finding } from '../diagnosis/catalog.js';
import { rankFindings } from '../diagnosis/rank.js';
import type { GrantType } from '../types.js';
import {
  covers,
  equivalent,
  parseScopes,
  syntax,
  type ScopeContext,
  type ScopeToken,
} from './parse.js';

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
