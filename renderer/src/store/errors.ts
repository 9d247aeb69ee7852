/** Errors the store reports itself, before any call (shared by every slice that needs a profile). */

export const NO_PROFILE = {
  code: 'NOT_FOUND',
  message: 'No profile is selected.',
  fix: 'Create or select a profile in the Profile step first.',
} as const;
