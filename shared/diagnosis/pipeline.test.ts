import { describe, expect, it } from 'vitest';
import { lintAssertion } from './assertion-lint.js';
import { finding } from './catalog.js';
import type { Finding } from './codes.js';
import { diagnose, type DiagnosisInput } from './pipeline.js';
import { ENDPOINTS } from './dialects/types.js';
import { readEvidence } from '../evidence.js';
import { inspectEvidence } from '../inspect.js';

const json = (status: number, body: unknown, headers: [string, string][] = []) => ({
  status,
  headers: [['content-type', 'application/json'], ...headers] as [string, string][],
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const token = (over: Partial<DiagnosisInput>): DiagnosisInput => ({
  endpoint: 'token',
  url: 'https://as.example.com/token',
  grant: 'client_credentials',
  authMethod: 'private_key_jwt',
  ...over,
});
const codes = (f: Finding[]) => f.map((x) => x.code);
const causes = (f: Finding[]) => f.filter((x) => x.severity !== 'info');

describe('the server’s words name the cause', () => {
  it.each([
    // The misses the issue lists, read from the words alone (no dialect row).
    ["Invalid 'client_id' (as sub claim of the assertion JWT)", 'CLIENT_UNKNOWN'],
    ['Client assertion is not within its valid time range', 'ASSERTION_EXPIRED'],
    ['Token reuse detected', 'ASSERTION_JTI_REUSED'],
    ['Failed to fetch JWKS from https://app.example.com/jwks.json', 'JWKS_UNREACHABLE'],
    ['The client secret is invalid', 'CLIENT_SECRET_INVALID'],
    ['Signature verification failed', 'ASSERTION_SIGNATURE_INVALID'],
    ['No matching key found for kid k9', 'ASSERTION_KID_NOT_FOUND'],
    ['Invalid audience', 'ASSERTION_AUD_MISMATCH'],
  ] as const)('invalid_client "%s" → %s, resting on the server', (text, code) => {
    const d = diagnose(
      token({
        response: json(401, { error: 'invalid_client', error_description: text }),
        dialects: [],
      }),
    );
    expect(d.ok).toBe(false);
    expect(d.stated).toBe(true);
    expect(d.findings[0]).toMatchObject({ code, basis: 'server' });
    expect(d.findings[0]!.evidence).toContain(text.slice(0, 20));
  });

  it('"requested grant type is not allowed for this client" (invalid_request) → GRANT_NOT_ALLOWED', () => {
    const d = diagnose(
      token({
        response: json(400, {
          error: 'invalid_request',
          error_description: 'requested grant type is not allowed for this client',
        }),
      }),
    );
    expect(d.findings[0]).toMatchObject({ code: 'GRANT_NOT_ALLOWED', basis: 'server' });
  });

  it.each([
    ['scope_invalid', 'SCOPE_NOT_ALLOWED'],
    ['invalid_code', 'CODE_INVALID'],
    ['jti_known', 'ASSERTION_JTI_REUSED'],
    ['redirect_mismatch', 'REDIRECT_URI_MISMATCH'],
    ['invalid_redirect_uri', 'REDIRECT_URI_MISMATCH'],
    ['mismatching_redirect_uri', 'REDIRECT_URI_MISMATCH'],
  ] as const)('the non-standard code %s is understood as %s', (error, code) => {
    const d = diagnose(
      token({ grant: 'authorization_code', authMethod: 'none', response: json(400, { error }) }),
    );
    expect(d.ok).toBe(false);
    expect(codes(d.findings)).toContain(code);
    expect(d.findings[0]!.code).toBe(code);
  });

  it('request_unauthorized names only client authentication: the candidates follow the auth method', () => {
    const d = diagnose(
      token({
        authMethod: 'client_secret_basic',
        response: json(401, { error: 'request_unauthorized' }),
      }),
    );
    expect(codes(causes(d.findings)).slice(0, 3)).toEqual([
      'CLIENT_SECRET_INVALID',
      'CLIENT_UNKNOWN',
      'AUTH_METHOD_MISMATCH',
    ]);
  });

  it('a text that hedges between causes names none of them', () => {
    const d = diagnose(
      token({
        authMethod: 'client_secret_post',
        response: json(401, {
          error: 'invalid_client',
          error_description:
            'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
        }),
        dialects: [],
      }),
    );
    expect(d.stated).toBe(false);
    expect(d.findings[0]).toMatchObject({ code: 'CLIENT_SECRET_INVALID', basis: 'inference' });
    expect(d.findings[0]!.evidence).toMatch(/names no single cause/);
  });

  it('a known server’s dialect row outranks the generic reader, and says so', () => {
    const d = diagnose(
      token({
        url: 'https://sso.example.com/realms/r/protocol/openid-connect/token',
        authMethod: 'client_secret_basic',
        response: json(401, {
          error: 'unauthorized_client',
          error_description: 'Invalid client or Invalid client credentials',
        }),
      }),
    );
    expect(d.findings[0]).toMatchObject({ code: 'CLIENT_SECRET_INVALID', basis: 'server' });
    expect(d.findings[0]!.source).toMatch(/^Keycloak: /);
    expect(d.findings[0]!.evidence).not.toMatch(/recognised by its wording/);
  });

  it('the vendor preset names the server: its rows are known, not "recognised by its wording"', async () => {
    const body = JSON.stringify({
      error: 'invalid_client',
      error_uri:
        'urn:cerner:error:authorization-server:client-assertion:urn:ietf:params:oauth:client-assertion-type:jwt-bearer:invalid-signature',
    });
    const run = (preset?: 'oracle-health') =>
      inspectEvidence(
        readEvidence([{ text: body }]),
        { status: 400, tokenUrl: 'http://127.0.0.1:9/token', ...(preset ? { preset } : {}) },
        { verifications: new Map(), nowSec: 1_800_000_000 },
      );
    const withPreset = (await run('oracle-health')).findings[0]!;
    expect(withPreset).toMatchObject({ code: 'ASSERTION_SIGNATURE_INVALID', basis: 'server' });
    expect(withPreset.evidence).not.toMatch(/recognised by its wording/);
    expect((await run()).findings[0]!.evidence).toMatch(
      /^Oracle Health \(Cerner Millennium\), recognised by its wording: /,
    );
  });

  it('an error page’s text is read, without the request parameters it echoes', () => {
    const d = diagnose({
      endpoint: 'authorize',
      url: 'https://accounts.google.com/o/oauth2/auth?client_id=x',
      response: {
        status: 401,
        headers: [['content-type', 'text/html']],
        body: '<html><body><h1>401. That’s an error.</h1><p>Error: invalid_client</p><p>The OAuth client was not found.</p><p>Request Details redirect_uri=http://localhost/cb</p></body></html>',
      },
    });
    expect(d.findings[0]).toMatchObject({ code: 'CLIENT_UNKNOWN', basis: 'server' });
    const note = d.findings.find((f) => f.code === 'NON_JSON_RESPONSE');
    expect(note?.severity).toBe('info');
  });
});

describe('ranking: a stated cause beats a check, which beats history, vendor facts and inference', () => {
  const aud = finding(
    'ASSERTION_AUD_MISMATCH',
    'aud is https://as.example.com/; the request goes to /token.',
  );
  const jti = finding('ASSERTION_JTI_REUSED', 'jti j1 was already sent in this run.', {
    basis: 'history',
  });
  const vendor = finding('CLIENT_DISABLED', 'New clients start disabled.', { basis: 'vendor' });

  it('the server’s specific words lead a check of another cause', () => {
    const d = diagnose(
      token({
        findings: [aud],
        response: json(400, {
          error: 'invalid_client',
          error_description: 'The client secret is invalid',
        }),
        dialects: [],
      }),
    );
    expect(codes(d.findings).slice(0, 2)).toEqual([
      'CLIENT_SECRET_INVALID',
      'ASSERTION_AUD_MISMATCH',
    ]);
  });

  it('with a bare invalid_client, the check leads, then history, the vendor fact, the inference', () => {
    const d = diagnose(
      token({ findings: [vendor, jti, aud], response: json(401, { error: 'invalid_client' }) }),
    );
    const order = d.findings.map((f) => `${f.code}/${f.basis}`);
    expect(order.slice(0, 3)).toEqual([
      'ASSERTION_AUD_MISMATCH/check',
      'ASSERTION_JTI_REUSED/history',
      'CLIENT_DISABLED/vendor',
    ]);
    expect(d.findings.slice(3).every((f) => f.basis === 'inference' || f.severity === 'info')).toBe(
      true,
    );
    // Beside a failed check, the inferred candidates are warnings ("may be"), never errors.
    const inferred = d.findings.filter((f) => f.basis === 'inference');
    expect(inferred.length).toBeGreaterThan(0);
    expect(inferred.every((f) => f.severity === 'warning')).toBe(true);
    // No finding says "nothing checked here explains it" beside a failed check.
    expect(d.findings.some((f) => /Nothing checked here explains it/.test(f.evidence))).toBe(false);
  });

  it('a statement of a family lets the check of that family lead: it says which cause', () => {
    const d = diagnose(
      token({
        findings: [
          finding('SCOPE_INVALID_FOR_GRANT', 'client_credentials requested patient/Patient.rs.'),
        ],
        response: json(400, { error: 'invalid_scope' }),
      }),
    );
    expect(d.findings[0]!.code).toBe('SCOPE_INVALID_FOR_GRANT');
    expect(d.findings[0]!.evidence).toMatch(/server answered HTTP 400 invalid_scope/);
  });

  it('a check that explains the stated cause leads it (kid not in the JWKS behind "invalid signature")', () => {
    const d = diagnose(
      token({
        findings: [finding('ASSERTION_KID_NOT_FOUND', 'kid k9 is not in the registered JWKS.')],
        response: json(400, { error: 'invalid_client', error_description: 'invalid signature' }),
      }),
    );
    expect(codes(d.findings).slice(0, 2)).toEqual([
      'ASSERTION_KID_NOT_FOUND',
      'ASSERTION_SIGNATURE_INVALID',
    ]);
  });

  it('a server’s catch-all (Cognito’s bare unauthorized_client) lets a check of a cause it covers lead the code’s standard meaning', () => {
    const redirect = finding(
      'REDIRECT_URI_MISMATCH',
      'redirect_uri sent is "https://localhost"; the authorize request used "https://localhost/".',
    );
    const d = diagnose(
      token({
        url: 'https://pool.auth.us-east-2.amazoncognito.com/oauth2/token',
        grant: 'authorization_code',
        authMethod: 'none',
        findings: [redirect],
        response: json(400, { error: 'unauthorized_client' }),
      }),
    );
    expect(`${d.findings[0]!.code}/${d.findings[0]!.basis}`).toBe('REDIRECT_URI_MISMATCH/check');
    expect(d.findings.filter((f) => f.code === 'REDIRECT_URI_MISMATCH')).toHaveLength(1);
  });

  it('the causes a catch-all covers (vendor facts) rank below a failed check of another cause', () => {
    const d = diagnose(
      token({
        url: 'https://id.example.com/api/oidc/token/',
        server: 'glewlwyd',
        grant: 'authorization_code',
        authMethod: 'none',
        findings: [finding('SCOPE_INVALID_FOR_GRANT', 'the code grant asked for system/*.read.')],
        response: json(403, { error: 'unauthorized_client' }),
      }),
    );
    const first = d.findings.findIndex((f) => f.code === 'SCOPE_INVALID_FOR_GRANT');
    const vendor = d.findings.findIndex((f) => f.basis === 'vendor');
    expect(vendor).toBeGreaterThan(-1);
    expect(first).toBeLessThan(vendor);
  });

  it('one cause, one finding: the check behind the server’s words adds what it found', () => {
    const d = diagnose(
      token({
        url: 'https://sso.example.com/realms/r/protocol/openid-connect/token',
        findings: [aud],
        response: json(400, {
          error: 'invalid_client',
          error_description: 'Invalid token audience',
        }),
      }),
    );
    const all = d.findings.filter((f) => f.code === 'ASSERTION_AUD_MISMATCH');
    expect(all).toHaveLength(1);
    expect(all[0]!.basis).toBe('server');
    expect(all[0]!.evidence).toMatch(
      /Keycloak: .*Checked here: aud is https:\/\/as\.example\.com\//,
    );
  });

  it('an inference never outranks a specific statement', () => {
    const d = diagnose(
      token({
        response: json(400, { error: 'invalid_client', error_description: 'Token reuse detected' }),
      }),
    );
    expect(d.findings[0]!.basis).toBe('server');
    expect(d.findings.every((f) => f.basis !== 'inference')).toBe(true);
  });
});

describe('every refusal has findings, and none reads as success', () => {
  const statuses = [400, 401, 403, 404, 405, 429, 500, 502];
  const bodies = [
    '',
    '{"error":"invalid_client"}',
    '<html><body>Forbidden</body></html>',
    'denied',
  ];
  const cases = ENDPOINTS.flatMap((endpoint) =>
    statuses.flatMap((status) => bodies.map((body) => ({ endpoint, status, body }))),
  );
  it.each(
    cases.map(
      (c) => [`${c.endpoint} ${c.status} ${JSON.stringify(c.body.slice(0, 20))}`, c] as const,
    ),
  )('%s', (_n, c) => {
    const d = diagnose({
      endpoint: c.endpoint,
      url: 'https://as.example.com/x',
      authMethod: 'client_secret_basic',
      response: { status: c.status, headers: [], body: c.body },
    });
    expect(d.ok).toBe(false);
    expect(causes(d.findings).length).toBeGreaterThan(0);
    // An empty or non-JSON body is a note once a cause is named, not the cause.
    expect(d.findings[0]!.code).not.toBe('NON_JSON_RESPONSE');
    for (const f of d.findings) {
      expect(f.evidence).not.toMatch(/undefined|\[object Object\]|\bnull\b/);
      expect(`${f.title} ${f.evidence} ${f.fix} ${f.source ?? ''}`).not.toMatch(
        /\b[OCEK]\d{1,2}(-[a-z]+)?:|\bAB\d:|\bG-[a-z]+\b|\b0\.fhirBaseUrl\b/,
      );
    }
  });

  it('403 with an empty body after client_secret_basic: the secret first, said plainly, the body a note', () => {
    const d = diagnose(
      token({
        authMethod: 'client_secret_basic',
        response: { status: 403, headers: [], body: '' },
      }),
    );
    expect(d.findings[0]).toMatchObject({ code: 'CLIENT_SECRET_INVALID', basis: 'inference' });
    expect(d.findings[0]!.evidence).toMatch(
      /^The server gave no reason \(HTTP 403 with an empty body\)/,
    );
    expect(d.findings.find((f) => f.code === 'NON_JSON_RESPONSE')).toMatchObject({
      severity: 'info',
      title: 'The server gave no reason (empty body)',
    });
  });

  it('private_key_jwt with the same answer: the key, the client id, the aud or a replayed jti; never the secret', () => {
    const d = diagnose(token({ response: { status: 403, headers: [], body: '' } }));
    expect(codes(causes(d.findings)).slice(0, 3)).toEqual([
      'ASSERTION_SIGNATURE_INVALID',
      'CLIENT_UNKNOWN',
      'ASSERTION_AUD_MISMATCH',
    ]);
    expect(codes(d.findings)).not.toContain('CLIENT_SECRET_INVALID');
  });

  it('introspection that says active: false is TOKEN_INACTIVE from the server', () => {
    const d = diagnose({
      endpoint: 'introspection',
      url: 'https://as.example.com/introspect',
      response: json(200, { active: false }),
    });
    expect(d.findings[0]).toMatchObject({ code: 'TOKEN_INACTIVE', basis: 'server' });
  });
});

describe('the front channel', () => {
  it('invalid_client on the authorize redirect is CLIENT_UNKNOWN, not AUTHORIZATION_DENIED', () => {
    const d = diagnose({
      endpoint: 'authorize',
      url: 'https://as.example.com/authorize',
      redirect: [
        ['error', 'invalid_client'],
        ['state', 's'],
      ],
    });
    expect(d.ok).toBe(false);
    expect(d.findings[0]!.code).toBe('CLIENT_UNKNOWN');
  });

  it.each([
    ['access_denied', 'AUTHORIZATION_DENIED'],
    ['consent_required', 'CONSENT_REQUIRED'],
    ['login_required', 'LOGIN_REQUIRED'],
    ['invalid_scope', 'SCOPE_NOT_ALLOWED'],
  ] as const)('error=%s → %s', (error, code) => {
    const d = diagnose({
      endpoint: 'authorize',
      url: 'https://as.example.com/authorize',
      redirect: [['error', error]],
    });
    expect(d.findings[0]!.code).toBe(code);
  });

  it('an error redirect proves the client and redirect_uri were accepted: they are no candidates', () => {
    const d = diagnose({
      endpoint: 'authorize',
      url: 'https://as.example.com/authorize',
      redirect: [['error', 'invalid_request']],
      ruledOut: ['PKCE_REQUIRED'],
    });
    const all = codes(d.findings);
    expect(all).not.toContain('REDIRECT_URI_MISMATCH');
    expect(all).not.toContain('CLIENT_UNKNOWN');
    expect(all).not.toContain('PKCE_REQUIRED');
  });
});

describe('SMART-only rules', () => {
  const base = {
    header: { alg: 'RS384' },
    claims: { iss: 'c', sub: 'c', aud: 'https://as/token', exp: 1000 + 600 },
    tokenUrl: 'https://as/token',
    now: 1000,
  };
  it('kid, typ, jti and the 5-minute exp are errors for SMART servers only', () => {
    expect(codes(lintAssertion(base).filter((f) => f.severity === 'error'))).toEqual([
      'ASSERTION_MISSING_CLAIM',
      'ASSERTION_EXP_TOO_FAR',
    ]);
    const plain = lintAssertion({ ...base, smart: false });
    expect(plain.filter((f) => f.severity === 'error')).toEqual([]);
    expect(plain.find((f) => f.code === 'ASSERTION_EXP_TOO_FAR')?.severity).toBe('warning');
  });
});

describe('the Inspector never calls a refusal a success', () => {
  it('403 {"error":"invalid_code"} is refused, with findings', async () => {
    const r = await inspectEvidence(
      readEvidence([{ text: 'HTTP/1.1 403 Forbidden\n\n{"error":"invalid_code"}' }]),
      {},
      { verifications: new Map(), nowSec: 1_800_000_000 },
    );
    expect(r.refused).toBe(true);
    expect(r.findings[0]!.code).toBe('CODE_INVALID');
    expect(r.report).toContain('Outcome: the server refused the request');
  });
});
