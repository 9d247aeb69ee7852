/**
 * The Inspector's diagnosis: from the evidence a customer sent (shared/evidence.ts), the lint of
 * the assertion and the request, and the diagnosis of the answer with the chosen vendor preset's
 * rules. Pure: the host verifies signatures (jose) and fetches JWKS, and passes the results in.
 * Everything it returns is masked: secrets become {{placeholders}}.
 */
import { base64url } from 'jose';
import {
  CLIENT_ASSERTION_TYPE,
  lintAssertion,
  lintTokenRequest,
} from './diagnosis/assertion-lint.js';
import type { CauseCode, Finding } from './diagnosis/codes.js';
import {
  grantedScopeFindings,
  scopeDiff,
  vendorPreflight,
  type TokenAttempt,
} from './diagnosis/token-response.js';
import type { Dialect, Endpoint } from './diagnosis/dialects/types.js';
import { endpointOf, requestParams, type Evidence, type FlowContext } from './evidence.js';
import { basisWords, diagnose, finding, rankFindings } from './diagnosis/index.js';
import { readAnswer } from './diagnosis/statement.js';
import { authorizationErrorChecks } from './diagnosis/authorize-checks.js';
import { decodeForDisplay, explainClaims } from './jwt-view.js';
import { getPreset, type VendorPreset } from './presets.js';
import type { AppError } from './result.js';
import {
  collectResponseSecrets,
  findMarkers,
  redactHeaders,
  redactText,
  type SecretMap,
} from './redact.js';
import { parseBodyTolerantly } from './tolerant-json.js';
import type {
  DecodedJwt,
  HeaderList,
  InspectedExchange,
  InspectedJwt,
  InspectedJwtRole,
  InspectEvidenceInput,
  InspectReport,
  Verification,
} from './types.js';
import { answerContext, matchesShape } from './diagnosis/vendor-rules.js';
import { headerValue } from './headers.js';

export interface InspectDeps {
  /** The host's verification of each JWT (keyed by the JWT), when a JWKS was available. */
  verifications: ReadonlyMap<string, Verification>;
  /** kids of the JWKS the signatures were checked against. */
  jwksKids?: string[];
  /** Findings from loading the JWKS (JWKS_UNREACHABLE). */
  jwksFindings?: Finding[];
  /** The current time, seconds: used only when the evidence carries no time of its own. */
  nowSec: number;
  /** The clock difference accepted on exp, iat and nbf, seconds (Settings; default 60). */
  skewSec?: number;
  /** The server dialects to read the answer with (default: all; the corpus test measures none). */
  dialects?: readonly Dialect[];
}

const SECRET_PARAMS = [
  'client_assertion',
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'password',
  'assertion',
  'subject_token',
  'token',
];

const URL_SECRETS = new Set([...SECRET_PARAMS, 'access_token', 'id_token']);

/** A URL with the secrets in its query or fragment (code, tokens…) replaced by placeholders. */
export function maskUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const maskParams = (p: URLSearchParams) => {
    let changed = false;
    for (const [n] of [...p])
      if (URL_SECRETS.has(n)) {
        p.set(n, `{{${n}}}`);
        changed = true;
      }
    return changed;
  };
  const q = new URLSearchParams(u.search);
  const f = new URLSearchParams(u.hash.slice(1));
  const qc = maskParams(q);
  const fc = u.hash.includes('=') && maskParams(f);
  if (!qc && !fc) return url;
  // Placeholders stay readable: braces are not percent-encoded back.
  const enc = (p: URLSearchParams) =>
    p
      .toString()
      .replace(/%7B%7B/g, '{{')
      .replace(/%7D%7D/g, '}}');
  return `${u.origin}${u.pathname}${qc ? `?${enc(q)}` : u.search}${fc ? `#${enc(f)}` : u.hash}`;
}

/** The role a JWT's own claims suggest, when its place in the evidence does not say. */
export function inferJwtRole(d: DecodedJwt): InspectedJwtRole {
  const c = d.claims;
  if (String(d.header.typ ?? '').toLowerCase() === 'at+jwt') return 'access_token';
  if (c.nonce !== undefined || c.at_hash !== undefined) return 'id_token';
  if (
    typeof c.iss === 'string' &&
    c.iss === c.sub &&
    c.jti !== undefined &&
    c.aud !== undefined &&
    c.scope === undefined
  )
    return 'client_assertion';
  if (c.scope !== undefined || c.scp !== undefined || c.client_id !== undefined)
    return 'access_token';
  return 'jwt';
}

const ROLE_WORDS: Record<InspectedJwtRole, string> = {
  client_assertion: 'client assertion',
  access_token: 'access token',
  id_token: 'id token',
  jwt: 'JWT',
};

function authMethodOf(
  params: [string, string][],
  headers: HeaderList,
  assertion: DecodedJwt | undefined,
): string {
  const get = (n: string) => params.find(([k]) => k === n)?.[1];
  const auth = headerValue(headers, 'authorization') ?? '';
  if (get('client_assertion') || /^bearer\s+eyJ/i.test(auth))
    return String(assertion?.header.alg ?? '').startsWith('HS')
      ? 'client_secret_jwt'
      : 'private_key_jwt';
  if (/^basic\s/i.test(auth)) return 'client_secret_basic';
  if (get('client_secret')) return 'client_secret_post';
  return 'none';
}

function basicUser(headers: HeaderList): string | undefined {
  const m = /^basic\s+(\S+)/i.exec(headerValue(headers, 'authorization') ?? '');
  if (!m) return undefined;
  try {
    const s = atob(m[1]!);
    const i = s.indexOf(':');
    return decodeURIComponent(i >= 0 ? s.slice(0, i) : s);
  } catch {
    return undefined;
  }
}

/** The status an error body implies when only the body was pasted (RFC 6749 §5.2, RFC 6750 §3.1). */
function impliedStatus(body: string): number {
  const json = parseBodyTolerantly(body).json;
  if (typeof json?.access_token === 'string' || typeof json?.active === 'boolean') return 200;
  if (json?.error === 'invalid_client' || json?.error === 'invalid_token') return 401;
  if (json?.error === 'insufficient_scope') return 403;
  if (json?.resourceType === 'OperationOutcome') return 403;
  const words = [json?.detail, json?.message].filter((v) => typeof v === 'string').join(' ');
  if (!json?.error && /authenticat|credential|token/i.test(words)) return 401;
  return 400;
}

/** The status of the preset's documented error shape that this body matches, if one does. */
function statusFromShapes(
  preset: VendorPreset,
  body: string,
): { status: number; id: string } | undefined {
  for (const shape of preset.errorShapes) {
    // Shapes that need a header cannot be told from a body alone.
    if (shape.status === undefined || shape.wwwAuthenticate) continue;
    const ctx = answerContext({ url: '', status: shape.status, headers: [], body });
    if (
      (shape.error ||
        shape.errorUriUrn ||
        shape.description !== undefined ||
        shape.descriptionIncludes ||
        shape.bodyIncludes) &&
      matchesShape(ctx, shape)
    )
      return { status: shape.status, id: shape.id };
  }
  return undefined;
}

const dateSec = (v: string | undefined) => {
  const t = v ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
};

/** What an answer given without its request (or with a request of no known kind) answers. */
function answerEndpoint(
  request: { method: string } | undefined,
  response: { headers: HeaderList; body: string } | undefined,
  hasQuery: boolean,
): Endpoint {
  if (!response) return 'token';
  const parsed = parseBodyTolerantly(response.body);
  const json = parsed.json;
  const www = headerValue(response.headers, 'www-authenticate') ?? '';
  if (json && typeof json.active === 'boolean') return 'introspection';
  if (json?.resourceType === 'OperationOutcome') return 'resource';
  if (
    /^bearer\b/i.test(www) ||
    json?.error === 'invalid_token' ||
    json?.error === 'insufficient_scope'
  )
    return 'resource';
  if (!request && parsed.kind === 'html') return 'authorize';
  if (request?.method === 'GET' && hasQuery) return 'authorize';
  return 'token';
}

const queryParams = (url: string | undefined): [string, string][] => {
  try {
    return url ? [...new URL(url).searchParams] : [];
  } catch {
    return [];
  }
};

function isTokenRequest(params: [string, string][]): boolean {
  return params.some(([n]) => n === 'grant_type');
}

/** The error for evidence of which nothing could be read, with what to paste instead. */
export function unreadableEvidence(evidence: Evidence): AppError | undefined {
  if (evidence.jwts.length || evidence.request || evidence.response || evidence.front)
    return undefined;
  return {
    code: 'INVALID_INPUT',
    message: `Nothing in the evidence is OAuth evidence the Inspector can diagnose: ${evidence.items.map((i) => `${i.name}: ${i.summary}`).join('; ')}`,
    fix: "Paste what the customer sent: a JWT, a token request body, the server's error body or error page, the redirect URL with error=, a raw HTTP request or response, a curl command, or a HAR file.",
  };
}

/** Builds the Inspector's report. `evidence` is unmasked; the report is not. */
export async function inspectEvidence(
  evidence: Evidence,
  input: Pick<InspectEvidenceInput, 'preset' | 'tokenUrl' | 'clientId' | 'status' | 'server'>,
  deps: InspectDeps,
): Promise<InspectReport> {
  const preset: VendorPreset | undefined = getPreset(input.preset);
  const secrets: SecretMap = new Map();

  // JWTs: decoded, with a role from their place or their claims.
  const undecodable: string[] = [];
  const decoded = evidence.jwts.flatMap((j) => {
    try {
      const d = decodeForDisplay(j.jwt);
      return [{ j, d, role: j.role ?? inferJwtRole(d) }];
    } catch (e) {
      undecodable.push(`The JWT in ${j.from} could not be decoded: ${(e as Error).message}`);
      return [];
    }
  });
  const assertionJwt = decoded.find((x) => x.role === 'client_assertion');
  const assertion = assertionJwt?.d;
  for (const x of decoded) secrets.set(x.j.jwt, `{{${x.role}}}`);

  // The request: as given, or assumed from a lone assertion.
  let request = evidence.request;
  let assumed = false;
  if (!request && assertionJwt) {
    assumed = true;
    request = {
      method: 'POST',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: new URLSearchParams([
        ['grant_type', 'client_credentials'],
        ['client_assertion_type', CLIENT_ASSERTION_TYPE],
        ['client_assertion', assertionJwt.j.jwt],
      ]).toString(),
    };
  }
  const params = requestParams(request);
  const headers = request?.headers ?? [];
  const url = request?.url ?? input.tokenUrl;
  for (const [n, v] of params)
    if (SECRET_PARAMS.includes(n) && v.length >= 4) secrets.set(v, `{{${n}}}`);

  const clientId =
    input.clientId ??
    params.find(([n]) => n === 'client_id')?.[1] ??
    (typeof assertion?.claims.sub === 'string' ? assertion.claims.sub : undefined) ??
    basicUser(headers);
  const authMethod = authMethodOf(params, headers, assertion);
  const grantParam = params.find(([n]) => n === 'grant_type')?.[1];
  const grant =
    grantParam && ['authorization_code', 'refresh_token', 'password'].includes(grantParam)
      ? grantParam
      : 'client_credentials';

  // When the failure happened: the server's Date, the HAR time, the assertion's iat, or now.
  const response = evidence.response;
  const serverSec = dateSec(headerValue(response?.headers, 'date'));
  const harSec = dateSec(evidence.harTime);
  const iat = typeof assertion?.claims.iat === 'number' ? assertion.claims.iat : undefined;
  const evaluatedAt: InspectReport['evaluatedAt'] =
    serverSec !== undefined
      ? { time: new Date(serverSec * 1000).toISOString(), from: 'server-date' }
      : harSec !== undefined
        ? { time: new Date(harSec * 1000).toISOString(), from: 'har' }
        : iat !== undefined
          ? { time: new Date(iat * 1000).toISOString(), from: 'assertion-iat' }
          : { time: new Date(deps.nowSec * 1000).toISOString(), from: 'now' };
  const evalSec = Math.floor(Date.parse(evaluatedAt.time) / 1000);

  // SMART's rules apply to a SMART server: the preset says so, or the request asks SMART scopes.
  const smartEvidence = preset
    ? preset.smart
    : /(^|\s)(system|patient|user)\//.test(params.find(([n]) => n === 'scope')?.[1] ?? '');
  // Pre-flight: the assertion's lint (with the preset's algs), the JWKS, the request's shape.
  const preflight: Finding[] = [...(deps.jwksFindings ?? [])];
  const masked = new Set(evidence.jwts.filter((j) => j.masked).map((j) => j.jwt));
  const verificationOf = (jwt: string): Verification =>
    (masked.has(jwt)
      ? {
          status: 'unchecked',
          message:
            'Masked in the export (decoded header and claims only): the signature cannot be checked.',
        }
      : deps.verifications.get(jwt)) ?? {
      status: 'unchecked',
      message: 'No JWKS given: the signature was not checked.',
    };
  let assertionFindings: Finding[] = [];
  if (assertion && assertionJwt) {
    assertionFindings = lintAssertion({
      header: assertion.header,
      claims: assertion.claims,
      ...(url ? { tokenUrl: url } : {}),
      ...(clientId ? { clientId } : {}),
      ...(preset ? { acceptedAlgs: [...preset.algs.accepted.value] } : {}),
      ...(deps.jwksKids ? { jwksKids: deps.jwksKids } : {}),
      now: evalSec,
      ...(deps.skewSec !== undefined ? { skewSec: deps.skewSec } : {}),
      hmac: authMethod === 'client_secret_jwt',
      smart: smartEvidence,
    });
    const v = verificationOf(assertionJwt.j.jwt);
    const kid = assertion.header.kid;
    const kidMissing = typeof kid === 'string' && !!deps.jwksKids && !deps.jwksKids.includes(kid);
    if (v.status === 'failed' && !kidMissing)
      assertionFindings.push(finding('ASSERTION_SIGNATURE_INVALID', v.message));
    preflight.push(...assertionFindings);
  }
  const query = queryParams(request?.url);
  if (request && !assumed && (isTokenRequest(params) || query.some(([n]) => n === 'grant_type')))
    preflight.push(
      ...lintTokenRequest({
        params,
        headers,
        authMethod,
        grant,
        ...(url ? { url } : {}),
        method: request.method,
      }),
    );

  const vendor: NonNullable<TokenAttempt['vendor']> = {
    profile: {
      ...(preset ? { vendor: preset.id } : {}),
      authMethod,
      ...(typeof assertion?.header.alg === 'string' ? { alg: assertion.header.alg } : {}),
      ...(clientId ? { clientId } : {}),
      ...(typeof assertion?.header.jku === 'string' ? { jwksUri: assertion.header.jku } : {}),
    },
    grant,
    ...(assertion ? { assertion: { header: assertion.header, claims: assertion.claims } } : {}),
    earlier: [],
  };

  let statusAssumed = false;
  let status = response?.status ?? input.status;
  let statusFrom = 'the body (RFC 6749 §5.2)';
  if (response && status === undefined) {
    const shaped = preset ? statusFromShapes(preset, response.body) : undefined;
    status = shaped?.status ?? impliedStatus(response.body);
    if (shaped) statusFrom = `${preset!.title}'s documented answer "${shaped.id}"`;
    statusAssumed = true;
  }
  // What was called: from the request (grant_type, the URL), the front channel, or the answer.
  const front =
    !!evidence.front || (!response && !!evidence.flow.callback?.some(([n]) => n === 'error'));
  // An answer given with only the authorize URL (no token request) answers the authorize request.
  const kind = front
    ? 'authorize'
    : !request && evidence.flow.authorize && response
      ? 'authorize'
      : endpointOf(request);
  const endpoint: Endpoint =
    kind !== 'other' ? kind : answerEndpoint(request, response, !!query.length);
  // A token request that is not a POST (RFC 6749 §3.2), when the lint did not see it as one.
  if (
    endpoint === 'token' &&
    request &&
    !assumed &&
    request.method !== 'POST' &&
    (!url || /\/token$/i.test(url.split('?')[0]!) || query.some(([n]) => n === 'grant_type')) &&
    !preflight.some((f) => f.code === 'REQUEST_MALFORMED')
  )
    preflight.push(
      finding('REQUEST_MALFORMED', `The token request is a ${request.method}, not a POST.`, {
        title: 'The token endpoint takes POST only',
        fix: 'Send the token request as an HTTP POST with a form-encoded body.',
        source: 'RFC 6749 §3.2',
      }),
    );
  const json = response ? parseBodyTolerantly(response.body).json : undefined;
  collectResponseSecrets(json, secrets);
  // The answer, read once for every use below and for the diagnosis.
  const read =
    response && status !== undefined
      ? readAnswer({ status, headers: response.headers, body: response.body })
      : undefined;
  // Comparisons with the rest of the flow (authorize request, redirect, earlier requests).
  const { findings: flowFindings, ruledOut } =
    endpoint === 'token' && read && status !== undefined
      ? await grantFindings(
          grantParam,
          params,
          evidence.flow,
          status < 300 && typeof json?.access_token === 'string',
          json,
          read.statement.said,
        )
      : { findings: [], ruledOut: [] };
  const token = decoded.find((x) => x.j.from.startsWith('Authorization'))?.d;
  // The authorize request, when the evidence has it, says what the error redirect answers.
  const az = evidence.flow.authorize;
  const azGet = (k: string) => az?.find(([n]) => n === k)?.[1];
  const cbGet = (k: string) => evidence.flow.callback?.find(([n]) => n === k)?.[1];
  // The error of the redirect, or of the error page the authorization server showed.
  const pageStatement =
    !front && endpoint === 'authorize' && response
      ? (read?.statement ??
        readAnswer({ status: 400, headers: response.headers, body: response.body }).statement)
      : undefined;
  const azError = front ? cbGet('error') : pageStatement?.error;
  const azDescription = front
    ? (cbGet('error_description') ?? '')
    : (pageStatement?.words.map((w) => w.text).join(' ') ?? '');
  const frontChecks =
    az && azError
      ? authorizationErrorChecks(
          azError,
          azDescription,
          azGet('code_challenge') === undefined
            ? 'off'
            : azGet('code_challenge_method') === 'plain'
              ? 'plain'
              : 'S256',
          {
            smart: !!preset?.smart || azGet('aud') !== undefined || azGet('launch') !== undefined,
            ...(azGet('aud') !== undefined ? { aud: azGet('aud')! } : {}),
          },
        )
      : [];
  const diag = diagnose({
    endpoint,
    url: url ?? (endpoint === 'resource' ? 'the resource server' : ''),
    headers,
    params,
    // Unknown when only the answer was given: the candidates then cover every method.
    ...(request || assertion ? { authMethod } : {}),
    ...(endpoint === 'token' && grantParam ? { grant: grantParam } : {}),
    ...(assertion ? { assertion: { header: assertion.header, claims: assertion.claims } } : {}),
    ...(front
      ? { redirect: evidence.flow.callback ?? [] }
      : response && status !== undefined
        ? {
            response: { status, headers: response.headers, body: response.body },
            ...(read ? { read } : {}),
          }
        : {}),
    findings: [...preflight, ...flowFindings, ...frontChecks],
    ...(deps.dialects ? { dialects: deps.dialects } : {}),
    // A code_challenge was sent: PKCE was not missing.
    ruledOut: [
      ...ruledOut,
      ...(azGet('code_challenge') !== undefined ? (['PKCE_REQUIRED'] as const) : []),
    ],
    ...(input.server ? { server: input.server } : {}),
    vendor,
    // The customer's clock when it signed: the assertion's iat, compared with the server's Date.
    ...(serverSec !== undefined && iat !== undefined
      ? { localNow: iat, clock: 'customer' as const }
      : {}),
    ...(deps.skewSec !== undefined ? { skewSec: deps.skewSec } : {}),
    ...(endpoint === 'resource' || endpoint === 'userinfo'
      ? {
          resource: {
            ...(token ? { tokenClaims: token.claims } : {}),
            at: evalSec,
          },
        }
      : {}),
  });
  let findings = diag.findings;
  // A token response that succeeded: what it granted next to what was asked (as the engine does
  // when it receives one), from the request's scope or, for a code, the authorize request's.
  if (endpoint === 'token' && response && status !== undefined && status < 300) {
    const body = parseBodyTolerantly(response.body).json;
    const requested =
      params.find(([n]) => n === 'scope')?.[1] ??
      (grantParam === 'authorization_code' ? azGet('scope') : undefined);
    if (body && requested !== undefined) {
      const granted = typeof body.scope === 'string' ? body.scope : undefined;
      const scopes = grantedScopeFindings(
        scopeDiff(requested, granted),
        granted,
        typeof body.refresh_token === 'string' && body.refresh_token !== '',
      );
      if (scopes.length) findings = rankFindings([...findings, ...scopes]);
    }
  }
  if (!response && !front)
    findings = rankFindings([
      ...findings,
      ...vendorPreflight({ url: url ?? '', headers, params, preflight, vendor }).filter(
        (f) => !findings.some((g) => g.code === f.code),
      ),
    ]);
  const refused = (!!response || front) && !diag.ok;
  const notes: string[] = [...undecodable];
  // Markers of a redacted export ({{name;len=N;sha256=x}}): the values are not there to check.
  const markers = [
    ...new Set(
      findMarkers(JSON.stringify([request ?? null, evidence.flow.callback ?? null]))
        .filter((m) => m.sha256)
        .map((m) => m.name),
    ),
  ];
  if (markers.length)
    notes.push(
      `Masked in the export, cannot be checked: ${markers.join(', ')} (each shown as its length and a short hash).`,
    );
  if (assumed)
    notes.push(
      'Only the assertion was given: it was judged as if POSTed in the form body with grant_type=client_credentials.',
    );
  if (statusAssumed)
    notes.push(
      `The HTTP status was not in the evidence; ${status} was assumed from ${statusFrom}. Paste the whole response (status line and headers) or set the status for a surer diagnosis.`,
    );
  if (!response && (assertion || request))
    notes.push(
      "No server answer was given, so only the request and the assertion were checked. Add the server's answer (error body, raw response or HAR) to rank the causes of the failure.",
    );
  if (!url && assertion)
    notes.push(
      'The token URL is not in the evidence: aud could not be compared with it. Set the token URL.',
    );
  if (!deps.verifications.size && decoded.length) {
    const jku = typeof assertion?.header.jku === 'string' ? assertion.header.jku : undefined;
    notes.push(
      jku
        ? `No JWKS was given: signatures were not checked. The assertion names its key set (jku ${jku}): give that as the JWKS URL to verify against what the server would fetch.`
        : 'No JWKS was given: signatures were not checked. Paste the JWKS or give its URL.',
    );
  }

  // Masking: every value that authenticates someone.
  const auth = headerValue(headers, 'authorization');
  const cred = auth ? /^\w+\s+(\S+)$/.exec(auth)?.[1] : undefined;
  if (cred && cred.length >= 4 && !secrets.has(cred)) secrets.set(cred, '{{credentials}}');
  const mask = (s: string) => redactText(s, secrets);
  const exchange: InspectedExchange = {
    ...(request
      ? {
          request: {
            method: request.method,
            ...(url ? { url: maskUrl(mask(url)) } : {}),
            headers: redactHeaders(headers, secrets),
            params: params.map(([n, v]) => [n, SECRET_PARAMS.includes(n) ? `{{${n}}}` : mask(v)]),
            ...(assumed ? { assumed: true } : {}),
          },
        }
      : {}),
    ...(response
      ? {
          response: {
            ...(status !== undefined ? { status } : {}),
            ...(statusAssumed ? { statusAssumed: true } : {}),
            headers: redactHeaders(response.headers, secrets),
            body: mask(response.body),
          },
        }
      : {}),
    ...(front && evidence.flow.callback
      ? {
          redirect: evidence.flow.callback.map(([n, v]): [string, string] => [
            n,
            URL_SECRETS.has(n) ? `{{${n}}}` : mask(v),
          ]),
        }
      : {}),
  };
  const maskedFindings = findings.map((f) => ({ ...f, evidence: mask(f.evidence) }));
  const jwts: InspectedJwt[] = decoded.map(({ j, d, role }) => ({
    role,
    from: j.from,
    decoded: d,
    explained: explainClaims(d.claims, evalSec, role),
    verification: verificationOf(j.jwt),
    findings:
      j === assertionJwt?.j
        ? assertionFindings.map((f) => ({ ...f, evidence: mask(f.evidence) }))
        : [],
  }));

  const report: InspectReport = {
    items: evidence.items.map((i) => ({ ...i, summary: mask(i.summary) })),
    ...(preset ? { preset: { id: preset.id, title: preset.title } } : {}),
    endpoint,
    refused,
    stated: diag.stated,
    ...(request || response || front ? { exchange } : {}),
    ...(evidence.harEntries
      ? {
          harEntries: evidence.harEntries.map((e) => ({ ...e, url: maskUrl(mask(e.url)) })),
          harEntry: evidence.harEntry!,
        }
      : {}),
    jwts,
    evaluatedAt,
    findings: maskedFindings,
    notes,
    report: '',
  };
  report.report = markdownReport(report);
  return report;
}

const fence = (s: string) => `\`\`\`\n${s.replace(/```/g, '`\u200b``')}\n\`\`\``;

/** The report a support engineer hands back: the cause, the fix, the evidence; no secret. */
export function markdownReport(r: InspectReport): string {
  const out: string[] = ['# OAuth Flow Debugger: Inspector report', ''];
  out.push(`- Preset: ${r.preset ? r.preset.title : 'none (generic rules only)'}`);
  out.push(`- Times judged at: ${r.evaluatedAt.time} (${EVAL_WORDS[r.evaluatedAt.from]})`);
  out.push('- Evidence:');
  for (const i of r.items) out.push(`  - ${i.name} (${i.kind}): ${i.summary}`);
  for (const n of r.notes) out.push(`- Note: ${n}`);
  if (r.refused)
    out.push(
      `- Outcome: the server refused the request (${ENDPOINT_TITLES[r.endpoint ?? 'token']}).`,
    );
  const top = r.findings[0];
  out.push('', '## Most likely cause', '');
  if (top && top.severity !== 'info') {
    out.push(
      `**${top.title}** (\`${top.code}\`)`,
      '',
      `${basisWords(top.basis, 'evidence')}: ${top.evidence}`,
      '',
      `Fix: ${top.fix}`,
    );
    if (top.source) out.push('', `Source: ${top.source}`);
  } else
    out.push(
      r.refused
        ? 'The server refused the request, and nothing in what was given names the cause.'
        : 'No problem was found in what was given.',
    );
  const rest = r.findings.slice(top && top.severity !== 'info' ? 1 : 0);
  if (rest.length) {
    out.push('', '## Other findings', '');
    for (const f of rest)
      out.push(
        `- [${f.severity}] ${f.title} (\`${f.code}\`), ${basisWords(f.basis, 'evidence').toLowerCase()}: ${f.evidence} Fix: ${f.fix}`,
      );
  }
  const x = r.exchange;
  if (x?.request) {
    const q = x.request;
    out.push('', `## Request${q.assumed ? ' (assumed: only the assertion was given)' : ''}`, '');
    out.push(
      fence(
        [
          `${q.method} ${q.url ?? '(URL not given)'}`,
          ...q.headers.map(([n, v]) => `${n}: ${v}`),
          '',
          q.params.map(([n, v]) => `${n}=${v}`).join('\n'),
        ].join('\n'),
      ),
    );
  }
  if (x?.redirect) {
    out.push('', '## Redirect back to the app', '');
    out.push(fence(x.redirect.map(([n, v]) => `${n}=${v}`).join('\n')));
  }
  if (x?.response) {
    const s = x.response;
    out.push('', '## Response', '');
    out.push(
      fence(
        [
          `HTTP ${s.status ?? '?'}${s.statusAssumed ? ' (assumed)' : ''}`,
          ...s.headers.map(([n, v]) => `${n}: ${v}`),
          '',
          s.body,
        ].join('\n'),
      ),
    );
  }
  for (const j of r.jwts) {
    out.push('', `## ${ROLE_WORDS[j.role]} (${j.from})`, '');
    out.push(`Signature: ${j.verification.status}: ${j.verification.message}`, '');
    out.push(
      fence(JSON.stringify({ header: j.decoded.header, claims: j.decoded.claims }, null, 2)),
    );
  }
  out.push(
    '',
    'Secrets (assertions, tokens, codes, secrets, passwords) are replaced by {{placeholders}}.',
  );
  return `${out.join('\n')}\n`;
}

const ENDPOINT_TITLES: Record<Endpoint, string> = {
  token: 'token endpoint',
  authorize: 'authorization request',
  introspection: 'introspection endpoint',
  revocation: 'revocation endpoint',
  registration: 'registration endpoint',
  userinfo: 'userinfo endpoint',
  resource: 'resource server',
  end_session: 'logout endpoint',
  discovery: 'discovery',
};

const EVAL_WORDS: Record<InspectReport['evaluatedAt']['from'], string> = {
  'server-date': "the server's Date header",
  har: 'the time the HAR recorded',
  'assertion-iat': "the assertion's iat: no server time was given",
  now: 'the current time: the evidence carries no time',
};

/** base64url(SHA-256(verifier)): the S256 code_challenge (RFC 7636 §4.2), with WebCrypto + jose. */
async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url.encode(new Uint8Array(digest));
}

/**
 * What the token request contradicts in the rest of the flow the evidence shows: the authorize
 * request (redirect_uri, PKCE challenge, state), the redirect back (code), earlier token requests
 * (a code or refresh token sent twice). RFC 6749 §4.1.3 and §6, RFC 7636 §4.6.
 */
async function grantFindings(
  grant: string | undefined,
  params: [string, string][],
  flow: FlowContext,
  ok: boolean,
  json: Record<string, unknown> | undefined,
  said: string,
): Promise<{ findings: Finding[]; ruledOut: CauseCode[] }> {
  const ruledOut: CauseCode[] = [];
  const get = (q: [string, string][] | undefined, k: string) => q?.find(([n]) => n === k)?.[1];
  const tail = ok ? ' The server accepted it anyway.' : ` Server answered: ${said}.`;
  const sev = ok ? { severity: 'warning' as const } : {};
  const out: Finding[] = [];
  const earlier = (k: string, v: string | undefined) =>
    v !== undefined && flow.earlierTokenRequests.find((e) => get(e.params, k) === v);
  if (grant === 'authorization_code') {
    const a = flow.authorize;
    const cb = flow.callback;
    const redirect = get(params, 'redirect_uri');
    const wanted = get(a, 'redirect_uri');
    if (wanted !== undefined && redirect === wanted) ruledOut.push('REDIRECT_URI_MISMATCH');
    if (wanted !== undefined && redirect !== wanted)
      out.push(
        finding(
          'REDIRECT_URI_MISMATCH',
          `The token request ${redirect === undefined ? 'has no redirect_uri' : `sends redirect_uri=${redirect}`}; the authorize request used ${wanted}.${tail}`,
          { ...sev, fix: `Send redirect_uri=${wanted}, byte for byte.`, source: 'RFC 6749 §4.1.3' },
        ),
      );
    const challenge = get(a, 'code_challenge');
    const verifier = get(params, 'code_verifier');
    // A verifier masked in an export ({{code_verifier;len=…}}) cannot be hashed: not checked.
    const maskedVerifier = verifier !== undefined && findMarkers(verifier).some((m) => m.sha256);
    if (challenge !== undefined && !maskedVerifier) {
      const method = get(a, 'code_challenge_method') ?? 'plain';
      const matches =
        verifier !== undefined &&
        (method === 'S256' ? (await s256(verifier)) === challenge : verifier === challenge);
      if (matches) ruledOut.push('PKCE_MISMATCH');
      if (!matches)
        out.push(
          finding(
            'PKCE_MISMATCH',
            verifier === undefined
              ? `The authorize request carried a ${method} code_challenge, but the token request has no code_verifier.${tail}`
              : `The code_verifier does not ${method === 'S256' ? 'hash (S256)' : 'equal'} to the code_challenge of the authorize request.${tail}`,
            {
              ...sev,
              fix: 'Send the code_verifier generated together with this authorization’s code_challenge (one pair per authorization).',
              source: 'RFC 7636 §4.6',
            },
          ),
        );
    }
    const state = get(a, 'state');
    const backState = get(cb, 'state');
    if (state !== undefined && backState !== undefined && state !== backState)
      out.push(
        finding(
          'STATE_MISMATCH',
          'The state on the redirect differs from the state of the authorize request: this redirect answers another authorization.',
        ),
      );
    const code = get(params, 'code');
    const received = get(cb, 'code');
    if (received !== undefined && code !== received)
      out.push(
        finding('CODE_INVALID', `The code sent is not the one on the redirect.${tail}`, {
          ...sev,
          fix: 'Send the code from the redirect, once, right away.',
        }),
      );
    else if (earlier('code', code) && !ok)
      out.push(
        finding(
          'CODE_INVALID',
          `This code was already sent in an earlier token request (HTTP ${(earlier('code', code) as { status: number }).status}); codes are one-time use.${tail}`,
          {
            basis: 'history',
            title: 'Authorization code reused',
            fix: 'Authorize again for a new code, and redeem it once.',
            source: 'RFC 6749 §4.1.2',
          },
        ),
      );
  }
  if (grant === 'refresh_token' && !ok && json?.error === 'invalid_grant') {
    const rt = get(params, 'refresh_token');
    const used = earlier('refresh_token', rt);
    const rotated = used && used.status < 300 && typeof used.json?.refresh_token === 'string';
    out.push(
      finding(
        'REFRESH_INVALID',
        rotated
          ? `This refresh token was used before, and that answer carried a new refresh token: it was rotated away. Server answered: ${said}.`
          : `The refresh token expired, was revoked, or belongs to another client. Server answered: ${said}.`,
        {
          basis: rotated ? 'history' : 'server',
          fix: rotated
            ? 'Use the newest refresh token each time.'
            : 'Authorize again to get a new refresh token.',
          source: 'RFC 6749 §6; RFC 9700 §4.14',
        },
      ),
    );
  }
  if (
    grant === 'authorization_code' &&
    !ok &&
    json?.error === 'invalid_grant' &&
    !out.some((f) => f.severity === 'error')
  )
    out.push(
      finding(
        'CODE_INVALID',
        `Server answered ${said}: nothing in the evidence contradicts the code, so it expired (codes live about a minute), was used, or belongs to another client.`,
        { basis: 'server', fix: 'Authorize again and exchange the new code right away.' },
      ),
    );
  return { findings: out, ruledOut };
}
