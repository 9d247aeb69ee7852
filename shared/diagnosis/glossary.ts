import type { BreakName } from '../types.js';
import { CATALOG } from './catalog.js';
import { CAUSE_CODES, type CauseCode } from './codes.js';

/**
 * The glossary: one page per cause code (what it means, why it happens, how to fix it, sources).
 * The title, fix and source come from the catalogue the findings use; this file adds the
 * meaning, the usual reasons, the group and extra sources. The app's Glossary page, CAUSES.md
 * (build/scripts/gen-glossary.ts) and the break-it table below read the same data.
 */

export const GLOSSARY_GROUPS = [
  'Client assertion',
  'Client and grant',
  'Authorization code and browser',
  'Transport and server',
  'Tokens and resources',
] as const;
export type GlossaryGroup = (typeof GLOSSARY_GROUPS)[number];

export interface GlossaryEntry {
  code: CauseCode;
  group: GlossaryGroup;
  title: string;
  /** What the code means, in one or two sentences. */
  meaning: string;
  /** The usual reasons it happens. */
  why: string[];
  /** How to fix it. */
  fix: string;
  /** Specs and vendor documents the rule rests on. */
  sources: string[];
  /** The break-it toggle that makes this mistake on purpose, when there is one. */
  tryIt?: BreakName;
}

interface Extra {
  group: GlossaryGroup;
  meaning: string;
  why: string[];
  /** A fuller fix than the catalogue's short one. */
  fix?: string;
  sources?: string[];
}

const A: GlossaryGroup = 'Client assertion';
const C: GlossaryGroup = 'Client and grant';
const B: GlossaryGroup = 'Authorization code and browser';
const T: GlossaryGroup = 'Transport and server';
const R: GlossaryGroup = 'Tokens and resources';

const EXTRA: Record<CauseCode, Extra> = {
  ASSERTION_AUD_MISMATCH: {
    group: A,
    meaning:
      'The aud claim of the client assertion is not the URL the request was POSTed to (or not the value the vendor expects).',
    why: [
      'aud set to the issuer or the FHIR base instead of the token endpoint.',
      'A trailing slash, another port, http vs https, or an old token endpoint URL.',
      'The vendor expects a different audience (e.g. the tenant-specific token URL).',
    ],
  },
  ASSERTION_EXPIRED: {
    group: A,
    meaning: 'The exp claim of the client assertion is in the past when the server receives it.',
    why: [
      'The assertion was built once and reused later.',
      'exp computed in milliseconds or in the wrong time zone.',
      'The local clock is behind the server’s.',
    ],
  },
  ASSERTION_EXP_TOO_FAR: {
    group: A,
    meaning:
      'exp is more than 5 minutes ahead (SMART) or past the maximum lifetime the vendor allows.',
    why: [
      'A long-lived assertion to avoid re-signing.',
      'exp computed in milliseconds (a date far in the future).',
    ],
  },
  ASSERTION_ISS_SUB_MISMATCH: {
    group: A,
    meaning: 'iss or sub of the client assertion differs from the client_id, or from each other.',
    why: [
      'A user or service-account name used as sub.',
      'The client_id of another environment or tenant.',
    ],
  },
  ASSERTION_JTI_REUSED: {
    group: A,
    meaning: 'The jti of the client assertion was already used: assertions are one-time.',
    why: [
      'An assertion cached and sent twice (a retry, a second request).',
      'A fixed or badly random jti.',
    ],
  },
  ASSERTION_MISSING_CLAIM: {
    group: A,
    meaning: 'A claim or header the spec requires (iss, sub, aud, exp, jti, kid, typ) is absent.',
    why: ['A hand-built JWT or a library default that leaves kid, typ or jti out.'],
  },
  ASSERTION_ALG_NOT_ACCEPTED: {
    group: A,
    meaning:
      'The assertion is signed with an algorithm the server does not advertise or the vendor does not accept for this client.',
    why: [
      'RS256 (a library default) where SMART asks for RS384 or ES384.',
      'The alg registered for the client differs from the one used to sign.',
    ],
  },
  ASSERTION_KID_NOT_FOUND: {
    group: A,
    meaning: 'The kid in the assertion header is not in the JWKS the server uses for this client.',
    why: [
      'A new key generated but not published or registered.',
      'The JWKS URL registered is another one than the one updated.',
      'The server cached the old JWKS.',
    ],
  },
  ASSERTION_SIGNATURE_INVALID: {
    group: A,
    meaning: 'The assertion’s signature does not verify with the key registered for its kid.',
    why: [
      'Signed with another private key than the one whose public key is registered.',
      'Two keys share the same kid.',
      'The JWT was changed after signing.',
    ],
  },
  ASSERTION_JKU_MISMATCH: {
    group: A,
    meaning: 'The jku header names another JWKS URL than the one registered for the client.',
    why: ['jku copied from another environment, or with a different spelling of the same URL.'],
  },
  ASSERTION_IN_AUTH_HEADER: {
    group: A,
    meaning:
      'The client assertion was sent as an Authorization header instead of the client_assertion form parameter.',
    why: ['Treating the assertion like a bearer token.'],
  },
  ASSERTION_TYPE_INVALID: {
    group: A,
    meaning: 'client_assertion_type is missing or not the jwt-bearer URN.',
    why: ['A typo in the URN, or the grant URN used in its place.'],
  },
  CLOCK_SKEW: {
    group: A,
    meaning:
      'The local clock differs from the server’s Date header by enough to break iat, exp or nbf.',
    why: ['No time synchronisation on the client machine or in a container/VM.'],
    sources: ['RFC 7523 §3'],
  },
  CLIENT_UNKNOWN: {
    group: C,
    meaning: 'The server does not know the client_id.',
    why: [
      'A typo in the client_id.',
      'The client is registered in another environment (sandbox vs production), tenant or realm.',
      'The registration was deleted.',
    ],
  },
  CLIENT_DISABLED: {
    group: C,
    meaning: 'The client exists but is not enabled or approved yet.',
    why: ['A manual approval step on the server (e.g. OpenEMR’s admin enable step).'],
  },
  CLIENT_SECRET_INVALID: {
    group: C,
    meaning: 'The client secret was refused.',
    why: [
      'A wrong, rotated or expired secret.',
      'Basic authentication without form-encoding the id and secret first.',
    ],
  },
  AUTH_METHOD_MISMATCH: {
    group: C,
    meaning:
      'The client authentication sent differs from the method registered for the client, or two methods were sent at once.',
    why: [
      'client_secret_post sent to a client registered for client_secret_basic (or the reverse).',
      'An assertion and a secret in the same request.',
    ],
  },
  GRANT_NOT_ALLOWED: {
    group: C,
    meaning: 'The grant type is not enabled for this client or on this server.',
    why: [
      'The client’s grant_types do not include it.',
      'Service accounts (client_credentials) are off for the client.',
    ],
  },
  GRANT_TYPE_INVALID: {
    group: C,
    meaning: 'grant_type is missing or wrong.',
    why: ['The jwt-bearer grant URN used for client_credentials (RFC 7523 §2.1 vs §2.2).'],
  },
  SCOPE_NOT_ALLOWED: {
    group: C,
    meaning:
      'A requested scope is not registered or pre-authorized for the client, or is disabled on the server.',
    why: [
      'A broader scope than the one registered (system/*.cruds instead of system/Patient.rs).',
      'The scope is not in scopes_supported.',
    ],
  },
  SCOPE_INVALID_FOR_GRANT: {
    group: C,
    meaning: 'The scope kind cannot be used with this grant.',
    why: ['patient/ or user/ scopes in a client_credentials request.'],
  },
  SCOPE_SYNTAX: {
    group: C,
    meaning: 'The scope string is malformed.',
    why: [
      'SMART v2 letters out of order (.sr instead of .rs).',
      'A v1 scope sent to a v2-only server, or the wrong case.',
    ],
  },
  SCOPE_NARROWED: {
    group: C,
    meaning: 'The server granted fewer scopes than requested (a warning: the token still works).',
    why: ['The client or the user is not allowed some of the scopes; the server dropped them.'],
  },
  REDIRECT_URI_MISMATCH: {
    group: B,
    meaning:
      'The redirect_uri differs from the registered one, or from the one sent on the authorize request (exact string compare).',
    why: [
      'Another port, path, trailing slash or localhost vs 127.0.0.1.',
      'A different redirect_uri at the code exchange than at the authorize request.',
    ],
  },
  PKCE_REQUIRED: {
    group: B,
    meaning: 'The server requires a code_challenge that was not sent.',
    why: ['PKCE switched off, or a client library without PKCE support.'],
  },
  PKCE_MISMATCH: {
    group: B,
    meaning:
      'The code_verifier does not match the code_challenge, or plain was used where S256 is required.',
    why: [
      'The verifier of another authorization (two sign-ins at once, a lost session).',
      'The challenge computed wrongly (not base64url of SHA-256).',
    ],
  },
  STATE_MISMATCH: {
    group: B,
    meaning:
      'The state on the redirect is missing, reused or different from the one sent with this authorization.',
    why: [
      'An old sign-in tab finished after a new authorization started.',
      'Two sign-ins at once in the same browser.',
      'A forged redirect (CSRF) — the reason the check exists.',
    ],
    fix: 'Start the authorization again from this app and finish it in the same browser tab; never redeem a code whose state does not match.',
    sources: ['RFC 9700 §2.1'],
  },
  CODE_INVALID: {
    group: B,
    meaning:
      'The authorization code is expired, already used, or bound to another client or redirect_uri.',
    why: [
      'The code was redeemed twice (a retry).',
      'Too long between the redirect and the exchange.',
    ],
  },
  ISSUER_MISMATCH: {
    group: B,
    meaning:
      'The iss on the callback (RFC 9207) or in the id_token is not the issuer the app expects.',
    why: [
      'Another authorization server answered (mix-up).',
      'The profile’s issuer is spelled differently from discovery’s.',
    ],
    fix: 'Compare the issuer from discovery with iss on the redirect and in the id_token, byte for byte; make sure only one authorization server uses this redirect URI.',
  },
  ID_TOKEN_INVALID: {
    group: B,
    meaning: 'A check of the id_token failed: signature, aud, nonce, exp or at_hash.',
    why: ['A nonce from another sign-in, a clock problem, or a token from another issuer.'],
  },
  LAUNCH_AUD_MISSING: {
    group: B,
    meaning:
      'The SMART aud parameter (the FHIR base URL) is missing or wrong on the authorize request.',
    why: ['A SMART profile without a FHIR base URL, or aud set to the issuer.'],
  },
  ENDPOINT_NOT_FOUND: {
    group: T,
    meaning: 'The endpoint answered 404 or 405.',
    why: [
      'A wrong path (a missing /auth prefix, another realm or tenant).',
      'The API is disabled on the server.',
    ],
  },
  WRONG_TOKEN_ENDPOINT: {
    group: T,
    meaning: 'The request went to another URL than the token_endpoint discovery advertises.',
    why: ['A hand-typed token URL, or one from another environment.'],
  },
  NON_JSON_RESPONSE: {
    group: T,
    meaning: 'The body is not JSON: an HTML error page, a PHP notice before the JSON, or empty.',
    why: ['A proxy or gateway error page, a server crash, or the wrong URL.'],
  },
  TLS_UNTRUSTED: {
    group: T,
    meaning: 'The server’s certificate is not trusted.',
    why: ['Self-signed, a missing intermediate or CA, a name mismatch, or expired.'],
  },
  NETWORK_ERROR: {
    group: T,
    meaning: 'The server could not be reached: DNS, connection refused, reset or timeout.',
    why: ['A wrong host or port, VPN or proxy settings, or the server is down.'],
  },
  JWKS_UNREACHABLE: {
    group: T,
    meaning: 'A JWKS URL could not be fetched or parsed (by us, so likely by the server too).',
    why: ['The URL needs authentication, is not public, or does not return {"keys":[...]}.'],
  },
  SERVER_ERROR: {
    group: T,
    meaning: 'The server failed: a 5xx, server_error or temporarily_unavailable.',
    why: ['A bug or outage on the server side; rarely the request itself.'],
  },
  DISCOVERY_INCOMPLETE: {
    group: T,
    meaning: 'A required discovery field is missing or contradicts the other document.',
    why: ['A partial smart-configuration, or one that disagrees with openid-configuration.'],
  },
  TOKEN_EXPIRED: {
    group: R,
    meaning: 'The access token is past exp (or expires_in) when used.',
    why: ['A cached token used too long; no refresh scheduled.'],
  },
  TOKEN_AUDIENCE_MISMATCH: {
    group: R,
    meaning: 'The token was minted for another resource or tenant than the one called.',
    why: ['A token from another environment, or resource/aud not set when requesting it.'],
  },
  RESOURCE_FORBIDDEN: {
    group: R,
    meaning: 'The token is valid, but the resource server answered 403.',
    why: ['Missing scope, a policy on the server, or the user is not mapped to the data.'],
  },
  REFRESH_NOT_ISSUED: {
    group: R,
    meaning: 'No refresh token came with the tokens.',
    why: ['offline_access not requested, or not allowed for this client type.'],
  },
  REFRESH_INVALID: {
    group: R,
    meaning: 'The refresh token is expired, revoked, rotated away or bound to another client.',
    why: ['An old refresh token used after rotation, or a session ended on the server.'],
  },
  TOKEN_SIGNATURE_INVALID: {
    group: R,
    meaning: 'A token’s signature does not verify with the server’s published JWKS.',
    why: ['A token from another server, or the wrong jwks_uri.'],
  },
  TOKEN_RESPONSE_INVALID: {
    group: R,
    meaning: 'The token response does not follow the spec (missing or wrongly typed fields).',
    why: ['A server bug: token_type missing, expires_in as a string, no scope in a SMART answer.'],
  },
  TOKEN_INACTIVE: {
    group: R,
    meaning: 'Introspection says the token is not active.',
    why: ['Expired, revoked, or never issued by this server.'],
  },
  GRANT_INSECURE: {
    group: C,
    meaning: 'The password grant hands the user’s password to the client; it must not be used.',
    why: ['A legacy integration, or a server that still offers the grant for testing.'],
  },
  CLIENT_METADATA_INVALID: {
    group: C,
    meaning: 'Dynamic registration refused the client metadata.',
    why: ['A field the server does not accept: redirect_uris, grant_types, auth method, jwks.'],
  },
  AUTHORIZATION_DENIED: {
    group: B,
    meaning: 'The authorization was refused at the server (the user, the policy, or the request).',
    why: ['The user declined, is not allowed to use the app, or the request was refused.'],
  },
  AUTHORIZATION_TIMEOUT: {
    group: B,
    meaning: 'The browser never came back to the app within the time limit.',
    why: [
      'The sign-in was not finished.',
      'The server showed an error page instead of redirecting (unknown client or redirect_uri).',
    ],
  },
  DEVICE_CODE_EXPIRED: {
    group: B,
    meaning: 'The device code expired before the user finished signing in.',
    why: ['The user took longer than expires_in.'],
  },
  TOKEN_LIFETIME: {
    group: R,
    meaning: 'The token lifetime differs from what the vendor documents.',
    why: ['Server configuration differs from the documentation.'],
  },
  BULK_TYPE_IGNORED: {
    group: R,
    meaning: 'A bulk export holds resource types that _type did not ask for.',
    why: ['The server ignores _type, or the token’s scope does not cover every type.'],
  },
  TOKEN_STILL_ACTIVE: {
    group: R,
    meaning: 'A token revoked in this session still works.',
    why: ['The server does not support revocation for this token type, or caches its checks.'],
  },
  TOKEN_INVALID: {
    group: R,
    meaning: 'The resource server refused the access token as invalid.',
    why: ['A truncated or changed token, a token from another server, or a revoked one.'],
  },
  USER_CREDENTIALS_INVALID: {
    group: C,
    meaning: 'The user name or password was refused.',
    why: ['A wrong password, or the account is disabled, locked or has a pending action.'],
  },
  CONSENT_REQUIRED: {
    group: B,
    meaning: 'The user (or an administrator) has not consented to the requested scopes.',
    why: ['prompt=none without earlier consent, or admin-consent scopes.'],
  },
  LOGIN_REQUIRED: {
    group: B,
    meaning: 'The server needs the user to sign in, or to do more (MFA, a required action).',
    why: ['prompt=none without a session, or an extra step the server requires.'],
  },
  REQUEST_MALFORMED: {
    group: C,
    meaning: 'The request is malformed: a parameter missing, repeated, or wrongly encoded.',
    why: ['JSON sent instead of a form, a parameter twice, or a missing required parameter.'],
  },
  RATE_LIMITED: {
    group: T,
    meaning: 'The server refused because of too many requests.',
    why: ['A token requested per call, or polling too fast.'],
  },
  REGISTRATION_NOT_OPEN: {
    group: C,
    meaning: 'The server does not accept this dynamic registration request.',
    why: ['Registration is closed, or needs an initial access token or a software statement.'],
  },
};

/** The sources of a catalogue entry: its source line split at ";" plus the extra ones. */
function sourcesOf(code: CauseCode, extra: string[] = []): string[] {
  const own = CATALOG[code].source
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...new Set([...own, ...extra])];
}

/**
 * Break-it mode: each toggle makes one deliberate mistake, in the request it names, and says
 * which cause the diagnosis should name first. The engine (electron/core/features/break-it.ts)
 * makes the change; the UI lists these lines.
 */
export interface BreakInfo {
  name: BreakName;
  /** Where the mistake is made. */
  where: 'assertion' | 'token request' | 'authorize request' | 'callback' | 'code exchange';
  /** One line: what it changes. */
  summary: string;
  expected: CauseCode;
}

export const BREAKS: readonly BreakInfo[] = [
  {
    name: 'aud',
    where: 'assertion',
    summary: 'aud names another URL than the token endpoint.',
    expected: 'ASSERTION_AUD_MISMATCH',
  },
  {
    name: 'exp',
    where: 'assertion',
    summary: 'exp is 10 minutes in the past.',
    expected: 'ASSERTION_EXPIRED',
  },
  {
    name: 'jti-reuse',
    where: 'assertion',
    summary: 'jti is the one of the last assertion sent (send one first).',
    expected: 'ASSERTION_JTI_REUSED',
  },
  {
    name: 'alg',
    where: 'assertion',
    summary: 'signed with another alg than the registered one.',
    expected: 'ASSERTION_ALG_NOT_ACCEPTED',
  },
  {
    name: 'kid',
    where: 'assertion',
    summary: 'kid names a key the server does not have.',
    expected: 'ASSERTION_KID_NOT_FOUND',
  },
  {
    name: 'iss-sub',
    where: 'assertion',
    summary: 'sub differs from iss (the client_id).',
    expected: 'ASSERTION_ISS_SUB_MISMATCH',
  },
  {
    name: 'scope',
    where: 'token request',
    summary: 'adds a scope the client is not allowed (a write-all scope).',
    expected: 'SCOPE_NOT_ALLOWED',
  },
  {
    name: 'verifier',
    where: 'code exchange',
    summary: 'sends another code_verifier than the one behind the challenge.',
    expected: 'PKCE_MISMATCH',
  },
  {
    name: 'redirect-uri',
    where: 'code exchange',
    summary: 'sends another redirect_uri than the one on the authorize request.',
    expected: 'REDIRECT_URI_MISMATCH',
  },
  {
    name: 'state',
    where: 'callback',
    summary: 'the app expects another state than the one sent, so the callback does not match.',
    expected: 'STATE_MISMATCH',
  },
];

export const breakInfo = (name: BreakName): BreakInfo => BREAKS.find((b) => b.name === name)!;

/** The breaks that fit a profile's flow and client authentication, in table order. */
export function breaksFor(p: {
  flow: 'backend-services' | 'authorization-code' | 'device-code' | 'password';
  authMethod: string;
  pkce?: string;
  /** The request the control sits beside: the token request or the authorize request. */
  at: 'token' | 'authorize';
}): BreakInfo[] {
  const jwt = p.authMethod === 'private_key_jwt' || p.authMethod === 'client_secret_jwt';
  const code = p.flow === 'authorization-code';
  return BREAKS.filter((b) => {
    if (b.where === 'assertion')
      return jwt && (b.name !== 'kid' || p.authMethod === 'private_key_jwt');
    if (b.name === 'scope') return p.at === 'authorize' ? code : !code;
    if (!code) return false;
    if (b.name === 'verifier') return p.pkce !== 'off';
    if (b.name === 'state') return p.at === 'authorize';
    return true;
  });
}

/** Every cause code's glossary page, in CAUSE_CODES order. */
export const GLOSSARY: readonly GlossaryEntry[] = CAUSE_CODES.map((code) => {
  const e = EXTRA[code];
  const tryIt = BREAKS.find((b) => b.expected === code)?.name;
  return {
    code,
    group: e.group,
    title: CATALOG[code].title,
    meaning: e.meaning,
    why: e.why,
    fix: e.fix ?? CATALOG[code].fix,
    sources: sourcesOf(code, e.sources),
    ...(tryIt ? { tryIt } : {}),
  };
});

export const glossaryEntry = (code: string): GlossaryEntry | undefined =>
  GLOSSARY.find((g) => g.code === code);

/** Case-insensitive search over code, title, meaning and reasons; every word must match. */
export function searchGlossary(query: string): GlossaryEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...GLOSSARY];
  return GLOSSARY.filter((g) => {
    const text = [g.code, g.code.replace(/_/g, ' '), g.title, g.meaning, ...g.why]
      .join(' ')
      .toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The glossary as Markdown (shared/diagnosis/CAUSES.md is this, generated). */
export function glossaryMarkdown(): string {
  const out: string[] = [
    '# Diagnosis cause codes',
    '',
    '<!-- Generated by `npm run glossary` from shared/diagnosis/glossary.ts and catalog.ts; do not edit by hand. -->',
    '',
    'Every finding the engine produces carries one of these cause codes (stable strings used by the UI,',
    'the CLI’s `--json` output, reports and tests). The app shows the same pages in its Glossary.',
    '',
  ];
  for (const group of GLOSSARY_GROUPS) {
    out.push(`## ${group}`, '');
    for (const g of GLOSSARY.filter((x) => x.group === group))
      out.push(
        `### \`${g.code}\``,
        '',
        `**${g.title}.** ${g.meaning}`,
        '',
        'Why it happens:',
        '',
        ...g.why.map((w) => `- ${w}`),
        '',
        `How to fix it: ${g.fix}`,
        '',
        `Sources: ${g.sources.join('; ')}`,
        ...(g.tryIt ? ['', `Try it: break-it mode, \`${g.tryIt}\`.`] : []),
        '',
      );
  }
  return out.join('\n');
}
