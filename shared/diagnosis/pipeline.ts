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
import {
  ENDPOINT_WORDS,
  cap,
  clockFinding,
  statusFindings,
  vendorContext,
} from './answer-findings.js';
import { candidates, excludedFor, type RowCandidate } from './candidates.js';
import { finding } from './catalog.js';
import type { CauseCode, Finding } from './codes.js';
import { DIALECTS } from './dialects/index.js';
import { detectServer, matchDialects } from './dialects/match.js';
import type { Diagnosis, DiagnosisInput } from './input.js';
import { SCORE, WARNING_PENALTY, explain, rankEvidence, scoreOf, type Cand } from './score.js';
import { CLIENT_AUTH_CODES, familyOf, meaningOfCode, type Family } from './standard.js';
import {
  looksLikeErrorPage,
  noStatement,
  readAnswer,
  readRedirect,
  type ServerStatement,
} from './statement.js';
import { transportFinding } from './token-response.js';
import { vendorFindings } from './vendor-rules.js';
import { readWords } from './words.js';
import { getPreset } from '../presets.js';
import { snippet, type ParsedBody } from '../tolerant-json.js';
import { headerValue } from '../headers.js';

export type { Diagnosis, DiagnosisInput } from './input.js';

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
  const read = x.read ?? (x.response ? readAnswer(x.response) : undefined);
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
    // A cancel is no refusal: no cause is inferred about a server that was not heard.
    const cancelled = x.transportError.code === 'CANCELLED';
    return done(c, {
      ok: false,
      st,
      parsed,
      stated: false,
      ...(cancelled ? { noAnswer: true } : {}),
    });
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
    getPreset(x.vendor?.profile.vendor)?.server ??
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
          parsed.refused
            ? `HTTP ${st.status}: ${parsed.refused}`
            : `HTTP ${st.status} with ${parsed.kind === 'empty' ? 'an empty body' : parsed.kind === 'html' ? `an HTML page: "${snippet(x.response?.body ?? '', 160)}"` : `plain text: "${snippet(x.response?.body ?? '', 160)}"`} where ${ENDPOINT_WORDS[x.endpoint]} answers with JSON: the URL is likely not the endpoint (a login or portal page), or a proxy answered.`,
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
        `HTTP ${st.status} with ${what}${parsed.kind === 'empty' ? '' : `: "${snippet(x.response?.body ?? '', 160)}"`} (Content-Type: ${headerValue(x.response?.headers, 'content-type') ?? 'none'}). ${parsed.kind === 'empty' ? 'The server gave no reason.' : 'The words on it were read for the cause.'}`,
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

function done(
  c: Cand[],
  r: { ok: boolean; st: ServerStatement; parsed?: ParsedBody; stated: boolean; noAnswer?: boolean },
): Diagnosis {
  explain(c);
  const findings = rankEvidence(c);
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
