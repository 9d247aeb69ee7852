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

/** The list with `view` in place of the profile with its id, or added at the end. */
export function upsert(list: ProfileView[], view: ProfileView): ProfileView[] {
  return list.some((p) => p.id === view.id)
    ? list.map((p) => (p.id === view.id ? view : p))
    : [...list, view];
}
