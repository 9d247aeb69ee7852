import type {
  JwksHostView,
  KeyInfo,
  ProfileView,
  RegistrationDraft,
  RegistrationResult,
} from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp, type OpKey } from './ops.js';
import { toProfileInput } from './profile-input.js';
import { parseJsonObject, pretty, upsert } from './util.js';
import type { SliceCreator } from './types.js';

export type RegistrationAction = 'read' | 'update' | 'delete';

export interface RegistrationSlice {
  registrationDraft: RegistrationDraft | null;
  /** The editable RFC 7591 metadata. */
  registrationText: string;
  registrationUrl: string;
  registrationResult: RegistrationResult | null;
  setRegistrationText(text: string): void;
  setRegistrationUrl(url: string): void;
  prepareRegistration(): Promise<void>;
  /** Checks the editor holds a JSON object, then sends it. Bad JSON sends nothing. */
  sendRegistration(): Promise<void>;
  /** RFC 7592 read / update (the editor's JSON) / delete with the stored registration token. */
  manageRegistration(action: RegistrationAction): Promise<void>;
  /**
   * Makes the JWKS URL this app hosts for the profile's key the profile's jwks_uri (key delivery
   * jwks_uri), then rebuilds the metadata; edits made in the editor are kept, with jwks_uri in
   * place of jwks.
   */
  applyHostedJwks(): Promise<void>;
}

/** The URL of the JWKS host when it serves the profile's key, else null. */
export function hostedJwksUrl(
  host: JwksHostView | null,
  profile: ProfileView | null,
  keys: KeyInfo[],
): string | null {
  if (!host || !profile?.auth.keyId) return null;
  const kid = keys.find((k) => k.id === profile.auth.keyId)?.kid ?? profile.auth.kid;
  return kid && host.kids.includes(kid) ? host.url : null;
}

const MANAGE_OP: Record<RegistrationAction, OpKey> = {
  read: 'readRegistration',
  update: 'updateRegistration',
  delete: 'deleteRegistration',
};

export const createRegistrationSlice: SliceCreator<RegistrationSlice> = (set, get) => {
  /** The editor text when it is a JSON object; otherwise records the error on `op`. */
  function editedJson(op: OpKey): string | null {
    const parsed = parseJsonObject(get().registrationText, 'The registration');
    if ('error' in parsed) {
      failOp(set, op, {
        code: 'JSON_INVALID',
        message: parsed.error,
        fix: 'Correct the JSON in the editor; nothing was sent.',
      });
      return null;
    }
    return JSON.stringify(parsed.value);
  }

  function apply(result: RegistrationResult) {
    set((s) => ({ registrationResult: result, profiles: upsert(s.profiles, result.profile) }));
  }

  return {
    registrationDraft: null,
    registrationText: '',
    registrationUrl: '',
    registrationResult: null,
    setRegistrationText: (registrationText) => set({ registrationText }),
    setRegistrationUrl: (registrationUrl) => set({ registrationUrl }),

    prepareRegistration: async () => {
      const profileId = get().activeProfileId;
      if (!profileId) return failOp(set, 'prepareRegistration', NO_PROFILE);
      const r = await runOp(set, 'prepareRegistration', () =>
        api().prepareRegistration({ profileId }),
      );
      if (r.ok) {
        set({
          registrationDraft: r.value,
          registrationText: r.value.body,
          registrationUrl: r.value.url,
          registrationResult: null,
        });
      }
    },

    sendRegistration: async () => {
      const { activeProfileId: profileId, registrationDraft, registrationUrl } = get();
      if (!profileId) return failOp(set, 'sendRegistration', NO_PROFILE);
      const body = editedJson('sendRegistration');
      if (body === null) return;
      const url = registrationUrl.trim();
      const edited = url && url !== registrationDraft?.url;
      const r = await runOp(set, 'sendRegistration', () =>
        api().sendRegistration(edited ? { profileId, body, url } : { profileId, body }),
      );
      if (r.ok) apply(r.value);
    },

    manageRegistration: async (action) => {
      const op = MANAGE_OP[action];
      const profileId = get().activeProfileId;
      if (!profileId) return failOp(set, op, NO_PROFILE);
      let body: string | undefined;
      if (action === 'update') {
        const edited = editedJson(op);
        if (edited === null) return;
        body = edited;
      }
      const r = await runOp(set, op, () =>
        api().manageRegistration(
          body !== undefined ? { profileId, action, body } : { profileId, action },
        ),
      );
      if (!r.ok) return;
      apply(r.value);
      // What the server holds now becomes the editor text, ready for an update.
      if (action === 'read' && r.value.ok && r.value.body) {
        set({ registrationText: pretty(r.value.body) });
      }
    },

    applyHostedJwks: async () => {
      const op = 'applyHostedJwks';
      const { activeProfileId, profiles, jwksHost, keys, registrationText, registrationDraft } =
        get();
      const profile = profiles.find((p) => p.id === activeProfileId) ?? null;
      if (!profile) return failOp(set, op, NO_PROFILE);
      const url = hostedJwksUrl(jwksHost, profile, keys);
      if (!url) {
        return failOp(set, op, {
          code: 'INVALID_INPUT',
          message: 'This app is not hosting the profile’s key, so there is no JWKS URL to use.',
          fix: 'Press Host the profile’s key first (or start hosting in the Keys step).',
        });
      }
      // Edits in the editor are kept: checked before anything is saved.
      const edited = registrationText.trim() !== '' && registrationText !== registrationDraft?.body;
      let kept: string | null = null;
      if (edited) {
        const json = editedJson(op);
        if (json === null) return;
        const { jwks: _byValue, ...rest } = JSON.parse(json) as Record<string, unknown>;
        kept = pretty({ ...rest, jwks_uri: url });
      }
      const input = toProfileInput(profile);
      input.jwksUri = url;
      input.registration = { ...input.registration, keyDelivery: 'jwks_uri' };
      const r = await runOp(set, op, () => api().saveProfile(input));
      if (!r.ok) return;
      set((s) => ({ profiles: upsert(s.profiles, r.value) }));
      // Fresh metadata and pre-flight checks from the saved profile.
      await get().prepareRegistration();
      if (kept !== null && get().registrationDraft) set({ registrationText: kept });
    },
  };
};
