// SECURITY.md §7, cases 1–4, 7, 8 and 10: hostile JOSE input through the real decoders and
// validators (shared/jwt-view.ts, the engine's decodeToken over the dispatch every host uses,
// the id_token validator, the JWKS key selection, the passphrase secret store).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { CompactEncrypt, SignJWT, base64url, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/api/dispatch.js';
import { decodeForDisplay } from '../../shared/jwt-view.js';
import { AppFailure, type Result } from '../../shared/result.js';
import type { TokenView } from '../../shared/types.js';
import { idTokenView } from '../core/id-token.js';
import { selectVerificationKey } from '../core/keys.js';
import { decryptWithPassphrase, encryptWithPassphrase } from '../core/secret-stores.js';
import { must, recordedExchanges, testEngine } from '../core/test-helpers.js';

const b64 = (v: unknown) => base64url.encode(typeof v === 'string' ? v : JSON.stringify(v));
const NOW = Math.floor(Date.now() / 1000);

/** The failure decodeForDisplay throws (AppFailure), or a test failure when it returns. */
function malformed(jwt: string): AppFailure {
  try {
    decodeForDisplay(jwt);
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error(`decoded: ${jwt}`);
}

/** decodeToken as a host calls it: through dispatch, so nothing can throw across the contract. */
const decodeToken = (engine: ReturnType<typeof testEngine>, args: Record<string, unknown>) =>
  dispatch(engine, 'decodeToken', [args]) as Promise<Result<TokenView>>;

/** A compact JWS with any header, signed by hand over header.payload (RS256). */
function signRaw(header: Record<string, unknown>, payloadSegment: string, key: KeyObject): string {
  const input = `${b64(header)}.${payloadSegment}`;
  return `${input}.${nodeSign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const H = b64({ alg: 'RS256', typ: 'JWT' });
const C = b64({ sub: 'alice' });

describe('sec-01 malformed JWTs', () => {
  const cases: [string, string, RegExp][] = [
    ['a.b', 'a.b', /3 dot-separated segments.*this has 2/],
    ['....', '....', /this has 5/],
    ['.', '.', /this has 2/],
    [
      'non-base64url characters',
      `${H}.${C}*!.sig`,
      /claims segment is an invalid claims set: character "\*"/,
    ],
    [
      'padding =',
      `${H}=.${C}.sig`,
      /header segment is an invalid JOSE header: character "=".*no "=" padding/,
    ],
    ['a 4th segment', `${H}.${C}.sig.more`, /this has 4/],
    ['an empty payload', `${H}..sig`, /invalid claims set: the segment is empty/],
  ];
  it.each(cases)('sec-01 %s: a typed JWT_MALFORMED, never another exception', (_n, jwt, msg) => {
    const e = malformed(jwt);
    expect(e.code).toBe('JWT_MALFORMED');
    expect(e.message).toMatch(msg);
    expect(e.fix).toBeTruthy();
  });

  it('sec-01 through the contract: an error Result for each, no exception crosses it', async () => {
    const engine = testEngine();
    for (const [, jwt] of cases) {
      const r = await decodeToken(engine, { token: jwt });
      // Text with no JWT shape (no "eyJ", not three segments) may be an opaque token: it is shown
      // as one, not decoded. Everything shaped like a JWT is JWT_MALFORMED.
      if (r.ok) {
        expect(jwt.startsWith('eyJ')).toBe(false);
        expect(r.value.format).toBe('opaque');
        expect(r.value.decoded).toBeUndefined();
      } else expect(r.error.code).toBe('JWT_MALFORMED');
    }
    const shaped = cases.filter(([, jwt]) => jwt.startsWith('eyJ'));
    expect(shaped).toHaveLength(4);
    // '....' is not called an encrypted JWT: its segments are empty.
    expect(malformed('....').message).not.toContain('encrypted');
  });
});

describe('sec-02 header or claims that are not a JSON object', () => {
  const bad = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
  it.each([
    [
      'non-JSON claims',
      `${H}.${b64('{not json')}.s`,
      /^The claims segment is an invalid claims set: not JSON at byte offset 1/,
    ],
    [
      'a null header',
      `${b64('null')}.${C}.s`,
      /^The header segment is an invalid JOSE header: it decodes to null/,
    ],
    [
      '[] claims',
      `${H}.${b64('[]')}.s`,
      /^The claims segment is an invalid claims set: it decodes to an array/,
    ],
    [
      'a number',
      `${H}.${b64('42')}.s`,
      /^The claims segment is an invalid claims set: it decodes to a number/,
    ],
    [
      'invalid UTF-8',
      `${H}.${bad.toString('base64url')}.s`,
      /^The claims segment is an invalid claims set: invalid UTF-8 at byte offset 6\./,
    ],
  ])('sec-02 %s: "Invalid JOSE header / claims set" with the offset', (_n, jwt, msg) => {
    const e = malformed(jwt);
    expect(e.code).toBe('JWT_MALFORMED');
    expect(e.message).toMatch(msg);
  });

  it('sec-02 a lone surrogate is kept as data (the UI escapes it), not a crash', () => {
    const d = decodeForDisplay(`${H}.${b64('{"a":"\\ud800x"}')}.s`);
    expect(d.claims.a).toBe('\ud800x');
  });

  it('sec-02 an unbounded value never reaches a parse: deep nesting is refused before JSON.parse', () => {
    const deep = `{"a":${'['.repeat(65)}${']'.repeat(65)}}`;
    expect(malformed(`${H}.${b64(deep)}.s`).message).toMatch(/nested more than 64 levels/);
    // 64 levels is still decoded.
    const ok = `${'['.repeat(63)}${']'.repeat(63)}`;
    expect(decodeForDisplay(`${H}.${b64(`{"a":${ok}}`)}.s`).claims.a).toBeInstanceOf(Array);
  });
});

describe('sec-03 alg "none"', () => {
  const none = `${b64({ alg: 'none' })}.${b64({ iss: 'https://as.example', sub: 'alice', aud: 'c1', exp: NOW + 60, iat: NOW, nonce: 'n' })}.`;

  it('sec-03 an access-token JWT with alg none is decoded for display and marked unsigned', async () => {
    const r = must(await decodeToken(testEngine(), { token: none, jwks: '{"keys":[]}' }));
    expect(r.format).toBe('jwt');
    expect(r.decoded?.claims.sub).toBe('alice');
    expect(r.verification.status).toBe('unsigned');
    expect(r.verification.message).toContain('must not be trusted');
  });

  it('sec-03 an id_token with alg none: "unsigned", the signature check fails with an error finding', async () => {
    const { publicKey } = await generateKeyPair('RS256');
    const view = await idTokenView(none, {
      clientId: 'c1',
      issuer: 'https://as.example',
      nonce: 'n',
      now: NOW,
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] },
    });
    expect(view.decoded?.claims.sub).toBe('alice');
    expect(view.verification.status).toBe('unsigned');
    expect(view.checks?.find((c) => c.name === 'signature')?.ok).toBe(false);
    // The app has no "id_token_signed_response_alg=none" registration, so the narrow case the
    // table allows (conformance idtoken-sig-none) never applies: an unsigned id_token always fails.
    expect(view.findings.find((f) => f.code === 'ID_TOKEN_INVALID')?.severity).toBe('error');
  });
});

describe('sec-04 HS256 keyed with the vendor RSA public key (CVE-2022-23541, CVE-2023-48223)', () => {
  it('sec-04 SPKI PEM, PKCS#1 PEM and JWK n/e as the HMAC key: never verified', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1', alg: 'RS256' };
    const jwks = { keys: [jwk] };
    const hmacKeys = [
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      JSON.stringify({ kty: 'RSA', n: jwk.n, e: jwk.e }),
    ];
    const engine = testEngine();
    for (const secret of hmacKeys) {
      const token = await new SignJWT({
        sub: 'mallory',
        iss: 'https://as.example',
        aud: 'c1',
        iat: NOW,
        exp: NOW + 60,
      })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .sign(new TextEncoder().encode(secret));
      const decoded = must(await decodeToken(engine, { token, jwks: JSON.stringify(jwks) }));
      expect(decoded.verification.status).not.toBe('verified');
      const id = await idTokenView(token, {
        clientId: 'c1',
        issuer: 'https://as.example',
        now: NOW,
        jwks,
      });
      expect(id.verification.status).toBe('failed');
      expect(id.checks?.find((c) => c.name === 'signature')?.ok).toBe(false);
      // Key selection: an RSA JWK is never a candidate for an HMAC alg.
      const pick = await selectVerificationKey(jwks, { alg: 'HS256', kid: 'k1' });
      expect(pick.key).toBeUndefined();
      expect(pick.error).toContain('no key in the JWKS fits alg HS256');
    }
  });
});

describe('sec-07 JWKS edge cases', () => {
  let a: CryptoKeyPair;
  let b: CryptoKeyPair;
  let ja: JWK;
  let jb: JWK;
  const claims = { iss: 'https://as.example', sub: 'alice', aud: 'c1', iat: NOW, exp: NOW + 60 };
  const expect1 = (jwks: { keys: unknown[] }) => ({
    clientId: 'c1',
    issuer: 'https://as.example',
    now: NOW,
    jwks: jwks as { keys: JWK[] },
  });
  beforeAll(async () => {
    a = await generateKeyPair('RS256');
    b = await generateKeyPair('RS256');
    ja = await exportJWK(a.publicKey);
    jb = await exportJWK(b.publicKey);
  });
  const noKid = (k: CryptoKey) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(k);

  it('sec-07 kid absent, one key: that key is used', async () => {
    const view = await idTokenView(await noKid(a.privateKey), expect1({ keys: [ja] }));
    expect(view.verification.status).toBe('verified');
    expect(view.findings).toEqual([]);
  });

  it('sec-07 kid absent, two matching keys: fails with "multiple candidate keys"', async () => {
    const view = await idTokenView(await noKid(b.privateKey), expect1({ keys: [ja, jb] }));
    expect(view.verification.status).toBe('failed');
    expect(view.verification.message).toContain('multiple candidate keys');
    expect(view.findings[0]?.code).toBe('ID_TOKEN_INVALID');
    // A key of another type is no candidate: an EC key next to the RSA key leaves no ambiguity.
    const ec = await exportJWK((await generateKeyPair('ES256')).publicKey);
    const single = await idTokenView(await noKid(a.privateKey), expect1({ keys: [ja, ec] }));
    expect(single.verification.status).toBe('verified');
  });

  it('sec-07 an unparseable key among good ones is skipped with a warning', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'good' })
      .sign(a.privateKey);
    const jwks = {
      keys: [
        5,
        null,
        { kid: 'nokty' },
        { kty: 'RSA', kid: 'good', n: '!!', e: 'AQAB' },
        { ...ja, kid: 'good' },
      ],
    };
    const view = await idTokenView(token, expect1(jwks));
    expect(view.verification.status).toBe('verified');
    const warnings = view.findings.filter((f) => f.severity === 'warning');
    expect(warnings.map((f) => f.code)).toEqual(Array(4).fill('JWKS_UNREACHABLE'));
    expect(warnings.map((f) => f.evidence).join('\n')).toMatch(
      /key #4 \(kid good\) cannot be read/,
    );
    expect(view.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('sec-07 through decodeToken and the assertion inspector: junk entries skipped with a warning, the good key used', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'good' })
      .sign(a.privateKey);
    const jwks = JSON.stringify({ keys: [5, null, [], { kid: 'nokty' }, { ...ja, kid: 'good' }] });
    const engine = testEngine();
    const r = must(await decodeToken(engine, { token, jwks }));
    expect(r.verification.status).toBe('verified');
    const skipped = r.findings.filter((f) => f.title === 'A key of the JWKS was skipped');
    expect(skipped.map((f) => f.severity)).toEqual(Array(4).fill('warning'));
    expect(skipped[0]!.evidence).toBe('The JWKS: key #1 is not a JWK (no kty); skipped.');
    const inspected = must(await engine.inspectAssertion({ jwt: token, jwks }));
    expect(inspected.verification.status).toBe('verified');
  });

  describe('sec-07 key rotation against a served JWKS', () => {
    let server: Server;
    let url: string;
    let served: { keys: JWK[] };
    let fetches = 0;
    beforeAll(async () => {
      served = { keys: [{ ...ja, kid: 'k1', alg: 'RS256' }] };
      server = createServer((_req, res) => {
        fetches++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(served));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('sec-07 a new kid refetches once; an unknown kid does not loop (one refetch per minute)', async () => {
      let now = Date.now();
      const engine = testEngine({ now: () => now });
      const signed = (kid: string, key: CryptoKey) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
      const check = async (token: string) =>
        must(await decodeToken(engine, { token, jwksUrl: url })).verification.status;

      expect(await check(await signed('k1', a.privateKey))).toBe('verified');
      expect(fetches).toBe(1);
      expect(await check(await signed('k1', a.privateKey))).toBe('verified');
      expect(fetches).toBe(1);
      // Rotation: k2 is published; the cache lacks it, so the JWKS is fetched again, once.
      served = { keys: [...served.keys, { ...jb, kid: 'k2', alg: 'RS256' }] };
      expect(await check(await signed('k2', b.privateKey))).toBe('verified');
      expect(fetches).toBe(2);
      // A kid the server never publishes: the refetch just happened, so no request at all.
      const rogue = await signed('k9', b.privateKey);
      for (let i = 0; i < 5; i++) expect(await check(rogue)).toBe('failed');
      expect(fetches).toBe(2);
      now += 61_000;
      expect(await check(rogue)).toBe('failed');
      expect(fetches).toBe(3);
      expect(await check(rogue)).toBe('failed');
      expect(fetches).toBe(3);
      expect(recordedExchanges(engine)).toHaveLength(3);
    });
  });
});

describe('sec-08 critical header parameters', () => {
  let key: KeyObject;
  let jwks: { keys: JWK[] };
  const payload = b64({
    sub: 'alice',
    iss: 'https://as.example',
    aud: 'c1',
    iat: NOW,
    exp: NOW + 60,
  });
  beforeAll(() => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = pair.privateKey;
    jwks = { keys: [{ ...(pair.publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1' }] };
  });

  it('sec-08 a valid signature is verified, so the cases below fail on crit alone', async () => {
    const token = signRaw({ alg: 'RS256', kid: 'k1' }, payload, key);
    const r = must(await decodeToken(testEngine(), { token, jwks: JSON.stringify(jwks) }));
    expect(r.verification.status).toBe('verified');
  });

  it.each([
    ['crit:["urn:x"] with an unknown extension', { crit: ['urn:x'], 'urn:x': 1 }],
    ['a duplicate crit', { crit: ['urn:x', 'urn:x'], 'urn:x': 1 }],
  ])('sec-08 %s: rejected, still displayed', async (_n, extra) => {
    const token = signRaw({ alg: 'RS256', kid: 'k1', ...extra }, payload, key);
    const engine = testEngine();
    const r = must(await decodeToken(engine, { token, jwks: JSON.stringify(jwks) }));
    expect(r.verification.status).toBe('failed');
    expect(r.findings.map((f) => f.code)).toContain('TOKEN_SIGNATURE_INVALID');
    expect(r.decoded?.header.crit).toEqual(extra.crit);
    expect(r.decoded?.claims.sub).toBe('alice');
    const id = await idTokenView(token, {
      clientId: 'c1',
      issuer: 'https://as.example',
      now: NOW,
      jwks,
    });
    expect(id.verification.status).toBe('failed');
  });

  it('sec-08 b64:false without crit: the payload is not read unencoded, so it does not verify', async () => {
    const raw = JSON.stringify({ sub: 'alice' });
    // Signed as RFC 7797 would (unencoded payload) but without the required crit:["b64"].
    const input = `${b64({ alg: 'RS256', kid: 'k1', b64: false })}.${raw}`;
    const sig = nodeSign('sha256', Buffer.from(input), key).toString('base64url');
    const token = `${b64({ alg: 'RS256', kid: 'k1', b64: false })}.${b64(raw)}.${sig}`;
    const r = must(await decodeToken(testEngine(), { token, jwks: JSON.stringify(jwks) }));
    expect(r.decoded?.header.b64).toBe(false);
    expect(r.verification.status).toBe('failed');
  });
});

describe('sec-10 JWE bombs', () => {
  const header = (h: Record<string, unknown>) => b64(h);
  const fakeParts = '.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA';

  it('sec-10 a pasted JWE is never decrypted: refused as encrypted', async () => {
    const jwe = `${header({ alg: 'PBES2-HS512+A256KW', enc: 'A256GCM', p2c: 2 ** 31, p2s: 'AAAAAAAAAAA', zip: 'DEF' })}${fakeParts}`;
    const r = await decodeToken(testEngine(), { token: jwe });
    expect(r.ok ? '' : r.error.message).toContain('encrypted JWT (JWE');
  });

  it('sec-10 the passphrase store refuses p2c=2^31 before key derivation and a zip bomb at the inflate cap', async () => {
    const pass = 'correct horse battery staple';
    // A real value round-trips, so the refusals below are about the headers.
    expect(await decryptWithPassphrase(await encryptWithPassphrase('v', pass), pass)).toBe('v');
    const real = (await encryptWithPassphrase('v', pass)).split('.');
    const realHeader = JSON.parse(Buffer.from(real[0]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = (h: Record<string, unknown>) =>
      [b64({ ...realHeader, ...h }), ...real.slice(1)].join('.');
    // 2^31 PBKDF2 rounds would take minutes: refused by maxPBES2Count instead.
    expect(await decryptWithPassphrase(forged({ p2c: 2 ** 31 }), pass)).toBeUndefined();
    // zip:"DEF" is inflated by jose under its 250,000-byte cap (maxDecompressedLength): a small
    // value opens, a bomb that expands to over 100 MB stops at the cap and is refused.
    const zipped = (text: Uint8Array) =>
      new CompactEncrypt(text)
        .setProtectedHeader({ ...(realHeader as { alg: string; enc: string }), zip: 'DEF' })
        .encrypt(new TextEncoder().encode(pass));
    expect(await decryptWithPassphrase(await zipped(new TextEncoder().encode('v')), pass)).toBe(
      'v',
    );
    const bomb = await zipped(new Uint8Array(101 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await decryptWithPassphrase(bomb, pass)).toBeUndefined();
  });
});
