import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import type { HttpExchange } from '../../shared/types.js';
import type { Engine } from './engine.js';
import { must, testEngine, waitForAuthorization } from './test-helpers.js';

let server: SmartServer;
let engine: Engine;
let keyId: string;
/** The plaintext values the server saw, by parameter name. */
const seen: Record<string, string[]> = {};

beforeAll(async () => {
  engine = testEngine();
  const key = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
  keyId = key.id;
  server = await startSmartServer({
    clients: [
      {
        client_id: 'runs-backend',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS384',
        jwks: { keys: [key.publicJwk] },
      },
      {
        client_id: 'runs-native',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
    ],
    onExchange: ({ params }) => {
      for (const [k, v] of Object.entries(params))
        if (typeof v === 'string') (seen[k] ??= []).push(v);
    },
  });
});
afterAll(() => server?.close());

const sha8 = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 8);
const exchanges = async () => must(await engine.listExchanges());

describe('runs', () => {
  it('puts discovery and the token request of one attempt in one run, and a second attempt in a new one', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'Runs backend',
        fhirBaseUrl: server.fhirBase,
        clientId: 'runs-backend',
        scope: 'system/Patient.rs',
        auth: { method: 'private_key_jwt', keyId, alg: 'RS384' },
      }),
    );
    must(await engine.discover({ profileId: p.id }));
    const first = must(await engine.prepareTokenRequest({ profileId: p.id }));
    const sent = must(await engine.sendTokenRequest({ draftId: first.id }));
    expect(sent.ok).toBe(true);
    const second = must(await engine.prepareTokenRequest({ profileId: p.id }));
    must(await engine.sendTokenRequest({ draftId: second.id }));

    const mine = (await exchanges()).filter((x) => x.profileId === p.id);
    const runIds = [...new Set(mine.map((x) => x.runId))];
    expect(runIds).toHaveLength(2);
    const [a, b] = runIds.map((id) => mine.filter((x) => x.runId === id));
    expect(a!.map((x) => x.step)).toContain('Token request');
    expect(a!.some((x) => x.step.startsWith('Discovery'))).toBe(true);
    expect(b!.map((x) => x.step)).toEqual(['Token request']);

    const runs = must(await engine.listRuns()).filter((r) => r.profileId === p.id);
    expect(runs.map((r) => r.id)).toEqual(runIds);
    expect(runs[0]!.profileName).toBe('Runs backend');
  });

  it('marks each masked secret with its length and hash, never its value', async () => {
    const tokenRequests = (await exchanges()).filter(
      (x) => x.step === 'Token request' && x.profileId,
    );
    const ex = tokenRequests.at(-1)!;
    const mark = ex.marks?.['{{client_assertion}}'];
    const assertion = seen.client_assertion?.at(-1);
    expect(assertion).toBeDefined();
    expect(mark).toEqual({ length: assertion!.length, sha256: sha8(assertion!) });
    expect(JSON.stringify(ex)).not.toContain(assertion);
    // The access token in the answer is masked and marked too.
    expect(ex.marks?.['{{access_token}}']?.length).toBeGreaterThan(20);
  });

  it('records the browser hops of a code flow (authorize redirect and callback) in its run', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'Runs native',
        flow: 'authorization-code',
        fhirBaseUrl: server.fhirBase,
        clientId: 'runs-native',
        scope: 'openid launch/patient patient/Patient.rs',
        auth: { method: 'none' },
      }),
    );
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const redirect = await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri });
    const code = new URL(redirect).searchParams.get('code')!;
    await fetch(redirect);
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.status).toBe('done');

    const mine = (await exchanges()).filter((x) => x.profileId === p.id);
    const steps = mine.map((x) => x.step);
    expect(steps.indexOf('Authorize (browser)')).toBeLessThan(steps.indexOf('Callback (loopback)'));
    expect(steps.indexOf('Callback (loopback)')).toBeLessThan(steps.indexOf('Token request'));
    expect(new Set(mine.map((x) => x.runId)).size).toBe(1);

    const front = mine.filter((x): x is HttpExchange => x.channel === 'front');
    expect(front.map((x) => x.step)).toEqual(['Authorize (browser)', 'Callback (loopback)']);
    const callback = front[1]!;
    expect(callback.request.url).toContain('code={{code}}');
    expect(callback.request.url).not.toContain(code);
    expect(callback.marks?.['{{code}}']).toEqual({ length: code.length, sha256: sha8(code) });
    expect(front[0]!.request.url.startsWith(server.authorizationEndpoint)).toBe(true);
  });
});
