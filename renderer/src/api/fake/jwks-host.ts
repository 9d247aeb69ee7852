// JWKS host area: serving the public keys on a loopback URL.
import type { FakeContext } from './context.js';
import { fail, ok } from './helpers.js';
import type { FakeHandlers } from './types.js';

/** Handlers of the loopback JWKS host. */
export function jwksHostHandlers(
  ctx: FakeContext,
): Pick<FakeHandlers, 'hostJwks' | 'stopJwksHost' | 'getJwksHost'> {
  const { state, record, profileById } = ctx;
  return {
    hostJwks: (input) => {
      const profileKey = input.profileId ? profileById(input.profileId)?.auth.keyId : undefined;
      const ids = input.keyIds ?? (profileKey ? [profileKey] : []);
      const keys = state.keys.filter((k) => ids.includes(k.id));
      if (keys.length === 0) {
        return fail(
          'INVALID_INPUT',
          'There is no key to host.',
          'Choose a key, or use a key in the profile first (Keys → Use in profile).',
        );
      }
      const port = input.port || 49800 + (state.seq % 100);
      const url = `http://127.0.0.1:${port}/jwks.json`;
      const jwks = JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
      const ex = record({
        step: 'jwks-host',
        request: { method: 'GET', url, headers: [['accept', 'application/json']] },
        response: {
          status: 200,
          statusText: 'OK',
          headers: [['content-type', 'application/jwk-set+json']],
          body: jwks,
          bodyBytes: jwks.length,
          truncated: false,
        },
        durationMs: 3,
      });
      state.jwksHost = {
        url,
        port,
        kids: keys.map((k) => k.kid),
        reachable: true,
        exchangeId: ex.id,
        note: 'Only servers on this machine can reach 127.0.0.1; a cloud server cannot — publish the JWKS at a public https URL for it.',
      };
      return ok(state.jwksHost);
    },
    stopJwksHost: () => {
      const stopped = state.jwksHost !== null;
      state.jwksHost = null;
      return ok({ stopped });
    },
    getJwksHost: () => ok({ host: state.jwksHost }),
  };
}
