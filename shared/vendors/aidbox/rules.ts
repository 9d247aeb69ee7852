/** Aidbox diagnosis rules (VENDORS.md §6.6: AB1–AB5). */
import { src } from '../../presets.js';
import { always, param, said, type VendorRule } from '../rule-context.js';

/** 6.6 Aidbox: failed token answers. */
export const AIDBOX_TOKEN_RULES: readonly VendorRule[] = [
  {
    id: 'AB2-grant',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) => c.response?.error === 'unauthorized_client',
    code: 'GRANT_NOT_ALLOWED',
    likelihood: 90,
    evidence: (c) =>
      `${said(c)} The Client resource's grant_types does not list ${c.request.grant ?? 'this grant'}.`,
    fix: (c) =>
      `Add "${c.request.grant ?? 'client_credentials'}" to grant_types of Client/${c.profile.clientId ?? ''}.`,
    source: src('AB-CCG'),
  },
  {
    id: 'AB2-scope',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) =>
      c.response?.error === 'invalid_scope' &&
      c.request.grant === 'client_credentials' &&
      /(^|\s)(patient|user)\//.test(param(c, 'scope') ?? ''),
    code: 'SCOPE_INVALID_FOR_GRANT',
    likelihood: 90,
    evidence: (c) =>
      `${said(c)} scope "${param(c, 'scope') ?? ''}" holds patient/ or user/ scopes; an Aidbox smart-app may use only system/ scopes with client_credentials.`,
    fix: 'Request system/ scopes for client_credentials.',
    source: src('AB-CCG'),
  },
  {
    id: 'AB2-unknown',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) =>
      c.response?.error === 'invalid_client' && /unknown client/i.test(c.response.message),
    code: 'CLIENT_UNKNOWN',
    likelihood: 90,
    evidence: said,
    source: src('AB-CCG'),
  },
  {
    id: 'AB2-secret',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) =>
      c.response?.error === 'invalid_client' &&
      /client_secret|credentials/i.test(c.response.message) &&
      c.profile.authMethod.startsWith('client_secret'),
    code: 'CLIENT_SECRET_INVALID',
    likelihood: 85,
    evidence: (c) => `${said(c)} Compare with the secret of Client/${c.profile.clientId ?? ''}.`,
    source: src('AB-CCG'),
  },
  {
    id: 'AB3',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) =>
      c.response?.error === 'invalid_client' &&
      !!param(c, 'client_assertion') &&
      !/unknown client/i.test(c.response.message),
    code: 'AUTH_METHOD_MISMATCH',
    likelihood: 70,
    title: 'The Aidbox Client is not set up for JWT assertions',
    evidence: (c) =>
      `${said(c)} The assertion passes every local check; Aidbox accepts client_assertion only when the Client lists the jwt-bearer type in auth.client_credentials.client_assertion_types.`,
    fix: 'On the Client resource set auth.client_credentials.client_assertion_types: [urn:ietf:params:oauth:client-assertion-type:jwt-bearer] and a reachable jwks_uri.',
    source: src('AB-BS', 'AB-CCG'),
  },
];

/** Successful token answers: what Aidbox documents about its tokens (6.6 AB4). */
export const AIDBOX_SUCCESS_RULES: readonly VendorRule[] = [
  {
    id: 'AB4',
    vendors: ['aidbox'],
    phase: 'success',
    when: (c) =>
      c.response?.json?.expires_in === undefined &&
      typeof c.response?.json?.access_token === 'string' &&
      !c.response.json.access_token.includes('.'),
    code: 'TOKEN_RESPONSE_INVALID',
    severity: 'warning',
    likelihood: 50,
    title: 'Aidbox opaque token: no expires_in, no refresh token',
    evidence: () =>
      'The access token is opaque (the Aidbox default) and the answer has no expires_in and no refresh_token, so its lifetime is unknown to the client.',
    fix: 'On the Client resource set auth.client_credentials.token_format: jwt and access_token_expiration (and refresh_token: true if refresh is wanted).',
    source: src('AB-CCG', 'AB-BS'),
  },
];

/** Failed resource calls (6.6 AB1). */
export const AIDBOX_RESOURCE_RULES: readonly VendorRule[] = [
  {
    id: 'AB1',
    vendors: ['aidbox'],
    phase: 'resource',
    shape: 'aidbox-no-access-policy',
    when: always,
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 95,
    title: 'No Aidbox AccessPolicy lets this Client read',
    evidence: (c) =>
      `HTTP 403 from ${c.request.url} with a token Aidbox accepted: a new Client has no access until an AccessPolicy links Client/${c.profile.clientId ?? ''}.`,
  },
];

/** Successful resource calls (6.6 AB5). */
export const AIDBOX_RESOURCE_SUCCESS_RULES: readonly VendorRule[] = [
  {
    id: 'AB5',
    basis: 'history',
    vendors: ['aidbox'],
    phase: 'resource-success',
    when: (c) => !!c.revokedAt,
    code: 'TOKEN_STILL_ACTIVE',
    likelihood: 95,
    title: 'Aidbox: the Session of this token is still open',
    evidence: (c) =>
      `HTTP ${c.response!.status} from ${c.request.url} with a token revoked in this session at ${c.revokedAt!}: Aidbox keeps a token valid until its Session resource is closed, and the revocation used did not close it.`,
    fix: 'Close the Session: DELETE /Session with the token in Authorization: Bearer (the Revoke action does this for Aidbox profiles without a revocation endpoint), then check the token gets 401.',
    source: src('AB-CCG'),
  },
];
