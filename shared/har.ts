/**
 * HAR 1.2 export of recorded exchanges (http://www.softwareishard.com/blog/har-12-spec/), and
 * the way back: a HAR (ours or a browser's) read as exchanges, for the run diff. Pure.
 *
 * Redacted (the default): every masked secret is written as its marker
 * `{{name;len=N;sha256=xxxxxxxx}}` (shared/redact.ts), so two exports can be compared without
 * holding a secret. Unredacted: the real values, taken from what the engine still holds; the
 * caller says which kinds of secret the file then holds.
 */
import { findMarkers, secretMarker } from './redact.js';
import type { HeaderList, HttpExchange, RunView, SecretMark } from './types.js';

/** This app, as a HAR's log.creator and a case bundle's app name it. */
export const APP_NAME = 'OAuth Flow Debugger';
/** Kept equal to package.json's version (electron/core/support.test.ts checks it). */
export const APP_VERSION = '0.1.0';

interface NameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: NameValue[];
    headers: NameValue[];
    queryString: NameValue[];
    postData?: { mimeType: string; text: string };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: NameValue[];
    headers: NameValue[];
    content: { size: number; mimeType: string; text: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  /** Ours (custom fields start with _ in HAR 1.2): what the app knows of the exchange. */
  _step?: string;
  _channel?: 'front';
  _exchangeId?: string;
  _marks?: Record<string, SecretMark>;
  _error?: { code: string; message: string };
  _assertion?: HeaderClaims;
  _tokens?: { access_token?: HeaderClaims; id_token?: HeaderClaims };
}

export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: {
      startedDateTime: string;
      id: string;
      title: string;
      pageTimings: Record<string, never>;
    }[];
    entries: HarEntry[];
  };
}

export interface HarOptions {
  /** Default true: secrets as markers. */
  redacted?: boolean;
  /** Unredacted only: placeholder -> real value of an exchange, while the engine holds them. */
  held?: (exchangeId: string) => ReadonlyMap<string, string> | undefined;
  /** The runs the exchanges belong to: one HAR page each. */
  runs?: readonly RunView[];
  /**
   * The decoded header and claims of the exchange's JWTs (never a signature or a raw value):
   * written as _assertion (so the Inspector can still lint a masked assertion's claims) and
   * _tokens (so a run diff of two redacted exports compares token claims).
   */
  decoded?: (ex: HttpExchange) => readonly DecodedToken[];
}

/** A JWT of an exchange, decoded: its kind, header and claims. */
export interface DecodedToken {
  kind: 'client_assertion' | 'access_token' | 'id_token';
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

type HeaderClaims = { header: Record<string, unknown>; claims: Record<string, unknown> };

const headerOf = (h: HeaderList, name: string) =>
  h.find(([n]) => n.toLowerCase() === name)?.[1] ?? '';

/** The name a placeholder stands for: {{client_assertion}} -> client_assertion. */
export const placeholderName = (p: string) => /^\{\{(.+)\}\}$/.exec(p)?.[1] ?? p;

/**
 * One exchange with its placeholders replaced: markers (redacted), or the real values. A value in
 * a URL or a form body is written URL-encoded (the recorder masked either form). Returns the names
 * of the secrets written in the clear, and (unredacted) of those left as markers: not held.
 */
export function revealExchange(
  ex: HttpExchange,
  mode: { redacted: true } | { redacted: false; held: ReadonlyMap<string, string> | undefined },
): {
  request: HttpExchange['request'];
  response?: HttpExchange['response'];
  holds: string[];
  notHeld: string[];
} {
  const holds = new Set<string>();
  const notHeld = new Set<string>();
  const marks = ex.marks ?? {};
  const sub = (text: string, encoded: boolean) => {
    let out = text;
    for (const [placeholder, mark] of Object.entries(marks)) {
      if (!out.includes(placeholder)) continue;
      const real = mode.redacted ? undefined : mode.held?.get(placeholder);
      let value = secretMarker(placeholder, mark);
      if (real !== undefined) {
        value = encoded ? encodeURIComponent(real) : real;
        holds.add(placeholderName(placeholder));
      } else if (!mode.redacted) notHeld.add(placeholderName(placeholder));
      out = out.split(placeholder).join(value);
    }
    return out;
  };
  const form = /x-www-form-urlencoded/i.test(headerOf(ex.request.headers, 'content-type'));
  const request = {
    method: ex.request.method,
    url: sub(ex.request.url, true),
    headers: ex.request.headers.map(([n, v]): [string, string] => [n, sub(v, false)]),
    ...(ex.request.body !== undefined ? { body: sub(ex.request.body, form) } : {}),
  };
  const response = ex.response && {
    ...ex.response,
    headers: ex.response.headers.map(([n, v]): [string, string] => [
      n,
      sub(v, n.toLowerCase() === 'location'),
    ]),
    body: sub(ex.response.body, false),
    ...(ex.response.redirectNotFollowed
      ? { redirectNotFollowed: sub(ex.response.redirectNotFollowed, true) }
      : {}),
  };
  return {
    request,
    ...(response ? { response } : {}),
    holds: [...holds],
    notHeld: [...notHeld],
  };
}

const pairs = (h: HeaderList): NameValue[] => h.map(([name, value]) => ({ name, value }));

function queryString(url: string): NameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

const byteLength = (s: string) => new TextEncoder().encode(s).length;

/**
 * The exchanges as a HAR 1.2 log (one page per run), with the kinds of secret it holds and
 * (unredacted) how many exchanges still carry markers because their values are no longer held.
 */
export function toHar(
  exchanges: readonly HttpExchange[],
  opts: HarOptions = {},
): { har: Har; holds: string[]; stillMasked: number } {
  const redacted = opts.redacted !== false;
  const holds = new Set<string>();
  let stillMasked = 0;
  const entries = exchanges.map((ex): HarEntry => {
    const shown = redacted
      ? revealExchange(ex, { redacted: true })
      : revealExchange(ex, { redacted: false, held: opts.held?.(ex.id) });
    for (const h of shown.holds) holds.add(h);
    if (shown.notHeld.length) stillMasked++;
    const req = shown.request;
    const res = shown.response;
    const body = req.body ?? '';
    const decoded = opts.decoded?.(ex) ?? [];
    const hc = (t: DecodedToken | undefined) => t && { header: t.header, claims: t.claims };
    const assertion = hc(decoded.find((t) => t.kind === 'client_assertion'));
    const tokens = {
      ...(decoded.some((t) => t.kind === 'access_token')
        ? { access_token: hc(decoded.find((t) => t.kind === 'access_token'))! }
        : {}),
      ...(decoded.some((t) => t.kind === 'id_token')
        ? { id_token: hc(decoded.find((t) => t.kind === 'id_token'))! }
        : {}),
    };
    return {
      ...(ex.runId ? { pageref: ex.runId } : {}),
      startedDateTime: ex.startedAt,
      time: ex.durationMs,
      request: {
        method: req.method,
        url: req.url,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: pairs(req.headers),
        queryString: queryString(req.url),
        ...(req.body !== undefined
          ? {
              postData: {
                mimeType: headerOf(req.headers, 'content-type') || 'text/plain',
                text: body,
              },
            }
          : {}),
        headersSize: -1,
        bodySize: byteLength(body),
      },
      // No answer (a network error, or a browser hop the app did not see): status 0, as browsers
      // write an aborted request; _error says why.
      response: res
        ? {
            status: res.status,
            statusText: res.statusText,
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: pairs(res.headers),
            content: {
              size: res.bodyBytes,
              mimeType: headerOf(res.headers, 'content-type') || 'text/plain',
              text: res.body,
            },
            redirectURL: res.redirectNotFollowed ?? '',
            headersSize: -1,
            bodySize: res.bodyBytes,
          }
        : {
            status: 0,
            statusText: '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [],
            content: { size: 0, mimeType: 'x-unknown', text: '' },
            redirectURL: '',
            headersSize: -1,
            bodySize: -1,
          },
      cache: {},
      timings: { send: 0, wait: ex.durationMs, receive: 0 },
      _step: ex.step,
      ...(ex.channel ? { _channel: ex.channel } : {}),
      _exchangeId: ex.id,
      ...(ex.marks ? { _marks: ex.marks } : {}),
      ...(ex.error ? { _error: ex.error } : {}),
      ...(assertion ? { _assertion: assertion } : {}),
      ...(Object.keys(tokens).length ? { _tokens: tokens } : {}),
    };
  });
  const used = new Set(exchanges.map((x) => x.runId).filter(Boolean));
  const pages = (opts.runs ?? [])
    .filter((r) => used.has(r.id))
    .map((r) => ({
      startedDateTime: r.startedAt,
      id: r.id,
      title: `${r.flow}${r.profileName ? ` (${r.profileName})` : ''}`,
      pageTimings: {},
    }));
  return {
    har: {
      log: {
        version: '1.2',
        creator: { name: APP_NAME, version: APP_VERSION },
        pages,
        entries,
      },
    },
    holds: [...holds].sort(),
    stillMasked,
  };
}

/** A HAR's file name: the app, the first run's flow, the time. */
export function harFileName(at: Date, flow?: string): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `oauth-flow-debugger${flow ? `-${flow.replace(/[^\w-]+/g, '-')}` : ''}-${stamp}.har`;
}

// --- the way back ------------------------------------------------------------------------------

interface LooseEntry {
  startedDateTime?: unknown;
  time?: unknown;
  pageref?: unknown;
  request?: {
    method?: unknown;
    url?: unknown;
    headers?: unknown;
    postData?: { text?: unknown; params?: unknown };
  };
  response?: {
    status?: unknown;
    statusText?: unknown;
    headers?: unknown;
    content?: { text?: unknown; size?: unknown; encoding?: unknown };
    redirectURL?: unknown;
  };
  _step?: unknown;
  _channel?: unknown;
  _exchangeId?: unknown;
  _marks?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function headerList(v: unknown): HeaderList {
  if (!Array.isArray(v)) return [];
  return v.flatMap((h: { name?: unknown; value?: unknown }) =>
    typeof h?.name === 'string' && typeof h.value === 'string' && !h.name.startsWith(':')
      ? [[h.name, h.value] as [string, string]]
      : [],
  );
}

/** The marks of the markers a text carries ({{name;len=N;sha256=x}} -> {{name}} -> mark). */
export function marksIn(text: string): Record<string, SecretMark> {
  const out: Record<string, SecretMark> = {};
  for (const m of findMarkers(text))
    if (m.length !== undefined && m.sha256)
      out[`{{${m.name}}}`] = { length: m.length, sha256: m.sha256 };
  return out;
}

/**
 * A HAR log read back as exchanges (markers stay in the text, and give the marks). Throws an
 * Error saying what is wrong when it is no HAR.
 */
export function exchangesFromHar(json: unknown): HttpExchange[] {
  const log = (json as { log?: { entries?: unknown } } | undefined)?.log;
  if (!log || !Array.isArray(log.entries))
    throw new Error('It is not a HAR file: log.entries is missing.');
  return (log.entries as LooseEntry[]).map((e, i): HttpExchange => {
    const req = e.request ?? {};
    const res = e.response;
    const params = req.postData?.params;
    const body =
      str(req.postData?.text) ??
      (Array.isArray(params)
        ? new URLSearchParams(
            params.map((p: { name?: unknown; value?: unknown }) => [
              String(p?.name ?? ''),
              String(p?.value ?? ''),
            ]),
          ).toString()
        : undefined);
    let resBody = str(res?.content?.text) ?? '';
    if (res?.content?.encoding === 'base64') {
      try {
        resBody = new TextDecoder().decode(Uint8Array.from(atob(resBody), (c) => c.charCodeAt(0)));
      } catch {
        // Kept as it is.
      }
    }
    const status = typeof res?.status === 'number' ? res.status : 0;
    const request = {
      method: (str(req.method) ?? 'GET').toUpperCase(),
      url: str(req.url) ?? '',
      headers: headerList(req.headers),
      ...(body !== undefined && body !== '' ? { body } : {}),
    };
    const response =
      status > 0
        ? {
            status,
            statusText: str(res?.statusText) ?? '',
            headers: headerList(res?.headers),
            body: resBody,
            bodyBytes: typeof res?.content?.size === 'number' ? res.content.size : resBody.length,
            truncated: false,
            ...(str(res?.redirectURL) ? { redirectNotFollowed: str(res?.redirectURL)! } : {}),
          }
        : undefined;
    const ownMarks =
      e._marks && typeof e._marks === 'object' ? (e._marks as Record<string, SecretMark>) : {};
    const marks = { ...marksIn(JSON.stringify([request, response ?? null])), ...ownMarks };
    return {
      id: str(e._exchangeId) ?? `har${i}`,
      step: str(e._step) ?? '',
      ...(str(e.pageref) ? { runId: str(e.pageref)! } : {}),
      ...(e._channel === 'front' ? { channel: 'front' as const } : {}),
      ...(Object.keys(marks).length ? { marks } : {}),
      startedAt: str(e.startedDateTime) ?? '',
      durationMs: typeof e.time === 'number' ? e.time : 0,
      request,
      ...(response ? { response } : {}),
      curl: '',
    };
  });
}
