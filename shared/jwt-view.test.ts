import { describe, expect, it } from 'vitest';
import { explainClaims, guessJwtKind, relativeSeconds } from './jwt-view.js';

const NOW = 1_800_000_000;
const meaning = (
  claims: Record<string, unknown>,
  kind: Parameters<typeof explainClaims>[2],
  name: string,
) => explainClaims(claims, NOW, kind).find((c) => c.name === name)!.meaning;

describe('claims explained for the token at hand', () => {
  const claims = {
    iss: 'https://as.example',
    sub: 'alice',
    aud: 'https://fhir.example',
    jti: 'j1',
  };

  it('an access token: aud is the resource server, nothing about client assertions (RFC 9068)', () => {
    const aud = meaning(claims, 'access_token', 'aud');
    expect(aud).toContain('resource server');
    expect(aud).toContain('RFC 9068');
    expect(aud).not.toMatch(/assertion|token endpoint/i);
    expect(meaning(claims, 'access_token', 'sub')).not.toMatch(/assertion/i);
    expect(meaning(claims, 'access_token', 'jti')).not.toMatch(/assertion|replay/i);
  });

  it('an id_token: aud holds the client_id (OpenID Connect Core §2)', () => {
    const aud = meaning(claims, 'id_token', 'aud');
    expect(aud).toContain('client_id');
    expect(aud).toContain('OpenID Connect Core §2');
    expect(aud).not.toMatch(/assertion|resource server/i);
  });

  it('a client assertion: aud is the token endpoint, jti guards replay (RFC 7523 §3)', () => {
    expect(meaning(claims, 'client_assertion', 'aud')).toContain('token endpoint URL');
    expect(meaning(claims, 'client_assertion', 'aud')).toContain('RFC 7523 §3');
    expect(meaning(claims, 'client_assertion', 'jti')).toContain('replay');
  });

  it('guesses the kind of a pasted token from what it carries', () => {
    expect(guessJwtKind({ typ: 'at+jwt' }, {})).toBe('access_token');
    expect(guessJwtKind({}, { nonce: 'n', aud: 'c' })).toBe('id_token');
    expect(guessJwtKind({}, { scope: 'a', client_id: 'c' })).toBe('access_token');
    expect(
      guessJwtKind({}, { iss: 'c', sub: 'c', jti: 'j', aud: 'https://as.example/token' }),
    ).toBe('client_assertion');
    expect(guessJwtKind({}, { iss: 'x' })).toBe('jwt');
  });
});

describe('relative times', () => {
  it('reads the past as "… ago" (now is "0 s ago") and the future as "in …"', () => {
    expect(relativeSeconds(0)).toBe('0 s ago');
    expect(relativeSeconds(-0.3)).toBe('0 s ago');
    expect(relativeSeconds(0.3)).toBe('0 s ago');
    expect(relativeSeconds(-12)).toBe('12 s ago');
    expect(relativeSeconds(-75)).toBe('1 min 15 s ago');
    expect(relativeSeconds(5)).toBe('in 5 s');
    expect(relativeSeconds(300)).toBe('in 5 min 0 s');
  });

  it('an iat of now is "0 s ago" in its explanation, an exp ahead "in …"', () => {
    const e = explainClaims({ iat: NOW, exp: NOW + 300, nbf: NOW - 30 }, NOW, 'access_token');
    expect(e.find((c) => c.name === 'iat')!.meaning).toMatch(/\(0 s ago\)$/);
    expect(e.find((c) => c.name === 'exp')!.meaning).toMatch(/\(in 5 min 0 s\)$/);
    expect(e.find((c) => c.name === 'nbf')!.meaning).toMatch(/\(30 s ago\)$/);
    expect(e.map((c) => c.meaning).join(' ')).not.toContain('(in 0 s)');
  });
});
