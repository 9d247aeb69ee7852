import type { ProfileInput, ProfileView } from '../../../shared/types.js';

/** The input that saves a profile unchanged (keeps the stored client secret). */
export function toProfileInput(view: ProfileView): ProfileInput {
  const {
    auth,
    hasPassword: _p,
    hasRegistrationToken: _r,
    hasIntrospectionToken: _i,
    // Kept by the engine, not sent.
    createdAt: _c,
    lastUsedAt: _u,
    ...rest
  } = view;
  const input: ProfileInput = { ...rest, auth: { ...auth } };
  delete (input.auth as Partial<ProfileView['auth']>).hasClientSecret;
  return input;
}

/** Blank strings become undefined so optional URL fields stay unset. */
export function optional(value: string): string | undefined {
  const v = value.trim();
  return v === '' ? undefined : v;
}
