/**
 * Runs a corpus case through the engine: a replay server on 127.0.0.1:0 answers the engine's real
 * request with the exact bytes the case quotes (status, headers, body), at the endpoint the case
 * is about; the other endpoints a flow needs on the way (an authorize redirect with a code, a token
 * for a resource call) answer as a server that works. What the engine sends is its own: built from
 * a profile that stands for what the case shows of the request (auth method, grant, client id,
 * scope, PKCE, the assertion's claims).
 */
import { base64url } from 'jose';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  caseAuth,
  caseClientId,
  caseGrant,
  caseTime,
  type CorpusCase,
} from '../../shared/diagnosis/corpus/cases.js';
import type { Finding } from '../../shared/diagnosis/codes.js';
import type { GrantType, ProfileInput, SigningAlg } from '../../shared/types.js';
import { DIALECTS } from '../../shared/diagnosis/dialects/index.js';
import { detectServer } from '../../shared/diagnosis/dialects/match.js';
import { presetOfServer } from '../../shared/presets.js';
import type { Engine } from './engine.js';
import { waitForAuthorization } from './test-helpers.js';

/** Headers the replay server sets itself (framing) or shifts (Date). */
const OWN_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'date',
  'content-encoding',
  'keep-alive',
]);

export interface Replay {
  base: string;
  /** The case being answered; `now` is the engine's clock, seconds. */
  set(c: CorpusCase, now: number): void;
  close(): Promise<void>;
}

const pathOf = (url: string | undefined, fallback: string) => {
  if (!url) return fallback;
  try {
    return new URL(url, 'https://as.example.com').pathname || fallback;
  } catch {
    return fallback;
  }
};

export async function startReplay(): Promise<Replay> {
  let current: { c: CorpusCase; now: number } | undefined;
  const send = (res: ServerResponse, c: CorpusCase, now: number) => {
    const r = c.response!;
    for (const [n, v] of r.headers ?? [])
      if (!OWN_HEADERS.has(n.toLowerCase())) res.appendHeader(n, v);
    // The server's Date keeps its distance from the case's time, so a clock skew stays one.
    const date = r.headers?.find(([n]) => n.toLowerCase() === 'date')?.[1];
    const t = date ? Date.parse(date) : NaN;
    res.setHeader(
      'date',
      new Date((Number.isFinite(t) ? now + (t / 1000 - caseTime(c)) : now) * 1000).toUTCString(),
    );
    res.statusCode = r.status;
    res.end(r.body);
  };
  const ok = (res: ServerResponse, json: Record<string, unknown>) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'no-store');
    res.end(JSON.stringify(json));
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const cur = current;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!cur) return void res.writeHead(503).end();
      const { c, now } = cur;
      const at = (p: string) => url.pathname === p;
      if (at('/authorize')) {
        const redirect = url.searchParams.get('redirect_uri') ?? '';
        const state = url.searchParams.get('state') ?? '';
        if (c.endpoint === 'authorize' && c.response) return send(res, c, now);
        const back = new URL(redirect);
        if (c.endpoint === 'authorize' && c.redirect) {
          const from = new URL(c.redirect, 'https://app.example.com');
          const q = new URLSearchParams(from.search);
          for (const [k, v] of new URLSearchParams(from.hash.slice(1))) q.append(k, v);
          for (const [k, v] of q) if (k !== 'state') back.searchParams.append(k, v);
        } else back.searchParams.set('code', 'replay-code');
        back.searchParams.set('state', state);
        res.writeHead(302, { location: back.toString() });
        return void res.end();
      }
      if (at('/token-ok'))
        return ok(res, {
          access_token: 'replay-access-token',
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'system/*.read',
        });
      if (c.response && req.method !== 'OPTIONS') return send(res, c, now);
      res.writeHead(404).end();
    });
  };
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    set: (c, now) => {
      current = { c, now };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Keys for the profiles (one per algorithm family), made once per run. */
export interface ReplayKeys {
  rsa: string;
  ec: string;
}

const SHIFTED = ['exp', 'iat', 'nbf'];

/**
 * The assertion overrides that reproduce what the case shows: the claims and header it lists, with
 * its times moved to the engine's clock (same distance from the case's time) and its URLs moved to
 * the replay server; claims it shows as absent are removed. Nothing when it shows no assertion.
 */
function overridesFor(c: CorpusCase, base: string, now: number) {
  const a = c.assertion;
  if (!a || !Object.keys(a.claims).length) return undefined;
  const t = caseTime(c);
  let origin: string | undefined;
  try {
    origin = c.request?.url ? new URL(c.request.url).origin : undefined;
  } catch {
    origin = undefined;
  }
  const move = (v: unknown) =>
    typeof v === 'string' && origin && v.startsWith(origin)
      ? `${base}${v.slice(origin.length)}`
      : v;
  const claims: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a.claims)) {
    // A jti of the case is not replayed: the engine makes a fresh one, as it would.
    if (k === 'jti') continue;
    claims[k] =
      SHIFTED.includes(k) && typeof v === 'number'
        ? now + (v - t)
        : k === 'aud'
          ? Array.isArray(v)
            ? v.map(move)
            : move(v)
          : v;
  }
  // Claims the case shows as absent are removed (null removes an override's claim).
  for (const k of ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'] as const)
    if (!(k in a.claims)) claims[k] = null;
  const header: Record<string, unknown> = {};
  for (const k of ['kid', 'typ'] as const) if (!(k in a.header)) header[k] = null;
  if (typeof a.header.jku === 'string') header.jku = a.header.jku;
  return { claims, header };
}

/** The profile that stands for what the case shows of the request. */
export function profileFor(c: CorpusCase, base: string, keys: ReplayKeys): ProfileInput {
  const auth = c.auth ?? (c.request ? caseAuth(c) : 'client_secret_basic');
  const alg = String(c.assertion?.header.alg ?? 'RS384');
  const ec = alg.startsWith('ES');
  const reqUrl = c.request?.url;
  const here = (fallback: string) =>
    `${base}${pathOf(c.endpoint === 'authorize' ? undefined : reqUrl, fallback)}`;
  const az = (() => {
    try {
      return reqUrl ? new URL(reqUrl, 'https://as.example.com').searchParams : undefined;
    } catch {
      return undefined;
    }
  })();
  const scope =
    (c.request?.body ? new URLSearchParams(c.request.body).get('scope') : null) ??
    az?.get('scope') ??
    '';
  const grant = caseGrant(c);
  const flow =
    c.endpoint === 'authorize' || grant === 'authorization_code' || grant === 'refresh_token'
      ? 'authorization-code'
      : grant === 'password'
        ? 'password'
        : 'backend-services';
  const preset = presetOfServer(c.server);
  // The server the case's real URL shows (the replay's 127.0.0.1 shows none), as a profile whose
  // issuer is that URL would have it detected.
  const server = detectServer(DIALECTS, [c.request?.url, c.redirect]);
  const pkce =
    c.replayAs?.pkce === 'off'
      ? 'off'
      : c.endpoint === 'authorize' && az
        ? az.get('code_challenge') === null
          ? 'off'
          : az.get('code_challenge_method') === 'plain'
            ? 'plain'
            : 'S256'
        : 'S256';
  return {
    name: c.id,
    ...(preset ? { vendor: preset } : {}),
    ...(server ? { server } : {}),
    flow,
    ...(c.endpoint === 'resource' ? { fhirBaseUrl: `${base}/fhir` } : {}),
    tokenEndpoint:
      c.endpoint === 'resource'
        ? `${base}/token-ok`
        : c.endpoint === 'token'
          ? here('/token')
          : `${base}/token`,
    authorizationEndpoint: `${base}/authorize`,
    introspectionEndpoint: here('/introspect'),
    revocationEndpoint: here('/revoke'),
    userinfoEndpoint: here('/userinfo'),
    registrationEndpoint: here('/register'),
    clientId: caseClientId(c) ?? 'replay-client',
    scope,
    pkce,
    ...(grant === 'password' ? { username: 'replay-user', password: 'replay-password' } : {}),
    auth:
      auth === 'private_key_jwt'
        ? {
            method: 'private_key_jwt',
            keyId: ec ? keys.ec : keys.rsa,
            alg: (/^(RS|PS|ES)(256|384|512)$/.test(alg)
              ? alg
              : ec
                ? 'ES384'
                : 'RS384') as SigningAlg,
          }
        : auth === 'client_secret_jwt'
          ? {
              method: 'client_secret_jwt',
              alg: 'HS256',
              clientSecret: 'replay-secret-0123456789abcdef0123456789',
            }
          : auth === 'none'
            ? { method: 'none' }
            : { method: auth, clientSecret: 'replay-secret' },
  };
}

const OTHER_GRANTS = new Set([
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'password',
]);
const AUTH_PARAMS = new Set(['client_assertion', 'client_assertion_type', 'client_secret']);

/**
 * Edits that give the engine's token request the shape the case shows (and only what it shows):
 * a grant the engine does not build (device code, token exchange, JWT bearer) as the case sent it,
 * the parameters the case left out left out, and parameters the case put in the URL query put
 * there. Values are the engine's own: whether a value differed is not visible in a case.
 */
function shapeLike(
  c: CorpusCase,
  url: string,
  params: [string, string][],
  grant: string | undefined,
): { url?: string; params?: [string, string][] } | undefined {
  let query: URLSearchParams | undefined;
  try {
    query = c.request?.url ? new URL(c.request.url).searchParams : undefined;
  } catch {
    query = undefined;
  }
  const body = c.request?.body ? new URLSearchParams(c.request.body) : undefined;
  const shown = (n: string) => !!body?.has(n) || !!query?.has(n);
  if (!body && !query?.size && !(grant && !OTHER_GRANTS.has(grant))) return undefined;
  const kept = params
    .filter(([n]) => !c.request || shown(n) || AUTH_PARAMS.has(n) || n === 'grant_type')
    .map(([n, v]): [string, string] => [
      n,
      n === 'grant_type' && grant && !OTHER_GRANTS.has(grant) ? grant : v,
    ]);
  const inQuery = kept.filter(([n]) => query?.has(n) && !body?.has(n));
  if (!inQuery.length) return { params: kept };
  const u = new URL(url);
  for (const [n, v] of inQuery) u.searchParams.set(n, v);
  return { url: u.toString(), params: kept.filter((x) => !inQuery.includes(x)) };
}

/**
 * The code exchange's parameters as the customer sent them (`replayAs`): a value the case shows is
 * used when it differs from the engine's; otherwise another value of the same kind (the redirect
 * URI with its trailing slash toggled, the most common slip; a fresh verifier).
 */
function customerParams(c: CorpusCase, params: [string, string][]): [string, string][] {
  const shown = (() => {
    try {
      return new URLSearchParams(c.request?.body ?? '');
    } catch {
      return new URLSearchParams();
    }
  })();
  const other = (name: 'redirect_uri' | 'code_verifier', own: string) => {
    const v = shown.get(name);
    if (v && !v.includes('…') && v !== own) return v;
    if (name === 'redirect_uri') return own.endsWith('/') ? own.slice(0, -1) : `${own}/`;
    return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  };
  const differs = new Set(c.replayAs?.differs ?? []);
  const omits = new Set<string>(c.replayAs?.omits ?? []);
  const out = params
    .filter(([n]) => !omits.has(n))
    .map(([n, v]): [string, string] =>
      differs.has(n as 'redirect_uri') ? [n, other(n as 'redirect_uri', v)] : [n, v],
    );
  for (const n of differs) if (!out.some(([k]) => k === n)) out.push([n, other(n, '')]);
  return out;
}

/** The browser: opens the authorize URL, follows the redirect back to the app (if any). */
async function browse(url: string): Promise<void> {
  const first = await fetch(url, { redirect: 'manual' });
  const location = first.headers.get('location');
  if (location) await fetch(location).catch(() => undefined);
}

/** Runs the case through the engine; the findings of what the engine reports. */
export async function runThroughEngine(
  engine: Engine,
  replay: Replay,
  keys: ReplayKeys,
  c: CorpusCase,
  now: number,
  opts: { advanceClock?: (ms: number) => void } = {},
): Promise<{ findings: Finding[]; note?: string }> {
  replay.set(c, now);
  const must = <T>(
    r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
  ): T => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  };
  const p = must(await engine.saveProfile(profileFor(c, replay.base, keys)));
  try {
    const grant = caseGrant(c);
    const overrides = overridesFor(c, replay.base, now);
    switch (c.endpoint) {
      case 'token': {
        if (grant === 'authorization_code') {
          // The customer's mistake in the code exchange, made the way a user of the app can: the
          // code is held, the draft edited, then sent.
          const edit = c.replayAs?.differs?.length || c.replayAs?.omits?.length;
          const flow = must(
            await engine.startAuthorization({
              profileId: p.id,
              open: false,
              timeoutSec: 5,
              ...(edit ? { autoExchange: false } : {}),
            }),
          );
          if (flow.status === 'waiting') await browse(flow.url);
          const done = await waitForAuthorization(engine, flow.id);
          if (edit && done.status === 'received') {
            const draft = must(
              await engine.prepareTokenRequest({ profileId: p.id, grant: 'authorization_code' }),
            );
            return {
              findings: must(
                await engine.sendTokenRequest({
                  draftId: draft.id,
                  edits: { params: customerParams(c, draft.params) },
                }),
              ).findings,
            };
          }
          return {
            findings: [...(done.token?.findings ?? []), ...(done.token ? [] : done.findings)],
          };
        }
        if (grant === 'refresh_token')
          return {
            findings: must(
              await engine.refreshTokens({ profileId: p.id, refreshToken: 'replay-refresh-token' }),
            ).findings,
          };
        const g: GrantType = grant === 'password' ? 'password' : 'client_credentials';
        const draft = must(
          await engine.prepareTokenRequest({
            profileId: p.id,
            grant: g,
            ...(overrides ? { overrides } : {}),
          }),
        );
        const edits = shapeLike(c, draft.url, draft.params, grant);
        return {
          findings: must(
            await engine.sendTokenRequest({ draftId: draft.id, ...(edits ? { edits } : {}) }),
          ).findings,
        };
      }
      case 'authorize': {
        const flow = must(
          await engine.startAuthorization({ profileId: p.id, open: false, timeoutSec: 3 }),
        );
        if (flow.status !== 'waiting') return { findings: flow.findings };
        // The probe found no refusal: the browser goes, and comes back (or not).
        await browse(flow.url);
        const done = await waitForAuthorization(engine, flow.id);
        return { findings: done.findings };
      }
      case 'introspection':
        return {
          findings: must(
            await engine.introspectToken({
              profileId: p.id,
              which: 'access_token',
              token: 'replay-token',
            }),
          ).findings,
        };
      case 'revocation':
        return {
          findings: must(
            await engine.revokeToken({
              profileId: p.id,
              which: 'access_token',
              token: 'replay-token',
            }),
          ).findings,
        };
      case 'userinfo':
        return {
          findings: must(await engine.callUserinfo({ profileId: p.id, token: 'replay-token' }))
            .findings,
        };
      case 'registration': {
        const draft = must(await engine.prepareRegistration({ profileId: p.id }));
        const body = c.request?.body?.trim().startsWith('{') ? c.request.body : draft.body;
        return {
          findings: must(await engine.sendRegistration({ profileId: p.id, body })).findings,
        };
      }
      case 'resource': {
        const t = must(
          await engine.sendTokenRequest({
            draftId: must(await engine.prepareTokenRequest({ profileId: p.id })).id,
          }),
        );
        if (!t.ok) throw new Error(`the setup token request failed: ${t.findings[0]?.evidence}`);
        // The customer used the token after it expired: the engine's clock moves past it.
        if (c.replayAs?.tokenExpired) opts.advanceClock?.(((t.expiresIn ?? 300) + 60) * 1000);
        const path = (() => {
          try {
            const u = new URL(c.request?.url ?? '', 'https://as.example.com');
            return (
              `${u.pathname.replace(/^\/+/, '')}${u.search}`.replace(/^fhir\//, '') || 'Patient'
            );
          } catch {
            return 'Patient';
          }
        })();
        return { findings: must(await engine.callResource({ profileId: p.id, path })).findings };
      }
      case 'discovery': {
        const d = must(await engine.discover({ issuer: replay.base }));
        return { findings: d.findings, note: 'discovery' };
      }
      default:
        return { findings: [], note: `the engine makes no call to ${c.endpoint}` };
    }
  } finally {
    await engine.deleteProfile(p.id);
  }
}
