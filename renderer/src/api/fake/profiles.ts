// Profiles area: storage info and the profiles (save, delete, export, import).
import type { ProfileView } from '../../../../shared/types.js';
import type { FakeContext } from './context.js';
import { notFound, ok } from './helpers.js';
import type { FakeHandlers } from './types.js';

/** Handlers of the profile step and the storage info. */
export function profileHandlers(
  ctx: FakeContext,
): Pick<
  FakeHandlers,
  | 'getStorageInfo'
  | 'listProfiles'
  | 'saveProfile'
  | 'deleteProfile'
  | 'exportProfile'
  | 'importProfile'
> {
  const { state, next, profileById } = ctx;
  return {
    getStorageInfo: () =>
      ok({ backend: 'in-memory (fake)', secretsPersisted: false, quarantined: [] }),
    listProfiles: () => ok(state.profiles),
    saveProfile: (input) => {
      const existing = input.id ? profileById(input.id) : undefined;
      if (input.id && !existing) return notFound(`Profile ${input.id}`);
      if (!input.name.trim()) {
        return {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: 'name: A profile needs a name.',
            fix: 'Give the profile a name.',
          },
        };
      }
      const { clientSecret, ...auth } = input.auth;
      const { password, introspectionToken, ...rest } = input;
      const hasClientSecret =
        clientSecret === undefined
          ? (existing?.auth.hasClientSecret ?? false)
          : clientSecret !== '';
      const hasPassword =
        password === undefined ? (existing?.hasPassword ?? false) : password !== '';
      const view: ProfileView = {
        ...rest,
        id: existing?.id ?? next('profile'),
        hasPassword,
        hasRegistrationToken: existing?.hasRegistrationToken ?? false,
        hasIntrospectionToken:
          introspectionToken === undefined
            ? (existing?.hasIntrospectionToken ?? false)
            : introspectionToken !== '',
        auth: { ...auth, hasClientSecret },
      };
      if (existing) state.profiles[state.profiles.indexOf(existing)] = view;
      else state.profiles.push(view);
      return ok(view);
    },
    deleteProfile: (id) => {
      const p = profileById(id);
      if (!p) return notFound(`Profile ${id}`);
      state.profiles = state.profiles.filter((x) => x !== p);
      return ok({ deleted: id });
    },
    exportProfile: (id) => {
      const p = profileById(id);
      if (!p) return notFound(`Profile ${id}`);
      const out: Partial<ProfileView> & { version: number } = { version: 1, ...p };
      delete out.id;
      delete out.hasPassword;
      delete out.hasRegistrationToken;
      delete out.hasIntrospectionToken;
      out.auth = { ...p.auth };
      delete (out.auth as Partial<ProfileView['auth']>).hasClientSecret;
      return ok({ json: JSON.stringify(out, null, 2) });
    },
    importProfile: (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        return {
          ok: false,
          error: {
            code: 'JSON_INVALID',
            message: `The profile is not valid JSON (${(e as Error).message}).`,
            fix: 'Paste the whole exported profile file.',
          },
        };
      }
      const p = parsed as Partial<ProfileView>;
      if (!p || typeof p !== 'object' || !p.name || !p.auth) {
        return {
          ok: false,
          error: {
            code: 'PROFILE_INVALID',
            message: 'The profile has no name or auth section.',
            fix: 'Import a file made with Export.',
          },
        };
      }
      const view: ProfileView = {
        ...(p as ProfileView),
        id: next('profile'),
        clientId: p.clientId ?? '',
        scope: p.scope ?? '',
        hasPassword: false,
        hasRegistrationToken: false,
        hasIntrospectionToken: false,
        auth: { ...p.auth, hasClientSecret: false },
      };
      state.profiles.push(view);
      return ok(view);
    },
  };
}
