import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../shared/diagnosis/pipeline.js';
import { startSmartServer, type SmartServer } from '../testing/smart-server.js';
import type { Engine } from './engine.js';
import { CANCELLED_MESSAGE } from './in-flight.js';
import { must, recordedExchanges, testEngine } from './test-helpers.js';

let server: SmartServer;
let engine: Engine;
let keyId: string;
/** A real server that accepts every request and never answers it. */
let silent: Server;
let silentUrl: string;
const arrived: IncomingMessage[] = [];

beforeAll(async () => {
  engine = testEngine();
  const key = must(await engine.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
  keyId = key.id;
  server = await startSmartServer({
    clients: [
      {
        client_id: 'fresh-client',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES384',
        jwks: { keys: [key.publicJwk] },
      },
    ],
  });
  silent = createServer((req) => arrived.push(req));
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(async () => {
  silent?.closeAllConnections();
  silent?.close();
  await server?.close();
});

async function profile(extra: Record<string, unknown> = {}) {
  return must(
    await engine.saveProfile({
      name: `fresh ${Math.random()}`,
      fhirBaseUrl: server.fhirBase,
      clientId: 'fresh-client',
      scope: 'system/Patient.rs',
      auth: { method: 'private_key_jwt', keyId, alg: 'ES384' },
      ...extra,
    }),
  );
}

/** Resolves when the silent server receives its next request (listen before sending). */
const nextArrival = () => once(silent, 'request');

describe('a fresh assertion per Send', () => {
  it('signs a new jti, iat and exp for every Send of the same draft, and the server takes both', async () => {
    const p = await profile();
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    const first = must(await engine.sendTokenRequest({ draftId: draft.id }));
    const second = must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(first.ok).toBe(true);
    expect(second.ok).toBe(true);
    expect(first.assertion?.pinned).toBe(false);
    const jtis = [draft.assertion, first.assertion?.view, second.assertion?.view].map(
      (v) => v?.claims.jti,
    );
    expect(new Set(jtis).size).toBe(3);
    expect(second.findings.map((f) => f.code)).not.toContain('ASSERTION_JTI_REUSED');
  });

  it('re-sends a pinned assertion as it is: the server refuses the reused jti', async () => {
    const p = await profile();
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    const first = must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(first.ok).toBe(true);
    const check = must(await engine.checkTokenRequest({ draftId: draft.id, pinAssertion: true }));
    expect(check.assertion?.pinned).toBe(true);
    expect(check.assertion?.view.claims.jti).toBe(first.assertion?.view.claims.jti);
    expect(check.preflight.map((f) => f.code)).toContain('ASSERTION_JTI_REUSED');

    const again = must(await engine.sendTokenRequest({ draftId: draft.id, pinAssertion: true }));
    expect(again.assertion?.pinned).toBe(true);
    expect(again.assertion?.view.claims).toEqual(first.assertion?.view.claims);
    expect(again.ok).toBe(false);
    expect(again.findings[0]?.code).toBe('ASSERTION_JTI_REUSED');

    // Unpinned after a pinned Send: the check and the next Send sign a fresh one again.
    const unpinned = must(
      await engine.checkTokenRequest({ draftId: draft.id, pinAssertion: false }),
    );
    expect(unpinned.assertion?.pinned).toBe(false);
    expect(unpinned.assertion?.view.claims.jti).not.toBe(first.assertion?.view.claims.jti);
    expect(unpinned.preflight.map((f) => f.code)).not.toContain('ASSERTION_JTI_REUSED');
    const fresh = must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(fresh.ok).toBe(true);
  });
});

describe('live pre-flight', () => {
  it('re-checks the request with the edits, with a fresh assertion unless pinned', async () => {
    const p = await profile();
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    const sentBefore = recordedExchanges(engine).length;
    const plain = must(await engine.checkTokenRequest({ draftId: draft.id }));
    expect(plain.preflight.map((f) => f.code)).not.toContain('ASSERTION_TYPE_INVALID');
    expect(plain.assertion?.pinned).toBe(false);
    expect(plain.assertion?.view.claims.jti).not.toBe(draft.assertion?.claims.jti);

    const params = draft.params.map(([n, v]): [string, string] =>
      n === 'client_assertion_type' ? [n, 'urn:wrong'] : [n, v],
    );
    const edited = must(await engine.checkTokenRequest({ draftId: draft.id, edits: { params } }));
    const codes = edited.preflight.map((f) => f.code);
    expect(codes.length).toBeGreaterThan(plain.preflight.length);
    expect(edited.preflight.some((f) => f.evidence.includes('urn:wrong'))).toBe(true);
    // Nothing was sent by the checks.
    expect(recordedExchanges(engine).length).toBe(sentBefore);
  });
});

describe('cancel', () => {
  it('aborts a token request the server never answers: CANCELLED, recorded as cancelled', async () => {
    const p = await profile({ tokenEndpoint: `${silentUrl}/token` });
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    const arrival = nextArrival();
    const sending = engine.sendTokenRequest({ draftId: draft.id });
    await arrival;
    // Another profile's cancel leaves it alone.
    const other = await profile();
    expect(must(await engine.cancelRequests({ profileId: other.id })).cancelled).toBe(0);
    expect(must(await engine.cancelRequests({ profileId: p.id })).cancelled).toBe(1);
    const r = await sending;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CANCELLED');
    expect(r.error.message).toBe(CANCELLED_MESSAGE);
    expect(r.error.fix).toBeTruthy();
    const x = recordedExchanges(engine).find((e) => e.request.url === `${silentUrl}/token`);
    expect(x?.error).toEqual({ code: 'CANCELLED', message: CANCELLED_MESSAGE });
    expect(x?.response).toBeUndefined();
    expect(x?.profileId).toBe(p.id);
  });

  it('stops a discovery at the first cancelled document: the rest is not fetched', async () => {
    const start = recordedExchanges(engine).length;
    const arrival = nextArrival();
    const discovering = engine.discover({ fhirBaseUrl: `${silentUrl}/fhir` });
    await arrival;
    expect(must(await engine.cancelRequests({})).cancelled).toBe(1);
    const r = await discovering;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('CANCELLED');
    const made = recordedExchanges(engine).slice(start);
    expect(made.length).toBeGreaterThan(0);
    expect(made.every((x) => x.error?.code === 'CANCELLED')).toBe(true);
    expect(must(await engine.cancelRequests({})).cancelled).toBe(0);
  });

  it('a cancelled exchange has no finding about the server, and says so', () => {
    const d = diagnose({
      endpoint: 'token',
      url: `${silentUrl}/token`,
      localNow: 0,
      transportError: { code: 'CANCELLED', message: CANCELLED_MESSAGE },
    });
    expect(d.ok).toBe(false);
    expect(d.findings).toHaveLength(1);
    expect(d.findings[0]?.basis).not.toBe('server');
    expect(d.findings[0]?.severity).toBe('info');
    expect(d.findings[0]?.title).toContain('nothing is known about the server');
  });
});
