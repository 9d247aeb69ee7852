import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  SignJWT,
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import type Provider from 'oidc-provider';

/**
 * Shared plumbing of the vendor simulators: a front door (node:http on 127.0.0.1:0) that speaks
 * the vendor's paths and error shapes, and an oidc-provider behind it that mints and keeps the
 * tokens. The front door authenticates the client by the vendor's own rules, then asks the
 * provider for a client_credentials token on the client's behalf (an internal secret), so every
 * token the simulators hand out is an oidc-provider token the FHIR endpoints can look up.
 */

export type Jwks = { keys: JWK[] };

/** One incoming request, body read and parsed. */
export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body as a form (also when it is not form-encoded: then empty). */
  form: URLSearchParams;
  /** The body as JSON when content-type says JSON and it parses. */
  json?: Record<string, unknown>;
  contentType: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

export const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

/** The front door: routes to `handle`, and hosts client JWKS at /test/jwks/{client id}. */
export interface Front {
  origin: string;
  handle: (req: SimRequest) => Promise<SimResponse> | SimResponse;
  clientJwksUrl(clientId: string): string;
  setClientJwks(clientId: string, jwks: Jwks): void;
  /** Makes the hosted JWKS of a client answer 503 (a JWKS URL the server cannot fetch). */
  breakClientJwks(clientId: string): void;
  close(): Promise<void>;
}

/** `port` 0 (the default) picks a free one; the practice server may ask for a fixed one. */
export async function startFront(port = 0): Promise<Front> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hosted = new Map<string, Jwks | 'broken'>();
  const front: Front = {
    origin,
    handle: () => json(404, { error: 'not_found' }),
    clientJwksUrl: (id) => `${origin}/test/jwks/${encodeURIComponent(id)}`,
    setClientJwks: (id, jwks) => void hosted.set(id, jwks),
    breakClientJwks: (id) => void hosted.set(id, 'broken'),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', origin);
      const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
      let parsed: Record<string, unknown> | undefined;
      if (contentType.includes('json'))
        try {
          const v: unknown = JSON.parse(body);
          if (v && typeof v === 'object' && !Array.isArray(v))
            parsed = v as Record<string, unknown>;
        } catch {
          parsed = undefined;
        }
      const simReq: SimRequest = {
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        body,
        form: new URLSearchParams(contentType.includes('x-www-form-urlencoded') ? body : ''),
        ...(parsed ? { json: parsed } : {}),
        contentType,
      };
      const send = (r: SimResponse) => {
        res.writeHead(r.status, r.headers ?? {});
        res.end(
          r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
        );
      };
      if (url.pathname.startsWith('/test/jwks/')) {
        const got = hosted.get(decodeURIComponent(url.pathname.slice('/test/jwks/'.length)));
        if (!got) return send(json(404, { error: 'unknown client' }));
        if (got === 'broken') return send(json(503, { error: 'unavailable' }));
        return send(json(200, got));
      }
      Promise.resolve()
        .then(() => front.handle(simReq))
        .then(send, (e: unknown) => send(json(500, { error: 'simulator bug', detail: String(e) })));
    });
  });
  return front;
}

/** Client id and secret from an HTTP Basic header, decoded as sent (no form-decoding). */
export function basicCredentials(
  headers: IncomingHttpHeaders,
): { id: string; secret: string } | 'malformed' | undefined {
  const h = headers.authorization;
  if (!h || !/^basic\s/i.test(h)) return undefined;
  const text = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return 'malformed';
  return { id: text.slice(0, i), secret: text.slice(i + 1) };
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before base64; decode them. */
export function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// --- Token backend (oidc-provider) -----------------------------------------------------------------

export interface IssuedToken {
  clientId: string;
  scope: string;
  /** Epoch seconds. */
  exp: number;
  /** Vendor data recorded when the token was minted (tenant, ...). */
  extra: Record<string, unknown>;
}

export interface Backend {
  provider: Provider;
  /** A client_credentials token for clientId with exactly this scope (the front door checked it). */
  issue(
    clientId: string,
    scope: string,
    extra?: Record<string, unknown>,
  ): Promise<{ access_token: string; expires_in: number; scope: string; token_type: string }>;
  /** The token's record, or undefined when unknown, expired or revoked. */
  lookup(token: string): Promise<IssuedToken | undefined>;
  revoke(token: string): Promise<boolean>;
  /** Signs a JWT access token with the simulator's key (vendors that issue JWT access tokens). */
  signJwt(claims: JWTPayload): Promise<string>;
  /** Verifies a JWT signed by signJwt; undefined when it does not verify. */
  verifyJwt(jwt: string): Promise<JWTPayload | undefined>;
  jwks: Jwks;
  close(): Promise<void>;
}

/** oidc-provider on an internal loopback port; clients appear on first use (memory adapter). */
export async function startBackend(opts: { issuer: string; ttl: number }): Promise<Backend> {
  const store = new Map<string, Record<string, unknown>>();
  const internalSecret = randomBytes(24).toString('hex');
  const extras = new Map<string, { scope: string; extra: Record<string, unknown> }>();
  class MemoryAdapter {
    constructor(private readonly name: string) {}
    key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>) {
      store.set(this.key(id), payload);
    }
    async find(id: string) {
      if (this.name === 'Client')
        return {
          client_id: id,
          client_secret: internalSecret,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        };
      return store.get(this.key(id));
    }
    async findByUid() {
      return undefined;
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      const p = store.get(this.key(id));
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId() {}
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const pub = { ...(await exportJWK(publicKey)), kid: 'sim-rs256', alg: 'RS256', use: 'sig' };
  const priv = { ...(await exportJWK(privateKey)), kid: 'sim-rs256', alg: 'RS256', use: 'sig' };
  // Loaded here, not at import: the desktop main bundle keeps oidc-provider (ESM) external.
  const { default: OidcProvider } = await import('oidc-provider');
  const provider = new OidcProvider(opts.issuer, {
    adapter: MemoryAdapter as never,
    jwks: { keys: [priv as never] },
    clientAuthMethods: ['client_secret_basic'],
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
    },
    ttl: { ClientCredentials: opts.ttl },
  });
  provider.on('server_error', (_ctx: unknown, e: Error) =>
    console.error('simulator oidc-provider server_error', e),
  );
  const internal: Server = createServer(provider.callback());
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  const internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  const keySet = createLocalJWKSet({ keys: [pub] });
  const signingKey = await importJWK(priv, 'RS256');
  return {
    provider,
    jwks: { keys: [pub] },
    async issue(clientId, scope, extra = {}) {
      const basic = Buffer.from(
        `${encodeURIComponent(clientId)}:${encodeURIComponent(internalSecret)}`,
      ).toString('base64');
      const r = await fetch(`${internalUrl}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      });
      const body = (await r.json()) as {
        access_token: string;
        expires_in: number;
        scope?: string;
        token_type: string;
      };
      if (r.status !== 200) throw new Error(`backend refused: ${JSON.stringify(body)}`);
      // oidc-provider keeps only the scopes it was configured with; the front door decided the scope.
      extras.set(body.access_token, { scope, extra });
      return { ...body, scope };
    },
    async lookup(token) {
      const t = await provider.ClientCredentials.find(token).catch(() => undefined);
      if (!t || t.isExpired) return undefined;
      return {
        clientId: String(t.clientId),
        scope: extras.get(token)?.scope ?? String(t.scope ?? ''),
        exp: Number(t.exp),
        extra: extras.get(token)?.extra ?? {},
      };
    },
    async revoke(token) {
      const t = await provider.ClientCredentials.find(token).catch(() => undefined);
      if (!t) return false;
      await t.destroy();
      return true;
    },
    signJwt: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'sim-rs256', typ: 'JWT' })
        .sign(signingKey),
    verifyJwt: (jwt) =>
      jwtVerify(jwt, keySet).then(
        (r) => r.payload,
        () => undefined,
      ),
    close: () =>
      new Promise<void>((r) => {
        internal.closeAllConnections();
        internal.close(() => r());
      }),
  };
}

/** The bearer token of a resource request, or undefined. */
export function bearer(headers: IncomingHttpHeaders): string | undefined {
  return /^bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
}

// --- Client assertion checks (RFC 7523 / SMART), one order, vendor-mapped reasons ---------------

export type AssertionFailure =
  | 'malformed'
  | 'no_sub'
  | 'iss_mismatch'
  | 'client_id_mismatch'
  | 'unknown_client'
  | 'alg'
  | 'jku'
  | 'jwks_unreachable'
  | 'kid'
  | 'signature'
  | 'aud'
  | 'no_exp'
  | 'expired'
  | 'exp_too_far'
  | 'iat_future'
  | 'no_jti'
  | 'jti_reused';

/** What the server knows about the client's keys. */
export interface ClientKeys {
  jwks?: Jwks;
  jwksUri?: string;
}

export interface AssertionRules {
  /** Algorithms the server verifies. */
  algs: readonly string[];
  /** Accepted aud values (any one must be in the JWT's aud). */
  audiences: readonly string[];
  /** Clock leeway in seconds for exp/nbf/iat. */
  leeway: number;
  /** exp may be at most this many seconds ahead (SMART: 300). Undefined: no cap. */
  maxLifetime?: number;
  /** OpenEMR: an RSA key matches a JWT without kid (first RSA key). Otherwise kid must match. */
  kidOptionalForRsa?: boolean;
  /** A jku header must equal the registered JWKS URL (SMART asymmetric, Epic JKU). */
  jkuMustMatchRegistered?: boolean;
  /** The client_id form parameter, when sent, must equal sub (RFC 7521 §4.2). */
  clientIdParam?: string;
  /** The jti store shared across requests (per simulator). */
  seenJtis: Set<string>;
  /** Look up the client named by sub. */
  findClient(id: string): ClientKeys | undefined;
}

export type AssertionOutcome =
  | { ok: true; clientId: string; claims: JWTPayload }
  | { ok: false; reason: AssertionFailure; detail: string; clientId?: string };

/** Validates a client assertion the way a SMART server does; the first failed check wins. */
export async function checkAssertion(
  jwt: string,
  rules: AssertionRules,
): Promise<AssertionOutcome> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(jwt);
    claims = decodeJwt(jwt);
  } catch (e) {
    return { ok: false, reason: 'malformed', detail: (e as Error).message };
  }
  const fail = (reason: AssertionFailure, detail: string): AssertionOutcome => ({
    ok: false,
    reason,
    detail,
    ...(typeof claims.sub === 'string' ? { clientId: claims.sub } : {}),
  });
  if (typeof claims.sub !== 'string' || !claims.sub) return fail('no_sub', 'sub missing');
  if (rules.clientIdParam !== undefined && rules.clientIdParam !== claims.sub)
    return fail('client_id_mismatch', 'client_id parameter does not match sub');
  if (claims.iss !== claims.sub) return fail('iss_mismatch', 'iss differs from sub');
  const client = rules.findClient(claims.sub);
  if (!client) return fail('unknown_client', `no client ${claims.sub}`);
  const alg = String(header.alg ?? '');
  if (!rules.algs.includes(alg)) return fail('alg', `alg ${alg} not accepted`);
  if (header.jku !== undefined && rules.jkuMustMatchRegistered && header.jku !== client.jwksUri)
    return fail('jku', `jku ${String(header.jku)} is not the registered JWKS URL`);
  let jwks: Jwks | undefined = client.jwks;
  if (client.jwksUri) {
    // No cache: OpenEMR fetches the JWKS URL on every request [OE-JWKS]; the others are INF.
    try {
      const r = await fetch(client.jwksUri, { headers: { accept: 'application/json' } });
      const body = (await r.json()) as Jwks;
      if (!r.ok || !Array.isArray(body.keys)) throw new Error(`HTTP ${r.status}`);
      jwks = body;
    } catch (e) {
      return fail('jwks_unreachable', `${client.jwksUri}: ${(e as Error).message}`);
    }
  }
  if (!jwks) return fail('jwks_unreachable', 'no keys registered');
  const family = alg.startsWith('ES') ? 'EC' : 'RSA';
  const matches = jwks.keys.filter((k) =>
    header.kid === undefined
      ? rules.kidOptionalForRsa && k.kty === 'RSA' && family === 'RSA'
      : k.kid === header.kid && k.kty === family,
  );
  const jwk = header.kid === undefined ? matches[0] : matches.length === 1 ? matches[0] : undefined;
  if (!jwk) return fail('kid', `no single ${family} key with kid ${String(header.kid)}`);
  try {
    await compactVerify(jwt, await importJWK(jwk, alg));
  } catch (e) {
    return fail('signature', (e as Error).message);
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : [];
  if (!aud.some((a) => rules.audiences.includes(a)))
    return fail('aud', `aud ${aud.join(' ')} is not ${rules.audiences.join(' or ')}`);
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number') return fail('no_exp', 'exp missing');
  if (claims.exp + rules.leeway < now) return fail('expired', 'exp is in the past');
  if (typeof claims.nbf === 'number' && claims.nbf - rules.leeway > now)
    return fail('iat_future', 'nbf in the future');
  if (typeof claims.iat === 'number' && claims.iat - rules.leeway > now)
    return fail('iat_future', 'iat in the future');
  if (rules.maxLifetime !== undefined && claims.exp - now > rules.maxLifetime + rules.leeway)
    return fail('exp_too_far', `exp is ${claims.exp - now} s ahead`);
  if (typeof claims.jti !== 'string' || !claims.jti) return fail('no_jti', 'jti missing');
  const jtiKey = `${claims.sub}:${claims.jti}`;
  if (rules.seenJtis.has(jtiKey)) return fail('jti_reused', 'jti already used');
  rules.seenJtis.add(jtiKey);
  return { ok: true, clientId: claims.sub, claims };
}

/** A small FHIR search answer for a resource type. */
export function fhirBundle(type: string): SimResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/fhir+json' },
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      entry: [{ resource: { resourceType: type, id: 'example' } }],
    },
  };
}

/** Granted scope: the requested scopes the client may have (space-separated lists). */
export function grantScopes(requested: string, allowed: string): string[] {
  const ok = new Set(allowed.split(' ').filter(Boolean));
  return requested.split(' ').filter((s) => s && ok.has(s));
}
