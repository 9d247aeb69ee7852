// SECURITY.md §7, cases 12–15: the authorization response and the RFC 8252 loopback listener,
// through the engine's real authorization flow against oidc-provider on 127.0.0.1:0.
import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualTimer } from '../testing/manual-timer.js';
import { portIsFree } from '../testing/net.js';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import type { AuthorizationFlowView, ProfileInput } from '../../shared/types.js';
import { Engine } from '../core/engine.js';
import { DEFAULT_TIMEOUT_SEC, pkcePair } from '../core/features/authorize.js';
import { nodePorts } from '../core/node-ports.js';
import {
  must,
  pendingCodes,
  recordedExchanges,
  waitForAuthorization,
} from '../core/test-helpers.js';

const NATIVE = {
  client_id: 'native-app',
  application_type: 'native' as const,
  token_endpoint_auth_method: 'none' as const,
  redirect_uris: ['http://127.0.0.1/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
};

let one: SmartServer;
let two: SmartServer;
/** Token requests each server received. */
const tokenCalls = { one: 0, two: 0 };

beforeAll(async () => {
  [one, two] = await Promise.all([
    startSmartServer({
      clients: [NATIVE],
      onRequest: (m, p) => void (p === '/token' && tokenCalls.one++),
    }),
    startSmartServer({
      clients: [NATIVE],
      onRequest: (m, p) => void (p === '/token' && tokenCalls.two++),
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([one?.close(), two?.close()]);
});

async function profile(engine: Engine, on: SmartServer, extra: Partial<ProfileInput> = {}) {
  return must(
    await engine.saveProfile({
      name: 'native',
      flow: 'authorization-code',
      fhirBaseUrl: on.fhirBase,
      clientId: 'native-app',
      scope: 'openid patient/Patient.rs',
      auth: { method: 'none' },
      ...extra,
    }),
  );
}

const param = (flow: AuthorizationFlowView, name: string) =>
  flow.params.find(([n]) => n === name)?.[1];

/** True when a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/** A GET with any Host header (fetch cannot set one). */
const rawGet = (port: number, path: string, host: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });

describe('sec-12 state missing, mismatched or reused', () => {
  it('sec-12 no state, another state, or the state of an earlier flow: aborted before any token request', async () => {
    const engine = new Engine(nodePorts({ ephemeral: true }));
    const p = await profile(engine, one);
    // An earlier flow that completed: its redirect (state and code) is what an attacker replays.
    const earlier = must(
      await engine.startAuthorization({ profileId: p.id, open: false, autoExchange: false }),
    );
    const earlierRedirect = new URL(
      await completeDevLogin(earlier.url, { redirectPrefix: earlier.redirectUri }),
    );
    await fetch(earlierRedirect);
    expect((await waitForAuthorization(engine, earlier.id)).status).toBe('received');
    pendingCodes(engine).delete(p.id);

    const variants: [string, (u: URL, flow: AuthorizationFlowView) => void][] = [
      ['missing', (u) => u.searchParams.delete('state')],
      ['mismatched', (u) => u.searchParams.set('state', 'not-the-state')],
      ['reused', (u) => u.searchParams.set('state', param(earlier, 'state')!)],
    ];
    for (const [name, change] of variants) {
      const before = tokenCalls.one;
      const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
      const u = new URL(flow.redirectUri);
      u.search = earlierRedirect.search;
      change(u, flow);
      const res = await fetch(u);
      expect(res.status, name).toBe(400);
      expect(await res.text()).toContain('state mismatch');
      const done = await waitForAuthorization(engine, flow.id);
      expect(done.status, name).toBe('failed');
      expect(done.findings[0]?.code, name).toBe('STATE_MISMATCH');
      expect(done.checks.find((c) => c.name === 'state')?.ok).toBe(false);
      expect(done.token, name).toBeUndefined();
      expect(pendingCodes(engine).get(p.id), name).toBeUndefined();
      expect(tokenCalls.one, name).toBe(before);
    }
  });
});

describe('sec-13 issuer mismatch and mix-up', () => {
  it('sec-13 iss other than the configured AS (RFC 9207): "issuer mismatch", no redemption', async () => {
    const engine = new Engine(nodePorts({ ephemeral: true }));
    const p = await profile(engine, one);
    const before = tokenCalls.one;
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const u = new URL(await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri }));
    u.searchParams.set('iss', two.issuer);
    const res = await fetch(u);
    expect(res.status).toBe(400);
    expect((await res.text()).toLowerCase()).toContain('issuer');
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.findings[0]?.code).toBe('ISSUER_MISMATCH');
    expect(done.findings[0]?.evidence).toContain(`not the expected issuer "${one.issuer}"`);
    expect(pendingCodes(engine).get(p.id)).toBeUndefined();
    expect(tokenCalls.one).toBe(before);
  });

  it("sec-13 flow A's code delivered to profile B's listener: refused, neither server redeems it", async () => {
    const engine = new Engine(nodePorts({ ephemeral: true }));
    const a = await profile(engine, one, { name: 'A' });
    const b = await profile(engine, two, { name: 'B' });
    const calls = { ...tokenCalls };
    const flowA = must(await engine.startAuthorization({ profileId: a.id, open: false }));
    const flowB = must(await engine.startAuthorization({ profileId: b.id, open: false }));
    const fromA = new URL(await completeDevLogin(flowA.url, { redirectPrefix: flowA.redirectUri }));
    const atB = new URL(flowB.redirectUri);
    atB.search = fromA.search;
    expect((await fetch(atB)).status).toBe(400);
    const done = await waitForAuthorization(engine, flowB.id);
    expect(done.status).toBe('failed');
    const codes = done.findings.map((f) => f.code);
    expect(codes).toContain('ISSUER_MISMATCH');
    expect(codes).toContain('STATE_MISMATCH');
    expect(pendingCodes(engine).get(b.id)).toBeUndefined();
    await engine.cancelAuthorization({ flowId: flowA.id });
    expect(tokenCalls).toEqual(calls);
  });
});

describe('sec-14 loopback listener probes', () => {
  it('sec-14 bound to 127.0.0.1 only; other paths and a foreign Host are refused and ignored; closed after the first valid callback', async () => {
    const engine = new Engine(nodePorts({ ephemeral: true }));
    const p = await profile(engine, one);
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const port = flow.listener!.port;
    const calls = tokenCalls.one;
    expect(new URL(flow.redirectUri).hostname).toBe('127.0.0.1');
    expect(await accepts('127.0.0.1', port)).toBe(true);
    // Not on IPv6 loopback nor any other interface of this machine (no wildcard bind).
    expect(await accepts('::1', port)).toBe(false);
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address);
    for (const address of external) expect(await accepts(address, port), address).toBe(false);

    // DNS rebinding: a page of evil.example resolving to 127.0.0.1 sends its own Host.
    expect(
      await rawGet(port, `/callback?code=x&state=${param(flow, 'state')}`, 'evil.example'),
    ).toBe(400);
    expect(
      await rawGet(port, `/callback?code=x&state=${param(flow, 'state')}`, `evil.example:${port}`),
    ).toBe(400);
    // Another path: 404 (a 4xx; a browser asks for /favicon.ico on its own, so it is not an attack).
    expect(await rawGet(port, '/other?code=x', `127.0.0.1:${port}`)).toBe(404);
    // Neither consumed the one-shot listener.
    expect(must(await engine.getAuthorization({ flowId: flow.id })).status).toBe('waiting');

    const redirect = await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri });
    expect((await fetch(redirect)).status).toBe(200);
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.status).toBe('done');
    expect(done.listener?.open).toBe(false);
    expect(await portIsFree(port)).toBe(true);
    // A second callback finds nothing listening; the same code pasted again is refused.
    await expect(fetch(redirect)).rejects.toThrow();
    const replay = await engine.completeAuthorization({ flowId: flow.id, redirectUrl: redirect });
    expect(replay.ok).toBe(false);
    expect(tokenCalls.one - calls).toBe(1);
    expect(
      recordedExchanges(engine).filter((x) => x.request.url === one.tokenEndpoint),
    ).toHaveLength(1);
  });

  it('sec-14 no callback for 10 minutes: timed out at the 5-minute limit, port freed', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const timer = manualTimer(clock);
    const engine = new Engine({ ...nodePorts({ ephemeral: true }), clock, timer });
    const p = await profile(engine, one);
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    expect(DEFAULT_TIMEOUT_SEC).toBeLessThanOrEqual(600);
    now += 10 * 60 * 1000;
    expect(timer.runDue()).toBe(1);
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.status).toBe('timed-out');
    expect(done.findings[0]?.code).toBe('AUTHORIZATION_TIMEOUT');
    expect(await portIsFree(flow.listener!.port)).toBe(true);
    expect(must(await engine.getAuthorization({ flowId: flow.id })).listener?.open).toBe(false);
  });
});

describe('sec-15 PKCE', () => {
  it('sec-15 property (10,000 runs): verifier 43–128 of [A-Za-z0-9-._~], 256 bits, challenge = BASE64URL(SHA-256(verifier))', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.constant('S256' as const), (method) => {
        const { verifier, challenge } = pkcePair(method);
        expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
        // 32 random bytes: 256 bits of entropy behind the 43 characters.
        expect(Buffer.from(verifier!, 'base64url')).toHaveLength(32);
        expect(challenge).toBe(createHash('sha256').update(verifier!).digest('base64url'));
        expect(seen.has(verifier!)).toBe(false);
        seen.add(verifier!);
      }),
      { numRuns: 10_000 },
    );
    expect(seen.size).toBe(10_000);
  });

  it('sec-15 the authorize request uses S256 by default; plain only when chosen, with a warning', async () => {
    const engine = new Engine(nodePorts({ ephemeral: true }));
    const flow = must(
      await engine.startAuthorization({ profileId: (await profile(engine, one)).id, open: false }),
    );
    expect(param(flow, 'code_challenge_method')).toBe('S256');
    expect(flow.pkce.method).toBe('S256');
    await engine.cancelAuthorization({ flowId: flow.id });
    // The debugger can send plain to test a server's refusal, but only on an explicit choice.
    const plain = must(
      await engine.startAuthorization({
        profileId: (await profile(engine, one, { name: 'p', pkce: 'plain' })).id,
        open: false,
      }),
    );
    expect(plain.preflight[0]).toMatchObject({ code: 'PKCE_MISMATCH', severity: 'warning' });
    await engine.cancelAuthorization({ flowId: plain.id });
  });

  describe('sec-15 a server without S256 in code_challenge_methods_supported', () => {
    let http: Server;
    let base: string;
    beforeAll(async () => {
      http = createServer((req, res) => {
        if (req.url?.includes('/.well-known/smart-configuration')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              issuer: base,
              authorization_endpoint: `${base}/authorize`,
              token_endpoint: `${base}/token`,
              code_challenge_methods_supported: ['plain'],
            }),
          );
        } else {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<!doctype html><title>Sign in</title>');
        }
      });
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => http.close(() => r())));

    it('sec-15 produces a PKCE warning before the browser opens', async () => {
      const engine = new Engine(nodePorts({ ephemeral: true }));
      const p = must(
        await engine.saveProfile({
          name: 'no-s256',
          flow: 'authorization-code',
          fhirBaseUrl: `${base}/fhir`,
          clientId: 'native-app',
          scope: 'openid',
          auth: { method: 'none' },
        }),
      );
      const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
      const w = flow.preflight.find((f) => f.code === 'PKCE_MISMATCH');
      expect(w).toMatchObject({
        severity: 'warning',
        title: 'The server does not advertise PKCE S256',
      });
      expect(param(flow, 'code_challenge_method')).toBe('S256');
      await engine.cancelAuthorization({ flowId: flow.id });
    });
  });
});
