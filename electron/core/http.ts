import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request, type Dispatcher } from 'undici';
import {
  collectResponseSecrets,
  redactHeaders,
  redactText,
  toCurl,
  type SecretMap,
} from '../../shared/redact.js';
import { parseBodyTolerantly } from '../../shared/tolerant-json.js';
import type { HeaderList, HttpExchange, SecretMark } from '../../shared/types.js';
import { CANCELLED_MESSAGE, InFlight } from './in-flight.js';
import type { RunTracker } from './runs.js';

export interface TlsOptions {
  caPath?: string;
  /** CA certificate(s) held in the profile (chosen by file, also on the web host). */
  caPem?: string;
  allowSelfSigned?: boolean;
}

/** The app settings the recorder applies to every request (features/settings.ts). */
export interface HttpSettings {
  /** The app's timeout, or the profile's override. */
  timeoutMs?: number;
  /** system: the environment's proxy (as before); none: direct; custom: this proxy. */
  proxy?: { mode: 'system' | 'none' | 'custom'; url?: string; authorization?: string };
}

export interface SendOptions {
  step: string;
  /** Secret values to mask in the recorded exchange. */
  secrets?: SecretMap;
  tls?: TlsOptions;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

export interface RawResponse {
  status: number;
  headers: HeaderList;
  body: string;
}

export interface SendResult {
  exchange: HttpExchange;
  /** The unredacted response (stays in the engine). */
  raw?: RawResponse;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BODY = 1024 * 1024;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

let counter = 0;
const nextId = () => `x${Date.now().toString(36)}${(++counter).toString(36)}`;

/** Records every request the engine makes, raw, with timings; never follows redirects. */
export class HttpRecorder {
  readonly exchanges: HttpExchange[] = [];
  /**
   * Exchange id -> placeholder -> the real value it masks. In memory only: never persisted, never
   * in an exchange or event; read only by the explicit reveals (runnable curl, unredacted HAR).
   */
  readonly heldValues = new Map<string, Map<string, string>>();
  private dispatchers = new Map<string, Dispatcher>();
  /** The settings of the call being served (the profile's, from its run); none: the defaults. */
  private settings: () => Promise<HttpSettings> | HttpSettings = () => ({});

  /** Applies the app settings from now on (features/settings.ts); connections are made anew. */
  useSettings(settings: () => Promise<HttpSettings> | HttpSettings): void {
    this.settings = settings;
    this.resetDispatchers();
  }

  /** Drops the pooled connections (the proxy or trust changed); open requests finish first. */
  resetDispatchers(): void {
    for (const d of this.dispatchers.values()) void d.close().catch(() => {});
    this.dispatchers.clear();
  }
  /** The requests waiting for an answer, each abortable (cancelRequests). */
  readonly inFlight = new InFlight();

  constructor(
    private readonly onChange: (all: HttpExchange[]) => void = () => {},
    private readonly runs?: RunTracker,
  ) {}

  /** Adds an exchange made elsewhere (the browser's front-channel hops), masked and stamped. */
  recordFront(
    req: { method: string; url: string; headers?: HeaderList; body?: string },
    opts: {
      step: string;
      /** The flow's profile: the hop joins its current run (a callback arrives outside any call). */
      profileId?: string;
      secrets?: SecretMap;
      response?: { status: number; headers?: HeaderList; body?: string };
    },
  ): HttpExchange {
    const secrets = opts.secrets ?? new Map<string, string>();
    const request = {
      method: req.method,
      url: redactText(req.url, secrets),
      headers: redactHeaders(req.headers ?? [], secrets),
      ...(req.body !== undefined ? { body: redactText(req.body, secrets) } : {}),
    };
    const body = opts.response?.body ?? '';
    const ex: HttpExchange = {
      id: nextId(),
      step: opts.step,
      channel: 'front',
      ...this.stamp(opts.profileId),
      startedAt: new Date().toISOString(),
      durationMs: 0,
      request,
      ...(opts.response
        ? {
            response: {
              status: opts.response.status,
              statusText: statusText(opts.response.status),
              headers: redactHeaders(opts.response.headers ?? [], secrets),
              body: redactText(body, secrets),
              bodyBytes: Buffer.byteLength(body),
              truncated: false,
            },
          }
        : {}),
      curl: toCurl(request),
    };
    return this.add(ex, secrets);
  }

  /** Marks the exchange's masked secrets, holds their values (memory only) and records it. */
  private add(ex: HttpExchange, secrets: SecretMap): HttpExchange {
    const marks = secretMarks(secrets, JSON.stringify([ex.request, ex.response]));
    if (marks) ex.marks = marks;
    this.hold(ex, secrets);
    this.exchanges.push(ex);
    this.onChange([...this.exchanges]);
    return ex;
  }

  /** Keeps the values behind the exchange's marks (the first value per placeholder, as marked). */
  private hold(ex: HttpExchange, secrets: SecretMap): void {
    if (!ex.marks) return;
    const held = new Map<string, string>();
    for (const [value, placeholder] of secrets)
      if (value.length >= 4 && ex.marks[placeholder] && !held.has(placeholder))
        held.set(placeholder, value);
    this.heldValues.set(ex.id, held);
    // Bounded like the timeline: values of exchanges no longer in it are dropped.
    if (this.heldValues.size > this.exchanges.length + 100) {
      const live = new Set(this.exchanges.map((x) => x.id));
      live.add(ex.id);
      for (const id of this.heldValues.keys()) if (!live.has(id)) this.heldValues.delete(id);
    }
  }

  private stamp(profileId?: string): Pick<HttpExchange, 'runId' | 'profileId'> {
    const ctx = this.runs?.context();
    if (ctx && (!profileId || ctx.profileId === profileId))
      return { runId: ctx.runId, profileId: ctx.profileId };
    if (profileId && this.runs) return { runId: this.runs.runOf(profileId), profileId };
    return {};
  }

  clear(): number {
    const n = this.exchanges.length;
    this.exchanges.length = 0;
    this.heldValues.clear();
    this.onChange([...this.exchanges]);
    return n;
  }

  private async dispatcher(tls?: TlsOptions, proxy?: HttpSettings['proxy']): Promise<Dispatcher> {
    const pemHash = tls?.caPem ? createHash('sha256').update(tls.caPem).digest('hex') : '';
    const proxyKey = proxy
      ? `${proxy.mode}|${proxy.url ?? ''}|${proxy.authorization ? createHash('sha256').update(proxy.authorization).digest('hex') : ''}`
      : 'system';
    const key = `${tls?.caPath ?? ''}|${pemHash}|${tls?.allowSelfSigned ? 1 : 0}|${proxyKey}`;
    const hit = this.dispatchers.get(key);
    if (hit) return hit;
    const connect: Record<string, unknown> = {};
    // A custom CA is trusted beside the public roots (a profile's CA does not distrust the rest).
    const custom = [
      ...(tls?.caPath ? [await readFile(tls.caPath, 'utf8')] : []),
      ...(tls?.caPem ? [tls.caPem] : []),
    ];
    if (custom.length) connect.ca = [...rootCertificates, ...custom];
    // Explicit, per-profile opt-in only; the exchange carries a visible warning.
    if (tls?.allowSelfSigned) connect.rejectUnauthorized = false;
    const mode = proxy?.mode ?? 'system';
    const proxied =
      mode === 'system' &&
      ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => process.env[k]);
    const d =
      mode === 'custom' && proxy?.url
        ? new ProxyAgent({
            uri: proxy.url,
            ...(proxy.authorization ? { token: proxy.authorization } : {}),
            requestTls: connect,
          })
        : proxied
          ? new EnvHttpProxyAgent({ connect })
          : new Agent({ connect });
    this.dispatchers.set(key, d);
    return d;
  }

  /** Sends one request and records it, also when it fails. */
  async send(
    req: { method: string; url: string; headers: HeaderList; body?: string },
    opts: SendOptions,
  ): Promise<SendResult> {
    const secrets = opts.secrets ?? new Map<string, string>();
    const started = Date.now();
    const t0 = performance.now();
    const settings = await this.settings();
    const timeoutMs = opts.timeoutMs ?? settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const record = (partial: Partial<HttpExchange>): HttpExchange => {
      const request = {
        method: req.method,
        url: redactText(req.url, secrets),
        headers: redactHeaders(req.headers, secrets),
        ...(req.body !== undefined ? { body: redactText(req.body, secrets) } : {}),
      };
      const ex: HttpExchange = {
        id: nextId(),
        step: opts.step,
        ...this.stamp(),
        startedAt: new Date(started).toISOString(),
        durationMs: Math.round((performance.now() - t0) * 10) / 10,
        request,
        curl: toCurl(request),
        ...partial,
      };
      if (opts.tls?.allowSelfSigned || opts.tls?.caPath || opts.tls?.caPem) {
        ex.tls = {
          allowSelfSigned: !!opts.tls.allowSelfSigned,
          customCa: !!(opts.tls.caPath || opts.tls.caPem),
          ...(opts.tls.allowSelfSigned
            ? { warning: 'Certificate checks are OFF for this profile (self-signed allowed).' }
            : {}),
        };
      }
      return this.add(ex, secrets);
    };

    let dispatcher: Dispatcher;
    try {
      dispatcher = await this.dispatcher(opts.tls, settings.proxy);
    } catch (e) {
      return {
        exchange: record({
          error: { code: 'NETWORK_ERROR', message: `Cannot read CA file: ${(e as Error).message}` },
        }),
      };
    }
    // Registered with the profile of the call that makes it, so the user can cancel it.
    const flight = this.inFlight.begin(this.runs?.context()?.profileId);
    const cancelled = () => ({ code: 'CANCELLED' as const, message: CANCELLED_MESSAGE });
    if (flight.cancelled()) return { exchange: record({ error: cancelled() }) };
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), flight.signal]);
    try {
      const res = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: Object.fromEntries(groupHeaders(req.headers)),
        body: req.body,
        dispatcher,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const headers = flattenHeaders(res.headers);
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        size += b.length;
        if (size > maxBody) {
          truncated = true;
          chunks.push(b.subarray(0, Math.max(0, maxBody - (size - b.length))));
          res.body.destroy();
          break;
        }
        chunks.push(b);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      // Tokens in a response are secrets too: mask them before the exchange is recorded.
      collectResponseSecrets(parseBodyTolerantly(text).json, secrets);
      const location = headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
      const response = {
        status: res.statusCode,
        statusText: statusText(res.statusCode),
        headers: redactHeaders(headers, secrets),
        body: redactText(text, secrets),
        bodyBytes: size,
        truncated,
        ...(location && res.statusCode >= 300 && res.statusCode < 400
          ? { redirectNotFollowed: location }
          : {}),
      };
      const exchange = record({
        response,
        ...(truncated
          ? {
              error: {
                code: 'BODY_TOO_LARGE' as const,
                message: `Response larger than ${Math.round(maxBody / 1024)} KB, the most read of one answer; stopped reading.`,
              },
            }
          : {}),
      });
      // A cut body is no answer to read (its JSON is broken): callers see the BODY_TOO_LARGE
      // error, named with the cap, instead of a misleading "not JSON".
      if (truncated) return { exchange };
      return { exchange, raw: { status: res.statusCode, headers, body: text } };
    } catch (e) {
      return {
        exchange: record({ error: flight.cancelled() ? cancelled() : classifyError(e, timeoutMs) }),
      };
    } finally {
      flight.end();
    }
  }
}

/** The mark of every secret whose placeholder appears in the recorded text. */
export function secretMarks(
  secrets: SecretMap,
  recorded: string,
): Record<string, SecretMark> | undefined {
  let marks: Record<string, SecretMark> | undefined;
  for (const [value, placeholder] of secrets) {
    if (value.length < 4 || marks?.[placeholder] || !recorded.includes(placeholder)) continue;
    marks ??= {};
    marks[placeholder] = {
      length: value.length,
      sha256: createHash('sha256').update(value).digest('hex').slice(0, 8),
    };
  }
  return marks;
}

function groupHeaders(h: HeaderList): Map<string, string> {
  const m = new Map<string, string>();
  for (const [n, v] of h) m.set(n, m.has(n) ? `${m.get(n)}, ${v}` : v);
  return m;
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): HeaderList {
  const out: HeaderList = [];
  for (const [n, v] of Object.entries(h)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) out.push([n, x]);
  }
  return out;
}

/** Names a failure a person can act on: TLS, timeout, refused, DNS. */
export function classifyError(e: unknown, timeoutMs: number): NonNullable<HttpExchange['error']> {
  const err = e as {
    code?: string;
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const code = err.cause?.code ?? err.code ?? '';
  const message = err.cause?.message ?? err.message ?? String(e);
  if (TLS_CODES.has(code) || /certificate/i.test(message))
    return { code: 'TLS_UNTRUSTED', message: `${code ? `${code}: ` : ''}${message}` };
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || /timeout/i.test(code))
    return { code: 'TIMEOUT', message: `No complete answer within ${timeoutMs / 1000} s.` };
  if (code === 'ECONNREFUSED')
    return { code: 'NETWORK_ERROR', message: `Connection refused (${message}).` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { code: 'NETWORK_ERROR', message: `Host not found (${message}).` };
  return { code: 'NETWORK_ERROR', message: `${code ? `${code}: ` : ''}${message}` };
}

const STATUS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
const statusText = (s: number) => STATUS[s] ?? '';
