import { randomBytes } from 'node:crypto';
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
 * Aidbox (Health Samurai) simulator. Sources: VENDORS.md §4.4 and rules AB1-AB5 ([AB-CCG]
 * client credentials tutorial, [AB-BS] SMART backend services). Aidbox's error bodies are not
 * quoted in the sources: the token endpoint errors use the RFC 6749 §5.2 shape (INF).
 */

/** The Client resource (PUT /Client/{id}) fields the simulator honours [AB-CCG][AB-BS]. */
export interface AidboxClient {
  id: string;
  secret?: string;
  grant_types: string[];
  /** smart-app clients may only use system/ scopes with client_credentials [AB-CCG]. */
  type?: 'smart-app';
  scope?: string[];
  jwks_uri?: string;
  auth?: {
    client_credentials?: {
      /** Default opaque; opaque responses omit expires_in [AB-CCG]. */
      token_format?: 'jwt';
      access_token_expiration?: number;
      refresh_token?: boolean;
      client_assertion_types?: string[];
    };
  };
}

export interface AidboxSwitches {
  /**
   * AB5 test device, not an Aidbox endpoint: an RFC 7009 revocation endpoint in front of Aidbox
   * (a gateway) at /gateway/revoke that answers 200 (RFC 7009 §2.2 allows it for any token) but
   * does not close the token's Session, so the token stays valid [AB-CCG]. Off: 404.
   */
  gatewayRevocation: boolean;
}

export interface AidboxSim {
  switches: AidboxSwitches;
  urls: {
    base: string;
    tokenEndpoint: string;
    fhirBase: string;
    /** DELETE closes the Session of the bearer token (logout) [AB-CCG]. */
    sessionEndpoint: string;
    /** The AB5 test device (switches.gatewayRevocation). */
    gatewayRevocationEndpoint: string;
  };
  clients: Map<string, AidboxClient>;
  /** PUT /Client/{id}. */
  putClient(c: AidboxClient): void;
  /** An AccessPolicy with engine allow linked to the Client (without one: FHIR 403, AB1). */
  grantAccessPolicy(clientId: string): void;
  revokeAccessPolicy(clientId: string): void;
  clientJwksUrl(clientId: string): string;
  setClientJwks(clientId: string, jwks: Jwks): void;
  breakClientJwks(clientId: string): void;
  close(): Promise<void>;
}

export async function startAidboxSim(
  opts: { switches?: Partial<AidboxSwitches>; port?: number } = {},
): Promise<AidboxSim> {
  const switches: AidboxSwitches = { gatewayRevocation: false, ...opts.switches };
  const front = await startFront(opts.port);
  const base = front.origin;
  const backend = await startBackend({ issuer: base, ttl: 3600 });
  const clients = new Map<string, AidboxClient>();
  const policies = new Set<string>();
  const seenJtis = new Set<string>();
  const refreshTokens = new Map<string, { client: AidboxClient; scope: string }>();
  const urls = {
    base,
    tokenEndpoint: `${base}/auth/token`,
    fhirBase: `${base}/fhir`,
    sessionEndpoint: `${base}/Session`,
    gatewayRevocationEndpoint: `${base}/gateway/revoke`,
  };
  const oauthError = (status: number, error: string, error_description: string) =>
    json(status, { error, error_description });

  const token = async (req: SimRequest): Promise<SimResponse> => {
    // Form with HTTP Basic, or a JSON body with client_id / client_secret [AB-CCG].
    const p = (k: string): string | undefined => {
      if (req.json) return typeof req.json[k] === 'string' ? (req.json[k] as string) : undefined;
      return req.form.get(k) ?? undefined;
    };
    const grant = p('grant_type');
    if (grant === 'refresh_token') {
      // Refresh with a JSON (or form) body [AB-CCG]. INF: client auth on refresh is not described.
      const held = refreshTokens.get(p('refresh_token') ?? '');
      if (!held) return oauthError(400, 'invalid_grant', 'Invalid refresh token');
      return issueFor(held.client, held.scope);
    }
    let client: AidboxClient | undefined;
    const basic = basicCredentials(req.headers);
    if (p('client_assertion')) {
      if (p('client_assertion_type') !== CLIENT_ASSERTION_TYPE)
        return oauthError(400, 'invalid_request', 'Unsupported client_assertion_type');
      const outcome = await checkAssertion(p('client_assertion')!, {
        algs: ['RS384', 'ES384', 'RS256'],
        // INF: aud rule for Aidbox not stated; the token URL (SMART) is expected.
        audiences: [urls.tokenEndpoint],
        leeway: 5,
        maxLifetime: 300,
        seenJtis,
        findClient: (id) => {
          const c = clients.get(id);
          // AB3: the Client must list the jwt-bearer assertion type [AB-BS].
          if (!c?.auth?.client_credentials?.client_assertion_types?.includes(CLIENT_ASSERTION_TYPE))
            return undefined;
          return c.jwks_uri ? { jwksUri: c.jwks_uri } : {};
        },
      });
      if (!outcome.ok)
        return oauthError(401, 'invalid_client', `Client assertion rejected: ${outcome.detail}`);
      client = clients.get(outcome.clientId);
    } else {
      const creds =
        basic && basic !== 'malformed'
          ? basic
          : p('client_id') !== undefined
            ? { id: p('client_id')!, secret: p('client_secret') ?? '' }
            : undefined;
      if (!creds) return oauthError(401, 'invalid_client', 'Client credentials are missing');
      const c = clients.get(creds.id);
      if (!c || !c.secret || c.secret !== creds.secret)
        return oauthError(401, 'invalid_client', 'Invalid client_id or client_secret');
      client = c;
    }
    if (!client) return oauthError(401, 'invalid_client', 'Unknown client');
    // AB2: grant_types on the Client decide.
    if (grant !== 'client_credentials' || !client.grant_types.includes('client_credentials'))
      return oauthError(
        400,
        'unauthorized_client',
        `Client is not allowed to use grant ${grant ?? '(none)'}`,
      );
    const requested = (p('scope') ?? '').split(' ').filter(Boolean);
    if (client.type === 'smart-app') {
      const bad = requested.find((s) => !s.startsWith('system/'));
      if (bad)
        return oauthError(
          400,
          'invalid_scope',
          `Scope ${bad} is not allowed for client_credentials`,
        );
    }
    return issueFor(client, requested.join(' '));
  };

  const issueFor = async (client: AidboxClient, scope: string): Promise<SimResponse> => {
    const cc = client.auth?.client_credentials ?? {};
    const t = await backend.issue(client.id, scope);
    const jwtFormat = cc.token_format === 'jwt';
    const now = Math.floor(Date.now() / 1000);
    const exp = cc.access_token_expiration;
    const access = jwtFormat
      ? await backend.signJwt({
          iss: base,
          sub: client.id,
          jti: t.access_token,
          iat: now,
          ...(exp ? { exp: now + exp } : {}),
          scope: t.scope,
        })
      : t.access_token;
    let refresh: string | null | undefined = jwtFormat ? null : undefined;
    if (cc.refresh_token) {
      refresh = randomBytes(24).toString('base64url');
      refreshTokens.set(refresh, { client, scope });
    }
    // AB4: an opaque token comes without expires_in; a refresh token only with refresh_token: true
    // (the backend-services example answers refresh_token: null) [AB-CCG][AB-BS].
    return json(200, {
      token_type: 'Bearer',
      access_token: access,
      ...(jwtFormat ? { expires_in: exp ?? t.expires_in } : {}),
      ...(t.scope ? { scope: t.scope } : {}),
      ...(refresh !== undefined ? { refresh_token: refresh } : {}),
    });
  };

  /** The backend token behind an opaque or JWT access token. */
  const resolve = async (tok: string) => {
    if (tok.split('.').length === 3) {
      const claims = await backend.verifyJwt(tok);
      return claims && typeof claims.jti === 'string' ? { inner: claims.jti } : undefined;
    }
    return { inner: tok };
  };

  front.handle = async (req) => {
    const p = req.url.pathname;
    if (p === '/auth/token' && req.method === 'POST') return token(req);
    if (p === '/gateway/revoke' && req.method === 'POST' && switches.gatewayRevocation)
      return { status: 200, body: '' };
    if ((p === '/Session' || p === '/fhir/Session') && req.method === 'DELETE') {
      // AB5: closing the Session ends the token [AB-CCG].
      const tok = bearer(req.headers);
      const r = tok ? await resolve(tok) : undefined;
      if (!r || !(await backend.revoke(r.inner)))
        return json(401, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'fatal', code: 'security' }],
        });
      return json(200, { resourceType: 'Session', status: 'closed' });
    }
    if (p === '/fhir/.well-known/smart-configuration')
      // INF: discovery path and contents for Aidbox [VENDORS.md §5].
      return json(200, {
        issuer: base,
        token_endpoint: urls.tokenEndpoint,
        jwks_uri: `${base}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials', 'authorization_code'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384', 'RS256'],
        capabilities: [
          'client-confidential-symmetric',
          'client-confidential-asymmetric',
          'permission-v1',
        ],
      });
    if (p === '/.well-known/jwks.json') return json(200, backend.jwks);
    if (p === '/fhir/metadata')
      return json(200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        fhirVersion: '4.0.1',
        kind: 'instance',
      });
    if (p.startsWith('/fhir/')) {
      const tok = bearer(req.headers);
      const r = tok ? await resolve(tok) : undefined;
      const rec = r ? await backend.lookup(r.inner) : undefined;
      if (!rec)
        return json(401, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'fatal', code: 'security', diagnostics: 'Unauthorized' }],
        });
      // AB1: valid token but no AccessPolicy linked to the Client → 403 [AB-CCG]. INF: body text.
      if (!policies.has(rec.clientId))
        return json(403, {
          resourceType: 'OperationOutcome',
          id: 'forbidden',
          issue: [{ severity: 'fatal', code: 'forbidden', diagnostics: 'Forbidden' }],
        });
      return fhirBundle(p.slice('/fhir/'.length).split('/')[0] ?? '');
    }
    return json(404, { error: 'not_found' });
  };

  return {
    switches,
    urls,
    clients,
    putClient: (c) => void clients.set(c.id, c),
    grantAccessPolicy: (id) => void policies.add(id),
    revokeAccessPolicy: (id) => void policies.delete(id),
    clientJwksUrl: front.clientJwksUrl,
    setClientJwks: front.setClientJwks,
    breakClientJwks: front.breakClientJwks,
    close: async () => {
      await front.close();
      await backend.close();
    },
  };
}
