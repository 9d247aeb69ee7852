import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { APP_VERSION, type Har } from '../../shared/har.js';
import { parseCaseBundle } from '../../shared/case-bundle.js';
import { parseCurl } from '../../shared/evidence.js';
import type { Engine } from './engine.js';
import { coreOf, must, testEngine } from './test-helpers.js';

const WEB_REDIRECT = 'https://app.example.test/callback';
const WEB_SECRET = 'web-app-secret-value-0123456789';

let server: SmartServer;
let engine: Engine;
let keyId: string;
/** The plaintext secrets the server saw (assertions, codes, verifiers, tokens, the secret). */
const seen = new Set<string>([WEB_SECRET]);

beforeAll(async () => {
  engine = testEngine();
  const key = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
  keyId = key.id;
  server = await startSmartServer({
    clients: [
      {
        client_id: 'rs-client',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS384',
        jwks: { keys: [key.publicJwk] },
      },
      {
        client_id: 'web-app',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: WEB_SECRET,
        redirect_uris: [WEB_REDIRECT],
        grant_types: ['authorization_code', 'refresh_token'],
      },
    ],
    onExchange: (e) => {
      for (const k of ['client_assertion', 'code', 'code_verifier', 'refresh_token'])
        if (typeof e.params[k] === 'string') seen.add(e.params[k] as string);
      const body = e.body as Record<string, unknown> | undefined;
      for (const k of ['access_token', 'refresh_token', 'id_token'])
        if (typeof body?.[k] === 'string') seen.add(body[k] as string);
    },
  });
});
afterAll(() => server?.close());

async function backendProfile(name: string) {
  return must(
    await engine.saveProfile({
      name,
      fhirBaseUrl: server.fhirBase,
      clientId: 'rs-client',
      scope: 'system/Patient.rs',
      auth: { method: 'private_key_jwt', alg: 'RS384', keyId } as never,
    }),
  );
}

async function backendRun(name: string, claims?: Record<string, unknown>) {
  const p = await backendProfile(name);
  const draft = must(
    await engine.prepareTokenRequest({
      profileId: p.id,
      ...(claims ? { overrides: { claims } } : {}),
    }),
  );
  const result = must(await engine.sendTokenRequest({ draftId: draft.id }));
  const ex = must(await engine.listExchanges()).find((x) => x.id === result.exchangeId)!;
  return { p, result, ex, runId: ex.runId! };
}

/** Every form a secret can take in a file: as is, URL-encoded, JSON-escaped. */
function leaks(text: string): string[] {
  return [...seen].filter(
    (s) =>
      s.length >= 8 &&
      (text.includes(s) ||
        text.includes(encodeURIComponent(s)) ||
        text.includes(JSON.stringify(s).slice(1, -1))),
  );
}

const findingCodes = (f: { code: string }[]) => f.map((x) => x.code);

describe('HAR export', () => {
  it('names this app and its version, one page per run, markers for every secret', async () => {
    const { runId, ex } = await backendRun('har-good');
    expect(ex.marks?.['{{client_assertion}}']).toBeDefined();
    const h = must(await engine.exportHar({ runIds: [runId] }));
    expect(h.redacted).toBe(true);
    expect(h.holds).toEqual([]);
    const har = JSON.parse(h.text) as Har;
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'OAuth Flow Debugger', version: APP_VERSION });
    expect(APP_VERSION).toBe(
      (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
    );
    expect(har.log.pages.map((p) => p.id)).toEqual([runId]);
    expect(har.log.entries.every((e) => e.pageref === runId)).toBe(true);
    const token = har.log.entries.find((e) => e._step === 'Token request')!;
    const mark = ex.marks!['{{client_assertion}}']!;
    expect(token.request.postData?.text).toContain(
      `client_assertion={{client_assertion;len=${mark.length};sha256=${mark.sha256}}}`,
    );
    expect(token.response.status).toBe(200);
    expect(token.response.content.text).toMatch(
      /"access_token":"\{\{access_token;len=\d+;sha256=[0-9a-f]{8}\}\}"/,
    );
    expect(token.timings.wait).toBe(ex.durationMs);
    expect(leaks(h.text)).toEqual([]);
    expect(h.entries).toBe(har.log.entries.length);
  });

  it('unredacted, holds the real values and says which kinds', async () => {
    const { runId } = await backendRun('har-clear');
    const h = must(await engine.exportHar({ runIds: [runId], redacted: false }));
    expect(h.redacted).toBe(false);
    expect(h.holds).toEqual(expect.arrayContaining(['access_token', 'client_assertion']));
    const har = JSON.parse(h.text) as Har;
    const token = har.log.entries.find((e) => e._step === 'Token request')!;
    const assertion = new URLSearchParams(token.request.postData!.text).get('client_assertion')!;
    expect(seen.has(assertion)).toBe(true);
    const access = (JSON.parse(token.response.content.text) as { access_token: string })
      .access_token;
    expect(seen.has(access)).toBe(true);
  });

  it('an unknown run is NOT_FOUND', async () => {
    const r = await engine.exportHar({ runIds: ['r-nope'] });
    expect(r.ok ? '' : r.error.code).toBe('NOT_FOUND');
  });

  it('opened in the Inspector, gives the findings the run had (good and refused)', async () => {
    for (const claims of [undefined, { aud: 'https://wrong.example/token' }]) {
      const { runId, result } = await backendRun(claims ? 'inspect-bad' : 'inspect-good', claims);
      const h = must(await engine.exportHar({ runIds: [runId] }));
      const report = must(await engine.inspect({ items: [{ text: h.text, name: 'export.har' }] }));
      expect(report.refused).toBe(!result.ok);
      expect(findingCodes(report.findings)).toEqual(findingCodes(result.findings));
      expect(report.notes.join(' ')).toContain('Masked in the export, cannot be checked');
      expect(report.findings.some((f) => f.code === 'REQUEST_MALFORMED')).toBe(false);
      const assertion = report.jwts.find((j) => j.role === 'client_assertion')!;
      expect(assertion.verification.status).toBe('unchecked');
      if (claims) expect(findingCodes(report.findings)).toContain('ASSERTION_AUD_MISMATCH');
    }
  });
});

describe('the code flow: front channel', () => {
  it('the authorize redirect and the callback are HAR entries; the code is a marker', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'web',
        flow: 'authorization-code',
        fhirBaseUrl: server.fhirBase,
        clientId: 'web-app',
        scope: 'openid fhirUser launch/patient patient/Patient.rs offline_access',
        redirectUri: WEB_REDIRECT,
        auth: { method: 'client_secret_basic', clientSecret: WEB_SECRET },
      }),
    );
    const before = new Set(seen);
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const redirect = await completeDevLogin(flow.url, { redirectPrefix: WEB_REDIRECT });
    const done = must(
      await engine.completeAuthorization({ flowId: flow.id, redirectUrl: redirect }),
    );
    expect(done.status).toBe('done');
    const runId = must(await engine.listExchanges()).find(
      (x) => x.id === done.token!.exchangeId,
    )!.runId!;
    const h = must(await engine.exportHar({ runIds: [runId] }));
    const har = JSON.parse(h.text) as Har;
    const steps = har.log.entries.map((e) => [e._step, e._channel ?? 'back']);
    expect(steps).toContainEqual(['Authorize (browser)', 'front']);
    expect(steps).toContainEqual(['Callback (paste)', 'front']);
    const callback = har.log.entries.find((e) => e._step === 'Callback (paste)')!;
    expect(callback.request.url).toMatch(/code=\{\{code;len=\d+;sha256=[0-9a-f]{8}\}\}/);
    expect(leaks(h.text)).toEqual([]);
    const fromHar = must(await engine.inspect({ items: [{ text: h.text, name: 'code.har' }] }));
    expect(fromHar.refused).toBe(false);
    // The findings the run had, no more (a masked verifier is not a PKCE mismatch) and no
    // fewer (the granted scope next to the authorize request's).
    const ran = findingCodes(done.token!.findings);
    expect(ran.length).toBeGreaterThan(0);
    expect(findingCodes(fromHar.findings)).toEqual(ran);

    const clear = must(await engine.exportHar({ runIds: [runId], redacted: false }));
    const code = new URL(redirect).searchParams.get('code')!;
    expect(clear.text).toContain(code);
    expect(clear.holds).toEqual(expect.arrayContaining(['code', 'code_verifier', 'id_token']));
    // Every secret of the run the server saw (code, verifier, tokens) is in the unredacted export.
    const ofRun = [...seen].filter((v) => !before.has(v));
    expect(ofRun.length).toBeGreaterThanOrEqual(4);
    expect(ofRun.filter((v) => !clear.text.includes(v))).toEqual([]);

    // The bundle of the run, and the Inspector over it: a good code exchange.
    const bundle = must(await engine.exportBundle({ runId }));
    expect(leaks(bundle.text)).toEqual([]);
    const b = parseCaseBundle(JSON.parse(bundle.text));
    expect(b.tokens.map((t) => t.kind)).toEqual(expect.arrayContaining(['id_token']));
    const report = must(
      await engine.inspect({ items: [{ text: bundle.text, name: 'case.json' }] }),
    );
    expect(report.refused).toBe(false);
    expect(report.items[0]!.summary).toMatch(/^Case bundle of run "\S+" \(web\)/);
  });
});

describe('runnable curl', () => {
  it('holds the real values and replays against the server (a fresh jti is needed: the same one is refused)', async () => {
    const { ex } = await backendRun('curl');
    const r = must(await engine.runnableCurl({ exchangeId: ex.id }));
    expect(r.holds).toEqual(['client_assertion']);
    expect(r.curl).not.toContain('{{');
    const req = parseCurl(r.curl);
    const assertion = new URLSearchParams(req.body).get('client_assertion')!;
    expect(seen.has(assertion)).toBe(true);
    // The exact request, replayed: the server refuses the reused assertion (jti replay).
    const replay = await fetch(req.url!, {
      method: req.method,
      headers: req.headers,
      body: req.body!,
    });
    const body = (await replay.json()) as { error?: string };
    expect(replay.status).toBe(401);
    expect(body.error).toBe('invalid_client');
    // The same command with a fresh assertion in place of the old one is accepted.
    must(await engine.buildAssertion({ profileId: ex.profileId! }));
    const fresh = must(await engine.revealSecret({ kind: 'client_assertion' })).value;
    const again = await fetch(req.url!, {
      method: req.method,
      headers: req.headers,
      body: req.body!.replace(assertion, fresh),
    });
    expect(again.status).toBe(200);
  });

  it('NOT_FOUND for an unknown exchange; SECRET_UNAVAILABLE once the values are gone', async () => {
    const none = await engine.runnableCurl({ exchangeId: 'x-nope' });
    expect(none.ok ? '' : none.error.code).toBe('NOT_FOUND');
    const { ex } = await backendRun('curl-gone');
    // As after a restart: the exchange restored from a saved timeline, its values not held.
    coreOf(engine).http.heldValues.delete(ex.id);
    const gone = await engine.runnableCurl({ exchangeId: ex.id });
    expect(gone.ok ? '' : gone.error.code).toBe('SECRET_UNAVAILABLE');
    expect(gone.ok ? '' : gone.error.message).toContain('no longer held');
    // The unredacted HAR says so, and keeps the markers.
    const h = must(await engine.exportHar({ runIds: [ex.runId!], redacted: false }));
    expect(h.stillMasked).toBe(1);
    expect(h.text).toContain('{{client_assertion;len=');
  });
});

describe('case bundle', () => {
  it('round trip: a refused run -> bundle -> inspect gives its findings, no secret inside', async () => {
    const { runId, result, p } = await backendRun('bundle-bad', {
      aud: 'https://wrong.example/token',
    });
    const out = must(await engine.exportBundle({ runId }));
    expect(out.fileName).toMatch(/^oauth-flow-debugger-case-.*\.json$/);
    const b = parseCaseBundle(JSON.parse(out.text));
    expect(b.run.id).toBe(runId);
    expect(b.app.version).toBe(APP_VERSION);
    expect(b.profile?.name).toBe(p.name);
    expect(JSON.stringify(b.profile)).not.toContain('keyId');
    expect(b.clockOffsetSec).toEqual(expect.any(Number));
    const assertion = b.tokens.find((t) => t.kind === 'client_assertion')!;
    expect(assertion.claims.aud).toBe('https://wrong.example/token');
    expect(JSON.stringify(assertion)).not.toMatch(/signature/);
    expect(findingCodes(b.findings)).toEqual(findingCodes(result.findings));
    expect(b.findings.every((f) => f.basis)).toBe(true);
    expect(leaks(out.text)).toEqual([]);
    const report = must(await engine.inspect({ items: [{ text: out.text, name: 'case.json' }] }));
    expect(report.refused).toBe(true);
    expect(findingCodes(report.findings)).toEqual(findingCodes(result.findings));
    expect(report.report).toContain('ASSERTION_AUD_MISMATCH');
  });

  it('an unknown run is NOT_FOUND', async () => {
    const r = await engine.exportBundle({ runId: 'r-nope' });
    expect(r.ok ? '' : r.error.code).toBe('NOT_FOUND');
  });
});

describe('run diff', () => {
  it('a good run and a wrong-aud run: the aud claim and the status/error, secrets as markers', async () => {
    const good = await backendRun('diff-good');
    const bad = await backendRun('diff-bad', { aud: 'https://wrong.example/token' });
    const d = must(await engine.diffRuns({ a: { runId: good.runId }, b: { runId: bad.runId } }));
    const at = (field: string) => d.differences.find((x) => x.field === field);
    expect(at('assertion.claims.aud')).toMatchObject({
      where: 'Token request #1',
      a: server.tokenEndpoint,
      b: 'https://wrong.example/token',
    });
    expect(at('response.status')).toMatchObject({ a: '200', b: '401' });
    expect(at('response.error')).toMatchObject({ b: 'invalid_client' });
    // Volatile values (jti, iat, exp as a lifetime) are no difference.
    expect(d.differences.map((x) => x.field)).not.toContain('assertion.claims.jti');
    expect(d.differences.map((x) => x.field)).not.toContain('assertion.claims.exp');
    expect(leaks(JSON.stringify(d))).toEqual([]);

    // The same from the two HAR exports, and from a HAR against a bundle.
    const harA = must(await engine.exportHar({ runIds: [good.runId] })).text;
    const harB = must(await engine.exportHar({ runIds: [bad.runId] })).text;
    const fromHar = must(await engine.diffRuns({ a: { text: harA }, b: { text: harB } }));
    expect(fromHar.differences.find((x) => x.field === 'assertion.claims.aud')?.b).toBe(
      'https://wrong.example/token',
    );
    const bundleB = must(await engine.exportBundle({ runId: bad.runId })).text;
    const mixed = must(await engine.diffRuns({ a: { text: harA }, b: { text: bundleB } }));
    expect(mixed.differences.find((x) => x.field === 'response.status')).toMatchObject({
      a: '200',
      b: '401',
    });
    const same = must(await engine.diffRuns({ a: { runId: good.runId }, b: { text: harA } }));
    expect(same.differences).toEqual([]);
  });

  it('text that is neither HAR nor bundle is INVALID_INPUT', async () => {
    const r = await engine.diffRuns({ a: { text: '{"x":1}' }, b: { text: 'nope' } });
    expect(r.ok ? '' : r.error.code).toBe('INVALID_INPUT');
  });
});
