/** Oracle Health (Cerner) diagnosis rules (VENDORS.md §6.4: C1–C8). */
import { src } from '../../presets.js';
import { always, bearerJwt, param, said, sentAlg, type VendorRule } from '../rule-context.js';

/** 6.4 Oracle Health: failed token answers. */
export const ORACLE_HEALTH_TOKEN_RULES: readonly VendorRule[] = [
  {
    id: 'C1',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-authorization-header',
    when: bearerJwt,
    code: 'ASSERTION_IN_AUTH_HEADER',
    likelihood: 95,
    evidence: (c) =>
      `${said(c)} The assertion went in "Authorization: Bearer …"; Oracle Health reads only Basic there, so it could not identify the client (client=unknown).`,
  },
  {
    id: 'C1-basic',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-authorization-header',
    when: (c) => !bearerJwt(c),
    code: 'CLIENT_SECRET_INVALID',
    likelihood: 85,
    title: 'The Authorization header could not be read',
    evidence: (c) =>
      `${said(c)} The Authorization header is not a valid Basic base64(client_id:secret).`,
    fix: 'Send Authorization: Basic base64(client_id:secret) built from the system account.',
  },
  {
    id: 'C2-body',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-client-credentials',
    when: (c) => c.response?.cerner?.client === 'unknown' && !!param(c, 'client_secret'),
    code: 'AUTH_METHOD_MISMATCH',
    likelihood: 95,
    title: 'Oracle Health reads the system account secret only from HTTP Basic',
    evidence: (c) =>
      `${said(c)} The secret was sent in the form body (client_secret_post); Oracle Health did not find client credentials (client=unknown).`,
    fix: 'Use client_secret_basic: Authorization: Basic base64(client_id:secret), nothing in the body.',
    source: src('CER-AUTH', 'CER-SPEC'),
  },
  {
    id: 'C2-unknown',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-client-credentials',
    when: (c) => c.response?.cerner?.client === 'unknown' && !param(c, 'client_secret'),
    code: 'CLIENT_UNKNOWN',
    likelihood: 90,
    evidence: (c) =>
      `${said(c)} client=unknown in error_uri: Oracle Health does not know client_id ${c.profile.clientId ?? ''} in tenant ${c.response!.cerner!.tenant ?? '(none)'}.`,
    fix: 'Copy the client id of the system account from Cerner Central System Accounts; check the tenant in the token URL.',
  },
  {
    id: 'C2-secret',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-client-credentials',
    when: (c) => !!c.response?.cerner?.client && c.response.cerner.client !== 'unknown',
    code: 'CLIENT_SECRET_INVALID',
    likelihood: 90,
    evidence: (c) =>
      `${said(c)} client=${c.response!.cerner!.client} in error_uri: the client is known, so the secret is wrong or was rotated.`,
    fix: 'Verify or rotate the secret in Cerner Central System Accounts and store the new one.',
  },
  {
    id: 'C3',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-signature',
    when: always,
    code: 'ASSERTION_SIGNATURE_INVALID',
    likelihood: 75,
    evidence: (c) =>
      `${said(c)} The JWKS registered on the system account does not verify this assertion (kid ${String(c.assertion?.header.kid ?? '(none)')}, alg ${sentAlg(c) ?? '?'}).`,
    fix: 'Register the public key (JWKS) on the system account in Cerner Central, sign with that key, RS384 or ES384.',
  },
  {
    id: 'C4',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-code-invalid-or-expired',
    when: always,
    code: 'CODE_INVALID',
    likelihood: 95,
    evidence: said,
  },
  {
    id: 'C5',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-denied-by-server',
    when: always,
    code: 'AUTHORIZATION_DENIED',
    likelihood: 95,
    evidence: said,
  },
];

/** Successful token answers: what Oracle Health documents about its tokens (6.4 C8). */
export const ORACLE_HEALTH_SUCCESS_RULES: readonly VendorRule[] = [
  {
    id: 'C8',
    vendors: ['oracle-health'],
    phase: 'success',
    when: (c) => typeof c.response?.json?.expires_in === 'number',
    code: 'TOKEN_LIFETIME',
    severity: 'info',
    likelihood: 50,
    title: 'Oracle Health tokens live about 10 minutes; refresh is throttled',
    evidence: (c) =>
      `expires_in is ${String(c.response!.json!.expires_in)} s (Oracle Health documents ~570 s). Refreshing more often than once a minute may be throttled, a refresh answer carries no new refresh token, and offline_access refresh needs Basic client credentials.`,
    fix: 'Renew shortly before expires_in runs out (not in a tight loop); keep the first refresh token; use client_secret_basic for offline_access refreshes.',
    source: src('CER-AUTH'),
  },
];

/** Failed resource calls (6.4 C6/C7). */
export const ORACLE_HEALTH_RESOURCE_RULES: readonly VendorRule[] = [
  {
    id: 'C6',
    vendors: ['oracle-health'],
    phase: 'resource',
    when: (c) =>
      c.response?.status === 401 &&
      /tenant-mismatch/.test(`${c.response.wwwAuthenticate ?? ''} ${c.response.text}`),
    code: 'TOKEN_AUDIENCE_MISMATCH',
    likelihood: 95,
    title: 'Token minted for another Oracle Health tenant or host',
    evidence: (c) =>
      `HTTP 401 tenant-mismatch from ${c.request.url}${c.response!.wwwAuthenticate ? ` (WWW-Authenticate: ${c.response!.wwwAuthenticate})` : ''}: the token came from another tenant's or host's token endpoint.`,
    fix: 'Get the token from the token_endpoint advertised by this FHIR base (its .well-known/smart-configuration).',
    source: src('ORCL-F4', 'CER-WK'),
  },
  {
    id: 'C7',
    vendors: ['oracle-health'],
    phase: 'resource',
    when: (c) => c.response?.status === 403 && /\$export/.test(c.request.url),
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 95,
    title: 'App not authorized for bulk data in this tenant',
    evidence: (c) =>
      `HTTP 403 for ${c.request.url}: bulk $export is not authorized for this app, tenant or group.`,
    fix: 'Ask the organisation to authorize the app for Millennium Bulk Data in this tenant (and group).',
    source: src('CER-BULK'),
  },
];
