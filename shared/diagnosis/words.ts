/**
 * The generic reader of a server's words: for phrasing no dialect row knows. It looks for the
 * words that name a cause (client id, secret, signature, key/kid, audience, expired, jti/replay,
 * redirect, verifier/challenge, scope, grant, disabled, consent…) and maps them to a cause code,
 * given what was called. Rows are in priority order: the first that matches names the cause; a
 * text that hedges between several ("e.g. unknown client, or unsupported authentication method")
 * names none of them.
 */
import type { CauseCode } from './codes.js';
import type { Endpoint } from './dialects/types.js';

/** What the reader needs to know of the request. */
export interface WordsContext {
  endpoint: Endpoint;
  grant?: string;
  /** A client assertion (private_key_jwt / client_secret_jwt) was sent. */
  assertion: boolean;
  authMethod?: string;
}

export interface WordsMatch {
  code: CauseCode;
  /** The words that matched, as the server wrote them. */
  term: string;
}

export interface WordsReading {
  /** The cause the words name, when they name one. */
  match?: WordsMatch;
  /** Every cause the words touch, first = most specific. */
  all: WordsMatch[];
  /** The words hedge between several causes, or only say client authentication failed. */
  generic: boolean;
  /** The words only say that client authentication failed. */
  clientAuthFailed: boolean;
}

type Pick = (c: WordsContext, text: string) => CauseCode | undefined;
interface Row {
  re: RegExp;
  code: CauseCode | Pick;
}

const tokenCall = (c: WordsContext) => c.endpoint === 'token';
const tokenUse = (c: WordsContext) =>
  c.endpoint === 'resource' || c.endpoint === 'userinfo' || c.endpoint === 'introspection';

/** Which thing expired or was reused: the code, the refresh token, the assertion or the token. */
const whichThing = (c: WordsContext, text: string): CauseCode => {
  if (/authori[sz]ation code|\bcode\b(?! challenge| verifier|_verifier|_challenge)/i.test(text))
    return c.grant === 'refresh_token' && /refresh/i.test(text)
      ? 'REFRESH_INVALID'
      : 'CODE_INVALID';
  if (/refresh/i.test(text)) return 'REFRESH_INVALID';
  if (/assertion|\bjwt\b|client_assertion|\bjti\b|\biat\b|\bnbf\b/i.test(text) && c.assertion)
    return 'ASSERTION_EXPIRED';
  if (tokenUse(c)) return 'TOKEN_EXPIRED';
  if (c.grant === 'authorization_code') return 'CODE_INVALID';
  if (c.grant === 'refresh_token') return 'REFRESH_INVALID';
  if (c.assertion) return 'ASSERTION_EXPIRED';
  return 'TOKEN_EXPIRED';
};

const ROWS: readonly Row[] = [
  {
    re: /client[ _-]?secret|\bsecret (is )?(invalid|wrong|incorrect|expired|mismatch|does not match)|(invalid|wrong|incorrect|bad) secret/i,
    code: 'CLIENT_SECRET_INVALID',
  },
  {
    re: /client_assertion_type|assertion[ _]type/i,
    code: (c) => (c.assertion ? 'ASSERTION_TYPE_INVALID' : 'AUTH_METHOD_MISMATCH'),
  },
  {
    re: /code[ _]verifier|pkce verification|\bverifier\b/i,
    code: (c) => (c.endpoint === 'authorize' ? 'PKCE_REQUIRED' : 'PKCE_MISMATCH'),
  },
  {
    re: /code[ _]challenge|\bpkce\b|proof key/i,
    code: (c) => (c.endpoint === 'token' ? 'PKCE_MISMATCH' : 'PKCE_REQUIRED'),
  },
  {
    re: /redirect[ _-]?ur[il]s?\b|redirect(ion)? (uri|url|address)|callback ur[il]|reply ur[il]|redirect_mismatch|redirect uri mismatch/i,
    code: (c) =>
      c.endpoint === 'registration' ? 'CLIENT_METADATA_INVALID' : 'REDIRECT_URI_MISMATCH',
  },
  {
    re: /\bjti\b|replay|token reuse|re-?used|already (been )?(used|redeemed|consumed|exchanged)|used (before|more than once|twice)|only be used once|one[- ]time use/i,
    code: (c, t) =>
      /\bjti\b|assertion|\bjwt\b/i.test(t) && c.assertion
        ? 'ASSERTION_JTI_REUSED'
        : /authori[sz]ation code|\bcode\b/i.test(t) || c.grant === 'authorization_code'
          ? 'CODE_INVALID'
          : /refresh/i.test(t) || c.grant === 'refresh_token'
            ? 'REFRESH_INVALID'
            : c.assertion
              ? 'ASSERTION_JTI_REUSED'
              : undefined,
  },
  {
    re: /(jwks|jwk set|key ?set|jwks_uri)\W+(\w+\W+){0,6}?(fetch|retriev|download|load|reach|resolv|connect|obtain|get)|(fetch|retriev|download|load|reach|resolv|connect|obtain|get)\w*\W+(\w+\W+){0,6}?(jwks|jwk set|key ?set|jwks_uri)/i,
    code: 'JWKS_UNREACHABLE',
  },
  {
    re: /\bkid\b|key ?id\b|no (matching|suitable|valid) (public )?key|(public )?key (was )?not found|unable to (find|locate|resolve) (a |the )?(public |signing )?key|unknown (public |signing )?key|could not find (a |the )?(public |signing )?key|no keys? (found|registered|available)/i,
    code: (c) => (tokenUse(c) ? 'TOKEN_INVALID' : 'ASSERTION_KID_NOT_FOUND'),
  },
  {
    re: /(\biss\b|issuer|\bsub\b|subject)\W+(\w+\W+){0,5}?(must|should|does not|doesn't|do not|not) (be )?(equal|match|the same)|(\biss\b|\bsub\b) (and|or) (\biss\b|\bsub\b)|(\biss\b|\bsub\b) mismatch/i,
    code: (c) => (c.assertion ? 'ASSERTION_ISS_SUB_MISMATCH' : 'ISSUER_MISMATCH'),
  },
  {
    re: /signature|integrity|verif(y|ication) (failed|of the)|(could|can) ?not (be )?verif|unable to verify|invalid(ly)? signed/i,
    code: (c) =>
      tokenUse(c)
        ? 'TOKEN_INVALID'
        : c.assertion || tokenCall(c)
          ? 'ASSERTION_SIGNATURE_INVALID'
          : undefined,
  },
  {
    re: /\balg(orithm)?\b|signing method/i,
    code: (c) => (tokenUse(c) ? 'TOKEN_INVALID' : 'ASSERTION_ALG_NOT_ACCEPTED'),
  },
  {
    re: /audience|\baud\b/i,
    code: (c) =>
      c.assertion && c.endpoint === 'token' ? 'ASSERTION_AUD_MISMATCH' : 'TOKEN_AUDIENCE_MISMATCH',
  },
  {
    re: /password (has )?expired|(invalid|wrong|incorrect|bad) (user ?name|username|user|password|credentials? of the user)|user ?name (or|and|\/) password|invalid user credentials|bad credentials|account (is )?(locked|disabled|not (fully )?set up|temporarily)|user (is )?(locked|disabled|not found|inactive|blocked)|resource owner/i,
    code: 'USER_CREDENTIALS_INVALID',
  },
  {
    re: /\bexpired?\b|expiration|\bexp\b|not yet valid|\bnbf\b|\biat\b|time ?range|valid time|validity|too old|in the future|issued in|clock/i,
    code: (c, t) => (/secret/i.test(t) ? 'CLIENT_SECRET_INVALID' : whichThing(c, t)),
  },
  {
    re: /missing (required )?claim|claim\W+(\w+\W+){0,4}?(is )?(missing|required|absent)|required claim/i,
    code: 'ASSERTION_MISSING_CLAIM',
  },
  {
    re: /authentication method|auth(entication)? (method|type|scheme)|only (be provided )?(using )?one (mechanism|method)|token_endpoint_auth_method|multiple (client )?(authentication|credentials)|more than one (client )?(authentication|credential)|public client|confidential client/i,
    code: 'AUTH_METHOD_MISMATCH',
  },
  {
    re: /(client|application|app)\W+(\w+\W+){0,3}?(is )?(disabled|not enabled|inactive|suspended|not approved|not active|pending approval|deactivated)/i,
    code: 'CLIENT_DISABLED',
  },
  {
    re: /client[ _-]?id\b|unknown client|client (was )?not found|no such client|client (does not|doesn't) exist|client not registered|application (was )?not found|unknown application|invalid client identifier|client_id/i,
    code: (c) => (c.endpoint === 'registration' ? undefined : 'CLIENT_UNKNOWN'),
  },
  {
    re: /(tenant|realm|directory|environment)\W+(\w+\W+){0,3}?(not found|does not exist|doesn't exist|unknown|invalid|disabled)|(unknown|invalid) (tenant|realm)/i,
    code: 'CLIENT_UNKNOWN',
  },
  {
    re: /consent/i,
    code: 'CONSENT_REQUIRED',
  },
  {
    re: /grant[ _]types?\b|grant type|direct access grant|service accounts?|(flow|grant) (is )?not (allowed|enabled|supported|permitted)/i,
    code: (c, t) =>
      /unknown|unsupported grant_type|missing|invalid grant_type|not recogni/i.test(t) &&
      !/for (this |the )?client|client is not/i.test(t) &&
      !c.grant
        ? 'GRANT_TYPE_INVALID'
        : 'GRANT_NOT_ALLOWED',
  },
  {
    re: /response[ _]type/i,
    code: 'GRANT_NOT_ALLOWED',
  },
  {
    re: /insufficient[ _]scope/i,
    code: 'RESOURCE_FORBIDDEN',
  },
  {
    re: /\bscopes?\b|permission/i,
    code: (c) =>
      tokenUse(c) || c.endpoint === 'resource' ? 'RESOURCE_FORBIDDEN' : 'SCOPE_NOT_ALLOWED',
  },
  {
    re: /authori[sz]ation code|(invalid|unknown|expired|bad) (authori[sz]ation )?code\b|\bcode (is )?(invalid|not valid|expired|not found)/i,
    code: 'CODE_INVALID',
  },
  {
    re: /refresh[ _]token|stale token|offline (session|token)|session (is )?not active/i,
    code: 'REFRESH_INVALID',
  },
  {
    re: /login[ _]required|interaction[ _]required|multi-?factor|\bmfa\b|sign[- ]?in (is )?required|must (sign|log) ?in/i,
    code: 'LOGIN_REQUIRED',
  },
  {
    re: /not active|inactive|revoked|malformed token|invalid (access )?token|token (is )?(invalid|not valid|malformed)|bad token/i,
    code: (c) =>
      c.endpoint === 'token'
        ? c.grant === 'refresh_token'
          ? 'REFRESH_INVALID'
          : undefined
        : c.endpoint === 'introspection'
          ? 'TOKEN_INACTIVE'
          : 'TOKEN_INVALID',
  },
  {
    re: /denied|not assigned|not (allowed|authori[sz]ed|permitted) to access|forbidden|no access|access policy/i,
    code: (c) =>
      c.endpoint === 'authorize'
        ? 'AUTHORIZATION_DENIED'
        : tokenUse(c)
          ? 'RESOURCE_FORBIDDEN'
          : undefined,
  },
  {
    re: /too many|rate ?limit|throttl|quota/i,
    code: 'RATE_LIMITED',
  },
  {
    re: /missing|required param|is required|must be (provided|present|included|sent)|duplicate|repeated|more than once|malformed|content[- ]type|media type|(could|can) ?not (be )?pars|invalid json|not (url-?)?encoded/i,
    code: 'REQUEST_MALFORMED',
  },
  {
    re: /internal (server )?error|unexpected error|exception|temporarily|unavailable|try again later/i,
    code: 'SERVER_ERROR',
  },
];

/** Words that only say client authentication failed, for one of several reasons. */
const CLIENT_AUTH_FAILED =
  /client authentication failed|authentication of the client failed|invalid client\b|invalid_client|unauthori[sz]ed|bad client credentials|invalid client credentials|client credentials (are )?invalid|authentication failed|not authenticated/i;

/** A text that lists several possible causes instead of naming one. */
const HEDGE =
  /\be\.g\.|\bi\.e\.|for example|such as|\bor\b[^.]*\bor\b|one of the following|either\b/i;

/** Reads the server's words. `texts` are the server's words, most authoritative first. */
export function readWords(texts: readonly string[], c: WordsContext): WordsReading {
  const all: WordsMatch[] = [];
  const joined = texts.join(' \u2014 ');
  for (const row of ROWS) {
    const m = row.re.exec(joined);
    if (!m) continue;
    const code = typeof row.code === 'function' ? row.code(c, joined) : row.code;
    if (code && !all.some((a) => a.code === code)) all.push({ code, term: m[0] });
  }
  const clientAuthFailed = CLIENT_AUTH_FAILED.test(joined);
  const hedged = HEDGE.test(joined) && all.length >= 2;
  const onlyFailed = !all.length && clientAuthFailed;
  const match = hedged ? undefined : all[0];
  return {
    ...(match ? { match } : {}),
    all,
    generic: hedged || onlyFailed,
    clientAuthFailed: onlyFailed || (hedged && clientAuthFailed),
  };
}
