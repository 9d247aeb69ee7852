import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { startKeycloakSim, type KeycloakSim } from '../testing/simulators/keycloak.js';
import { BREAKS } from '../../shared/diagnosis/glossary.js';
import type { BreakName, ProfileInput } from '../../shared/types.js';
import type { Engine } from './engine.js';
import { keycloakProfile, pk, setUpKeycloakClients } from './sim-test-setup.js';
import { must, testEngine, waitForAuthorization } from './test-helpers.js';

/**
 * Break-it mode against the real SMART server (oidc-provider): every break is sent, the
 * server's status and error are recorded, and the cause the diagnosis names first is compared
 * with the expected one. A miss is a finding about the diagnosis, listed here with its reason,
 * not hidden: the test asserts that it still misses, so a fix shows up as a failure to update.
 */
const KNOWN_MISSES: Record<string, string> = {};

const missKey = (r: Pick<Row, 'at' | 'name'>) => `${r.at}: ${r.name}`;

interface Row {
  name: BreakName;
  /** The server and request: "oidc-provider token", "oidc-provider code flow", "Keycloak sim". */
  at: string;
  status: string;
  error: string;
  expected: string;
  named: string;
  /** What the first finding rests on: the server's words, or a check made here. */
  basis: string;
  matched: boolean;
}

let server: SmartServer;
let engine: Engine;
let rsKeyId: string;
const rows: Row[] = [];
/** What oidc-provider read from each token request: the proof the mistake reached it. */
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  engine = testEngine();
  const rs = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
  rsKeyId = rs.id;
  server = await startSmartServer({
    onExchange: (e) => {
      if (e.path === '/token') received.push(e.params);
    },
    clients: [
      {
        client_id: 'rs-client',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS384',
        jwks: { keys: [rs.publicJwk] },
        // Narrower than the server's system scopes, so the scope break has one to overreach.
        scope: 'system/Patient.rs',
      },
      {
        client_id: 'native-app',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid fhirUser launch/patient patient/Patient.rs',
      },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = rows.map(
    (r) =>
      `${pad(r.at, 24)} ${pad(r.name, 13)} ${pad(r.status, 6)} ${pad(r.error, 22)} ${pad(r.expected, 28)} ${pad(r.named, 28)} ${pad(r.basis, 9)} ${r.matched ? 'yes' : 'NO'}`,
  );
  console.log(
    [
      `break-it: ${rows.filter((r) => r.matched).length} of ${rows.length} breaks named the expected cause first`,
      `${pad('where', 24)} ${pad('break', 13)} ${pad('status', 6)} ${pad('server error', 22)} ${pad('expected', 28)} ${pad('named first', 28)} ${pad('basis', 9)} match`,
      ...lines,
      ...(Object.keys(KNOWN_MISSES).length
        ? Object.entries(KNOWN_MISSES).map(([n, why]) => `KNOWN_MISSES ${n}: ${why}`)
        : ['KNOWN_MISSES: none']),
    ].join('\n'),
  );
});

const backend = () =>
  engine.saveProfile({
    name: 'backend',
    fhirBaseUrl: server.fhirBase,
    clientId: 'rs-client',
    scope: 'system/Patient.rs',
    auth: { method: 'private_key_jwt', keyId: rsKeyId, alg: 'RS384' },
  } as ProfileInput);

const native = () =>
  engine.saveProfile({
    name: 'native',
    flow: 'authorization-code',
    fhirBaseUrl: server.fhirBase,
    clientId: 'native-app',
    scope: 'openid fhirUser launch/patient patient/Patient.rs',
    auth: { method: 'none' },
  } as ProfileInput);

/** Records a row and checks it against the expectation (or the known miss). */
function record(row: Row) {
  rows.push(row);
  const miss = KNOWN_MISSES[missKey(row)];
  if (miss) expect(row.named, `known miss no longer misses: ${miss}`).not.toBe(row.expected);
  else expect(row.named).toBe(row.expected);
  expect(row.matched).toBe(row.named === row.expected);
}

const tokenBreaks: BreakName[] = ['aud', 'exp', 'jti-reuse', 'alg', 'kid', 'iss-sub', 'scope'];

describe('break-it on the backend services token request', () => {
  it.each(tokenBreaks)('%s: the mistake reaches the server and is diagnosed', async (name) => {
    const p = must(await backend());
    if (name === 'jti-reuse') {
      // jti-reuse reuses the jti of the last assertion sent: send a good one first.
      const first = must(await engine.prepareTokenRequest({ profileId: p.id }));
      expect(must(await engine.sendTokenRequest({ draftId: first.id })).ok).toBe(true);
    }
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id, break: name }));
    expect(draft.broken?.name).toBe(name);
    expect(draft.broken?.expected).toBe(BREAKS.find((b) => b.name === name)!.expected);
    expect(draft.broken?.what).toBeTruthy();
    const r = must(await engine.sendTokenRequest({ draftId: draft.id }));
    // The mistake is real: the server read it, and refused it.
    const got = received.at(-1)!;
    if (name === 'scope') expect(String(got.scope)).toContain('system/*.rs');
    else {
      const jwt = String(got.client_assertion);
      const claims = decodeJwt(jwt);
      const header = decodeProtectedHeader(jwt);
      const sent: Record<string, () => unknown> = {
        aud: () => claims.aud === 'https://wrong.example/token',
        exp: () => (claims.exp ?? 0) < Date.now() / 1000,
        'jti-reuse': () => claims.jti === decodeJwt(String(received.at(-2)?.client_assertion)).jti,
        alg: () => header.alg === 'RS256',
        kid: () => header.kid === 'break-it-unknown-kid',
        'iss-sub': () => claims.sub !== claims.iss,
      };
      expect(sent[name]!(), `the server read the ${name} mistake`).toBe(true);
    }
    expect(r.ok).toBe(false);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.broken?.named).toBe(r.findings[0]?.code);
    record({
      name,
      at: 'oidc-provider token',
      status: String(r.status),
      error: String(r.body?.error ?? ''),
      expected: r.broken!.expected,
      named: r.broken!.named ?? '(none)',
      basis: r.findings[0]?.basis ?? '',
      matched: !!r.broken!.matched,
    });
  });

  it('alg with an EC key: signed by a throwaway RSA key, refused and diagnosed', async () => {
    const es = must(await engine.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
    const esServer = await startSmartServer({
      clients: [
        {
          client_id: 'es-client',
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES384',
          jwks: { keys: [es.publicJwk] },
        },
      ],
    });
    try {
      const p = must(
        await engine.saveProfile({
          name: 'es',
          fhirBaseUrl: esServer.fhirBase,
          clientId: 'es-client',
          scope: 'system/Patient.rs',
          auth: { method: 'private_key_jwt', keyId: es.id, alg: 'ES384' },
        } as ProfileInput),
      );
      const draft = must(await engine.prepareTokenRequest({ profileId: p.id, break: 'alg' }));
      expect(draft.assertion?.header.alg).toBe('RS256');
      expect(draft.broken?.what).toContain('throwaway RSA key');
      const r = must(await engine.sendTokenRequest({ draftId: draft.id }));
      expect(r.status).toBe(401);
      record({
        name: 'alg',
        at: 'oidc-provider token (EC)',
        status: String(r.status),
        error: String(r.body?.error ?? ''),
        expected: r.broken!.expected,
        named: r.broken!.named ?? '(none)',
        basis: r.findings[0]?.basis ?? '',
        matched: !!r.broken!.matched,
      });
    } finally {
      await esServer.close();
    }
  });

  it('refuses a break that does not fit the request, naming the ones that do', async () => {
    const p = must(await backend());
    const r = await engine.prepareTokenRequest({ profileId: p.id, break: 'state' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.fix).toContain('aud');
    }
  });
});

const flowBreaks: BreakName[] = ['verifier', 'redirect-uri', 'state', 'scope'];

describe('break-it on the authorization code flow', () => {
  it.each(flowBreaks)('%s: the mistake reaches the server and is diagnosed', async (name) => {
    const p = must(await native());
    const flow = must(
      await engine.startAuthorization({ profileId: p.id, open: false, break: name }),
    );
    expect(flow.broken?.name).toBe(name);
    if (flow.status === 'waiting') {
      const redirect = await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri });
      await fetch(redirect);
    }
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.status).toBe('failed');
    const first = done.findings[0] ?? done.token?.findings[0];
    expect(done.broken?.named).toBe(first?.code);
    record({
      name,
      at: 'oidc-provider code flow',
      status: done.token?.status ? String(done.token.status) : 'none',
      error: String(
        done.token?.body?.error ??
          done.callback?.params.find(([n]) => n === 'error')?.[1] ??
          (done.checks.find((c) => !c.ok)?.name ?? '') + ' check',
      ),
      expected: done.broken!.expected,
      named: done.broken!.named ?? '(none)',
      basis: first?.basis ?? '',
      matched: !!done.broken!.matched,
    });
  });
});

const keycloakBreaks: BreakName[] = ['aud', 'exp', 'jti-reuse', 'alg', 'kid', 'iss-sub'];

describe('break-it on a Keycloak simulator (terse invalid_client answers)', () => {
  let sim: KeycloakSim;
  let profileId: string;
  beforeAll(async () => {
    sim = await startKeycloakSim();
    const rs = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
    const rs256 = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS256' }));
    setUpKeycloakClients(sim, [rs, rs256]);
    const p = must(
      await engine.saveProfile({
        name: 'kc-jwt',
        ...keycloakProfile(sim),
        clientId: 'kc-jwt',
        auth: pk(rs.id),
        jwksUri: sim.clientJwksUrl('kc-jwt'),
      } as ProfileInput),
    );
    profileId = p.id;
  });
  afterAll(() => sim?.close());

  it.each(keycloakBreaks)('%s: sent to the simulator and diagnosed', async (name) => {
    if (name === 'jti-reuse') {
      const first = must(await engine.prepareTokenRequest({ profileId }));
      expect(must(await engine.sendTokenRequest({ draftId: first.id })).ok).toBe(true);
    }
    const draft = must(await engine.prepareTokenRequest({ profileId, break: name }));
    const r = must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(r.ok).toBe(false);
    record({
      name,
      at: 'Keycloak sim token',
      status: String(r.status),
      error: String(r.body?.error ?? ''),
      expected: r.broken!.expected,
      named: r.broken!.named ?? '(none)',
      basis: r.findings[0]?.basis ?? '',
      matched: !!r.broken!.matched,
    });
  });
});
