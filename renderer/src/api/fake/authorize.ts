// Authorize area: the authorization request, the redirect checks and the browser played by tests.
import { finding } from '../../../../shared/diagnosis/catalog.js';
import type { Finding } from '../../../../shared/diagnosis/codes.js';
import type { AuthorizationCheck, AuthorizationFlowView } from '../../../../shared/types.js';
import type { FakeContext } from './context.js';
import { FAKE_AUTHORIZE_URL, FAKE_FHIR_BASE } from './fixtures.js';
import { fail, iso, maskToken, notFound, ok } from './helpers.js';
import { redeemCode } from './token-issuer.js';
import type { FakeApi, FakeFlow, FakeHandlers } from './types.js';

const isLoopback = (uri: string) => {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
};

function pushFlow({ emit }: FakeContext, flow: FakeFlow) {
  emit('authorization', flow.view);
}

function closeListener(flow: FakeFlow) {
  if (flow.view.listener) flow.view.listener = { ...flow.view.listener, open: false };
}

function latestWaiting({ state }: FakeContext, flowId?: string): FakeFlow {
  const flow = flowId
    ? state.flows.get(flowId)
    : [...state.flows.values()].reverse().find((f) => f.view.status === 'waiting');
  if (!flow) throw new Error('No waiting authorization in the fake.');
  return flow;
}

/** The checks of the engine on a redirect: state, iss (RFC 9207), error, code. */
function receive(
  ctx: FakeContext,
  flow: FakeFlow,
  query: URLSearchParams,
  via: 'loopback' | 'paste',
) {
  const { state, profileById, issuerOf } = ctx;
  const p = profileById(flow.view.profileId)!;
  const checks: AuthorizationCheck[] = [];
  const findings: Finding[] = [];
  const state_ = query.get('state');
  if (state_ === flow.state) {
    checks.push({ name: 'state', ok: true, detail: 'state matches the one sent (256 bits).' });
  } else {
    const detail = state_
      ? 'state on the redirect differs from the one sent with this authorization.'
      : 'The redirect has no state parameter.';
    checks.push({ name: 'state', ok: false, detail });
    findings.push(finding('STATE_MISMATCH', detail));
  }
  const iss = query.get('iss');
  if (iss) {
    const good = iss === issuerOf(p);
    checks.push({
      name: 'iss',
      ok: good,
      detail: good ? `iss is the expected issuer ${iss}.` : `iss ${iss} is not ${issuerOf(p)}.`,
    });
    if (!good) findings.push(finding('ISSUER_MISMATCH', `iss=${iss} on the redirect.`));
  }
  const error = query.get('error');
  if (error) {
    const desc = query.get('error_description');
    const detail = `The server answered error=${error}${desc ? ` (${desc})` : ''}.`;
    checks.push({ name: 'error', ok: false, detail });
    findings.push(finding('AUTHORIZATION_DENIED', detail));
  } else {
    checks.push({ name: 'error', ok: true, detail: 'No error parameter on the redirect.' });
  }
  const code = query.get('code');
  if (code) checks.push({ name: 'code', ok: true, detail: `Code received (${maskToken(code)}).` });
  else if (!error) {
    checks.push({ name: 'code', ok: false, detail: 'The redirect carries no code.' });
    findings.push(finding('CODE_INVALID', 'No code parameter on the redirect.'));
  }
  closeListener(flow);
  flow.view.callback = {
    receivedAt: iso(Date.now()),
    via,
    params: [...query.entries()].map(([n, v]) => [n, n === 'code' ? maskToken(v) : v]),
  };
  flow.view.checks = checks;
  flow.view.findings = findings;
  if (findings.some((f) => f.severity === 'error') || !code) {
    flow.view.status = 'failed';
    pushFlow(ctx, flow);
    return;
  }
  state.code = { value: code, profileId: p.id, used: false };
  flow.view.status = 'received';
  pushFlow(ctx, flow);
  if (!flow.view.autoExchange) return;
  flow.view.status = 'exchanging';
  pushFlow(ctx, flow);
  const r = redeemCode(ctx, p);
  if (r.ok) {
    flow.view.token = r.value;
    flow.view.findings = r.value.findings;
    flow.view.status = r.value.ok ? 'done' : 'failed';
  } else {
    flow.view.status = 'failed';
  }
  pushFlow(ctx, flow);
}

/** Handlers of the authorize step: start, complete (pasted redirect), cancel and read a flow. */
export function authorizeHandlers(
  ctx: FakeContext,
): Pick<
  FakeHandlers,
  'startAuthorization' | 'completeAuthorization' | 'cancelAuthorization' | 'getAuthorization'
> {
  const { state, options, profileById } = ctx;
  return {
    startAuthorization: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      if (!p.clientId) {
        return fail(
          'INVALID_INPUT',
          'The profile has no client ID, so the server cannot know which app is asking.',
          'Register the client (Registration step) or type the client ID in the Profile step.',
        );
      }
      const loopback = !p.redirectUri || isLoopback(p.redirectUri);
      const mode = input.mode ?? (loopback ? 'loopback' : 'paste');
      const port = 49152 + (state.seq % 1000);
      const redirectUri =
        mode === 'loopback'
          ? p.redirectUri && new URL(p.redirectUri).port
            ? p.redirectUri
            : `http://127.0.0.1:${port}/callback`
          : (p.redirectUri ?? 'oauth-flow-debugger://callback');
      const flowState = `st-${++state.seq}-Zk3qV9xR2mWb7nT4pL8sD1fG6hJ0cY5u`;
      const pkce = p.pkce ?? 'S256';
      const challenge = pkce === 'off' ? undefined : 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
      const openid = p.scope.split(' ').includes('openid');
      const params: [string, string][] = [
        ['response_type', p.responseType ?? 'code'],
        ['client_id', p.clientId],
        ['redirect_uri', redirectUri],
        ['scope', p.scope],
        ['state', flowState],
        ...(openid ? ([['nonce', 'n-0S6_WzA2Mj']] as [string, string][]) : []),
        ...(challenge
          ? ([
              ['code_challenge', challenge],
              ['code_challenge_method', pkce],
            ] as [string, string][])
          : []),
        ['aud', p.fhirBaseUrl ?? FAKE_FHIR_BASE],
        ...(p.authorizeParams ?? []),
      ];
      const base = p.authorizationEndpoint ?? FAKE_AUTHORIZE_URL;
      const url = `${base}?${new URLSearchParams(params).toString()}`;
      const now = Date.now();
      const preflight: Finding[] = [];
      if (pkce === 'plain') {
        preflight.push(
          finding('PKCE_MISMATCH', 'code_challenge_method=plain was chosen in the profile.', {
            severity: 'warning',
            title: 'PKCE plain is not allowed by SMART',
            fix: 'Use S256 unless you are testing how the server treats plain.',
          }),
        );
      }
      const view: AuthorizationFlowView = {
        id: `flow-${++state.seq}`,
        profileId: p.id,
        status: 'waiting',
        startedAt: iso(now),
        expiresAt: iso(now + (input.timeoutSec ?? 300) * 1000),
        url,
        params,
        redirectUri,
        mode,
        ...(mode === 'loopback'
          ? { listener: { port: Number(new URL(redirectUri).port), open: true } }
          : {}),
        pkce: { method: pkce, ...(challenge ? { challenge } : {}) },
        opened: input.open === false ? false : (options.opensBrowser ?? false),
        autoExchange: input.autoExchange ?? true,
        checks: [],
        preflight,
        findings: [],
      };
      const flow: FakeFlow = { view, state: flowState };
      state.flows.set(view.id, flow);
      pushFlow(ctx, flow);
      return ok(view);
    },
    completeAuthorization: (input) => {
      const flow = state.flows.get(input.flowId);
      if (!flow) return notFound(`Authorization ${input.flowId}`);
      let url: URL;
      try {
        url = new URL(input.redirectUrl.trim());
      } catch {
        return fail(
          'INVALID_INPUT',
          'That is not a URL.',
          'Copy the whole address from the browser’s address bar after the server redirected you (it contains code= and state=).',
        );
      }
      if (flow.view.status !== 'waiting') {
        return fail(
          'INVALID_INPUT',
          `This authorization is already ${flow.view.status}; a redirect can be used once.`,
          'Start a new authorization.',
        );
      }
      const query = new URLSearchParams(url.search || url.hash.replace(/^#/, ''));
      receive(ctx, flow, query, 'paste');
      return ok(flow.view);
    },
    cancelAuthorization: (input) => {
      const flow = state.flows.get(input.flowId);
      if (!flow) return notFound(`Authorization ${input.flowId}`);
      if (flow.view.status === 'waiting') {
        flow.view.status = 'cancelled';
        closeListener(flow);
        pushFlow(ctx, flow);
      }
      return ok(flow.view);
    },
    getAuthorization: (input) => {
      const flow = state.flows.get(input.flowId);
      return flow ? ok(flow.view) : notFound(`Authorization ${input.flowId}`);
    },
  };
}

/** Test controls playing the browser: the redirect comes back, or the listener times out. */
export function authorizationControls(
  ctx: FakeContext,
): Pick<FakeApi, 'simulateCallback' | 'timeOutAuthorization'> {
  const { state, profileById, issuerOf } = ctx;
  return {
    simulateCallback: (input = {}) => {
      const flow = latestWaiting(ctx, input.flowId);
      const query = new URLSearchParams();
      if (input.error) {
        query.set('error', input.error);
        if (input.errorDescription) query.set('error_description', input.errorDescription);
      } else {
        query.set('code', `code-${++state.seq}-SplxlOBeZQQYbYS6WxSbIA`);
      }
      query.set('state', input.wrongState ? 'forged-state' : flow.state);
      query.set('iss', issuerOf(profileById(flow.view.profileId)!));
      receive(ctx, flow, query, 'loopback');
      return structuredClone(flow.view);
    },
    timeOutAuthorization: (flowId) => {
      const flow = latestWaiting(ctx, flowId);
      flow.view.status = 'timed-out';
      closeListener(flow);
      flow.view.findings = [
        finding(
          'AUTHORIZATION_TIMEOUT',
          `No redirect reached ${flow.view.redirectUri} in time; the listener is closed.`,
        ),
      ];
      pushFlow(ctx, flow);
      return structuredClone(flow.view);
    },
  };
}
