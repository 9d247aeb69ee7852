// Assertion area: the client assertion (shared with the token request) and inspecting a pasted one.
import { lintAssertion } from '../../../../shared/diagnosis/assertion-lint.js';
import type { AssertionView, ProfileView } from '../../../../shared/types.js';
import type { FakeContext } from './context.js';
import { FAKE_KEY } from './fixtures.js';
import { dec, enc, explain, maskJwt, notFound, nowSec, ok } from './helpers.js';
import type { FakeHandlers } from './types.js';

/** A client assertion for the profile (fake signature), as the engine builds it. */
export function assertionFor(
  ctx: FakeContext,
  p: ProfileView,
  over?: { header?: object; claims?: object },
) {
  const { state, next, tokenUrlOf } = ctx;
  const now = nowSec();
  const hmac = p.auth.method === 'client_secret_jwt';
  const header = {
    alg: p.auth.alg ?? (hmac ? 'HS256' : 'RS384'),
    ...(hmac ? {} : { kid: p.auth.kid ?? FAKE_KEY.kid }),
    typ: 'JWT',
    ...over?.header,
  };
  const claims = {
    iss: p.clientId,
    sub: p.clientId,
    aud: tokenUrlOf(p),
    exp: now + 300,
    iat: now,
    jti: `jti-${state.seq}-${now}`,
    ...over?.claims,
  } as Record<string, unknown>;
  const compact = `${enc(header)}.${enc(claims)}.${'s'.repeat(hmac ? 43 : 342)}`;
  const view: AssertionView = {
    id: next('assertion'),
    header,
    claims,
    masked: maskJwt(compact),
    explained: explain(claims),
    lint: lintAssertion({
      header,
      claims,
      tokenUrl: tokenUrlOf(p),
      clientId: p.clientId,
      now,
      sentJtis: state.sentJtis,
    }),
  };
  return { view, compact };
}

/** Handlers of the assertion step: build one for a profile, inspect a pasted one. */
export function assertionHandlers(
  ctx: FakeContext,
): Pick<FakeHandlers, 'buildAssertion' | 'inspectAssertion'> {
  const { state, profileById } = ctx;
  return {
    buildAssertion: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const { view, compact } = assertionFor(ctx, p, input.overrides);
      state.lastAssertion = compact;
      return ok(view);
    },
    inspectAssertion: (input) => {
      const parts = input.jwt.trim().split('.');
      if (parts.length !== 3) {
        return {
          ok: false,
          error: {
            code: 'JWT_MALFORMED',
            message: `A JWT has 3 dot-separated segments (header.claims.signature); this has ${parts.length}.`,
            fix: 'Copy the whole token: it starts with "eyJ" and has two dots.',
          },
        };
      }
      const header = dec(parts[0]!);
      const claims = dec(parts[1]!);
      return ok({
        decoded: { header, claims, signatureLength: parts[2]!.length },
        explained: explain(claims),
        verification: input.jwks
          ? { status: 'verified', message: 'Signature verified.', kid: String(header.kid) }
          : { status: 'unchecked', message: 'No JWKS given: the signature was not checked.' },
        findings: lintAssertion({
          header,
          claims,
          tokenUrl: input.tokenUrl,
          clientId: input.clientId,
          now: nowSec(),
        }),
      });
    },
  };
}
