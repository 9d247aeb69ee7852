import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
} from 'jose';
import { answerFhir } from './fhir-data.js';
import { INTERACTION_PATH, handleInteraction, type PracticeUser } from './sign-in.js';

/** A client registered at the test server (oidc-provider client metadata). */
export interface TestClient {
  client_id: string;
  token_endpoint_auth_method:
    'private_key_jwt' | 'client_secret_jwt' | 'client_secret_basic' | 'client_secret_post' | 'none';
  token_endpoint_auth_signing_alg?: string;
  client_secret?: string;
  jwks?: { keys: JWK[] };
  /** Serve the client's JWKS from this server at /test/jwks/<client_id> (settable via PUT). */
  hostedJwks?: boolean;
  scope?: string;
  /** Defaults to ["client_credentials"]; an authorization code client lists authorization_code. */
  grant_types?: string[];
  /** Loopback URIs without a port match any port for native clients (RFC 8252 §7.3). */
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  application_type?: 'web' | 'native';
}

/** A misbehaving server, switchable at run time (for the id_token checks). */
export interface Tamper {
  /** Rewrite the id_token of the next token responses: another nonce, or signed by another key. */
  idToken?: 'nonce' | 'signature';
  /**
   * Answer the next N device-code polls that would be authorization_pending with slow_down
   * instead (RFC 8628 §3.5: 400 {"error":"slow_down"}); oidc-provider never sends it itself.
   */
  deviceSlowDown?: number;
}

export interface SmartServer {
  issuer: string;
  fhirBase: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  registrationEndpoint: string;
  jwksUri: string;
  /** URL where a hostedJwks client's JWKS is served. */
  clientJwksUrl(clientId: string): string;
  setClientJwks(clientId: string, jwks: { keys: JWK[] }): void;
  tamper: Tamper;
  /** Launch context added to authorization_code token responses when launch/patient was granted. */
  launchContext: { patient: string; encounter: string };
  close(): Promise<void>;
}

const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export const SYSTEM_SCOPES = [
  'system/Patient.rs',
  'system/Observation.rs',
  'system/*.rs',
  'system/Patient.read',
];

/** User-facing SMART scopes the authorization code clients may ask for. */
export const USER_SCOPES = [
  'patient/Patient.rs',
  'patient/Observation.rs',
  'patient/*.rs',
  'user/Patient.rs',
  'user/*.rs',
];

/** OpenID and SMART launch scopes. */
export const LAUNCH_SCOPES = [
  'openid',
  'profile',
  'offline_access',
  'online_access',
  'fhirUser',
  'launch',
  'launch/patient',
  'launch/encounter',
];

/**
 * oidc-provider on 127.0.0.1:0 configured as a SMART server: client_credentials with
 * private_key_jwt (RS384/ES384) and client secrets (JWT access tokens for the FHIR base); the
 * authorization code flow with PKCE required, devInteractions (any login name and password) or
 * our own sign-in pages for the listed `users`,
 * refresh token rotation, SMART launch context, fhirUser; dynamic registration with RFC 7592
 * management; introspection, revocation, userinfo and RP-initiated logout; a SMART discovery
 * document and a tiny FHIR endpoint that checks the token.
 */
export async function startSmartServer(opts: {
  clients: TestClient[];
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Only these users may sign in (our own sign-in pages, sign-in.ts); a wrong password is refused.
   * Absent: oidc-provider's devInteractions, which take any login name and password.
   */
  users?: PracticeUser[];
  /** The FHIR endpoint serves the sample data (fhir-data.ts) instead of one placeholder per type. */
  sampleData?: boolean;
  /** Default { patient: 'example', encounter: 'enc-1' }. */
  launchContext?: { patient: string; encounter: string };
  accessTokenLifetime?: number;
  /** Seconds; short values let a test reach an expired refresh token. */
  refreshTokenLifetime?: number;
  /** Seconds a device code lives (RFC 8628 expires_in); default 600. */
  deviceCodeLifetime?: number;
  /**
   * Seconds between device polls, sent as `interval` (RFC 8628 §3.2) as Keycloak, Entra and Okta
   * do; oidc-provider sends none (clients then wait 5 s).
   */
  deviceInterval?: number;
  /** Called as each request arrives (bench: when the code exchange reaches the token endpoint). */
  onRequest?: (method: string, path: string) => void;
  /**
   * Called after each oidc-provider endpoint answered, with the parameters it read (client
   * assertion, code, code_verifier, refresh token…) and the body it sent (the tokens, a
   * registration access token): the plaintext values a test can look for in what the app keeps.
   */
  onExchange?: (e: { path: string; params: Record<string, unknown>; body: unknown }) => void;
}): Promise<SmartServer> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const fhirBase = `${issuer}/fhir`;
  const hosted = new Map<string, { keys: JWK[] }>();

  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = {
    ...(await exportJWK(privateKey)),
    kid: 'server-rs256',
    alg: 'RS256',
    use: 'sig',
  };
  const publicJwk = {
    ...(await exportJWK(publicKey)),
    kid: 'server-rs256',
    alg: 'RS256',
    use: 'sig',
  };
  const serverJwks = createLocalJWKSet({ keys: [publicJwk] });
  const tamper: Tamper = {};
  const launchContext = opts.launchContext ?? { patient: 'example', encounter: 'enc-1' };
  const users = opts.users;

  const clients = opts.clients.map((c) => {
    const grants = c.grant_types ?? ['client_credentials'];
    const interactive = grants.includes('authorization_code');
    const meta: Record<string, unknown> = {
      client_id: c.client_id,
      grant_types: grants,
      response_types: interactive ? ['code'] : [],
      redirect_uris: c.redirect_uris ?? [],
      token_endpoint_auth_method: c.token_endpoint_auth_method,
      scope:
        c.scope ??
        (interactive ? [...LAUNCH_SCOPES, ...USER_SCOPES].join(' ') : SYSTEM_SCOPES.join(' ')),
    };
    if (c.application_type) meta.application_type = c.application_type;
    if (c.post_logout_redirect_uris) meta.post_logout_redirect_uris = c.post_logout_redirect_uris;
    if (c.client_secret) meta.client_secret = c.client_secret;
    if (c.token_endpoint_auth_signing_alg)
      meta.token_endpoint_auth_signing_alg = c.token_endpoint_auth_signing_alg;
    if (c.jwks) meta.jwks = c.jwks;
    if (c.hostedJwks) {
      hosted.set(c.client_id, { keys: [] });
      meta.jwks_uri = `${issuer}/test/jwks/${encodeURIComponent(c.client_id)}`;
    }
    return meta;
  });

  const accessTtl = opts.accessTokenLifetime ?? 300;
  // Loaded here, not at import: the desktop main bundle keeps oidc-provider (ESM) external.
  const { default: OidcProvider } = await import('oidc-provider');
  // oidc-provider's own in-memory store, named explicitly so the practice server does not print
  // its "development-only adapter" warning (all state is meant to vanish when it stops). A path
  // inside the package (no exports map; the version is pinned exactly in package.json).
  const memory = users
    ? ((await import('oidc-provider/lib/adapters/memory_adapter.js' as string)) as {
        createMemoryAdapter: () => unknown;
      })
    : undefined;
  const provider = new OidcProvider(issuer, {
    clients: clients as never,
    ...(memory ? { adapter: memory.createMemoryAdapter() as never } : {}),
    jwks: { keys: [signingJwk as never] },
    scopes: [...LAUNCH_SCOPES, ...SYSTEM_SCOPES, ...USER_SCOPES],
    claims: { openid: ['sub'], profile: ['name'], fhirUser: ['fhirUser'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({
        sub,
        name: users ? `Demo user ${sub}` : `Test user ${sub}`,
        fhirUser: `${fhirBase}/Practitioner/${sub}`,
      }),
    }),
    clientAuthMethods: [
      'private_key_jwt',
      'client_secret_jwt',
      'client_secret_basic',
      'client_secret_post',
      'none',
    ],
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS384', 'ES384', 'RS256', 'ES256', 'PS384', 'HS256', 'HS384'],
    },
    pkce: { required: () => true },
    ...(users
      ? { interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` } }
      : {}),
    // SMART: offline_access asks for a refresh token (OpenID's prompt=consent rule does not apply).
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    // SMART App Launch: fhirUser (and the other scope claims) go in the id_token of the code flow too.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: !users },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      registration: { enabled: true },
      registrationManagement: { enabled: true, rotateRegistrationAccessToken: false },
      resourceIndicators: {
        enabled: true,
        // Backend services get JWT tokens for the FHIR base; interactive flows get opaque tokens
        // (usable at userinfo too), which the FHIR endpoint below looks up.
        defaultResource: (ctx) =>
          ctx.oidc.params?.grant_type === 'client_credentials' ? fhirBase : undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: SYSTEM_SCOPES.join(' '),
          audience: fhirBase,
          accessTokenTTL: accessTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: {
      ClientCredentials: accessTtl,
      AccessToken: accessTtl,
      RefreshToken: opts.refreshTokenLifetime ?? 3600,
      DeviceCode: opts.deviceCodeLifetime ?? 600,
      // The practice server sets oidc-provider's defaults explicitly (it prints a notice for each
      // one left unset): an hour to sign in, a session and grant of 14 days.
      ...(users
        ? { Interaction: 3600, IdToken: 3600, Session: 14 * 86400, Grant: 14 * 86400 }
        : {}),
    },
    // Every party lives on loopback (tests, the practice server), which oidc-provider's SSRF
    // guard would refuse.
    fetch: (url, options) => {
      const init = { ...options } as RequestInit & { dispatcher?: unknown };
      delete init.dispatcher;
      return globalThis.fetch(url, init);
    },
  });
  provider.on('server_error', (_ctx: unknown, e: Error) =>
    console.error('oidc-provider server_error', e),
  );
  // Outermost: sees the final body, after the launch context and tamper changes below.
  if (opts.onExchange)
    provider.use(async (ctx, next) => {
      await next();
      const oidc = ctx.oidc as { params?: object; body?: object } | undefined;
      opts.onExchange?.({
        path: ctx.path,
        params: { ...oidc?.body, ...oidc?.params },
        body: ctx.body,
      });
    });
  // SMART launch context in the token response, and the tamper switch for id_token checks.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/device/auth' && ctx.status === 200 && opts.deviceInterval)
      ctx.body = { ...(ctx.body as object), interval: opts.deviceInterval };
    const polled = ctx.oidc?.params?.grant_type === DEVICE_CODE_GRANT_TYPE;
    if (ctx.path === '/token' && polled && ctx.status === 400 && tamper.deviceSlowDown) {
      const body = ctx.body as Record<string, unknown> | undefined;
      if (body?.error === 'authorization_pending') {
        tamper.deviceSlowDown -= 1;
        ctx.body = {
          error: 'slow_down',
          error_description: 'you are polling too quickly and should back off at a reasonable rate',
        };
      }
    }
    if (ctx.path !== '/token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body.access_token !== 'string') return;
    const granted = String(body.scope ?? '').split(' ');
    if (granted.includes('launch/patient') || granted.includes('launch'))
      ctx.body = { ...body, ...launchContext, need_patient_banner: true };
    if (tamper.idToken && typeof body.id_token === 'string') {
      const claims = decodeJwt(body.id_token);
      const header = decodeProtectedHeader(body.id_token);
      const key =
        tamper.idToken === 'signature'
          ? (await generateKeyPair('RS256')).privateKey
          : await importJWK(signingJwk as JWK, 'RS256');
      const changed =
        tamper.idToken === 'nonce' ? { ...claims, nonce: 'not-the-nonce-sent' } : claims;
      (ctx.body as Record<string, unknown>).id_token = await new SignJWT(changed)
        .setProtectedHeader({ alg: 'RS256', kid: header.kid ?? 'server-rs256' })
        .sign(key);
    }
  });
  const handle = provider.callback();

  const smartConfig = {
    issuer,
    jwks_uri: `${issuer}/jwks`,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/reg`,
    userinfo_endpoint: `${issuer}/me`,
    end_session_endpoint: `${issuer}/session/end`,
    device_authorization_endpoint: `${issuer}/device/auth`,
    grant_types_supported: [
      'client_credentials',
      'authorization_code',
      'refresh_token',
      DEVICE_CODE_GRANT_TYPE,
    ],
    response_types_supported: ['code'],
    token_endpoint_auth_methods_supported: [
      'private_key_jwt',
      'client_secret_jwt',
      'client_secret_basic',
      'client_secret_post',
      'none',
    ],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384', 'HS256'],
    scopes_supported: [...LAUNCH_SCOPES, ...SYSTEM_SCOPES, ...USER_SCOPES],
    capabilities: [
      'launch-standalone',
      'client-public',
      'client-confidential-asymmetric',
      'client-confidential-symmetric',
      'context-standalone-patient',
      'permission-offline',
      'permission-patient',
      'permission-user',
      'permission-v2',
      'permission-v1',
      'sso-openid-connect',
    ],
    code_challenge_methods_supported: ['S256'],
    introspection_endpoint: `${issuer}/token/introspection`,
    revocation_endpoint: `${issuer}/token/revocation`,
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    opts.onRequest?.(req.method ?? 'GET', url.pathname);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/test/jwks/')) {
      const id = decodeURIComponent(url.pathname.slice('/test/jwks/'.length));
      if (!hosted.has(id)) return json(404, { error: 'unknown client' });
      if (req.method === 'PUT') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          try {
            hosted.set(id, JSON.parse(body) as { keys: JWK[] });
            json(204, {});
          } catch {
            json(400, { error: 'invalid json' });
          }
        });
        return;
      }
      return json(200, hosted.get(id));
    }
    const interaction = users ? INTERACTION_PATH.exec(url.pathname) : null;
    if (interaction && users) {
      handleInteraction(provider, users, req, res, !!interaction[2]).catch((e: unknown) => {
        console.error('practice sign-in failed', e);
        if (!res.headersSent) json(500, { error: 'server_error' });
      });
      return;
    }
    if (url.pathname === '/fhir/.well-known/smart-configuration') return json(200, smartConfig);
    if (url.pathname === '/fhir/metadata')
      return json(200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        fhirVersion: '4.0.1',
        kind: 'instance',
      });
    if (url.pathname.startsWith('/fhir/')) {
      const auth = req.headers.authorization ?? '';
      const token = /^Bearer (.+)$/i.exec(auth)?.[1];
      const challenge = (error: string, status: number) =>
        json(
          status,
          {
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', code: 'security', diagnostics: error }],
          },
          { 'www-authenticate': `Bearer error="${error}"` },
        );
      if (!token) return challenge('invalid_request', 401);
      // JWT access tokens (backend services) are verified; opaque ones are looked up.
      const scopeOf = token.includes('.')
        ? jwtVerify(token, serverJwks, { issuer, audience: fhirBase }).then(({ payload }) =>
            String(payload.scope ?? ''),
          )
        : provider.AccessToken.find(token).then((t) => {
            if (!t || t.isExpired) throw new Error('invalid');
            return String(t.scope ?? '');
          });
      scopeOf
        .then((scope) => {
          const scopes = scope.split(' ');
          if (opts.sampleData) {
            const a = answerFhir(
              url.pathname.slice('/fhir/'.length),
              url.searchParams,
              scopes,
              launchContext.patient,
              fhirBase,
            );
            return json(a.status, a.body, {
              'content-type': 'application/fhir+json',
              ...a.headers,
            });
          }
          const type = url.pathname.slice('/fhir/'.length).split('/')[0];
          const ok = ['system', 'patient', 'user'].some((kind) =>
            scopes.some(
              (s) =>
                s === `${kind}/${type}.rs` || s === `${kind}/*.rs` || s === `${kind}/${type}.read`,
            ),
          );
          if (!ok) return challenge('insufficient_scope', 403);
          json(
            200,
            {
              resourceType: 'Bundle',
              type: 'searchset',
              total: 1,
              entry: [{ resource: { resourceType: type, id: 'example' } }],
            },
            { 'content-type': 'application/fhir+json' },
          );
        })
        .catch(() => challenge('invalid_token', 401));
      return;
    }
    handle(req, res);
  });

  return {
    issuer,
    fhirBase,
    tokenEndpoint: `${issuer}/token`,
    authorizationEndpoint: `${issuer}/auth`,
    registrationEndpoint: `${issuer}/reg`,
    jwksUri: `${issuer}/jwks`,
    tamper,
    launchContext,
    clientJwksUrl: (id) => `${issuer}/test/jwks/${encodeURIComponent(id)}`,
    setClientJwks: (id, jwks) => void hosted.set(id, jwks),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
