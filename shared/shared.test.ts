import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  lintAssertion,
  lintTokenRequest,
  isSmartScope,
  CLIENT_ASSERTION_TYPE,
} from './diagnosis/assertion-lint.js';
import { scopeDiff } from './diagnosis/token-response.js';
import { decodeForDisplay, explainClaims, maskJwtSignature } from './jwt-view.js';
import { profileFileSchema, profileJsonSchema } from './profile-file.js';
import { redactHeaders, redactText, toCurl } from './redact.js';
import { AppFailure } from './result.js';
import { CAUSE_CODES } from './diagnosis/codes.js';
import { CATALOG } from './diagnosis/catalog.js';

const NOW = 1_800_000_000;
const good = () => ({
  header: { alg: 'RS384', kid: 'k1', typ: 'JWT' },
  claims: {
    iss: 'c1',
    sub: 'c1',
    aud: 'https://as.example/token',
    exp: NOW + 240,
    iat: NOW,
    jti: 'j1',
  },
});
const codes = (f: { code: string }[]) => f.map((x) => x.code);

describe('assertion lint (VENDORS.md section 7)', () => {
  it('passes a correct SMART assertion', () => {
    expect(
      lintAssertion({
        ...good(),
        tokenUrl: 'https://as.example/token',
        clientId: 'c1',
        acceptedAlgs: ['RS384', 'ES384'],
        now: NOW,
      }),
    ).toEqual([]);
  });
  it.each([
    [
      'aud with a trailing slash',
      { claims: { aud: 'https://as.example/token/' } },
      'ASSERTION_AUD_MISMATCH',
    ],
    ['expired', { claims: { exp: NOW - 1 } }, 'ASSERTION_EXPIRED'],
    ['exp too far', { claims: { exp: NOW + 301 } }, 'ASSERTION_EXP_TOO_FAR'],
    ['iss != sub', { claims: { iss: 'other' } }, 'ASSERTION_ISS_SUB_MISMATCH'],
    ['missing jti', { claims: { jti: undefined } }, 'ASSERTION_MISSING_CLAIM'],
    ['missing kid', { header: { kid: undefined } }, 'ASSERTION_MISSING_CLAIM'],
    ['typ not JWT', { header: { typ: 'at+jwt' } }, 'ASSERTION_MISSING_CLAIM'],
    ['alg not advertised', { header: { alg: 'RS256' } }, 'ASSERTION_ALG_NOT_ACCEPTED'],
    ['alg none', { header: { alg: 'none' } }, 'ASSERTION_ALG_NOT_ACCEPTED'],
  ])('%s', (_n, patch, code) => {
    const a = good();
    Object.assign(a.header, (patch as { header?: object }).header);
    Object.assign(a.claims, (patch as { claims?: object }).claims);
    const f = lintAssertion({
      ...a,
      tokenUrl: 'https://as.example/token',
      clientId: 'c1',
      acceptedAlgs: ['RS384', 'ES384'],
      now: NOW,
    });
    expect(codes(f)).toContain(code);
  });
  it('says when aud differs only by a trailing slash', () => {
    const a = good();
    a.claims.aud = 'https://as.example/token/';
    const f = lintAssertion({ ...a, tokenUrl: 'https://as.example/token', now: NOW });
    expect(f[0]?.evidence).toContain('trailing slash');
  });
  it('flags a reused jti, an unknown kid and a jku mismatch', () => {
    const f = lintAssertion({
      ...good(),
      header: { ...good().header, jku: 'https://x/jwks' },
      now: NOW,
      sentJtis: new Set(['j1']),
      jwksKids: ['k2'],
      registeredJku: 'https://y/jwks',
    });
    expect(codes(f)).toEqual(
      expect.arrayContaining([
        'ASSERTION_JTI_REUSED',
        'ASSERTION_KID_NOT_FOUND',
        'ASSERTION_JKU_MISMATCH',
      ]),
    );
  });
});

describe('token request lint', () => {
  const base: [string, string][] = [
    ['grant_type', 'client_credentials'],
    ['scope', 'system/Patient.rs'],
    ['client_assertion_type', CLIENT_ASSERTION_TYPE],
    ['client_assertion', 'eyJ.x.y'],
  ];
  it('accepts the SMART shape', () => {
    expect(lintTokenRequest({ params: base, headers: [], authMethod: 'private_key_jwt' })).toEqual(
      [],
    );
  });
  it('flags the jwt-bearer grant URN, a wrong assertion type, two auth methods and patient scopes', () => {
    const params: [string, string][] = [
      ['grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      ['scope', 'patient/Patient.read'],
      ['client_assertion_type', 'jwt'],
      ['client_assertion', 'eyJ.x.y'],
      ['client_secret', 's'],
    ];
    expect(codes(lintTokenRequest({ params, headers: [], authMethod: 'private_key_jwt' }))).toEqual(
      expect.arrayContaining([
        'GRANT_TYPE_INVALID',
        'ASSERTION_TYPE_INVALID',
        'AUTH_METHOD_MISMATCH',
      ]),
    );
    const p2: [string, string][] = [
      ['grant_type', 'client_credentials'],
      ['scope', 'patient/Patient.rs user/Observation.dsu'],
    ];
    expect(codes(lintTokenRequest({ params: p2, headers: [], authMethod: 'none' }))).toEqual(
      expect.arrayContaining(['SCOPE_INVALID_FOR_GRANT', 'SCOPE_SYNTAX']),
    );
  });
  it('knows SMART v1 and v2 scope syntax', () => {
    expect(
      [
        'system/*.rs',
        'system/Patient.read',
        'patient/Observation.rs?category=laboratory',
        'system/Patient.$export',
      ].every(isSmartScope),
    ).toBe(true);
    expect(['system/Patient.sr', 'system/Patient.readx', 'system/.rs'].some(isSmartScope)).toBe(
      false,
    );
  });
});

describe('scope diff', () => {
  it('diffs requested and granted scope', () => {
    expect(scopeDiff('a b c', 'a c d')).toEqual({
      requested: ['a', 'b', 'c'],
      granted: ['a', 'c', 'd'],
      missing: ['b'],
      extra: ['d'],
    });
  });
});

describe('JWT display decoding', () => {
  it.each(['a.b', '....', '.', 'abc', 'a.b.c.d'])(
    'rejects malformed %j with JWT_MALFORMED',
    (t) => {
      expect(() => decodeForDisplay(t)).toThrow(AppFailure);
      try {
        decodeForDisplay(t);
      } catch (e) {
        expect((e as AppFailure).code).toBe('JWT_MALFORMED');
      }
    },
  );
  it('decodes and explains claims with dates', () => {
    const jwt = 'eyJhbGciOiJSUzM4NCIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJjMSIsImV4cCI6MTgwMDAwMDMwMH0.c2ln';
    const d = decodeForDisplay(jwt);
    expect(d.header.alg).toBe('RS384');
    const e = explainClaims(d.claims, NOW);
    expect(e.find((x) => x.name === 'exp')?.date).toBe(new Date((NOW + 300) * 1000).toISOString());
    expect(e.find((x) => x.name === 'exp')?.meaning).toContain('in 5 min');
    expect(maskJwtSignature(jwt)).not.toContain('c2ln');
  });
});

describe('redaction', () => {
  it('replaces secrets (also URL-encoded) and credential headers', () => {
    const secrets = new Map([['s3cr3t/+=', '{{client_secret}}']]);
    expect(redactText('a=s3cr3t%2F%2B%3D&b=s3cr3t/+=', secrets)).toBe(
      'a={{client_secret}}&b={{client_secret}}',
    );
    expect(
      redactHeaders(
        [
          ['Authorization', 'Bearer abc.def.ghi'],
          ['accept', 'x'],
        ],
        new Map(),
      ),
    ).toEqual([
      ['Authorization', 'Bearer {{redacted}}'],
      ['accept', 'x'],
    ]);
    expect(
      toCurl({ method: 'POST', url: 'https://x/t', headers: [['a', "it's"]], body: 'q=1' }),
    ).toBe(`curl -X POST 'https://x/t' -H 'a: it'\\''s' --data-raw 'q=1'`);
  });
});

describe('profile file', () => {
  it('the committed JSON Schema matches the parser', () => {
    const committed = JSON.parse(
      readFileSync(new URL('./profile.schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(profileJsonSchema())));
  });
  it('accepts the documented shape and names the bad field', () => {
    expect(
      profileFileSchema.safeParse({
        name: 'n',
        clientId: 'c',
        scope: 's',
        auth: { method: 'private_key_jwt', alg: 'RS384', privateKeyPath: 'k.pem' },
      }).success,
    ).toBe(true);
    const bad = profileFileSchema.safeParse({
      name: 'n',
      clientId: 'c',
      scope: 's',
      tokenEndpoint: 'ftp://x',
      auth: { method: 'none' },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['tokenEndpoint']);
  });
});

describe('catalog', () => {
  it('has a title, fix and source for every cause code', () => {
    for (const c of CAUSE_CODES) {
      expect(CATALOG[c].title.length).toBeGreaterThan(5);
      expect(CATALOG[c].fix.length).toBeGreaterThan(5);
    }
  });
});
