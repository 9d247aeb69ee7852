/**
 * Vendor simulators (e2e/fixtures/simulators) driven through the engine: a correct configuration
 * gets a token, and each documented misconfiguration produces the vendor's documented raw answer.
 * These tests check what went over the wire (the recorded exchanges, TokenResult status/body), not
 * the diagnosis; the next step turns each row below into a top-1 cause-code check.
 *
 * Scenario → expected cause code (DIAGNOSIS.md; rule ids from VENDORS.md §6)
 * | simulator     | scenario                                              | rule    | expected top-1 code         |
 * |---------------|-------------------------------------------------------|---------|-----------------------------|
 * | OpenEMR       | registered client not enabled by an admin             | O1      | CLIENT_DISABLED             |
 * | OpenEMR       | assertion signed with RS256 (RS384 only)              | O1      | ASSERTION_ALG_NOT_ACCEPTED  |
 * | OpenEMR       | Site Address differs from the URL called (proxy)      | O1, O8  | ASSERTION_AUD_MISMATCH      |
 * | OpenEMR       | iss differs from client_id                            | O1      | ASSERTION_ISS_SUB_MISMATCH  |
 * | OpenEMR       | exp past (beyond the 60 s leeway)                     | O1      | ASSERTION_EXPIRED           |
 * | OpenEMR       | jti reused                                            | O1      | ASSERTION_JTI_REUSED        |
 * | OpenEMR       | kid not in the registered JWKS                        | O1      | ASSERTION_KID_NOT_FOUND     |
 * | OpenEMR       | registered JWKS URL unreachable                       | O1      | JWKS_UNREACHABLE            |
 * | OpenEMR       | client secret sent to client_credentials              | O2      | AUTH_METHOD_MISMATCH        |
 * | OpenEMR       | system scopes switched off                            | O3      | SCOPE_NOT_ALLOWED           |
 * | OpenEMR       | PHP notice before the JSON                            | O4      | NON_JSON_RESPONSE           |
 * | OpenEMR       | API disabled (404 "OpenEMR Error: API is disabled")   | O5      | ENDPOINT_NOT_FOUND          |
 * | OpenEMR       | password grant disabled                               | O12     | GRANT_NOT_ALLOWED           |
 * | OpenEMR       | standard API refuses a system-scope token (#8556)     | O9      | RESOURCE_FORBIDDEN          |
 * | Oracle Health | JWT in Authorization: Bearer (401, client=unknown)    | C1      | ASSERTION_IN_AUTH_HEADER    |
 * | Oracle Health | wrong system-account secret (invalid-client-credentials) | C2   | CLIENT_SECRET_INVALID       |
 * | Oracle Health | secret in the body instead of Basic                   | C2      | AUTH_METHOD_MISMATCH        |
 * | Oracle Health | unknown client id (client=unknown)                    | C2      | CLIENT_UNKNOWN              |
 * | Oracle Health | assertion signed by an unregistered key (invalid-signature) | C3 | ASSERTION_SIGNATURE_INVALID |
 * | Oracle Health | kid not in the registered JWKS                        | C3      | ASSERTION_KID_NOT_FOUND     |
 * | Oracle Health | token from tenant A used at tenant B (tenant-mismatch)| C6      | TOKEN_AUDIENCE_MISMATCH     |
 * | Oracle Health | bulk $export not authorized for the tenant (403)      | C7      | RESOURCE_FORBIDDEN          |
 * | Epic          | production client id against non-production           | E1      | CLIENT_UNKNOWN              |
 * | Epic          | exp more than 5 minutes ahead                         | E1      | ASSERTION_EXP_TOO_FAR       |
 * | Epic          | aud is another environment's token URL                | E1      | ASSERTION_AUD_MISMATCH      |
 * | Epic          | jku header differs from the registered JKU            | E1      | ASSERTION_JKU_MISMATCH      |
 * | Epic          | jti reused                                            | E1      | ASSERTION_JTI_REUSED        |
 * | Epic          | registration not yet synced                           | E1      | CLIENT_DISABLED             |
 * | Epic          | static key upload, no JKU (sandbox after Feb 2026)    | E3      | ASSERTION_KID_NOT_FOUND     |
 * | Epic          | Basic id/secret URL-encoded                           | E5      | CLIENT_SECRET_INVALID       |
 * | Epic          | FHIR OperationOutcome 4118                            | E6      | RESOURCE_FORBIDDEN          |
 * | Aidbox        | token OK, FHIR 403 without AccessPolicy               | AB1     | RESOURCE_FORBIDDEN          |
 * | Aidbox        | Client lacks client_credentials in grant_types        | AB2     | GRANT_NOT_ALLOWED           |
 * | Aidbox        | wrong secret                                          | AB2     | CLIENT_SECRET_INVALID       |
 * | Aidbox        | patient/ scope for a smart-app client                 | AB2     | SCOPE_INVALID_FOR_GRANT     |
 * | Aidbox        | client_assertion_types not configured on the Client   | AB3     | AUTH_METHOD_MISMATCH        |
 * | Aidbox        | opaque token without expires_in                       | AB4     | success; TOKEN_RESPONSE_INVALID warning first |
 * | Aidbox        | token still valid after "logout" (Session not closed) | AB5     | TOKEN_STILL_ACTIVE (Revoke closes the Session: DELETE /Session) |
 * | Keycloak      | service accounts off                                  | K1      | GRANT_NOT_ALLOWED           |
 * | Keycloak      | public client                                         | K2      | AUTH_METHOD_MISMATCH        |
 * | Keycloak      | wrong secret                                          | K3      | CLIENT_SECRET_INVALID       |
 * | Keycloak      | unknown client / wrong realm                          | K3      | CLIENT_UNKNOWN              |
 * | Keycloak      | Signed JWT authenticator, secret sent                 | K4      | AUTH_METHOD_MISMATCH        |
 * | Keycloak      | aud not a URL of this realm                           | K5      | ASSERTION_AUD_MISMATCH      |
 * | Keycloak      | jti reused                                            | K6      | ASSERTION_JTI_REUSED        |
 * | Keycloak      | alg differs from the client's configured alg          | K7      | ASSERTION_ALG_NOT_ACCEPTED  |
 * | Keycloak      | JWKS URL unreachable                                  | K8      | JWKS_UNREACHABLE            |
 * | Keycloak      | iat in the future (clock skew > 15 s)                 | K9      | CLOCK_SKEW                  |
 * | Keycloak      | client_id parameter differs from sub                  | G11     | ASSERTION_ISS_SUB_MISMATCH  |
 * | Keycloak      | /auth prefix on Keycloak ≥ 17 (404)                   | K10     | ENDPOINT_NOT_FOUND          |
 * | Oracle Health | jku header differs from the registered JWKS URL       | G8      | ASSERTION_JKU_MISMATCH      |
 * | OpenEMR       | ES384 to an RS384-only server                         | G9      | ASSERTION_ALG_NOT_ACCEPTED  |
 * | OpenEMR       | two keys share one kid in the registered JWKS         | G10     | ASSERTION_KID_NOT_FOUND     |
 * | OpenEMR       | token lifetime vs docs (expires_in 300, docs 60)      | O13     | success; TOKEN_LIFETIME info |
 * | Oracle Health | ~570 s tokens, refresh throttling                     | C8      | success; TOKEN_LIFETIME info |
 * | Oracle Health | authorization code used twice (code-invalid-or-expired) | C4    | CODE_INVALID                |
 * | Oracle Health | app not enabled (access_denied, denied-by-server)     | C5      | AUTHORIZATION_DENIED        |
 * | SMART v2      | aud with a trailing slash                             | G1      | ASSERTION_AUD_MISMATCH      |
 * | SMART v2      | assertion signed by a key the server does not hold    | G1      | ASSERTION_SIGNATURE_INVALID |
 * | SMART v2      | jwt-bearer grant URN instead of client_credentials    | G2      | GRANT_TYPE_INVALID          |
 * | SMART v2      | client_assertion_type misspelled                      | G3      | ASSERTION_TYPE_INVALID      |
 * | SMART v2      | patient/ scope in client_credentials                  | G4      | SCOPE_INVALID_FOR_GRANT     |
 * | SMART v2      | FHIR 403 for a type outside the granted scope         | G5      | RESOURCE_FORBIDDEN          |
 * | SMART v2      | same jti sent twice                                   | G6      | ASSERTION_JTI_REUSED        |
 * | SMART v2      | rotated to a key not yet published in the JWKS        | G7      | ASSERTION_KID_NOT_FOUND     |
 * | SMART v2      | expires_in 3600 for a backend service                 | G12     | success; TOKEN_RESPONSE_INVALID info |
 * | SMART v2      | redirect_uri differs at the code exchange             | A1      | REDIRECT_URI_MISMATCH       |
 * | SMART v2      | code_verifier does not match the challenge            | A1      | PKCE_MISMATCH               |
 * | SMART v2      | code redeemed twice                                   | A1      | CODE_INVALID                |
 * | SMART v2      | no code_challenge (PKCE required)                     | A2      | PKCE_REQUIRED               |
 * | SMART v2      | PKCE plain refused (S256 only)                        | A3      | PKCE_MISMATCH               |
 * | SMART v2      | unregistered redirect_uri: error page, no redirect    | A4      | AUTHORIZATION_TIMEOUT       |
 * | SMART v2      | state on the redirect differs                         | A6      | STATE_MISMATCH              |
 * | SMART v2      | two client auth methods at the code exchange          | A7      | AUTH_METHOD_MISMATCH        |
 * | SMART v2      | offline_access asked, no refresh token issued         | A8      | REFRESH_NOT_ISSUED          |
 * | OpenEMR       | registration with jwks by value fails (#8958)         | O6      | CLIENT_METADATA_INVALID     |
 * | OpenEMR       | grant types not saved from /registration (#8547)      | O7      | GRANT_NOT_ALLOWED           |
 * | Epic          | works in the sandbox, refused in the customer's prod  | E2      | CLIENT_DISABLED             |
 * | SMART (Epic sim) | discovery lacks the client auth fields             | G13     | DISCOVERY_INCOMPLETE (warning) |
 * | OpenEMR       | $export?_type=X returns other types (#8668)           | O10     | BULK_TYPE_IGNORED (warning, on the manifest) |
 * | OpenEMR       | invalid_client for an unregistered redirect_uri (swagger, #6644) | O11 | REDIRECT_URI_MISMATCH |
 * | Epic          | discovery answers Epic-Client-ID with other endpoints | E4      | WRONG_TOKEN_ENDPOINT (warning) |
 * | Oracle Health | authorize request without aud (FHIR base)             | A5      | LAUNCH_AUD_MISSING          |
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAidboxSim, type AidboxSim } from '../testing/simulators/aidbox.js';
import { EPIC_INVALID_CLIENT, startEpicSim, type EpicSim } from '../testing/simulators/epic.js';
import { startKeycloakSim, type KeycloakSim } from '../testing/simulators/keycloak.js';
import {
  OPENEMR_CLIENT_AUTH_FAILED,
  startOpenEmrSim,
  type OpenEmrSim,
} from '../testing/simulators/openemr.js';
import { startOracleHealthSim, type OracleHealthSim } from '../testing/simulators/oracle-health.js';
import type { HttpExchange, ProfileInput, TokenResult } from '../../shared/types.js';
import type { Engine } from './engine.js';
import {
  aidboxProfile,
  epicProfile,
  jwks,
  keycloakProfile,
  openEmrProfile,
  oracleHealthProfile,
  pk,
  recordedExchange,
  saveProfile,
  sendToken,
  setUpAidboxSecretClients,
  setUpEpicApps,
  setUpKeycloakClients,
  setUpOpenEmrClients,
  setUpOracleHealthClients,
  simKeys,
  type Edit,
  type Overrides,
  type ProfileDraft,
  type SimKey,
} from './sim-test-setup.js';
import { must, testEngine } from './test-helpers.js';

/** it.each tables are built before the keys exist: profile extras may be thunks. */
type Extra = Partial<ProfileInput> | (() => Partial<ProfileInput>);
const resolve = (e: Extra) => (typeof e === 'function' ? e() : e);

let engine: Engine;
let rsKey: SimKey;
let rs256Key: SimKey;
let esKey: SimKey;
let otherKey: SimKey;

beforeAll(async () => {
  engine = testEngine();
  ({ rs: rsKey, rs256: rs256Key, es: esKey, other: otherKey } = await simKeys(engine));
});

const profile = (p: ProfileDraft) => saveProfile(engine, p);

/** Prepares and sends a token request; returns the result and the exchange the engine recorded. */
async function token(
  profileId: string,
  overrides?: Overrides,
  edit?: Edit,
): Promise<{ r: TokenResult; ex: HttpExchange }> {
  const r = await sendToken(engine, profileId, { overrides, edit });
  return { r, ex: recordedExchange(engine, r) };
}

const header = (ex: HttpExchange, name: string) =>
  ex.response?.headers.find(([n]) => n.toLowerCase() === name)?.[1];
const bodyOf = (ex: HttpExchange) =>
  JSON.parse(ex.response?.body ?? 'null') as Record<string, unknown>;

// --- OpenEMR ----------------------------------------------------------------------------------------

describe('OpenEMR simulator', () => {
  let sim: OpenEmrSim;
  beforeAll(async () => {
    sim = await startOpenEmrSim({ switches: { systemScopesEnabled: true } });
    setUpOpenEmrClients(sim, [rsKey, rs256Key], rsKey);
  });
  afterAll(() => sim.close());
  const oe = (extra: Extra = {}) => profile({ ...openEmrProfile(sim, rsKey), ...resolve(extra) });
  const refusedAsOpenEmr = (r: TokenResult, ex: HttpExchange) => {
    expect(r.ok).toBe(false);
    expect(ex.response?.status).toBe(400);
    expect(bodyOf(ex)).toEqual(OPENEMR_CLIENT_AUTH_FAILED);
  };

  it('gets an RS384 token at {site}/oauth2/default/token and reads FHIR', async () => {
    const p = await oe();
    const { r, ex } = await token(p.id);
    expect(ex.request.url).toBe(`${sim.urls.siteAddress}/oauth2/default/token`);
    expect(r.ok).toBe(true);
    expect(r.expiresIn).toBe(300);
    expect(r.scopeDiff?.missing).toEqual([]);
    const res = must(await engine.callResource({ profileId: p.id, path: 'Patient' }));
    expect(res.status).toBe(200);
  });

  it('registers through /registration; the client is disabled until enableClient', async () => {
    const p = await oe({
      clientId: '',
      registrationEndpoint: sim.urls.registrationEndpoint,
      registration: { keyDelivery: 'jwks_uri' },
      jwksUri: sim.clientJwksUrl('oe-hosted'),
    });
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    const reg = must(await engine.sendRegistration({ profileId: p.id, body: draft.body }));
    expect(reg.status).toBe(201);
    const id = reg.profile.clientId;
    expect(sim.clients.get(id)?.enabled).toBe(false);
    expect(sim.clients.get(id)?.scope).toBe('system/Patient.read');
    const before = await token(p.id);
    refusedAsOpenEmr(before.r, before.ex);
    sim.enableClient(id);
    expect((await token(p.id)).r.ok).toBe(true);
  });

  const refusals: [string, Overrides | undefined, Extra][] = [
    ['RS256 (RS384 only)', undefined, () => ({ auth: pk(rs256Key.id, 'RS256') })],
    ['iss != client_id', { claims: { iss: 'someone-else' } }, {}],
    [
      'exp in the past beyond the 60 s leeway',
      { claims: { exp: Math.floor(Date.now() / 1000) - 120 } },
      {},
    ],
    ['kid not registered', { header: { kid: 'not-registered' } }, {}],
    ['signed by another key', undefined, () => ({ auth: pk(otherKey.id) })],
  ];
  it.each(refusals)(
    '%s → 400 invalid_client "Client authentication failed"',
    async (_n, o, extra) => {
      const p = await oe(extra);
      const { r, ex } = await token(p.id, o);
      refusedAsOpenEmr(r, ex);
    },
  );

  it('jti reuse → the same 400 invalid_client', async () => {
    const p = await oe();
    const jti = `oe-${Date.now()}`;
    expect((await token(p.id, { claims: { jti } })).r.ok).toBe(true);
    const again = await token(p.id, { claims: { jti } });
    refusedAsOpenEmr(again.r, again.ex);
  });

  it('aud from the configured Site Address: a proxy / sub-path install refuses the URL called', async () => {
    sim.switches.siteAddress = 'https://emr.example.org/openemr';
    try {
      // The user enters the URL they can reach; OpenEMR expects the Site Address form in aud.
      const p = await oe({ tokenEndpoint: sim.urls.tokenEndpoint });
      const { r, ex } = await token(p.id);
      refusedAsOpenEmr(r, ex);
      const fixed = await token(p.id, {
        claims: { aud: 'https://emr.example.org/openemr/oauth2/default/token' },
      });
      expect(fixed.r.ok).toBe(true);
    } finally {
      sim.switches.siteAddress = sim.urls.siteAddress;
    }
  });

  it('a JWKS URL it cannot fetch → 400 invalid_client', async () => {
    sim.addClient({ clientId: 'oe-broken', jwksUri: sim.clientJwksUrl('oe-broken') });
    sim.breakClientJwks('oe-broken');
    const p = await oe({ clientId: 'oe-broken' });
    const { r, ex } = await token(p.id);
    refusedAsOpenEmr(r, ex);
  });

  it('a client secret instead of an assertion → invalid_request "assertion type is not supported"', async () => {
    const p = await oe({ auth: { method: 'client_secret_post', clientSecret: 'a-secret-1234' } });
    const { r, ex } = await token(p.id);
    expect(r.ok).toBe(false);
    expect(ex.response?.status).toBe(400);
    expect(bodyOf(ex)).toMatchObject({
      error: 'invalid_request',
      hint: 'assertion type is not supported',
    });
    expect(ex.request.body).not.toContain('a-secret-1234');
  });

  it('system scopes off → 400 invalid_scope', async () => {
    sim.switches.systemScopesEnabled = false;
    try {
      const p = await oe();
      const { r, ex } = await token(p.id);
      expect(r.ok).toBe(false);
      expect(ex.response?.status).toBe(400);
      expect(bodyOf(ex)).toMatchObject({
        error: 'invalid_scope',
        hint: 'Check the `system/Patient.read` scope',
      });
    } finally {
      sim.switches.systemScopesEnabled = true;
    }
  });

  it('a PHP notice before the JSON', async () => {
    sim.switches.phpNotice = true;
    try {
      const p = await oe();
      const { r, ex } = await token(p.id);
      expect(ex.response?.body.startsWith('<br />\n<b>Notice</b>:')).toBe(true);
      expect(ex.response?.body).toContain(' on line <b>42</b><br />');
      expect(r.nonJsonPrefix).toContain('<b>Notice</b>');
      // The JSON after the notice is still read (here: a token).
      expect(r.ok).toBe(true);
    } finally {
      sim.switches.phpNotice = false;
    }
  });

  it('API disabled → 404 {"message":"OpenEMR Error: API is disabled"}', async () => {
    const p = await oe({ tokenEndpoint: sim.urls.tokenEndpoint });
    sim.switches.apiEnabled = false;
    try {
      const { r, ex } = await token(p.id);
      expect(r.ok).toBe(false);
      expect(ex.response?.status).toBe(404);
      expect(bodyOf(ex)).toEqual({ message: 'OpenEMR Error: API is disabled' });
    } finally {
      sim.switches.apiEnabled = true;
    }
  });
});

// --- Oracle Health ------------------------------------------------------------------------------------

describe('Oracle Health (Cerner) simulator', () => {
  let sim: OracleHealthSim;
  beforeAll(async () => {
    sim = await startOracleHealthSim({ otherTenants: ['tenant-b'] });
    setUpOracleHealthClients(sim, [rsKey, esKey]);
  });
  afterAll(() => sim.close());
  const cer = (extra: Extra = {}) =>
    profile({ ...oracleHealthProfile(sim, rsKey), ...resolve(extra) });
  const urn = (ex: HttpExchange) => decodeURIComponent(String(bodyOf(ex).error_uri));

  it('gets a token with private_key_jwt (RS384 and ES384) at the /hosts/ token URL; 570 s', async () => {
    const p = await cer();
    const { r, ex } = await token(p.id);
    expect(ex.request.url).toBe(sim.urls.tokenEndpoint);
    expect(ex.request.url).toContain(`/tenants/${sim.urls.tenant}/hosts/${sim.urls.fhirHost}/`);
    expect(r.ok).toBe(true);
    expect(r.expiresIn).toBe(570);
    expect(must(await engine.callResource({ profileId: p.id, path: 'Patient' })).status).toBe(200);
    const es = await cer({ auth: pk(esKey.id, 'ES384') });
    expect((await token(es.id)).r.ok).toBe(true);
  });

  it('gets a token with the system account secret in HTTP Basic', async () => {
    const p = await cer({
      clientId: 'cer-secret',
      auth: { method: 'client_secret_basic', clientSecret: 'system-account-secret' },
    });
    const { r, ex } = await token(p.id);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(ex)).not.toContain('system-account-secret');
  });

  it('a JWT in Authorization: Bearer → 401, WWW-Authenticate, invalid-authorization-header, client=unknown', async () => {
    const p = await cer();
    const { r, ex } = await token(p.id, undefined, (d) => {
      d.params = d.params.filter(
        ([n]) => n !== 'client_assertion' && n !== 'client_assertion_type',
      );
      d.headers.push(['authorization', 'Bearer {{client_assertion}}']);
    });
    expect(r.ok).toBe(false);
    expect(ex.response?.status).toBe(401);
    expect(header(ex, 'www-authenticate')).toBeTruthy();
    expect(bodyOf(ex).error).toBe('invalid_client');
    expect(bodyOf(ex)).not.toHaveProperty('error_description');
    expect(urn(ex)).toContain(
      'urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header',
    );
    expect(urn(ex)).toContain('client=unknown');
    expect(urn(ex)).toContain(`tenant=${sim.urls.tenant}`);
  });

  it('a wrong secret → invalid-client-credentials naming the client', async () => {
    const p = await cer({
      clientId: 'cer-secret',
      auth: { method: 'client_secret_basic', clientSecret: 'rotated-away' },
    });
    const { ex } = await token(p.id);
    expect(ex.response?.status).toBe(401);
    expect(urn(ex)).toContain('oauth2:token:invalid-client-credentials');
    expect(urn(ex)).toContain('client=cer-secret');
  });

  it('an unknown client → invalid-client-credentials with client=unknown', async () => {
    const p = await cer({
      clientId: 'nobody',
      auth: { method: 'client_secret_basic', clientSecret: 'whatever-secret' },
    });
    const { ex } = await token(p.id);
    expect(urn(ex)).toContain('oauth2:token:invalid-client-credentials');
    expect(urn(ex)).toContain('client=unknown');
  });

  it('the secret in the body (not Basic) → invalid_client', async () => {
    const p = await cer({
      clientId: 'cer-secret',
      auth: { method: 'client_secret_post', clientSecret: 'system-account-secret' },
    });
    const { r, ex } = await token(p.id);
    expect(r.ok).toBe(false);
    expect(ex.response?.status).toBe(401);
    expect(bodyOf(ex).error).toBe('invalid_client');
  });

  it.each([
    ['an unregistered key', undefined, () => ({ auth: pk(otherKey.id) })],
    ['an unknown kid', { header: { kid: 'nope' } }, {}],
  ] as [string, Overrides | undefined, Extra][])(
    'an assertion signed with %s → invalid-signature URN',
    async (_n, o, extra) => {
      const p = await cer(extra);
      const { r, ex } = await token(p.id, o);
      expect(r.ok).toBe(false);
      expect(ex.response?.status).toBe(400);
      expect(urn(ex)).toContain(
        'urn:cerner:error:authorization-server:client-assertion:jwt-bearer:invalid-signature',
      );
      expect(urn(ex)).toContain('client=cer-jwt');
    },
  );

  it('a token of tenant A at tenant B → 401 tenant-mismatch; bulk not authorized → 403', async () => {
    const p = await cer();
    expect((await token(p.id)).r.ok).toBe(true);
    const other = await cer({
      fhirBaseUrl: sim.urls.fhirBaseFor('tenant-b'),
      tokenEndpoint: sim.urls.tokenEndpoint,
    });
    // Reuse the tenant A token held by the engine against tenant B.
    const res = must(await engine.callResource({ profileId: other.id, path: 'Patient' }));
    expect(res.status).toBe(401);
    expect(res.headers.find(([n]) => n === 'www-authenticate')?.[1]).toContain('tenant-mismatch');
    sim.switches.bulkAuthorized = false;
    try {
      const bulk = must(await engine.callResource({ profileId: p.id, path: 'Group/g1/$export' }));
      expect(bulk.status).toBe(403);
    } finally {
      sim.switches.bulkAuthorized = true;
    }
  });
});

// --- Epic ---------------------------------------------------------------------------------------------

describe('Epic simulator', () => {
  let sim: EpicSim;
  beforeAll(async () => {
    sim = await startEpicSim();
    setUpEpicApps(sim, rsKey);
  });
  afterAll(() => sim.close());
  const ep = (extra: Extra = {}) => profile({ ...epicProfile(sim, rsKey), ...resolve(extra) });
  const refusedAsEpic = (r: TokenResult, ex: HttpExchange) => {
    expect(r.ok).toBe(false);
    expect(ex.response?.status).toBe(400);
    expect(bodyOf(ex)).toEqual(EPIC_INVALID_CLIENT);
    expect(ex.response?.body).toContain('"error_description":null');
  };

  it('gets a token with the non-production client id and a JKU-registered key', async () => {
    const p = await ep({ jwksUri: sim.clientJwksUrl('epic-np') });
    const { r, ex } = await token(p.id);
    expect(ex.request.url).toBe(`${sim.urls.base}/oauth2/token`);
    expect(r.ok).toBe(true);
    expect(must(await engine.callResource({ profileId: p.id, path: 'Patient' })).status).toBe(200);
  });

  const refusals: [string, Overrides | undefined, Extra][] = [
    ['the production client id', undefined, { clientId: 'epic-prod' }],
    ['exp more than 5 minutes ahead', { claims: { exp: Math.floor(Date.now() / 1000) + 900 } }, {}],
    [
      'aud of another environment',
      { claims: { aud: 'https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token' } },
      {},
    ],
    [
      'a jku that is not the registered one',
      { header: { jku: 'https://attacker.example/jwks' } },
      {},
    ],
    ['a kid not in the JKU', { header: { kid: 'old-key' } }, {}],
    ['RS256', undefined, () => ({ auth: pk(rs256Key.id, 'RS256') })],
    ['a static key upload (no JKU) in the sandbox', undefined, { clientId: 'epic-static-np' }],
  ];
  it.each(refusals)('%s → 400 invalid_client with a null description', async (_n, o, extra) => {
    const p = await ep(extra);
    const { r, ex } = await token(p.id, o);
    refusedAsEpic(r, ex);
  });

  it('jti reuse and a registration not yet synced → the same answer', async () => {
    const p = await ep();
    const jti = `epic-${Date.now()}`;
    expect((await token(p.id, { claims: { jti } })).r.ok).toBe(true);
    const again = await token(p.id, { claims: { jti } });
    refusedAsEpic(again.r, again.ex);
    sim.apps[0]!.synced = false;
    try {
      const pending = await token(p.id);
      refusedAsEpic(pending.r, pending.ex);
    } finally {
      sim.apps[0]!.synced = true;
    }
  });

  it('Basic credentials URL-encoded by the client → invalid_client (Epic compares them as sent)', async () => {
    const p = await ep({
      clientId: 'epic-secret',
      auth: { method: 'client_secret_basic', clientSecret: 'a+b/c=d' },
    });
    const { r, ex } = await token(p.id);
    refusedAsEpic(r, ex);
    // The same secret sent unencoded works.
    const raw = Buffer.from('epic-secret:a+b/c=d').toString('base64');
    const ok = await token(p.id, undefined, (d) => {
      d.headers = d.headers.filter(([n]) => n !== 'authorization');
      d.headers.push(['authorization', `Basic ${raw}`]);
    });
    expect(ok.r.ok).toBe(true);
  });

  it('FHIR 403 OperationOutcome 4118 when the mapped user may not read', async () => {
    const p = await ep();
    expect((await token(p.id)).r.ok).toBe(true);
    sim.switches.userAuthorized = false;
    try {
      const res = must(await engine.callResource({ profileId: p.id, path: 'Patient' }));
      expect(res.status).toBe(403);
      expect(res.body).toContain('"code":"4118"');
    } finally {
      sim.switches.userAuthorized = true;
    }
  });
});

// --- Aidbox -------------------------------------------------------------------------------------------

describe('Aidbox simulator', () => {
  let sim: AidboxSim;
  beforeAll(async () => {
    sim = await startAidboxSim();
    setUpAidboxSecretClients(sim);
    sim.putClient({
      id: 'ab-jwt',
      grant_types: ['client_credentials'],
      jwks_uri: sim.clientJwksUrl('ab-jwt'),
      auth: {
        client_credentials: {
          client_assertion_types: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
          token_format: 'jwt',
          access_token_expiration: 300,
        },
      },
    });
    sim.putClient({
      id: 'ab-noassert',
      grant_types: ['client_credentials'],
      jwks_uri: sim.clientJwksUrl('ab-jwt'),
    });
    sim.setClientJwks('ab-jwt', jwks(rsKey));
  });
  afterAll(() => sim.close());
  const ab = (extra: Extra = {}) => profile({ ...aidboxProfile(sim), ...resolve(extra) });

  it('Basic secret at /auth/token: an opaque token without expires_in; FHIR 403 until an AccessPolicy', async () => {
    const p = await ab();
    const { r, ex } = await token(p.id);
    expect(ex.request.url).toBe(`${sim.urls.base}/auth/token`);
    expect(r.ok).toBe(true);
    expect(r.accessToken?.format).toBe('opaque');
    expect(bodyOf(ex)).not.toHaveProperty('expires_in');
    const denied = must(await engine.callResource({ profileId: p.id, path: 'Patient' }));
    expect(denied.status).toBe(403);
    sim.grantAccessPolicy('ab-basic');
    expect(must(await engine.callResource({ profileId: p.id, path: 'Patient' })).status).toBe(200);
  });

  it('a JSON body with client_id and client_secret is accepted too (sent directly: the engine sends forms)', async () => {
    const res = await fetch(sim.urls.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'ab-basic',
        client_secret: 'ab-secret-1',
      }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { access_token?: string }).access_token).toBeTruthy();
  });

  it('private_key_jwt with a JWT-format token: expires_in and refresh_token: null', async () => {
    const p = await ab({
      clientId: 'ab-jwt',
      auth: pk(rsKey.id),
      jwksUri: sim.clientJwksUrl('ab-jwt'),
    });
    const { r, ex } = await token(p.id);
    expect(r.ok).toBe(true);
    expect(r.accessToken?.format).toBe('jwt');
    expect(bodyOf(ex)).toMatchObject({ expires_in: 300, refresh_token: null });
  });

  it.each([
    [
      'grant_types without client_credentials',
      { clientId: 'ab-code', auth: { method: 'client_secret_basic', clientSecret: 'ab-secret-2' } },
      400,
      'unauthorized_client',
    ],
    [
      'a wrong secret',
      { auth: { method: 'client_secret_basic', clientSecret: 'nope-nope' } },
      401,
      'invalid_client',
    ],
    [
      'patient/ scope for a smart-app',
      {
        clientId: 'ab-smart',
        scope: 'patient/Patient.read',
        auth: { method: 'client_secret_basic', clientSecret: 'ab-secret-3' },
      },
      400,
      'invalid_scope',
    ],
    [
      'an assertion when the Client has no client_assertion_types',
      () => ({ clientId: 'ab-noassert', auth: pk(rsKey.id) }),
      401,
      'invalid_client',
    ],
  ] as [string, Extra, number, string][])(
    '%s → the Client resource decides (4xx, RFC 6749 error)',
    async (_n, extra, status, error) => {
      const p = await ab(extra);
      const { r, ex } = await token(p.id);
      expect(r.ok).toBe(false);
      expect(ex.response?.status).toBe(status);
      expect(bodyOf(ex).error).toBe(error);
    },
  );

  it('DELETE /Session ends the token (logout)', async () => {
    const p = await ab();
    expect((await token(p.id)).r.ok).toBe(true);
    expect(must(await engine.callResource({ profileId: p.id, path: 'Patient' })).status).toBe(200);
    const raw = must(await engine.revealSecret({ kind: 'access_token' })).value;
    const del = await fetch(sim.urls.sessionEndpoint, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${raw}` },
    });
    expect(del.status).toBe(200);
    expect(must(await engine.callResource({ profileId: p.id, path: 'Patient' })).status).toBe(401);
  });
});

// --- Keycloak -----------------------------------------------------------------------------------------

describe('Keycloak simulator', () => {
  let sim: KeycloakSim;
  beforeAll(async () => {
    sim = await startKeycloakSim();
    setUpKeycloakClients(sim, [rsKey, rs256Key]);
  });
  afterAll(() => sim.close());
  const kc = (extra: Extra = {}) => profile({ ...keycloakProfile(sim), ...resolve(extra) });
  const said = (ex: HttpExchange) => [
    ex.response?.status,
    bodyOf(ex).error,
    bodyOf(ex).error_description,
  ];

  it('client secret and Signed JWT (aud = token URL or realm issuer) get tokens', async () => {
    const s = await kc();
    const a = await token(s.id);
    expect(a.ex.request.url).toBe(`${sim.urls.host}/realms/smart/protocol/openid-connect/token`);
    expect(a.r.ok).toBe(true);
    const j = await kc({ clientId: 'kc-jwt', auth: pk(rsKey.id) });
    expect((await token(j.id)).r.ok).toBe(true);
    expect((await token(j.id, { claims: { aud: sim.urls.issuer } })).r.ok).toBe(true);
  });

  it('service accounts off → 401 unauthorized_client "Client not enabled to retrieve service account"', async () => {
    sim.setServiceAccounts('kc-secret', false);
    try {
      const { r, ex } = await token((await kc()).id);
      expect(r.ok).toBe(false);
      expect(said(ex)).toEqual([
        401,
        'unauthorized_client',
        'Client not enabled to retrieve service account',
      ]);
    } finally {
      sim.setServiceAccounts('kc-secret', true);
    }
  });

  it.each([
    [
      'a public client',
      { clientId: 'kc-public', auth: { method: 'none' } },
      [401, 'unauthorized_client', 'Public client not allowed to retrieve service account'],
    ],
    [
      'a wrong secret',
      { auth: { method: 'client_secret_basic', clientSecret: 'wrong' } },
      [401, 'unauthorized_client', 'Invalid client or Invalid client credentials'],
    ],
    [
      'an unknown client',
      { clientId: 'kc-nobody' },
      [401, 'invalid_client', 'Invalid client or Invalid client credentials'],
    ],
    [
      'a secret for a Signed JWT client',
      { clientId: 'kc-jwt', auth: { method: 'client_secret_post', clientSecret: 'x-secret' } },
      [400, 'invalid_client', 'Parameter client_assertion_type is missing'],
    ],
    [
      'RS256 when RS384 is configured',
      () => ({ clientId: 'kc-jwt', auth: pk(rs256Key.id, 'RS256') }),
      [400, 'invalid_client', 'Invalid signature algorithm'],
    ],
    [
      'a JWKS URL it cannot load',
      () => ({ clientId: 'kc-broken', auth: pk(rsKey.id) }),
      [400, 'invalid_client', 'Unable to load public key'],
    ],
  ] as [string, Extra, unknown[]][])(
    '%s → the documented status, error and message',
    async (_n, extra, expected) => {
      const { r, ex } = await token((await kc(extra)).id);
      expect(r.ok).toBe(false);
      expect(said(ex)).toEqual(expected);
    },
  );

  it.each([
    [
      'aud of another realm',
      { claims: { aud: 'http://kc.example/realms/other' } },
      'Invalid token audience',
    ],
    [
      'iat in the future',
      { claims: { iat: Math.floor(Date.now() / 1000) + 120 } },
      'Token was issued in the future',
    ],
    [
      'exp far ahead without iat',
      { claims: { iat: undefined, exp: Math.floor(Date.now() / 1000) + 3600 } },
      'Token expiration is too far in the future and iat claim not present in token',
    ],
    ['an unknown kid', { header: { kid: 'gone' } }, 'Unable to load public key'],
  ] as [string, Overrides, string][])(
    'Signed JWT with %s → 400 invalid_client and the validator message',
    async (_n, o, message) => {
      const { r, ex } = await token((await kc({ clientId: 'kc-jwt', auth: pk(rsKey.id) })).id, o);
      expect(r.ok).toBe(false);
      expect(said(ex)).toEqual([400, 'invalid_client', message]);
    },
  );

  it('jti reuse → "Token reuse detected"; client_id ≠ sub → "client_id parameter does not match sub claim"', async () => {
    const p = await kc({ clientId: 'kc-jwt', auth: pk(rsKey.id) });
    const jti = `kc-${Date.now()}`;
    expect((await token(p.id, { claims: { jti } })).r.ok).toBe(true);
    expect(said((await token(p.id, { claims: { jti } })).ex)).toEqual([
      400,
      'invalid_client',
      'Token reuse detected',
    ]);
    const mismatch = await token(p.id, undefined, (d) => d.params.push(['client_id', 'kc-broken']));
    expect(said(mismatch.ex)).toEqual([
      400,
      'invalid_client',
      'client_id parameter does not match sub claim',
    ]);
  });

  it('the /auth prefix on a Keycloak without it → 404; legacy mode serves only /auth', async () => {
    const p = await kc({ tokenEndpoint: sim.urls.otherFormTokenEndpoint });
    const { r, ex } = await token(p.id);
    expect(r.ok).toBe(false);
    expect(ex.response?.status).toBe(404);
    sim.switches.legacyAuthPrefix = true;
    try {
      expect(sim.urls.tokenEndpoint).toContain('/auth/realms/smart/');
      const legacy = await kc({ tokenEndpoint: sim.urls.tokenEndpoint });
      expect((await token(legacy.id)).r.ok).toBe(true);
      const modern = await kc({ tokenEndpoint: sim.urls.otherFormTokenEndpoint });
      expect((await token(modern.id)).ex.response?.status).toBe(404);
    } finally {
      sim.switches.legacyAuthPrefix = false;
    }
  });
});
