import type { AuthorizationFlowView, BreakName } from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp } from './ops.js';
import type { SliceCreator } from './types.js';

/**
 * Break-it mode and the glossary (issue 12 §3): a request prepared (or an authorization started)
 * with one deliberate mistake, and the glossary page shown over the app.
 */
export interface BreakItSlice {
  /** The glossary is open, on this code's page (null: the list). */
  glossaryOpen: boolean;
  glossaryCode: string | null;
  openGlossary(code?: string): void;
  closeGlossary(): void;
  /** Prepares the token request with the break; the Send button then sends it as usual. */
  prepareBrokenRequest(name: BreakName): Promise<void>;
  /** Starts the authorization with the break (at the authorize request, callback or exchange). */
  startBrokenAuthorization(
    name: BreakName,
    autoExchange: boolean,
  ): Promise<AuthorizationFlowView | null>;
}

export const createBreakItSlice: SliceCreator<BreakItSlice> = (set, get) => ({
  glossaryOpen: false,
  glossaryCode: null,
  openGlossary: (code) => set({ glossaryOpen: true, glossaryCode: code ?? null }),
  closeGlossary: () => set({ glossaryOpen: false, glossaryCode: null }),

  prepareBrokenRequest: async (name) => {
    const { activeProfileId: profileId, tokenGrant: grant } = get();
    if (!profileId) return failOp(set, 'prepareTokenRequest', NO_PROFILE);
    // No assertion edits here: the break is the one mistake.
    const r = await runOp(set, 'prepareTokenRequest', () =>
      api().prepareTokenRequest({ profileId, ...(grant ? { grant } : {}), break: name }),
    );
    if (r.ok)
      set({
        draft: r.value,
        draftUrl: r.value.url,
        draftHeaders: r.value.headers.map(([n, v]) => [n, v]),
        draftParams: r.value.params.map(([n, v]) => [n, v]),
        tokenResult: null,
      });
  },

  startBrokenAuthorization: async (name, autoExchange) => {
    const profileId = get().activeProfileId;
    if (!profileId) {
      failOp(set, 'startAuthorization', NO_PROFILE);
      return null;
    }
    const r = await runOp(set, 'startAuthorization', () =>
      api().startAuthorization({ profileId, autoExchange, break: name }),
    );
    if (!r.ok) return null;
    get().applyAuthorization(r.value);
    return r.value;
  },
});
