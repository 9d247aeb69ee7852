import type { Finding } from '../../../shared/diagnosis/codes.js';
import type { AssertionOverrides, AssertionView } from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp } from './ops.js';
import { parseJsonObject, pretty } from './util.js';
import type { SliceCreator } from './types.js';
import { PREFLIGHT_DEBOUNCE_MS } from './token-request.js';

export interface AssertionSlice {
  assertion: AssertionView | null;
  headerText: string;
  claimsText: string;
  /** Overrides in force: sent by Rebuild with edits and by Prepare request. */
  overrides: AssertionOverrides | undefined;
  editError: string | null;
  revealedAssertion: string | null;
  /** The pre-flight of the JSON as edited, checked live (null: no edit since the last build). */
  liveLint: Finding[] | null;
  setHeaderText(text: string): void;
  setClaimsText(text: string): void;
  /** A fresh assertion from the profile, dropping earlier edits. */
  buildAssertion(): Promise<void>;
  /** Sends the fields changed in the JSON editors as overrides. Bad JSON sends nothing. */
  rebuildWithEdits(): Promise<void>;
  revealAssertion(): Promise<void>;
  hideAssertion(): void;
}

/**
 * The fields of `edited` that differ from `base`; a removed field is sent as null. Unchanged
 * fields (exp, iat, jti…) are left out so the engine keeps generating fresh values.
 */
export function changedFields(
  base: Record<string, unknown>,
  edited: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(edited)) {
    if (JSON.stringify(base[k]) !== JSON.stringify(v)) out[k] = v;
  }
  for (const k of Object.keys(base)) if (!(k in edited)) out[k] = null;
  return out;
}

function mergeOverrides(
  prev: AssertionOverrides | undefined,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): AssertionOverrides | undefined {
  const h = { ...prev?.header, ...header };
  const c = { ...prev?.claims, ...claims };
  const out: AssertionOverrides = {};
  if (Object.keys(h).length) out.header = h;
  if (Object.keys(c).length) out.claims = c;
  return out.header || out.claims ? out : undefined;
}

export const createAssertionSlice: SliceCreator<AssertionSlice> = (set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts previews: the answer of an older one (edits typed since) is dropped. */
  let previews = 0;
  const stopPreview = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    previews++;
  };

  /** The overrides the JSON editors stand for now; undefined when either is not valid JSON. */
  function editedOverrides(): { value: AssertionOverrides | undefined } | undefined {
    const { assertion, headerText, claimsText, overrides } = get();
    if (!assertion) return undefined;
    const header = parseJsonObject(headerText, 'Header JSON');
    const claims = parseJsonObject(claimsText, 'Claims JSON');
    if ('error' in header || 'error' in claims) return undefined;
    return {
      value: mergeOverrides(
        overrides,
        changedFields(assertion.header, header.value),
        changedFields(assertion.claims, claims.value),
      ),
    };
  }

  /** Checks the edits as typed (after a pause) without replacing the assertion or the text. */
  const schedulePreview = () => {
    stopPreview();
    timer = setTimeout(() => {
      timer = undefined;
      void preview();
    }, PREFLIGHT_DEBOUNCE_MS);
  };
  async function preview() {
    const profileId = get().activeProfileId;
    const edited = editedOverrides();
    if (!profileId || !edited) return;
    const mine = ++previews;
    let r;
    try {
      r = await api().buildAssertion({
        profileId,
        ...(edited.value ? { overrides: edited.value } : {}),
        preview: true,
      });
    } catch {
      return; // No engine (the app is closing): nothing to check against.
    }
    if (mine === previews && r.ok) set({ liveLint: r.value.lint });
  }

  async function build(overrides: AssertionOverrides | undefined) {
    stopPreview();
    const profileId = get().activeProfileId;
    if (!profileId) return failOp(set, 'buildAssertion', NO_PROFILE);
    const r = await runOp(set, 'buildAssertion', () =>
      api().buildAssertion(overrides ? { profileId, overrides } : { profileId }),
    );
    if (r.ok) {
      set({
        assertion: r.value,
        headerText: pretty(r.value.header),
        claimsText: pretty(r.value.claims),
        overrides,
        editError: null,
        revealedAssertion: null,
        liveLint: null,
      });
    }
  }

  return {
    assertion: null,
    headerText: '',
    claimsText: '',
    overrides: undefined,
    editError: null,
    revealedAssertion: null,
    liveLint: null,
    setHeaderText: (headerText) => {
      set({ headerText });
      schedulePreview();
    },
    setClaimsText: (claimsText) => {
      set({ claimsText });
      schedulePreview();
    },
    buildAssertion: () => build(undefined),
    rebuildWithEdits: async () => {
      const { assertion, headerText, claimsText, overrides } = get();
      if (!assertion) return build(undefined);
      const header = parseJsonObject(headerText, 'Header JSON');
      const claims = parseJsonObject(claimsText, 'Claims JSON');
      if ('error' in header || 'error' in claims) {
        const errors = [header, claims].flatMap((p) => ('error' in p ? [p.error] : []));
        set({ editError: errors.join(' ') });
        return;
      }
      set({ editError: null });
      await build(
        mergeOverrides(
          overrides,
          changedFields(assertion.header, header.value),
          changedFields(assertion.claims, claims.value),
        ),
      );
    },
    revealAssertion: async () => {
      const r = await runOp(set, 'revealAssertion', () =>
        api().revealSecret({ kind: 'client_assertion' }),
      );
      if (r.ok) set({ revealedAssertion: r.value.value });
    },
    hideAssertion: () => set({ revealedAssertion: null }),
  };
};
