/** Small pure helpers the slices share (so that no slice imports another for them). */
import type { ProfileView } from '../../../shared/types.js';

export const pretty = (v: unknown): string => JSON.stringify(v, null, 2);

/** Parses editor text that must hold a JSON object. */
export function parseJsonObject(
  text: string,
  label: string,
): { value: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `${label} is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: `${label} must be a JSON object ({ … }).` };
  }
  return { value: value as Record<string, unknown> };
}

/** The list with `view` in place of the item with its id (a profile, a key), or added at the end. */
export function upsert<T extends { id: string }>(list: T[], view: T): T[] {
  return list.some((p) => p.id === view.id)
    ? list.map((p) => (p.id === view.id ? view : p))
    : [...list, view];
}

/** A new profile list, keeping the active profile when it is still there (else the first). */
export function withProfiles(
  profiles: ProfileView[],
  activeProfileId: string | null,
): { profiles: ProfileView[]; activeProfileId: string | null } {
  const keep = profiles.some((p) => p.id === activeProfileId);
  return { profiles, activeProfileId: keep ? activeProfileId : (profiles[0]?.id ?? null) };
}
