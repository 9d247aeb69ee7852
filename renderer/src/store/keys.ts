import type { JwksHostView, KeyInfo, KeyKind, SigningAlg } from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp } from './ops.js';
import { toProfileInput } from './profile-input.js';
import { upsert } from './util.js';
import type { SliceCreator } from './types.js';

export interface KeysSlice {
  keys: KeyInfo[];
  jwks: string | null;
  exportedKeyPath: string | null;
  /** The loopback JWKS host, when one is running. */
  jwksHost: JwksHostView | null;
  generateKey(input: { kind: KeyKind; alg: SigningAlg; kid?: string }): Promise<KeyInfo | null>;
  /** A new key; with replaceKeyId the private part of that key again (same thumbprint). */
  importKey(input: {
    text: string;
    alg?: SigningAlg;
    kid?: string;
    replaceKeyId?: string;
  }): Promise<KeyInfo | null>;
  deleteKey(id: string): Promise<void>;
  /** Sets the active profile's auth to private_key_jwt with this key, and saves it. */
  applyKeyToProfile(keyId: string): Promise<void>;
  exportJwks(): Promise<void>;
  exportPrivateKey(keyId: string, path: string): Promise<void>;
  /** Serves the public JWKS of one key, or of the active profile's key when keyId is empty. */
  hostJwks(keyId: string | null, port?: number): Promise<void>;
  stopJwksHost(): Promise<void>;
}

export const createKeysSlice: SliceCreator<KeysSlice> = (set, get) => ({
  keys: [],
  jwks: null,
  exportedKeyPath: null,
  jwksHost: null,

  generateKey: async (input) => {
    const r = await runOp(set, 'generateKey', () => api().generateKey(input));
    if (!r.ok) return null;
    set((s) => ({ keys: [...s.keys, r.value], jwks: null }));
    return r.value;
  },

  importKey: async (input) => {
    const r = await runOp(set, 'importKey', () => api().importKey(input));
    if (!r.ok) return null;
    set((s) => ({ keys: upsert(s.keys, r.value), jwks: null }));
    return r.value;
  },

  deleteKey: async (id) => {
    const r = await runOp(set, 'deleteKey', () => api().deleteKey(id));
    if (r.ok) set((s) => ({ keys: s.keys.filter((k) => k.id !== id), jwks: null }));
  },

  applyKeyToProfile: async (keyId) => {
    const { activeProfileId, profiles, keys } = get();
    const profile = profiles.find((p) => p.id === activeProfileId);
    const key = keys.find((k) => k.id === keyId);
    if (!profile) return failOp(set, 'applyKeyToProfile', NO_PROFILE);
    if (!key) {
      return failOp(set, 'applyKeyToProfile', { code: 'NOT_FOUND', message: 'That key is gone.' });
    }
    const input = toProfileInput(profile);
    input.auth = {
      ...input.auth,
      method: 'private_key_jwt',
      keyId: key.id,
      kid: key.kid,
      alg: key.alg,
    };
    const r = await runOp(set, 'applyKeyToProfile', () => api().saveProfile(input));
    if (r.ok) set((s) => ({ profiles: upsert(s.profiles, r.value) }));
  },

  exportJwks: async () => {
    const ids = get().keys.map((k) => k.id);
    const r = await runOp(set, 'exportJwks', () => api().exportJwks(ids));
    if (r.ok) set({ jwks: r.value.jwks });
  },

  exportPrivateKey: async (keyId, path) => {
    set({ exportedKeyPath: null });
    if (!path.trim()) {
      return failOp(set, 'exportPrivateKey', {
        code: 'INVALID_INPUT',
        message: 'No file path given.',
        fix: 'Type the full path of the file to write, e.g. /home/me/keys/client.pem.',
      });
    }
    const r = await runOp(set, 'exportPrivateKey', () =>
      api().exportPrivateKey({ keyId, path: path.trim() }),
    );
    if (r.ok) set({ exportedKeyPath: r.value.path });
  },

  hostJwks: async (keyId, port) => {
    const profileId = get().activeProfileId;
    if (!keyId && !profileId) return failOp(set, 'hostJwks', NO_PROFILE);
    const which = keyId ? { keyIds: [keyId] } : { profileId: profileId! };
    const r = await runOp(set, 'hostJwks', () =>
      api().hostJwks(port === undefined ? which : { ...which, port }),
    );
    if (r.ok) set({ jwksHost: r.value });
  },

  stopJwksHost: async () => {
    const r = await runOp(set, 'stopJwksHost', () => api().stopJwksHost());
    if (r.ok) set({ jwksHost: null });
  },
});
