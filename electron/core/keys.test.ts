import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/result.js';
import { KEY_KINDS, type KeyKind, type SigningAlg } from '../../shared/types.js';
import { generateKey, importKey, privatePem } from './keys.js';

const now = new Date('2026-11-23T00:00:00Z');
const ALG_FOR: Record<KeyKind, SigningAlg> = {
  'RSA-2048': 'RS384',
  'RSA-3072': 'PS384',
  'RSA-4096': 'RS512',
  'EC-P-256': 'ES256',
  'EC-P-384': 'ES384',
  'EC-P-521': 'ES512',
};

async function failure(p: Promise<unknown>): Promise<AppFailure> {
  try {
    await p;
  } catch (e) {
    return e as AppFailure;
  }
  throw new Error('expected a failure');
}

describe('keys', () => {
  it.each(KEY_KINDS.filter((k) => k !== 'RSA-4096'))(
    'generates %s with kid = RFC 7638 thumbprint',
    async (kind) => {
      const k = await generateKey(kind, ALG_FOR[kind], undefined, now);
      expect(k.info.kind).toBe(kind);
      expect(k.info.kid).toBe(k.info.thumbprint);
      expect(k.info.publicJwk).not.toHaveProperty('d');
      expect(k.info.hasPrivateKey).toBe(true);
    },
  );

  it('keeps a given kid and refuses an alg that does not fit the key', async () => {
    expect((await generateKey('EC-P-256', 'ES256', 'my-kid', now)).info.kid).toBe('my-kid');
    expect((await failure(generateKey('EC-P-256', 'ES384', undefined, now))).message).toContain(
      'P-384',
    );
    expect((await failure(generateKey('RSA-2048', 'ES256', undefined, now))).code).toBe(
      'KEY_INVALID',
    );
  });

  it('round-trips PKCS#8, and imports PKCS#1, SEC1, SPKI and JWK with the same thumbprint', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const spki = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const jwk = JSON.stringify(rsa.privateKey.export({ format: 'jwk' }));
    const a = await importKey(pkcs8, undefined, undefined, now);
    const b = await importKey(pkcs1, undefined, undefined, now);
    const c = await importKey(spki, undefined, undefined, now);
    const d = await importKey(jwk, 'PS384', undefined, now);
    expect(a.info.alg).toBe('RS384');
    expect(new Set([a, b, c, d].map((k) => k.info.thumbprint)).size).toBe(1);
    expect(c.info.hasPrivateKey).toBe(false);
    expect(d.info.alg).toBe('PS384');
    expect(await privatePem(a)).toContain('BEGIN PRIVATE KEY');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const sec1 = ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    expect((await importKey(sec1, undefined, undefined, now)).info.alg).toBe('ES384');
  });

  it('rejects malformed PEM/JWK, JWKS, symmetric and small keys with a fix', async () => {
    const cases = [
      '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----',
      '{"kty":"RSA"',
      '{"keys":[]}',
      '{"kty":"oct","k":"abc"}',
      'hello',
    ];
    for (const c of cases) {
      const f = await failure(importKey(c, undefined, undefined, now));
      expect(f.code).toBe('KEY_INVALID');
      expect(f.fix?.length).toBeGreaterThan(10);
    }
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const f = await failure(
      importKey(
        small.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
        undefined,
        undefined,
        now,
      ),
    );
    expect(f.message).toContain('1024 bits');
  });
});
