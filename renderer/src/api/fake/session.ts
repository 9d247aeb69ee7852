// Session area: revealing a held secret on request and the exchange timeline.
import type { FakeContext } from './context.js';
import { ok } from './helpers.js';
import type { FakeHandlers } from './types.js';

/** Handlers of the session: reveal a secret, list and clear the exchanges. */
export function sessionHandlers(
  ctx: FakeContext,
): Pick<FakeHandlers, 'revealSecret' | 'listExchanges' | 'clearExchanges'> {
  const { state, emit } = ctx;
  return {
    revealSecret: (input) => {
      const value =
        input.kind === 'access_token'
          ? state.accessToken
          : input.kind === 'id_token'
            ? (state.held?.id ?? null)
            : input.kind === 'refresh_token'
              ? (state.held?.refresh ?? null)
              : state.lastAssertion;
      if (!value) {
        const what =
          input.kind === 'client_assertion' ? 'client assertion' : input.kind.replace('_', ' ');
        return {
          ok: false,
          error: {
            code: 'SECRET_UNAVAILABLE',
            message: `There is no ${what} in this run yet.`,
            fix: 'Run the step that creates it first.',
          },
        };
      }
      return ok({ value });
    },

    listExchanges: () => ok(state.exchanges),
    clearExchanges: () => {
      const cleared = state.exchanges.length;
      state.exchanges = [];
      emit('exchanges', []);
      return ok({ cleared });
    },
  };
}
