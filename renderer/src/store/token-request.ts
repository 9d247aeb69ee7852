import type {
  GrantType,
  HeaderList,
  TokenRequestDraft,
  TokenRequestEdits,
  TokenResult,
} from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export type RowList = 'headers' | 'params';

export interface TokenRequestSlice {
  draft: TokenRequestDraft | null;
  draftUrl: string;
  draftHeaders: HeaderList;
  draftParams: [string, string][];
  tokenResult: TokenResult | null;
  /** The grant the user picked; null = the profile's flow decides (engine default). */
  tokenGrant: GrantType | null;
  /** Picks the grant for the next Prepare; a draft for another grant is dropped. */
  setTokenGrant(grant: GrantType | null): void;
  prepareTokenRequest(): Promise<void>;
  setDraftUrl(url: string): void;
  setRow(list: RowList, index: number, part: 0 | 1, value: string): void;
  addRow(list: RowList): void;
  removeRow(list: RowList, index: number): void;
  sendTokenRequest(): Promise<void>;
}

const key = (list: RowList) => (list === 'headers' ? 'draftHeaders' : 'draftParams');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const filled = (rows: [string, string][]) => rows.filter(([n]) => n.trim() !== '');

/** Only what the user changed in the draft; undefined when nothing was edited. */
export function draftEdits(
  draft: TokenRequestDraft,
  url: string,
  headers: HeaderList,
  params: [string, string][],
): TokenRequestEdits | undefined {
  const edits: TokenRequestEdits = {};
  if (url.trim() !== draft.url) edits.url = url.trim();
  if (!same(filled(headers), draft.headers)) edits.headers = filled(headers);
  if (!same(filled(params), draft.params)) edits.params = filled(params);
  return Object.keys(edits).length ? edits : undefined;
}

export const createTokenRequestSlice: SliceCreator<TokenRequestSlice> = (set, get) => ({
  draft: null,
  draftUrl: '',
  draftHeaders: [],
  draftParams: [],
  tokenResult: null,
  tokenGrant: null,

  setTokenGrant: (tokenGrant) =>
    set((s) =>
      s.tokenGrant === tokenGrant
        ? {}
        : { tokenGrant, draft: null, draftUrl: '', draftHeaders: [], draftParams: [] },
    ),

  prepareTokenRequest: async () => {
    const { activeProfileId: profileId, overrides, tokenGrant: grant } = get();
    if (!profileId) return failOp(set, 'prepareTokenRequest', NO_PROFILE);
    const r = await runOp(set, 'prepareTokenRequest', () =>
      api().prepareTokenRequest({
        profileId,
        ...(grant ? { grant } : {}),
        ...(overrides ? { overrides } : {}),
      }),
    );
    if (r.ok) {
      set({
        draft: r.value,
        draftUrl: r.value.url,
        draftHeaders: r.value.headers.map(([n, v]) => [n, v]),
        draftParams: r.value.params.map(([n, v]) => [n, v]),
        tokenResult: null,
      });
    }
  },

  setDraftUrl: (draftUrl) => set({ draftUrl }),
  setRow: (list, index, part, value) =>
    set((s) => ({
      [key(list)]: s[key(list)].map((row, i) =>
        i === index ? (part === 0 ? [value, row[1]] : [row[0], value]) : row,
      ),
    })),
  addRow: (list) => set((s) => ({ [key(list)]: [...s[key(list)], ['', '']] })),
  removeRow: (list, index) =>
    set((s) => ({ [key(list)]: s[key(list)].filter((_, i) => i !== index) })),

  sendTokenRequest: async () => {
    const { draft, draftUrl, draftHeaders, draftParams } = get();
    if (!draft) {
      return failOp(set, 'sendTokenRequest', {
        code: 'INVALID_INPUT',
        message: 'There is no prepared request.',
        fix: 'Press Prepare request first.',
      });
    }
    const edits = draftEdits(draft, draftUrl, draftHeaders, draftParams);
    const r = await runOp(set, 'sendTokenRequest', () =>
      api().sendTokenRequest(edits ? { draftId: draft.id, edits } : { draftId: draft.id }),
    );
    if (!r.ok) return;
    // The held access token is written by one slice only: the engine's "tokens" event (tokens.ts).
    set({ tokenResult: r.value });
  },
});
