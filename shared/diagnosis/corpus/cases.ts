/**
 * The diagnosis corpus (README.md beside this file): the case format, and how a case becomes what
 * a support engineer would paste into the Inspector. Pure; the tests read the JSON files.
 */
import { base64url } from 'jose';
import { z } from 'zod';
import { CAUSE_CODES, type CauseCode, type Finding } from '../codes.js';
import { ENDPOINTS, SERVER_IDS } from '../dialects/types.js';

const header = z.tuple([z.string(), z.string()]);

export const corpusCaseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    /** When the answer was given, where the source shows it (a run of the server, a log line). */
    at: z.string().datetime().optional(),
    server: z.enum(SERVER_IDS),
    version: z.string().optional(),
    endpoint: z.enum(ENDPOINTS),
    grant: z.string().optional(),
    auth: z
      .enum([
        'client_secret_basic',
        'client_secret_post',
        'client_secret_jwt',
        'private_key_jwt',
        'none',
      ])
      .optional(),
    request: z
      .object({
        method: z.string().optional(),
        url: z.string().optional(),
        headers: z.array(header).optional(),
        body: z.string().optional(),
      })
      .optional(),
    assertion: z
      .object({
        header: z.record(z.string(), z.unknown()).default({}),
        claims: z.record(z.string(), z.unknown()).default({}),
      })
      .optional(),
    response: z
      .object({
        status: z.number().int().min(100).max(599),
        statusAssumed: z.boolean().optional(),
        headers: z.array(header).optional(),
        body: z.string(),
      })
      .optional(),
    redirect: z.string().optional(),
    /**
     * What the customer's requests did that the engine's own would not, as the note tells it. The
     * engine replay reproduces it the way a user of the app could (editing the token request
     * draft, a profile without PKCE, a held token left to expire); the Inspector never reads it.
     */
    replayAs: z
      .object({
        /** The token request sent another value than the authorization it redeems. */
        differs: z.array(z.enum(['redirect_uri', 'code_verifier'])).optional(),
        /** The token request left the parameter out. */
        omits: z.array(z.enum(['redirect_uri', 'code_verifier'])).optional(),
        /** The authorize request carried no code_challenge. */
        pkce: z.literal('off').optional(),
        /** The access token was used after it expired. */
        tokenExpired: z.literal(true).optional(),
      })
      .strict()
      .optional(),
    expected: z.enum(CAUSE_CODES),
    states: z.enum(['cause', 'none']),
    source: z.object({
      kind: z.enum(['issue', 'docs', 'source', 'forum']),
      url: z.string().optional(),
      ref: z.string().optional(),
      quote: z.string().optional(),
    }),
    note: z.string(),
  })
  .refine((c) => !!c.response !== !!c.redirect, {
    message: 'A case has either a response (back channel) or a redirect (front channel).',
  });

export type CorpusCase = z.infer<typeof corpusCaseSchema>;

const get = (body: string | undefined, name: string) => {
  try {
    return new URLSearchParams(body ?? '').get(name) ?? undefined;
  } catch {
    return undefined;
  }
};

/** The client authentication a case used: as declared, else as its request shows. */
export function caseAuth(c: CorpusCase): NonNullable<CorpusCase['auth']> {
  if (c.auth) return c.auth;
  const body = c.request?.body;
  const auth = c.request?.headers?.find(([n]) => n.toLowerCase() === 'authorization')?.[1] ?? '';
  if (get(body, 'client_assertion') !== undefined || c.assertion) return 'private_key_jwt';
  if (/^basic\s/i.test(auth)) return 'client_secret_basic';
  if (get(body, 'client_secret') !== undefined) return 'client_secret_post';
  return 'none';
}

/** The grant a token case used: as declared, else from its body. */
export function caseGrant(c: CorpusCase): string | undefined {
  return c.grant ?? get(c.request?.body, 'grant_type');
}

/** The URL when it is absolute (http or https), else undefined. */
function absolute(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** When the case happened, seconds: as recorded, the server's Date, or the assertion's iat. */
export function caseTime(c: CorpusCase): number {
  if (c.at) return Math.floor(Date.parse(c.at) / 1000);
  const date = c.response?.headers?.find(([n]) => n.toLowerCase() === 'date')?.[1];
  const t = date ? Date.parse(date) : NaN;
  if (Number.isFinite(t)) return Math.floor(t / 1000);
  const iat = c.assertion?.claims.iat;
  return typeof iat === 'number' ? iat : CORPUS_EPOCH;
}

/** The time of cases that carry none (2026-01-01T00:00:00Z). */
const CORPUS_EPOCH = 1_767_225_600;

/**
 * The case's assertion as a JWT (unsigned: the signature is not the case's subject). The case
 * lists only the header fields and claims it turns on; the rest are what a correct SMART
 * assertion would carry (RFC 7523 §3), so they neither help nor hinder the diagnosis.
 */
export function assertionJwt(c: CorpusCase): string | undefined {
  if (!c.assertion) return undefined;
  const enc = (o: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(o)));
  const id = caseClientId(c) ?? 'client';
  const t = caseTime(c);
  // Claims the source shows are the claims sent; none shown means the source showed only the
  // header, and the claims are those of a correct assertion.
  const shown = Object.keys(c.assertion.claims).length > 0;
  const claims: Record<string, unknown> = shown
    ? c.assertion.claims
    : {
        iss: id,
        sub: id,
        aud: absolute(c.request?.url)?.split('?')[0] ?? 'https://as.example.com/token',
        iat: t,
        exp: t + 300,
        jti: `corpus-${c.id}`,
      };
  const header = shown
    ? c.assertion.header
    : { alg: 'RS384', typ: 'JWT', kid: 'corpus-key', ...c.assertion.header };
  return `${enc(header)}.${enc(claims)}.c2lnbmF0dXJl`;
}

/** A client id the case shows (body, assertion sub, Basic user), if any. */
export function caseClientId(c: CorpusCase): string | undefined {
  const body = c.request?.body;
  const sub = c.assertion?.claims.sub;
  const auth = c.request?.headers?.find(([n]) => n.toLowerCase() === 'authorization')?.[1] ?? '';
  let basic: string | undefined;
  const m = /^basic\s+(\S+)/i.exec(auth);
  if (m) {
    try {
      const s = atob(m[1]!);
      basic = decodeURIComponent(s.split(':')[0] ?? '');
    } catch {
      basic = undefined;
    }
  }
  const fromUrl = (() => {
    try {
      return new URL(c.request?.url ?? '').searchParams.get('client_id') ?? undefined;
    } catch {
      return undefined;
    }
  })();
  const v =
    get(body, 'client_id') ?? (typeof sub === 'string' ? sub : undefined) ?? basic ?? fromUrl;
  return v && v !== '…' ? v : undefined;
}

/**
 * The token request body a case stands for: its own, with the assertion filled in where the source
 * elided it, or (when the source shows none) one built from the declared grant and auth method.
 */
function caseRequestBody(c: CorpusCase): string | undefined {
  const jwt = assertionJwt(c);
  const body = c.request?.body;
  // A request the source shows without a body had none (its parameters were in the URL).
  if (c.request && !body) return undefined;
  if (body !== undefined && body !== '') {
    if (!jwt) return body;
    const p = new URLSearchParams(body);
    if (p.has('client_assertion') && !/^eyJ/.test(p.get('client_assertion') ?? ''))
      p.set('client_assertion', jwt);
    else if (!p.has('client_assertion')) {
      p.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      p.set('client_assertion', jwt);
    }
    return p.toString();
  }
  // Without the request or the auth method, the source shows nothing of what was sent.
  if (c.endpoint !== 'token' || !c.auth) return undefined;
  const grant = caseGrant(c);
  const auth = caseAuth(c);
  const p = new URLSearchParams();
  if (grant) p.set('grant_type', grant);
  const id = caseClientId(c);
  if (auth === 'client_secret_post') {
    p.set('client_id', id ?? 'client');
    p.set('client_secret', 'the-client-secret');
  } else if (auth === 'none') p.set('client_id', id ?? 'client');
  else if (auth === 'private_key_jwt' || auth === 'client_secret_jwt') {
    p.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    p.set(
      'client_assertion',
      jwt ??
        assertionJwtFor(
          id ?? 'client',
          auth,
          absolute(c.request?.url) ?? 'https://as.example.com/token',
          caseTime(c),
        ),
    );
  }
  if (grant === 'authorization_code') {
    p.set('code', 'the-code');
    p.set('redirect_uri', 'https://app.example.com/callback');
  }
  if (grant === 'refresh_token') p.set('refresh_token', 'the-refresh-token');
  if (grant === 'password') {
    p.set('username', 'user');
    p.set('password', 'the-password');
  }
  return p.toString();
}

/** A correct assertion (RFC 7523 §3, SMART) for a case that shows none. */
function assertionJwtFor(clientId: string, auth: string, aud: string, t: number): string {
  const enc = (o: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(o)));
  const hmac = auth === 'client_secret_jwt';
  const header = {
    alg: hmac ? 'HS256' : 'RS384',
    typ: 'JWT',
    ...(hmac ? {} : { kid: 'corpus-key' }),
  };
  const claims = {
    iss: clientId,
    sub: clientId,
    aud: aud.split('?')[0],
    iat: t,
    exp: t + 300,
    jti: `corpus-${t}`,
  };
  return `${enc(header)}.${enc(claims)}.c2lnbmF0dXJl`;
}

const reason = (s: number) =>
  ({
    200: 'OK',
    302: 'Found',
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    500: 'Internal Server Error',
  })[s] ?? '';

/**
 * What a support engineer would paste for this case: the request as raw HTTP (or the authorize
 * URL), and the answer as raw HTTP (or only the body when the source did not show the status), or
 * the redirect URL.
 */
export function inspectorItems(c: CorpusCase): { text: string; name: string }[] {
  const items: { text: string; name: string }[] = [];
  const url = c.request?.url;
  const method = (
    c.request?.method ??
    (c.endpoint === 'authorize' || c.endpoint === 'userinfo' || c.endpoint === 'resource'
      ? 'GET'
      : 'POST')
  ).toUpperCase();
  const body = caseRequestBody(c);
  if (c.request || body) {
    const abs = absolute(url);
    const headers = [...(c.request?.headers ?? [])];
    if (body && !headers.some(([n]) => n.toLowerCase() === 'content-type'))
      headers.unshift(['Content-Type', 'application/x-www-form-urlencoded']);
    const auth = caseAuth(c);
    if (
      auth === 'client_secret_basic' &&
      !headers.some(([n]) => n.toLowerCase() === 'authorization')
    )
      headers.push([
        'Authorization',
        `Basic ${btoa(`${caseClientId(c) ?? 'client'}:the-client-secret`)}`,
      ]);
    // The absolute form of the request target (RFC 9112 §3.2.2) keeps the scheme the case used.
    const lines = [
      `${method} ${abs ? new URL(abs).toString() : url?.startsWith('/') ? encodeURI(`https://as.example.com${url}`) : 'https://as.example.com/token'} HTTP/1.1`,
      `Host: ${abs ? new URL(abs).host : 'as.example.com'}`,
      ...headers.filter(([n]) => n.toLowerCase() !== 'host').map(([n, v]) => `${n}: ${v}`),
      '',
      body ?? '',
    ];
    items.push({ text: lines.join('\n'), name: 'request' });
  }
  if (c.response) {
    const r = c.response;
    if (r.statusAssumed && r.body.trim()) items.push({ text: r.body, name: 'error body' });
    else
      items.push({
        text: [
          `HTTP/1.1 ${r.status} ${reason(r.status)}`,
          ...(r.headers ?? []).map(([n, v]) => `${n}: ${v}`),
          '',
          r.body,
        ].join('\n'),
        name: 'response',
      });
  }
  if (c.redirect) items.push({ text: c.redirect, name: 'redirect URL' });
  return items;
}

/** Where the expected cause ranks (1 = first), or undefined when it is not among the findings. */
function rankOf(c: CorpusCase, findings: readonly Finding[]): number | undefined {
  const i = findings.filter((f) => f.severity !== 'info').findIndex((f) => f.code === c.expected);
  return i >= 0 ? i + 1 : undefined;
}

/** A case is right when the expected cause is first (states a cause) or in the first three (states none). */
export function isRight(c: CorpusCase, findings: readonly Finding[]): boolean {
  const r = rankOf(c, findings);
  return r !== undefined && (c.states === 'cause' ? r === 1 : r <= 3);
}

export type { CauseCode };
