/**
 * The "exchanges" event carries what changed, not the whole timeline: with thousands of saved
 * exchanges a full snapshot per request would stall the page (megabytes parsed on every hop).
 * A receiver that missed a push sees that the counts or the last id do not add up, and lists the
 * exchanges again; so a missed event still cannot desynchronise the UI.
 */
import type { ExchangesPush, HttpExchange } from './types.js';

/** Removing more than this share of what was sent is sent as the whole list instead. */
const WHOLE_LIST_RATIO = 0.5;

/** The push that takes a receiver holding `sent` (ids, in order) to `now`. */
export function exchangesPush(
  sent: readonly string[],
  now: readonly HttpExchange[],
): ExchangesPush {
  const present = new Set(now.map((x) => x.id));
  const kept = sent.filter((id) => present.has(id));
  const removed = sent.length - kept.length;
  const inOrder = kept.every((id, i) => now[i]?.id === id);
  if (!inOrder || (removed > 0 && removed > sent.length * WHOLE_LIST_RATIO))
    return { total: now.length, all: [...now] };
  const gone = removed ? sent.filter((id) => !present.has(id)) : [];
  return {
    total: now.length,
    ...(gone.length ? { removed: gone } : {}),
    ...(kept.length ? { after: kept[kept.length - 1]! } : {}),
    appended: now.slice(kept.length),
  };
}

/** The receiver's list after the push, or undefined when it missed one (list them again). */
export function applyExchangesPush(
  held: readonly HttpExchange[],
  push: ExchangesPush,
): HttpExchange[] | undefined {
  if (push.stale) return undefined;
  if (push.all) return push.all;
  const removed = new Set(push.removed ?? []);
  const kept = removed.size ? held.filter((x) => !removed.has(x.id)) : [...held];
  if (kept.length + (push.appended?.length ?? 0) !== push.total) return undefined;
  if ((kept[kept.length - 1]?.id ?? undefined) !== push.after) return undefined;
  return push.appended?.length ? [...kept, ...push.appended] : kept;
}
