import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import { finding, rankFindings } from '../../../shared/diagnosis/index.js';
import { authorizationErrorChecks } from '../../../shared/diagnosis/authorize-checks.js';
import { getPreset } from '../../../shared/presets.js';
import { diagnose } from '../../../shared/diagnosis/pipeline.js';
import { looksLikeErrorPage, readAnswer } from '../../../shared/diagnosis/statement.js';
import type { TransportError } from '../../../shared/diagnosis/token-response.js';
import { maskSecret } from '../../../shared/jwt-view.js';
import { AppFailure, type AppError, type Result } from '../../../shared/result.js';
import type {
  AuthorizationCheck,
  AuthorizationFlowView,
  AuthorizationStatus,
  DiscoveryResult,
  HeaderList,
  PkceMode,
  TokenResult,
} from '../../../shared/types.js';
import type { PendingCode, StoredProfile } from '../model.js';
import { startLoopback, type CallbackPage, type LoopbackListener } from '../loopback.js';
import { systemTimer, type Ports, type TimerHandle } from '../ports.js';
import { headerValue } from '../../../shared/headers.js';
import { LOOPBACK_REDIRECT, isLoopbackRedirect } from '../../../shared/oauth/redirect-uri.js';
import type { BreakName } from '../../../shared/types.js';
import { breakInfo } from '../../../shared/diagnosis/glossary.js';
import {
  assertBreakApplies,
  breakAuthorize,
  broken,
  breaksAtAuthorize,
  judge,
  markPending,
} from './break-it.js';

/** What the authorization flow needs from the engine. */
/** What the engine's own GET of the authorize URL got (no cookies, no redirect followed). */
export type ProbeAnswer =
  { status: number; headers: HeaderList; body: string } | { error: TransportError };

export interface AuthorizeDeps {
  ports: Ports;
  /**
   * GETs the authorize URL once before the browser opens: an authorization server that refuses
   * the request (unknown client, unregistered redirect_uri, missing PKCE) answers with an error
   * page or an error redirect before any sign-in, which the browser would show but the app would
   * never see. Absent: no probe.
   */
  probe?(p: StoredProfile, url: string): Promise<ProbeAnswer>;
  profile(id: string): StoredProfile;
  discovery(p: StoredProfile): Promise<DiscoveryResult | undefined>;
  pendingCodes: Map<string, PendingCode>;
  /** Records a hop the browser makes (the authorize redirect, the callback) in the timeline. */
  front?(
    req: { method: string; url: string },
    opts: {
      step: string;
      profileId: string;
      secrets?: Map<string, string>;
      response?: { status: number; headers?: [string, string][]; body?: string };
    },
  ): unknown;
  /** prepareTokenRequest({grant: 'authorization_code'}) then sendTokenRequest. */
  exchange(profileId: string): Promise<Result<TokenResult>>;
}

export interface StartInput {
  profileId: string;
  mode?: 'loopback' | 'paste';
  open?: boolean;
  autoExchange?: boolean;
  timeoutSec?: number;
  /** Break-it mode: one deliberate mistake at the authorize request, callback or exchange. */
  break?: BreakName;
}

type Via = NonNullable<AuthorizationFlowView['callback']>['via'];

interface Flow {
  view: AuthorizationFlowView;
  state: string;
  nonce?: string;
  codeVerifier?: string;
  /** Issuer expected in iss (RFC 9207) and in the id_token. */
  issuer?: string;
  /** The server promised iss on every response (authorization_response_iss_parameter_supported). */
  issRequired: boolean;
  /** A SMART profile (aud expected), and the FHIR base it must name (A5). */
  smart: boolean;
  fhirBase?: string;
  listener?: LoopbackListener;
  timer?: TimerHandle;
  waiters: ((v: AuthorizationFlowView) => void)[];
  /** Break-it mode: a break made at the code exchange (verifier, redirect-uri, assertion). */
  exchangeBreak?: BreakName;
}

export const DEFAULT_TIMEOUT_SEC = 300;

/** RFC 7636 §4.1: 32 random bytes -> 43 base64url characters (256 bits). */
export function pkcePair(method: PkceMode): { verifier?: string; challenge?: string } {
  if (method === 'off') return {};
  const verifier = randomBytes(32).toString('base64url');
  const challenge =
    method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return { verifier, challenge };
}

type RedirectPlan =
  | {
      mode: 'loopback';
      host: '127.0.0.1' | '::1';
      port: number;
      path: string;
      hostNames: string[];
      /** The redirect_uri to send once the port is known. */
      uri(port: number): string;
    }
  | { mode: 'paste'; uri: string };

/** Where the redirect comes back: the loopback listener, or a URL the user pastes. */
function planRedirect(
  redirectUri: string | undefined,
  forced?: 'loopback' | 'paste',
): RedirectPlan {
  if (!redirectUri) {
    if (forced === 'paste') return { mode: 'paste', uri: LOOPBACK_REDIRECT };
    return {
      mode: 'loopback',
      host: '127.0.0.1',
      port: 0,
      path: '/callback',
      hostNames: ['127.0.0.1'],
      uri: (port) => `http://127.0.0.1:${port}/callback`,
    };
  }
  if (forced === 'paste' || !isLoopbackRedirect(redirectUri)) {
    if (forced === 'loopback')
      throw new AppFailure(
        'INVALID_INPUT',
        `The redirect URI ${redirectUri} is not a loopback address, so no listener can receive it.`,
        'Use the paste mode, or set the redirect URI to http://127.0.0.1:{port}/callback (or leave it empty for a random port).',
      );
    return { mode: 'paste', uri: redirectUri };
  }
  const u = new URL(redirectUri);
  const v6 = u.hostname === '[::1]';
  const hostNames = v6 ? ['[::1]'] : u.hostname === 'localhost' ? ['localhost'] : ['127.0.0.1'];
  const port = u.port ? Number(u.port) : 0;
  return {
    mode: 'loopback',
    host: v6 ? '::1' : '127.0.0.1',
    port,
    path: u.pathname || '/',
    hostNames,
    // A port-less registered loopback URI: send the actual port (the server must accept any).
    uri: (actual) => {
      if (port) return redirectUri;
      const x = new URL(redirectUri);
      x.port = String(actual);
      return x.toString();
    },
  };
}

const TERMINAL: AuthorizationStatus[] = ['done', 'failed', 'cancelled', 'timed-out'];

/** A finding for a code exchange that could not even be sent (no secret, no key, no endpoint). */
function exchangeFailure(e: AppError): Finding {
  const fix = e.fix ?? 'Redeem the code in the Token request step.';
  if (e.code === 'NETWORK_ERROR') return finding('NETWORK_ERROR', e.message, { fix });
  if (e.code === 'SECRET_UNAVAILABLE')
    return finding('CLIENT_SECRET_INVALID', e.message, {
      title: 'No client secret for the code exchange',
      fix,
    });
  return finding('CODE_INVALID', e.message, {
    title: 'The code could not be exchanged',
    fix,
  });
}

/**
 * Authorization code flows (RFC 6749 §4.1 with PKCE, RFC 8252 native-app redirects, RFC 9207
 * iss checks). State and issuer are checked before anything is redeemed.
 */
export class AuthorizationFlows {
  private flows = new Map<string, Flow>();
  /** The one waiting flow per profile. */
  private active = new Map<string, string>();

  constructor(private readonly deps: AuthorizeDeps) {}

  /** The flows' timeouts run on the Timer port (tests move a manual timer instead of waiting). */
  private get timer() {
    return this.deps.ports.timer ?? systemTimer;
  }

  private emit(flow: Flow) {
    this.deps.ports.events.emit('authorization', structuredClone(flow.view));
  }

  private isSettled(flow: Flow) {
    return (
      TERMINAL.includes(flow.view.status) ||
      (flow.view.status === 'received' && !flow.view.autoExchange)
    );
  }

  private update(flow: Flow, status: AuthorizationStatus) {
    flow.view.status = status;
    // Break-it mode: once the answer is in, which cause the diagnosis named first.
    if (flow.view.broken && status !== 'waiting' && status !== 'exchanging') {
      const token = flow.view.token;
      flow.view.broken = judge(
        token?.broken ? { ...flow.view.broken, what: token.broken.what } : flow.view.broken,
        flow.view.findings.length ? flow.view.findings : (token?.findings ?? []),
      );
    }
    if (flow.listener) flow.view.listener = { port: flow.listener.port, open: flow.listener.open };
    this.emit(flow);
    if (this.isSettled(flow)) {
      if (this.active.get(flow.view.profileId) === flow.view.id)
        this.active.delete(flow.view.profileId);
      for (const w of flow.waiters.splice(0)) w(this.snapshot(flow));
    }
  }

  private mustFlow(flowId: string): Flow {
    const f = this.flows.get(flowId);
    if (!f)
      throw new AppFailure(
        'NOT_FOUND',
        `No authorization flow with id ${flowId}.`,
        'Start the authorization again.',
      );
    return f;
  }

  private async stop(flow: Flow) {
    if (flow.timer) this.timer.cancel(flow.timer);
    flow.timer = undefined;
    await flow.listener?.close();
  }

  async start(input: StartInput): Promise<AuthorizationFlowView> {
    const p = this.deps.profile(input.profileId);
    if (!p.clientId)
      throw new AppFailure(
        'INVALID_INPUT',
        'The profile has no client_id.',
        'Register the client (Registration step) or enter the client_id the server gave you.',
      );
    if (input.break) assertBreakApplies(input.break, p, 'authorize');
    const discovery = await this.deps.discovery(p).catch(() => undefined);
    const endpoint = p.authorizationEndpoint ?? discovery?.authorizationEndpoint;
    if (!endpoint)
      throw new AppFailure(
        'INVALID_INPUT',
        'No authorization endpoint: the profile has none and discovery did not find one.',
        'Enter the authorization endpoint in the profile, or a FHIR base URL / issuer whose discovery document lists it.',
      );
    let authorizeUrl: URL | undefined;
    try {
      authorizeUrl = new URL(endpoint);
    } catch {
      authorizeUrl = undefined;
    }
    // Only http(s) ever goes to the system browser (no file:, javascript: or custom schemes).
    if (!authorizeUrl || !/^https?:$/.test(authorizeUrl.protocol))
      throw new AppFailure(
        'INVALID_INPUT',
        `The authorization endpoint "${endpoint}" is not an http(s) URL.`,
        'Enter an absolute https URL.',
      );
    const plan = planRedirect(p.redirectUri, input.mode);
    const preflight: Finding[] = [];
    const pkce: PkceMode = p.pkce ?? 'S256';
    const { verifier, challenge } = pkcePair(pkce);
    if (pkce === 'plain')
      preflight.push(
        finding(
          'PKCE_MISMATCH',
          'code_challenge_method=plain sends the verifier itself as the challenge: whoever sees the authorize URL can redeem the code.',
          {
            severity: 'warning',
            title: 'PKCE "plain" chosen',
            fix: 'Use S256 (the default); SMART servers SHALL NOT support plain.',
            source: 'RFC 7636 §4.2; RFC 9700 §2.1.1; SMART app-launch',
          },
        ),
      );
    else if (pkce === 'off')
      preflight.push(
        finding(
          'PKCE_REQUIRED',
          'PKCE is off: no code_challenge is sent. Public clients MUST use PKCE, and a server that requires it answers invalid_request.',
          {
            severity: 'warning',
            title: 'PKCE switched off',
            fix: 'Use S256 unless you are testing that the server enforces PKCE.',
          },
        ),
      );
    if (
      pkce === 'S256' &&
      discovery?.codeChallengeMethods &&
      !discovery.codeChallengeMethods.includes('S256')
    )
      preflight.push(
        finding(
          'PKCE_MISMATCH',
          `code_challenge_methods_supported is [${discovery.codeChallengeMethods.join(', ')}], without S256.`,
          {
            severity: 'warning',
            title: 'The server does not advertise PKCE S256',
            fix: 'Ask the server operators to support S256 (SMART requires it).',
          },
        ),
      );
    const userParams = p.authorizeParams ?? [];
    const userSets = (name: string) => userParams.some(([n]) => n === name);
    const smart =
      !!p.fhirBaseUrl ||
      !!getPreset(p.vendor)?.smart ||
      !!discovery?.documents.some((d) => d.kind === 'smart-configuration' && d.ok);
    if (smart && !p.fhirBaseUrl && !userSets('aud'))
      preflight.push(
        finding(
          'LAUNCH_AUD_MISSING',
          'This is a SMART profile without a FHIR base URL, so the authorize request carries no aud.',
          {
            severity: 'warning',
            fix: 'Enter the FHIR base URL in the profile: SMART servers require aud = FHIR base URL.',
          },
        ),
      );
    if (plan.mode === 'loopback' && plan.hostNames.includes('localhost'))
      preflight.push(
        finding(
          'REDIRECT_URI_MISMATCH',
          `${p.redirectUri} uses "localhost", which may resolve to another interface or address family than the listener.`,
          {
            severity: 'warning',
            title: 'localhost redirect URIs are NOT RECOMMENDED',
            fix: 'Register and use http://127.0.0.1:{port}/callback instead (RFC 8252 §8.3).',
            source: 'RFC 8252 §8.3',
          },
        ),
      );
    if (plan.mode === 'paste' && /^http:/i.test(plan.uri) && !isLoopbackRedirect(plan.uri))
      preflight.push(
        finding(
          'REDIRECT_URI_MISMATCH',
          `${plan.uri} is plain http on a non-loopback host: the code would cross the network unencrypted.`,
          {
            severity: 'warning',
            title: 'Redirect URI without TLS',
            fix: 'Use https, or a loopback redirect (http://127.0.0.1/callback).',
            source: 'RFC 9700 §2.1; RFC 6749 §3.1.2.1',
          },
        ),
      );

    // One waiting flow per profile: a new start replaces the old one (its listener closes).
    const previous = this.active.get(p.id);
    if (previous) await this.cancel(previous);

    let listener: LoopbackListener | undefined;
    let redirectUri: string;
    // The listener learns its flow once it is built; no request can come before the URL is out.
    const flowRef: { current?: Flow } = {};
    if (plan.mode === 'loopback') {
      listener = await startLoopback({
        host: plan.host,
        port: plan.port,
        path: plan.path,
        hostNames: plan.hostNames,
        onCallback: (url) => this.onLoopback(flowRef.current, url),
      });
      redirectUri = plan.uri(listener.port);
    } else {
      redirectUri = plan.uri;
    }

    const state = randomBytes(32).toString('base64url');
    const scope = p.scope.trim();
    const nonce = /(^|\s)openid(\s|$)/.test(scope)
      ? randomBytes(24).toString('base64url')
      : undefined;
    const generated: [string, string][] = [
      ['response_type', p.responseType ?? 'code'],
      ['client_id', p.clientId],
      ['redirect_uri', redirectUri],
      ...(scope ? ([['scope', scope]] as [string, string][]) : []),
      ['state', state],
      ...(nonce ? ([['nonce', nonce]] as [string, string][]) : []),
      ...(challenge
        ? ([
            ['code_challenge', challenge],
            ['code_challenge_method', pkce],
          ] as [string, string][])
        : []),
      ...(p.fhirBaseUrl ? ([['aud', p.fhirBaseUrl]] as [string, string][]) : []),
    ];
    // The profile's extra parameters win, except state and redirect_uri, which the checks rely on.
    const params: [string, string][] = [
      ...generated.filter(([n]) => n === 'state' || n === 'redirect_uri' || !userSets(n)),
      ...userParams.filter(([n]) => n !== 'state' && n !== 'redirect_uri'),
    ];
    const brokeAt =
      input.break && breaksAtAuthorize(input.break)
        ? breakAuthorize(input.break, params, discovery?.scopesSupported)
        : undefined;
    for (const [n, v] of params) authorizeUrl.searchParams.append(n, v);
    const url = authorizeUrl.toString();

    const now = this.deps.ports.clock.now();
    const timeoutSec = input.timeoutSec ?? DEFAULT_TIMEOUT_SEC;
    const issuer = discovery?.issuer ?? p.issuer;
    const flow: Flow = {
      state: brokeAt?.expectedState ?? state,
      ...(input.break && !brokeAt ? { exchangeBreak: input.break } : {}),
      ...(nonce ? { nonce } : {}),
      ...(verifier ? { codeVerifier: verifier } : {}),
      ...(issuer ? { issuer } : {}),
      issRequired: discovery?.issParameterSupported === true,
      smart,
      ...(p.fhirBaseUrl ? { fhirBase: p.fhirBaseUrl } : {}),
      ...(listener ? { listener } : {}),
      waiters: [],
      view: {
        id: randomUUID(),
        profileId: p.id,
        ...(input.break
          ? {
              broken: broken(
                input.break,
                brokeAt?.what ?? `at the code exchange: ${breakInfo(input.break).summary}`,
              ),
            }
          : {}),
        status: 'waiting',
        startedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + timeoutSec * 1000).toISOString(),
        url,
        params,
        redirectUri,
        mode: plan.mode,
        ...(listener ? { listener: { port: listener.port, open: listener.open } } : {}),
        pkce: { method: pkce, ...(challenge ? { challenge } : {}) },
        opened: false,
        autoExchange: input.autoExchange ?? true,
        checks: [],
        preflight: rankFindings(preflight),
        findings: [],
      },
    };
    flowRef.current = flow;
    this.flows.set(flow.view.id, flow);
    this.active.set(p.id, flow.view.id);
    if (this.deps.probe && (await this.probed(flow, p, await this.deps.probe(p, url)))) {
      this.emit(flow);
      return structuredClone(flow.view);
    }
    flow.timer = this.timer.after(timeoutSec * 1000, () => void this.timeOut(flow, timeoutSec));
    this.deps.front?.({ method: 'GET', url }, { step: 'Authorize (browser)', profileId: p.id });

    if (input.open !== false && this.deps.ports.browser) {
      try {
        await this.deps.ports.browser.open(url);
        flow.view.opened = true;
      } catch {
        flow.view.opened = false;
      }
    }
    this.emit(flow);
    return structuredClone(flow.view);
  }

  /**
   * Reads the probe's answer. True when the server already refused the request (an error page,
   * or an error redirect back to the app): the flow has failed with the diagnosis, and no browser
   * is opened. A sign-in page or a redirect to one is the normal answer: the flow goes on.
   */
  private async probed(flow: Flow, p: StoredProfile, a: ProbeAnswer): Promise<boolean> {
    if ('error' in a) {
      flow.view.preflight = rankFindings([
        ...flow.view.preflight,
        finding(
          'NETWORK_ERROR',
          `The engine could not reach the authorize URL itself (${a.error.message}); the browser may still reach it (another network, a proxy).`,
          { severity: 'warning', title: 'The authorization server did not answer the engine' },
        ),
      ]);
      return false;
    }
    const location = headerValue(a.headers, 'location');
    if (a.status >= 300 && a.status < 400 && location) {
      let back: URL | undefined;
      try {
        back = new URL(location, flow.view.url);
      } catch {
        return false;
      }
      const target = new URL(flow.view.redirectUri);
      const q = new URLSearchParams(back.search);
      for (const [k, v] of new URLSearchParams(back.hash.slice(1))) q.append(k, v);
      const toApp = back.origin === target.origin && back.pathname === target.pathname;
      if (!toApp || !q.has('error')) return false;
      this.accept(flow, q, 'probe');
      flow.view.checks.unshift({
        name: 'probe',
        ok: false,
        detail: `The authorization server redirected back with error=${q.get('error')} before any sign-in (the engine's own GET of the authorize URL).`,
      });
      await this.stop(flow);
      this.update(flow, 'failed');
      return true;
    }
    // A sign-in page is the normal answer; an error page served with 200 (Entra, Hydra) is not.
    if (a.status < 400 && !(a.status === 200 && looksLikeErrorPage(a.body))) return false;
    const read = readAnswer(a);
    const page = read.statement;
    const aud = flow.view.params.find(([n]) => n === 'aud')?.[1];
    const d = diagnose({
      endpoint: 'authorize',
      url: flow.view.url,
      response: a,
      read,
      findings: page.error
        ? authorizationErrorChecks(
            page.error,
            page.words.map((w) => w.text).join(' '),
            flow.view.pkce.method,
            {
              smart: flow.smart,
              ...(aud !== undefined ? { aud } : {}),
              ...(flow.fhirBase ? { fhirBase: flow.fhirBase } : {}),
            },
          )
        : [],
      ...(p.server ? { server: p.server } : {}),
      ...(flow.view.pkce.method !== 'off' ? { ruledOut: ['PKCE_REQUIRED' as const] } : {}),
    });
    flow.view.checks = [
      {
        name: 'probe',
        ok: false,
        detail: `The authorization server answered HTTP ${a.status} to the authorize request, before any sign-in: ${d.statement.said}.`,
      },
    ];
    flow.view.findings = d.findings;
    flow.view.status = 'failed';
    await this.stop(flow);
    this.update(flow, 'failed');
    return true;
  }

  private async timeOut(flow: Flow, timeoutSec: number) {
    if (flow.view.status !== 'waiting') return;
    flow.view.findings = [
      finding(
        'AUTHORIZATION_TIMEOUT',
        flow.view.mode === 'loopback'
          ? `No redirect reached ${flow.view.redirectUri} within ${timeoutSec} s; the listener is closed.`
          : `No redirect URL was pasted within ${timeoutSec} s.`,
      ),
    ];
    flow.view.status = 'timed-out';
    await this.stop(flow);
    this.update(flow, 'timed-out');
  }

  /** The loopback listener's one request: checks run synchronously, the page says the outcome. */
  private onLoopback(flow: Flow | undefined, url: URL): CallbackPage {
    if (!flow || flow.view.status !== 'waiting')
      return {
        ok: false,
        title: 'This sign-in is no longer expected',
        detail: 'Return to OAuth Flow Debugger and start the authorization again.',
      };
    const passed = this.accept(flow, url.searchParams, 'loopback');
    void this.continueAfter(flow, passed);
    return this.page(flow, passed);
  }

  private page(flow: Flow, passed: boolean): CallbackPage {
    if (passed)
      return {
        ok: true,
        title: 'Signed in',
        detail: 'You can close this tab and return to OAuth Flow Debugger.',
      };
    const first = flow.view.findings[0];
    return {
      ok: false,
      title: `Sign-in failed: ${first?.title ?? 'the redirect did not pass the checks'}`,
      detail:
        `${first?.fix ?? ''} Return to OAuth Flow Debugger for the details; nothing was redeemed.`.trim(),
    };
  }

  /**
   * Runs the checks on an authorization response (state, iss, error, code) and records it.
   * Returns true when the code may be redeemed; the code is then held as the pending code.
   */
  private accept(flow: Flow, q: URLSearchParams, via: Via): boolean {
    if (flow.timer) this.timer.cancel(flow.timer);
    flow.timer = undefined;
    const get = (n: string) => q.get(n) ?? undefined;
    const code = get('code');
    this.deps.front?.(
      { method: 'GET', url: `${flow.view.redirectUri}?${q.toString()}` },
      {
        step: `Callback (${via})`,
        profileId: flow.view.profileId,
        ...(code && code.length >= 4 ? { secrets: new Map([[code, '{{code}}']]) } : {}),
      },
    );
    flow.view.callback = {
      receivedAt: new Date(this.deps.ports.clock.now()).toISOString(),
      via,
      params: [...q].map(([n, v]): [string, string] => [n, n === 'code' ? maskSecret(v) : v]),
    };
    const checks: AuthorizationCheck[] = [];
    const findings: Finding[] = [];
    let redirectError: Finding[] = [];
    const short = (s: string) => (s.length > 12 ? `${s.slice(0, 8)}…` : s);

    const state = get('state');
    if (state === flow.state)
      checks.push({
        name: 'state',
        ok: true,
        detail: 'state matches the one sent with this flow.',
      });
    else {
      const detail =
        state === undefined
          ? 'The redirect carries no state.'
          : `The redirect carries state "${short(state)}", not the "${short(flow.state)}" sent with this flow.`;
      checks.push({ name: 'state', ok: false, detail });
      findings.push(
        finding('STATE_MISMATCH', detail, {
          fix: 'Start the authorization again from this app and finish it in the same browser tab; do not reuse an old sign-in tab or run two sign-ins at once.',
          source: 'RFC 6749 §10.12; RFC 9700 §2.1; SMART app-launch (state)',
        }),
      );
    }

    const iss = get('iss');
    if (iss !== undefined) {
      if (!flow.issuer)
        checks.push({
          name: 'iss',
          ok: true,
          detail: `iss "${iss}" (no expected issuer known to compare with).`,
        });
      else if (iss === flow.issuer)
        checks.push({ name: 'iss', ok: true, detail: `iss is the expected issuer ${iss}.` });
      else {
        const detail = `iss "${iss}" is not the expected issuer "${flow.issuer}".`;
        checks.push({ name: 'iss', ok: false, detail });
        findings.push(
          finding('ISSUER_MISMATCH', detail, {
            fix: 'Another authorization server answered (mix-up) or the profile points at the wrong issuer: compare the issuer from discovery with iss on the redirect, byte for byte.',
            source: 'RFC 9207 §2.4',
          }),
        );
      }
    } else if (flow.issRequired) {
      const detail =
        'The server advertises authorization_response_iss_parameter_supported, but the redirect has no iss.';
      checks.push({ name: 'iss', ok: false, detail });
      findings.push(
        finding('ISSUER_MISMATCH', detail, {
          fix: 'The response may not come from this server (mix-up): start again, and check that only one authorization server uses this redirect URI.',
          source: 'RFC 9207 §2.4',
        }),
      );
    } else
      checks.push({
        name: 'iss',
        ok: true,
        detail: 'No iss sent; the server does not advertise RFC 9207 support.',
      });

    const error = get('error');
    if (error !== undefined) {
      const description = get('error_description') ?? '';
      checks.push({
        name: 'error',
        ok: false,
        detail: `error=${error}${description ? `: ${description}` : ''}`,
      });
      const aud = flow.view.params.find(([n]) => n === 'aud')?.[1];
      const errorUri = get('error_uri');
      const p = this.deps.profile(flow.view.profileId);
      // The redirect's error through the one diagnosis, with the checks only this flow can make.
      redirectError = diagnose({
        endpoint: 'authorize',
        url: flow.view.url,
        redirect: [...q],
        ...(p.server ? { server: p.server } : {}),
        ...(flow.view.pkce.method !== 'off' ? { ruledOut: ['PKCE_REQUIRED' as const] } : {}),
        findings: authorizationErrorChecks(error, description, flow.view.pkce.method, {
          smart: flow.smart,
          ...(aud !== undefined ? { aud } : {}),
          ...(flow.fhirBase ? { fhirBase: flow.fhirBase } : {}),
          ...(errorUri ? { errorUri } : {}),
        }),
      }).findings;
    }
    if (code)
      checks.push({ name: 'code', ok: true, detail: `Code received (${maskSecret(code)}).` });
    else if (error === undefined) {
      const detail = 'The redirect carries neither a code nor an error.';
      checks.push({ name: 'code', ok: false, detail });
      findings.push(
        finding('AUTHORIZATION_DENIED', detail, {
          title: 'No authorization code in the redirect',
          fix: 'Check response_type (it must be "code") and that the whole redirect URL was used.',
        }),
      );
    }
    flow.view.checks = checks;
    // The state and iss checks lead: a redirect that fails them is not this flow's answer.
    flow.view.findings = [...rankFindings(findings), ...redirectError];
    const passed = checks.every((c) => c.ok) && !!code;
    if (passed) {
      const pending: PendingCode = {
        flowId: flow.view.id,
        code: code!,
        redirectUri: flow.view.redirectUri,
        ...(flow.codeVerifier ? { codeVerifier: flow.codeVerifier } : {}),
        pkce: flow.view.pkce.method,
        ...(flow.nonce ? { nonce: flow.nonce } : {}),
        state: flow.state,
        ...(flow.issuer ? { issuer: flow.issuer } : {}),
        redeemed: false,
      };
      this.deps.pendingCodes.set(flow.view.profileId, pending);
      if (flow.exchangeBreak) markPending(pending, flow.exchangeBreak);
      flow.view.status = 'received';
    } else flow.view.status = 'failed';
    return passed;
  }

  /** After the checks: close the listener, then exchange the code (when asked to). */
  private async continueAfter(flow: Flow, passed: boolean) {
    const closed = this.stop(flow);
    if (!passed) {
      await closed;
      this.update(flow, 'failed');
      return;
    }
    if (!flow.view.autoExchange) {
      await closed;
      this.update(flow, 'received');
      return;
    }
    this.update(flow, 'received');
    this.update(flow, 'exchanging');
    // The exchange starts at once; the listener closes alongside it.
    let r: Result<TokenResult>;
    try {
      r = await this.deps.exchange(flow.view.profileId);
    } catch (e) {
      r = {
        ok: false,
        error: { code: 'INTERNAL', message: `Unexpected error: ${(e as Error).message}` },
      };
    }
    await closed;
    if (r.ok) {
      flow.view.token = r.value;
      this.update(flow, r.value.ok ? 'done' : 'failed');
    } else {
      flow.view.findings = rankFindings([...flow.view.findings, exchangeFailure(r.error)]);
      this.update(flow, 'failed');
    }
  }

  /** The paste fallback (and custom-scheme redirects): the URL the browser ended on. */
  async complete(
    input: { flowId: string; redirectUrl: string },
    via: Via = 'paste',
  ): Promise<AuthorizationFlowView> {
    const flow = this.mustFlow(input.flowId);
    if (flow.view.status !== 'waiting')
      throw new AppFailure(
        'INVALID_INPUT',
        `This authorization is already ${flow.view.status}; a redirect can be used once.`,
        'Start the authorization again.',
      );
    const q = parseRedirect(input.redirectUrl);
    const passed = this.accept(flow, q, via);
    await this.continueAfter(flow, passed);
    return structuredClone(flow.view);
  }

  /**
   * A custom-scheme redirect (oauth-flow-debugger://callback?...) delivered by the OS: goes to the
   * waiting flow with the same state, or, when none matches, to the only waiting flow (which then
   * fails with STATE_MISMATCH).
   */
  async completeFromRedirect(redirectUrl: string, via: Via = 'custom-scheme') {
    const state = parseRedirect(redirectUrl).get('state');
    const waiting = [...this.flows.values()].filter((f) => f.view.status === 'waiting');
    const flow =
      waiting.find((f) => f.state === state) ?? (waiting.length === 1 ? waiting[0] : undefined);
    if (!flow)
      throw new AppFailure(
        'NOT_FOUND',
        'No waiting authorization matches this redirect.',
        'Start the authorization in the app first, then sign in.',
      );
    return this.complete({ flowId: flow.view.id, redirectUrl }, via);
  }

  async cancel(flowId: string): Promise<AuthorizationFlowView> {
    const flow = this.mustFlow(flowId);
    if (flow.view.status === 'waiting') {
      flow.view.status = 'cancelled';
      await this.stop(flow);
      this.update(flow, 'cancelled');
    }
    return structuredClone(flow.view);
  }

  /** Cancels every waiting flow: their loopback listeners close and their timers stop. */
  async stopAll(): Promise<void> {
    for (const flow of this.flows.values())
      if (flow.view.status === 'waiting') await this.cancel(flow.view.id);
  }

  /** The flow as it stands, its listener's state read now (it may close between updates). */
  private snapshot(flow: Flow): AuthorizationFlowView {
    const view = structuredClone(flow.view);
    if (flow.listener) view.listener = { port: flow.listener.port, open: flow.listener.open };
    return view;
  }

  get(flowId: string): AuthorizationFlowView {
    return this.snapshot(this.mustFlow(flowId));
  }

  /** Resolves when the flow ends (done, failed, cancelled, timed out, or received without exchange). */
  wait(flowId: string): Promise<AuthorizationFlowView> {
    const flow = this.mustFlow(flowId);
    if (this.isSettled(flow)) return Promise.resolve(this.snapshot(flow));
    return new Promise((resolve) => flow.waiters.push(resolve));
  }

  /** Closes every listener (host shutdown). */
  async closeAll() {
    for (const f of this.flows.values())
      if (f.view.status === 'waiting') await this.cancel(f.view.id);
  }
}

/** Parses a pasted redirect URL into its query, with errors that say how to fix the paste. */
export function parseRedirect(raw: string): URLSearchParams {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new AppFailure(
      'INVALID_INPUT',
      'The pasted text is not a URL.',
      'Copy the whole address from the browser’s address bar after signing in, e.g. https://app.example.com/callback?code=…&state=….',
    );
  }
  const has = (p: URLSearchParams) => p.has('code') || p.has('error') || p.has('state');
  if (!has(u.searchParams)) {
    if (has(new URLSearchParams(u.hash.replace(/^#/, ''))))
      throw new AppFailure(
        'INVALID_INPUT',
        'The response is in the #fragment (an implicit or hybrid response); fragment responses are not supported.',
        'Use response_type=code (the default) so the server returns the code in the query string.',
      );
    throw new AppFailure(
      'INVALID_INPUT',
      'The URL carries no authorization response (no code, error or state in the query).',
      'Paste the URL the browser ended on after signing in (the redirect URI with ?code=…&state=…), not the authorize URL.',
    );
  }
  return u.searchParams;
}
