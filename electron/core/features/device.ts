import { randomUUID } from 'node:crypto';
import type { DebuggerApi } from '../../../shared/api/contract.js';
import { finding, rankFindings } from '../../../shared/diagnosis/index.js';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import { diagnose } from '../../../shared/diagnosis/pipeline.js';
import { AppFailure } from '../../../shared/result.js';
import { parseBodyTolerantly } from '../../../shared/tolerant-json.js';
import {
  DEVICE_CODE_GRANT,
  type DeviceFlowStatus,
  type DeviceFlowView,
  type HeaderList,
} from '../../../shared/types.js';
import { guard, type DeviceFlow, type StoredProfile } from '../model.js';
import { systemTimer } from '../ports.js';
import type { Core } from '../core.js';

/** RFC 8628 §3.2: the poll interval when the server sends none. */
const DEFAULT_INTERVAL_SEC = 5;
/** RFC 8628 §3.5: slow_down adds 5 seconds to the interval, for this and every later poll. */
const SLOW_DOWN_STEP_SEC = 5;
const TERMINAL: DeviceFlowStatus[] = [
  'done',
  'denied',
  'expired',
  'failed',
  'cancelled',
  'timed-out',
];

/**
 * The device authorization grant (RFC 8628): the device authorization request, then polling the
 * token endpoint (the device_code grant module, electron/core/grants/device-code.ts) until
 * tokens, a refusal, expiry, the local timeout or cancel. Every change is pushed as "device".
 */
export class DeviceFlows {
  constructor(private readonly c: Core) {}

  private get timer() {
    return this.c.ports.timer ?? systemTimer;
  }

  private emit(flow: DeviceFlow) {
    this.c.ports.events.emit('device', structuredClone(flow.view));
  }

  private now() {
    return this.c.ports.clock.now();
  }

  private iso(ms: number) {
    return new Date(ms).toISOString();
  }

  private mustFlow(flowId: string): DeviceFlow {
    const f = this.c.s.deviceFlows.get(flowId);
    if (!f)
      throw new AppFailure(
        'NOT_FOUND',
        `No device authorization with id ${flowId}.`,
        'Start the device sign-in again.',
      );
    return f;
  }

  private finish(flow: DeviceFlow, status: DeviceFlowStatus, findings: Finding[] = []) {
    if (flow.timer) this.timer.cancel(flow.timer);
    flow.timer = undefined;
    delete flow.view.nextPollAt;
    flow.view.status = status;
    flow.view.findings = rankFindings([...findings, ...flow.view.findings]);
    delete flow.deviceCode;
    this.emit(flow);
    for (const w of flow.waiters.splice(0)) w(structuredClone(flow.view));
  }

  startDeviceAuthorization(input: Parameters<DebuggerApi['startDeviceAuthorization']>[0]) {
    return guard(() => this.start(input.profileId, input.timeoutSec));
  }

  cancelDeviceAuthorization(input: Parameters<DebuggerApi['cancelDeviceAuthorization']>[0]) {
    return guard(async () => {
      const flow = this.mustFlow(input.flowId);
      if (!TERMINAL.includes(flow.view.status)) this.finish(flow, 'cancelled');
      return structuredClone(flow.view);
    });
  }

  getDeviceAuthorization(input: Parameters<DebuggerApi['getDeviceAuthorization']>[0]) {
    return guard(async () => structuredClone(this.mustFlow(input.flowId).view));
  }

  /** Cancels every device authorization still polling. */
  stopAll(): void {
    for (const flow of this.c.s.deviceFlows.values())
      if (!TERMINAL.includes(flow.view.status)) this.finish(flow, 'cancelled');
  }

  /** Resolves when the flow ends (CLI and tests). */
  settled(flowId: string): Promise<DeviceFlowView> {
    const flow = this.mustFlow(flowId);
    if (TERMINAL.includes(flow.view.status)) return Promise.resolve(structuredClone(flow.view));
    return new Promise((resolve) => flow.waiters.push(resolve));
  }

  private async endpoint(p: StoredProfile): Promise<string> {
    const discovery = await this.c.discovery.discoveryFor(p).catch(() => undefined);
    const url = p.deviceAuthorizationEndpoint ?? discovery?.deviceAuthorizationEndpoint;
    if (!url)
      throw new AppFailure(
        'INVALID_INPUT',
        'No device authorization endpoint: the profile has none and discovery did not list device_authorization_endpoint.',
        'Enter the device authorization endpoint in the profile, or check that the server supports RFC 8628 (its discovery document lists device_authorization_endpoint).',
      );
    return url;
  }

  private async start(profileId: string, timeoutSec?: number): Promise<DeviceFlowView> {
    const p = this.c.profiles.mustProfile(profileId);
    if (!p.clientId)
      throw new AppFailure(
        'INVALID_INPUT',
        'The profile has no client_id.',
        'Register the client (Registration step) or enter the client_id the server gave you.',
      );
    const url = await this.endpoint(p);
    // One device authorization per profile: a new one replaces the one still waiting.
    for (const f of this.c.s.deviceFlows.values())
      if (f.view.profileId === p.id && !TERMINAL.includes(f.view.status))
        this.finish(f, 'cancelled');

    // RFC 8628 §3.1: client_id and scope, with the client's authentication when it has one.
    const tokenUrl = (await this.c.discovery.tokenEndpointFor(p)).url;
    const discovery = this.c.s.discovery.get(p.id);
    const auth = await this.c.tokenRequests.clientAuth(p, tokenUrl, discovery);
    const params: [string, string][] = [...auth.params];
    if (!params.some(([n]) => n === 'client_id')) params.unshift(['client_id', p.clientId]);
    if (p.scope.trim()) params.push(['scope', p.scope.trim()]);
    const fillIn = (s: string) =>
      s.replace(/\{\{(\w+)\}\}/g, (m, name: string) => auth.fill.get(name) ?? m);
    const headers: HeaderList = [
      ['content-type', 'application/x-www-form-urlencoded'],
      ['accept', 'application/json'],
      ...auth.headers.map(([n, v]): [string, string] => [n, fillIn(v)]),
    ];
    const body = new URLSearchParams(params.map(([n, v]) => [n, fillIn(v)])).toString();
    const secrets = new Map([...auth.fill].map(([name, v]) => [v, `{{${name}}}`]));
    const { exchange, raw } = await this.c.http.send(
      { method: 'POST', url, headers, body },
      {
        step: 'Device authorization',
        secrets,
        ...(p.tls ? { tls: p.tls } : {}),
        ...this.c.ports.http,
      },
    );
    const startedAt = this.now();
    const flow: DeviceFlow = {
      view: {
        id: randomUUID(),
        profileId: p.id,
        status: 'waiting',
        startedAt: this.iso(startedAt),
        url,
        exchangeId: exchange.id,
        intervalSec: DEFAULT_INTERVAL_SEC,
        polls: 0,
        slowDowns: 0,
        findings: [],
      },
      waiters: [],
      ...(timeoutSec ? { deadline: startedAt + timeoutSec * 1000 } : {}),
    };
    this.c.s.deviceFlows.set(flow.view.id, flow);
    // The same reading as every other answer (a JSON object, also after a stray prefix).
    const json = raw ? parseBodyTolerantly(raw.body).json : undefined;
    const str = (k: string) => (typeof json?.[k] === 'string' ? (json[k] as string) : undefined);
    // Google's endpoint sends verification_url (the name of the drafts before RFC 8628).
    const verificationUri = str('verification_uri') ?? str('verification_url');
    const deviceCode = str('device_code');
    const userCode = str('user_code');
    if (
      !raw ||
      raw.status < 200 ||
      raw.status >= 300 ||
      !deviceCode ||
      !userCode ||
      !verificationUri
    ) {
      const diag = diagnose({
        endpoint: 'token',
        url,
        headers,
        params,
        authMethod: p.auth.method,
        grant: DEVICE_CODE_GRANT,
        ...(p.server ? { server: p.server } : {}),
        localNow: Math.floor(startedAt / 1000),
        skewSec: this.c.settings.skewSec(),
        ...(exchange.error && !raw ? { transportError: exchange.error } : {}),
        ...(raw ? { response: { status: raw.status, headers: raw.headers, body: raw.body } } : {}),
      });
      const missing = ['device_code', 'user_code', 'verification_uri'].filter(
        (k) => !str(k) && !(k === 'verification_uri' && verificationUri),
      );
      const incomplete =
        raw && raw.status >= 200 && raw.status < 300 && missing.length
          ? [
              finding(
                'TOKEN_RESPONSE_INVALID',
                `The device authorization response lacks ${missing.join(', ')} (RFC 8628 §3.2 requires device_code, user_code, verification_uri and expires_in).`,
                {
                  basis: 'check',
                  title: 'Device authorization response incomplete',
                  fix: 'Check that this URL is the device_authorization_endpoint of the server, and that the client may use the device grant.',
                  source: 'RFC 8628 §3.2',
                },
              ),
            ]
          : [];
      this.finish(flow, 'failed', [...incomplete, ...diag.findings]);
      return structuredClone(flow.view);
    }
    flow.deviceCode = deviceCode;
    const expiresIn = typeof json?.expires_in === 'number' ? json.expires_in : undefined;
    const interval = typeof json?.interval === 'number' && json.interval > 0 ? json.interval : 0;
    const v = flow.view;
    v.userCode = userCode;
    v.verificationUri = verificationUri;
    if (str('verification_uri_complete'))
      v.verificationUriComplete = str('verification_uri_complete')!;
    if (expiresIn !== undefined) v.expiresAt = this.iso(startedAt + expiresIn * 1000);
    if (interval) v.intervalSec = interval;
    if (expiresIn === undefined)
      v.findings.push(
        finding(
          'TOKEN_RESPONSE_INVALID',
          'The device authorization response has no expires_in (RFC 8628 §3.2 requires it); polling stops only at a refusal, the timeout or Cancel.',
          { severity: 'warning', basis: 'check', source: 'RFC 8628 §3.2' },
        ),
      );
    if (!str('verification_uri') && verificationUri)
      v.findings.push(
        finding(
          'TOKEN_RESPONSE_INVALID',
          'The server sends verification_url instead of RFC 8628 verification_uri (Google does); it was used as the verification URI.',
          { severity: 'info', basis: 'server', source: 'RFC 8628 §3.2' },
        ),
      );
    this.schedule(flow);
    this.emit(flow);
    return structuredClone(flow.view);
  }

  private schedule(flow: DeviceFlow) {
    const ms = flow.view.intervalSec * 1000;
    flow.view.nextPollAt = this.iso(this.now() + ms);
    flow.timer = this.timer.after(ms, () => {
      flow.timer = undefined;
      flow.polling = this.poll(flow).finally(() => {
        flow.polling = undefined;
      });
    });
  }

  /** One device access token request (RFC 8628 §3.4), and what its answer means for the flow. */
  private async poll(flow: DeviceFlow): Promise<void> {
    const v = flow.view;
    if (v.status !== 'waiting' || !flow.deviceCode) return;
    const now = this.now();
    if (v.expiresAt && now >= Date.parse(v.expiresAt)) {
      this.finish(flow, 'expired', [
        finding(
          'DEVICE_CODE_EXPIRED',
          `The device code ran out at ${v.expiresAt} (expires_in of the device authorization response) before anyone finished the sign-in at ${v.verificationUri}.`,
          { basis: 'check' },
        ),
      ]);
      return;
    }
    if (flow.deadline !== undefined && now >= flow.deadline) {
      this.finish(flow, 'timed-out', [
        finding(
          'AUTHORIZATION_TIMEOUT',
          `Nobody finished the sign-in at ${v.verificationUri} within the ${Math.round((flow.deadline - Date.parse(v.startedAt)) / 1000)} s allowed here (the device code itself was still valid).`,
          {
            basis: 'check',
            title: 'The device sign-in was not finished in time',
            fix: 'Start again and enter the user code at the verification URL, or allow more time (--timeout).',
            source: 'RFC 8628 §3.3',
          },
        ),
      ]);
      return;
    }
    const p = this.c.profiles.mustProfile(v.profileId);
    let result;
    try {
      const { draft } = await this.c.tokenRequests.prepareDraft(p, DEVICE_CODE_GRANT, {
        deviceCode: flow.deviceCode,
      });
      this.c.s.drafts.delete(draft.id);
      result = await this.c.tokenRequests.sendDraft(draft, undefined, false);
    } catch (e) {
      const f =
        e instanceof AppFailure
          ? finding('REQUEST_MALFORMED', `${e.message} ${e.fix ?? ''}`.trim(), {
              basis: 'check',
              title: 'The poll could not be sent',
            })
          : finding('REQUEST_MALFORMED', String(e), { basis: 'check' });
      if (v.status === 'waiting') this.finish(flow, 'failed', [f]);
      return;
    }
    // Cancelled (or replaced) while the request was on the wire: the answer changes nothing here.
    if (v.status !== 'waiting') return;
    v.polls += 1;
    v.lastPollAt = this.iso(this.now());
    const error = typeof result.body?.error === 'string' ? result.body.error : undefined;
    v.lastAnswer = result.ok
      ? 'tokens'
      : (error ?? (result.status ? `HTTP ${result.status}` : 'no answer'));
    if (result.ok) {
      v.token = result;
      this.finish(flow, 'done');
      return;
    }
    if (error === 'authorization_pending' || error === 'slow_down') {
      if (error === 'slow_down') {
        v.slowDowns += 1;
        v.intervalSec += SLOW_DOWN_STEP_SEC;
      }
      this.schedule(flow);
      this.emit(flow);
      return;
    }
    v.token = result;
    const status: DeviceFlowStatus =
      error === 'access_denied' ? 'denied' : error === 'expired_token' ? 'expired' : 'failed';
    this.finish(flow, status, result.findings);
  }
}
