import { describe, expect, it } from 'vitest';
import { readEvidence } from './evidence.js';
import { exchangesFromHar, harFileName, revealExchange, toHar } from './har.js';
import type { HttpExchange, RunView } from './types.js';

// Recorded exchanges of a real backend-services run against the smart server (secrets masked by
// the recorder, with their marks), and the values the engine held for them.
const RUN: RunView = {
  id: 'rmx5lglvv1',
  profileId: 'p1',
  profileName: 'backend',
  flow: 'token',
  startedAt: '2026-12-02T03:56:44.875Z',
};
const ASSERTION = 'eyJhbGciOiJSUzM4NCJ9.eyJpc3MiOiJycy1jbGllbnQifQ.c2lnbmF0dXJlLXZhbHVl';
const ACCESS = 'opaque-access-token-value-0123456789';
const token: HttpExchange = {
  id: 'xmx5lgmbe4',
  step: 'Token request',
  runId: RUN.id,
  profileId: 'p1',
  startedAt: '2026-12-02T03:56:45.282Z',
  durationMs: 151.6,
  request: {
    method: 'POST',
    url: 'http://127.0.0.1:43063/token',
    headers: [
      ['content-type', 'application/x-www-form-urlencoded'],
      ['accept', 'application/json'],
    ],
    body: 'grant_type=client_credentials&scope=system%2FPatient.rs&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={{client_assertion}}',
  },
  curl: '',
  response: {
    status: 200,
    statusText: 'OK',
    headers: [
      ['content-type', 'application/json; charset=utf-8'],
      ['date', 'Wed, 02 Dec 2026 03:56:45 GMT'],
    ],
    body: '{"access_token":"{{access_token}}","expires_in":300,"scope":"system/Patient.rs","token_type":"Bearer"}',
    bodyBytes: 797,
    truncated: false,
  },
  marks: {
    '{{client_assertion}}': { length: ASSERTION.length, sha256: 'e663d2ed' },
    '{{access_token}}': { length: ACCESS.length, sha256: 'ae41891c' },
  },
};
const held = new Map([
  ['{{client_assertion}}', ASSERTION],
  ['{{access_token}}', ACCESS],
]);
const authorize: HttpExchange = {
  id: 'xfront1',
  step: 'Authorize (browser)',
  channel: 'front',
  runId: RUN.id,
  startedAt: '2026-12-02T03:56:44.900Z',
  durationMs: 0,
  request: {
    method: 'GET',
    url: 'http://127.0.0.1:43063/auth?response_type=code&client_id=web-app&state=abc',
    headers: [],
  },
  curl: '',
};
const failed: HttpExchange = {
  id: 'xfail',
  step: 'Token request',
  startedAt: '2026-12-02T03:57:00.000Z',
  durationMs: 3,
  request: { method: 'POST', url: 'http://127.0.0.1:1/token', headers: [], body: 'grant_type=x' },
  error: { code: 'NETWORK_ERROR', message: 'Connection refused.' },
  curl: '',
};

describe('toHar', () => {
  it('HAR 1.2 with this app as creator, a page per run, timings, markers by default', () => {
    const { har, holds } = toHar([authorize, token, failed], { runs: [RUN] });
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('OAuth Flow Debugger');
    expect(har.log.pages).toEqual([
      { startedDateTime: RUN.startedAt, id: RUN.id, title: 'token (backend)', pageTimings: {} },
    ]);
    expect(holds).toEqual([]);
    const [front, t, f] = har.log.entries;
    expect(front!._channel).toBe('front');
    expect(front!.request.queryString).toContainEqual({ name: 'state', value: 'abc' });
    expect(t!.pageref).toBe(RUN.id);
    expect(t!.time).toBe(151.6);
    expect(t!.timings).toEqual({ send: 0, wait: 151.6, receive: 0 });
    expect(t!.request.postData?.mimeType).toBe('application/x-www-form-urlencoded');
    expect(t!.request.postData?.text).toContain(
      `client_assertion={{client_assertion;len=${ASSERTION.length};sha256=e663d2ed}}`,
    );
    expect(t!.response.content.text).toContain(
      `"access_token":"{{access_token;len=${ACCESS.length};sha256=ae41891c}}"`,
    );
    expect(JSON.stringify(har)).not.toContain(ASSERTION);
    // No answer: status 0, as browsers write an aborted request, and the reason.
    expect(f!.response.status).toBe(0);
    expect(f!._error?.code).toBe('NETWORK_ERROR');
    expect(f!.pageref).toBeUndefined();
  });

  it('unredacted: the real values, URL-encoded in form bodies, and the kinds it holds', () => {
    const { har, holds } = toHar([token], { redacted: false, held: () => held });
    expect(holds).toEqual(['access_token', 'client_assertion']);
    const t = har.log.entries[0]!;
    expect(new URLSearchParams(t.request.postData!.text).get('client_assertion')).toBe(ASSERTION);
    expect(JSON.parse(t.response.content.text).access_token).toBe(ACCESS);
  });

  it('unredacted without the values (no longer held): markers, and holds nothing', () => {
    const { har, holds, stillMasked } = toHar([token], { redacted: false, held: () => undefined });
    expect(holds).toEqual([]);
    expect(stillMasked).toBe(1);
    expect(har.log.entries[0]!.request.postData?.text).toContain('{{client_assertion;len=');
  });

  it('a credential header the recorder masked stays masked in both modes', () => {
    const basic: HttpExchange = {
      ...token,
      request: { ...token.request, headers: [['authorization', 'Basic {{redacted}}']] },
    };
    for (const redacted of [true, false])
      expect(
        toHar([basic], { redacted, held: () => held }).har.log.entries[0]!.request.headers,
      ).toContainEqual({ name: 'authorization', value: 'Basic {{redacted}}' });
  });
});

describe('the way back', () => {
  it('exchangesFromHar reads our export back with steps, runs and marks', () => {
    const { har } = toHar([authorize, token], { runs: [RUN] });
    const back = exchangesFromHar(JSON.parse(JSON.stringify(har)));
    expect(back.map((x) => [x.id, x.step, x.runId, x.channel])).toEqual([
      ['xfront1', 'Authorize (browser)', RUN.id, 'front'],
      ['xmx5lgmbe4', 'Token request', RUN.id, undefined],
    ]);
    expect(back[1]!.marks?.['{{client_assertion}}']).toEqual(token.marks!['{{client_assertion}}']);
    expect(back[1]!.response?.status).toBe(200);
    expect(() => exchangesFromHar({ nope: 1 })).toThrow(/not a HAR/);
  });

  it('the Inspector reads the export: a front hop without an answer is not a failure', () => {
    const { har } = toHar([authorize, token], { runs: [RUN] });
    const ev = readEvidence([{ text: JSON.stringify(har), name: 'run.har' }]);
    expect(ev.harEntries?.map((e) => e.failed)).toEqual([false, false]);
    expect(ev.harEntry).toBe(1);
    expect(ev.flow.authorize).toContainEqual(['client_id', 'web-app']);
  });

  it("another tool's _channel or _assertion of another shape does not make a HAR unreadable", () => {
    const { har } = toHar([token]);
    const odd = { log: { entries: [{ ...har.log.entries[0]!, _channel: 5, _assertion: 'x' }] } };
    const ev = readEvidence([{ text: JSON.stringify(odd), name: 'odd.har' }]);
    expect(ev.items[0]!.kind).toBe('har');
    expect(ev.jwts).toEqual([]);
  });

  it('revealExchange puts back the held values only where a placeholder stood', () => {
    const r = revealExchange(token, { redacted: false, held });
    expect(r.request.body).toContain(`client_assertion=${ASSERTION}`);
    expect(r.holds.sort()).toEqual(['access_token', 'client_assertion']);
  });

  it('file names say what and when', () => {
    expect(harFileName(new Date('2026-12-02T03:56:45.282Z'), 'authorization_code')).toBe(
      'oauth-flow-debugger-authorization_code-2026-12-02T03-56-45.har',
    );
  });
});
