import { useCallback, useLayoutEffect, useMemo, useState, type RefObject } from 'react';

/** Space between two rows (the list's gap), added to each measured height. */
const GAP = 6;
/** Rows drawn above and below the visible part, so a fast scroll or Tab never lands on nothing. */
const OVERSCAN_PX = 600;
/**
 * Below this many rows every row is drawn: a short timeline stays whole (find in page, a test or
 * a script walking every exchange); only a long one is windowed.
 */
export const WINDOW_FROM = 300;
/** The height assumed where the page has no layout (tests) or before the first measure. */
const FALLBACK_VIEWPORT = 900;

/**
 * A small hand-written windowing of a long list (the timeline of 10,000 exchanges): only the rows in
 * view (plus an overscan) are in the DOM; the rest is padding of the list's measured or estimated
 * height. `scrollRef` is the scrolling element, `listRef` the list inside it.
 */
export function useWindowedRows(
  keys: readonly string[],
  estimate: (index: number) => number,
  scrollRef: RefObject<HTMLElement | null>,
  listRef: RefObject<HTMLElement | null>,
) {
  // One map of measured heights; a new wrapper object on each change re-runs the offsets.
  const [sizes, setSizes] = useState(() => ({ map: new Map<string, number>() }));
  const [view, setView] = useState({ top: 0, height: FALLBACK_VIEWPORT });

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const read = () => {
      const listTop = listRef.current?.offsetTop ?? 0;
      setView({ top: el.scrollTop - listTop, height: el.clientHeight || FALLBACK_VIEWPORT });
    };
    read();
    el.addEventListener('scroll', read, { passive: true });
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(read) : undefined;
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      ro?.disconnect();
    };
  }, [scrollRef, listRef]);

  // Offsets are rebuilt when the rows or a measured height change, not on every scroll.
  const offsets = useMemo(() => {
    const out = new Float64Array(keys.length + 1);
    for (let i = 0; i < keys.length; i++)
      out[i + 1] = out[i]! + (sizes.map.get(keys[i]!) ?? estimate(i));
    return out;
  }, [keys, estimate, sizes]);

  const total = offsets[keys.length]!;
  const first = Math.max(0, view.top - OVERSCAN_PX);
  const last = view.top + view.height + OVERSCAN_PX;
  const whole = keys.length < WINDOW_FROM;
  const start = whole ? 0 : Math.max(0, search(offsets, first) - 1);
  const end = whole ? keys.length : Math.min(keys.length, search(offsets, last) + 1);

  // Rows are measured by a ResizeObserver (after layout, in one batch): reading each row's size
  // as it mounts would force a layout per row. Without one (tests) the estimates stand.
  const [rowObserver] = useState(() =>
    typeof ResizeObserver === 'function'
      ? new ResizeObserver((entries) => {
          setSizes((s) => {
            let changed = false;
            for (const e of entries) {
              const key = (e.target as HTMLElement).dataset.rowKey;
              const h = e.borderBoxSize?.[0]?.blockSize ?? e.contentRect.height;
              if (!key || !h) continue;
              const known = s.map.get(key);
              if (known !== undefined && Math.abs(known - (h + GAP)) < 1) continue;
              s.map.set(key, h + GAP);
              changed = true;
            }
            // Unchanged: the same state, so nothing renders again.
            return changed ? { map: s.map } : s;
          });
        })
      : undefined,
  );
  const [observed] = useState(() => new Map<string, HTMLElement>());
  useLayoutEffect(() => () => rowObserver?.disconnect(), [rowObserver]);

  /** Ref of a drawn row: its real height replaces the estimate. */
  const measure = useCallback(
    (key: string, el: HTMLElement | null) => {
      if (!rowObserver) return;
      const was = observed.get(key);
      if (was && was !== el) rowObserver.unobserve(was);
      if (!el) return void observed.delete(key);
      el.dataset.rowKey = key;
      observed.set(key, el);
      rowObserver.observe(el);
    },
    [rowObserver, observed],
  );

  /** Where row `index` begins, from the top of the list. */
  const offsetOf = useCallback((index: number) => offsets[index] ?? 0, [offsets]);

  return {
    start,
    end,
    before: offsets[start]!,
    after: total - offsets[end]!,
    measure,
    offsetOf,
  };
}

/** The first index whose offset is past `y` (offsets ascending). */
function search(offsets: Float64Array, y: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
