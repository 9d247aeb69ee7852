import { describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../../shared/types.js';
import {
  exchangesOfRun,
  fit,
  hopSentence,
  hopsOf,
  layoutSequence,
  participantsOf,
  runsOf,
  shortPath,
} from './sequence-layout.js';

let n = 0;
function exchange(
  step: string,
  url: string,
  more: Partial<HttpExchange> & { status?: number } = {},
): HttpExchange {
  const { status, ...rest } = more;
  return {
    id: `x${++n}`,
    step,
    runId: 'r1',
    startedAt: '2026-12-02T03:00:00.000Z',
    durationMs: 5,
    request: { method: 'GET', url, headers: [] },
    ...(status !== undefined
      ? {
          response: {
            status,
            statusText: status === 200 ? 'OK' : status === 401 ? 'Unauthorized' : '',
            headers: [],
            body: '',
            bodyBytes: 0,
            truncated: false,
          },
        }
      : {}),
    curl: '',
    ...rest,
  };
}

const AS = 'https://as.example/oauth';
const FHIR = 'https://fhir.example/r4';

describe('sequence diagram layout', () => {
  it('puts each exchange between the right participants', () => {
    const front = { channel: 'front' as const };
    expect(
      participantsOf(exchange('Discovery', `${FHIR}/.well-known/smart-configuration`)),
    ).toEqual({ from: 'app', to: 'as' });
    expect(participantsOf(exchange('Token request', `${AS}/token`))).toEqual({
      from: 'app',
      to: 'as',
    });
    expect(participantsOf(exchange('Introspection', `${AS}/introspect`))).toEqual({
      from: 'app',
      to: 'as',
    });
    expect(participantsOf(exchange('Resource request', `${FHIR}/Patient`))).toEqual({
      from: 'app',
      to: 'fhir',
    });
    expect(participantsOf(exchange('Authorize (browser)', `${AS}/auth?x=1`, front))).toEqual({
      from: 'browser',
      to: 'as',
    });
    expect(
      participantsOf(
        exchange('Callback (loopback)', 'http://127.0.0.1:5000/callback?code=x', front),
      ),
    ).toEqual({ from: 'browser', to: 'app' });
  });

  it('marks failed hops with a text mark, not colour alone', () => {
    const hops = hopsOf([
      exchange('Token request', `${AS}/token`, {
        status: 200,
        request: { method: 'POST', url: `${AS}/token`, headers: [] },
      }),
      exchange('Token request', `${AS}/token`, { status: 401 }),
      exchange('Resource request', `${FHIR}/Patient`, {
        error: { code: 'NETWORK_ERROR', message: 'refused' },
      }),
      exchange(
        'Callback (loopback)',
        'http://127.0.0.1:5000/callback?error=access_denied&state=s',
        {
          channel: 'front',
        },
      ),
      exchange('Authorize (browser)', `${AS}/auth?client_id=a`, { channel: 'front' }),
    ]);
    expect(hops.map((h) => h.failed)).toEqual([false, true, true, true, false]);
    expect(hops[0]!.request).toBe('POST /oauth/token');
    expect(hops[0]!.answer).toBe('200 OK');
    expect(hops[1]!.answer).toBe('✕ 401 Unauthorized');
    expect(hops[2]!.answer).toBe('✕ NETWORK_ERROR');
    expect(hops[3]!.answer).toBe('✕ error=access_denied');
    expect(hops[4]!.answer).toBeUndefined();
    expect(hopSentence(hops[1]!)).toBe(
      '2. Token request: App (this debugger) to Authorization server, GET /oauth/token; failed: HTTP 401 Unauthorized.',
    );
    expect(hopSentence(hops[4]!)).toContain('no answer recorded');
  });

  it('lays out one request and one return arrow per hop, top to bottom', () => {
    const hops = hopsOf([
      exchange('Discovery', `${FHIR}/.well-known/smart-configuration`, { status: 200 }),
      exchange('Token request', `${AS}/token`, { status: 200 }),
      exchange('Resource request', `${FHIR}/Patient?_count=1`, { status: 200 }),
    ]);
    const l = layoutSequence(hops, { width: 800 });
    // No browser hop: three lifelines, app first.
    expect(l.lanes.map((x) => x.id)).toEqual(['app', 'as', 'fhir']);
    expect(l.width).toBe(800);
    for (const lane of l.lanes) {
      expect(lane.x - l.header.width / 2).toBeGreaterThanOrEqual(0);
      expect(lane.x + l.header.width / 2).toBeLessThanOrEqual(l.width);
    }
    const ys = l.arrows.flatMap((a) => [a.y, a.returnY!]);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(new Set(ys).size).toBe(6);
    const app = l.lanes[0]!.x;
    expect(l.arrows[2]!.x1).toBe(app);
    expect(l.arrows[2]!.x2).toBe(l.lanes[2]!.x);
    expect(l.lifeline.bottom).toBeLessThan(l.height);
    expect(l.arrows.at(-1)!.returnY!).toBeLessThanOrEqual(l.lifeline.bottom);
  });

  it('shortens labels to the room between lifelines and widens below the minimum', () => {
    const long = `${AS}/token/${'x'.repeat(200)}`;
    const [hop] = hopsOf([exchange('Token request', long, { status: 200 })]);
    const l = layoutSequence([hop!], { width: 300, charWidth: 7 });
    const a = l.arrows[0]!;
    expect(a.requestLabel.endsWith('…')).toBe(true);
    expect(a.labelX).toBeGreaterThan(Math.min(a.x1, a.x2));
    expect(a.labelX + a.requestLabel.length * 7).toBeLessThanOrEqual(l.width);
    // Four lanes fit a 400 px panel (short names); below the minimum gap the drawing is wider
    // than asked (the panel scrolls it, not the page).
    const four = hopsOf([
      exchange('Authorize (browser)', `${AS}/auth`, { channel: 'front' }),
      exchange('Resource request', `${FHIR}/Patient`, { status: 200 }),
    ]);
    const narrow = layoutSequence(four, { width: 400 });
    expect(narrow.width).toBe(400);
    expect(narrow.lanes.map((x) => x.label)).toEqual([
      'App',
      'Browser',
      'Auth server',
      'FHIR server',
    ]);
    expect(layoutSequence(four, { width: 900 }).lanes[0]!.label).toBe('App (this debugger)');
    expect(layoutSequence(four, { width: 250 }).width).toBeGreaterThan(250);
  });

  it('picks the exchanges and runs', () => {
    const a = exchange('Discovery', `${FHIR}/x`, { runId: 'ra' });
    const b = exchange('Token request', `${AS}/token`, { runId: 'rb' });
    const none = exchange('JWKS', `${AS}/jwks`, { runId: undefined });
    expect(exchangesOfRun([a, b, none], 'rb')).toEqual([b]);
    expect(exchangesOfRun([a, b], null)).toEqual([]);
    const runs = runsOf(
      [a, b, none],
      [{ id: 'rb', flow: 'client_credentials', startedAt: '2026-12-02T03:00:00.000Z' }],
    );
    expect(runs.map((r) => [r.id, r.flow])).toEqual([
      ['ra', 'Discovery'],
      ['rb', 'client_credentials'],
    ]);
  });

  it('shortens paths and labels', () => {
    expect(shortPath(`${AS}/auth?response_type=code&client_id=abcdef&scope=x`)).toBe(
      '/oauth/auth?response_type=code&cli…',
    );
    expect(shortPath('not a url')).toBe('not a url');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abc', 4)).toBe('abc');
  });
});
