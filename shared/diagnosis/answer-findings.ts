/** What an answer says besides its words: the status, the clock, the vendor rules' context. */
import { finding } from './catalog.js';
import type { Finding } from './codes.js';
import type { Endpoint } from './dialects/types.js';
import type { DiagnosisInput } from './input.js';
import { SCORE } from './score.js';
import type { ServerStatement } from './statement.js';
import { CLOCK_SKEW_WARN_SEC, attemptContext } from './token-response.js';
import { answerContext, type DiagnosisContext } from './vendor-rules.js';
import { snippet, type ParsedBody } from '../tolerant-json.js';
import { headerValue } from '../headers.js';

export const ENDPOINT_WORDS: Record<Endpoint, string> = {
  token: 'the token endpoint',
  authorize: 'the authorization server',
  introspection: 'the introspection endpoint',
  revocation: 'the revocation endpoint',
  registration: 'the registration endpoint',
  userinfo: 'the userinfo endpoint',
  resource: 'the resource server',
  end_session: 'the logout endpoint',
  discovery: 'the discovery endpoint',
};

export const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** The vendor rules' context, for the token endpoint or any other answer. */
export function vendorContext(
  x: DiagnosisInput,
  st: ServerStatement,
  parsed: ParsedBody | undefined,
  ok: boolean,
): DiagnosisContext | undefined {
  const v = x.vendor;
  if (!v || !x.response) return undefined;
  if (x.endpoint === 'token')
    return attemptContext(
      {
        url: x.url,
        headers: x.headers ?? [],
        params: x.params ?? [],
        preflight: (x.findings ?? []).filter((f) => f.basis === 'check'),
        status: x.response.status,
        responseHeaders: x.response.headers,
        body: x.response.body,
        vendor: v,
      },
      parsed,
    );
  if (x.endpoint !== 'resource' && x.endpoint !== 'registration') return undefined;
  const base = answerContext({
    ...(v.profile.vendor ? { vendor: v.profile.vendor } : {}),
    ...(v.profile.clientId ? { clientId: v.profile.clientId } : {}),
    url: x.url,
    status: x.response.status,
    headers: x.response.headers,
    body: x.response.body,
    ...(st.json ? { json: st.json } : {}),
  });
  return {
    ...base,
    target: x.endpoint,
    ...(x.registration ? { registration: x.registration } : {}),
    ...(x.resource?.grantedScope ? { grantedScope: x.resource.grantedScope } : {}),
    ...(x.resource?.revokedAt ? { revokedAt: x.resource.revokedAt } : {}),
    ...(ok ? { succeeded: true } : {}),
  };
}

export function clockFinding(x: DiagnosisInput, ok: boolean): Finding | undefined {
  const date = headerValue(x.response?.headers, 'date');
  if (!date || x.localNow === undefined || x.endpoint !== 'token') return undefined;
  const serverSec = Date.parse(date) / 1000;
  const allowed = x.skewSec ?? CLOCK_SKEW_WARN_SEC;
  if (!Number.isFinite(serverSec) || Math.abs(serverSec - x.localNow) <= allowed) return undefined;
  const d = Math.round(x.localNow - serverSec);
  const whose =
    x.clock === 'customer' ? "The customer's clock (the assertion's iat)" : 'Local clock';
  return finding(
    'CLOCK_SKEW',
    `${whose} is ${Math.abs(d)} s ${d > 0 ? 'ahead of' : 'behind'} the server (Date: ${date}).`,
    {
      severity: ok ? 'warning' : 'error',
      ...(x.clock === 'customer'
        ? {
            title: "The customer's clock differs from the server's",
            fix: "Synchronise the customer's clock (NTP); servers allow only a small leeway on exp/iat/nbf.",
          }
        : {}),
    },
  );
}

/** What the status alone says: a redirect, a missing endpoint, a server failure, a rate limit. */
export function statusFindings(
  x: DiagnosisInput,
  st: ServerStatement,
  add: (f: Finding, s: number) => void,
) {
  const s = st.status;
  if (s === undefined) return;
  const where = ENDPOINT_WORDS[x.endpoint];
  if (s >= 300 && s < 400 && x.endpoint !== 'authorize') {
    const location = headerValue(x.response?.headers, 'location');
    add(
      finding(
        x.endpoint === 'token' ? 'WRONG_TOKEN_ENDPOINT' : 'ENDPOINT_NOT_FOUND',
        `HTTP ${s} redirect to ${location ?? '(no Location)'}; redirects are not followed, so credentials never go to a second host.`,
        {
          basis: 'server',
          severity: 'error',
          title: `${cap(where)} redirected`,
          fix: 'Use the final URL as the endpoint (and, for the token endpoint, as the assertion aud) if you trust it; check http vs https and the host name.',
        },
      ),
      SCORE.status,
    );
  } else if (s === 404 || s === 405 || s === 410)
    add(
      finding(
        'ENDPOINT_NOT_FOUND',
        `HTTP ${s} from ${x.url}${snippet(x.response?.body ?? '') ? `: "${snippet(x.response?.body ?? '', 100)}"` : ''}.`,
        { basis: 'server' },
      ),
      SCORE.status,
    );
  else if (s === 429)
    add(
      finding(
        'RATE_LIMITED',
        `HTTP 429 from ${where}${headerValue(x.response?.headers, 'retry-after') ? ` (Retry-After: ${headerValue(x.response?.headers, 'retry-after')})` : ''}.`,
        { basis: 'server' },
      ),
      SCORE.status,
    );
  else if (
    s >= 500 &&
    !(st.error && st.error !== 'server_error' && st.error !== 'temporarily_unavailable')
  )
    add(
      finding('SERVER_ERROR', `HTTP ${s} from ${where}: ${st.said}.`, { basis: 'server' }),
      SCORE.status,
    );
}
