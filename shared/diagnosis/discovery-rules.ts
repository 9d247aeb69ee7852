import type { Finding } from './codes.js';
import { finding } from './catalog.js';
import { SOURCES, getPreset, sourceText, type Sources } from '../presets.js';
import type { DiscoveryDocument, DiscoveryField } from '../types.js';

type Rule = { name: string; level: 'required' | 'recommended' | 'optional'; note?: string };

/** SMART App Launch 2.x conformance (VENDORS.md 1.8). */
export const SMART_FIELDS: Rule[] = [
  { name: 'issuer', level: 'optional', note: 'required with sso-openid-connect' },
  { name: 'jwks_uri', level: 'optional', note: 'required with sso-openid-connect' },
  {
    name: 'authorization_endpoint',
    level: 'optional',
    note: 'required with launch-ehr / launch-standalone',
  },
  { name: 'grant_types_supported', level: 'required' },
  { name: 'token_endpoint', level: 'required' },
  { name: 'token_endpoint_auth_methods_supported', level: 'recommended' },
  {
    name: 'token_endpoint_auth_signing_alg_values_supported',
    level: 'recommended',
    note: 'RS384 or ES384 for client-confidential-asymmetric',
  },
  { name: 'registration_endpoint', level: 'optional' },
  { name: 'scopes_supported', level: 'recommended' },
  { name: 'response_types_supported', level: 'recommended' },
  { name: 'introspection_endpoint', level: 'recommended' },
  { name: 'revocation_endpoint', level: 'recommended' },
  { name: 'capabilities', level: 'required' },
  {
    name: 'code_challenge_methods_supported',
    level: 'required',
    note: 'must include S256, not plain',
  },
];

/** RFC 8414 / OpenID Connect Discovery metadata. */
export const AS_FIELDS: Rule[] = [
  { name: 'issuer', level: 'required' },
  { name: 'authorization_endpoint', level: 'recommended' },
  { name: 'token_endpoint', level: 'required' },
  { name: 'jwks_uri', level: 'recommended' },
  { name: 'response_types_supported', level: 'required' },
  { name: 'grant_types_supported', level: 'optional' },
  { name: 'token_endpoint_auth_methods_supported', level: 'optional' },
  { name: 'token_endpoint_auth_signing_alg_values_supported', level: 'optional' },
  { name: 'scopes_supported', level: 'recommended' },
  { name: 'registration_endpoint', level: 'optional' },
  { name: 'introspection_endpoint', level: 'optional' },
  { name: 'revocation_endpoint', level: 'optional' },
  { name: 'userinfo_endpoint', level: 'optional' },
  { name: 'code_challenge_methods_supported', level: 'optional' },
];

/** Lists every rule field (present or not) plus any extra fields the server sent. */
export function checkFields(doc: Record<string, unknown>, rules: Rule[]): DiscoveryField[] {
  const out: DiscoveryField[] = rules.map((r) => {
    const present = doc[r.name] !== undefined && doc[r.name] !== null;
    return {
      name: r.name,
      value: doc[r.name],
      status: present
        ? 'present'
        : r.level === 'required'
          ? 'missing-required'
          : r.level === 'recommended'
            ? 'missing-recommended'
            : 'optional',
      ...(r.note ? { note: r.note } : {}),
    };
  });
  for (const [k, v] of Object.entries(doc)) {
    if (!rules.some((r) => r.name === k)) out.push({ name: k, value: v, status: 'present' });
  }
  return out;
}

/** URLs to try for each discovery document kind. */
export function discoveryUrls(target: {
  fhirBaseUrl?: string;
  issuer?: string;
}): { kind: DiscoveryDocument['kind']; url: string }[] {
  const out: { kind: DiscoveryDocument['kind']; url: string }[] = [];
  if (target.fhirBaseUrl)
    out.push({
      kind: 'smart-configuration',
      url: `${target.fhirBaseUrl.replace(/\/+$/, '')}/.well-known/smart-configuration`,
    });
  if (target.issuer) {
    const iss = target.issuer.replace(/\/+$/, '');
    out.push({ kind: 'openid-configuration', url: `${iss}/.well-known/openid-configuration` });
    const u = new URL(target.issuer);
    const path = u.pathname.replace(/\/+$/, '');
    out.push({
      kind: 'oauth-authorization-server',
      url: `${u.origin}/.well-known/oauth-authorization-server${path}`,
    });
  }
  return out;
}

/**
 * VENDORS.md G13: a smart-configuration that does not advertise asymmetric client authentication
 * (private_key_jwt, RS384/ES384, client-confidential-asymmetric). Inferno's bulk discovery test
 * only warns on these fields, so this is a warning: fall back to the vendor's documentation.
 */
export function authFieldFindings(doc: Record<string, unknown>, url: string): Finding[] {
  const list = (k: string) =>
    Array.isArray(doc[k]) ? (doc[k] as unknown[]).map(String) : undefined;
  const methods = list('token_endpoint_auth_methods_supported');
  const algs = list('token_endpoint_auth_signing_alg_values_supported');
  const caps = list('capabilities');
  const gaps: string[] = [];
  if (!methods) gaps.push('token_endpoint_auth_methods_supported is missing');
  else if (!methods.includes('private_key_jwt'))
    gaps.push(
      `token_endpoint_auth_methods_supported [${methods.join(', ')}] lacks private_key_jwt`,
    );
  if (!algs) gaps.push('token_endpoint_auth_signing_alg_values_supported is missing');
  else if (!algs.some((a) => a === 'RS384' || a === 'ES384'))
    gaps.push(
      `token_endpoint_auth_signing_alg_values_supported [${algs.join(', ')}] has neither RS384 nor ES384`,
    );
  if (caps && !caps.includes('client-confidential-asymmetric'))
    gaps.push('capabilities lacks client-confidential-asymmetric');
  if (!gaps.length) return [];
  const inf = SOURCES['INF-BULK-DISC'];
  return [
    finding('DISCOVERY_INCOMPLETE', `smart-configuration at ${url}: ${gaps.join('; ')}.`, {
      severity: 'warning',
      title: 'Discovery does not advertise asymmetric client authentication',
      fix: "Inferno only warns on these fields: the server may still accept private_key_jwt. Take the auth method and alg from the vendor's documentation (SMART: private_key_jwt with RS384 or ES384) and set them in the profile.",
      source: `${inf.url}; ${SOURCES['HL7-CONF'].url}`,
    }),
  ];
}

/** Endpoints a per-client discovery answer may override. */
const ENDPOINT_FIELDS = [
  'token_endpoint',
  'authorization_endpoint',
  'registration_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
] as const;

/** The header that names the client on discovery calls, and whose trait it is. */
export interface DiscoveryClientHeader {
  name: string;
  /** The profile's client_id. */
  value: string;
  /** The preset's title, e.g. Epic. */
  vendor: string;
  source: Sources;
}

/**
 * VENDORS.md E4: Epic customers may override endpoints per client, and discovery answers with them
 * only when the request carries `Epic-Client-ID` (community note [EPIC-COMM]): the
 * perClientDiscovery trait. Compares the answer with the header against the one without it; a
 * token endpoint that differs is where a client that skips the header goes wrong
 * (WRONG_TOKEN_ENDPOINT), other endpoints are noted with it.
 */
export function clientOverrideFindings(x: {
  client: DiscoveryClientHeader;
  url: string;
  perClient: Record<string, unknown>;
  generic: Record<string, unknown>;
}): Finding[] {
  const differs = ENDPOINT_FIELDS.filter(
    (k) =>
      typeof x.perClient[k] === 'string' &&
      typeof x.generic[k] === 'string' &&
      x.perClient[k] !== x.generic[k],
  );
  if (!differs.length) return [];
  const { name, value, vendor } = x.client;
  const list = differs
    .map((k) => `${k} ${String(x.perClient[k])} (without the header: ${String(x.generic[k])})`)
    .join('; ');
  return [
    finding(
      differs.includes('token_endpoint') ? 'WRONG_TOKEN_ENDPOINT' : 'DISCOVERY_INCOMPLETE',
      `${x.url} answers ${name}: ${value} with other endpoints than without it: ${list}.`,
      {
        severity: 'warning',
        title: `${vendor} serves this client its own endpoints (per-client override)`,
        fix: `Send ${name}: ${value} on discovery calls (the debugger does for ${vendor} profiles with a client id) and use the endpoints of that answer; requests to the generic ones are refused for this client.`,
        source: sourceText(x.client.source),
      },
    ),
  ];
}

/**
 * The header that names the client on discovery calls, for a server whose preset has the
 * perClientDiscovery trait (Epic-Client-ID, E4 [EPIC-COMM]) and a profile with a client id.
 */
export function discoveryClientHeader(p?: {
  vendor?: string;
  clientId?: string;
}): DiscoveryClientHeader | undefined {
  const preset = getPreset(p?.vendor);
  const trait = preset?.traits?.perClientDiscovery;
  return preset && trait && p?.clientId
    ? { name: trait.header, value: p.clientId, vendor: preset.title, source: trait.source }
    : undefined;
}
