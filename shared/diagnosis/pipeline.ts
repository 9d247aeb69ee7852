/**
 * The one diagnosis: evidence → rules → one ranking, for every endpoint and both channels. The
 * engine (every flow), the Inspector and the CLI call `diagnose`; nothing else ranks a refusal.
 *
 * Evidence has five kinds, and every finding names its basis:
 *   server     the server's words: dialect rows, vendor rules that read the answer, the generic
 *              reader of words, what an error code or status means
 *   check      verified here (pre-flight lint, signature, claims, PKCE, redirect, clock vs Date)
 *   history    earlier in the run or the HAR (a jti, code or refresh token used before)
 *   vendor     a documented vendor fact
 *   inference  a guess from the absence of other evidence (the server gave no reason)
 * Ranking: a cause the server states outranks a check, which outranks history, vendor facts and
 * inference. A statement that names only a family of causes ("invalid_client", "invalid_scope")
 * lets the checks of that family lead: they say which one.
 */
import { finding } from './catalog.js';
import type { Basis, CauseCode, Finding } from './codes.js';
import { DIALECTS } from './dialects/index.js';
import { detectServer, matchDialects } from './dialects/match.js';
import { PRESET_SERVER, type Dialect, type Endpoint, type ServerId } from './dialects/types.js';
import { CLIENT_AUTH_CODES, familyOf, meaningOfCode, type Family } from './standard.js';
import {
  looksLikeErrorPage,
  noStatement,
  readAnswer,
  readRedirect,
  type ServerStatement,
} from './statement.js';
import {
  CLOCK_SKEW_WARN_SEC,
  attemptContext,
  transportFinding,
  type TransportError,
  type VendorAttempt,
} from './token-response.js';
import { answerContext, vendorFindings, type DiagnosisContext } from './vendor-rules.js';
import { readWords } from './words.js';
import type { HeaderList } from '../types.js';
import { snippet, type ParsedBody } from '../tolerant-json.js';

export interface DiagnosisInput {
  endpoint: Endpoint;
  /** The URL called (the authorize URL for the front channel). */
  url: string;
  /** The request as sent (secrets filled in: never copied into evidence). */
  headers?: HeaderList;
  params?: [string, string][];
  /** Client authentication used: private_key_jwt, client_secret_basic, … */
  authMethod?: string;
  /** grant_type of a token request. */
  grant?: string;
  /** A client assertion was sent (decoded). */
  assertion?: { header: Record<string, unknown>; claims: Record<string, unknown> };
  /** The back-channel answer. */
  response?: { status: number; headers: HeaderList; body: string };
  /** The front channel: the parameters of the redirect back (error, error_description…). */
  redirect?: [string, string][];
  /** No answer at all. */
  transportError?: TransportError;
  /**
   * What the caller found: pre-flight lint and other checks (basis check), comparisons with the
   * run's history (basis history), and the like. Each keeps the basis it carries.
   */
  findings?: Finding[];
  /** The server the profile names (a dialect id); detected from the URL when absent. */
  server?: ServerId;
  /** Vendor context: enables the preset's rules. */
  vendor?: VendorAttempt;
  /** Local clock when the request was sent, seconds (compared with the server's Date). */
  localNow?: number;
  /** Whose clock localNow is: ours, or (in the Inspector) the customer's. */
  clock?: 'local' | 'customer';
  /** The token endpoint discovery advertises. */
  discoveredTokenEndpoint?: string;
  /** Resource calls: the access token sent, decoded, and what this session knows of it. */
  resource?: {
    tokenClaims?: Record<string, unknown>;
    /** When the token expires, seconds (from its exp or expires_in). */
    expiresAt?: number;
    /** When the call was made, seconds. */
    at?: number;
    grantedScope?: string;
    revokedAt?: string;
  };
  /** Registration calls: the client metadata sent. */
  registration?: Record<string, unknown>;
  /** The dialects to read the answer with (default: all of them; [] measures the words alone). */
  dialects?: readonly Dialect[];
  /** Causes checked here and found fine (e.g. the redirect_uri and PKCE verifier match): no candidate. */
  ruledOut?: CauseCode[];
}

export interface Diagnosis {
  /** The call did what it was for (a token, a registered client, a 2xx…). */
  ok: boolean;
  findings: Finding[];
  statement: ServerStatement;
  parsed?: ParsedBody;
  /** The server named the cause (a dialect row, its words or an error code that names one). */
  stated: boolean;
}

/** Scores by evidence; higher ranks first. */
const SCORE = {
  vendorServer: 600,
  dialect: 690,
  dialectKnown: 695,
  specificCode: 650,
  status: 640,
  words: 600,
  familyCheck: 610,
  familyHistory: 606,
  familyVendor: 603,
  serverClass: 550,
  weakClass: 490,
  check: 500,
  history: 450,
  vendor: 400,
  inference: 300,
} as const;

interface Cand {
  f: Finding;
  score: number;
  /** Made by the pipeline (not passed in): dropped when a better finding has the same code. */
  generated: boolean;
  /**
   * A reading of the server's answer that only names the cause code (an error code's meaning,
   * the generic reader of words): a finding of the same code with more specific evidence (a
   * check, a vendor rule) takes its place and rank, with what the server answered.
   */
  mergeable?: boolean;
  /** A candidate cause (of a server's catch-all, or inferred): never takes a statement's rank. */
  candidate?: boolean;
}

/**
 * A stated cause and the checks that explain it: the server says the signature failed, and the
 * check found the kid is not in the registered JWKS; the server says the scope is not allowed,
 * and the check found a patient/ scope in client_credentials. The check then leads (it says what
 * to change), carrying what the server answered.
 */
const EXPLAINS: Partial<Record<CauseCode, readonly CauseCode[]>> = {
  ASSERTION_SIGNATURE_INVALID: [
    'ASSERTION_KID_NOT_FOUND',
    'ASSERTION_JKU_MISMATCH',
    'ASSERTION_ALG_NOT_ACCEPTED',
    'JWKS_UNREACHABLE',
    'ASSERTION_IN_AUTH_HEADER',
  ],
  ASSERTION_KID_NOT_FOUND: ['ASSERTION_JKU_MISMATCH', 'JWKS_UNREACHABLE'],
  SCOPE_NOT_ALLOWED: ['SCOPE_INVALID_FOR_GRANT', 'SCOPE_SYNTAX'],
  CLIENT_METADATA_INVALID: ['REDIRECT_URI_MISMATCH', 'AUTH_METHOD_MISMATCH', 'GRANT_NOT_ALLOWED'],
  REQUEST_MALFORMED: [
    'ASSERTION_IN_AUTH_HEADER',
    'ASSERTION_TYPE_INVALID',
    'GRANT_TYPE_INVALID',
    'AUTH_METHOD_MISMATCH',
  ],
  GRANT_NOT_ALLOWED: ['GRANT_TYPE_INVALID'],
  // Parameters sent in the URL, or with GET: the server finds no grant_type, no client.
  GRANT_TYPE_INVALID: ['REQUEST_MALFORMED'],
  CLIENT_UNKNOWN: ['ASSERTION_ISS_SUB_MISMATCH', 'REQUEST_MALFORMED'],
  AUTH_METHOD_MISMATCH: ['ASSERTION_IN_AUTH_HEADER', 'ASSERTION_TYPE_INVALID', 'REQUEST_MALFORMED'],
  CODE_INVALID: ['REDIRECT_URI_MISMATCH', 'PKCE_MISMATCH'],
  ASSERTION_EXPIRED: ['CLOCK_SKEW'],
};

/** Checks of the request's shape: what a bare invalid_request is usually about. */
const REQUEST_SHAPE = new Set<CauseCode>([
  'ASSERTION_IN_AUTH_HEADER',
  'ASSERTION_TYPE_INVALID',
  'GRANT_TYPE_INVALID',
  'AUTH_METHOD_MISMATCH',
  'REQUEST_MALFORMED',
]);

/** Findings about a request that are true whatever the answer: on a refusal they are notes. */
const NOT_A_CAUSE = new Set<CauseCode>([
  'GRANT_INSECURE',
  'TOKEN_RESPONSE_INVALID',
  'TOKEN_LIFETIME',
]);

/** A warning says "may be the cause": it ranks below the errors of its kind of evidence. */
const WARNING_PENALTY = 250;

const header = (h: HeaderList | undefined, name: string) =>
  h?.find(([n]) => n.toLowerCase() === name)?.[1];

const ENDPOINT_WORDS: Record<Endpoint, string> = {
  token: 'the token endpoint',
  authorize: 'the authorization server',
  introspection: 'the introspection endpoint',
  revocation: 'the revocation endpoint',
  registration: 'the registration endpoint',
  userinfo: 'the userinfo endpoint',
  resource: 'the resource server',
  end_session: 'the logout endpoint',
  discovery: 'the discovery endpoint',
};

function succeeded(x: DiagnosisInput, st: ServerStatement): boolean {
  if (x.transportError) return false;
  if (x.redirect) return !st.error;
  const s = st.status;
  if (s === undefined) return false;
  if (x.endpoint === 'authorize')
    return s < 400 && !st.error && !looksLikeErrorPage(x.response?.body ?? '');
  if (s < 200 || s >= 300) return false;
  if (x.endpoint === 'token') return typeof st.json?.access_token === 'string';
  if (x.endpoint === 'registration')
    return s === 204 || typeof st.json?.client_id === 'string' || !st.json;
  return !(typeof st.json?.error === 'string' && st.json.error !== '');
}

export { basisWords } from './basis.js';

/** The diagnosis of one answer. */
export function diagnose(x: DiagnosisInput): Diagnosis {
  const read = x.response ? readAnswer(x.response) : undefined;
  const st = read?.statement ?? (x.redirect ? readRedirect(x.redirect) : noStatement());
  const parsed = read?.parsed;
  const ok = succeeded(x, st);
  const given = (x.findings ?? []).map((f) => ({ f, score: scoreOf(f), generated: false }));
  const c: Cand[] = [];
  const add = (f: Finding, score: number, mergeable = false) =>
    c.push({ f, score, generated: true, ...(mergeable ? { mergeable } : {}) });

  if (x.transportError) {
    add(transportFinding(x.transportError, x.url), SCORE.status);
    c.push(...given);
    return done(c, { ok: false, st, parsed, stated: false });
  }
  if (!x.response && !x.redirect) {
    // Nothing was answered (the Inspector given only a request): the checks alone.
    c.push(...given);
    return done(c, { ok: false, st, parsed, stated: false, noAnswer: true });
  }
  const dialects = x.dialects ?? DIALECTS;
  // The server: as the profile names it, as its preset stands for, or as its URLs show.
  const server =
    x.server ??
    PRESET_SERVER[x.vendor?.profile.vendor ?? ''] ??
    detectServer(dialects, [x.url, x.vendor?.profile.issuer]);
  const ctx = vendorContext(x, st, parsed, ok);

  // Things true of any answer: text before the JSON, the clock, the endpoint called.
  if (parsed?.kind === 'json-with-prefix')
    add(
      finding(
        'NON_JSON_RESPONSE',
        `The JSON is preceded by ${parsed.prefix!.length} characters of other output: "${snippet(parsed.prefix!, 120)}".`,
        {
          basis: 'server',
          severity: ok ? 'warning' : 'error',
          title: 'Text before the JSON (e.g. a PHP notice)',
          fix: 'The server printed diagnostics into the response (PHP display_errors on). The JSON after it was read; ask the operators to turn display_errors off.',
        },
      ),
      SCORE.vendor,
    );
  const clock = clockFinding(x, ok);
  if (x.discoveredTokenEndpoint && x.endpoint === 'token' && x.url !== x.discoveredTokenEndpoint)
    add(
      finding(
        'WRONG_TOKEN_ENDPOINT',
        `Sent to ${x.url}; discovery advertises ${x.discoveredTokenEndpoint}.`,
        { severity: ok ? 'info' : 'warning' },
      ),
      SCORE.check,
    );

  if (ok) {
    // A success: notes only. Local errors the server did not mind become warnings.
    if (clock) add({ ...clock, severity: 'warning' }, SCORE.check);
    for (const g of given)
      c.push(
        g.f.severity === 'error' && g.f.basis === 'check'
          ? {
              ...g,
              f: {
                ...g.f,
                severity: 'warning',
                title: `${g.f.title} (accepted by this server anyway)`,
              },
            }
          : g,
      );
    if (ctx)
      for (const r of vendorFindings({ ...ctx, succeeded: true }))
        add({ ...r.finding, basis: r.basis }, SCORE.vendor + r.likelihood);
    if (x.endpoint === 'token' && !parsed?.json)
      add(
        finding('NON_JSON_RESPONSE', `HTTP ${st.status} without a JSON body.`, { basis: 'server' }),
        SCORE.status,
      );
    // RFC 7662 §2.2: the call worked, and the server says the token is not active.
    if (
      x.endpoint === 'introspection' &&
      st.json?.active === false &&
      !given.some((g) => g.f.code === 'TOKEN_INACTIVE')
    )
      add(
        finding('TOKEN_INACTIVE', 'Introspection says active: false.', { basis: 'server' }),
        SCORE.specificCode,
      );
    return done(c, { ok, st, parsed, stated: st.json?.active === false });
  }

  // --- a refusal ---
  let stated = false;
  const families = new Set<Family>();

  // 1. Vendor rules (the preset's knowledge: the server's words, or vendor facts).
  const vendorCands: Cand[] = [];
  if (ctx)
    for (const r of vendorFindings(ctx)) {
      const basis = r.basis;
      const cand: Cand = {
        f: { ...r.finding, basis },
        score:
          basis === 'server'
            ? SCORE.vendorServer + r.likelihood + 5
            : basis === 'check'
              ? SCORE.check
              : basis === 'history'
                ? SCORE.history
                : SCORE.vendor + r.likelihood,
        generated: true,
      };
      if (basis === 'server') c.push(cand);
      else vendorCands.push(cand);
      if (basis === 'server' && r.likelihood >= 90) stated = true;
    }

  // 2. Dialect rows: what this server's documented phrases and codes mean.
  const authMethod = x.authMethod;
  const hits = matchDialects(dialects, st, {
    endpoint: x.endpoint,
    ...(authMethod ? { authMethod } : {}),
    ...(server ? { server } : {}),
  });
  // A generic row (the server's catch-all) names the causes it covers: they become candidates.
  const rowCandidates: RowCandidate[] = [];
  let specificRow = false;
  for (const h of hits) {
    const fam = familyOf(h.row.code);
    const source = `${h.dialect.name}: ${h.row.source}${h.row.versions ? ` (versions ${h.row.versions})` : ''}`;
    const who = h.known ? h.dialect.name : `${h.dialect.name}, recognised by its wording`;
    if (h.row.generic) {
      // The catch-all covers each cause it names: a check that found one of them leads.
      for (const code of h.row.candidates ?? [h.row.code]) {
        const f = familyOf(code);
        if (f) families.add(f);
        if (!rowCandidates.some((r) => r.code === code))
          rowCandidates.push({ code, means: `${who}: ${h.row.means}`, source });
      }
      continue;
    }
    const onlyCode = !h.row.match.text && !h.row.match.vendorCode;
    const quote = h.quote && !st.said.includes(h.quote) ? excerpt(h.quote, h.row.match.text) : '';
    add(
      finding(
        h.row.code,
        `${who}: ${h.row.means}${quote ? ` Its words: "${quote}".` : ''} The server answered ${st.said}.`,
        {
          basis: 'server',
          ...(h.row.fix ? { fix: h.row.fix } : {}),
          source,
        },
      ),
      // A row that matches only an error code or a status reads the code as this server uses it:
      // more than the standard meaning, less than the server's own words.
      onlyCode ? SCORE.serverClass + 2 : h.known ? SCORE.dialectKnown : SCORE.dialect,
      onlyCode,
    );
    if (onlyCode) {
      if (fam) families.add(fam);
    } else {
      stated = true;
      specificRow = true;
    }
  }

  // 3. What the error code says, and the status.
  const grant = x.grant;
  const meaning = meaningOfCode(st.error, x.endpoint, grant);
  if (meaning) {
    families.add(meaning.family);
    add(
      finding(meaning.code, `${cap(meaning.means)}. The server answered ${st.said}.`, {
        basis: 'server',
        source: meaning.source,
      }),
      meaning.specific
        ? SCORE.specificCode
        : meaning.code === 'REQUEST_MALFORMED'
          ? SCORE.weakClass
          : SCORE.serverClass,
      true,
    );
    if (meaning.specific) stated = true;
  }
  const clientAuthCall =
    x.endpoint === 'token' || x.endpoint === 'introspection' || x.endpoint === 'revocation';
  const clientAuthCode = !!st.error && CLIENT_AUTH_CODES.has(st.error.toLowerCase());
  if (clientAuthCode && clientAuthCall) families.add('client-auth');
  statusFindings(x, st, add);

  // 4. The generic reader of the server's words, for phrasing no row knows; a code no standard
  // names ("mismatching_redirect_uri", "invalid_credentials") is read as words too.
  const texts = st.words.map((w) => w.text);
  if (st.error && !meaning && !clientAuthCode) texts.push(st.error.replace(/[_-]+/g, ' '));
  if (texts.length) {
    const w = readWords(texts, {
      endpoint: x.endpoint,
      ...(grant ? { grant } : {}),
      assertion: !!x.assertion || /_jwt$/.test(authMethod ?? ''),
      ...(authMethod ? { authMethod } : {}),
    });
    if (w.match && !specificRow) {
      add(
        finding(
          w.match.code,
          `The server's words "${quoteAround(texts, w.match.term)}" point at this (no documented phrase of a known server matched; read from the words).`,
          { basis: 'server' },
        ),
        SCORE.words,
        true,
      );
      // A cause read from the words is a statement, not a family: checks of other causes stay below.
      stated = true;
    } else if (w.generic) {
      for (const m of w.all) {
        const fam = familyOf(m.code);
        if (fam) families.add(fam);
      }
      if (w.clientAuthFailed && clientAuthCall) families.add('client-auth');
    }
  }
  // RFC 7521 §4.2 makes client_id optional beside an assertion; a server that asks for it names
  // the fix: send it (the profile's auth.sendClientId).
  const assertionAuth = !!x.assertion || /_jwt$/.test(authMethod ?? '');
  if (
    assertionAuth &&
    x.endpoint === 'token' &&
    !(x.params ?? []).some(([n]) => n === 'client_id') &&
    texts.some(
      (t) =>
        /client[_ ]?id/i.test(t) &&
        /missing|required|not (provided|present|sent|found)|no client/i.test(t),
    )
  ) {
    add(
      finding(
        'REQUEST_MALFORMED',
        `The server asks for client_id ("${quoteAround(texts, 'client')}"), and the request sent only the assertion: RFC 7521 makes client_id optional beside it, but this server requires it.`,
        {
          basis: 'check',
          title: 'The server wants client_id beside the assertion',
          fix: 'Turn on "Send client_id with the assertion" in the profile (auth.sendClientId), or add client_id to the request body.',
          source: 'RFC 7521 §4.2',
        },
      ),
      SCORE.dialectKnown + 1,
    );
    stated = true;
  }

  // A 2xx that is not what the call is for: the answer itself is the problem.
  if (
    st.status !== undefined &&
    st.status >= 200 &&
    st.status < 300 &&
    x.endpoint !== 'authorize'
  ) {
    stated = true;
    if (parsed && parsed.kind !== 'json' && parsed.kind !== 'json-with-prefix')
      add(
        finding(
          'NON_JSON_RESPONSE',
          `HTTP ${st.status} with ${parsed.kind === 'empty' ? 'an empty body' : parsed.kind === 'html' ? `an HTML page: "${snippet(x.response?.body ?? '', 160)}"` : `plain text: "${snippet(x.response?.body ?? '', 160)}"`} where ${ENDPOINT_WORDS[x.endpoint]} answers with JSON: the URL is likely not the endpoint (a login or portal page), or a proxy answered.`,
          { basis: 'server', title: 'The server did not answer with JSON' },
        ),
        SCORE.specificCode,
      );
    else if (x.endpoint === 'token')
      add(
        finding(
          'TOKEN_RESPONSE_INVALID',
          `HTTP ${st.status} but no access_token in the response.`,
          {
            basis: 'server',
            severity: 'error',
          },
        ),
        SCORE.specificCode,
      );
  }

  // 5. What the caller checked and remembers, and the vendor facts: those of the family a server
  // statement names (an error code, its words) lead it, since they say which cause of the family.
  const inFamily = (code: CauseCode) => {
    const fam = familyOf(code);
    return (!!fam && families.has(fam)) || (families.has('request') && REQUEST_SHAPE.has(code));
  };
  // Once the server's words name a cause, the checks of its family no longer lead it (unless they
  // explain it: see EXPLAINS); they still lead the other findings.
  const lift = (score: number) => (stated ? Math.min(score, SCORE.words - 5) : score);
  for (const g of [...given, ...vendorCands]) {
    // A note about the request that cannot make the server refuse it stays a note.
    if (NOT_A_CAUSE.has(g.f.code) && g.f.severity !== 'error') g.f = { ...g.f, severity: 'info' };
    const boost = g.f.severity === 'error' && inFamily(g.f.code);
    const b = g.f.basis;
    c.push(
      boost && b === 'check'
        ? { ...g, score: lift(SCORE.familyCheck) }
        : boost && b === 'history'
          ? { ...g, score: lift(SCORE.familyHistory) }
          : boost && b === 'vendor'
            ? { ...g, score: lift(SCORE.familyVendor) }
            : g,
    );
  }
  if (clock)
    c.push({
      f: clock,
      score: families.has('client-auth') ? SCORE.familyCheck - 5 : SCORE.check - 5,
      generated: true,
    });

  // 6. The server gave no reason: the causes its documented catch-all covers (a vendor fact),
  // then the candidates that fit what was sent.
  if (!stated) {
    const excluded = excludedFor(x.authMethod);
    rowCandidates
      .filter((r) => !excluded.has(r.code) && !x.ruledOut?.includes(r.code))
      .forEach((r, i) =>
        c.push({
          f: finding(r.code, `The server answered ${st.said}. ${r.means}`, {
            basis: 'vendor',
            ...(i ? { severity: 'warning' as const } : {}),
            source: r.source,
          }),
          // Vendor facts: below what was checked here and what the run remembers.
          score: SCORE.history - 1 - i + (i ? WARNING_PENALTY : 0),
          generated: true,
          candidate: true,
        }),
      );
    for (const f of candidates(x, st, families, given))
      if (!x.ruledOut?.includes(f.f.code)) add(f.f, SCORE.inference - f.order);
  }
  // The server says the assertion expired (or is not yet valid); nothing here shows it expired:
  // then the clocks differ.
  const expiredSaid = c.some(
    (x) => x.f.code === 'ASSERTION_EXPIRED' && x.f.basis === 'server' && x.score >= SCORE.words,
  );
  const expiredHere = given.some((g) => g.f.code === 'ASSERTION_EXPIRED' && g.f.basis === 'check');
  if (expiredSaid && !expiredHere && !clock)
    add(
      finding(
        'CLOCK_SKEW',
        'The server says the assertion is outside its validity window, and nothing checked here shows it expired: if it was built just before sending, the clock of the machine that signed it differs from the server’s.',
        { basis: 'inference', severity: 'warning' },
      ),
      SCORE.inference,
    );

  // 7. The body itself: an empty or non-JSON answer is a note once a cause is named.
  const nonJson = parsed && parsed.kind !== 'json' && parsed.kind !== 'json-with-prefix';
  if (nonJson) {
    const what =
      parsed.kind === 'empty'
        ? 'an empty body'
        : parsed.kind === 'html'
          ? 'an HTML page'
          : 'plain text';
    add(
      finding(
        'NON_JSON_RESPONSE',
        `HTTP ${st.status} with ${what}${parsed.kind === 'empty' ? '' : `: "${snippet(x.response?.body ?? '', 160)}"`} (Content-Type: ${header(x.response?.headers, 'content-type') ?? 'none'}). ${parsed.kind === 'empty' ? 'The server gave no reason.' : 'The words on it were read for the cause.'}`,
        {
          basis: 'server',
          severity: 'info',
          title:
            parsed.kind === 'empty'
              ? 'The server gave no reason (empty body)'
              : 'The answer is not JSON',
          fix:
            parsed.kind === 'empty'
              ? 'The other findings rank the likely causes from what was sent. The server’s own log usually names the cause: ask its operators for the entry at this time.'
              : 'An HTML or text page instead of the JSON error of RFC 6749 §5.2: the server’s (or a proxy’s) error page. Its words were read; if they name nothing, ask the server’s operators.',
        },
      ),
      0,
    );
  }
  return done(c, { ok, st, parsed, stated });
}

const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** At most 200 characters of the server's words, around what the row matched. */
function excerpt(text: string, re: RegExp | undefined): string {
  if (text.length <= 200) return text;
  const m = re ? new RegExp(re.source, re.flags.replace('g', '')).exec(text) : null;
  const i = Math.max(0, (m?.index ?? 0) - 60);
  return `${i > 0 ? '…' : ''}${text.slice(i, i + 200)}…`;
}

/** The server's words around the matched term, shortened. */
function quoteAround(texts: readonly string[], term: string): string {
  const t = texts.find((s) => s.toLowerCase().includes(term.toLowerCase())) ?? texts[0] ?? '';
  if (t.length <= 200) return t;
  const i = Math.max(0, t.toLowerCase().indexOf(term.toLowerCase()) - 80);
  return `${i > 0 ? '…' : ''}${t.slice(i, i + 200)}…`;
}

/** Scores a caller's finding by its basis. */
function scoreOf(f: Finding): number {
  const base =
    f.basis === 'server'
      ? SCORE.serverClass + 1
      : f.basis === 'check'
        ? SCORE.check
        : f.basis === 'history'
          ? SCORE.history
          : f.basis === 'vendor'
            ? SCORE.vendor
            : SCORE.inference;
  return base;
}

/** The vendor rules' context, for the token endpoint or any other answer. */
function vendorContext(
  x: DiagnosisInput,
  st: ServerStatement,
  parsed: ParsedBody | undefined,
  ok: boolean,
): DiagnosisContext | undefined {
  const v = x.vendor;
  if (!v || !x.response) return undefined;
  if (x.endpoint === 'token')
    return attemptContext(
      {
        url: x.url,
        headers: x.headers ?? [],
        params: x.params ?? [],
        preflight: (x.findings ?? []).filter((f) => f.basis === 'check'),
        status: x.response.status,
        responseHeaders: x.response.headers,
        body: x.response.body,
        vendor: v,
      },
      parsed,
    );
  if (x.endpoint !== 'resource' && x.endpoint !== 'registration') return undefined;
  const base = answerContext({
    ...(v.profile.vendor ? { vendor: v.profile.vendor } : {}),
    ...(v.profile.clientId ? { clientId: v.profile.clientId } : {}),
    url: x.url,
    status: x.response.status,
    headers: x.response.headers,
    body: x.response.body,
    ...(st.json ? { json: st.json } : {}),
  });
  return {
    ...base,
    target: x.endpoint,
    ...(x.registration ? { registration: x.registration } : {}),
    ...(x.resource?.grantedScope ? { grantedScope: x.resource.grantedScope } : {}),
    ...(x.resource?.revokedAt ? { revokedAt: x.resource.revokedAt } : {}),
    ...(ok ? { succeeded: true } : {}),
  };
}

function clockFinding(x: DiagnosisInput, ok: boolean): Finding | undefined {
  const date = header(x.response?.headers, 'date');
  if (!date || x.localNow === undefined || x.endpoint !== 'token') return undefined;
  const serverSec = Date.parse(date) / 1000;
  if (!Number.isFinite(serverSec) || Math.abs(serverSec - x.localNow) <= CLOCK_SKEW_WARN_SEC)
    return undefined;
  const d = Math.round(x.localNow - serverSec);
  const whose =
    x.clock === 'customer' ? "The customer's clock (the assertion's iat)" : 'Local clock';
  return finding(
    'CLOCK_SKEW',
    `${whose} is ${Math.abs(d)} s ${d > 0 ? 'ahead of' : 'behind'} the server (Date: ${date}).`,
    {
      severity: ok ? 'warning' : 'error',
      ...(x.clock === 'customer'
        ? {
            title: "The customer's clock differs from the server's",
            fix: "Synchronise the customer's clock (NTP); servers allow only a small leeway on exp/iat/nbf.",
          }
        : {}),
    },
  );
}

/** What the status alone says: a redirect, a missing endpoint, a server failure, a rate limit. */
function statusFindings(
  x: DiagnosisInput,
  st: ServerStatement,
  add: (f: Finding, s: number) => void,
) {
  const s = st.status;
  if (s === undefined) return;
  const where = ENDPOINT_WORDS[x.endpoint];
  if (s >= 300 && s < 400 && x.endpoint !== 'authorize') {
    const location = header(x.response?.headers, 'location');
    add(
      finding(
        x.endpoint === 'token' ? 'WRONG_TOKEN_ENDPOINT' : 'ENDPOINT_NOT_FOUND',
        `HTTP ${s} redirect to ${location ?? '(no Location)'}; redirects are not followed, so credentials never go to a second host.`,
        {
          basis: 'server',
          severity: 'error',
          title: `${cap(where)} redirected`,
          fix: 'Use the final URL as the endpoint (and, for the token endpoint, as the assertion aud) if you trust it; check http vs https and the host name.',
        },
      ),
      SCORE.status,
    );
  } else if (s === 404 || s === 405 || s === 410)
    add(
      finding(
        'ENDPOINT_NOT_FOUND',
        `HTTP ${s} from ${x.url}${snippet(x.response?.body ?? '') ? `: "${snippet(x.response?.body ?? '', 100)}"` : ''}.`,
        { basis: 'server' },
      ),
      SCORE.status,
    );
  else if (s === 429)
    add(
      finding(
        'RATE_LIMITED',
        `HTTP 429 from ${where}${header(x.response?.headers, 'retry-after') ? ` (Retry-After: ${header(x.response?.headers, 'retry-after')})` : ''}.`,
        { basis: 'server' },
      ),
      SCORE.status,
    );
  else if (
    s >= 500 &&
    !(st.error && st.error !== 'server_error' && st.error !== 'temporarily_unavailable')
  )
    add(
      finding('SERVER_ERROR', `HTTP ${s} from ${where}: ${st.said}.`, { basis: 'server' }),
      SCORE.status,
    );
}

interface Candidate {
  f: Finding;
  order: number;
}

/** A cause a generic dialect row documents for its catch-all answer. */
interface RowCandidate {
  code: CauseCode;
  means: string;
  source: string;
}

/** Causes that cannot be the cause with this client authentication method. */
function excludedFor(method: string | undefined): Set<CauseCode> {
  if (method === 'private_key_jwt') return new Set(['CLIENT_SECRET_INVALID']);
  if (method === 'client_secret_basic' || method === 'client_secret_post' || method === 'none')
    return new Set([
      'ASSERTION_SIGNATURE_INVALID',
      'ASSERTION_KID_NOT_FOUND',
      'ASSERTION_AUD_MISMATCH',
      'ASSERTION_EXPIRED',
      'ASSERTION_JTI_REUSED',
      'ASSERTION_ALG_NOT_ACCEPTED',
      'JWKS_UNREACHABLE',
      ...(method === 'none' ? (['CLIENT_SECRET_INVALID'] as const) : []),
    ]);
  return new Set();
}

/**
 * The causes that fit an answer which names none, ranked by what was sent: the causes the
 * server's own catch-all documents first, then those of the auth method, the grant, the endpoint.
 * Each says plainly that the server gave no reason, and none contradicts the auth method used.
 */
function candidates(
  x: DiagnosisInput,
  st: ServerStatement,
  families: Set<Family>,
  given: Cand[],
): Candidate[] {
  const out: Candidate[] = [];
  const gave = st.hasWords
    ? `The server answered ${st.said}, which names no single cause.`
    : `The server gave no reason (${st.said}).`;
  const checkErrors = given.filter((g) => g.f.basis === 'check' && g.f.severity === 'error');
  const clean = !checkErrors.some((g) => familyOf(g.f.code) === 'client-auth');
  const m = x.authMethod;
  const excluded = excludedFor(m);
  const push = (code: CauseCode, why: string, over: Partial<Finding> = {}) => {
    if (excluded.has(code) || out.some((o) => o.f.code === code)) return;
    out.push({
      f: finding(code, `${gave} ${why}`, {
        basis: 'inference',
        // Beside a failed check, an inference is only a "may be".
        ...(out.length || checkErrors.length ? { severity: 'warning' as const } : {}),
        ...over,
      }),
      order: out.length,
    });
  };
  const s = st.status ?? 0;
  const clientAuth =
    families.has('client-auth') ||
    ((x.endpoint === 'token' || x.endpoint === 'introspection' || x.endpoint === 'revocation') &&
      (s === 401 || s === 403) &&
      !st.error);
  const localWord = clean ? ' Nothing checked here explains it.' : '';
  const jku = typeof x.assertion?.header.jku === 'string' ? x.assertion.header.jku : undefined;

  if (x.endpoint === 'authorize') {
    if (x.redirect) {
      // The server redirected back: it accepted the client_id and the redirect_uri (RFC 6749
      // §4.1.2.1 forbids redirecting to an unverified URI), so the request itself was refused.
      if (families.has('scope'))
        push(
          'CONSENT_REQUIRED',
          'Some servers answer so when the user did not grant a requested scope.',
        );
      push(
        'PKCE_REQUIRED',
        'Servers that require PKCE refuse an authorize request without an S256 code_challenge this way.',
      );
      push(
        'REQUEST_MALFORMED',
        'Or a parameter of the authorize request is missing, repeated or not allowed (response_type, scope, aud, prompt).',
      );
      push('SCOPE_NOT_ALLOWED', 'Or a requested scope is not allowed for the client.');
      return out;
    }
    push(
      'REDIRECT_URI_MISMATCH',
      'An authorization server shows its own error page, instead of redirecting back, when the redirect_uri is not registered for the client (an exact string compare).',
    );
    push(
      'CLIENT_UNKNOWN',
      'It does the same when it does not know the client_id (wrong environment or tenant).',
    );
    push('PKCE_REQUIRED', 'Or when it requires a PKCE code_challenge that was not sent.');
    push('SCOPE_NOT_ALLOWED', 'Or when a requested scope is not allowed for the client.');
    return out;
  }
  if (clientAuth) {
    if (m === 'private_key_jwt') {
      if (jku)
        push(
          'JWKS_UNREACHABLE',
          `The assertion names its key set (jku ${jku}): a server that cannot fetch it (firewall, TLS, a non-JSON answer) refuses the assertion the same way.`,
        );
      push(
        'ASSERTION_SIGNATURE_INVALID',
        `With private_key_jwt the usual cause is the key: the public key registered for this client (its JWKS or JWKS URL) does not hold this kid, or holds a different key.${localWord}`,
        { title: 'The server may not verify the assertion with the registered key' },
      );
      push(
        'CLIENT_UNKNOWN',
        'A wrong client_id (another environment or tenant) gives the same answer.',
      );
      // An aud checked here against the URL called is a weaker candidate than a replayed jti.
      const aud = x.assertion?.claims.aud;
      const audChecked = !!x.url && (aud === x.url || (Array.isArray(aud) && aud.includes(x.url)));
      if (!audChecked)
        push(
          'ASSERTION_AUD_MISMATCH',
          'Some servers expect another aud than the token URL (their issuer, or a documented URL): compare with the server documentation.',
        );
      push(
        'ASSERTION_JTI_REUSED',
        'Or the same assertion (its jti) was sent before: servers refuse a replayed jti, so build a new assertion for every request.',
      );
      push(
        'ASSERTION_AUD_MISMATCH',
        'Some servers expect another aud than the token URL (their issuer, or a documented URL): compare with the server documentation.',
      );
      push(
        'CLIENT_DISABLED',
        'Or the client is registered but not enabled yet (an admin step, or keys that take time to sync).',
      );
      push(
        'AUTH_METHOD_MISMATCH',
        'Or the client is registered for another authentication method.',
      );
    } else if (m === 'client_secret_jwt') {
      push(
        'CLIENT_SECRET_INVALID',
        `With client_secret_jwt the usual cause is the secret the assertion was signed with (HMAC): it is not the client's current secret.${localWord}`,
      );
      push('CLIENT_UNKNOWN', 'A wrong client_id gives the same answer.');
      push(
        'AUTH_METHOD_MISMATCH',
        'Or the client is registered for another authentication method.',
      );
    } else if (m === 'client_secret_basic' || m === 'client_secret_post') {
      push(
        'CLIENT_SECRET_INVALID',
        `With ${m} the usual cause is the secret: wrong, expired, or (Basic) not form-encoded before base64.${localWord}`,
      );
      push(
        'CLIENT_UNKNOWN',
        'A wrong client_id (another environment, tenant or realm) gives the same answer.',
      );
      push(
        'AUTH_METHOD_MISMATCH',
        `Or the client is registered for another method (${m === 'client_secret_basic' ? 'client_secret_post, or a signed JWT' : 'client_secret_basic, or a signed JWT'}).`,
      );
      push('CLIENT_DISABLED', 'Or the client is registered but disabled.');
    } else if (m === 'none') {
      push(
        'AUTH_METHOD_MISMATCH',
        x.grant === 'client_credentials'
          ? 'The request carries no client authentication (none); client_credentials needs a confidential client.'
          : 'The request carries no client authentication (none): the client is registered as confidential (it needs a secret or key), or not as a public client.',
      );
      push('CLIENT_UNKNOWN', 'A wrong client_id gives the same answer.');
    } else {
      // The request is not known (only the answer was given): the common causes of any method.
      push(
        'CLIENT_SECRET_INVALID',
        'The request was not given, so its authentication is unknown: the most common cause is a wrong or expired client secret.',
      );
      push('CLIENT_UNKNOWN', 'Or a wrong client_id (another environment, tenant or realm).');
      push(
        'AUTH_METHOD_MISMATCH',
        'Or the client is registered for another authentication method than the one sent.',
      );
      push(
        'ASSERTION_SIGNATURE_INVALID',
        'With a signed client assertion: the registered key does not verify it.',
      );
    }
    return out;
  }
  if (x.endpoint === 'token') {
    if (!x.grant && st.error === 'invalid_grant') {
      // RFC 6749 §5.2: the grant (code, refresh token, credentials) is invalid, expired, revoked,
      // bound to another redirect URI or issued to another client.
      push(
        'CODE_INVALID',
        'The request was not given: invalid_grant is most often a code that expired, was used already, or was issued to another client.',
      );
      push(
        'REDIRECT_URI_MISMATCH',
        'Or the redirect_uri of the code exchange differs from the one of the authorize request.',
      );
      push(
        'REFRESH_INVALID',
        'Or, on a refresh, the refresh token is expired, revoked or rotated away.',
      );
      push('PKCE_MISMATCH', 'Or the code_verifier does not match the code_challenge.');
      return out;
    }
    if (x.grant === 'authorization_code') {
      push(
        'CODE_INVALID',
        'On a code exchange the usual cause is the code: expired (codes live about a minute), used already, or issued to another client.',
      );
      push(
        'REDIRECT_URI_MISMATCH',
        'Or the redirect_uri differs from the one of the authorize request.',
      );
      push('PKCE_MISMATCH', 'Or the code_verifier does not match the code_challenge.');
    } else if (x.grant === 'refresh_token') {
      push(
        'REFRESH_INVALID',
        'On a refresh the usual cause is the refresh token: expired, revoked, rotated away, or issued to another client.',
      );
    } else if (x.grant === 'password') {
      push(
        'USER_CREDENTIALS_INVALID',
        'On the password grant the usual cause is the user name or password.',
      );
      push('GRANT_NOT_ALLOWED', 'Or the password grant is not enabled for this client.');
    }
    if (s === 400 || !out.length)
      push(
        'REQUEST_MALFORMED',
        'A parameter the server requires may be missing, repeated or malformed.',
      );
    if (!families.has('scope'))
      push(
        'SCOPE_NOT_ALLOWED',
        'A requested scope the client may not use gives such answers on some servers.',
      );
    push('GRANT_NOT_ALLOWED', 'Or the grant type is not enabled for this client.');
    return out;
  }
  if (x.endpoint === 'resource' || x.endpoint === 'userinfo') {
    const r = x.resource;
    const exp =
      r?.expiresAt ?? (typeof r?.tokenClaims?.exp === 'number' ? r.tokenClaims.exp : undefined);
    const live = exp !== undefined && r?.at !== undefined && r.at < exp;
    if ((s === 401 || families.has('token')) && live) {
      push(
        'TOKEN_AUDIENCE_MISMATCH',
        `The token has not expired (exp ${new Date(exp * 1000).toISOString()}), so the usual cause is that ${ENDPOINT_WORDS[x.endpoint]} does not accept tokens from this authorization server or for this audience.`,
      );
      push('TOKEN_INVALID', 'Or the token was revoked at the server, or sent altered.');
      push(
        'REQUEST_MALFORMED',
        'Or the request lacks something the server requires beside the token (a vendor header such as Epic-Client-ID).',
      );
    } else if (s === 401) {
      push(
        'TOKEN_INVALID',
        `${cap(ENDPOINT_WORDS[x.endpoint])} did not accept the token: expired, revoked, or not for this server.`,
      );
      push('TOKEN_EXPIRED', 'Or the token expired before it was used.');
      push(
        'TOKEN_AUDIENCE_MISMATCH',
        'A token from another authorization server, tenant or audience gives the same answer.',
      );
      push(
        'REQUEST_MALFORMED',
        'Or the request lacks something the server requires beside the token (a vendor header such as Epic-Client-ID).',
      );
    } else if (s === 403) {
      push(
        'RESOURCE_FORBIDDEN',
        x.endpoint === 'userinfo'
          ? 'The token may lack the openid scope, or the user may not use userinfo.'
          : 'The token is valid but does not allow this call (scope, access policy, user mapping).',
      );
      push('TOKEN_AUDIENCE_MISMATCH', 'Or the token was minted for another resource or tenant.');
    } else if (s === 400) {
      push(
        'REQUEST_MALFORMED',
        'The resource server refused the request itself (a parameter, a header or the path).',
      );
      push(
        'ENDPOINT_NOT_FOUND',
        'Or the path is not one this server serves (a missing site or tenant segment).',
      );
      push(
        'TOKEN_INVALID',
        'Or it did not read the token (sent where it expects none, or in another form).',
      );
    }
    return out;
  }
  if (x.endpoint === 'registration') {
    if (s === 401 || s === 403)
      push(
        'REGISTRATION_NOT_OPEN',
        'A registration endpoint answers so when registration is closed or needs an initial access token.',
      );
    else
      push(
        'CLIENT_METADATA_INVALID',
        'A field of the client metadata was refused (redirect_uris, grant_types, token_endpoint_auth_method, jwks/jwks_uri, scope).',
      );
    return out;
  }
  if (s === 400)
    push('REQUEST_MALFORMED', 'A parameter the server requires may be missing or malformed.');
  return out;
}

/** Lets a check that explains a stated cause lead it (EXPLAINS). */
function explain(c: Cand[]) {
  for (const s of c) {
    if (s.f.basis !== 'server' || s.f.severity !== 'error') continue;
    const causes = EXPLAINS[s.f.code];
    if (!causes) continue;
    for (const g of c)
      if (
        g !== s &&
        (g.f.basis === 'check' || g.f.basis === 'history') &&
        g.f.severity === 'error' &&
        causes.includes(g.f.code)
      ) {
        g.score = Math.max(g.score, s.score + 1);
        const said = / The server answered .*$/.exec(s.f.evidence)?.[0] ?? '';
        if (said && !g.f.evidence.includes('answered'))
          g.f = { ...g.f, evidence: `${g.f.evidence}${said}` };
      }
  }
}

function done(
  c: Cand[],
  r: { ok: boolean; st: ServerStatement; parsed?: ParsedBody; stated: boolean; noAnswer?: boolean },
): Diagnosis {
  explain(c);
  const findings = rank(c);
  // Every refusal has at least one finding that names a cause.
  if (!r.ok && !r.noAnswer && !findings.some((f) => f.severity !== 'info')) {
    const s = r.st.status;
    findings.unshift(
      finding(
        s !== undefined && s >= 500 ? 'SERVER_ERROR' : 'REQUEST_MALFORMED',
        `The server refused the request (${r.st.said}) and nothing here names the cause.`,
        {
          basis: 'inference',
          title: 'The server refused the request without a reason',
          fix: 'Compare the request with the server’s documentation; the server’s log names the cause.',
        },
      ),
    );
  }
  return {
    ok: r.ok,
    findings,
    statement: r.st,
    ...(r.parsed ? { parsed: r.parsed } : {}),
    stated: r.stated,
  };
}

/** How a second piece of evidence for the same cause is introduced. */
const BASIS_LEAD: Record<Basis, string> = {
  server: 'The server also said',
  check: 'Checked here',
  history: 'Earlier',
  vendor: 'Known for this vendor',
  inference: 'Also inferred',
};

/**
 * One ranking: info notes last; otherwise by score (the basis, and how specific the evidence is;
 * a warning below the errors of its kind), then the order found. A reading of the answer that
 * only names a code gives its rank to a more specific finding of the same code (a check, a vendor
 * rule), which then carries what the server answered. A generated finding is dropped when a better
 * one has the same code; exact repeats are dropped.
 */
function rank(c: Cand[]): Finding[] {
  const eff = (x: Cand) => x.score - (x.f.severity === 'warning' ? WARNING_PENALTY : 0);
  const merged = c.map((x) => ({ ...x }));
  for (const m of merged) {
    if (!m.mergeable || m.f.severity === 'info') continue;
    const better = merged.find(
      (o) =>
        o !== m &&
        !o.mergeable &&
        o.f.code === m.f.code &&
        o.f.severity !== 'info' &&
        !o.candidate &&
        o.f.basis !== 'inference',
    );
    if (!better) continue;
    const said = / The server answered .*$/.exec(m.f.evidence)?.[0] ?? '';
    if (eff(m) > eff(better)) {
      better.score = m.score + (better.f.severity === 'warning' ? WARNING_PENALTY : 0);
      if (said && !better.f.evidence.includes('answered'))
        better.f = { ...better.f, evidence: `${better.f.evidence}${said}` };
    }
    m.score = -Infinity;
  }
  const sorted = merged
    .filter((x) => x.score !== -Infinity)
    .map((x, i) => ({ ...x, i }))
    .sort(
      (a, b) =>
        Number(a.f.severity === 'info') - Number(b.f.severity === 'info') ||
        eff(b) - eff(a) ||
        Number(a.f.severity === 'warning') - Number(b.f.severity === 'warning') ||
        a.i - b.i,
    );
  const out: Finding[] = [];
  const seen = new Set<string>();
  const codes = new Set<CauseCode>();
  for (const x of sorted) {
    const key = `${x.f.code}\u0000${x.f.evidence}`;
    if (seen.has(key)) continue;
    if (x.generated && codes.has(x.f.code)) continue;
    // One cause, one finding: a lower one of the same cause (a check behind the server's words)
    // adds what it found to the higher one.
    const same = out.findIndex((o) => o.code === x.f.code && o.severity !== 'info');
    if (same >= 0 && x.f.severity !== 'info') {
      const o = out[same]!;
      const more = x.f.evidence.replace(/ The server answered .*$/, '');
      out[same] = {
        ...o,
        ...(o.evidence.includes(more)
          ? {}
          : { evidence: `${o.evidence} ${BASIS_LEAD[x.f.basis]}: ${more}` }),
        // What the second piece shows failed is not a mere "may be".
        ...(x.f.severity === 'error' ? { severity: 'error' as const } : {}),
      };
      continue;
    }
    seen.add(key);
    codes.add(x.f.code);
    out.push(x.f);
  }
  return out;
}
