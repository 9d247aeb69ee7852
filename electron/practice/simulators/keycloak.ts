import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  CLIENT_ASSERTION_TYPE,
  basicCredentials,
  bearer,
  checkAssertion,
  fhirBundle,
  formDecode,
  json,
  startBackend,
  startFront,
  type AssertionFailure,
  type Jwks,
  type SimRequest,
  type SimResponse,
} from './sim-core.js';

/**
 * Keycloak simulator. Sources: VENDORS.md §4.5 and rules K1-K10 (Keycloak services/ sources:
 * [KC-CCG] ClientCredentialsGrantType, [KC-SECRET] ClientIdAndSecretAuthenticator,
 * [KC-JWTAUTH] JWTClientAuthenticator, [KC-ABSJWT] AbstractJWTClientValidator,
 * [KC-BASEJWT] AbstractBaseJWTValidator, [KC-JWTVAL], [KC-AP]; [KC-MIG] /auth prefix).
 */

export interface KeycloakClient {
  clientId: string;
  enabled: boolean;
  /** "Client authentication" off = public client (K2). */
  publicClient: boolean;
  bearerOnly: boolean;
  /** "Service accounts roles" (K1). */
  serviceAccountsEnabled: boolean;
  /** Client authenticator: "Client Id and Secret" or "Signed JWT" [KC-SECRET][KC-JWTAUTH]. */
  authenticator: 'client-secret' | 'client-jwt';
  secret?: string;
  /** "Use JWKS URL" on, or an imported key. */
  jwksUrl?: string;
  jwks?: Jwks;
  /** "Signature algorithm" of the Signed JWT authenticator (K7); unset accepts any asymmetric alg. */
  signingAlg?: string;
  /** Client scopes granted in the token's scope. */
  scope: string;
}

export interface KeycloakSwitches {
  /** Keycloak < 17 or http-relative-path=/auth: everything under /auth; the other form 404s (K10). */
  legacyAuthPrefix: boolean;
}

export interface KeycloakSim {
  urls: {
    host: string;
    realm: string;
    /** {host}[/auth]/realms/{realm} */
    issuer: string;
    tokenEndpoint: string;
    introspectionEndpoint: string;
    jwksUri: string;
    openidConfiguration: string;
    /** The token URL in the other form (with /auth when the server has none, and vice versa). */
    otherFormTokenEndpoint: string;
  };
  switches: KeycloakSwitches;
  clients: Map<string, KeycloakClient>;
  putClient(c: Partial<KeycloakClient> & { clientId: string }): KeycloakClient;
  setServiceAccounts(clientId: string, enabled: boolean): void;
  clientJwksUrl(clientId: string): string;
  setClientJwks(clientId: string, jwks: Jwks): void;
  breakClientJwks(clientId: string): void;
  close(): Promise<void>;
}

/** Messages of the signed-JWT validators [KC-ABSJWT][KC-BASEJWT][KC-JWTAUTH], by failed check. */
const JWT_MESSAGES: Record<AssertionFailure, string> = {
  malformed: 'Client authentication with signed JWT failed: Failed to parse JWT',
  no_sub: 'Token sub claim is required',
  iss_mismatch: 'Invalid client or Invalid client credentials',
  client_id_mismatch: 'client_id parameter does not match sub claim',
  unknown_client: 'Invalid client or Invalid client credentials',
  alg: 'Invalid signature algorithm',
  jku: 'Unable to load public key',
  // [KC-JWTAUTH]: a JWKS URL that cannot be fetched or has no key for the kid.
  jwks_unreachable: 'Unable to load public key',
  kid: 'Unable to load public key',
  // INF: the text after "failed: " comes from the exception; this one is the signature check's.
  signature:
    'Client authentication with signed JWT failed: Signature on JWT token failed validation',
  aud: 'Invalid token audience',
  no_exp: 'Token exp claim is required',
  expired: 'Token is not active',
  exp_too_far: 'Token expiration is too far in the future and iat claim not present in token',
  iat_future: 'Token was issued in the future',
  no_jti: 'Token jti claim is required',
  jti_reused: 'Token reuse detected',
};

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];

export async function startKeycloakSim(
  opts: { realm?: string; switches?: Partial<KeycloakSwitches>; port?: number } = {},
): Promise<KeycloakSim> {
  const front = await startFront(opts.port);
  const realm = opts.realm ?? 'smart';
  const switches: KeycloakSwitches = { legacyAuthPrefix: false, ...opts.switches };
  const prefix = () => (switches.legacyAuthPrefix ? '/auth' : '');
  const realmBase = () => `${front.origin}${prefix()}/realms/${realm}`;
  const backend = await startBackend({ issuer: realmBase(), ttl: 300 });
  const clients = new Map<string, KeycloakClient>();
  const seenJtis = new Set<string>();
  const oidc = () => `${realmBase()}/protocol/openid-connect`;
  const urls = {
    host: front.origin,
    realm,
    get issuer() {
      return realmBase();
    },
    get tokenEndpoint() {
      return `${oidc()}/token`;
    },
    get introspectionEndpoint() {
      return `${oidc()}/token/introspect`;
    },
    get jwksUri() {
      return `${oidc()}/certs`;
    },
    get openidConfiguration() {
      return `${realmBase()}/.well-known/openid-configuration`;
    },
    get otherFormTokenEndpoint() {
      return `${front.origin}${switches.legacyAuthPrefix ? '' : '/auth'}/realms/${realm}/protocol/openid-connect/token`;
    },
  };
  const err = (status: number, error: string, error_description: string) =>
    json(status, { error, error_description });

  const token = async (req: SimRequest): Promise<SimResponse> => {
    const f = req.form;
    const basic = basicCredentials(req.headers);
    const assertion = f.get('client_assertion');
    const assertionType = f.get('client_assertion_type');
    // Which client: Basic id, client_id parameter, or the assertion's sub. Keycloak then runs only
    // the authenticator configured for that client (INF: ClientAuthenticationFlow behaviour as
    // read from the sources, not a capture), so client_id=<secret client> plus an assertion fails
    // as a secret client would.
    let clientId: string | undefined =
      basic && basic !== 'malformed' ? formDecode(basic.id) : (f.get('client_id') ?? undefined);
    if (!clientId && assertion) {
      try {
        const sub = decodeJwt(assertion).sub;
        if (typeof sub === 'string') clientId = sub;
      } catch {
        clientId = undefined;
      }
    }
    if (!clientId) return err(400, 'invalid_client', 'Missing client_id parameter');
    const client = clients.get(clientId);
    // Unknown or disabled client → 401 invalid_client [KC-SECRET][KC-AP].
    if (!client || !client.enabled)
      return err(401, 'invalid_client', 'Invalid client or Invalid client credentials');
    if (client.bearerOnly)
      return err(
        401,
        'unauthorized_client',
        'Bearer-only client not allowed to retrieve service account',
      );
    if (!client.publicClient) {
      if (client.authenticator === 'client-jwt') {
        // K4: the Signed JWT authenticator wants the form parameters [KC-ABSJWT].
        if (!assertionType)
          return err(400, 'invalid_client', 'Parameter client_assertion_type is missing');
        if (assertionType !== CLIENT_ASSERTION_TYPE)
          return err(
            400,
            'invalid_client',
            `Parameter client_assertion_type has value '${assertionType}' but expected is '${CLIENT_ASSERTION_TYPE}'`,
          );
        if (!assertion) return err(400, 'invalid_client', 'client_assertion parameter missing');
        let alg: string;
        try {
          alg = String(decodeProtectedHeader(assertion).alg ?? '');
        } catch {
          return err(400, 'invalid_client', JWT_MESSAGES.malformed);
        }
        // Asymmetric only; must equal the client's configured alg when set [KC-BASEJWT] (K7).
        const algs = client.signingAlg ? [client.signingAlg] : ASYMMETRIC;
        const outcome = await checkAssertion(assertion, {
          algs,
          // aud: realm issuer, token, introspection, PAR or CIBA URL of this realm [KC-JWTVAL].
          audiences: [
            realmBase(),
            `${oidc()}/token`,
            `${oidc()}/token/introspect`,
            `${oidc()}/ext/par/request`,
            `${oidc()}/ext/ciba/auth`,
          ],
          // Clock skew 15 s [KC-JWTVAL]; no cap when iat is present (checked below when absent).
          leeway: 15,
          ...(f.has('client_id') ? { clientIdParam: f.get('client_id')! } : {}),
          seenJtis,
          findClient: (id) => {
            const c = clients.get(id);
            if (!c) return undefined;
            return {
              ...(c.jwksUrl ? { jwksUri: c.jwksUrl } : {}),
              ...(c.jwks ? { jwks: c.jwks } : {}),
            };
          },
        });
        if (!outcome.ok) {
          if (outcome.reason === 'alg' && !ASYMMETRIC.includes(alg))
            return err(400, 'invalid_client', JWT_MESSAGES.alg);
          // Unknown client is reported like the secret authenticator does (401) [KC-AP].
          // INF: an iss other than the client id makes the validator return false without a
          // message [KC-ABSJWT]; the flow then ends as an unauthenticated client.
          if (outcome.reason === 'unknown_client' || outcome.reason === 'iss_mismatch')
            return err(401, 'invalid_client', JWT_MESSAGES[outcome.reason]);
          return err(400, 'invalid_client', JWT_MESSAGES[outcome.reason]);
        }
        // exp beyond the per-client max lifetime without iat [KC-BASEJWT] (K9). INF: max 60 s default.
        const c = outcome.claims;
        if (c.iat === undefined && typeof c.exp === 'number' && c.exp - Date.now() / 1000 > 60)
          return err(400, 'invalid_client', JWT_MESSAGES.exp_too_far);
      } else {
        const secret =
          basic && basic !== 'malformed' ? formDecode(basic.secret) : f.get('client_secret');
        // Wrong or missing secret → 401 unauthorized_client [KC-SECRET] (K3).
        if (!secret || secret !== client.secret)
          return err(401, 'unauthorized_client', 'Invalid client or Invalid client credentials');
      }
    }
    const grant = f.get('grant_type');
    if (grant !== 'client_credentials')
      return err(400, 'unsupported_grant_type', 'Unsupported grant_type');
    // Checks in [KC-CCG] order (bearer-only was refused above).
    if (client.publicClient)
      return err(
        401,
        'unauthorized_client',
        'Public client not allowed to retrieve service account',
      );
    if (!client.serviceAccountsEnabled)
      return err(401, 'unauthorized_client', 'Client not enabled to retrieve service account');
    const requested = (f.get('scope') ?? '').split(' ').filter(Boolean);
    const allowed = new Set(client.scope.split(' '));
    const bad = requested.find((s) => !allowed.has(s) && s !== 'openid');
    if (bad) return err(400, 'invalid_scope', 'Invalid scopes: ' + requested.join(' '));
    const granted = [...new Set([...allowed, ...requested])].join(' ');
    const t = await backend.issue(client.clientId, granted);
    // INF: real Keycloak access tokens are JWTs; opaque oidc-provider tokens stand in for them.
    return json(
      200,
      {
        access_token: t.access_token,
        expires_in: t.expires_in,
        refresh_expires_in: 0,
        token_type: 'Bearer',
        'not-before-policy': 0,
        scope: t.scope,
      },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  };

  front.handle = async (req) => {
    const p = req.url.pathname;
    const base = `${prefix()}/realms/${realm}`;
    // The other path form does not exist on this server (K10) [KC-MIG]. INF: body of the 404.
    if (!p.startsWith(`${base}/`))
      return err(
        404,
        'Unable to find matching target resource method',
        'For more on this error consult the server log.',
      );
    const rest = p.slice(base.length);
    if (rest === '/.well-known/openid-configuration')
      return json(200, {
        issuer: realmBase(),
        authorization_endpoint: `${oidc()}/auth`,
        token_endpoint: `${oidc()}/token`,
        introspection_endpoint: `${oidc()}/token/introspect`,
        revocation_endpoint: `${oidc()}/revoke`,
        jwks_uri: `${oidc()}/certs`,
        grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
        response_types_supported: ['code'],
        token_endpoint_auth_methods_supported: [
          'private_key_jwt',
          'client_secret_basic',
          'client_secret_post',
          'tls_client_auth',
          'client_secret_jwt',
        ],
        token_endpoint_auth_signing_alg_values_supported: ASYMMETRIC.concat([
          'HS256',
          'HS384',
          'HS512',
        ]),
        code_challenge_methods_supported: ['plain', 'S256'],
      });
    if (rest === '/protocol/openid-connect/certs') return json(200, backend.jwks);
    if (rest === '/protocol/openid-connect/token' && req.method === 'POST') return token(req);
    if (rest.startsWith('/fhir/')) {
      // A resource server protected by this realm (for end-to-end checks).
      const tok = bearer(req.headers);
      if (!tok || !(await backend.lookup(tok)))
        return json(
          401,
          { error: 'invalid_token' },
          { 'www-authenticate': 'Bearer error="invalid_token"' },
        );
      return fhirBundle(rest.slice('/fhir/'.length).split('/')[0] ?? '');
    }
    return err(
      404,
      'Unable to find matching target resource method',
      'For more on this error consult the server log.',
    );
  };

  return {
    urls,
    switches,
    clients,
    putClient: (c) => {
      const full: KeycloakClient = {
        enabled: true,
        publicClient: false,
        bearerOnly: false,
        serviceAccountsEnabled: true,
        authenticator: 'client-secret',
        scope: 'profile email',
        ...c,
      };
      clients.set(full.clientId, full);
      return full;
    },
    setServiceAccounts: (id, enabled) => {
      const c = clients.get(id);
      if (!c) throw new Error(`no client ${id}`);
      c.serviceAccountsEnabled = enabled;
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
