import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
 * Oracle Health (Cerner) Millennium simulator. Sources: VENDORS.md §4.2 and rules C1-C8
 * ([CER-AUTH], [CER-WK] sandbox smart-configuration capture, [ORCL-F1..F4], [GIST-CER]).
 * Authorization server and FHIR server share this origin (the real ones are
 * authorization.cerner.com and fhir-ehr-code.cerner.com).
 */

export interface OracleHealthSwitches {
  /** Bulk Data app authorized for the tenant (off → 403 on $export, C7) [CER-BULK]. */
  bulkAuthorized: boolean;
  /**
   * The organisation enabled the app (off → the authorize request redirects with access_denied
   * and error_uri URN oauth2:grant:denied-by-server, C5) [CER-AUTH][CER-SPEC].
   */
  appEnabled: boolean;
  /**
   * Authorize requests without aud = this tenant's FHIR base are rejected [CER-AUTH] (A5). Off by
   * default (the simulator ignored aud before). INF: how the rejection looks is not captured; the
   * simulator redirects with error=invalid_request and an error_uri, like its other errors.
   */
  audRequired: boolean;
}

export interface OracleHealthClient {
  clientId: string;
  /** System account secret: accepted only in an HTTP Basic header [CER-AUTH]. */
  secret?: string;
  /** JWKS registered in System Account Management [CER-AUTH]. */
  jwks?: Jwks;
  jwksUri?: string;
  scope: string;
  /** Registered redirect URIs (authorization code); compared exactly, path incl. trailing slash [CER-AUTH]. */
  redirectUris?: string[];
}

export interface OracleHealthSim {
  urls: {
    tenant: string;
    fhirHost: string;
    issuer: string;
    /** The form advertised by smart-configuration (with /hosts/{fhirHost}/) [CER-WK]. */
    tokenEndpoint: string;
    /** The tenant-only form of the docs [CER-AUTH]; also accepted. */
    tenantTokenEndpoint: string;
    revocationEndpoint: string;
    introspectionEndpoint: string;
    jwksUri: string;
    fhirBase: string;
    /** FHIR base for another tenant (C6 tenant mismatch). */
    fhirBaseFor(tenant: string): string;
  };
  switches: OracleHealthSwitches;
  clients: Map<string, OracleHealthClient>;
  addClient(c: Partial<OracleHealthClient> & { clientId: string }): OracleHealthClient;
  clientJwksUrl(clientId: string): string;
  setClientJwks(clientId: string, jwks: Jwks): void;
  close(): Promise<void>;
}

/** Cerner sandbox tenant [CER-WK]. */
export const CERNER_SANDBOX_TENANT = 'ec2458f2-1e24-41c8-b71b-0e701af7583d';

const SCOPES = [
  'system/Patient.read',
  'system/Observation.read',
  'system/Patient.rs',
  'system/Observation.crus',
  'system/Observation.rs',
];

export async function startOracleHealthSim(
  opts: {
    tenant?: string;
    fhirHost?: string;
    /** More tenants served by this simulator (tokens are bound to the tenant they were minted for). */
    otherTenants?: string[];
    switches?: Partial<OracleHealthSwitches>;
    port?: number;
  } = {},
): Promise<OracleHealthSim> {
  const front = await startFront(opts.port);
  const origin = front.origin;
  const tenant = opts.tenant ?? CERNER_SANDBOX_TENANT;
  const fhirHost = opts.fhirHost ?? 'fhir-ehr-code.cerner.com';
  const tenants = new Set([tenant, ...(opts.otherTenants ?? [])]);
  const issuer = `${origin}/tenants/${tenant}`;
  // Access tokens ~570 s [CER-AUTH] (C8).
  const backend = await startBackend({ issuer, ttl: 570 });
  const switches: OracleHealthSwitches = {
    bulkAuthorized: true,
    appEnabled: true,
    audRequired: false,
    ...opts.switches,
  };
  /** Authorization codes: single use (C4) [CER-AUTH]. */
  const codes = new Map<
    string,
    { clientId: string; redirectUri: string; challenge?: string; tenant: string; scope: string }
  >();
  const clients = new Map<string, OracleHealthClient>();
  const seenJtis = new Set<string>();
  const tokenPath = (t: string) =>
    `/tenants/${t}/hosts/${fhirHost}/protocols/oauth2/profiles/smart-v1/token`;
  const tenantTokenPath = (t: string) => `/tenants/${t}/protocols/oauth2/profiles/smart-v1/token`;
  const urls = {
    tenant,
    fhirHost,
    issuer,
    tokenEndpoint: origin + tokenPath(tenant),
    tenantTokenEndpoint: origin + tenantTokenPath(tenant),
    revocationEndpoint: `${origin}${tenantTokenPath(tenant)}/revoke`,
    introspectionEndpoint: `${origin}/tokeninfo`,
    jwksUri: `${origin}/jwk`,
    fhirBase: `${origin}/r4/${tenant}`,
    fhirBaseFor: (t: string) => `${origin}/r4/${t}`,
  };

  /**
   * Errors carry error + error_uri, no error_description; the URI embeds the URN plus client= and
   * tenant= parameters and an instance id [CER-AUTH][ORCL-F1][GIST-CER]. INF: the host/path of the
   * URI around the URN is not captured in the sources.
   */
  const cernerError = (
    status: number,
    error: string,
    urn: string,
    client: string,
    t: string,
    headers: Record<string, string> = {},
  ): SimResponse =>
    json(
      status,
      {
        error,
        error_uri: `${origin}/errors/${encodeURIComponent(`urn:cerner:error:authorization-server:${urn}`)}/instances/${randomUUID()}?client=${encodeURIComponent(client)}&tenant=${encodeURIComponent(t)}`,
      },
      headers,
    );

  const smartConfig = (t: string) => ({
    issuer: `${origin}/tenants/${t}`,
    authorization_endpoint: `${origin}/tenants/${t}/protocols/oauth2/profiles/smart-v1/personas/provider/authorize`,
    token_endpoint: origin + tokenPath(t),
    revocation_endpoint: `${origin}${tenantTokenPath(t)}/revoke`,
    introspection_endpoint: `${origin}/tokeninfo`,
    jwks_uri: `${origin}/jwk`,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    grant_types_supported: ['authorization_code', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    response_types_supported: ['code'],
    scopes_supported: SCOPES,
    capabilities: [
      'launch-ehr',
      'launch-standalone',
      'client-public',
      'client-confidential-symmetric',
      'client-confidential-asymmetric',
      'permission-v1',
      'permission-v2',
      'authorize-post',
    ],
  });

  const token = async (req: SimRequest, t: string): Promise<SimResponse> => {
    const f = req.form;
    const auth = req.headers.authorization ?? '';
    // C1: a JWT in the Authorization header → 401, URN invalid-authorization-header, client=unknown
    // [ORCL-F1][CER-PR909]. INF: the WWW-Authenticate value (RFC 6749 §5.2 requires one on 401).
    if (auth && !/^basic\s/i.test(auth))
      return cernerError(
        401,
        'invalid_client',
        'oauth2:token:invalid-authorization-header',
        'unknown',
        t,
        {
          'www-authenticate': `Basic realm="${t}"`,
        },
      );
    const basic = basicCredentials(req.headers);
    if (basic === 'malformed')
      return cernerError(
        401,
        'invalid_client',
        'oauth2:token:invalid-authorization-header',
        'unknown',
        t,
        {
          'www-authenticate': `Basic realm="${t}"`,
        },
      );
    if (f.get('grant_type') === 'authorization_code') return codeGrant(req, t);
    if (f.get('grant_type') !== 'client_credentials')
      return json(400, { error: 'unsupported_grant_type' });
    let clientId: string;
    if (basic) {
      const c = clients.get(basic.id);
      if (!c || !c.secret || c.secret !== basic.secret)
        return cernerError(
          401,
          'invalid_client',
          'oauth2:token:invalid-client-credentials',
          c ? c.clientId : 'unknown',
          t,
          {
            'www-authenticate': `Basic realm="${t}"`,
          },
        );
      clientId = c.clientId;
    } else if (f.has('client_assertion')) {
      if (f.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE)
        return json(400, { error: 'invalid_request' });
      const outcome = await checkAssertion(f.get('client_assertion') ?? '', {
        algs: ['RS384', 'ES384'],
        // INF: which token URL form must be in aud is not stated (VENDORS.md §8); both accepted.
        audiences: [origin + tokenPath(t), origin + tenantTokenPath(t)],
        leeway: 0,
        maxLifetime: 300,
        jkuMustMatchRegistered: true,
        seenJtis,
        findClient: (id) => {
          const c = clients.get(id);
          return c && (c.jwks || c.jwksUri)
            ? { ...(c.jwks ? { jwks: c.jwks } : {}), ...(c.jwksUri ? { jwksUri: c.jwksUri } : {}) }
            : undefined;
        },
      });
      if (!outcome.ok) {
        // C3: URN client-assertion:jwt-bearer:invalid-signature [ORCL-F2]. INF: the URNs for an
        // expired/too-far exp, reused jti or wrong aud are not captured; the same URN is used.
        const known =
          outcome.reason === 'unknown_client' ? 'unknown' : (outcome.clientId ?? 'unknown');
        return cernerError(
          400,
          'invalid_client',
          'client-assertion:jwt-bearer:invalid-signature',
          known,
          t,
        );
      }
      clientId = outcome.clientId;
    } else {
      // Secret in the body: only HTTP Basic is accepted [CER-AUTH]; the client is not identified.
      // INF: URN and status for this case are not captured; invalid-client-credentials with client=unknown.
      return cernerError(
        401,
        'invalid_client',
        'oauth2:token:invalid-client-credentials',
        'unknown',
        t,
        {
          'www-authenticate': `Basic realm="${t}"`,
        },
      );
    }
    const client = clients.get(clientId)!;
    const requested = (f.get('scope') ?? '').split(' ').filter(Boolean);
    const allowed = new Set(client.scope.split(' '));
    // INF: no invalid_scope URN is captured in the sources; this one follows the observed pattern.
    if (requested.some((s) => !allowed.has(s)))
      return cernerError(400, 'invalid_scope', 'oauth2:token:invalid-scope', clientId, t);
    const tk = await backend.issue(clientId, requested.join(' '), { tenant: t });
    return json(
      200,
      {
        access_token: tk.access_token,
        scope: tk.scope,
        token_type: 'Bearer',
        expires_in: tk.expires_in,
      },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  };

  /**
   * Authorize (persona path): no login page; the signed-in user consents at once. INF: the
   * simulator redirects errors it can attribute to the client; the real server's pages are not
   * captured.
   */
  const authorize = (req: SimRequest, t: string): SimResponse => {
    const q = req.url.searchParams;
    const client = clients.get(q.get('client_id') ?? '');
    const redirectUri = q.get('redirect_uri') ?? '';
    // RFC 6749 §4.1.2.1: unknown client or redirect → an error page, never a redirect.
    if (!client || !(client.redirectUris ?? []).includes(redirectUri))
      return { status: 400, headers: { 'content-type': 'text/html' }, body: '<h1>Error</h1>' };
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state) back.searchParams.set('state', state);
    if (switches.audRequired && q.get('aud') !== `${origin}/r4/${t}`) {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set(
        'error_uri',
        `${origin}/errors/${encodeURIComponent('urn:cerner:error:authorization-server:oauth2:authorize:invalid-request')}/instances/${randomUUID()}?client=${encodeURIComponent(client.clientId)}&tenant=${encodeURIComponent(t)}`,
      );
      return { status: 302, headers: { location: back.toString() } };
    }
    if (!switches.appEnabled) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set(
        'error_uri',
        `${origin}/errors/${encodeURIComponent('urn:cerner:error:authorization-server:oauth2:grant:denied-by-server')}/instances/${randomUUID()}?client=${encodeURIComponent(client.clientId)}&tenant=${encodeURIComponent(t)}`,
      );
      return { status: 302, headers: { location: back.toString() } };
    }
    const code = randomBytes(24).toString('base64url');
    const challenge = q.get('code_challenge');
    codes.set(code, {
      clientId: client.clientId,
      redirectUri,
      ...(challenge ? { challenge } : {}),
      tenant: t,
      scope: q.get('scope') ?? '',
    });
    back.searchParams.set('code', code);
    return { status: 302, headers: { location: back.toString() } };
  };

  /** Code exchange for public clients (client_id in the body) and Basic system accounts. */
  const codeGrant = async (req: SimRequest, t: string): Promise<SimResponse> => {
    const f = req.form;
    const basic = basicCredentials(req.headers);
    const clientId = basic && basic !== 'malformed' ? basic.id : (f.get('client_id') ?? 'unknown');
    const held = codes.get(f.get('code') ?? '');
    codes.delete(f.get('code') ?? '');
    const verifier = f.get('code_verifier') ?? '';
    const ok =
      held &&
      held.clientId === clientId &&
      held.tenant === t &&
      held.redirectUri === f.get('redirect_uri') &&
      (!held.challenge ||
        createHash('sha256').update(verifier).digest('base64url') === held.challenge);
    // C4: reused, expired or mismatched code [CER-AUTH]. INF: status 400 and invalid_grant.
    if (!ok)
      return cernerError(400, 'invalid_grant', 'oauth2:token:code-invalid-or-expired', clientId, t);
    const tk = await backend.issue(clientId, held.scope, { tenant: t });
    return json(
      200,
      {
        access_token: tk.access_token,
        scope: tk.scope,
        token_type: 'Bearer',
        expires_in: tk.expires_in,
      },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  };

  const fhir = async (req: SimRequest, t: string, rest: string): Promise<SimResponse> => {
    if (rest === '.well-known/smart-configuration') return json(200, smartConfig(t));
    if (rest === 'metadata')
      return json(200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        fhirVersion: '4.0.1',
        kind: 'instance',
      });
    const challenge = (error: string, description?: string) =>
      json(
        401,
        {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'security', diagnostics: description ?? error }],
        },
        {
          'www-authenticate': `Bearer realm="${t}", error="${error}"${description ? `, error_description="${description}"` : ''}`,
        },
      );
    const tok = bearer(req.headers);
    const rec = tok ? await backend.lookup(tok) : undefined;
    if (!rec) return challenge('invalid_token');
    // C6: token minted for another tenant → 401 tenant-mismatch [ORCL-F4] (INF: exact header text).
    if (rec.extra.tenant !== t) return challenge('invalid_token', 'tenant-mismatch');
    if (rest.includes('$export') && !switches.bulkAuthorized)
      return json(403, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'forbidden',
            diagnostics: 'Client not authorized for this tenant.',
          },
        ],
      });
    const type = rest.split(/[/?]/)[0] ?? '';
    return fhirBundle(type);
  };

  front.handle = async (req) => {
    const p = req.url.pathname;
    let m =
      /^\/tenants\/([^/]+)\/(?:hosts\/([^/]+)\/)?protocols\/oauth2\/profiles\/smart-v1\/token$/.exec(
        p,
      );
    if (m && req.method === 'POST') {
      if (!tenants.has(m[1]!) || (m[2] !== undefined && m[2] !== fhirHost))
        return json(404, { error: 'not_found' });
      return token(req, m[1]!);
    }
    m =
      /^\/tenants\/([^/]+)\/protocols\/oauth2\/profiles\/smart-v1\/personas\/[^/]+\/authorize$/.exec(
        p,
      );
    if (m && req.method === 'GET' && tenants.has(m[1]!)) return authorize(req, m[1]!);
    if (p === '/jwk') return json(200, backend.jwks);
    m = /^\/r4\/([^/]+)\/(.*)$/.exec(p);
    if (m) {
      if (!tenants.has(m[1]!))
        return json(404, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'not-found' }],
        });
      return fhir(req, m[1]!, m[2]!);
    }
    return json(404, { error: 'not_found' });
  };

  return {
    urls,
    switches,
    clients,
    addClient: (c) => {
      const full: OracleHealthClient = { scope: SCOPES.join(' '), ...c };
      clients.set(full.clientId, full);
      return full;
    },
    clientJwksUrl: front.clientJwksUrl,
    setClientJwks: front.setClientJwks,
    close: async () => {
      await front.close();
      await backend.close();
    },
  };
}
