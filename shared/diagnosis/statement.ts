/**
 * What the server said, read once for every rule: the status, the OAuth error fields, the other
 * words servers put in their answers (hint, message, detail, OperationOutcome diagnostics), the
 * WWW-Authenticate challenge, vendor codes (AADSTS numbers, Oracle Health URNs, Okta E-codes) and
 * the visible text of an error page. Pure: works on the bytes as received.
 */
import type { HeaderList } from '../types.js';
import { parseBodyTolerantly, type ParsedBody } from '../tolerant-json.js';
import { headerValue } from '../headers.js';

/** One thing the server wrote, and where it wrote it. */
export interface ServerWords {
  /** The field or place: "error_description", "hint", "WWW-Authenticate", "the error page"… */
  from: string;
  text: string;
}

/** A parsed WWW-Authenticate challenge (RFC 6750 §3). */
export interface Challenge {
  scheme: string;
  error?: string;
  description?: string;
  scope?: string;
  raw: string;
}

export interface ServerStatement {
  status?: number;
  /** What the body is; 'redirect' for the front channel, 'none' when nothing came back. */
  kind: ParsedBody['kind'] | 'redirect' | 'none';
  json?: Record<string, unknown>;
  /** Text before the JSON (a PHP notice). */
  prefix?: string;
  /** The OAuth error code, from the body, the redirect or the challenge. */
  error?: string;
  /** error_description; null when the server sent JSON null (Epic). */
  description?: string | null;
  errorUri?: string;
  /** Every other word of the server that may name a cause. */
  words: ServerWords[];
  challenge?: Challenge;
  /** Vendor codes found anywhere in the answer. */
  vendorCodes: string[];
  /** The page's title and visible text, for HTML answers. */
  page?: { title?: string; text: string };
  /** The server gave words beyond a bare error code or status. */
  hasWords: boolean;
  /** One line of what the server said, for evidence: "HTTP 401 invalid_client: Invalid client credentials". */
  said: string;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Fields that carry a server's words, besides error_description (seen in the dialects). */
const WORD_FIELDS = [
  'error_hint',
  'hint',
  'error_message',
  'message',
  'errorSummary',
  'detail',
  'details',
  'error_detail',
  'reason',
  'title',
  'msg',
  'text',
];

/** RFC 6750 §3 auth-params of a challenge: `Bearer error="invalid_token", error_description="…"`. */
function parseChallenge(raw: string): Challenge {
  const scheme = /^\s*([\w-]+)/.exec(raw)?.[1] ?? '';
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(raw); m; m = re.exec(raw))
    params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  return {
    scheme,
    raw,
    ...(params.error ? { error: params.error } : {}),
    ...(params.error_description ? { description: params.error_description } : {}),
    ...(params.scope ? { scope: params.scope } : {}),
  };
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/** The title and visible text of an HTML page (scripts and styles dropped), at most `max` chars. */
function pageText(html: string, max = 2000): { title?: string; text: string } {
  const decode = (s: string) =>
    s
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n) % 0x110000))
      .replace(/&#x([\da-f]+);/gi, (_, n: string) =>
        String.fromCodePoint(parseInt(n, 16) % 0x110000),
      )
      .replace(/&(\w+|#39);/g, (m, n: string) => ENTITIES[n] ?? m);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1];
  const body = html
    .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ');
  const text = decode(body).replace(/\s+/g, ' ').trim();
  const t = title ? decode(title).replace(/\s+/g, ' ').trim() : undefined;
  return { ...(t ? { title: t } : {}), text: text.length > max ? `${text.slice(0, max)}…` : text };
}

/** The OAuth error codes an error page may name in its text. */
const PAGE_ERROR =
  /\b(invalid_request|invalid_client|invalid_grant|unauthorized_client|unsupported_grant_type|invalid_scope|access_denied|unsupported_response_type|server_error|temporarily_unavailable|redirect_uri_mismatch|invalid_redirect_uri|login_required|consent_required|interaction_required|org_internal|admin_policy_enforced|disallowed_useragent|invalid_token|insufficient_scope|redirect_mismatch)\b/;

/**
 * The words of a page without the request parameters many error pages echo back ("Request
 * Details: redirect_uri=…"), which would otherwise read as the cause.
 */
function withoutEchoedParams(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9_]*=[^\s&]*(&[a-z][a-z0-9_]*=[^\s&]*)*/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const VENDOR_CODE_PATTERNS = [
  /\bAADSTS\d{4,8}\b/g,
  /\burn:cerner:error:[\w:.-]+/g,
  /\bE0000\d{3}\b/g,
  /\bMSIS\d{4}\b/g,
];

function vendorCodes(text: string, json: Record<string, unknown> | undefined): string[] {
  const out = new Set<string>();
  for (const p of VENDOR_CODE_PATTERNS) for (const m of text.matchAll(p)) out.add(m[0]);
  const ec = json?.errorCode ?? json?.error_code;
  if (typeof ec === 'string' || typeof ec === 'number') out.add(String(ec));
  if (Array.isArray(json?.error_codes))
    for (const c of json.error_codes) if (typeof c === 'number') out.add(`AADSTS${c}`);
  return [...out];
}

/** FHIR OperationOutcome issues: code, details.text and diagnostics. */
function outcomeWords(json: Record<string, unknown>): ServerWords[] {
  if (json.resourceType !== 'OperationOutcome' || !Array.isArray(json.issue)) return [];
  const out: ServerWords[] = [];
  for (const issue of json.issue as unknown[]) {
    if (!issue || typeof issue !== 'object') continue;
    const i = issue as Record<string, unknown>;
    const details = i.details as Record<string, unknown> | undefined;
    const coding = Array.isArray(details?.coding)
      ? (details.coding as Record<string, unknown>[])
      : [];
    for (const t of [
      str(details?.text),
      str(i.diagnostics),
      ...coding.map((c) => str(c.display) ?? str(c.code)),
      str(i.code),
    ])
      if (t) out.push({ from: 'OperationOutcome', text: t });
  }
  return out;
}

/** The visible words of an authorization server's error page served with 200 (Entra, Hydra). */
const ERROR_PAGE_WORDS =
  /AADSTS\d{4,8}|\b(invalid_request|invalid_client|unauthorized_client|invalid_scope|redirect_uri_mismatch|access_denied|unsupported_response_type)\b/;

/**
 * An HTML answer that is an OAuth error page rather than a sign-in page: its visible text (not its
 * scripts, which sign-in pages fill with such words) names an OAuth error code.
 */
export function looksLikeErrorPage(body: string): boolean {
  const head = body.slice(0, 200_000);
  if (!head.trim()) return false;
  const visible = pageText(head, 20_000).text;
  if (ERROR_PAGE_WORDS.test(visible)) return true;
  // A short page that speaks of an error and asks for no credentials (no password field, no form
  // to sign in): "An error has occurred. The request is invalid."
  const signIn = /<input[^>]+type=["']?password|<form\b/i.test(head);
  return (
    !signIn &&
    visible.length < 3000 &&
    /\b(error|invalid|not allowed|not registered|mismatch|denied|forbidden)\b/i.test(visible)
  );
}

/** Reads a back-channel answer. */
/** An answer as read: what the server said, and how its body parsed. */
export interface AnswerRead {
  statement: ServerStatement;
  parsed: ParsedBody;
}

export function readAnswer(r: { status: number; headers: HeaderList; body: string }): AnswerRead {
  const parsed = parseBodyTolerantly(r.body);
  const json = parsed.json;
  const words: ServerWords[] = [];
  // Google-style {"error": {"code": 401, "message": "…", "status": "…"}}.
  const nested =
    json?.error && typeof json.error === 'object' ? (json.error as Record<string, unknown>) : {};
  const error = str(json?.error) ?? str(nested.status) ?? str(nested.code);
  const description =
    json && 'error_description' in json && json.error_description === null
      ? null
      : str(json?.error_description);
  if (description) words.push({ from: 'error_description', text: description });
  for (const k of WORD_FIELDS) {
    const v = str(json?.[k]);
    if (v && !(k === 'title' && json?.resourceType)) words.push({ from: k, text: v });
  }
  const nestedMsg = str(nested.message);
  if (nestedMsg) words.push({ from: 'error.message', text: nestedMsg });
  if (json) words.push(...outcomeWords(json));
  const www = headerValue(r.headers, 'www-authenticate');
  const challenge = www ? parseChallenge(www) : undefined;
  if (challenge?.description) words.push({ from: 'WWW-Authenticate', text: challenge.description });
  let page: ServerStatement['page'];
  if (parsed.kind === 'html' || (parsed.kind === 'text' && /<\/?\w+[^>]*>/.test(r.body))) {
    page = pageText(r.body);
    if (page.title) words.push({ from: 'the error page title', text: page.title });
    if (page.text) words.push({ from: 'the error page', text: withoutEchoedParams(page.text) });
  } else if (parsed.kind === 'text') {
    const t = withoutEchoedParams(r.body.trim());
    words.push({ from: 'the body', text: t.length > 2000 ? `${t.slice(0, 2000)}…` : t });
  }
  if (parsed.prefix) words.push({ from: 'the text before the JSON', text: parsed.prefix.trim() });
  // An error page names the OAuth error code in its text ("Error: invalid_client", "error=…").
  const pageError =
    !json && (page || parsed.kind === 'text')
      ? PAGE_ERROR.exec(page?.text ?? r.body)?.[1]
      : undefined;
  const errorUri = str(json?.error_uri);
  const codes = vendorCodes([r.body, errorUri ?? '', www ?? ''].join('\n').slice(0, 20_000), json);
  const statement: ServerStatement = {
    status: r.status,
    kind: parsed.kind,
    ...(json ? { json } : {}),
    ...(parsed.prefix ? { prefix: parsed.prefix } : {}),
    ...((error ?? challenge?.error ?? pageError)
      ? { error: (error ?? challenge?.error ?? pageError)! }
      : {}),
    ...(description !== undefined ? { description } : {}),
    ...(errorUri ? { errorUri } : {}),
    words,
    ...(challenge ? { challenge } : {}),
    vendorCodes: codes,
    ...(page ? { page } : {}),
    hasWords: words.some((w) => w.from !== 'the text before the JSON') || codes.length > 0,
    said: '',
  };
  statement.said = sayStatement(statement);
  return { statement, parsed };
}

/** Reads a front-channel redirect's parameters (error, error_description, error_uri, hints). */
export function readRedirect(params: [string, string][]): ServerStatement {
  const get = (k: string) => str(params.find(([n]) => n === k)?.[1]);
  const words: ServerWords[] = [];
  for (const k of ['error_description', 'error_hint', 'error_message', 'message'])
    if (get(k)) words.push({ from: k, text: get(k)! });
  const errorUri = get('error_uri');
  const description = get('error_description');
  const st: ServerStatement = {
    kind: 'redirect',
    ...(get('error') ? { error: get('error')! } : {}),
    ...(description ? { description } : {}),
    ...(errorUri ? { errorUri } : {}),
    words,
    vendorCodes: vendorCodes(
      params
        .filter(([n]) => n.startsWith('error'))
        .map(([, v]) => v)
        .join('\n'),
      undefined,
    ),
    hasWords: words.length > 0,
    said: '',
  };
  st.said = sayStatement(st);
  return st;
}

/** Nothing came back (a transport error, or no answer given). */
export function noStatement(): ServerStatement {
  return { kind: 'none', words: [], vendorCodes: [], hasWords: false, said: 'no answer' };
}

const BODY_WORDS: Record<string, string> = {
  empty: 'an empty body',
  html: 'an HTML page',
  text: 'plain text',
};

function sayStatement(s: ServerStatement): string {
  const parts: string[] = [];
  if (s.kind === 'redirect') parts.push('the redirect carried');
  else if (s.status !== undefined) parts.push(`HTTP ${s.status}`);
  const first = s.words[0];
  if (s.error) parts.push(s.error);
  if (s.description === null) parts.push('(error_description: null)');
  const text = first
    ? first.from === 'error_description' || first.from === 'hint' || first.from === 'message'
      ? first.text
      : `${first.from}: ${first.text}`
    : undefined;
  let line = parts.join(' ');
  if (text)
    line += `${s.error ? ':' : ','} "${text.length > 200 ? `${text.slice(0, 200)}…` : text}"`;
  else if (!s.error && s.kind in BODY_WORDS) line += ` with ${BODY_WORDS[s.kind]}`;
  if (s.challenge && !s.challenge.description && s.challenge.error && !s.error)
    line += ` (WWW-Authenticate: ${s.challenge.raw})`;
  return line;
}
