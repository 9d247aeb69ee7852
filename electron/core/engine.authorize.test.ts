import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualTimer } from '../testing/manual-timer.js';
import { portIsFree } from '../testing/net.js';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import type { AuthorizationFlowView, ProfileInput } from '../../shared/types.js';
import { DEFAULT_TIMEOUT_SEC } from './features/authorize.js';
import { Engine } from './engine.js';
import { nodePorts } from './node-ports.js';
import { must, pendingCodes, waitForAuthorization } from './test-helpers.js';

const WEB_REDIRECT = 'https://app.example.test/callback';
const WEB_SECRET = 'web-app-secret-value-0123456789';
const SCOPE = 'openid fhirUser launch/patient patient/Patient.rs offline_access';

let server: SmartServer;
let engine: Engine;
/** Every "authorization" snapshot the engine pushed. */
const events: AuthorizationFlowView[] = [];

beforeAll(async () => {
  const ports = nodePorts({ ephemeral: true });
  ports.hub.subscribe((event, payload) => {
    if (event === 'authorization') events.push(payload as AuthorizationFlowView);
  });
  engine = new Engine(ports);
  server = await startSmartServer({
    clients: [
      {
        client_id: 'native-app',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback', 'oauth-flow-debugger://callback'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
      {
        client_id: 'web-app',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: WEB_SECRET,
        redirect_uris: [WEB_REDIRECT],
        grant_types: ['authorization_code', 'refresh_token'],
      },
    ],
  });
});
afterAll(() => server?.close());

async function nativeProfile(extra: Partial<ProfileInput> = {}, on: Engine = engine) {
  return must(
    await on.saveProfile({
      name: 'native',
      flow: 'authorization-code',
      fhirBaseUrl: server.fhirBase,
      clientId: 'native-app',
      scope: SCOPE,
      auth: { method: 'none' },
      ...extra,
    }),
  );
}

const param = (flow: AuthorizationFlowView, name: string) =>
  flow.params.find(([n]) => n === name)?.[1];

describe('authorization code flow with the loopback listener', () => {
  it('builds the authorize request: PKCE S256, 256-bit state, nonce, SMART aud', async () => {
    const p = await nativeProfile();
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    try {
      expect(flow.mode).toBe('loopback');
      expect(flow.status).toBe('waiting');
      expect(flow.opened).toBe(false);
      expect(flow.redirectUri).toBe(`http://127.0.0.1:${flow.listener!.port}/callback`);
      const url = new URL(flow.url);
      expect(`${url.origin}${url.pathname}`).toBe(server.authorizationEndpoint);
      expect(url.searchParams.get('response_type')).toBe('code');
      expect(url.searchParams.get('client_id')).toBe('native-app');
      expect(url.searchParams.get('redirect_uri')).toBe(flow.redirectUri);
      expect(url.searchParams.get('scope')).toBe(SCOPE);
      expect(url.searchParams.get('aud')).toBe(server.fhirBase);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(43);
      expect(url.searchParams.get('nonce')).toBeTruthy();
      expect(flow.preflight).toEqual([]);
    } finally {
      await engine.cancelAuthorization({ flowId: flow.id });
    }
  });

  it('receives the redirect, answers the browser, closes the port and redeems the code', async () => {
    const p = await nativeProfile();
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const port = flow.listener!.port;
    // Another path does not consume the one-shot listener.
    expect((await fetch(`http://127.0.0.1:${port}/favicon.ico`)).status).toBe(404);

    const redirect = await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri });
    const code = new URL(redirect).searchParams.get('code')!;
    expect(code).toBeTruthy();
    const res = await fetch(redirect);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('You can close this tab and return to OAuth Flow Debugger');
    expect(html).not.toContain(code);

    const done = await waitForAuthorization(engine, flow.id);
    expect(done.checks.map((c) => [c.name, c.ok])).toEqual([
      ['state', true],
      ['iss', true],
      ['code', true],
    ]);
    expect(done.callback?.via).toBe('loopback');
    expect(JSON.stringify(done)).not.toContain(code);
    expect(done.listener?.open).toBe(false);
    expect(await portIsFree(port)).toBe(true);

    const pending = pendingCodes(engine).get(p.id)!;
    expect(pending.flowId).toBe(flow.id);
    expect(pending.code).toBe(code);
    expect(pending.redirectUri).toBe(flow.redirectUri);
    expect(pending.issuer).toBe(server.issuer);
    expect(pending.codeVerifier).toMatch(/^[\w-]{43,128}$/);
    expect(createHash('sha256').update(pending.codeVerifier!).digest('base64url')).toBe(
      flow.pkce.challenge,
    );
    expect(pending.nonce).toBe(param(flow, 'nonce'));

    const pushed = events.filter((e) => e.id === flow.id);
    expect(pushed.map((e) => e.status)).toEqual(['waiting', 'received', 'exchanging', done.status]);
    expect(JSON.stringify(pushed)).not.toContain(code);
    expect(done.findings).toEqual([]);
    expect(done.status).toBe('done');
    expect(done.token?.ok).toBe(true);
    expect(done.token?.grant).toBe('authorization_code');
    // oidc-provider leaves offline_access out of the granted scope (no prompt=consent) yet issues
    // a refresh token: reported as information, not as a narrowed scope.
    expect(done.token?.refreshToken?.issued).toBe(true);
    const narrowed = done.token?.findings.filter((f) => f.code === 'SCOPE_NARROWED') ?? [];
    expect(narrowed.map((f) => f.severity)).toEqual(['info']);
    expect(narrowed[0]?.evidence).toContain('offline_access');
  });

  it('a forged callback with another state is refused before anything is redeemed', async () => {
    const p = await nativeProfile({ name: 'state' });
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const res = await fetch(
      `${flow.redirectUri}?code=forged-code-value-123456&state=not-the-state&iss=${encodeURIComponent(server.issuer)}`,
    );
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).toContain('state mismatch');
    expect(html).not.toContain('forged-code-value-123456');
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.status).toBe('failed');
    expect(done.findings[0]?.code).toBe('STATE_MISMATCH');
    expect(pendingCodes(engine).get(p.id)).toBeUndefined();
    expect(done.token).toBeUndefined();
    expect(await portIsFree(flow.listener!.port)).toBe(true);
  });

  it('an iss that is not the issuer is ISSUER_MISMATCH (RFC 9207), and so is a missing one', async () => {
    const p = await nativeProfile({ name: 'iss' });
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const redirect = new URL(
      await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri }),
    );
    expect(redirect.searchParams.get('iss')).toBe(server.issuer);
    redirect.searchParams.set('iss', 'https://attacker.example');
    expect((await fetch(redirect)).status).toBe(400);
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.status).toBe('failed');
    expect(done.findings[0]?.code).toBe('ISSUER_MISMATCH');
    expect(pendingCodes(engine).get(p.id)).toBeUndefined();

    const again = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const u = new URL(again.redirectUri);
    u.searchParams.set('code', 'some-code-value-1234567');
    u.searchParams.set('state', param(again, 'state')!);
    await fetch(u);
    const noIss = await waitForAuthorization(engine, again.id);
    expect(noIss.findings[0]?.code).toBe('ISSUER_MISMATCH');
    expect(noIss.findings[0]?.evidence).toContain('authorization_response_iss_parameter_supported');
  });

  it('PKCE off against a server that requires it: the probe reads the error redirect, PKCE_REQUIRED first, no browser', async () => {
    const p = await nativeProfile({ name: 'pkce-off', pkce: 'off' });
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    expect(param(flow, 'code_challenge')).toBeUndefined();
    expect(flow.preflight[0]?.code).toBe('PKCE_REQUIRED');
    // oidc-provider redirects back with error=invalid_request before any sign-in page: the
    // engine's own GET of the authorize URL sees it, so the flow fails at once.
    expect(flow.status).toBe('failed');
    expect(flow.callback?.via).toBe('probe');
    expect(flow.findings[0]?.code).toBe('PKCE_REQUIRED');
    expect(flow.findings[0]?.evidence).toContain('code_challenge');
    expect(flow.checks.map((c) => [c.name, c.ok])).toEqual(
      expect.arrayContaining([
        ['probe', false],
        ['error', false],
      ]),
    );
    expect(await portIsFree(flow.listener!.port)).toBe(true);
    expect(pendingCodes(engine).get(p.id)).toBeUndefined();
    const probe = must(await engine.listExchanges()).find((x) => x.step === 'Authorize (probe)');
    expect(probe?.response?.status).toBe(303);
  });

  it('plain PKCE is sent only when chosen, with a warning', async () => {
    const p = await nativeProfile({ name: 'plain', pkce: 'plain' });
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    await engine.cancelAuthorization({ flowId: flow.id });
    expect(param(flow, 'code_challenge_method')).toBe('plain');
    expect(flow.preflight[0]).toMatchObject({ code: 'PKCE_MISMATCH', severity: 'warning' });
  });

  it('times out: AUTHORIZATION_TIMEOUT and the port is free', async () => {
    // A fake clock and a manual timer: the 5-minute timeout passes when the test says so.
    let now = Date.now();
    const clock = { now: () => now };
    const timer = manualTimer(clock);
    const own = new Engine({ ...nodePorts({ ephemeral: true }), clock, timer });
    const p = await nativeProfile({ name: 'timeout' }, own);
    const flow = must(await own.startAuthorization({ profileId: p.id, open: false }));
    expect(flow.expiresAt).toBe(new Date(now + DEFAULT_TIMEOUT_SEC * 1000).toISOString());
    now = Date.parse(flow.expiresAt) - 1;
    expect(timer.runDue()).toBe(0);
    expect(must(await own.getAuthorization({ flowId: flow.id })).status).toBe('waiting');
    now += 1;
    expect(timer.runDue()).toBe(1);
    const done = await waitForAuthorization(own, flow.id);
    expect(done.status).toBe('timed-out');
    expect(done.findings[0]?.code).toBe('AUTHORIZATION_TIMEOUT');
    expect(await portIsFree(flow.listener!.port)).toBe(true);
    expect(
      (await own.completeAuthorization({ flowId: flow.id, redirectUrl: flow.redirectUri })).ok,
    ).toBe(false);
  });

  it('a new start for the same profile cancels the previous flow and frees its port', async () => {
    const p = await nativeProfile({ name: 'restart' });
    const first = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const second = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    expect(must(await engine.getAuthorization({ flowId: first.id })).status).toBe('cancelled');
    expect(await portIsFree(first.listener!.port)).toBe(true);
    const cancelled = must(await engine.cancelAuthorization({ flowId: second.id }));
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.listener?.open).toBe(false);
    expect(await portIsFree(second.listener!.port)).toBe(true);
  });

  it('listens on the port of a loopback redirect URI that names one', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const p = await nativeProfile({
      name: 'fixed-port',
      redirectUri: `http://127.0.0.1:${port}/callback`,
    });
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    expect(flow.status).toBe('waiting');
    expect(flow.redirectUri).toBe(`http://127.0.0.1:${port}/callback`);
    expect(flow.listener?.port).toBe(port);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    await engine.cancelAuthorization({ flowId: flow.id });
    expect(await portIsFree(port)).toBe(true);
  });

  it('opens the system browser through the browser port when the host has one', async () => {
    const opened: string[] = [];
    const withBrowser = new Engine({
      ...nodePorts({ ephemeral: true }),
      browser: { open: async (u) => void opened.push(u) },
    });
    const p = must(
      await withBrowser.saveProfile({
        name: 'browser',
        flow: 'authorization-code',
        fhirBaseUrl: server.fhirBase,
        clientId: 'native-app',
        scope: SCOPE,
        auth: { method: 'none' },
      }),
    );
    const flow = must(await withBrowser.startAuthorization({ profileId: p.id }));
    expect(flow.opened).toBe(true);
    expect(opened).toEqual([flow.url]);
    await withBrowser.cancelAuthorization({ flowId: flow.id });
  });
});

describe('authorization code flow with a pasted redirect URL', () => {
  it('a registered https redirect uses paste mode; the pasted URL is checked and redeemed', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'web',
        flow: 'authorization-code',
        fhirBaseUrl: server.fhirBase,
        clientId: 'web-app',
        scope: SCOPE,
        redirectUri: WEB_REDIRECT,
        auth: { method: 'client_secret_basic', clientSecret: WEB_SECRET },
      }),
    );
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    expect(flow.mode).toBe('paste');
    expect(flow.listener).toBeUndefined();
    expect(flow.redirectUri).toBe(WEB_REDIRECT);

    const bad = await engine.completeAuthorization({ flowId: flow.id, redirectUrl: 'not a url' });
    expect(bad.ok ? '' : bad.error.code).toBe('INVALID_INPUT');
    const fragment = await engine.completeAuthorization({
      flowId: flow.id,
      redirectUrl: `${WEB_REDIRECT}#code=abc&state=${param(flow, 'state')}`,
    });
    expect(fragment.ok ? '' : fragment.error.message).toContain('fragment');

    const redirect = await completeDevLogin(flow.url, { redirectPrefix: WEB_REDIRECT });
    const done = must(
      await engine.completeAuthorization({ flowId: flow.id, redirectUrl: redirect }),
    );
    expect(done.callback?.via).toBe('paste');
    expect(done.checks.every((c) => c.ok)).toBe(true);
    expect(pendingCodes(engine).get(p.id)?.flowId).toBe(flow.id);
    expect(done.status).toBe('done');
    expect(done.token?.ok).toBe(true);
    // A redirect is used once.
    const twice = await engine.completeAuthorization({ flowId: flow.id, redirectUrl: redirect });
    expect(twice.ok).toBe(false);
    expect(JSON.stringify(must(await engine.listExchanges()))).not.toContain(WEB_SECRET);
  });

  it('a pasted URL closes a still-open loopback listener', async () => {
    const p = await nativeProfile({ name: 'paste-into-loopback' });
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const redirect = await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri });
    const done = must(
      await engine.completeAuthorization({ flowId: flow.id, redirectUrl: redirect }),
    );
    expect(done.callback?.via).toBe('paste');
    expect(done.listener?.open).toBe(false);
    expect(await portIsFree(flow.listener!.port)).toBe(true);
    expect(done.status).toBe('done');
  });

  it('a custom-scheme redirect finds its flow by state', async () => {
    const p = await nativeProfile({
      name: 'custom-scheme',
      redirectUri: 'oauth-flow-debugger://callback',
    });
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    expect(flow.mode).toBe('paste');
    const r = await engine.completeAuthorizationFromRedirect(
      `oauth-flow-debugger://callback?error=access_denied&error_description=User+said+no&state=${param(flow, 'state')}&iss=${encodeURIComponent(server.issuer)}`,
    );
    const done = must(r);
    expect(done.id).toBe(flow.id);
    expect(done.callback?.via).toBe('custom-scheme');
    expect(done.status).toBe('failed');
    expect(done.findings[0]?.code).toBe('AUTHORIZATION_DENIED');
    expect(done.findings[0]?.evidence).toContain('User said no');
  });
});
