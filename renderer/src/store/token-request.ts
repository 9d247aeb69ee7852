import type {
  GrantType,
  HeaderList,
  TokenRequestCheck,
  TokenRequestDraft,
  TokenRequestEdits,
  TokenResult,
} from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp, type OpKey } from './ops.js';
import type { AppState, SliceCreator } from './types.js';

/** Pre-flight re-runs this long after the last edit (typing a value is one edit, not many). */
export const PREFLIGHT_DEBOUNCE_MS = 300;

/** The calls that wait on a server, and what each shows that a cancel makes stale. */
export const NETWORK_OPS: Partial<Record<OpKey, (keyof AppState)[]>> = {
  discover: ['discovery'],
  buildAssertion: [],
  prepareTokenRequest: [],
  sendTokenRequest: ['tokenResult'],
  callResource: ['resource'],
  prepareRegistration: [],
  sendRegistration: ['registrationResult'],
  readRegistration: ['registrationResult'],
  updateRegistration: ['registrationResult'],
  deleteRegistration: ['registrationResult'],
  startAuthorization: [],
  startDeviceAuthorization: [],
  refreshTokens: ['tokenOp'],
  introspectAccess: ['tokenOp'],
  introspectRefresh: ['tokenOp'],
  revokeAccess: ['tokenOp'],
  revokeRefresh: ['tokenOp'],
  callUserinfo: ['tokenOp'],
  endSession: ['tokenOp'],
  decodeToken: ['decodedToken'],
  inspect: [],
};

export type RowList = 'headers' | 'params';

export interface TokenRequestSlice {
  draft: TokenRequestDraft | null;
  /** The client assertion edits the draft was prepared with (its Sends sign with these). */
  draftOverrides: AppState['overrides'];
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
  /** Re-send the draft's assertion as it is (same jti) instead of a fresh one per Send. */
  pinAssertion: boolean;
  setPinAssertion(pin: boolean): void;
  /** The live pre-flight of the draft as edited (null: not re-checked since Prepare). */
  draftCheck: TokenRequestCheck | null;
  /** Re-runs the pre-flight of the draft as edited, now (edits schedule it, debounced). */
  checkTokenRequest(): Promise<void>;
  /** Aborts the engine's requests in flight; the results they would replace are cleared. */
  cancelRequests(): Promise<void>;
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

export const createTokenRequestSlice: SliceCreator<TokenRequestSlice> = (set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts checks: the answer of an older one (edits typed since) is dropped. */
  let checks = 0;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void get().checkTokenRequest();
    }, PREFLIGHT_DEBOUNCE_MS);
  };
  /** Applies an edit of the draft and schedules its pre-flight. */
  const edited = (partial: Partial<AppState> | ((s: AppState) => Partial<AppState>)) => {
    set(partial);
    schedule();
  };
  return {
    draft: null,
    draftOverrides: undefined,
    pinAssertion: false,
    draftCheck: null,
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
          draftOverrides: overrides,
          draftUrl: r.value.url,
          draftHeaders: r.value.headers.map(([n, v]) => [n, v]),
          draftParams: r.value.params.map(([n, v]) => [n, v]),
          tokenResult: null,
          draftCheck: null,
          pinAssertion: false,
        });
      }
    },

    setDraftUrl: (draftUrl) => edited(() => ({ draftUrl })),
    setRow: (list, index, part, value) =>
      edited((s) => ({
        [key(list)]: s[key(list)].map((row, i) =>
          i === index ? (part === 0 ? [value, row[1]] : [row[0], value]) : row,
        ),
      })),
    addRow: (list) => edited((s) => ({ [key(list)]: [...s[key(list)], ['', '']] })),
    removeRow: (list, index) =>
      edited((s) => ({ [key(list)]: s[key(list)].filter((_, i) => i !== index) })),
    setPinAssertion: (pinAssertion) => edited(() => ({ pinAssertion })),

    checkTokenRequest: async () => {
      const { draft, draftUrl, draftHeaders, draftParams, pinAssertion } = get();
      if (!draft) return;
      const edits = draftEdits(draft, draftUrl, draftHeaders, draftParams);
      const mine = ++checks;
      const r = await runOp(set, 'checkTokenRequest', () =>
        api().checkTokenRequest({
          draftId: draft.id,
          ...(edits ? { edits } : {}),
          // Always said: left out, the engine would check as the draft was last sent (pinned or not).
          pinAssertion,
        }),
      );
      // A newer check (or another draft) has taken over: this answer is stale.
      if (mine !== checks || get().draft?.id !== draft.id) return;
      if (r.ok) set({ draftCheck: r.value });
    },

    cancelRequests: async () => {
      const busy = (Object.keys(NETWORK_OPS) as OpKey[]).filter((k) => get().ops[k]?.busy);
      const r = await runOp(set, 'cancelRequests', () => api().cancelRequests({}));
      if (!r.ok || r.value.cancelled === 0) return;
      // What those calls showed before is not their answer: it must not stay on screen as one.
      const stale: Record<string, null> = {};
      for (const k of busy) for (const field of NETWORK_OPS[k] ?? []) stale[field] = null;
      set(stale as Partial<AppState>);
    },

    sendTokenRequest: async () => {
      const { draft, draftUrl, draftHeaders, draftParams, pinAssertion } = get();
      if (!draft) {
        return failOp(set, 'sendTokenRequest', {
          code: 'INVALID_INPUT',
          message: 'There is no prepared request.',
          fix: 'Press Prepare request first.',
        });
      }
      const edits = draftEdits(draft, draftUrl, draftHeaders, draftParams);
      const r = await runOp(set, 'sendTokenRequest', () =>
        api().sendTokenRequest({
          draftId: draft.id,
          ...(edits ? { edits } : {}),
          ...(pinAssertion ? { pinAssertion } : {}),
        }),
      );
      if (!r.ok) {
        // A cancelled Send has no answer: the previous response must not read as this one's.
        if (r.error.code === 'CANCELLED') set({ tokenResult: null });
        return;
      }
      // The held access token is written by one slice only: the engine's "tokens" event (tokens.ts).
      set({ tokenResult: r.value });
      // The jti just sent is used up: a pinned assertion's pre-flight now says so.
      if (pinAssertion) schedule();
    },
  };
};
