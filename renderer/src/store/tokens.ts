import type {
  EndSessionResult,
  TokenOpResult,
  TokenResult,
  TokenSetView,
  TokenView,
} from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp, type OpKey } from './ops.js';
import type { SliceCreator } from './types.js';

export type HeldToken = 'access_token' | 'refresh_token';

/** The last action run on the held tokens and what came back. */
export type TokenOpOutcome =
  | { action: 'refresh'; result: TokenResult }
  | {
      action: 'introspect' | 'revoke';
      which: HeldToken;
      result: TokenOpResult;
    }
  | { action: 'userinfo'; result: TokenOpResult }
  | { action: 'logout'; result: EndSessionResult };

export interface TokensSlice {
  accessToken: TokenView | null;
  /** The tokens the engine holds for the session (the "tokens" event), or null. */
  tokenSet: TokenSetView | null;
  revealedAccessToken: string | null;
  revealedIdToken: string | null;
  revealedRefreshToken: string | null;
  decodedToken: TokenView | null;
  tokenOp: TokenOpOutcome | null;
  /** The post-logout redirect URI registered for the client, sent with the next logout (optional). */
  postLogoutRedirectUri: string;
  setPostLogoutRedirectUri(value: string): void;
  revealAccessToken(): Promise<void>;
  hideAccessToken(): void;
  revealIdToken(): Promise<void>;
  revealRefreshToken(): Promise<void>;
  hideToken(kind: 'id_token' | 'refresh_token'): void;
  decodeToken(input: { token: string; jwksUrl?: string }): Promise<void>;
  /** A pushed snapshot of the held tokens. */
  applyTokenSet(tokens: TokenSetView | null): void;
  refreshTokens(): Promise<void>;
  setAutoRefresh(enabled: boolean): Promise<void>;
  introspectToken(which: HeldToken): Promise<void>;
  revokeToken(which: HeldToken): Promise<void>;
  callUserinfo(): Promise<void>;
  /** RP-initiated logout; returns the result so the view can open the URL when the host did not. */
  endSession(): Promise<EndSessionResult | null>;
}

const INTROSPECT_OP: Record<HeldToken, OpKey> = {
  access_token: 'introspectAccess',
  refresh_token: 'introspectRefresh',
};
const REVOKE_OP: Record<HeldToken, OpKey> = {
  access_token: 'revokeAccess',
  refresh_token: 'revokeRefresh',
};

export const createTokensSlice: SliceCreator<TokensSlice> = (set, get) => {
  /** The profile the held tokens came from (else the active one), or records "no profile". */
  function profileFor(op: OpKey): string | null {
    const id = get().tokenSet?.profileId ?? get().activeProfileId;
    if (!id) failOp(set, op, NO_PROFILE);
    return id;
  }

  return {
    accessToken: null,
    tokenSet: null,
    revealedAccessToken: null,
    revealedIdToken: null,
    revealedRefreshToken: null,
    decodedToken: null,
    tokenOp: null,
    postLogoutRedirectUri: '',
    setPostLogoutRedirectUri: (value) => set({ postLogoutRedirectUri: value }),

    revealAccessToken: async () => {
      const r = await runOp(set, 'revealAccessToken', () =>
        api().revealSecret({ kind: 'access_token' }),
      );
      if (r.ok) set({ revealedAccessToken: r.value.value });
    },
    hideAccessToken: () => set({ revealedAccessToken: null }),
    revealIdToken: async () => {
      const r = await runOp(set, 'revealIdToken', () => api().revealSecret({ kind: 'id_token' }));
      if (r.ok) set({ revealedIdToken: r.value.value });
    },
    revealRefreshToken: async () => {
      const r = await runOp(set, 'revealRefreshToken', () =>
        api().revealSecret({ kind: 'refresh_token' }),
      );
      if (r.ok) set({ revealedRefreshToken: r.value.value });
    },
    hideToken: (kind) =>
      set(kind === 'id_token' ? { revealedIdToken: null } : { revealedRefreshToken: null }),

    decodeToken: async ({ token, jwksUrl }) => {
      const input = jwksUrl?.trim() ? { token, jwksUrl: jwksUrl.trim() } : { token };
      const r = await runOp(set, 'decodeToken', () => api().decodeToken(input));
      set({ decodedToken: r.ok ? r.value : null });
    },

    applyTokenSet: (tokens) =>
      set((s) => {
        const same = (a?: { masked: string } | null, b?: { masked: string } | null) =>
          !!a && !!b && a.masked === b.masked;
        return {
          tokenSet: tokens,
          // Logout clears the held tokens; a token shown without a set (older hosts) stays.
          accessToken: tokens ? tokens.accessToken : s.tokenSet ? null : s.accessToken,
          // A revealed value belongs to the token it was revealed for.
          revealedAccessToken: same(s.accessToken, tokens?.accessToken)
            ? s.revealedAccessToken
            : null,
          revealedIdToken: same(s.tokenSet?.idToken, tokens?.idToken) ? s.revealedIdToken : null,
          revealedRefreshToken: same(s.tokenSet?.refreshToken, tokens?.refreshToken)
            ? s.revealedRefreshToken
            : null,
        };
      }),

    refreshTokens: async () => {
      const profileId = profileFor('refreshTokens');
      if (!profileId) return;
      const r = await runOp(set, 'refreshTokens', () => api().refreshTokens({ profileId }));
      if (r.ok) set({ tokenOp: { action: 'refresh', result: r.value } });
    },

    setAutoRefresh: async (enabled) => {
      const profileId = profileFor('setAutoRefresh');
      if (!profileId) return;
      const r = await runOp(set, 'setAutoRefresh', () =>
        api().setAutoRefresh({ profileId, enabled }),
      );
      if (r.ok) {
        set((s) => (s.tokenSet ? { tokenSet: { ...s.tokenSet, autoRefresh: r.value } } : {}));
      }
    },

    introspectToken: async (which) => {
      const op = INTROSPECT_OP[which];
      const profileId = profileFor(op);
      if (!profileId) return;
      const r = await runOp(set, op, () => api().introspectToken({ profileId, which }));
      if (r.ok) set({ tokenOp: { action: 'introspect', which, result: r.value } });
    },

    revokeToken: async (which) => {
      const op = REVOKE_OP[which];
      const profileId = profileFor(op);
      if (!profileId) return;
      const r = await runOp(set, op, () => api().revokeToken({ profileId, which }));
      if (r.ok) set({ tokenOp: { action: 'revoke', which, result: r.value } });
    },

    callUserinfo: async () => {
      const profileId = profileFor('callUserinfo');
      if (!profileId) return;
      const r = await runOp(set, 'callUserinfo', () => api().callUserinfo({ profileId }));
      if (r.ok) set({ tokenOp: { action: 'userinfo', result: r.value } });
    },

    endSession: async () => {
      const profileId = profileFor('endSession');
      if (!profileId) return null;
      // Like startAuthorization: the host opens the system browser when it can (Electron), with
      // the id_token_hint; otherwise the page opens the URL it is given.
      const post = get().postLogoutRedirectUri.trim();
      const r = await runOp(set, 'endSession', () =>
        api().endSession({
          profileId,
          open: true,
          // The web host serves /handoff: the id_token_hint reaches the browser, not this page.
          handoff: true,
          ...(post ? { postLogoutRedirectUri: post } : {}),
        }),
      );
      if (!r.ok) return null;
      set({ tokenOp: { action: 'logout', result: r.value } });
      return r.value;
    },
  };
};
