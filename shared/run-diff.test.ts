import { describe, expect, it } from 'vitest';
import { buildCaseBundle } from './case-bundle.js';
import { toHar } from './har.js';
import { diffSides, diffText, readDiffSide, type DiffInput } from './run-diff.js';
import type { HttpExchange, RunDiff, RunView } from './types.js';

const b64 = (o: unknown) =>
  btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (header: object, claims: object) => `${b64(header)}.${b64(claims)}.c2lnbmF0dXJl`;

const TOKEN_URL = 'http://127.0.0.1:43063/token';
/** A backend-services token exchange, shaped as the recorder keeps it (from a real run). */
function tokenRun(opts: {
  runId: string;
  at: number;
  aud?: string;
  lifetime?: number;
  status?: number;
  secret?: string;
}) {
  const iat = opts.at;
  const assertion = jwt(
    { alg: 'RS384', kid: 'k1', typ: 'JWT' },
    {
      iss: 'rs-client',
      sub: 'rs-client',
      aud: opts.aud ?? TOKEN_URL,
      jti: `jti-${opts.runId}`,
      iat,
      exp: iat + (opts.lifetime ?? 300),
    },
  );
  const access = jwt(
    { alg: 'RS256', kid: 'server-rs256', typ: 'at+jwt' },
    { scope: 'system/Patient.rs', jti: `at-${opts.runId}`, iat, exp: iat + 300 },
  );
  const status = opts.status ?? 200;
  const ex: HttpExchange = {
    id: `x-${opts.runId}`,
    step: 'Token request',
    runId: opts.runId,
    startedAt: new Date(iat * 1000).toISOString(),
    durationMs: 12,
    request: {
      method: 'POST',
      url: TOKEN_URL,
      headers: [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['x-request-id', `req-${opts.runId}`],
        ...(opts.secret ? [['authorization', 'Basic {{credentials}}'] as [string, string]] : []),
      ],
      body: 'grant_type=client_credentials&scope=system%2FPatient.rs&client_assertion={{client_assertion}}',
    },
    response: {
      status,
      statusText: '',
      headers: [['date', new Date(iat * 1000).toUTCString()]],
      body:
        status === 200
          ? '{"access_token":"{{access_token}}","expires_in":300,"token_type":"Bearer"}'
          : '{"error":"invalid_client","error_description":"invalid assertion audience"}',
      bodyBytes: 100,
      truncated: false,
    },
    marks: {
      '{{client_assertion}}': {
        length: assertion.length,
        sha256: `a${opts.runId.slice(1).padEnd(7, '0')}`,
      },
      ...(status === 200
        ? {
            '{{access_token}}': {
              length: access.length,
              sha256: `b${opts.runId.slice(1).padEnd(7, '0')}`,
            },
          }
        : {}),
      ...(opts.secret ? { '{{credentials}}': { length: 20, sha256: opts.secret } } : {}),
    },
    curl: '',
  };
  const held = new Map([
    ['{{client_assertion}}', assertion],
    ...(status === 200 ? [['{{access_token}}', access] as [string, string]] : []),
  ]);
  const run: RunView = { id: opts.runId, flow: 'token', startedAt: ex.startedAt };
  return { ex, held, run, assertion, access };
}

const harText = (r: ReturnType<typeof tokenRun>, redacted: boolean) =>
  JSON.stringify(toHar([r.ex], { redacted, held: () => r.held, runs: [r.run] }).har);

const at = (d: RunDiff, field: string) => d.differences.find((x) => x.field === field);

describe('run diff', () => {
  it('two good runs a minute apart do not differ: jti, iat, exp and request ids are volatile', async () => {
    const a = readDiffSide(harText(tokenRun({ runId: 'r1', at: 1_800_000_000 }), false), 'a.har');
    const b = readDiffSide(harText(tokenRun({ runId: 'r2', at: 1_800_000_060 }), false), 'b.har');
    const d = await diffSides(a, b);
    expect(d.differences).toEqual([]);
    expect(diffText(d)).toBe('No differences between a.har and b.har.');
  });

  it('names the aud claim and the status and error; a lifetime that changed shows as one', async () => {
    const good = tokenRun({ runId: 'r1', at: 1_800_000_000 });
    const bad = tokenRun({
      runId: 'r2',
      at: 1_800_000_060,
      aud: 'https://wrong.example/token',
      lifetime: 3600,
      status: 401,
    });
    const d = await diffSides(
      readDiffSide(harText(good, false), 'good.har'),
      readDiffSide(harText(bad, false), 'bad.har'),
    );
    expect(at(d, 'assertion.claims.aud')).toEqual({
      where: 'Token request #1',
      field: 'assertion.claims.aud',
      a: TOKEN_URL,
      b: 'https://wrong.example/token',
    });
    expect(at(d, 'assertion.claims.exp')).toMatchObject({
      a: 'exp - iat = 300 s',
      b: 'exp - iat = 3600 s',
    });
    expect(at(d, 'response.status')).toMatchObject({ a: '200', b: '401' });
    expect(at(d, 'response.error')).toEqual({
      where: 'Token request #1',
      field: 'response.error',
      b: 'invalid_client',
    });
    expect(at(d, 'response.error_description')?.b).toBe('invalid assertion audience');
    expect(at(d, 'access_token.claims.scope')).toMatchObject({ a: 'system/Patient.rs' });
    // Secrets never shown: no assertion, no token anywhere in the diff.
    const text = JSON.stringify(d) + diffText(d);
    for (const s of [good.assertion, good.access, bad.assertion]) expect(text).not.toContain(s);
    expect(diffText(d)).toContain(
      `  assertion.claims.aud: ${TOKEN_URL} -> https://wrong.example/token`,
    );
  });

  it('redacted exports: the assertion is compared through the claims the export kept, or by marks', async () => {
    const good = tokenRun({ runId: 'r1', at: 1_800_000_000 });
    const bad = tokenRun({
      runId: 'r2',
      at: 1_800_000_060,
      aud: 'https://wrong.example.org/oauth2/token',
    });
    // Without decoded claims, a per-run secret is compared by its length (its hash differs at
    // every run): a longer aud makes a longer assertion.
    const d = await diffSides(
      readDiffSide(harText(good, true), 'a'),
      readDiffSide(harText(bad, true), 'b'),
    );
    const mark = at(d, 'request.param.client_assertion')!;
    expect(mark.a).toMatch(/^\{\{client_assertion;len=\d+;sha256=a/);
    expect(mark.b).toMatch(/^\{\{client_assertion;len=\d+;sha256=a/);
    // With them (a bundle), the claims.
    const bundle = (r: typeof good): DiffInput => ({
      name: r.run.id,
      exchanges: [r.ex],
      tokens: [
        {
          exchangeId: r.ex.id,
          kind: 'client_assertion',
          header: { alg: 'RS384' },
          claims: JSON.parse(atob(r.assertion.split('.')[1]!)),
        },
      ],
    });
    const viaBundle = await diffSides(bundle(good), bundle(bad));
    expect(at(viaBundle, 'assertion.claims.aud')?.b).toBe('https://wrong.example.org/oauth2/token');
    expect(at(viaBundle, 'request.param.client_assertion')).toBeUndefined();
  });

  it('the authorize hop: state, nonce, code_challenge and the loopback port are no difference', async () => {
    const hop = (port: number, state: string, scope: string): HttpExchange => ({
      id: `a${port}`,
      step: 'Authorize (browser)',
      channel: 'front',
      startedAt: '2026-12-02T00:00:00.000Z',
      durationMs: 0,
      request: {
        method: 'GET',
        url: `http://h/auth?response_type=code&client_id=app&redirect_uri=${encodeURIComponent(`http://127.0.0.1:${port}/callback`)}&state=${state}&nonce=${state}&code_challenge=${state}&scope=${scope}`,
        headers: [],
      },
      curl: '',
    });
    const same = await diffSides(
      { name: 'a', exchanges: [hop(50001, 'one', 'openid')] },
      { name: 'b', exchanges: [hop(50002, 'two', 'openid')] },
    );
    expect(same.differences).toEqual([]);
    const scope = await diffSides(
      { name: 'a', exchanges: [hop(50001, 'one', 'openid')] },
      { name: 'b', exchanges: [hop(50002, 'two', 'profile')] },
    );
    expect(scope.differences).toEqual([
      { where: 'Authorize (browser) #1', field: 'request.query.scope', a: 'openid', b: 'profile' },
    ]);
  });

  it('a standing secret is compared by its hash and shown as its marker', async () => {
    const a = tokenRun({ runId: 'r1', at: 1_800_000_000, secret: '11111111' });
    const b = tokenRun({ runId: 'r2', at: 1_800_000_000, secret: '22222222' });
    const d = await diffSides({ name: 'a', exchanges: [a.ex] }, { name: 'b', exchanges: [b.ex] });
    expect(at(d, 'request.header.authorization')).toEqual({
      where: 'Token request #1',
      field: 'request.header.authorization',
      a: 'Basic {{credentials;len=20;sha256=11111111}}',
      b: 'Basic {{credentials;len=20;sha256=22222222}}',
    });
  });

  it('a secret in the clear (a browser HAR) is hashed, never shown', async () => {
    const har = (secret: string) =>
      JSON.stringify({
        log: {
          entries: [
            {
              request: {
                method: 'POST',
                url: TOKEN_URL,
                headers: [],
                postData: { text: `grant_type=client_credentials&client_secret=${secret}` },
              },
              response: { status: 200, headers: [], content: { text: '{}' } },
            },
          ],
        },
      });
    const d = await diffSides(
      readDiffSide(har('first-secret-value'), 'a'),
      readDiffSide(har('other-secret-value'), 'b'),
    );
    const f = at(d, 'request.param.client_secret')!;
    expect(f.where).toBe(`POST ${TOKEN_URL} #1`);
    expect(f.a).toMatch(/^\{\{client_secret;len=18;sha256=[0-9a-f]{8}\}\}$/);
    expect(JSON.stringify(d)).not.toContain('secret-value');
  });

  it('an exchange on one side only is listed; discovery fields are compared', async () => {
    const disco = (alg: string): HttpExchange => ({
      id: `d${alg}`,
      step: 'Discovery',
      startedAt: '2026-12-02T00:00:00.000Z',
      durationMs: 1,
      request: { method: 'GET', url: 'http://h/.well-known/smart-configuration', headers: [] },
      response: {
        status: 200,
        statusText: 'OK',
        headers: [],
        body: JSON.stringify({ token_endpoint_auth_signing_alg_values_supported: [alg] }),
        bodyBytes: 10,
        truncated: false,
      },
      curl: '',
    });
    const run = tokenRun({ runId: 'r1', at: 1_800_000_000 });
    const d = await diffSides(
      { name: 'a', exchanges: [disco('RS384')] },
      { name: 'b', exchanges: [disco('ES384'), run.ex] },
    );
    expect(at(d, 'discovery.token_endpoint_auth_signing_alg_values_supported')).toMatchObject({
      where: 'Discovery #1',
      a: '["RS384"]',
      b: '["ES384"]',
    });
    expect(at(d, 'exchange')).toEqual({
      where: 'Token request #1',
      field: 'exchange',
      b: `POST ${TOKEN_URL} -> 200`,
    });
  });

  it('reads a case bundle as a side, and refuses what is neither', () => {
    const r = tokenRun({ runId: 'r1', at: 1_800_000_000 });
    const bundle = buildCaseBundle({
      createdAt: '2026-12-02T00:00:00.000Z',
      app: { name: 'OAuth Flow Debugger', version: '0.1.0' },
      os: 'linux',
      clockOffsetSec: 0,
      run: r.run,
      profile: null,
      exchanges: [r.ex],
      tokens: [],
      findings: [],
    });
    const side = readDiffSide(JSON.stringify(bundle));
    expect(side.exchanges).toHaveLength(1);
    expect(side.name).toMatch(/^oauth-flow-debugger-case-token-/);
    expect(() => readDiffSide('{"a":1}', 'x.json')).toThrow(/neither a HAR file nor a case bundle/);
    expect(() => readDiffSide('not json', 'x.txt')).toThrow(/not JSON/);
  });
});
