/**
 * The sequence diagram's pure part: who talks to whom in each recorded exchange, and where each
 * lifeline, arrow and label goes. No React, no DOM, so it is tested on its own
 * (sequence-layout.test.ts) and the component only draws what this returns.
 */
import type { HttpExchange, RunView } from '../../../shared/types.js';

export type ParticipantId = 'app' | 'browser' | 'as' | 'fhir';

/** Lifelines, left to right: the browser sits between the app and the server it carries. */
export const PARTICIPANTS: readonly { id: ParticipantId; label: string; short: string }[] = [
  { id: 'app', label: 'App (this debugger)', short: 'App' },
  { id: 'browser', label: 'Browser', short: 'Browser' },
  { id: 'as', label: 'Authorization server', short: 'Auth server' },
  { id: 'fhir', label: 'FHIR server', short: 'FHIR server' },
];

export const PARTICIPANT_LABEL: Record<ParticipantId, string> = Object.fromEntries(
  PARTICIPANTS.map((p) => [p.id, p.label]),
) as Record<ParticipantId, string>;

/** One exchange as the diagram tells it. */
export interface Hop {
  exchangeId: string;
  /** 1-based position in the run. */
  n: number;
  from: ParticipantId;
  to: ParticipantId;
  step: string;
  method: string;
  /** Path (and a shortened query) of the URL: what fits on an arrow. */
  path: string;
  /** The request arrow's label: "POST /token". */
  request: string;
  /** The return arrow's label ("200 OK", "✕ 401 Unauthorized"); undefined: nothing came back. */
  answer?: string;
  failed: boolean;
  /** Why the hop failed, in words (for the text alternative and the tooltip). */
  failure?: string;
}

/** Who sends and who receives an exchange, from its step and channel. */
export function participantsOf(x: HttpExchange): { from: ParticipantId; to: ParticipantId } {
  const step = x.step.toLowerCase();
  if (x.channel === 'front') {
    // The callback is the server's redirect landing at the app (loopback or pasted).
    if (step.startsWith('callback')) return { from: 'browser', to: 'app' };
    return { from: 'browser', to: 'as' };
  }
  if (step.startsWith('resource')) return { from: 'app', to: 'fhir' };
  // Discovery, registration, token, device, introspection, revocation, userinfo, JWKS, probes.
  return { from: 'app', to: 'as' };
}

const QUERY_MAX = 24;

/** The URL's path and a shortened query: enough to tell the hops apart on an arrow. */
export function shortPath(url: string): string {
  try {
    const u = new URL(url);
    const q = u.search.length > QUERY_MAX ? `${u.search.slice(0, QUERY_MAX - 1)}…` : u.search;
    return `${u.pathname}${q}`;
  } catch {
    return url;
  }
}

/** The error a front-channel callback carried (error=access_denied), if any. */
function callbackError(x: HttpExchange): string | undefined {
  if (x.channel !== 'front') return undefined;
  try {
    return new URL(x.request.url).searchParams.get('error') ?? undefined;
  } catch {
    return undefined;
  }
}

/** The diagram's reading of each exchange, in order. */
export function hopsOf(exchanges: readonly HttpExchange[]): Hop[] {
  return exchanges.map((x, i) => {
    const { from, to } = participantsOf(x);
    const path = shortPath(x.request.url);
    const hop: Hop = {
      exchangeId: x.id,
      n: i + 1,
      from,
      to,
      step: x.step,
      method: x.request.method,
      path,
      request: `${x.request.method} ${path}`,
      failed: false,
    };
    const redirectError = callbackError(x);
    if (x.error) {
      hop.failed = true;
      hop.failure = `${x.error.code}: no answer`;
      hop.answer = `✕ ${x.error.code}`;
    } else if (x.response) {
      const { status, statusText } = x.response;
      const line = `${status} ${statusText}`.trim();
      if (status >= 400) {
        hop.failed = true;
        hop.failure = `HTTP ${line}`;
        hop.answer = `✕ ${line}`;
      } else hop.answer = line;
    }
    if (redirectError) {
      hop.failed = true;
      hop.failure = `the redirect carried error=${redirectError}`;
      hop.answer ??= `✕ error=${redirectError}`;
    }
    return hop;
  });
}

/** The exchanges of one run, in the order they were made. */
export function exchangesOfRun(
  exchanges: readonly HttpExchange[],
  runId: string | null,
): HttpExchange[] {
  if (!runId) return [];
  return exchanges.filter((x) => x.runId === runId);
}

/** The runs that have exchanges, oldest first; names from listRuns() when known. */
export function runsOf(exchanges: readonly HttpExchange[], known: readonly RunView[]): RunView[] {
  const seen = new Map<string, RunView>();
  for (const x of exchanges) {
    if (!x.runId || seen.has(x.runId)) continue;
    const run = known.find((r) => r.id === x.runId);
    seen.set(x.runId, run ?? { id: x.runId, flow: x.step, startedAt: x.startedAt });
  }
  return [...seen.values()];
}

/** A run's name in the picker: its flow, profile and time. */
export function runLabel(run: RunView, n: number): string {
  const at = new Date(run.startedAt);
  const time = Number.isNaN(at.getTime())
    ? ''
    : ` · ${at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`;
  return `Run ${n}${time} · ${run.flow}${run.profileName ? ` — ${run.profileName}` : ''}`;
}

// ---- geometry ----

export interface LayoutOptions {
  /** The width to fill (the panel's width); lanes spread out, labels shorten to fit. */
  width: number;
  /** Average character width of the label font, to shorten labels that would overflow. */
  charWidth?: number;
}

export interface Lane {
  id: ParticipantId;
  label: string;
  x: number;
}

export interface Arrow {
  hop: Hop;
  x1: number;
  x2: number;
  /** The request line's y; the return line (when any) is at returnY. */
  y: number;
  returnY?: number;
  /** Labels as drawn (shortened to the space between the two lifelines). */
  requestLabel: string;
  answerLabel?: string;
  labelX: number;
}

export interface SequenceLayout {
  width: number;
  height: number;
  lanes: Lane[];
  arrows: Arrow[];
  /** The header boxes' top and height, and where the lifelines start and end. */
  header: { y: number; height: number; width: number };
  lifeline: { top: number; bottom: number };
}

const MARGIN = 16;
const HEADER_H = 40;
const ROW_H = 30;
const GAP_AFTER_HEADER = 24;
const MIN_LANE_GAP = 84;
const MAX_LANE_GAP = 320;

/** Cuts a label to `max` characters with an ellipsis. */
export function fit(text: string, max: number): string {
  if (max <= 1) return '…';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Places the lifelines of the participants the hops use (the app always) and one request arrow
 * and one return arrow per hop, top to bottom.
 */
export function layoutSequence(hops: readonly Hop[], opts: LayoutOptions): SequenceLayout {
  const charWidth = opts.charWidth ?? 7;
  const used = new Set<ParticipantId>(['app']);
  for (const h of hops) {
    used.add(h.from);
    used.add(h.to);
  }
  const lanesUsed = PARTICIPANTS.filter((p) => used.has(p.id));
  // Header boxes are as wide as the space allows, so the outer lanes sit half a box in.
  const boxWidth = Math.max(78, Math.min(160, (opts.width - 2 * MARGIN) / lanesUsed.length - 12));
  // The full names need about 150 px at 12 px type; narrower boxes take the short ones.
  const long = boxWidth >= 150;
  const inner = opts.width - 2 * MARGIN - boxWidth;
  const gap =
    lanesUsed.length > 1
      ? Math.min(MAX_LANE_GAP, Math.max(MIN_LANE_GAP, inner / (lanesUsed.length - 1)))
      : 0;
  const span = gap * (lanesUsed.length - 1);
  const width = Math.max(opts.width, Math.ceil(span + boxWidth + 2 * MARGIN));
  const left = (width - span) / 2;
  const lanes: Lane[] = lanesUsed.map((p, i) => ({
    id: p.id,
    label: long ? p.label : p.short,
    x: left + i * gap,
  }));
  const xOf = (id: ParticipantId) => lanes.find((l) => l.id === id)!.x;

  const top = MARGIN + HEADER_H + GAP_AFTER_HEADER;
  let y = top;
  const arrows: Arrow[] = hops.map((hop) => {
    const x1 = xOf(hop.from);
    const x2 = xOf(hop.to);
    // Labels start just right of the arrow's left end and may run over the lifelines to the
    // right (drawn with a halo), so a short arrow in a narrow panel still says what it is.
    const labelX = Math.min(x1, x2) + 8;
    const room = Math.max(4, Math.floor((width - MARGIN - labelX) / charWidth));
    const arrow: Arrow = {
      hop,
      x1,
      x2,
      y,
      requestLabel: fit(`${hop.n}. ${hop.request}`, room),
      labelX,
    };
    y += ROW_H;
    if (hop.answer) {
      arrow.returnY = y;
      arrow.answerLabel = fit(hop.answer, room);
      y += ROW_H;
    }
    y += 6;
    return arrow;
  });
  const bottom = Math.max(y, top + ROW_H);
  return {
    width,
    height: bottom + MARGIN,
    lanes,
    arrows,
    header: { y: MARGIN, height: HEADER_H, width: boxWidth },
    lifeline: { top: MARGIN + HEADER_H, bottom },
  };
}

/** The text alternative: one line per hop, as a screen reader hears it. */
export function hopSentence(hop: Hop): string {
  const who = `${PARTICIPANT_LABEL[hop.from]} to ${PARTICIPANT_LABEL[hop.to]}`;
  const answer = hop.failed
    ? `failed: ${hop.failure}`
    : hop.answer
      ? `answered ${hop.answer}`
      : 'no answer recorded (front channel)';
  return `${hop.n}. ${hop.step}: ${who}, ${hop.request}; ${answer}.`;
}
