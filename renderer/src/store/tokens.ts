import type { TokenView } from '../../../shared/types.js';
import { api } from './bridge.js';
import { runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export interface TokensSlice {
  accessToken: TokenView | null;
  revealedAccessToken: string | null;
  decodedToken: TokenView | null;
  revealAccessToken(): Promise<void>;
  hideAccessToken(): void;
  decodeToken(input: { token: string; jwksUrl?: string }): Promise<void>;
}

export const createTokensSlice: SliceCreator<TokensSlice> = (set) => ({
  accessToken: null,
  revealedAccessToken: null,
  decodedToken: null,
  revealAccessToken: async () => {
    const r = await runOp(set, 'revealAccessToken', () =>
      api().revealSecret({ kind: 'access_token' }),
    );
    if (r.ok) set({ revealedAccessToken: r.value.value });
  },
  hideAccessToken: () => set({ revealedAccessToken: null }),
  decodeToken: async ({ token, jwksUrl }) => {
    const input = jwksUrl?.trim() ? { token, jwksUrl: jwksUrl.trim() } : { token };
    const r = await runOp(set, 'decodeToken', () => api().decodeToken(input));
    set({ decodedToken: r.ok ? r.value : null });
  },
});
