import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import type { ProfileInput } from '../../shared/types.js';
import type { Engine } from './engine.js';
import { must, profileSecretValue, testEngine, waitForAuthorization } from './test-helpers.js';

let server: SmartServer;
let engine: Engine;
let keyId: string;

beforeAll(async () => {
  engine = testEngine();
  keyId = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' })).id;
  // No static clients: every client here is registered dynamically.
  server = await startSmartServer({ clients: [] });
});
afterAll(() => server?.close());

async function profile(extra: Partial<ProfileInput> & Pick<ProfileInput, 'auth'>) {
  return must(
    await engine.saveProfile({
      name: 'registered app',
      fhirBaseUrl: server.fhirBase,
      clientId: '',
      scope: '',
      ...extra,
    }),
  );
}

describe('dynamic registration against oidc-provider (RFC 7591 / 7592)', () => {
  it('registers a backend service with jwks by value, then gets a token with it', async () => {
    const p = await profile({
      name: 'backend',
      scope: 'system/Patient.rs',
      auth: { method: 'private_key_jwt', keyId, alg: 'RS384' },
    });
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    expect(draft.url).toBe(server.registrationEndpoint);
    const meta = JSON.parse(draft.body) as Record<string, unknown>;
    expect(meta).toMatchObject({
      application_type: 'web',
      client_name: 'backend',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS384',
      grant_types: ['client_credentials'],
      response_types: [],
      scope: 'system/Patient.rs',
    });
    expect(meta.jwks_uri).toBeUndefined();
    const keys = (meta.jwks as { keys: Record<string, unknown>[] }).keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]!.d).toBeUndefined();
    expect(draft.preflight).toEqual([]);

    const r = must(await engine.sendRegistration({ profileId: p.id, body: draft.body }));
    expect(r.ok).toBe(true);
    expect(r.status).toBe(201);
    expect(r.stored).toEqual(
      expect.arrayContaining(['clientId', 'registrationAccessToken', 'registrationClientUri']),
    );
    expect(r.profile.clientId).toMatch(/\S/);
    expect(r.profile.hasRegistrationToken).toBe(true);
    expect(r.profile.registration?.clientUri).toContain('/reg/');

    const draftToken = must(await engine.prepareTokenRequest({ profileId: p.id }));
    const token = must(await engine.sendTokenRequest({ draftId: draftToken.id }));
    expect(token.ok).toBe(true);
  });

  it('registers a native app, uses it, then reads, updates and deletes the registration', async () => {
    const p = await profile({
      name: 'native app',
      flow: 'authorization-code',
      scope: 'openid offline_access patient/Patient.rs',
      auth: { method: 'none' },
      registration: { contacts: ['dev@example.test'] },
    });
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    expect(JSON.parse(draft.body)).toMatchObject({
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      contacts: ['dev@example.test'],
    });
    const r = must(await engine.sendRegistration({ profileId: p.id, body: draft.body }));
    expect(r.ok).toBe(true);
    const rat = await profileSecretValue(engine, p.id, 'registrationToken');
    expect(rat).toBeTruthy();
    expect(r.body?.registration_access_token).not.toBe(rat);
    const regEx = must(await engine.listExchanges()).filter((e) => e.step === 'Registration');
    expect(JSON.stringify(regEx)).not.toContain(rat!);
    expect(regEx.at(-1)?.response?.body).toContain('{{registration_access_token}}');

    // The registered client signs in through the loopback listener.
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const redirect = await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri });
    await fetch(redirect);
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.checks.every((c) => c.ok)).toBe(true);
    expect(done.status).toBe('done');

    const read = must(await engine.manageRegistration({ profileId: p.id, action: 'read' }));
    expect(read.ok).toBe(true);
    expect(read.body?.client_name).toBe('native app');
    const readEx = must(await engine.listExchanges()).at(-1)!;
    expect(readEx.request.method).toBe('GET');
    expect(readEx.request.headers).toContainEqual([
      'authorization',
      'Bearer {{registration_access_token}}',
    ]);

    const edited = JSON.stringify({ ...read.body, client_name: 'renamed app' });
    const upd = must(
      await engine.manageRegistration({ profileId: p.id, action: 'update', body: edited }),
    );
    expect(upd.ok).toBe(true);
    expect(upd.body?.client_name).toBe('renamed app');

    const del = must(await engine.manageRegistration({ profileId: p.id, action: 'delete' }));
    expect(del.ok).toBe(true);
    expect(del.status).toBe(204);
    expect(del.stored).toEqual(
      expect.arrayContaining(['clientId', 'registrationAccessToken', 'registrationClientUri']),
    );
    expect(del.profile.clientId).toBe('');
    expect(del.profile.hasRegistrationToken).toBe(false);
    expect(del.profile.registration?.clientUri).toBeUndefined();
    expect(del.profile.registration?.contacts).toEqual(['dev@example.test']);
    const after = await engine.manageRegistration({ profileId: p.id, action: 'read' });
    expect(after.ok ? '' : after.error.code).toBe('NOT_FOUND');
  });

  // A redirect URI the metadata may not hold is the metadata's fault (RFC 7591 §3.2.2
  // invalid_redirect_uri, DIAGNOSIS.md CLIENT_METADATA_INVALID), not a mismatch at sign-in.
  it('a redirect URI with a #fragment: CLIENT_METADATA_INVALID first, the URI named, nothing stored', async () => {
    const p = await profile({
      name: 'bad redirect',
      flow: 'authorization-code',
      auth: { method: 'none' },
    });
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    const body = JSON.stringify({
      ...JSON.parse(draft.body),
      redirect_uris: ['http://127.0.0.1/callback#frag'],
    });
    const r = must(await engine.sendRegistration({ profileId: p.id, body }));
    expect(r.ok).toBe(false);
    expect(r.status).toBe(400);
    expect(r.findings[0]?.code).toBe('CLIENT_METADATA_INVALID');
    expect(r.findings.map((f) => f.evidence).join(' ')).toContain('callback#frag');
    expect(r.stored).toEqual([]);
    expect(r.profile.clientId).toBe('');
  });

  it('jwks and jwks_uri together: CLIENT_METADATA_INVALID first', async () => {
    const p = await profile({
      name: 'both keys',
      scope: 'system/Patient.rs',
      jwksUri: 'https://app.example.test/jwks.json',
      registration: { keyDelivery: 'jwks' },
      auth: { method: 'private_key_jwt', keyId, alg: 'RS384' },
    });
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    const meta = JSON.parse(draft.body) as Record<string, unknown>;
    expect(meta.jwks).toBeDefined();
    expect(meta.jwks_uri).toBeUndefined();
    const body = JSON.stringify({ ...meta, jwks_uri: 'https://app.example.test/jwks.json' });
    const r = must(await engine.sendRegistration({ profileId: p.id, body }));
    expect(r.ok).toBe(false);
    expect(r.findings[0]?.code).toBe('CLIENT_METADATA_INVALID');
    expect(r.findings[0]?.evidence).toMatch(/server answered/i);
  });

  it('private_key_jwt without any key is flagged before sending', async () => {
    const p = await profile({
      name: 'no key',
      scope: 'system/Patient.rs',
      auth: { method: 'private_key_jwt' },
    });
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    expect(draft.preflight[0]).toMatchObject({
      code: 'CLIENT_METADATA_INVALID',
      severity: 'error',
    });
    expect(draft.preflight[0]?.fix).toContain('Keys step');
  });

  it('bad input: no registration endpoint, body that is not JSON, no RFC 7592 handles', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'nowhere',
        clientId: '',
        scope: '',
        auth: { method: 'none' },
      }),
    );
    const prep = await engine.prepareRegistration({ profileId: p.id });
    expect(prep.ok ? '' : prep.error.code).toBe('INVALID_INPUT');
    expect(prep.ok ? '' : prep.error.fix).toContain('registration endpoint');
    const notJson = await engine.sendRegistration({
      profileId: p.id,
      body: '{ nope',
      url: server.registrationEndpoint,
    });
    expect(notJson.ok ? '' : notJson.error.code).toBe('JSON_INVALID');
    const manage = await engine.manageRegistration({ profileId: p.id, action: 'read' });
    expect(manage.ok ? '' : manage.error.code).toBe('NOT_FOUND');
  });
});

describe('OpenEMR-shaped registration', () => {
  let oe: Server;
  let base: string;
  let received: Record<string, unknown> | undefined;
  const secret = 'openemr-client-secret-0123456789abcdef';
  const rat = 'openemr-registration-token-abcdef0123456789';
  const expiresAt = Math.floor(Date.now() / 1000) + 86_400;

  beforeAll(async () => {
    // Answers like OpenEMR's /oauth2/{site}/registration (Documentation/api/AUTHENTICATION.md):
    // system scopes are dropped while "Enable OpenEMR FHIR System Scopes" is off.
    oe = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/oauth2/default/registration') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"message":"OpenEMR Error: API is disabled"}');
          return;
        }
        received = JSON.parse(body) as Record<string, unknown>;
        const scope = String(received.scope ?? '')
          .split(' ')
          .filter((s) => !s.startsWith('system/'))
          .join(' ');
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            client_id: 'oe-client-id-1',
            client_secret: secret,
            registration_access_token: rat,
            registration_client_uri: `${base}/oauth2/default/client/oe-client-id-1`,
            client_id_issued_at: Math.floor(Date.now() / 1000),
            client_secret_expires_at: expiresAt,
            client_name: received.client_name,
            application_type: received.application_type,
            scope,
          }),
        );
      });
    });
    await new Promise<void>((r) => oe.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(oe.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => oe.close(() => r())));

  it('sends application_type private, stores the client and says what an admin must do', async () => {
    const p = await profile({
      name: 'OpenEMR backend',
      vendor: 'openemr',
      fhirBaseUrl: `${base}/apis/default/fhir`,
      registrationEndpoint: `${base}/oauth2/default/registration`,
      jwksUri: 'https://app.example.test/jwks.json',
      scope: 'openid api:fhir system/Patient.read system/Observation.read',
      auth: { method: 'private_key_jwt', keyId, alg: 'RS384' },
    });
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    expect(draft.url).toBe(`${base}/oauth2/default/registration`);
    const r = must(await engine.sendRegistration({ profileId: p.id, body: draft.body }));
    expect(received).toMatchObject({
      application_type: 'private',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://app.example.test/jwks.json',
      grant_types: ['client_credentials'],
    });
    expect(received?.jwks).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.stored).toEqual(
      expect.arrayContaining([
        'clientId',
        'clientSecret',
        'registrationAccessToken',
        'registrationClientUri',
      ]),
    );
    expect(r.profile.clientId).toBe('oe-client-id-1');
    expect(r.profile.auth.hasClientSecret).toBe(true);
    expect(await profileSecretValue(engine, p.id, 'clientSecret')).toBe(secret);
    expect(await profileSecretValue(engine, p.id, 'registrationToken')).toBe(rat);
    expect(r.body?.client_secret).not.toBe(secret);
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(JSON.stringify(must(await engine.listExchanges()))).not.toContain(secret);

    const titles = r.nextSteps.map((s) => s.title);
    expect(titles).toContain('An administrator must enable the new client');
    expect(
      r.nextSteps.find((s) => s.title === 'An administrator must enable the new client')?.detail,
    ).toContain('Admin → System → API Clients → Edit → Enable');
    expect(r.nextSteps.find((s) => s.title === 'Switch on system scopes')?.detail).toContain(
      "'Enable OpenEMR FHIR System Scopes' (Admin → Config → Connectors)",
    );
    expect(r.nextSteps.find((s) => s.title === 'Scopes dropped by the server')?.detail).toContain(
      'system/Patient.read system/Observation.read',
    );
    expect(r.nextSteps.find((s) => s.title === 'The client secret expires')?.detail).toContain(
      new Date(expiresAt * 1000).toISOString(),
    );
    expect(r.findings.map((f) => f.code)).toContain('SCOPE_NARROWED');
  });

  it('a public OpenEMR app registers as application_type public', async () => {
    const p = await profile({
      name: 'OpenEMR patient app',
      vendor: 'openemr',
      flow: 'authorization-code',
      registrationEndpoint: `${base}/oauth2/default/registration`,
      scope: 'openid launch/patient patient/Patient.read',
      auth: { method: 'none' },
    });
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    expect(JSON.parse(draft.body)).toMatchObject({ application_type: 'public' });
    const wrongPath = must(
      await engine.sendRegistration({
        profileId: p.id,
        body: draft.body,
        url: `${base}/oauth2/registration`,
      }),
    );
    expect(wrongPath.ok).toBe(false);
    expect(wrongPath.findings[0]?.code).toBe('ENDPOINT_NOT_FOUND');
  });
});
