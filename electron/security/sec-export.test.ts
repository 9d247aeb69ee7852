// SECURITY.md §7, case 21: canary secrets of every type — client secret, private key,
// client assertion, access / refresh / ID token, code, code_verifier, registration access token,
// Authorization / Cookie / Set-Cookie values — appear 0 times in what the engine exports or
// logs: the timeline (exchanges with their curl), every pushed event, the Inspector's Markdown
// report, profile exports, the config store and the console.
import { generateKeyPairSync } from 'node:crypto';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { Engine } from '../core/engine.js';
import { nodePorts } from '../core/node-ports.js';
import { must, waitForAuthorization } from '../core/test-helpers.js';

const CANARY = 'CANARY7f3a9c';
const CLIENT_SECRET = `${CANARY}-client-secret-0123456789abcdef`;
const COOKIE = `${CANARY}-cookie-session-value`;
const SET_COOKIE = `${CANARY}-set-cookie-value`;

let server: SmartServer;
let engine: Engine;
/** Everything the engine wrote to its config store, pushed as events, or logged. */
const stored: string[] = [];
const events: string[] = [];
const logged: string[] = [];
/** Secret values seen in plaintext (from the server side, or revealed on purpose). */
const secrets = new Set<string>([CLIENT_SECRET, COOKIE, SET_COOKIE]);
const remember = (v: unknown) => {
  if (typeof v === 'string' && v.length >= 8) secrets.add(v);
};
const SECRET_NAMES = [
  'client_secret',
  'client_assertion',
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'registration_access_token',
];

beforeAll(async () => {
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, m).mockImplementation(
      (...a: unknown[]) => void logged.push(a.map(String).join(' ')),
    );
  server = await startSmartServer({
    clients: [
      {
        client_id: 'canary-web',
        token_endpoint_auth_method: 'client_secret_post',
        client_secret: CLIENT_SECRET,
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
    ],
    // The plaintext values the server read and sent: what must never show on the app's side.
    onExchange: ({ params, body }) => {
      for (const n of SECRET_NAMES) remember(params[n]);
      if (body && typeof body === 'object')
        for (const n of SECRET_NAMES) remember((body as Record<string, unknown>)[n]);
    },
  });
  const ports = nodePorts({ ephemeral: true });
  const set = ports.store.set.bind(ports.store);
  ports.store.set = (k, v) => {
    stored.push(JSON.stringify(v));
    set(k, v);
  };
  ports.hub.subscribe((name, payload) => events.push(`${name} ${JSON.stringify(payload)}`));
  engine = new Engine(ports);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await server?.close();
});

/** Every export of the engine a user can save or copy, as one text. */
async function everyExport(extra: string[] = []): Promise<string> {
  const profiles = must(await engine.listProfiles());
  const out = [
    JSON.stringify(must(await engine.listExchanges())),
    JSON.stringify(profiles),
    JSON.stringify(must(await engine.getTokenSet())),
    ...(await Promise.all(profiles.map(async (p) => must(await engine.exportProfile(p.id)).json))),
    ...stored,
    ...events,
    ...logged,
    ...extra,
  ];
  return out.join('\n');
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('sec-21 canary secrets in exports and logs', () => {
  const shown: string[] = [];

  it('sec-21 a code flow with a client secret: code, verifier and every token stay out of all exports', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'canary code flow',
        flow: 'authorization-code',
        fhirBaseUrl: server.fhirBase,
        clientId: 'canary-web',
        scope: 'openid fhirUser offline_access patient/Patient.rs',
        auth: { method: 'client_secret_post', clientSecret: CLIENT_SECRET },
      }),
    );
    const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
    const redirect = await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri });
    remember(new URL(redirect).searchParams.get('code'));
    await fetch(redirect);
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.status).toBe('done');
    shown.push(JSON.stringify(done));
    shown.push(JSON.stringify(must(await engine.refreshTokens({ profileId: p.id }))));
    shown.push(
      JSON.stringify(
        must(await engine.introspectToken({ profileId: p.id, which: 'access_token' })),
      ),
    );
    shown.push(JSON.stringify(must(await engine.callUserinfo({ profileId: p.id }))));
    shown.push(JSON.stringify(must(await engine.decodeToken({}))));
    for (const kind of ['access_token', 'refresh_token', 'id_token'] as const)
      remember(must(await engine.revealSecret({ kind })).value);

    const all = await everyExport(shown);
    expect(secrets.size).toBeGreaterThanOrEqual(8);
    for (const s of secrets) expect(count(all, s), s.slice(0, 12)).toBe(0);
    expect(count(all, CANARY)).toBe(0);
    // Masked values keep their shape: placeholders in the timeline, length hints in views.
    const timeline = JSON.stringify(must(await engine.listExchanges()));
    for (const n of [
      'code',
      'code_verifier',
      'client_secret',
      'access_token',
      'refresh_token',
      'id_token',
    ])
      expect(timeline).toContain(`{{${n}}}`);
    const held = must(await engine.getTokenSet()).tokens!;
    expect(held.accessToken.masked).toMatch(/\(\d+ chars\)$/);
  });

  it('sec-21 dynamic registration: the registration access token and issued secret stay out', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'canary registration',
        fhirBaseUrl: server.fhirBase,
        clientId: '',
        scope: 'system/Patient.rs',
        auth: { method: 'client_secret_basic' },
      }),
    );
    const draft = must(await engine.prepareRegistration({ profileId: p.id }));
    const r = must(await engine.sendRegistration({ profileId: p.id, body: draft.body }));
    expect(r.ok).toBe(true);
    shown.push(JSON.stringify(r));
    shown.push(
      JSON.stringify(must(await engine.manageRegistration({ profileId: p.id, action: 'read' }))),
    );
    const all = await everyExport(shown);
    expect([...secrets].some((s) => s.length > 20)).toBe(true);
    for (const s of secrets) expect(count(all, s), s.slice(0, 12)).toBe(0);
    expect(JSON.stringify(must(await engine.listExchanges()))).toContain(
      '{{registration_access_token}}',
    );
  });

  it('sec-21 private_key_jwt: the private key and the client assertion stay out', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const d = (privateKey.export({ format: 'jwk' }) as { d: string }).d;
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    const key = must(await engine.importKey({ text: pem, alg: 'RS384' }));
    const p = must(
      await engine.saveProfile({
        name: 'canary assertion',
        flow: 'backend-services',
        tokenEndpoint: server.tokenEndpoint,
        clientId: 'not-registered',
        scope: 'system/Patient.rs',
        auth: { method: 'private_key_jwt', keyId: key.id },
      }),
    );
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    shown.push(JSON.stringify(draft));
    shown.push(JSON.stringify(must(await engine.sendTokenRequest({ draftId: draft.id }))));
    shown.push(JSON.stringify(must(await engine.listKeys())));
    shown.push(must(await engine.exportJwks([key.id])).jwks);
    const assertion = must(await engine.revealSecret({ kind: 'client_assertion' })).value;
    const all = await everyExport(shown);
    expect(count(all, d)).toBe(0);
    for (const line of body) expect(count(all, line)).toBe(0);
    expect(count(all, assertion)).toBe(0);
    expect(count(all, assertion.split('.')[2]!)).toBe(0);
    expect(JSON.stringify(draft)).toContain('[signature hidden:');
  });

  it('sec-21 the Inspector Markdown report of evidence carrying every secret and credential header', async () => {
    const jwt = (claims: Record<string, unknown>) =>
      `${base64url.encode('{"alg":"RS256","kid":"k1"}')}.${base64url.encode(JSON.stringify(claims))}.${base64url.encode(`${CANARY}-sig-${Math.random()}`)}`;
    const assertion = jwt({
      iss: 'c1',
      sub: 'c1',
      aud: 'https://ehr.example/token',
      jti: 'j1',
      exp: 2e9,
    });
    const idToken = jwt({
      iss: 'https://ehr.example',
      aud: 'c1',
      sub: 'alice',
      nonce: 'n',
      exp: 2e9,
    });
    const values = {
      code: `${CANARY}-authorization-code-0001`,
      code_verifier: `${CANARY}-verifier-abcdefghijklmnopqrstuvwxyz0123`,
      access_token: `${CANARY}-access-token-0001`,
      refresh_token: `${CANARY}-refresh-token-0001`,
      registration_access_token: `${CANARY}-registration-access-token`,
    };
    const basic = Buffer.from(`c1:${CLIENT_SECRET}`).toString('base64');
    const request = [
      'POST /token HTTP/1.1',
      'Host: ehr.example',
      `Authorization: Basic ${basic}`,
      `Cookie: session=${COOKIE}`,
      'Content-Type: application/x-www-form-urlencoded',
      '',
      new URLSearchParams({
        grant_type: 'authorization_code',
        code: values.code,
        code_verifier: values.code_verifier,
        client_secret: CLIENT_SECRET,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    ].join('\r\n');
    const response = [
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/json',
      `Set-Cookie: sid=${SET_COOKIE}; HttpOnly`,
      '',
      JSON.stringify({
        error: 'invalid_grant',
        error_description: 'code expired',
        access_token: values.access_token,
        refresh_token: values.refresh_token,
        id_token: idToken,
        registration_access_token: values.registration_access_token,
      }),
    ].join('\r\n');
    const r = must(
      await engine.inspect({
        items: [
          { text: request, name: 'request' },
          { text: response, name: 'response' },
        ],
      }),
    );
    expect(r.report.length).toBeGreaterThan(100);
    const all = [r.report, JSON.stringify(r), ...logged].join('\n');
    for (const v of [
      ...Object.values(values),
      CLIENT_SECRET,
      basic,
      COOKIE,
      SET_COOKIE,
      assertion,
      idToken,
    ])
      expect(count(all, v), v.slice(0, 20)).toBe(0);
    expect(count(all, CANARY)).toBe(0);
    expect(r.report).toMatch(/\{\{code\}\}|\{\{code_verifier\}\}/);
  });
});
