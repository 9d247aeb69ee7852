/**
 * Run diff (issue 12 §2): what changed between two runs, each given as a run of this session (as
 * its case bundle), an exported HAR or a case bundle. Pure (Web Crypto for the hashes).
 *
 * Each side is cut into comparable fields: per exchange (paired by step, or method and path for a
 * browser's HAR, in order of occurrence: "Token request #1"), the status, the request's query and
 * body parameters and headers, the answer's error and error_description, the client assertion's
 * header and claims, the token claims, and the discovery document's fields.
 *
 * Decisions:
 * - Volatile values are compared by their kind, not their value: jti, state, nonce,
 *   code_challenge and request ids by presence; iat by presence; exp and nbf as their distance
 *   from iat (the lifetime: "exp - iat = 300 s"); dates by presence. So two good runs a minute
 *   apart show no difference, and a lifetime that changed from 5 to 60 minutes does. A loopback
 *   redirect URI is compared without its port (a new one at every run, RFC 8252 §7.3).
 * - Secrets are compared by their mark (length + 8 hex of SHA-256) and shown only as the marker
 *   {{name;len=N;sha256=x}}. A secret that is new at every run (code, verifier, assertion,
 *   tokens, device code) differs by value every time, so only a change of its length is reported;
 *   a standing secret (client secret, Basic credentials, password) is reported when its hash differs.
 */
import { bundleFileName, isCaseBundle, parseCaseBundle, type BundleToken } from './case-bundle.js';
import { exchangesFromHar, revealExchange } from './har.js';
import { decodeForDisplay, looksLikeJwt } from './jwt-view.js';
import { findMarkers, secretMarker } from './redact.js';
import { parseBodyTolerantly } from './tolerant-json.js';
import type { HttpExchange, RunDiff, RunDifference } from './types.js';

/** One side, normalised: its name, exchanges (masked or not) and the tokens decoded for it. */
export interface DiffInput {
  name: string;
  exchanges: HttpExchange[];
  tokens?: BundleToken[];
}

/** Reads an exported HAR or case bundle as a side. Throws an Error saying what it is not. */
export function readDiffSide(text: string, name = 'input'): DiffInput {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not JSON: give a HAR file or a case bundle.`);
  }
  if (isCaseBundle(json)) {
    const b = parseCaseBundle(json);
    return {
      name: name === 'input' ? bundleFileName(b) : name,
      exchanges: b.exchanges as HttpExchange[],
      tokens: b.tokens,
    };
  }
  if ((json as { log?: unknown } | null)?.log) {
    const exchanges = exchangesFromHar(json);
    // The decoded claims of masked JWTs, written by our export as _assertion and _tokens.
    type Loose = { _assertion?: unknown; _tokens?: Record<string, unknown> };
    const entries = (json as { log: { entries?: Loose[] } }).log.entries ?? [];
    const tokens = entries.flatMap((e, i): BundleToken[] => {
      const found: [BundleToken['kind'], unknown][] = [
        ['client_assertion', e?._assertion],
        ['access_token', e?._tokens?.access_token],
        ['id_token', e?._tokens?.id_token],
      ];
      return found.flatMap(([kind, v]) => {
        const d = v as BundleToken | undefined;
        return d && typeof d.header === 'object' && typeof d.claims === 'object'
          ? [{ exchangeId: exchanges[i]!.id, kind, header: d.header, claims: d.claims }]
          : [];
      });
    });
    return { name, exchanges, tokens };
  }
  throw new Error(`${name} is neither a HAR file nor a case bundle.`);
}

/** Secrets new at every run: compared by length only. */
const PER_RUN = new Set([
  'code',
  'code_verifier',
  'client_assertion',
  'access_token',
  'refresh_token',
  'id_token',
  'device_code',
  'assertion',
  'subject_token',
  'token',
  'registration_access_token',
]);
/** Secrets that stand from run to run: compared by hash. */
const STANDING = new Set(['client_secret', 'password', 'credentials', 'redacted']);
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);
/** Compared by presence only. */
const PRESENCE = new Set([
  'jti',
  'state',
  'nonce',
  'code_challenge',
  'iat',
  'auth_time',
  'at_hash',
  'c_hash',
  'sid',
  'session_state',
  'date',
  'expires',
  'last-modified',
  'etag',
  'x-request-id',
  'request-id',
  'x-correlation-id',
  'traceparent',
  'x-amzn-requestid',
]);
/** Headers that follow from other fields (the body's length) or the transport. */
const SKIP_HEADERS = new Set(['content-length', 'connection', 'keep-alive', 'transfer-encoding']);

async function sha8(value: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return [...new Uint8Array(d)]
    .slice(0, 4)
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/** A value as it may be shown: a marker for a secret (made here when the value is in the clear). */
async function secretValue(name: string, value: string): Promise<string> {
  const m = findMarkers(value).find((x) => x.sha256);
  if (m) return `{{${m.name};len=${m.length};sha256=${m.sha256}}}`;
  if (/^\{\{[\w;=]+\}\}$/.test(value.trim()) || /\{\{redacted\}\}/.test(value)) return value;
  return secretMarker(`{{${name}}}`, { length: value.length, sha256: await sha8(value) });
}

type Fields = Map<string, { value: string; secret?: 'per-run' | 'standing' }>;

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Claims (or a JOSE header) as fields, volatile ones by their kind. */
function claimFields(out: Fields, prefix: string, claims: Record<string, unknown>) {
  const iat = typeof claims.iat === 'number' ? claims.iat : undefined;
  for (const [k, v] of Object.entries(claims)) {
    let value = show(v);
    if ((k === 'exp' || k === 'nbf') && typeof v === 'number')
      value = iat !== undefined ? `${k} - iat = ${v - iat} s` : 'present';
    else if (PRESENCE.has(k)) value = 'present';
    out.set(`${prefix}.${k}`, { value });
  }
}

function paramsOf(ex: HttpExchange): [string, string][] {
  const body = ex.request.body?.trim();
  if (!body) return [];
  if (body.startsWith('{')) {
    const json = parseBodyTolerantly(body).json;
    return json ? Object.entries(json).map(([k, v]) => [k, show(v)]) : [];
  }
  return [...new URLSearchParams(body)];
}

function urlOf(url: string): { base: string; query: [string, string][] } {
  try {
    const u = new URL(url);
    return {
      base: `${u.origin}${u.pathname}`,
      query: [
        ...u.searchParams,
        ...(u.hash.includes('=') ? new URLSearchParams(u.hash.slice(1)) : []),
      ],
    };
  } catch {
    return { base: url, query: [] };
  }
}

const decoded = (v: string) => {
  if (!looksLikeJwt(v)) return undefined;
  try {
    return decodeForDisplay(v);
  } catch {
    return undefined;
  }
};

async function addParam(out: Fields, key: string, name: string, value: string) {
  if (PER_RUN.has(name) || STANDING.has(name))
    out.set(key, {
      value: await secretValue(name, value),
      secret: PER_RUN.has(name) ? 'per-run' : 'standing',
    });
  else
    out.set(key, {
      value: PRESENCE.has(name) ? 'present' : name === 'redirect_uri' ? anyPort(value) : value,
    });
}

/** A loopback redirect URI's port is new at every run (RFC 8252 §7.3): compared without it. */
const anyPort = (url: string) =>
  url.replace(/^(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])):\d+/i, '$1:<port>');

/** The fields of one exchange. */
async function exchangeFields(ex0: HttpExchange, tokens: BundleToken[]): Promise<Fields> {
  // Placeholders of a recorded exchange become markers: the mark is what is compared.
  const shown = revealExchange(ex0, { redacted: true });
  const ex = {
    ...ex0,
    request: shown.request,
    ...(shown.response ? { response: shown.response } : {}),
  };
  const out: Fields = new Map();
  const { base, query } = urlOf(ex.request.url);
  out.set('request.method', { value: ex.request.method });
  // The redirect back to the app lands on the loopback listener's port of that run.
  out.set('request.url', { value: ex.channel === 'front' ? anyPort(base) : base });
  for (const [n, v] of query) await addParam(out, `request.query.${n}`, n, v);
  const params = paramsOf(ex);
  for (const [n, v] of params) await addParam(out, `request.param.${n}`, n, v);
  for (const [n0, v] of ex.request.headers) {
    const n = n0.toLowerCase();
    if (SKIP_HEADERS.has(n)) continue;
    if (SECRET_HEADERS.has(n)) {
      const scheme = /^(\w+)\s/.exec(v)?.[1];
      const cred = scheme ? v.slice(scheme.length).trim() : v;
      out.set(`request.header.${n}`, {
        value: `${scheme ? `${scheme} ` : ''}${await secretValue('credentials', cred)}`,
        secret: /^bearer$/i.test(scheme ?? '') ? 'per-run' : 'standing',
      });
    } else out.set(`request.header.${n}`, { value: PRESENCE.has(n) ? 'present' : v });
  }

  // The client assertion: decoded when its value is there (or its claims are in the bundle).
  const assertion = params.find(([n]) => n === 'client_assertion')?.[1];
  const fromBundle = (kind: BundleToken['kind']) =>
    tokens.find((t) => t.exchangeId === ex.id && t.kind === kind);
  const a = (assertion && decoded(assertion)) ?? fromBundle('client_assertion');
  if (a) {
    claimFields(out, 'assertion.header', a.header);
    claimFields(out, 'assertion.claims', a.claims);
    // The claims say what changed; the value itself differs at every run.
    out.delete('request.param.client_assertion');
  }

  if (!ex.response) {
    out.set('response.status', { value: `no answer${ex.error ? ` (${ex.error.code})` : ''}` });
  } else {
    out.set('response.status', { value: String(ex.response.status) });
    const www = ex.response.headers.find(([n]) => n.toLowerCase() === 'www-authenticate')?.[1];
    if (www) out.set('response.header.www-authenticate', { value: www });
    const json = parseBodyTolerantly(ex.response.body).json;
    if (json) {
      for (const f of [
        'error',
        'error_description',
        'error_uri',
        'token_type',
        'scope',
        'expires_in',
      ])
        if (json[f] !== undefined) out.set(`response.${f}`, { value: show(json[f]) });
      for (const kind of ['access_token', 'id_token', 'refresh_token'] as const) {
        const v = json[kind];
        if (typeof v !== 'string') continue;
        await addParam(out, `response.${kind}`, kind, v);
        const t = decoded(v) ?? (kind !== 'refresh_token' ? fromBundle(kind) : undefined);
        if (t) {
          claimFields(out, `${kind}.header`, t.header);
          claimFields(out, `${kind}.claims`, t.claims);
        }
      }
      if (/\.well-known\//.test(ex.request.url))
        for (const [k, v] of Object.entries(json)) out.set(`discovery.${k}`, { value: show(v) });
    }
  }
  // The redirect back to the app: its error (front channel).
  if (ex.channel === 'front') {
    for (const f of ['error', 'error_description'])
      if (query.some(([n]) => n === f))
        out.set(`response.${f}`, { value: query.find(([n]) => n === f)![1] });
  }
  return out;
}

/** Where an exchange stands: its step, or method and path (a browser's HAR has no steps). */
function keyOf(ex: HttpExchange): string {
  if (ex.step) return ex.step;
  return `${ex.request.method} ${urlOf(ex.request.url).base}`;
}

function numbered(exchanges: HttpExchange[]): Map<string, HttpExchange> {
  const seen = new Map<string, number>();
  const out = new Map<string, HttpExchange>();
  for (const ex of exchanges) {
    const k = keyOf(ex);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    out.set(`${k} #${n}`, ex);
  }
  return out;
}

function differs(
  a: { value: string; secret?: 'per-run' | 'standing' } | undefined,
  b: { value: string; secret?: 'per-run' | 'standing' } | undefined,
): boolean {
  if (!a || !b) return a !== b;
  if (a.secret === 'per-run' && b.secret === 'per-run') {
    const la = findMarkers(a.value)[0]?.length;
    const lb = findMarkers(b.value)[0]?.length;
    return la !== lb;
  }
  return a.value !== b.value;
}

/** What changed from a to b. */
export async function diffSides(a: DiffInput, b: DiffInput): Promise<RunDiff> {
  const na = numbered(a.exchanges);
  const nb = numbered(b.exchanges);
  const differences: RunDifference[] = [];
  const order = [...na.keys(), ...[...nb.keys()].filter((k) => !na.has(k))];
  for (const where of order) {
    const xa = na.get(where);
    const xb = nb.get(where);
    if (!xa || !xb) {
      const x = (xa ?? xb)!;
      const what = `${x.request.method} ${urlOf(x.request.url).base} -> ${x.response?.status ?? 'no answer'}`;
      differences.push({ where, field: 'exchange', ...(xa ? { a: what } : { b: what }) });
      continue;
    }
    const fa = await exchangeFields(xa, a.tokens ?? []);
    const fb = await exchangeFields(xb, b.tokens ?? []);
    for (const field of [...fa.keys(), ...[...fb.keys()].filter((k) => !fa.has(k))]) {
      const va = fa.get(field);
      const vb = fb.get(field);
      if (!differs(va, vb)) continue;
      differences.push({
        where,
        field,
        ...(va ? { a: va.value } : {}),
        ...(vb ? { b: vb.value } : {}),
      });
    }
  }
  return { a: a.name, b: b.name, differences };
}

/** The diff as text a person reads: one block per exchange, "field: a -> b". */
export function diffText(d: RunDiff): string {
  if (!d.differences.length) return `No differences between ${d.a} and ${d.b}.`;
  const lines = [`Differences between ${d.a} (a) and ${d.b} (b): ${d.differences.length}`];
  let where = '';
  for (const x of d.differences) {
    if (x.where !== where) {
      where = x.where;
      lines.push('', where);
    }
    lines.push(`  ${x.field}: ${x.a ?? '(absent)'} -> ${x.b ?? '(absent)'}`);
  }
  return lines.join('\n');
}
