/** The candidate causes of an answer that names none, by what was sent. */
import { finding } from './catalog.js';
import type { CauseCode, Finding } from './codes.js';
import type { DiagnosisInput } from './input.js';
import type { Cand } from './score.js';
import { ENDPOINT_WORDS, cap } from './answer-findings.js';
import { familyOf, type Family } from './standard.js';
import type { ServerStatement } from './statement.js';

export interface Candidate {
  f: Finding;
  order: number;
}

/** A cause a generic dialect row documents for its catch-all answer. */
export interface RowCandidate {
  code: CauseCode;
  means: string;
  source: string;
}

/** Causes that cannot be the cause with this client authentication method. */
export function excludedFor(method: string | undefined): Set<CauseCode> {
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
export function candidates(
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
