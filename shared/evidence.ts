/**
 * Reads what a customer sent (a JWT, a token request body, an error body, a raw HTTP message, a
 * curl command or a HAR file) and puts the exchange back together. Pure: no network, no keys.
 * Values here are NOT masked; shared/inspect.ts masks them before anything is shown.
 */
import { parse as parseShell } from 'shell-quote';
import { z } from 'zod';
import { looksLikeJwt } from './jwt-view.js';
import { parseBodyTolerantly } from './tolerant-json.js';
import type { Endpoint } from './diagnosis/dialects/types.js';
import { looksLikeErrorPage } from './diagnosis/statement.js';
import type { EvidenceKind, EvidenceSummary, HarEntrySummary, HeaderList } from './types.js';
import { headerValue } from './headers.js';
import { bundleHar, isCaseBundle, parseCaseBundle } from './case-bundle.js';

export interface RawRequest {
  method: string;
  url?: string;
  headers: HeaderList;
  body?: string;
}

export interface RawResponse {
  status?: number;
  headers: HeaderList;
  body: string;
}

export interface FoundJwt {
  jwt: string;
  /** Where it was found, in words. */
  from: string;
  /** The role its place says it has; undefined = infer from its claims. */
  role?: 'client_assertion' | 'access_token' | 'id_token';
  /**
   * Put back from an export's decoded header and claims (the value was masked): the claims can
   * be checked, the signature cannot.
   */
  masked?: true;
}

/**
 * The authorization-code context around a token request: the authorize request, the redirect
 * back, and earlier token requests (from a HAR, or pasted URLs).
 */
export interface FlowContext {
  /** Query parameters of the authorize request. */
  authorize?: [string, string][];
  /** Query parameters of the redirect back to the app (code, state, iss, error). */
  callback?: [string, string][];
  /** Token requests before the diagnosed one: their parameters and status. */
  earlierTokenRequests: {
    params: [string, string][];
    status: number;
    json?: Record<string, unknown>;
  }[];
}

/** Everything read from the evidence, merged. */
export interface Evidence {
  flow: FlowContext;
  items: EvidenceSummary[];
  request?: RawRequest;
  response?: RawResponse;
  jwts: FoundJwt[];
  /** A JWKS that was among the evidence. */
  jwks?: string;
  harEntries?: HarEntrySummary[];
  harEntry?: number;
  /** startedDateTime of the chosen HAR entry. */
  harTime?: string;
  /** The diagnosed answer is the front channel: the error redirect in flow.callback. */
  front?: boolean;
}

/** One item, read on its own. */
interface Piece {
  kind: EvidenceKind;
  flow?: Partial<FlowContext>;
  summary: string;
  request?: RawRequest;
  response?: RawResponse;
  jwts?: FoundJwt[];
  jwks?: string;
  harEntries?: HarEntrySummary[];
  harEntry?: number;
  harTime?: string;
  front?: boolean;
}

/** Form parameters of a request body: urlencoded, or a JSON object (Aidbox accepts both). */
export function requestParams(req: RawRequest | undefined): [string, string][] {
  const body = req?.body?.trim();
  if (!body) return [];
  if (body.startsWith('{')) {
    const json = parseBodyTolerantly(body).json;
    if (json)
      return Object.entries(json).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v),
      ]);
  }
  return [...new URLSearchParams(body)];
}

/** Words of a server's refusal: plain text without any of them is not OAuth evidence. */
const OAUTH_WORDS =
  /error|invalid|unauthori[sz]ed|denied|forbidden|expired|token|client|scope|grant|redirect|callback|mismatch|secret|assertion|signature|consent|oauth|authori[sz]|authenticat|AADSTS|not found|failed|bad request|refused|not allowed|missing|required|sorry|problem|unable|cannot|can't|not valid/i;

const FORM_BODY = /^[\w.~%+-]+=[^\s&]*(&[\w.~%+-]+=[^\s&]*)*&?$/;
const TOKEN_PARAM = /(^|&)(grant_type|client_assertion|client_id|code|refresh_token)=/;

function isTokenRequestBody(body: string | undefined): boolean {
  const t = body?.trim() ?? '';
  if (FORM_BODY.test(t)) return TOKEN_PARAM.test(t);
  const json = t.startsWith('{') ? parseBodyTolerantly(t).json : undefined;
  return !!json && typeof json.grant_type === 'string';
}

/** JWTs a request carries: the client assertion (body or Authorization: Bearer). */
function requestJwts(req: RawRequest, where: string): FoundJwt[] {
  const out: FoundJwt[] = [];
  for (const [n, v] of requestParams(req))
    if (n === 'client_assertion' && looksLikeJwt(v))
      out.push({ jwt: v.trim(), from: `client_assertion in ${where}`, role: 'client_assertion' });
  const bearer = /^bearer\s+(\S+)$/i.exec(
    headerValue(req.headers, 'authorization')?.trim() ?? '',
  )?.[1];
  if (bearer && looksLikeJwt(bearer))
    out.push({
      jwt: bearer,
      from: `Authorization: Bearer header of ${where}`,
      // A Bearer JWT on a token request is a misplaced client assertion (Oracle Health C1).
      ...(isTokenRequestBody(req.body) ? { role: 'client_assertion' as const } : {}),
    });
  return out;
}

/** JWTs a token response carries. */
function responseJwts(json: Record<string, unknown>, where: string): FoundJwt[] {
  const out: FoundJwt[] = [];
  for (const role of ['access_token', 'id_token'] as const) {
    const v = json[role];
    if (typeof v === 'string' && looksLikeJwt(v))
      out.push({ jwt: v, from: `${role} in ${where}`, role });
  }
  return out;
}

function headerLines(lines: string[]): HeaderList {
  const out: HeaderList = [];
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) out.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  return out;
}

/** Splits a raw HTTP message at its first blank line. */
function splitMessage(text: string): { head: string[]; body: string } {
  const m = /\r?\n\r?\n/.exec(text);
  const head = (m ? text.slice(0, m.index) : text).split(/\r?\n/);
  return { head, body: m ? text.slice(m.index + m[0].length) : '' };
}

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)\s+HTTP\/[\d.]+$/i;
const STATUS_LINE = /^HTTP\/[\d.]+\s+(\d{3})\b/i;

function rawRequest(text: string): RawRequest {
  const { head, body } = splitMessage(text);
  const [, method, target] = REQUEST_LINE.exec(head[0]!.trim())!;
  const headers = headerLines(head.slice(1));
  const host = headerValue(headers, 'host');
  let url: string | undefined;
  if (/^https?:\/\//i.test(target!)) url = target;
  else if (host) url = `https://${host}${target}`;
  return { method: method!.toUpperCase(), ...(url ? { url } : {}), headers, body };
}

function rawResponse(text: string): RawResponse {
  const { head, body } = splitMessage(text);
  return {
    status: Number(STATUS_LINE.exec(head[0]!.trim())![1]),
    headers: headerLines(head.slice(1)),
    body,
  };
}

// --- curl --------------------------------------------------------------------------------------

/** curl options whose argument we skip (they do not change the request's content). */
const CURL_SKIP_ARG = new Set([
  '-o',
  '--output',
  '-A',
  '--user-agent',
  '-e',
  '--referer',
  '-b',
  '--cookie',
  '-c',
  '--cookie-jar',
  '--cacert',
  '--capath',
  '-E',
  '--cert',
  '--key',
  '--cert-type',
  '--key-type',
  '-m',
  '--max-time',
  '--connect-timeout',
  '-w',
  '--write-out',
  '-x',
  '--proxy',
  '--resolve',
  '--retry',
  '-r',
  '--range',
  '--limit-rate',
  '-T',
  '--upload-file',
  '-K',
  '--config',
  '--max-redirs',
  '--interface',
]);

/**
 * Reads a curl command line (bash quoting, as browsers' "Copy as cURL (bash)" writes it) with
 * shell-quote, then curl's own options for method, URL, headers, body and user.
 */
export function parseCurl(command: string): RawRequest & { notes: string[] } {
  const words = parseShell(command.replace(/\\\r?\n/g, ' '), (key) => `$${key}`)
    .map((w) => (typeof w === 'string' ? w : 'op' in w && w.op === 'glob' ? w.pattern : undefined))
    .filter((w): w is string => w !== undefined);
  if (words[0] !== 'curl') throw new Error('It does not start with curl.');
  if (/\^"/.test(command))
    throw new Error(
      'This is "Copy as cURL (cmd)" with Windows quoting; use "Copy as cURL (bash)" instead.',
    );
  const notes: string[] = [];
  const headers: HeaderList = [];
  const data: string[] = [];
  let method: string | undefined;
  let url: string | undefined;
  let get = false;
  for (let i = 1; i < words.length; i++) {
    let w = words[i]!;
    let arg: string | undefined;
    // -XPOST, -H'…' and --data=… forms.
    const long = /^(--[\w-]+)=(.*)$/s.exec(w);
    if (long) [w, arg] = [long[1]!, long[2]!];
    else if (/^-[XHdup][^-]/.test(w) && w.length > 2) [w, arg] = [w.slice(0, 2), w.slice(2)];
    const next = () => arg ?? words[++i] ?? '';
    if (w === '-X' || w === '--request') method = next().toUpperCase();
    else if (w === '-H' || w === '--header') {
      const h = next();
      const c = h.indexOf(':');
      if (c > 0) headers.push([h.slice(0, c).trim(), h.slice(c + 1).trim()]);
    } else if (['-d', '--data', '--data-raw', '--data-binary', '--data-ascii'].includes(w)) {
      const d = next();
      if (d.startsWith('@') && w !== '--data-raw')
        notes.push(`The body was read from a file (${d}) that was not pasted.`);
      else data.push(d);
    } else if (w === '--data-urlencode') {
      const d = next();
      const eq = d.indexOf('=');
      data.push(
        eq > 0 ? `${d.slice(0, eq)}=${encodeURIComponent(d.slice(eq + 1))}` : encodeURIComponent(d),
      );
    } else if (w === '--json') {
      data.push(next());
      headers.push(['Content-Type', 'application/json']);
    } else if (w === '-u' || w === '--user') {
      headers.push(['Authorization', `Basic ${btoa(next())}`]);
    } else if (w === '--url') url = next();
    else if (w === '-G' || w === '--get') get = true;
    else if (w === '-F' || w === '--form') {
      next();
      notes.push('Multipart form fields (-F) are not read; token requests are urlencoded.');
    } else if (CURL_SKIP_ARG.has(w)) next();
    else if (!w.startsWith('-') && !url) url = w;
  }
  const body = data.join('&');
  if (get && body && url) url += (url.includes('?') ? '&' : '?') + body;
  if (body && !get && !headerValue(headers, 'content-type'))
    headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  return {
    method: method ?? (body && !get ? 'POST' : 'GET'),
    ...(url ? { url } : {}),
    headers,
    ...(body && !get ? { body } : {}),
    notes,
  };
}

// --- authorization code context ----------------------------------------------------------------

const queryOf = (url: string): [string, string][] => {
  try {
    const u = new URL(url);
    return [
      ...u.searchParams,
      ...(u.hash.includes('=') ? new URLSearchParams(u.hash.slice(1)) : []),
    ];
  } catch {
    return [];
  }
};
const has = (q: [string, string][], name: string) => q.some(([n]) => n === name);

/** An authorize request URL (response_type and client_id in the query). */
export function isAuthorizeUrl(url: string): boolean {
  const q = queryOf(url);
  return has(q, 'response_type') && has(q, 'client_id');
}

/** A redirect back to the app (code or error, usually with state). */
export function isCallbackUrl(url: string): boolean {
  const q = queryOf(url);
  return !has(q, 'response_type') && (has(q, 'code') || has(q, 'error'));
}

// --- HAR ---------------------------------------------------------------------------------------

const nameValue = z.object({ name: z.string(), value: z.string() });
/** HAR 1.2, only the fields we read; everything else is allowed and ignored. */
const harSchema = z.object({
  log: z.object({
    entries: z.array(
      z.object({
        startedDateTime: z.string().optional(),
        request: z.object({
          method: z.string(),
          url: z.string(),
          headers: z.array(nameValue).default([]),
          postData: z
            .object({
              mimeType: z.string().optional(),
              text: z.string().optional(),
              params: z.array(nameValue).optional(),
            })
            .optional(),
        }),
        /** Ours (shared/har.ts): a browser hop, and a masked assertion's decoded header and claims. */
        // Tolerant: another tool's field of the same name never makes the HAR unreadable.
        _channel: z.string().optional().catch(undefined),
        _assertion: z
          .object({
            header: z.record(z.string(), z.unknown()),
            claims: z.record(z.string(), z.unknown()),
          })
          .optional()
          .catch(undefined),
        response: z.object({
          status: z.number(),
          headers: z.array(nameValue).default([]),
          content: z
            .object({ text: z.string().optional(), encoding: z.string().optional() })
            .optional(),
        }),
      }),
    ),
  }),
});
type HarEntry = z.infer<typeof harSchema>['log']['entries'][number];

function harRequest(e: HarEntry): RawRequest {
  const pd = e.request.postData;
  const body =
    pd?.text ??
    (pd?.params ? new URLSearchParams(pd.params.map((p) => [p.name, p.value])).toString() : '');
  return {
    method: e.request.method.toUpperCase(),
    url: e.request.url,
    // HTTP/2 pseudo-headers (:authority…) are not request headers.
    headers: e.request.headers.filter((h) => !h.name.startsWith(':')).map((h) => [h.name, h.value]),
    ...(body ? { body } : {}),
  };
}

function harResponse(e: HarEntry): RawResponse {
  const c = e.response.content;
  let body = c?.text ?? '';
  if (c?.encoding === 'base64') {
    try {
      body = new TextDecoder().decode(Uint8Array.from(atob(body), (ch) => ch.charCodeAt(0)));
    } catch {
      // Left as it is: the text is shown, and the diagnosis says it is not JSON.
    }
  }
  return {
    status: e.response.status,
    headers: e.response.headers
      .filter((h) => !h.name.startsWith(':'))
      .map((h) => [h.name, h.value]),
    body,
  };
}

/** The error redirect an entry carries: a request to the redirect URI, or a Location to it. */
function errorRedirectOf(e: HarEntry): [string, string][] | undefined {
  const location = e.response.headers.find((h) => h.name.toLowerCase() === 'location')?.value;
  for (const url of [e.request.url, ...(location ? [location] : [])]) {
    let u: URL;
    try {
      u = new URL(url, e.request.url);
    } catch {
      continue;
    }
    const q = queryOf(u.toString());
    if (has(q, 'error') && !has(q, 'response_type')) return q;
  }
  return undefined;
}

/**
 * What a request is, from its parameters and URL: a token request (grant_type), the authorize
 * request or the redirect back, introspection, revocation, registration, userinfo, logout, or a
 * resource call (a Bearer token). RFC 6749 §3, RFC 7662, RFC 7009, RFC 7591, OIDC Core §5.3.
 */
export function endpointOf(req: RawRequest | undefined): Endpoint | 'other' {
  if (!req) return 'other';
  const params = requestParams(req);
  if (params.some(([n]) => n === 'grant_type')) return 'token';
  const url = req.url ?? '';
  // A token request with its parameters in the URL (a GET, or a POST without a body).
  if (/[?&]grant_type=/.test(url)) return 'token';
  let path: string;
  try {
    path = new URL(url).pathname.toLowerCase();
  } catch {
    path = url.toLowerCase();
  }
  if (url && (isAuthorizeUrl(url) || isCallbackUrl(url))) return 'authorize';
  if (/introspect/.test(path)) return 'introspection';
  if (/revo(ke|cation)/.test(path)) return 'revocation';
  if (/userinfo|\/me$/.test(path)) return 'userinfo';
  if (/regist|\/connect\/register|\/clients?$/.test(path) && req.method !== 'GET')
    return 'registration';
  if (/logout|end_?session|signout/.test(path)) return 'end_session';
  if (/\.well-known\//.test(path)) return 'discovery';
  if (/\/(authori[sz]e|auth)$/.test(path)) return 'authorize';
  if (/\/token$/.test(path) && req.method === 'POST') return 'token';
  if (/^bearer\s/i.test(headerValue(req.headers, 'authorization') ?? '')) return 'resource';
  if (/\/fhir\/|\/r4\/|\/api\//i.test(path)) return 'resource';
  return 'other';
}

/** How much an entry matters when several failed: the OAuth exchanges first. */
const KIND_RANK: Record<Endpoint | 'other', number> = {
  token: 7,
  authorize: 6,
  registration: 5,
  introspection: 4,
  revocation: 4,
  userinfo: 3,
  resource: 2,
  end_session: 1,
  discovery: 1,
  other: 0,
};

/**
 * The entry worth diagnosing: the last failed exchange of the most telling kind (a token request,
 * the authorize request or its error redirect, registration, introspection, userinfo, a resource
 * call), else the last token request, else the last entry.
 */
function pickHarEntry(
  entries: HarEntry[],
  kinds: (Endpoint | 'other')[],
  failed: boolean[],
): number {
  let best = -1;
  for (let i = 0; i < entries.length; i++)
    if (failed[i] && (best < 0 || KIND_RANK[kinds[i]!] >= KIND_RANK[kinds[best]!])) best = i;
  if (best >= 0) return best;
  for (let i = entries.length - 1; i >= 0; i--) if (kinds[i] === 'token') return i;
  return entries.length - 1;
}

const b64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/**
 * The client assertion of an entry whose value is masked ({{client_assertion;len=…}}) but whose
 * decoded header and claims our export kept: an unsigned stand-in marked `masked`, so its claims
 * are linted and its signature is reported as not checkable.
 */
function maskedAssertion(e: HarEntry, req: RawRequest, where: string): FoundJwt[] {
  const value = requestParams(req).find(([n]) => n === 'client_assertion')?.[1];
  if (!e._assertion || value === undefined || looksLikeJwt(value)) return [];
  return [
    {
      jwt: `${b64url(JSON.stringify(e._assertion.header))}.${b64url(JSON.stringify(e._assertion.claims))}.`,
      from: `client_assertion in ${where} (masked in the export: decoded header and claims only)`,
      role: 'client_assertion',
      masked: true,
    },
  ];
}

function readHar(json: unknown, chosen: number | undefined): Piece {
  const r = harSchema.safeParse(json);
  if (!r.success)
    throw new Error(
      `It looks like a HAR file, but ${r.error.issues[0]?.path.join('.') || 'its structure'} is not as HAR 1.2 has it.`,
    );
  const entries = r.data.log.entries;
  if (!entries.length) throw new Error('The HAR file has no requests (log.entries is empty).');
  const tokenish = entries.map(
    (e) => e.request.method.toUpperCase() === 'POST' && isTokenRequestBody(harRequest(e).body),
  );
  const redirects = entries.map(errorRedirectOf);
  const kinds = entries.map((e, i) =>
    tokenish[i]
      ? ('token' as const)
      : redirects[i]
        ? ('authorize' as const)
        : endpointOf(harRequest(e)),
  );
  // A failed sign-in: an error redirect, or the authorization server's error page.
  const failed = entries.map(
    (e, i) =>
      !!redirects[i] ||
      (kinds[i] === 'authorize' &&
        e.response.status === 200 &&
        looksLikeErrorPage(harResponse(e).body)) ||
      // A browser hop our export wrote without an answer (the app does not see it) did not fail.
      (e.response.status === 0 && e._channel !== 'front') ||
      (e.response.status >= 400 &&
        (kinds[i] !== 'other' || e.response.status >= 500 || e.request.method !== 'GET')),
  );
  if (chosen !== undefined && (chosen < 0 || chosen >= entries.length))
    throw new Error(`The HAR file has entries 0 to ${entries.length - 1}; ${chosen} is not one.`);
  const index = chosen ?? pickHarEntry(entries, kinds, failed);
  const e = entries[index]!;
  // What came before it: the authorize request, the redirect back (a request URL, or the
  // Location of a redirect response), and earlier token requests.
  const flow: FlowContext = { earlierTokenRequests: [] };
  for (let i = 0; i < index; i++) {
    const x = entries[i]!;
    const location = x.response.headers.find((h) => h.name.toLowerCase() === 'location')?.value;
    for (const url of [x.request.url, ...(location ? [location] : [])]) {
      if (isAuthorizeUrl(url)) flow.authorize = queryOf(url);
      else if (isCallbackUrl(url)) flow.callback = queryOf(url);
    }
    if (tokenish[i]) {
      const json = parseBodyTolerantly(harResponse(x).body).json;
      flow.earlierTokenRequests.push({
        params: requestParams(harRequest(x)),
        status: x.response.status,
        ...(json ? { json } : {}),
      });
    }
  }
  const request = harRequest(e);
  const response = harResponse(e);
  const json2 = parseBodyTolerantly(response.body).json;
  const front = redirects[index];
  if (front) flow.callback = front;
  return {
    kind: 'har',
    summary: `HAR with ${entries.length} request${entries.length === 1 ? '' : 's'}; diagnosing #${index}: ${request.method} ${e.request.url} → ${front ? `an error redirect (error=${front.find(([n]) => n === 'error')?.[1] ?? ''})` : response.status}.`,
    request,
    ...(front ? { front: true } : { response }),
    jwts: [
      ...requestJwts(request, `HAR entry #${index}`),
      ...maskedAssertion(e, request, `HAR entry #${index}`),
      ...(json2 ? responseJwts(json2, `HAR entry #${index}`) : []),
    ],
    harEntries: entries.map((x, i) => ({
      index: i,
      method: x.request.method.toUpperCase(),
      url: x.request.url,
      status: x.response.status,
      tokenRequest: tokenish[i]!,
      kind: kinds[i]!,
      failed: failed[i]!,
    })),
    harEntry: index,
    ...(e.startedDateTime ? { harTime: e.startedDateTime } : {}),
    flow,
  };
}

/** A case bundle (shared/case-bundle.ts): its run read as our HAR of it. */
function readBundle(json: unknown, chosen: number | undefined): Piece {
  const bundle = parseCaseBundle(json);
  if (!bundle.exchanges.length) throw new Error('The case bundle has no exchanges.');
  const piece = readHar(bundleHar(bundle), chosen);
  return {
    ...piece,
    summary: `Case bundle of run "${bundle.run.flow}"${bundle.run.profileName ? ` (${bundle.run.profileName})` : ''} from ${bundle.app.name} ${bundle.app.version} on ${bundle.os}, ${bundle.createdAt}${bundle.clockOffsetSec !== null ? `, server clock ${bundle.clockOffsetSec >= 0 ? '+' : ''}${bundle.clockOffsetSec} s from the local one` : ''}: ${piece.summary.replace(/^HAR with/, 'with')}`,
  };
}

// --- one item ----------------------------------------------------------------------------------

/** Reads one item. Throws an Error whose message says what could not be read. */
export function readEvidenceItem(text: string, name: string, harEntry?: number): Piece {
  const t = text.trim();
  if (!t) throw new Error('It is empty.');
  if (looksLikeJwt(t)) return { kind: 'jwt', summary: 'A JWT.', jwts: [{ jwt: t, from: name }] };
  if (/^eyJ[\w-]*(\.[\w-]*)*$/.test(t)) {
    const n = t.split('.').length;
    throw new Error(
      n === 5
        ? 'It is an encrypted JWT (JWE, 5 segments); only signed JWTs can be read. Paste the signed JWT, or decrypt it first.'
        : `It starts like a JWT but has ${n} dot-separated segment${n === 1 ? '' : 's'}, not 3: copy the whole token (header.claims.signature).`,
    );
  }
  if (/^curl\s/.test(t)) {
    const req = parseCurl(t);
    return {
      kind: 'curl',
      summary: `curl: ${req.method} ${req.url ?? '(no URL)'}${req.notes.length ? `. ${req.notes.join(' ')}` : ''}`,
      request: req,
      jwts: requestJwts(req, 'the curl command'),
      ...(req.url && isAuthorizeUrl(req.url) ? { flow: { authorize: queryOf(req.url) } } : {}),
    };
  }
  if (/^https?:\/\/\S+$/.test(t) && (isAuthorizeUrl(t) || isCallbackUrl(t))) {
    const authorize = isAuthorizeUrl(t);
    return {
      kind: authorize ? 'authorize-url' : 'redirect-url',
      summary: authorize
        ? `Authorize request to ${t.split('?')[0]}.`
        : `Redirect back to the app${has(queryOf(t), 'error') ? ' with an error' : ' with a code'}.`,
      flow: authorize ? { authorize: queryOf(t) } : { callback: queryOf(t) },
      ...(!authorize && has(queryOf(t), 'error') ? { front: true } : {}),
    };
  }
  const firstLine = t.split(/\r?\n/, 1)[0]!.trim();
  if (REQUEST_LINE.test(firstLine)) {
    const req = rawRequest(t);
    return {
      kind: 'http-request',
      summary: `HTTP request: ${req.method} ${req.url ?? '(no Host header)'}`,
      request: req,
      jwts: requestJwts(req, 'the HTTP request'),
      ...(req.url && isAuthorizeUrl(req.url) ? { flow: { authorize: queryOf(req.url) } } : {}),
    };
  }
  if (STATUS_LINE.test(firstLine)) {
    const res = rawResponse(t);
    const json = parseBodyTolerantly(res.body).json;
    return {
      kind: 'http-response',
      summary: `HTTP response: ${res.status}${typeof json?.error === 'string' ? ` ${json.error}` : ''}`,
      response: res,
      jwts: json ? responseJwts(json, 'the HTTP response') : [],
    };
  }
  if (FORM_BODY.test(t) && TOKEN_PARAM.test(t)) {
    const req: RawRequest = {
      method: 'POST',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: t,
    };
    const grant = new URLSearchParams(t).get('grant_type');
    return {
      kind: 'token-request-body',
      summary: `Token request body${grant ? ` (grant_type=${grant})` : ''}.`,
      request: req,
      jwts: requestJwts(req, 'the request body'),
    };
  }
  const parsed = parseBodyTolerantly(t);
  const json = parsed.json;
  if (json && parsed.kind === 'json') {
    if (json.log && typeof json.log === 'object') return readHar(json, harEntry);
    if (isCaseBundle(json)) return readBundle(json, harEntry);
    if (Array.isArray(json.keys))
      return { kind: 'jwks', summary: `A JWKS with ${json.keys.length} key(s).`, jwks: t };
    if (typeof json.grant_type === 'string') {
      const req: RawRequest = {
        method: 'POST',
        headers: [['Content-Type', 'application/json']],
        body: t,
      };
      return {
        kind: 'token-request-body',
        summary: `Token request body as JSON (grant_type=${json.grant_type}).`,
        request: req,
        jwts: requestJwts(req, 'the request body'),
      };
    }
    if (typeof json.access_token === 'string')
      return {
        kind: 'token-response',
        summary: 'A token response.',
        response: { headers: [], body: t },
        jwts: responseJwts(json, 'the token response'),
      };
  }
  if (parsed.kind === 'text' && !OAUTH_WORDS.test(t))
    throw new Error(
      `It is not OAuth evidence ("${t.length > 60 ? `${t.slice(0, 57)}…` : t}"). Accepted: a JWT, a token request body, a server's error body or error page, a raw HTTP request or response, a curl command, an authorize or redirect URL, a JWKS, or a HAR file.`,
    );
  const what =
    parsed.kind === 'json-with-prefix'
      ? 'Text followed by JSON (a notice before the answer).'
      : parsed.kind === 'html'
        ? 'An HTML page.'
        : json && typeof json.error === 'string'
          ? `An error body: ${json.error}.`
          : json?.resourceType === 'OperationOutcome'
            ? 'A FHIR OperationOutcome.'
            : json
              ? 'A JSON body.'
              : 'Plain text, read as a response body.';
  return {
    kind: json || parsed.kind === 'html' ? 'error-body' : 'text',
    summary: what,
    response: { headers: [], body: t },
  };
}

/** Merges two partial messages: the first one's values win, the second fills what is missing. */
function mergeRequest(
  a: RawRequest | undefined,
  b: RawRequest | undefined,
): RawRequest | undefined {
  if (!a || !b) return a ?? b;
  const headers: HeaderList = [...a.headers];
  for (const h of b.headers) if (!headerValue(headers, h[0])) headers.push(h);
  const body = a.body || b.body;
  const url = a.url ?? b.url;
  return { method: a.method, ...(url ? { url } : {}), headers, ...(body ? { body } : {}) };
}

function mergeResponse(
  a: RawResponse | undefined,
  b: RawResponse | undefined,
): RawResponse | undefined {
  if (!a || !b) return a ?? b;
  const headers: HeaderList = [...a.headers];
  for (const h of b.headers) if (!headerValue(headers, h[0])) headers.push(h);
  const status = a.status ?? b.status;
  return { ...(status !== undefined ? { status } : {}), headers, body: a.body || b.body };
}

/**
 * Reads every item and merges them into one exchange. Items that cannot be read are listed with
 * the reason (kind 'text'); nothing given is dropped silently.
 */
export function readEvidence(
  items: { text: string; name?: string }[],
  harEntry?: number,
): Evidence {
  const out: Evidence = { items: [], jwts: [], flow: { earlierTokenRequests: [] } };
  items.forEach((item, i) => {
    const name = item.name?.trim() || `item ${i + 1}`;
    let piece: Piece;
    try {
      piece = readEvidenceItem(item.text, name, harEntry);
    } catch (e) {
      out.items.push({ name, kind: 'text', summary: `Not read: ${(e as Error).message}` });
      return;
    }
    out.items.push({ name, kind: piece.kind, summary: piece.summary });
    const req = mergeRequest(out.request, piece.request);
    if (req) out.request = req;
    const res = mergeResponse(out.response, piece.response);
    if (res) out.response = res;
    for (const j of piece.jwts ?? [])
      if (!out.jwts.some((x) => x.jwt === j.jwt)) out.jwts.push(j);
      else if (j.role) {
        // The same token found where its role is known (e.g. in the request body) names it.
        const known = out.jwts.find((x) => x.jwt === j.jwt)!;
        known.role ??= j.role;
      }
    if (piece.jwks && !out.jwks) out.jwks = piece.jwks;
    if (piece.flow?.authorize) out.flow.authorize = piece.flow.authorize;
    if (piece.flow?.callback) out.flow.callback = piece.flow.callback;
    if (piece.flow?.earlierTokenRequests)
      out.flow.earlierTokenRequests.push(...piece.flow.earlierTokenRequests);
    if (piece.front) out.front = true;
    if (piece.harEntries) {
      out.harEntries = piece.harEntries;
      out.harEntry = piece.harEntry!;
      if (piece.harTime) out.harTime = piece.harTime;
    }
  });
  return out;
}
