import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { portIsFree } from '../testing/net.js';
import { Engine } from './engine.js';
import { nodePorts } from './node-ports.js';
import { JWKS_HOST_NOTE } from './features/jwks-host.js';
import { must, testEngine } from './test-helpers.js';

let server: SmartServer;
let engine: Engine;

beforeAll(async () => {
  engine = testEngine();
  server = await startSmartServer({ clients: [] });
});
afterAll(async () => {
  await engine.stopJwksHost();
  await server?.close();
});

describe('JWKS hosting on a loopback URL', () => {
  it('serves only the public keys, checks it can be fetched, and stops', async () => {
    const rs = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
    const es = must(await engine.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
    const host = must(await engine.hostJwks({ keyIds: [rs.id, es.id] }));
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/jwks.json`);
    expect(host.kids).toEqual([rs.kid, es.kid]);
    expect(host.reachable).toBe(true);
    expect(host.note).toBe(JWKS_HOST_NOTE);
    const ex = must(await engine.listExchanges()).find((e) => e.id === host.exchangeId);
    expect(ex?.step).toBe('JWKS hosting');
    expect(ex?.response?.status).toBe(200);

    const res = await fetch(host.url);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const jwks = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([rs.kid, es.kid]);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', n: rs.publicJwk.n, e: rs.publicJwk.e });
    expect(jwks.keys[1]).toMatchObject({ kty: 'EC', x: es.publicJwk.x, y: es.publicJwk.y });
    for (const k of jwks.keys)
      for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k[m]).toBeUndefined();
    expect((await fetch(`http://127.0.0.1:${host.port}/other`)).status).toBe(404);

    expect(must(await engine.getJwksHost()).host?.url).toBe(host.url);
    expect(must(await engine.stopJwksHost()).stopped).toBe(true);
    expect(await portIsFree(host.port)).toBe(true);
    expect(must(await engine.getJwksHost()).host).toBeNull();
    expect(must(await engine.stopJwksHost()).stopped).toBe(false);
  });

  it('a client registered with the hosted URL as jwks_uri authenticates with private_key_jwt', async () => {
    const key = must(await engine.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
    const p = must(
      await engine.saveProfile({
        name: 'hosted-jwks',
        fhirBaseUrl: server.fhirBase,
        clientId: '',
        scope: 'system/Patient.rs',
        auth: { method: 'private_key_jwt', keyId: key.id, alg: 'ES384' },
      }),
    );
    const host = must(await engine.hostJwks({ profileId: p.id }));
    expect(host.kids).toEqual([key.kid]);
    must(
      await engine.saveProfile({
        id: p.id,
        name: 'hosted-jwks',
        fhirBaseUrl: server.fhirBase,
        clientId: '',
        scope: 'system/Patient.rs',
        jwksUri: host.url,
        auth: { method: 'private_key_jwt', keyId: key.id, alg: 'ES384' },
      }),
    );
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    expect(JSON.parse(draft.body)).toMatchObject({ jwks_uri: host.url });
    const reg = must(await engine.sendRegistration({ profileId: p.id, body: draft.body }));
    expect(reg.ok).toBe(true);

    const prepared = must(await engine.prepareTokenRequest({ profileId: p.id }));
    // The engine fetched the hosted JWKS like the server will, and found the kid there.
    expect(prepared.preflight.map((f) => f.code)).not.toContain('ASSERTION_KID_NOT_FOUND');
    const token = must(await engine.sendTokenRequest({ draftId: prepared.id }));
    expect(token.ok).toBe(true);

    // Starting again replaces the host (one at a time); the old port is released.
    const other = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
    const replaced = must(await engine.hostJwks({ keyIds: [other.id] }));
    expect(replaced.kids).toEqual([other.kid]);
    if (replaced.port !== host.port) expect(await portIsFree(host.port)).toBe(true);
    must(await engine.stopJwksHost());
  });

  it('a profile without a key has nothing to host', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'no key',
        clientId: 'x',
        scope: '',
        auth: { method: 'client_secret_basic' },
      }),
    );
    const r = await engine.hostJwks({ profileId: p.id });
    expect(r.ok ? '' : r.error.code).toBe('KEY_INVALID');
    expect(r.ok ? '' : r.error.fix).toContain('Keys step');
  });
});

describe('a stable JWKS URL per key', () => {
  it('keeps the port chosen first for a key, across a restart of the engine on the same data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofd-jwks-port-'));
    const first = new Engine(nodePorts({ dataDir: dir }));
    const key = must(await first.generateKey({ kind: 'EC-P-256', alg: 'ES256' }));
    const a = must(await first.hostJwks({ keyIds: [key.id] }));
    expect(a.rememberedPort).toBe(false);
    must(await first.stopJwksHost());
    const again = must(await first.hostJwks({ keyIds: [key.id] }));
    expect(again).toMatchObject({ port: a.port, rememberedPort: true });
    await first.dispose();

    // The key's public part and the port are in the store; a new process serves the same URL.
    const later = new Engine(nodePorts({ dataDir: dir }));
    const b = must(await later.hostJwks({ keyIds: [key.id] }));
    expect(b).toMatchObject({ url: a.url, rememberedPort: true, reachable: true });
    await later.dispose();
  });

  it('says when the remembered port is taken, and flags profiles that name the old URL after a move', async () => {
    const e = testEngine();
    const key = must(await e.generateKey({ kind: 'EC-P-256', alg: 'ES256' }));
    const first = must(await e.hostJwks({ keyIds: [key.id] }));
    const profile = must(
      await e.saveProfile({
        name: 'Registered with the hosted URL',
        clientId: 'c',
        scope: '',
        jwksUri: first.url,
        auth: { method: 'private_key_jwt', keyId: key.id, alg: 'ES256' },
      }),
    );
    must(await e.stopJwksHost());
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(first.port, '127.0.0.1', r));
    try {
      const taken = await e.hostJwks({ keyIds: [key.id] });
      expect(taken).toMatchObject({ ok: false, error: { code: 'PORT_IN_USE' } });
      expect(!taken.ok && taken.error.message).toContain(
        `Port ${first.port} on 127.0.0.1, the one remembered for this key's JWKS URL, is in use`,
      );
      expect(!taken.ok && taken.error.fix).toContain('jwks_uri updated');
      // Another port, chosen on purpose: the profile still names the old URL, and is flagged.
      const moved = must(await e.hostJwks({ keyIds: [key.id], port: 0 }));
      expect(moved.port).not.toBe(first.port);
      expect(moved.staleProfiles).toEqual([
        { profileId: profile.id, name: profile.name, jwksUri: first.url },
      ]);
      // The new port is the one remembered from now on.
      must(await e.stopJwksHost());
      expect(must(await e.hostJwks({ keyIds: [key.id] }))).toMatchObject({
        port: moved.port,
        rememberedPort: true,
      });
    } finally {
      await e.stopJwksHost();
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  });
});
