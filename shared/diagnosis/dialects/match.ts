import type { ServerStatement } from '../statement.js';
import type { ClientAuthMethod, Dialect, DialectRow, Endpoint, ServerId } from './types.js';

/** A dialect row that matched an answer. */
export interface DialectHit {
  dialect: Dialect;
  row: DialectRow;
  /** The row belongs to the server the profile names or the URL shows. */
  known: boolean;
  /** The server's words the row matched, as written. */
  quote?: string;
}

const list = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

function rowMatches(
  row: DialectRow,
  st: ServerStatement,
  endpoint: Endpoint,
  authMethod: string | undefined,
): { quote?: string } | undefined {
  const m = row.match;
  if (!m.error && !m.text && !m.vendorCode && m.status === undefined) return undefined;
  const statuses = list(m.status);
  if (statuses && (st.status === undefined || !statuses.includes(st.status))) return undefined;
  const errors = list(m.error);
  if (errors && !errors.some((e) => e.toLowerCase() === st.error?.toLowerCase())) return undefined;
  const endpoints = list(m.endpoint);
  if (endpoints && !endpoints.includes(endpoint)) return undefined;
  if (m.authMethod && !(authMethod && m.authMethod.includes(authMethod as ClientAuthMethod)))
    return undefined;
  let quote: string | undefined;
  if (m.text) {
    const re = m.text;
    const hit = st.words.find((w) => {
      re.lastIndex = 0;
      return re.test(w.text);
    });
    if (!hit) return undefined;
    quote = hit.text;
  }
  if (m.vendorCode) {
    const vc = m.vendorCode;
    const ok =
      typeof vc === 'string'
        ? st.vendorCodes.includes(vc) ||
          st.words.some((w) => w.text.includes(vc)) ||
          (st.errorUri ?? '').includes(vc)
        : st.vendorCodes.some((c) => vc.test(c)) || vc.test(st.errorUri ?? '');
    if (!ok) return undefined;
    quote ??= st.vendorCodes.find((c) => (typeof vc === 'string' ? c === vc : vc.test(c)));
  }
  return quote ? { quote } : {};
}

/**
 * Phrases every server uses. A row whose text matches one of them says nothing about which server
 * answered, so it counts only for its own (known) server, like a row that matches only a code.
 */
const GENERIC_PHRASES = [
  'Client authentication failed',
  'client authentication failed',
  'Invalid client',
  'invalid client',
  'invalid_client',
  'Unauthorized',
  'unauthorized',
  'Bad Request',
  'Invalid request',
  'invalid_request',
  'invalid_grant',
  'grant request is invalid',
  'Invalid grant',
  'Invalid credentials',
  'Forbidden',
  'Access denied',
  'An error has occurred',
  'The request is invalid',
  'Invalid token',
  'invalid_token',
  'invalid_scope',
  'Not Found',
  'Internal Server Error',
  'error',
  'Error',
];

const genericCache = new WeakMap<RegExp, boolean>();
/** The row's text also matches what any server says. */
export function isGenericText(re: RegExp): boolean {
  let v = genericCache.get(re);
  if (v === undefined) {
    v = GENERIC_PHRASES.some((p) => {
      re.lastIndex = 0;
      return re.test(p);
    });
    genericCache.set(re, v);
  }
  return v;
}

/** How specific a row is: a phrase or vendor code beats an error code, which beats a status. */
const specificity = (r: DialectRow) =>
  (r.match.text ? 4 : 0) +
  (r.match.vendorCode ? 4 : 0) +
  (r.match.error ? 2 : 0) +
  (r.match.status !== undefined ? 1 : 0);

/**
 * The rows of every dialect that match the answer, best first: the known server's rows first,
 * then by specificity. A row that matches only a status (no words) counts only for the known
 * server: a bare 401 says nothing about which server sent it.
 */
export function matchDialects(
  dialects: readonly Dialect[],
  st: ServerStatement,
  x: { endpoint: Endpoint; authMethod?: string; server?: ServerId },
): DialectHit[] {
  const hits: (DialectHit & { spec: number; i: number })[] = [];
  let i = 0;
  for (const dialect of dialects) {
    const known = dialect.id === x.server;
    for (const row of dialect.rows) {
      i++;
      const spec = specificity(row);
      if (!known && spec < 2) continue;
      // An error code alone is standard OAuth: it names this server only when it is known; so
      // does a phrase every server uses.
      if (!known && !row.match.text && !row.match.vendorCode) continue;
      if (!known && !row.match.vendorCode && row.match.text && isGenericText(row.match.text))
        continue;
      const m = rowMatches(row, st, x.endpoint, x.authMethod);
      if (!m) continue;
      hits.push({ dialect, row, known, ...m, spec, i });
    }
  }
  return hits
    .sort(
      (a, b) =>
        Number(b.known) - Number(a.known) ||
        Number(!!a.row.generic) - Number(!!b.row.generic) ||
        b.spec - a.spec ||
        a.i - b.i,
    )
    .map(({ spec: _s, i: _i, ...h }) => h);
}

/** The server a URL belongs to, from the dialects' host patterns. */
export function detectServer(
  dialects: readonly Dialect[],
  urls: readonly (string | undefined)[],
): ServerId | undefined {
  for (const d of dialects) if (d.hosts && urls.some((u) => !!u && d.hosts!.test(u))) return d.id;
  return undefined;
}
