// SECURITY.md §7, case 17: private_key_jwt assertions as the engine builds them (buildAssertion,
// the same code the token request signs with), and the refusal of small RSA keys.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/api/dispatch.js';
import { KEY_KINDS, type KeyInfo } from '../../shared/types.js';
import { Engine } from '../core/engine.js';
import { must, testEngine } from '../core/test-helpers.js';

const TOKEN_URL = 'https://ehr.example.test/oauth2/token';

async function assertionProfile(engine: Engine, key: KeyInfo) {
  return must(
    await engine.saveProfile({
      name: `sec17-${key.kty}`,
      flow: 'backend-services',
      tokenEndpoint: TOKEN_URL,
      clientId: 'sec17-client',
      scope: 'system/*.rs',
      auth: { method: 'private_key_jwt', keyId: key.id },
    }),
  );
}

describe('sec-17 private_key_jwt assertion generation', () => {
  let engine: Engine;
  let rsa: KeyInfo;
  let ec: KeyInfo;
  beforeAll(async () => {
    engine = testEngine();
    rsa = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
    ec = must(await engine.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
  });

  it('sec-17 RS384 and ES384: kid, typ JWT, iss = sub = client_id, aud = token URL, exp − iat ≤ 300 s; the signature verifies', async () => {
    for (const key of [rsa, ec]) {
      const p = await assertionProfile(engine, key);
      const a = must(await engine.buildAssertion({ profileId: p.id }));
      expect(a.header).toEqual({
        alg: key.kty === 'RSA' ? 'RS384' : 'ES384',
        kid: key.kid,
        typ: 'JWT',
      });
      expect(a.claims.iss).toBe('sec17-client');
      expect(a.claims.sub).toBe('sec17-client');
      expect(a.claims.aud).toBe(TOKEN_URL);
      const { exp, iat } = a.claims as { exp: number; iat: number };
      expect(exp - iat).toBeGreaterThan(0);
      expect(exp - iat).toBeLessThanOrEqual(300);
      expect(a.lint.filter((f) => f.severity === 'error')).toEqual([]);
      const jwt = must(await engine.revealSecret({ kind: 'client_assertion' })).value;
      const jwks = JSON.parse(must(await engine.exportJwks([key.id])).jwks) as { keys: [] };
      const { protectedHeader } = await compactVerify(jwt, createLocalJWKSet(jwks));
      expect(protectedHeader.kid).toBe(key.kid);
    }
  });

  it('sec-17 jti is unique across 10,000 generations', { timeout: 180_000 }, async () => {
    const p = await assertionProfile(engine, ec);
    const jtis = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const a = must(await engine.buildAssertion({ profileId: p.id }));
      const jti = a.claims.jti;
      expect(typeof jti).toBe('string');
      expect((jti as string).length).toBeGreaterThanOrEqual(16);
      jtis.add(jti as string);
    }
    expect(jtis.size).toBe(10_000);
  });

  it('sec-17 an RSA key under 2048 bits is refused: on import, as a key file, and it cannot be generated', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const imported = await engine.importKey({ text: pem, alg: 'RS384' });
    expect(imported.ok ? '' : imported.error.code).toBe('KEY_INVALID');
    expect(imported.ok ? '' : imported.error.message).toBe('RSA key of 1024 bits is too small.');
    expect(imported.ok ? '' : imported.error.fix).toContain('at least 2048 bits');

    const dir = mkdtempSync(join(tmpdir(), 'ofd-sec17-'));
    const path = join(dir, 'small.pem');
    writeFileSync(path, pem, { mode: 0o600 });
    const p = must(
      await engine.saveProfile({
        name: 'sec17-file',
        flow: 'backend-services',
        tokenEndpoint: TOKEN_URL,
        clientId: 'sec17-client',
        scope: 'system/*.rs',
        auth: { method: 'private_key_jwt', privateKeyPath: path, alg: 'RS384' },
      }),
    );
    const built = await engine.buildAssertion({ profileId: p.id });
    expect(built.ok ? '' : built.error.code).toBe('KEY_INVALID');
    expect(built.ok ? '' : built.error.message).toContain('1024 bits is too small');

    expect(KEY_KINDS.filter((k) => k.startsWith('RSA-') && Number(k.slice(4)) < 2048)).toEqual([]);
    const generated = await dispatch(engine, 'generateKey', [{ kind: 'RSA-1024', alg: 'RS384' }]);
    expect(generated.ok ? '' : generated.error.code).toBe('INVALID_INPUT');
  });
});
