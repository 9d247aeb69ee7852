import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeDeviceLogin,
  startSmartServer,
  type SmartServer,
} from '../testing/smart-server.js';
import { manualTimer } from '../testing/manual-timer.js';
import type { DeviceFlowView, ProfileInput } from '../../shared/types.js';
import { DEVICE_CODE_GRANT, FLOW_KINDS, GRANT_TYPES } from '../../shared/types.js';
import { Engine } from './engine.js';
import { FLOW_GRANT } from '../../shared/oauth/flow.js';
import { GRANTS, flowGrant } from './grants/index.js';
import { nodePorts } from './node-ports.js';
import { must } from './test-helpers.js';

const SCOPE = 'openid offline_access patient/Patient.rs';

let server: SmartServer;
/** A server whose device codes live one second (RFC 8628 expires_in), for expired_token. */
let shortLived: SmartServer;

beforeAll(async () => {
  const clients = [
    {
      client_id: 'device-client',
      token_endpoint_auth_method: 'none' as const,
      grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
      scope: SCOPE,
    },
  ];
  server = await startSmartServer({ clients });
  shortLived = await startSmartServer({ clients, deviceCodeLifetime: 1 });
});
afterAll(async () => {
  await server?.close();
  await shortLived?.close();
});

/** An engine whose clock and timers move only when the test says. */
function deviceEngine() {
  const ports = nodePorts({ ephemeral: true });
  let now = Date.now();
  const clock = { now: () => now };
  ports.clock = clock;
  const timer = manualTimer(clock);
  ports.timer = timer;
  const events: DeviceFlowView[] = [];
  const waiting: { pred: (v: DeviceFlowView) => boolean; resolve: (v: DeviceFlowView) => void }[] =
    [];
  ports.hub.subscribe((event, payload) => {
    if (event !== 'device') return;
    const v = payload as DeviceFlowView;
    events.push(v);
    for (const w of waiting.splice(0))
      if (w.pred(v)) w.resolve(v);
      else waiting.push(w);
  });
  const engine = new Engine(ports);
  /** Moves the clock to the next poll, fires it, and resolves with the flow after its answer. */
  const pollOnce = (flow: DeviceFlowView, opts: { keepClock?: boolean } = {}) => {
    const before = events.filter((e) => e.id === flow.id).at(-1) ?? flow;
    const next = new Promise<DeviceFlowView>((resolve) =>
      waiting.push({
        pred: (v) => v.id === flow.id && (v.polls > before.polls || v.status !== 'waiting'),
        resolve,
      }),
    );
    if (!opts.keepClock) now = Math.max(now, timer.nextAt() ?? now);
    expect(timer.runNext()).toBe(true);
    return next;
  };
  return {
    engine,
    timer,
    events,
    pollOnce,
    advance: (ms: number) => (now += ms),
    profile: (extra: Partial<ProfileInput> = {}, s: SmartServer = server) =>
      engine.saveProfile({
        name: 'device',
        flow: 'device-code',
        issuer: s.issuer,
        clientId: 'device-client',
        scope: SCOPE,
        auth: { method: 'none' },
        ...extra,
      }),
  };
}

describe('device authorization grant (RFC 8628) against oidc-provider', () => {
  it('shows the user code, polls while pending, and holds the tokens once the user signs in', async () => {
    const t = deviceEngine();
    const p = must(await t.profile());
    const flow = must(await t.engine.startDeviceAuthorization({ profileId: p.id }));
    expect(flow.status).toBe('waiting');
    expect(flow.url).toBe(`${server.issuer}/device/auth`);
    expect(flow.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(flow.verificationUri).toBe(`${server.issuer}/device`);
    expect(flow.verificationUriComplete).toContain(`user_code=${flow.userCode}`);
    expect(flow.intervalSec).toBe(5); // oidc-provider sends no interval: RFC 8628 §3.2's 5 s
    expect(Date.parse(flow.expiresAt!) - Date.parse(flow.startedAt)).toBe(600_000);
    expect(t.timer.pending()).toBe(1);

    // The device code is the poller's credential: never in the view, masked in the timeline.
    expect(JSON.stringify(flow)).not.toContain('device_code');
    const authz = must(await t.engine.listExchanges()).find(
      (e) => e.step === 'Device authorization',
    );
    expect(authz?.request.url).toBe(flow.url);
    expect(authz?.request.body).toContain('client_id=device-client');
    expect(authz?.response?.body).toContain('"device_code":"{{device_code}}"');

    const pending = await t.pollOnce(flow);
    expect(pending).toMatchObject({ status: 'waiting', polls: 1 });
    expect(pending.lastAnswer).toBe('authorization_pending');
    expect(pending.findings).toEqual([]);

    expect(await completeDeviceLogin(flow.verificationUriComplete!, { login: 'dora' })).toContain(
      'Sign-in Success',
    );
    const done = await t.pollOnce(pending);
    expect(done.status).toBe('done');
    expect(done.polls).toBe(2);
    expect(done.token?.ok).toBe(true);
    expect(done.token?.grant).toBe(DEVICE_CODE_GRANT);
    expect(done.token?.refreshToken?.issued).toBe(true);
    expect(t.timer.pending()).toBe(0);

    const held = must(await t.engine.getTokenSet()).tokens;
    expect(held?.profileId).toBe(p.id);
    const polls = must(await t.engine.listExchanges()).filter((e) => e.step === 'Device poll');
    expect(polls).toHaveLength(2);
    expect(polls[0]?.request.body).toContain(`grant_type=${encodeURIComponent(DEVICE_CODE_GRANT)}`);
    expect(polls[0]?.request.body).toContain('device_code={{device_code}}');
    // The tokens refresh like any others.
    const refreshed = must(await t.engine.refreshTokens({ profileId: p.id }));
    expect(refreshed.ok).toBe(true);
  });

  it('slow_down adds 5 seconds to the interval of every later poll', async () => {
    const t = deviceEngine();
    const p = must(await t.profile());
    const flow = must(await t.engine.startDeviceAuthorization({ profileId: p.id }));
    server.tamper.deviceSlowDown = 1;
    const slowed = await t.pollOnce(flow);
    expect(slowed).toMatchObject({ status: 'waiting', slowDowns: 1, intervalSec: 10 });
    expect(slowed.lastAnswer).toBe('slow_down');
    expect(Date.parse(slowed.nextPollAt!) - Date.parse(slowed.lastPollAt!)).toBe(10_000);
    const again = await t.pollOnce(slowed);
    expect(again).toMatchObject({ status: 'waiting', intervalSec: 10, polls: 2 });
    expect(again.lastAnswer).toBe('authorization_pending');
    must(await t.engine.cancelDeviceAuthorization({ flowId: flow.id }));
  });

  it('access_denied: the user refused, AUTHORIZATION_DENIED from what the server said', async () => {
    const t = deviceEngine();
    const p = must(await t.profile());
    const flow = must(await t.engine.startDeviceAuthorization({ profileId: p.id }));
    await completeDeviceLogin(flow.verificationUriComplete!, { deny: true });
    const denied = await t.pollOnce(flow);
    expect(denied.status).toBe('denied');
    expect(denied.findings[0]).toMatchObject({ code: 'AUTHORIZATION_DENIED', basis: 'server' });
    expect(denied.token?.ok).toBe(false);
    expect(t.timer.pending()).toBe(0);
    expect(must(await t.engine.getTokenSet()).tokens).toBeNull();
  });

  it('expired_token from the server: DEVICE_CODE_EXPIRED, start again', async () => {
    const t = deviceEngine();
    const p = must(await t.profile({}, shortLived));
    const flow = must(await t.engine.startDeviceAuthorization({ profileId: p.id }));
    // The server's clock runs; this engine's does not, so it still thinks the code is valid.
    await new Promise((r) => setTimeout(r, 1_100));
    const expired = await t.pollOnce(flow, { keepClock: true });
    expect(expired.status).toBe('expired');
    expect(expired.findings[0]).toMatchObject({ code: 'DEVICE_CODE_EXPIRED', basis: 'server' });
    expect(expired.findings[0]?.fix).toMatch(/Start the device sign-in again/);
  });

  it('expires_in passed here: stops without another poll (DEVICE_CODE_EXPIRED, checked here)', async () => {
    const t = deviceEngine();
    const p = must(await t.profile());
    const flow = must(await t.engine.startDeviceAuthorization({ profileId: p.id }));
    t.advance(601_000);
    const expired = await t.pollOnce(flow);
    expect(expired.status).toBe('expired');
    expect(expired.polls).toBe(0);
    expect(expired.findings[0]).toMatchObject({ code: 'DEVICE_CODE_EXPIRED', basis: 'check' });
    const sent = must(await t.engine.listExchanges()).filter((e) => e.step === 'Device poll');
    expect(sent).toHaveLength(0);
  });

  it('the local timeout and cancel stop polling', async () => {
    const t = deviceEngine();
    const p = must(await t.profile());
    const flow = must(await t.engine.startDeviceAuthorization({ profileId: p.id, timeoutSec: 30 }));
    t.advance(31_000);
    const timedOut = await t.pollOnce(flow);
    expect(timedOut.status).toBe('timed-out');
    expect(timedOut.findings[0]).toMatchObject({ code: 'AUTHORIZATION_TIMEOUT', basis: 'check' });

    const second = must(await t.engine.startDeviceAuthorization({ profileId: p.id }));
    const cancelled = must(await t.engine.cancelDeviceAuthorization({ flowId: second.id }));
    expect(cancelled.status).toBe('cancelled');
    expect(t.timer.pending()).toBe(0);
    expect(must(await t.engine.getDeviceAuthorization({ flowId: second.id })).status).toBe(
      'cancelled',
    );
    const unknown = await t.engine.getDeviceAuthorization({ flowId: 'nope' });
    expect(unknown.ok ? null : unknown.error.code).toBe('NOT_FOUND');
  });

  it('a refused device authorization request is a failed flow with the server finding', async () => {
    const t = deviceEngine();
    const p = must(await t.profile({ clientId: 'no-such-client' }));
    const flow = must(await t.engine.startDeviceAuthorization({ profileId: p.id }));
    expect(flow.status).toBe('failed');
    expect(flow.userCode).toBeUndefined();
    expect(flow.findings.length).toBeGreaterThan(0);
    // oidc-provider's bare "client authentication failed" names no single cause: the candidates
    // are inferred, and an unknown client_id is among the first three.
    expect(flow.findings[0]?.evidence).toContain('invalid_client');
    expect(flow.findings.slice(0, 3).map((f) => f.code)).toContain('CLIENT_UNKNOWN');
    expect(t.timer.pending()).toBe(0);
  });

  it('says where to find the endpoint when neither the profile nor discovery has one', async () => {
    const t = deviceEngine();
    const p = must(
      await t.engine.saveProfile({
        name: 'no discovery',
        flow: 'device-code',
        tokenEndpoint: server.tokenEndpoint,
        clientId: 'device-client',
        scope: SCOPE,
        auth: { method: 'none' },
      }),
    );
    const r = await t.engine.startDeviceAuthorization({ profileId: p.id });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain('device_authorization_endpoint');
    }
  });

  it('registers a device client: the device_code and refresh_token grants, no response types', async () => {
    const t = deviceEngine();
    const p = must(await t.profile());
    const draft = must(await t.engine.prepareRegistration({ profileId: p.id }));
    const meta = JSON.parse(draft.body) as Record<string, unknown>;
    expect(meta.grant_types).toEqual([DEVICE_CODE_GRANT, 'refresh_token']);
    expect(meta.response_types).toEqual([]);
    expect(meta.redirect_uris).toBeUndefined();
    const sent = must(await t.engine.sendRegistration({ profileId: p.id, body: draft.body }));
    expect(sent.ok).toBe(true);
  });
});

describe('grant registry', () => {
  it('has one module per grant type, under its own grant_type', () => {
    expect(Object.keys(GRANTS).sort()).toEqual([...GRANT_TYPES].sort());
    for (const [key, h] of Object.entries(GRANTS)) expect(h.grant).toBe(key);
  });

  it("serves every flow with a grant module that registers that flow's grant", () => {
    for (const flow of FLOW_KINDS) {
      const h = flowGrant(flow);
      expect(h.grant).toBe(FLOW_GRANT[flow]);
      expect(h.registers?.grantTypes[0]).toBe(h.grant);
    }
  });
});
