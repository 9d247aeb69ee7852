import type { Finding } from './codes.js';
import { finding } from './catalog.js';
import type { GrantType, PkceMode } from '../types.js';

/** What the engine knows of the authorization whose code is exchanged. */
export interface PendingCodeFacts {
  code: string;
  /** The redirect_uri sent in the authorize request (the token request must repeat it). */
  redirectUri: string;
  codeVerifier?: string;
  pkce: PkceMode;
}

/**
 * Code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5): compares what was actually sent (the user may
 * have edited the draft) with what the engine knows about the code. Most likely cause first:
 * a redirect_uri or code_verifier that differs from the authorize request is certain, a code sent
 * twice is next, and a bare invalid_grant with neither means the code expired or was used.
 */
export function codeExchangeFindings(x: {
  pending: PendingCodeFacts;
  /** The code had already been sent once before this request. */
  wasRedeemed: boolean;
  /** Parameters as sent, secrets filled in. */
  sent: [string, string][];
  ok: boolean;
  error?: string;
  said: string;
}): Finding[] {
  const get = (k: string) => x.sent.find(([n]) => n === k)?.[1];
  const out: Finding[] = [];
  const tail = x.ok ? ' The server accepted it anyway.' : ` Server answered: ${x.said}.`;
  const sev = x.ok ? { severity: 'warning' as const } : {};
  const redirect = get('redirect_uri');
  if (redirect !== x.pending.redirectUri)
    out.push(
      finding(
        'REDIRECT_URI_MISMATCH',
        `${redirect === undefined ? 'No redirect_uri was sent' : `redirect_uri sent is "${redirect}"`}; the authorize request used "${x.pending.redirectUri}" and the token request must repeat it exactly.${tail}`,
        {
          ...sev,
          title: 'redirect_uri differs from the authorize request',
          fix: `Send redirect_uri=${x.pending.redirectUri} (byte-for-byte the value of the authorize request).`,
          source: 'RFC 6749 §4.1.3',
        },
      ),
    );
  const verifier = get('code_verifier');
  if (x.pending.codeVerifier !== undefined && verifier !== x.pending.codeVerifier)
    out.push(
      finding(
        'PKCE_MISMATCH',
        verifier === undefined
          ? `No code_verifier was sent, but the authorize request carried a ${x.pending.pkce} code_challenge.${tail}`
          : `The code_verifier sent (${verifier.length} chars) is not the one generated for this authorization, so it does not hash to the code_challenge.${tail}`,
        {
          ...sev,
          fix: 'Send the code_verifier generated with the challenge of this authorization (keep {{code_verifier}} in the draft).',
        },
      ),
    );
  if (x.pending.codeVerifier === undefined && verifier !== undefined && !x.ok)
    out.push(
      finding(
        'PKCE_MISMATCH',
        `A code_verifier was sent, but the authorize request had no code_challenge (PKCE off).${tail}`,
        { severity: 'warning', fix: 'Remove code_verifier, or authorize again with PKCE S256.' },
      ),
    );
  const code = get('code');
  if (code !== undefined && code !== x.pending.code)
    out.push(
      finding('CODE_INVALID', `The code sent is not the one received on the redirect.${tail}`, {
        ...sev,
        fix: 'Keep {{code}} in the draft, or authorize again.',
      }),
    );
  if (x.wasRedeemed && !x.ok)
    out.push(
      finding(
        'CODE_INVALID',
        `This code was already sent in an earlier token request; authorization codes are one-time use.${tail}`,
        {
          basis: 'history',
          title: 'Authorization code reused',
          fix: 'Authorize again to get a new code. (A server that sees a code twice may also revoke the tokens issued for it, RFC 6749 §4.1.2.)',
        },
      ),
    );
  if (!x.ok && x.error === 'invalid_grant' && !out.some((f) => f.severity === 'error'))
    out.push(
      finding(
        'CODE_INVALID',
        `Server answered ${x.said}: the redirect_uri and code_verifier sent match the authorize request, so the code itself was refused: it expired (codes live about a minute), was already used, or belongs to another client.`,
        {
          basis: 'server',
          fix: 'Authorize again and exchange the new code right away (turn on the automatic exchange).',
        },
      ),
    );
  return out;
}

/** A refresh the server refused (RFC 6749 §6): REFRESH_INVALID with what this session knows. */
export function refreshFailureFindings(x: {
  error?: string;
  said: string;
  /** When this refresh token was redeemed before in this session (and the server rotated it). */
  rotatedAwayAt?: string;
  /** When this refresh token was revoked in this session. */
  revokedAt?: string;
}): Finding[] {
  if (x.error !== 'invalid_grant') return [];
  const why = x.rotatedAwayAt
    ? `This refresh token was already used at ${x.rotatedAwayAt} in this session and the server rotates refresh tokens (it returned a new one then): it was rotated away. A server that sees a rotated token again may also revoke the whole grant.`
    : x.revokedAt
      ? `This refresh token was revoked in this session at ${x.revokedAt}.`
      : /expired/i.test(x.said)
        ? 'The refresh token has expired.'
        : 'The refresh token expired, was revoked (or its grant was), or was issued to another client.';
  return [
    finding('REFRESH_INVALID', `${why} Server answered: ${x.said}.`, {
      basis: x.rotatedAwayAt || x.revokedAt ? 'history' : 'server',
      fix: x.rotatedAwayAt
        ? 'Use the newest refresh token (the engine keeps it after each refresh), or authorize again.'
        : 'Authorize again to get a new refresh token.',
      source: 'RFC 6749 §6; RFC 9700 §4.14',
    }),
  ];
}

/** The server does not offer or allow this grant (RFC 6749 §5.2) for grants other than client_credentials. */
export function grantRefusalFindings(
  grant: GrantType,
  error: string | undefined,
  said: string,
): Finding[] {
  if (grant === 'client_credentials') return [];
  if (error !== 'unsupported_grant_type' && error !== 'unauthorized_client') return [];
  const fix =
    grant === 'password'
      ? 'The server has the password grant switched off (RFC 9700 §2.4 forbids it): use the authorization code flow with PKCE. OpenEMR: enable "password grant" in Administration > Config > Connectors only for testing.'
      : `Enable the ${grant} grant for this client on the server (grant_types in its registration).`;
  return [
    finding(
      'GRANT_NOT_ALLOWED',
      `grant_type=${grant} was refused: ${said}${error === 'unsupported_grant_type' ? ' (the server does not support this grant at all)' : ' (this client may not use it)'}.`,
      { basis: 'server', title: `The ${grant} grant is not allowed`, fix },
    ),
  ];
}

/** No refresh token in an authorization code (or password) response. */
export function refreshNotIssuedFinding(requestedScope: string, granted?: string): Finding {
  const scopes = requestedScope.split(/\s+/);
  const asked = ['offline_access', 'online_access'].filter((s) => scopes.includes(s));
  const dropped = granted ? asked.filter((s) => !granted.split(/\s+/).includes(s)) : [];
  return finding(
    'REFRESH_NOT_ISSUED',
    asked.length
      ? `No refresh_token in the response although ${asked.join(' and ')} was requested${dropped.length ? ` (and not granted: ${dropped.join(' ')})` : ''}: the client may not be allowed the refresh_token grant, or the user/server did not approve offline access.`
      : 'No refresh_token in the response, and neither offline_access nor online_access was requested.',
    {
      severity: 'warning',
      fix: asked.length
        ? 'Allow the refresh_token grant for the client on the server (grant_types) and approve offline access at the consent screen.'
        : 'Add offline_access (or online_access) to the scope and allow the refresh_token grant for the client.',
      source: 'SMART App Launch (offline_access / online_access); OpenID Connect Core §11',
    },
  );
}
