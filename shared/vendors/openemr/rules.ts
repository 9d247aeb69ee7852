/** OpenEMR diagnosis rules (VENDORS.md §6.3: O1–O13). */
import { src } from '../../presets.js';
import {
  always,
  exportEvidence,
  param,
  said,
  sentAlg,
  unaskedTypes,
  type VendorRule,
} from '../rule-context.js';

/** The OpenEMR Site Address (incl. webroot) behind an /oauth2/{site}/… URL. */
const openEmrRoot = (url: string) => url.replace(/\/oauth2\/[^/]+\/[^/]*$/, '');

/** 6.3 OpenEMR: the token request and its failed answer. */
export const OPENEMR_TOKEN_RULES: readonly VendorRule[] = [
  {
    id: 'O1-alg',
    vendors: ['openemr'],
    phase: 'request',
    when: (c) => {
      const alg = sentAlg(c);
      return !!c.assertion && !!alg && !c.preset!.algs.accepted.value.includes(alg as never);
    },
    code: 'ASSERTION_ALG_NOT_ACCEPTED',
    likelihood: 85,
    evidence: (c) =>
      `The assertion is signed ${sentAlg(c)}; OpenEMR verifies ${c.preset!.algs.accepted.value.join(', ')} only (RsaSha384Signer).`,
    fix: 'Sign the assertion with an RSA key and alg RS384.',
    source: src('OE-CCG'),
  },
  {
    id: 'O1-disabled',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-client-auth-failed',
    when: (c) => !!c.assertion,
    code: 'CLIENT_DISABLED',
    likelihood: 65,
    evidence: (c) =>
      `${said(c)} The assertion passed every local check (aud, RS384, iss/sub, exp, jti, kid), and OpenEMR gives this same answer for a client that is registered but not enabled — new clients start disabled.`,
    fix: 'An OpenEMR admin enables the client: Administration → System → API Clients → Edit → Enable. If it is enabled, check the registered JWKS holds this key.',
    source: src('OE-CCG', 'OE-SMART', 'OE-ISS12303'),
  },
  {
    id: 'O2',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-assertion-type',
    when: always,
    code: 'AUTH_METHOD_MISMATCH',
    likelihood: 95,
    title: 'OpenEMR client_credentials needs a private_key_jwt assertion',
    evidence: (c) =>
      `${said(c)} client_assertion_type was ${param(c, 'client_assertion_type') ?? 'not sent'} (auth method ${c.profile.authMethod}); OpenEMR's client_credentials accepts only a jwt-bearer assertion.`,
  },
  {
    id: 'O3',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-invalid-scope',
    when: (c) =>
      !c.preflight.some((f) => f.code === 'SCOPE_INVALID_FOR_GRANT' && f.severity === 'error'),
    code: 'SCOPE_NOT_ALLOWED',
    likelihood: 75,
    evidence: (c) =>
      `${said(c)} Requested scope "${param(c, 'scope') ?? ''}". ${/system\//.test(param(c, 'scope') ?? '') ? 'system/ scopes exist only when "Enable OpenEMR FHIR System Scopes" is on (off by default), and only if registered on the client.' : 'The scope is not registered on the client.'}`,
  },
  {
    id: 'O4',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-php-notice',
    when: (c) => !!c.response?.prefix,
    code: 'NON_JSON_RESPONSE',
    // The JSON after the notice was read: when it names an error, that error (and what the
    // request shows) is the cause, and the notice is noise to clean up.
    likelihood: 60,
    title: 'A PHP notice was printed before the JSON',
    evidence: (c) =>
      `The body starts with ${c.response!.prefix!.length} characters of PHP output before the JSON: "${c.response!.prefix!.slice(0, 80).trim()}".`,
  },
  {
    id: 'O5',
    vendors: ['openemr'],
    phase: 'response',
    when: (c) => c.response?.status === 404 && /API is disabled/i.test(c.response.text),
    code: 'ENDPOINT_NOT_FOUND',
    likelihood: 95,
    title: 'OpenEMR API is disabled',
    evidence: (c) => `HTTP 404 from ${c.request.url}: "${c.response!.text.slice(0, 100)}".`,
    fix: 'Administration → Config → Connectors: enable the Standard REST API and the Standard FHIR REST API, and set the Site Address.',
    source: src('OE-AUTHN', 'OE-FHIRRM'),
  },
  {
    id: 'O12',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-password-grant-off',
    when: (c) => c.request.grant === 'password',
    code: 'GRANT_NOT_ALLOWED',
    likelihood: 95,
    title: 'OpenEMR has the password grant switched off',
    evidence: (c) => `${said(c)} "Enable OAuth2 Password Grant" is off by default in OpenEMR.`,
    fix: 'Use the authorization code flow; for testing only, enable the OAuth2 password grant in Administration → Config → Connectors.',
  },
  {
    id: 'O7',
    vendors: ['openemr'],
    phase: 'response',
    when: (c) =>
      c.request.grant === 'client_credentials' && c.response?.error === 'unauthorized_client',
    code: 'GRANT_NOT_ALLOWED',
    likelihood: 92,
    title: 'The OpenEMR client record lacks client_credentials (grant types not saved)',
    evidence: (c) =>
      `${said(c)} OpenEMR keeps the grant types of the client record, and a client registered through /registration is saved with authorization_code only: the grant_types sent are not stored (#8547, 7.0.3).`,
    fix: 'Check the grant types of the client in Administration → System → API Clients and add client_credentials, or upgrade OpenEMR past the #8547 fix; registering again does not help.',
    source: src('OE-ISS8547', 'OE-AC'),
  },
  {
    id: 'O11',
    vendors: ['openemr'],
    phase: 'response',
    when: (c) =>
      c.request.grant === 'authorization_code' &&
      c.response?.error === 'invalid_client' &&
      /Client authentication failed/i.test(c.response.message) &&
      param(c, 'redirect_uri') !== undefined,
    code: 'REDIRECT_URI_MISMATCH',
    likelihood: 90,
    title: 'OpenEMR says "Client authentication failed" for a redirect_uri it does not know',
    evidence: (c) =>
      `${said(c)} The code exchange sent redirect_uri=${param(c, 'redirect_uri')!}. OpenEMR (league/oauth2-server validateRedirectUri) answers invalid_client "Client authentication failed" when the redirect_uri is not one registered on the client, not only for a wrong secret (#6644).`,
    fix: (c) =>
      `Register ${param(c, 'redirect_uri')!} byte-for-byte on the client (Administration → System → API Clients), or send the redirect_uri that is registered. Swagger UI sends ${openEmrRoot(c.request.url)}/swagger/oauth2-redirect.html: register that URI to authorize from Swagger.`,
    source: src('OE-ISS6644', 'OE-API'),
  },
];

/** Registration answers (6.3 O6). */
export const OPENEMR_REGISTRATION_RULES: readonly VendorRule[] = [
  {
    id: 'O6',
    vendors: ['openemr'],
    phase: 'registration',
    when: (c) => {
      const jwks = c.registration?.jwks;
      return !!jwks && typeof jwks === 'object' && (c.response?.status ?? 0) >= 400;
    },
    code: 'CLIENT_METADATA_INVALID',
    likelihood: 95,
    title: 'OpenEMR fails on jwks sent by value (bug #8958)',
    evidence: (c) =>
      `HTTP ${c.response!.status} from ${c.request.url} to a registration that sent jwks as a JSON object; OpenEMR 7.0.3 reads jwks as a string and fails on the object (#8958).${c.response!.text ? ` Answer: "${c.response!.text.slice(0, 100).trim()}".` : ''}`,
    fix: 'Register with jwks_uri instead (publish the public JWKS, e.g. with the JWKS hosting step, and set the profile JWKS URL), or upgrade OpenEMR past the #8958 fix.',
    source: src('OE-ISS8958'),
  },
];

/** Successful token answers: what OpenEMR documents about its tokens (6.3 O13). */
export const OPENEMR_SUCCESS_RULES: readonly VendorRule[] = [
  {
    id: 'O13',
    vendors: ['openemr'],
    phase: 'success',
    when: (c) => typeof c.response?.json?.expires_in === 'number',
    code: 'TOKEN_LIFETIME',
    severity: 'info',
    likelihood: 50,
    title: 'OpenEMR token lifetime: trust expires_in, not the docs',
    evidence: (c) =>
      `expires_in is ${String(c.response!.json!.expires_in)} s. OpenEMR's docs (Nov 2025) say 60 s for client_credentials; the code issues PT300S (AuthorizationController), and authorization-code tokens live 1 h.`,
    fix: 'Schedule renewal from expires_in of each answer; do not hard-code 60 s or 300 s.',
    source: src('OE-AUTHN', 'OE-AC'),
  },
];

/** Failed resource calls (6.3 O9). */
export const OPENEMR_RESOURCE_RULES: readonly VendorRule[] = [
  {
    id: 'O9',
    vendors: ['openemr'],
    phase: 'resource',
    when: (c) =>
      (c.response?.status === 401 || c.response?.status === 403) &&
      /\/apis\/[^/]+\/api\//.test(c.request.url) &&
      /(^|\s)system\//.test(c.grantedScope ?? ''),
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 85,
    title: 'OpenEMR standard API refuses system-scope tokens',
    evidence: (c) =>
      `HTTP ${c.response!.status} from the standard API (${c.request.url}) with a system/ token: OpenEMR did not allow system scopes for api:oemr (#8556, fixed 2025-07).`,
    fix: 'Use the FHIR API (/apis/{site}/fhir), or upgrade OpenEMR past the #8556 fix.',
    source: src('OE-ISS8556'),
  },
];

/** Successful resource calls (6.3 O10). */
export const OPENEMR_RESOURCE_SUCCESS_RULES: readonly VendorRule[] = [
  {
    id: 'O10',
    basis: 'check',
    vendors: ['openemr'],
    phase: 'resource-success',
    severity: 'warning',
    when: (c) => unaskedTypes(c).length > 0,
    code: 'BULK_TYPE_IGNORED',
    likelihood: 90,
    title: 'OpenEMR ignored _type and exported the other permitted types (#8668)',
    evidence: (c) =>
      `${exportEvidence(c)} OpenEMR 7.0.3 answers a _type outside the token's scopes with the other resources the token may read instead of refusing (#8668, open).`,
    fix: 'Check _type against the granted scope before exporting: request a token with a scope for each type in _type (e.g. system/Observation.read), or drop the uncovered types. Do not use this export as the filtered one.',
    source: src('OE-ISS8668'),
  },
];
