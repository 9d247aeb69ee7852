/** Display helpers shared by the components. */

export const pretty = (v: unknown): string =>
  typeof v === 'string' ? v : (JSON.stringify(v, null, 2) ?? String(v));

/** One-line display of a claim or field value. */
export function display(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/**
 * One formatter for every date shown: Date#toLocaleString builds a new one per call, which a
 * timeline drawn page by page pays hundreds of times. Same output as toLocaleString().
 */
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** ISO date as local date-time, with the ISO value kept for the title. */
export function localDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DATE_TIME.format(d);
}

/** 299 -> "4:59", 3723 -> "1:02:03" */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "Expires in 4:59" or "Expired 0:12 ago". */
export function expiryText(expiresAtMs: number, nowMs: number): string {
  const diff = expiresAtMs - nowMs;
  return diff > 0 ? `Expires in ${clock(diff / 1000)}` : `Expired ${clock(-diff / 1000)} ago`;
}

/** "45 s" / "3 min" / "2 h" for a duration in seconds, rounded to the unit shown. */
function amount(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  if (s < 60) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}

/** A time relative to now: past reads "12 s ago" / "3 min ago" (now is "0 s ago"), future "in 12 s". */
export function relativeTime(atMs: number, nowMs: number): string {
  const d = Math.round((atMs - nowMs) / 1000);
  return d > 0 ? `in ${amount(d)}` : `${amount(-d)} ago`;
}

/** ISO time as the local time of day (HH:MM:SS), the ISO value itself when it does not parse. */
export function timeOfDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}
