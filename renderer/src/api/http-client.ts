import {
  API_METHODS,
  EVENT_NAMES,
  UPLOAD_PATH,
  WEB_TOKEN_HEADER,
} from '../../../shared/api/contract.js';
import type {
  ApiMethod,
  DebuggerApi,
  DebuggerBridge,
  DebuggerEvents,
  EventName,
  UploadableFile,
  UploadedFile,
  UploadOptions,
} from '../../../shared/api/contract.js';
import type { AppError, Result } from '../../../shared/result.js';
import type { ExchangesPush } from '../../../shared/types.js';

/**
 * The web-host client: the same DebuggerBridge as the Electron preload, spoken over HTTP.
 * Every method is generated from API_METHODS: POST /api/<method> with {"args":[...]} and the
 * per-run token header. Failures come back as Result values, never as exceptions.
 */

export interface HttpBridgeOptions {
  /** Per-run token (from the page URL fragment or sessionStorage, see takeTokenFromLocation). */
  token: string;
  /** Origin of the web host, e.g. http://127.0.0.1:4317. Defaults to the page origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** WebSocket constructor; pass null to disable events (tests). */
  WebSocket?: typeof WebSocket | null;
  /** Reconnect backoff bounds in ms. */
  backoff?: { initialMs: number; maxMs: number };
}

const RESTART_FIX =
  'Check that the oauth-flow-debugger web host is still running in your terminal; if it stopped, start it again and open the new link it prints.';

const networkError = (message: string): Result<never> => ({
  ok: false,
  error: { code: 'NETWORK_ERROR', message, fix: RESTART_FIX },
});

function isAppError(v: unknown): v is AppError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AppError).code === 'string' &&
    typeof (v as AppError).message === 'string'
  );
}

/** True when a parsed response body has the shape of a Result. */
export function isResult(v: unknown): v is Result<unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as { ok?: unknown; value?: unknown; error?: unknown };
  if (r.ok === true) return 'value' in r;
  if (r.ok === false) return isAppError(r.error);
  return false;
}

/** The sessionStorage key of the per-run token (one tab, one origin: http://127.0.0.1:<port>). */
export const TOKEN_STORAGE_KEY = 'oauth-flow-debugger.token';

type TokenStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The page's sessionStorage, or null where it is not available (blocked, not a browser). */
function pageSessionStorage(): TokenStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * Reads the per-run token: `#token=<hex>` from the page URL when present (a newly opened
 * printed link wins over what is stored), else the token this tab stored on its first load, so
 * that a reload keeps the session. The fragment is removed from the address bar and history;
 * the token lives on only in sessionStorage (this tab, this origin) and in memory.
 */
export function takeTokenFromLocation(
  loc: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location,
  hist: Pick<History, 'replaceState' | 'state'> = window.history,
  storage: TokenStorage | null = pageSessionStorage(),
): string {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromUrl = params.get('token') ?? '';
  if (loc.hash) {
    try {
      hist.replaceState(hist.state, '', `${loc.pathname}${loc.search}`);
    } catch {
      // Not fatal: the token simply stays visible in the address bar.
    }
  }
  try {
    if (fromUrl) {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
      return fromUrl;
    }
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? '';
  } catch {
    // Storage blocked: the session then lasts as long as the page (a reload needs the link).
    return fromUrl;
  }
}

/** True when a URL fragment carries a token (`#token=…`). */
export function hashHasToken(hash: string): boolean {
  return Boolean(new URLSearchParams(hash.replace(/^#/, '')).get('token'));
}

type Listener = (payload: unknown) => void;

export function createHttpBridge(options: HttpBridgeOptions): DebuggerBridge {
  const base = (options.baseUrl ?? window.location.origin).replace(/\/$/, '');
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const WS = options.WebSocket === undefined ? globalThis.WebSocket : options.WebSocket;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000 };
  const token = options.token;

  async function call(method: ApiMethod, args: unknown[]): Promise<Result<unknown>> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [WEB_TOKEN_HEADER]: token },
        body: JSON.stringify({ args }),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      return networkError(
        `Could not reach the debugger engine (${e instanceof Error ? e.message : String(e)}).`,
      );
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      return networkError(
        `The connection to the debugger engine dropped while reading the answer (${e instanceof Error ? e.message : String(e)}).`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (isResult(body)) return body;
    if (res.status === 401 || res.status === 403) {
      return {
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message: `The debugger engine refused the request (HTTP ${res.status}): this page has no valid session token.`,
          fix: 'Open the URL printed by `npm start` / `oauth-flow-debugger serve` again (it ends with #token=…).',
        },
      };
    }
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `The debugger engine answered HTTP ${res.status} without a Result body for ${method}.`,
        fix: RESTART_FIX,
      },
    };
  }

  const api = {} as Record<ApiMethod, (...args: unknown[]) => Promise<Result<unknown>>>;
  for (const method of API_METHODS) {
    api[method] = (...args: unknown[]) => call(method, args);
  }

  // ---- events over one WebSocket, opened on first subscription, reconnected with backoff ----
  const listeners = new Map<EventName, Set<Listener>>(EVENT_NAMES.map((e) => [e, new Set()]));
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let delay = backoff.initialMs;
  let droppedBefore = false;
  /** The authorization flow the page last heard about, to fetch it again after a reconnect. */
  let lastFlowId: string | null = null;

  const listenerCount = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);

  function emit(event: EventName, payload: unknown) {
    for (const l of [...(listeners.get(event) ?? [])]) l(payload);
  }

  function wsUrl(): string {
    const u = new URL(base);
    const scheme = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${u.host}/events?token=${encodeURIComponent(token)}`;
  }

  /** Snapshots may have been missed while disconnected: fetch the current ones. */
  function resync() {
    // The store lists them again, page by page (a saved timeline may hold thousands).
    emit('exchanges', { total: -1, stale: true } satisfies ExchangesPush);
    void call('getTokenSet', []).then((r) => {
      if (r.ok) emit('tokens', (r.value as { tokens: unknown }).tokens);
    });
    if (lastFlowId) {
      void call('getAuthorization', [{ flowId: lastFlowId }]).then((r) => {
        if (r.ok) emit('authorization', r.value);
      });
    }
  }

  function connect() {
    if (!WS || socket || listenerCount() === 0) return;
    let ws: WebSocket;
    try {
      ws = new WS(wsUrl());
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      delay = backoff.initialMs;
      if (droppedBefore) resync();
    };
    ws.onmessage = (msg: MessageEvent) => {
      let data: unknown;
      try {
        data = JSON.parse(typeof msg.data === 'string' ? msg.data : '');
      } catch {
        return;
      }
      if (typeof data !== 'object' || data === null) return;
      const { event, payload } = data as { event?: unknown; payload?: unknown };
      if (typeof event === 'string' && listeners.has(event as EventName)) {
        if (event === 'authorization') {
          const id = (payload as { id?: unknown } | null)?.id;
          if (typeof id === 'string') lastFlowId = id;
        }
        emit(event as EventName, payload);
      }
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      droppedBefore = true;
      scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
  }

  function scheduleReconnect() {
    if (retryTimer || listenerCount() === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
    delay = Math.min(delay * 2, backoff.maxMs);
  }

  function disconnectIfIdle() {
    if (listenerCount() > 0) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const ws = socket;
    socket = null;
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
  }

  function on<E extends EventName>(
    event: E,
    listener: (payload: DebuggerEvents[E]) => void,
  ): () => void {
    const set = listeners.get(event);
    if (!set) return () => {};
    const l = listener as Listener;
    set.add(l);
    connect();
    return () => {
      set.delete(l);
      disconnectIfIdle();
    };
  }

  /**
   * A large file to the web host's upload route, in parts of UPLOAD_PART bytes read one at a
   * time (never the whole file in the page), so that bytes sent can be shown and the upload
   * cancelled (options.signal): fetch reports no upload progress of its own.
   */
  async function uploadFile(
    file: UploadableFile,
    opts: UploadOptions = {},
  ): Promise<Result<UploadedFile>> {
    const headers = { [WEB_TOKEN_HEADER]: token, 'x-file-name': encodeURIComponent(file.name) };
    const post = async <T>(path: string, body?: ArrayBuffer): Promise<Result<T>> => {
      let res: Response;
      try {
        res = await doFetch(`${base}${path}`, {
          method: 'POST',
          headers,
          ...(body ? { body } : {}),
          cache: 'no-store',
          credentials: 'omit',
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (e) {
        if (opts.signal?.aborted) return cancelled;
        return networkError(
          `Could not send the file to the debugger engine (${e instanceof Error ? e.message : String(e)}).`,
        );
      }
      const parsed = (await res.json().catch(() => undefined)) as unknown;
      if (isResult(parsed)) return parsed as Result<T>;
      return networkError(`The debugger engine answered HTTP ${res.status} to the upload.`);
    };
    const begun = await post<{ session: string }>(`${UPLOAD_PATH}?size=${file.size}`);
    if (!begun.ok) return begun;
    const session = begun.value.session;
    let last: Result<{ written: number } | UploadedFile> = { ok: true, value: { written: 0 } };
    for (let offset = 0; offset < file.size || offset === 0; offset += UPLOAD_PART) {
      if (opts.signal?.aborted) break;
      const end = Math.min(file.size, offset + UPLOAD_PART);
      let part: ArrayBuffer;
      try {
        part = await readPart(file.slice(offset, end));
      } catch (e) {
        last = {
          ok: false,
          error: {
            code: 'FILE_ERROR',
            message: `Cannot read ${file.name} (${e instanceof Error ? e.message : String(e)}).`,
            fix: 'Check that the file is still there, then open it again.',
          },
        };
        break;
      }
      last = await post(`${UPLOAD_PATH}/${session}?offset=${offset}`, part);
      if (!last.ok) break;
      opts.onProgress?.(end, file.size);
      if (file.size === 0) break;
    }
    if (opts.signal?.aborted || !last.ok) {
      // Nothing of a cancelled or failed upload stays on the host.
      void doFetch(`${base}${UPLOAD_PATH}/${session}`, { method: 'DELETE', headers }).catch(
        () => {},
      );
      return opts.signal?.aborted || last.ok ? cancelled : last;
    }
    return 'uploadId' in last.value
      ? { ok: true, value: last.value }
      : networkError('The upload ended before the debugger engine had the whole file.');
  }

  return { ...(api as unknown as DebuggerApi), on, uploadFile };
}

/** Bytes per upload part: large enough to be quick, small enough to show progress. */
export const UPLOAD_PART = 8 * 1024 * 1024;

/** What uploadFile answers when its signal aborted it (the page asked to cancel). */
export const UPLOAD_CANCELLED = 'The upload was cancelled.';
const cancelled: Result<never> = {
  ok: false,
  error: { code: 'INVALID_INPUT', message: UPLOAD_CANCELLED, fix: 'Open the file again.' },
};

/** One part of a file as bytes (FileReader: works in every host, also where Blob.arrayBuffer is missing). */
function readPart(blob: Blob): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as ArrayBuffer);
    r.onerror = () => reject(r.error ?? new Error('Cannot read the file'));
    r.readAsArrayBuffer(blob);
  });
}
