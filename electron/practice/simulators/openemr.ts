import { createHash, randomBytes } from 'node:crypto';
import {
  CLIENT_ASSERTION_TYPE,
  basicCredentials,
  bearer,
  checkAssertion,
  fhirBundle,
  json,
  startBackend,
  startFront,
  type Jwks,
  type SimRequest,
  type SimResponse,
} from './sim-core.js';

/**
 * OpenEMR (v7) simulator. Sources: VENDORS.md §4.1 and rules O1-O13 ([OE-CCG] client credentials
 * grant, [OE-AC] aud from the Site Address, [OE-JWKS], [OE-SCOPES], [OE-AUTHN]).
 */

export interface OpenEmrSwitches {
  /** Admin → Config → Connectors: the REST/FHIR APIs (off → 404 "API is disabled") [C][OE-COMM-DISABLED]. */
  apiEnabled: boolean;
  /** "Enable OpenEMR FHIR System Scopes" (rest_system_scopes_api), off by default [OE-SCOPES]. */
  systemScopesEnabled: boolean;
  /** A PHP notice printed before the JSON of the token endpoint (phpseclib RSA notice) [OE-CCG]. */
  phpNotice: boolean;
  /**
   * The configured Site Address (site_addr_oath) incl. webroot. The expected aud is built from
   * it, not from the request Host [OE-AC]: set it to another URL for the proxy / sub-path case (O8).
   */
  siteAddress: string;
  /** "Enable OAuth2 Password Grant", off by default [OE-AUTHN] (O12). */
  passwordGrantEnabled: boolean;
  /**
   * Bug #8547 (7.0.3): grant_types posted to /registration are not saved; the client record gets
   * authorization_code only (newClientSave inserts 'authorization_code') [OE-ISS8547][OE-AC] (O7).
   */
  grantTypesNotSaved: boolean;
  /** Bug #8958: a registration with jwks by value (a JSON object) fails [OE-ISS8958] (O6). */
  jwksByValueRejected: boolean;
  /**
   * Bug #8668 (open, 7.0.3): $export with a _type outside the token's scopes silently exports the
   * other permitted resource types instead of failing [OE-ISS8668] (O10). Off: such a kick-off is
   * refused with 403 (INF: the fixed behaviour is not specified).
   */
  exportTypeIgnored: boolean;
  /**
   * Bug #8556 (fixed 2025-07): the standard REST API (/apis/{site}/api/…) did not accept the system
   * scope type for api:oemr, so a client_credentials token was refused there [OE-ISS8556] (O9).
   * On (default): the old behaviour. INF: the status (401) and body of that refusal.
   */
  standardApiRefusesSystemTokens: boolean;
}

export interface OpenEmrClient {
  clientId: string;
  /** Admin → System → API Clients → Enable; registered clients start disabled [OE-CCG]. */
  enabled: boolean;
  jwks?: Jwks;
  jwksUri?: string;
  scope: string;
  grantTypes: string[];
  clientSecret?: string;
  /** Registered redirect URIs (authorization code); compared exactly (league RedirectUriValidator). */
  redirectUris?: string[];
}

export interface OpenEmrSim {
  urls: {
    /** The real address of this simulator (what a client reaches). */
    siteAddress: string;
    site: string;
    issuer: string;
    tokenEndpoint: string;
    authorizeEndpoint: string;
    registrationEndpoint: string;
    introspectionEndpoint: string;
    jwksUri: string;
    fhirBase: string;
  };
  switches: OpenEmrSwitches;
  clients: Map<string, OpenEmrClient>;
  /** Adds a client directly (as if registered and enabled by an admin unless enabled: false). */
  addClient(c: Partial<OpenEmrClient> & { clientId: string }): OpenEmrClient;
  enableClient(clientId: string): void;
  clientJwksUrl(clientId: string): string;
  setClientJwks(clientId: string, jwks: Jwks): void;
  breakClientJwks(clientId: string): void;
  close(): Promise<void>;
}

/** The exact body OpenEMR sends for every client assertion failure (HTTP 400, for Inferno) [OE-CCG]. */
export const OPENEMR_CLIENT_AUTH_FAILED = {
  error: 'invalid_client',
  error_description: 'Client authentication failed',
  message: 'Client authentication failed',
};

/** league/oauth2-server's invalid_request description (OAuthServerException::invalidRequest). */
const INVALID_REQUEST =
  'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';
/** league/oauth2-server's invalid_grant description (OAuthServerException::invalidGrant). */
const INVALID_GRANT =
  'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';

/** Resource types the simulator exports; a type is exported when a read scope covers it. */
const EXPORT_TYPES = ['Patient', 'Observation', 'Encounter'];

/** league/oauth2-server OAuthServerException JSON (error, error_description, hint, message). INF: shape from the library OpenEMR uses, not a capture. */
function leagueError(status: number, error: string, description: string, hint?: string) {
  return json(status, {
    error,
    error_description: description,
    ...(hint ? { hint } : {}),
    message: description,
  });
}

const PHP_NOTICE =
  '<br />\n<b>Notice</b>:  Undefined index: e in <b>/var/www/localhost/htdocs/openemr/vendor/phpseclib/phpseclib/phpseclib/Crypt/RSA.php</b> on line <b>42</b><br />\n';

const BASE_SCOPES = [
  'openid',
  'fhirUser',
  'online_access',
  'offline_access',
  'launch',
  'launch/patient',
  'api:oemr',
  'api:fhir',
  'api:port',
  'patient/Patient.read',
  'patient/Patient.rs',
  'user/Patient.read',
  'user/Patient.rs',
];
/** Only added to the server's scope list when system scopes are enabled [OE-SCOPES]. */
const SYSTEM_SCOPES = [
  'system/Patient.read',
  'system/Patient.rs',
  'system/Observation.read',
  'system/Observation.rs',
  'system/Patient.$export',
  'system/Group.$export',
  'system/*.$export',
  'system/*.$bulkdata-status',
  'system/Binary.read',
];

export async function startOpenEmrSim(
  opts: { site?: string; switches?: Partial<OpenEmrSwitches>; port?: number } = {},
): Promise<OpenEmrSim> {
  const front = await startFront(opts.port);
  const site = opts.site ?? 'default';
  const root = front.origin;
  const issuer = `${root}/oauth2/${site}`;
  // Access token lifetime for client_credentials: PT300S in code (docs say 60 s: O13) [OE-AC].
  const backend = await startBackend({ issuer, ttl: 300 });
  const switches: OpenEmrSwitches = {
    apiEnabled: true,
    systemScopesEnabled: false,
    phpNotice: false,
    siteAddress: root,
    passwordGrantEnabled: false,
    grantTypesNotSaved: false,
    jwksByValueRejected: false,
    exportTypeIgnored: false,
    standardApiRefusesSystemTokens: true,
    ...opts.switches,
  };
  /** Authorization codes: single use; bound to client, redirect_uri and PKCE challenge. */
  const codes = new Map<
    string,
    { clientId: string; redirectUri: string; challenge?: string; scope: string }
  >();
  /** Bulk export jobs: the kick-off URL and the types the manifest lists. */
  const jobs = new Map<string, { request: string; types: string[] }>();
  const clients = new Map<string, OpenEmrClient>();
  const seenJtis = new Set<string>();
  const serverScopes = () => [
    ...BASE_SCOPES,
    ...(switches.systemScopesEnabled ? SYSTEM_SCOPES : []),
  ];
  const urls = {
    siteAddress: root,
    site,
    issuer,
    tokenEndpoint: `${issuer}/token`,
    authorizeEndpoint: `${issuer}/authorize`,
    registrationEndpoint: `${issuer}/registration`,
    introspectionEndpoint: `${issuer}/introspect`,
    jwksUri: `${issuer}/jwk`,
    fhirBase: `${root}/apis/${site}/fhir`,
  };
  // Endpoints in the discovery documents are built from the Site Address too [OE-AC].
  const advertised = () => {
    const base = `${switches.siteAddress}/oauth2/${site}`;
    return {
      issuer: base,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      registration_endpoint: `${base}/registration`,
      introspection_endpoint: `${base}/introspect`,
      jwks_uri: `${base}/jwk`,
      userinfo_endpoint: `${base}/userinfo`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'client_secret_basic',
        'private_key_jwt',
      ],
      // RS384 only for client assertions (RsaSha384Signer) [OE-CCG].
      token_endpoint_auth_signing_alg_values_supported: ['RS384'],
      scopes_supported: serverScopes(),
      code_challenge_methods_supported: ['S256'],
      capabilities: [
        'launch-ehr',
        'launch-standalone',
        'client-public',
        'client-confidential-symmetric',
        'client-confidential-asymmetric',
        'permission-v1',
        'permission-v2',
        'sso-openid-connect',
      ],
    };
  };

  const addClient = (c: Partial<OpenEmrClient> & { clientId: string }): OpenEmrClient => {
    const full: OpenEmrClient = {
      enabled: true,
      scope: [...BASE_SCOPES, ...SYSTEM_SCOPES].join(' '),
      grantTypes: ['client_credentials'],
      ...c,
    };
    clients.set(full.clientId, full);
    return full;
  };

  /**
   * Authorize: league/oauth2-server validateAuthorizationRequest. An unknown client_id or a
   * redirect_uri not registered on the client throws invalidClient, which OpenEMR renders as JSON
   * 401 in the browser instead of redirecting (the Swagger case, #6644) [OE-ISS6644]. INF: the
   * login, patient selection and scope pages are skipped: the signed-in user approves at once.
   */
  const authorize = (req: SimRequest): SimResponse => {
    const q = req.url.searchParams;
    const client = clients.get(q.get('client_id') ?? '');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!client || !(client.redirectUris ?? []).includes(redirectUri))
      return json(401, OPENEMR_CLIENT_AUTH_FAILED);
    const code = randomBytes(24).toString('base64url');
    const challenge = q.get('code_challenge');
    codes.set(code, {
      clientId: client.clientId,
      redirectUri,
      ...(challenge ? { challenge } : {}),
      scope: q.get('scope') ?? '',
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = q.get('state');
    if (state) back.searchParams.set('state', state);
    return { status: 302, headers: { location: back.toString() } };
  };

  /**
   * Code exchange: league AbstractGrant::validateClient (client, secret, then the redirect_uri
   * against the registered ones: invalidClient, 401), then AuthCodeGrant (code, its redirect_uri,
   * PKCE). Authorization-code tokens live 1 h in OpenEMR [OE-AC]; INF: the backend's 300 s is used.
   */
  const codeGrant = async (req: SimRequest): Promise<SimResponse> => {
    const f = req.form;
    const basic = basicCredentials(req.headers);
    const creds =
      basic && basic !== 'malformed'
        ? { id: basic.id, secret: basic.secret }
        : { id: f.get('client_id') ?? '', secret: f.get('client_secret') ?? undefined };
    const client = clients.get(creds.id);
    if (!client || (client.clientSecret !== undefined && client.clientSecret !== creds.secret))
      return json(401, OPENEMR_CLIENT_AUTH_FAILED);
    const redirectUri = f.get('redirect_uri');
    if (redirectUri !== null && !(client.redirectUris ?? []).includes(redirectUri))
      return json(401, OPENEMR_CLIENT_AUTH_FAILED);
    const code = f.get('code') ?? '';
    const held = codes.get(code);
    codes.delete(code);
    if (!held || held.clientId !== client.clientId)
      return leagueError(
        400,
        'invalid_grant',
        INVALID_GRANT,
        'Authorization code has been revoked',
      );
    if (held.redirectUri !== redirectUri)
      return leagueError(400, 'invalid_request', INVALID_REQUEST, 'Invalid redirect URI');
    if (
      held.challenge &&
      createHash('sha256')
        .update(f.get('code_verifier') ?? '')
        .digest('base64url') !== held.challenge
    )
      return leagueError(400, 'invalid_grant', INVALID_GRANT, 'Failed to verify `code_verifier`.');
    const t = await backend.issue(client.clientId, held.scope);
    return json(
      200,
      {
        token_type: 'Bearer',
        expires_in: t.expires_in,
        access_token: t.access_token,
        scope: t.scope,
      },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  };

  const tokenEndpoint = async (req: SimRequest): Promise<SimResponse> => {
    const f = req.form;
    const grant = f.get('grant_type');
    if (grant === 'authorization_code') return codeGrant(req);
    if (grant === 'password' && !switches.passwordGrantEnabled)
      return leagueError(
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
        'Check that all required parameters have been provided',
      );
    if (grant !== 'client_credentials')
      return leagueError(
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
        'Check that all required parameters have been provided',
      );
    // client_credentials is JWT-only in OpenEMR (O2) [OE-CCG].
    if (f.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE)
      return leagueError(
        400,
        'invalid_request',
        'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
        'assertion type is not supported',
      );
    const expectedAud = `${switches.siteAddress}/oauth2/${site}/token`;
    const outcome = await checkAssertion(f.get('client_assertion') ?? '', {
      algs: ['RS384'],
      audiences: [expectedAud],
      // LooseValidAt(PT1M) [OE-CCG]; OpenEMR sets no cap on exp (VENDORS.md §8).
      leeway: 60,
      kidOptionalForRsa: true,
      seenJtis,
      findClient: (id) => {
        const c = clients.get(id);
        return c
          ? { ...(c.jwks ? { jwks: c.jwks } : {}), ...(c.jwksUri ? { jwksUri: c.jwksUri } : {}) }
          : undefined;
      },
    });
    if (!outcome.ok) return json(400, OPENEMR_CLIENT_AUTH_FAILED);
    const client = clients.get(outcome.clientId)!;
    // A disabled client fails isEnabled() → invalid_client, same body [OE-CCG][OE-ISS12303].
    if (!client.enabled) return json(400, OPENEMR_CLIENT_AUTH_FAILED);
    // Registration bug #8547: grant types not saved (O7): the client record decides.
    if (!client.grantTypes.includes('client_credentials'))
      return leagueError(
        400,
        'unauthorized_client',
        'The client is not authorized to request an access token using this method.',
      );
    const requested = (f.get('scope') ?? '').split(' ').filter(Boolean);
    const known = new Set(serverScopes());
    const allowed = new Set(client.scope.split(' '));
    const bad = requested.find((s) => !known.has(s) || !allowed.has(s));
    if (bad)
      return leagueError(
        400,
        'invalid_scope',
        'The requested scope is invalid, unknown, or malformed',
        `Check the \`${bad}\` scope`,
      );
    const t = await backend.issue(client.clientId, requested.join(' '));
    return json(
      200,
      {
        token_type: 'Bearer',
        expires_in: t.expires_in,
        access_token: t.access_token,
        scope: t.scope,
      },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  };

  const registration = (req: SimRequest): SimResponse => {
    const body = req.json;
    if (!body)
      return json(400, {
        error: 'invalid_client_metadata',
        error_description: 'JSON body expected',
      });
    // #8958: jwks is read as a string and the object makes the request fail. INF: the status and
    // text (an uncaught Symfony BadRequestException in the registration controller) are not captured.
    if (switches.jwksByValueRejected && body.jwks && typeof body.jwks === 'object')
      return {
        status: 500,
        headers: { 'content-type': 'text/html; charset=UTF-8' },
        body: 'Input value "jwks" contains a non-scalar value.',
      };
    const clientId = randomBytes(24).toString('base64url');
    const secret = randomBytes(48).toString('base64url');
    const scope = typeof body.scope === 'string' ? body.scope : '';
    // With system scopes off, OpenEMR drops them from the registration [OE-COMM-SYS].
    const kept = scope
      .split(' ')
      .filter((s) => s && serverScopes().includes(s))
      .join(' ');
    const jwks = body.jwks as Jwks | undefined;
    const jwksUri = typeof body.jwks_uri === 'string' ? body.jwks_uri : undefined;
    const redirectUris = Array.isArray(body.redirect_uris) ? body.redirect_uris.map(String) : [];
    addClient({
      redirectUris,
      clientId,
      enabled: false,
      scope: kept,
      grantTypes:
        Array.isArray(body.grant_types) && !switches.grantTypesNotSaved
          ? body.grant_types.map(String)
          : ['authorization_code'],
      clientSecret: secret,
      ...(jwks ? { jwks } : {}),
      ...(jwksUri ? { jwksUri } : {}),
    });
    const now = Math.floor(Date.now() / 1000);
    // Fields per [OE-AUTHN][OE-PR6968]; status 200 vs 201 not verified (INF: RFC 7591 says 201).
    return json(201, {
      client_id: clientId,
      client_secret: secret,
      registration_access_token: randomBytes(24).toString('base64url'),
      registration_client_uri: `${issuer}/client/${clientId}`,
      client_id_issued_at: now,
      client_secret_expires_at: 0,
      client_name: body.client_name,
      application_type: body.application_type ?? 'private',
      token_endpoint_auth_method: body.token_endpoint_auth_method ?? 'client_secret_post',
      scope: kept,
      ...(jwksUri ? { jwks_uri: jwksUri } : {}),
    });
  };

  const fhir = async (req: SimRequest, rest: string): Promise<SimResponse> => {
    if (rest === '.well-known/smart-configuration') return json(200, advertised());
    if (rest === 'metadata')
      return json(200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        fhirVersion: '4.0.1',
        kind: 'instance',
      });
    const token = bearer(req.headers);
    const t = token ? await backend.lookup(token) : undefined;
    // INF: OpenEMR's exact 401 body for a bad token is not in the sources.
    if (!t)
      return json(
        401,
        { error: 'invalid_token', message: 'invalid token' },
        { 'www-authenticate': 'Bearer' },
      );
    // Bulk Data (O10): kick-off, status (manifest) and the NDJSON files. INF: OpenEMR's status and
    // file URL forms; Prefer: respond-async is not enforced.
    if (/^(?:Patient\/|Group\/[^/]+\/)?\$export$/.test(rest)) return exportKickOff(req, t.scope);
    if (rest === '$bulkdata-status') {
      const job = jobs.get(req.url.searchParams.get('job') ?? '');
      if (!job)
        return json(404, { resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
      const id = req.url.searchParams.get('job')!;
      return json(200, {
        transactionTime: new Date().toISOString(),
        request: job.request,
        requiresAccessToken: true,
        output: job.types.map((type) => ({
          type,
          url: `${urls.fhirBase}/Binary/export-${id}-${type}`,
        })),
        error: [],
      });
    }
    const file = /^Binary\/export-[^/]+-([A-Za-z]+)$/.exec(rest);
    if (file)
      return {
        status: 200,
        headers: { 'content-type': 'application/fhir+ndjson' },
        body: `${JSON.stringify({ resourceType: file[1], id: 'example' })}\n`,
      };
    const type = rest.split(/[/?]/)[0] ?? '';
    const ok = t.scope
      .split(' ')
      .some(
        (s) =>
          s.startsWith('system/') && (s.startsWith(`system/${type}.`) || s.startsWith('system/*.')),
      );
    if (!ok) return json(403, { error: 'insufficient_scope' });
    return fhirBundle(type);
  };

  /** $export kick-off: the types a read scope covers, filtered by _type (#8668 behind a switch). */
  const exportKickOff = (req: SimRequest, scope: string): SimResponse => {
    const scopes = scope.split(' ');
    if (!scopes.some((s) => s.endsWith('.$export')))
      return json(403, { error: 'insufficient_scope' });
    const permitted = EXPORT_TYPES.filter((type) =>
      scopes.some((s) => new RegExp(`^system/(${type}|\\*)\\.(read|rs|\\*)$`).test(s)),
    );
    const asked = (req.url.searchParams.get('_type') ?? '').split(',').filter(Boolean);
    const outside = asked.filter((type) => !permitted.includes(type));
    let types: string[];
    if (!asked.length) types = permitted;
    else if (outside.length && switches.exportTypeIgnored) types = permitted;
    else if (outside.length)
      return json(403, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'forbidden',
            diagnostics: `No scope for ${outside.join(', ')}`,
          },
        ],
      });
    else types = asked;
    const id = randomBytes(8).toString('hex');
    jobs.set(id, { request: req.url.toString(), types });
    return {
      status: 202,
      headers: { 'content-location': `${urls.fhirBase}/$bulkdata-status?job=${id}` },
      body: '',
    };
  };

  front.handle = async (req) => {
    const path = req.url.pathname;
    const oauth = `/oauth2/${site}/`;
    const api = `/apis/${site}/`;
    if ((path.startsWith(oauth) || path.startsWith(api)) && !switches.apiEnabled)
      return json(404, { message: 'OpenEMR Error: API is disabled' });
    if (path.startsWith(oauth)) {
      const rest = path.slice(oauth.length);
      if (rest === '.well-known/openid-configuration') return json(200, advertised());
      if (rest === 'jwk') return json(200, backend.jwks);
      if (rest === 'registration' && req.method === 'POST') return registration(req);
      if (rest === 'authorize' && req.method === 'GET') return authorize(req);
      if (rest === 'token' && req.method === 'POST') {
        const r = await tokenEndpoint(req);
        if (!switches.phpNotice) return r;
        // The notice is printed before the body and the content-type stays text/html [OE-CCG] (INF: header).
        return {
          status: r.status,
          headers: { 'content-type': 'text/html; charset=UTF-8' },
          body: PHP_NOTICE + JSON.stringify(r.body),
        };
      }
      if (rest === 'introspect' && req.method === 'POST') {
        // After PR #9463 failed client auth also answers {"active": false} [OE-PR9463].
        const t = await backend.lookup(req.form.get('token') ?? '');
        return json(
          200,
          t
            ? { active: true, scope: t.scope, client_id: t.clientId, exp: t.exp }
            : { active: false },
        );
      }
    }
    if (path.startsWith(`${api}fhir/`)) return fhir(req, path.slice(`${api}fhir/`.length));
    if (path.startsWith(`${api}api/`)) {
      const token = bearer(req.headers);
      const t = token ? await backend.lookup(token) : undefined;
      const system = !!t && /(^|\s)system\//.test(t.scope);
      if (!t || (system && switches.standardApiRefusesSystemTokens))
        return json(
          401,
          { error: 'invalid_token', message: 'Unauthorized' },
          { 'www-authenticate': 'Bearer' },
        );
      return json(200, { validationErrors: [], internalErrors: [], data: [] });
    }
    return json(404, { error: 'not_found' });
  };

  return {
    urls,
    switches,
    clients,
    addClient,
    enableClient: (id) => {
      const c = clients.get(id);
      if (!c) throw new Error(`no client ${id}`);
      c.enabled = true;
    },
    clientJwksUrl: front.clientJwksUrl,
    setClientJwks: front.setClientJwks,
    breakClientJwks: front.breakClientJwks,
    close: async () => {
      await front.close();
      await backend.close();
    },
  };
}
