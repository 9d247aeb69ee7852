import type { DiscoveryDocument, DiscoveryField } from './types.js';

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
