import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, EVENT_NAMES, WEB_TOKEN_HEADER } from '../../../shared/api/contract.js';
import {
  TOKEN_STORAGE_KEY,
  createHttpBridge,
  hashHasToken,
  takeTokenFromLocation,
} from './http-client.js';

function jsonResponse(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('createHttpBridge', () => {
  it('has one function per API method', () => {
    const bridge = createHttpBridge({ token: 't', baseUrl: 'http://127.0.0.1:1', WebSocket: null });
    for (const m of API_METHODS) expect(typeof bridge[m]).toBe('function');
  });

  it('POSTs /api/<method> with the token header and {"args":[...]}', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({ ok: true, value: { cleared: 3 } }));
    vi.stubGlobal('fetch', fetchMock);
    const bridge = createHttpBridge({
      token: 'abc123',
      baseUrl: 'http://127.0.0.1:4317',
      WebSocket: null,
    });

    const result = await bridge.exportPrivateKey({ keyId: 'k1', path: '/tmp/k.pem' });

    expect(result).toEqual({ ok: true, value: { cleared: 3 } });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:4317/api/exportPrivateKey');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)[WEB_TOKEN_HEADER]).toBe('abc123');
    expect(JSON.parse(init.body as string)).toEqual({
      args: [{ keyId: 'k1', path: '/tmp/k.pem' }],
    });
  });

  it('sends an empty args array for methods without parameters', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({ ok: true, value: [] }));
    vi.stubGlobal('fetch', fetchMock);
    const bridge = createHttpBridge({ token: 't', baseUrl: 'http://h', WebSocket: null });
    await bridge.listProfiles();
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://h/api/listProfiles');
    expect(init.body).toBe('{"args":[]}');
  });

  it('passes an error Result through unchanged', async () => {
    const error = { code: 'INVALID_INPUT', message: 'name: required', fix: 'Name it.' };
    vi.stubGlobal('fetch', async () => jsonResponse({ ok: false, error }, 400));
    const bridge = createHttpBridge({ token: 't', baseUrl: 'http://h', WebSocket: null });
    expect(await bridge.listKeys()).toEqual({ ok: false, error });
  });

  it('turns a network failure into a NETWORK_ERROR Result with a fix', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const bridge = createHttpBridge({ token: 't', baseUrl: 'http://h', WebSocket: null });
    const r = await bridge.listProfiles();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('NETWORK_ERROR');
    expect(r.error.message).toContain('Failed to fetch');
    expect(r.error.fix).toBeTruthy();
  });

  it('explains a refused token', async () => {
    vi.stubGlobal('fetch', async () => new Response('forbidden', { status: 403 }));
    const bridge = createHttpBridge({ token: 'bad', baseUrl: 'http://h', WebSocket: null });
    const r = await bridge.listProfiles();
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

/** An in-memory sessionStorage. */
function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('takeTokenFromLocation', () => {
  it('reads #token=, stores it in sessionStorage and removes the fragment from the address bar', () => {
    const replaceState = vi.fn();
    const storage = memoryStorage();
    const token = takeTokenFromLocation(
      { hash: '#token=deadbeef', pathname: '/index.html', search: '?x=1' },
      { replaceState, state: null },
      storage,
    );
    expect(token).toBe('deadbeef');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/index.html?x=1');
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('deadbeef');
  });

  it('reads the stored token after a reload (no fragment), without touching the address bar', () => {
    const replaceState = vi.fn();
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'stored-1' });
    expect(
      takeTokenFromLocation(
        { hash: '', pathname: '/', search: '' },
        { replaceState, state: null },
        storage,
      ),
    ).toBe('stored-1');
    expect(replaceState).not.toHaveBeenCalled();
  });

  it('lets a token in the fragment win over the stored one, and replaces it', () => {
    const replaceState = vi.fn();
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'old-run' });
    expect(
      takeTokenFromLocation(
        { hash: '#token=new-run', pathname: '/', search: '' },
        { replaceState, state: { s: 1 } },
        storage,
      ),
    ).toBe('new-run');
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('new-run');
    expect(replaceState).toHaveBeenCalledWith({ s: 1 }, '', '/');
  });

  it('removes a fragment without a token and keeps the stored token', () => {
    const replaceState = vi.fn();
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'kept' });
    expect(
      takeTokenFromLocation(
        { hash: '#x=1', pathname: '/', search: '' },
        { replaceState, state: null },
        storage,
      ),
    ).toBe('kept');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('returns an empty token when there is none', () => {
    const replaceState = vi.fn();
    expect(
      takeTokenFromLocation(
        { hash: '', pathname: '/', search: '' },
        { replaceState, state: null },
        memoryStorage(),
      ),
    ).toBe('');
    expect(replaceState).not.toHaveBeenCalled();
  });

  it('still works when sessionStorage is blocked or absent', () => {
    const blocked = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    const hist = { replaceState: vi.fn(), state: null };
    const loc = { hash: '#token=abc', pathname: '/', search: '' };
    expect(takeTokenFromLocation(loc, hist, blocked)).toBe('abc');
    expect(takeTokenFromLocation({ ...loc, hash: '' }, hist, blocked)).toBe('');
    expect(takeTokenFromLocation(loc, hist, null)).toBe('abc');
  });

  it('uses the real sessionStorage of the page by default', () => {
    window.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    window.history.replaceState(null, '', '/app/?q=1#token=from-link');
    expect(takeTokenFromLocation()).toBe('from-link');
    expect(window.location.hash).toBe('');
    expect(window.location.pathname + window.location.search).toBe('/app/?q=1');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('from-link');
    expect(takeTokenFromLocation()).toBe('from-link');
    window.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    window.history.replaceState(null, '', '/');
  });
});

describe('hashHasToken', () => {
  it('is true only for a fragment with a non-empty token', () => {
    expect(hashHasToken('#token=abc')).toBe(true);
    expect(hashHasToken('#a=1&token=abc')).toBe(true);
    expect(hashHasToken('#token=')).toBe(false);
    expect(hashHasToken('#other')).toBe(false);
    expect(hashHasToken('')).toBe(false);
  });
});

class FakeSocket {
  static instances: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  close() {
    this.closed = true;
  }
}

describe('events', () => {
  afterEach(() => {
    FakeSocket.instances = [];
    vi.useRealTimers();
  });

  it('opens /events?token= and delivers exchanges snapshots', () => {
    const bridge = createHttpBridge({
      token: 'tok',
      baseUrl: 'http://127.0.0.1:4317',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
    });
    const listener = vi.fn();
    const off = bridge.on('exchanges', listener);
    const ws = FakeSocket.instances[0]!;
    expect(ws.url).toBe('ws://127.0.0.1:4317/events?token=tok');

    ws.onmessage?.({ data: JSON.stringify({ event: 'exchanges', payload: [{ id: 'x1' }] }) });
    ws.onmessage?.({ data: 'not json' });
    ws.onmessage?.({ data: JSON.stringify({ event: 'unknown', payload: 1 }) });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith([{ id: 'x1' }]);

    off();
    expect(ws.closed).toBe(true);
  });

  it('delivers every event of the contract, and after a drop fetches the snapshots again (the exchanges: marked stale)', async () => {
    const posted: { method: string; args: unknown }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const method = url.split('/api/')[1]!;
      posted.push({ method, args: JSON.parse(String(init.body)).args });
      if (method === 'getTokenSet') return jsonResponse({ ok: true, value: { tokens: null } });
      if (method === 'getAuthorization') {
        return jsonResponse({ ok: true, value: { id: 'flow-1', status: 'done' } });
      }
      return jsonResponse({ ok: true, value: [] });
    });
    const bridge = createHttpBridge({
      token: 'tok',
      baseUrl: 'http://h',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      backoff: { initialMs: 1, maxMs: 1 },
    });
    const got: Record<(typeof EVENT_NAMES)[number], unknown[]> = {
      exchanges: [],
      authorization: [],
      device: [],
      tokens: [],
    };
    for (const e of EVENT_NAMES) bridge.on(e, (p) => got[e].push(p));
    const ws = FakeSocket.instances[0]!;
    ws.onmessage?.({
      data: JSON.stringify({
        event: 'authorization',
        payload: { id: 'flow-1', status: 'waiting' },
      }),
    });
    ws.onmessage?.({ data: JSON.stringify({ event: 'tokens', payload: { profileId: 'p' } }) });
    expect(got.authorization).toEqual([{ id: 'flow-1', status: 'waiting' }]);
    expect(got.tokens).toEqual([{ profileId: 'p' }]);

    ws.onclose?.();
    await vi.waitFor(() => expect(FakeSocket.instances).toHaveLength(2));
    FakeSocket.instances[1]!.onopen?.();
    await vi.waitFor(() => expect(got.authorization).toHaveLength(2));
    await vi.waitFor(() => expect(got.tokens).toHaveLength(2));
    expect(got.authorization[1]).toEqual({ id: 'flow-1', status: 'done' });
    expect(got.tokens[1]).toBeNull();
    // The exchanges are not fetched here: the store is told to list them again, page by page.
    expect(got.exchanges).toEqual([{ total: -1, stale: true }]);
    expect(posted.map((p) => p.method).sort()).toEqual(['getAuthorization', 'getTokenSet']);
    expect(posted.find((p) => p.method === 'getAuthorization')?.args).toEqual([
      { flowId: 'flow-1' },
    ]);
  });

  it('reconnects with backoff after the socket drops', () => {
    vi.useFakeTimers();
    vi.stubGlobal('fetch', async () => jsonResponse({ ok: true, value: [] }));
    const bridge = createHttpBridge({
      token: 'tok',
      baseUrl: 'http://h',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    bridge.on('exchanges', () => {});
    FakeSocket.instances[0]!.onclose?.();
    vi.advanceTimersByTime(99);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.instances[1]!.onclose?.();
    vi.advanceTimersByTime(150);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(50);
    expect(FakeSocket.instances).toHaveLength(3);
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});
