// Keys area: list, generate, import, delete and export signing keys.
import type { KeyInfo } from '../../../../shared/types.js';
import type { FakeContext } from './context.js';
import { FAKE_KEY } from './fixtures.js';
import { notFound, ok } from './helpers.js';
import type { FakeHandlers } from './types.js';

/** Handlers of the keys step. */
export function keyHandlers(
  ctx: FakeContext,
): Pick<
  FakeHandlers,
  'listKeys' | 'generateKey' | 'importKey' | 'deleteKey' | 'exportJwks' | 'exportPrivateKey'
> {
  const { state, next } = ctx;
  return {
    listKeys: () => ok(state.keys),
    generateKey: (input) => {
      const id = next('key');
      const rsa = input.kind.startsWith('RSA');
      const thumb = `thumb${id.replace(/\W/g, '')}Xq1L0bY9cZ2vW8nM3kR7tP4sD6fGhJ`;
      const key: KeyInfo = {
        id,
        kid: input.kid || thumb,
        alg: input.alg,
        kty: rsa ? 'RSA' : 'EC',
        kind: input.kind,
        thumbprint: thumb,
        publicJwk: rsa
          ? { kty: 'RSA', n: 'sXch…', e: 'AQAB', kid: input.kid || thumb, alg: input.alg }
          : {
              kty: 'EC',
              crv: input.kind.slice(3),
              x: 'f83O…',
              y: 'x_FE…',
              kid: input.kid || thumb,
            },
        createdAt: new Date().toISOString(),
        source: 'generated',
        hasPrivateKey: true,
      };
      state.keys.push(key);
      return ok(key);
    },
    importKey: (input) => {
      const text = input.text.trim();
      if (!text.startsWith('-----BEGIN') && !text.startsWith('{')) {
        return {
          ok: false,
          error: {
            code: 'KEY_INVALID',
            message: 'This is neither a PEM private key nor a JWK.',
            fix: 'Paste a PKCS#8 PEM block or a private JWK as JSON.',
          },
        };
      }
      const id = next('key');
      const key: KeyInfo = {
        ...structuredClone(FAKE_KEY),
        hasPrivateKey: text.includes('PRIVATE KEY') || /"d"\s*:/.test(text),
        id,
        kid: input.kid || `imported-${id}`,
        alg: input.alg ?? 'RS384',
        source: 'imported',
        createdAt: new Date().toISOString(),
      };
      state.keys.push(key);
      return ok(key);
    },
    deleteKey: (id) => {
      if (!state.keys.some((k) => k.id === id)) return notFound(`Key ${id}`);
      state.keys = state.keys.filter((k) => k.id !== id);
      return ok({ deleted: id });
    },
    exportJwks: (ids) =>
      ok({
        jwks: JSON.stringify(
          { keys: state.keys.filter((k) => ids.includes(k.id)).map((k) => k.publicJwk) },
          null,
          2,
        ),
      }),
    exportPrivateKey: (input) => {
      if (!state.keys.some((k) => k.id === input.keyId)) return notFound(`Key ${input.keyId}`);
      return ok({ path: input.path });
    },
  };
}
