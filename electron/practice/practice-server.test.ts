import { importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceFlowView, PracticeServerView, ProfileView } from '../../shared/types.js';
import { completeDeviceLogin, completeDevLogin } from '../testing/smart-server.js';
import { Engine } from '../core/engine.js';
import { nodePorts, type EventHub } from '../core/node-ports.js';
import { must, testEngine, waitForAuthorization } from '../core/test-helpers.js';
import { EPIC_INVALID_CLIENT } from './simulators/epic.js';
import { DEMO_USER, readyProfiles, startPractice } from './practice-server.js';

let engine: Engine;
let practice: PracticeServerView;
let hub: EventHub;

beforeAll(async () => {
  const ports = nodePorts({ ephemeral: true });
  hub = ports.hub;
  engine = new Engine(ports);
  practice = must(await engine.startPracticeServer({}));
});
afterAll(() => engine?.dispose());

const named = (part: string): ProfileView => {
  const p = practice.profiles.find((x) => x.name.includes(part));
  if (!p) throw new Error(`no practice profile "${part}"`);
  return p;
};

/** Backend services: token, then the resource request at the profile's path (or `path`). */
async function backendToken(profile: ProfileView) {
  const draft = must(await engine.prepareTokenRequest({ profileId: profile.id }));
  return must(await engine.sendTokenRequest({ draftId: draft.id }));
}

/** The FHIR answer for `path` with the profile's current access token. */
async function read(profile: ProfileView, path: string) {
  const r = must(await engine.callResource({ profileId: profile.id, path }));
  return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown> };
}

describe('the standard practice server through the engine', () => {
  it('starts with its ready profiles, keys in the keyring, and the documented demo user', async () => {
    expect(practice.flavour).toBe('standard');
    expect(practice.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(practice.fhirBase).toBe(`${practice.issuer}/fhir`);
    expect(practice.user).toEqual(DEMO_USER);
    expect(practice.sources.length).toBeGreaterThan(0);
    expect(practice.profiles.map((p) => p.clientId)).toEqual([
      'practice-backend-rs384',
      'practice-backend-es384',
      'practice-confidential',
      'practice-public',
      'practice-device',
      '',
    ]);
    expect(named('confidential').auth.hasClientSecret).toBe(true);
    const keys = must(await engine.listKeys());
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES384', 'RS384']);
    expect(named('RS384').auth.keyId).toBe(keys.find((k) => k.alg === 'RS384')!.id);
    // A second start with the same flavour is the running server, not a new one.
    const again = must(await engine.startPracticeServer({ flavour: 'standard' }));
    expect(again.issuer).toBe(practice.issuer);
    expect(must(await engine.getPracticeServer()).server?.issuer).toBe(practice.issuer);
  });

  for (const alg of ['RS384', 'ES384'] as const)
    it(`backend services ${alg}: a token, then Patient and Observation from the FHIR base`, async () => {
      const profile = named(`(${alg})`);
      const t = await backendToken(profile);
      expect(t.ok).toBe(true);
      expect(t.status).toBe(200);
      const patient = await read(profile, 'Patient/pat-1');
      expect(patient.status).toBe(200);
      expect(patient.body).toMatchObject({ resourceType: 'Patient', id: 'pat-1' });
      const obs = await read(profile, 'Observation?patient=pat-2');
      expect(obs.status).toBe(200);
      const entries = obs.body.entry as { resource: { id: string; subject: unknown } }[];
      expect(entries.map((e) => e.resource.id)).toEqual(['obs-4']);
      expect(entries[0]!.resource.subject).toEqual({ reference: 'Patient/pat-2' });
      expect((await read(profile, 'Patient/nobody')).status).toBe(404);
    });

  it('code flow: the documented demo login signs in; patient/ scopes reach only the launch patient', async () => {
    const profile = named('confidential');
    const flow = must(await engine.startAuthorization({ profileId: profile.id, open: false }));
    const redirect = await completeDevLogin(flow.url, {
      login: DEMO_USER.login,
      password: DEMO_USER.password,
      redirectPrefix: flow.redirectUri,
    });
    await fetch(redirect);
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.status).toBe('done');
    expect(done.token?.ok).toBe(true);
    expect(done.token?.launchContext).toMatchObject({ patient: 'pat-1' });
    const own = await read(profile, 'Patient/pat-1');
    expect(own.status).toBe(200);
    const other = await read(profile, 'Patient/pat-2');
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).toContain('launch patient');
    const search = await read(profile, 'Observation');
    const ids = (search.body.entry as { resource: { id: string } }[]).map((e) => e.resource.id);
    expect(ids).toEqual(['obs-1', 'obs-2', 'obs-3']);
  });

  it('refuses a wrong password on the sign-in page, saying so', async () => {
    const profile = named('confidential');
    const flow = must(await engine.startAuthorization({ profileId: profile.id, open: false }));
    try {
      await expect(
        completeDevLogin(flow.url, {
          login: DEMO_USER.login,
          password: 'not-the-password',
          redirectPrefix: flow.redirectUri,
        }),
      ).rejects.toThrow(/HTTP 401[\s\S]*Wrong password: sign-in refused/);
      await expect(
        completeDevLogin(flow.url, {
          login: 'alice',
          password: DEMO_USER.password,
          redirectPrefix: flow.redirectUri,
        }),
      ).rejects.toThrow(/HTTP 401[\s\S]*No user &quot;alice&quot; here/);
    } finally {
      await engine.cancelAuthorization({ flowId: flow.id });
    }
  });

  it('the public app (none + PKCE) gets tokens and reads the launch patient', async () => {
    const profile = named('public app');
    expect(profile.auth.method).toBe('none');
    const flow = must(await engine.startAuthorization({ profileId: profile.id, open: false }));
    expect(new URL(flow.url).searchParams.get('code_challenge_method')).toBe('S256');
    const redirect = await completeDevLogin(flow.url, {
      login: DEMO_USER.login,
      password: DEMO_USER.password,
      redirectPrefix: flow.redirectUri,
    });
    await fetch(redirect);
    const done = await waitForAuthorization(engine, flow.id);
    expect(done.token?.ok).toBe(true);
    expect((await read(profile, 'Observation?patient=pat-1')).status).toBe(200);
  });

  it('device flow: the demo user signs in on the device pages, the poll gets the tokens', async () => {
    const profile = named('device');
    const start = must(await engine.startDeviceAuthorization({ profileId: profile.id }));
    // The engine polls on its own (every `interval` s): the flow's snapshot says when it ended.
    const ended = new Promise<DeviceFlowView>((resolve) => {
      const off = hub.on('device', (v) => {
        if (v.id === start.id && v.status !== 'waiting') {
          off();
          resolve(v);
        }
      });
    });
    expect(start.status).toBe('waiting');
    const page = await completeDeviceLogin(start.verificationUriComplete!, {
      login: DEMO_USER.login,
      password: DEMO_USER.password,
    });
    expect(page).toContain('Sign-in Success');
    const view = await ended;
    expect(view.status).toBe('done');
    expect(view.token?.ok).toBe(true);
    // user/ scopes: every patient's encounters.
    const enc = await read(profile, 'Encounter');
    expect((enc.body.entry as unknown[]).length).toBe(4);
  });

  it('dynamic registration is open: register, then a token with the new client', async () => {
    const profile = named('registration');
    const draft = must(await engine.prepareRegistration({ profileId: profile.id }));
    expect(draft.url).toBe(`${practice.issuer}/reg`);
    const reg = must(await engine.sendRegistration({ profileId: profile.id, body: draft.body }));
    expect(reg.ok).toBe(true);
    expect(reg.profile.clientId).toMatch(/\S/);
    const t = await backendToken(profile);
    expect(t.ok).toBe(true);
  });
});

describe('ready profile files', () => {
  it('turn a running server into profile files naming their key files', async () => {
    const server = await startPractice();
    try {
      const { profiles, keys } = readyProfiles(server, { schema: './profile.schema.json' });
      expect(keys.map((k) => k.fileName)).toEqual([
        'practice-backend-rs384.pem',
        'practice-backend-es384.pem',
      ]);
      // Each is a PKCS#8 private key jose reads with the profile's algorithm.
      for (const [k, alg] of keys.map((k, i) => [k, ['RS384', 'ES384'][i]!] as const))
        expect((await importPKCS8(k.text, alg)).type).toBe('private');
      const rs = profiles.find((p) => p.fileName === 'backend-rs384.profile.json')!;
      expect(rs.profile).toMatchObject({
        $schema: './profile.schema.json',
        fhirBaseUrl: server.fhirBase,
        auth: {
          method: 'private_key_jwt',
          alg: 'RS384',
          privateKeyPath: 'practice-backend-rs384.pem',
        },
      });
      // Every file parses as a profile file.
      const { parseProfileFile } = await import('../core/model.js');
      for (const p of profiles) expect(() => parseProfileFile(p.text)).not.toThrow();
    } finally {
      await server.close();
    }
  });
});

describe('a vendor flavour', () => {
  it('epic: a simulation with its sources; its profile gets the simulator’s token answer', async () => {
    const other = testEngine();
    try {
      const epic = must(await other.startPracticeServer({ flavour: 'epic' }));
      expect(epic.label).toBe('Practice server (simulating Epic)');
      expect(epic.sources.some((s) => s.includes('fhir.epic.com'))).toBe(true);
      expect(epic.issuer).toContain('/interconnect-fhir-oauth/oauth2');
      const [profile] = epic.profiles;
      expect(profile?.vendor).toBe('epic');
      const t = await (async () => {
        const d = must(await other.prepareTokenRequest({ profileId: profile!.id }));
        return must(await other.sendTokenRequest({ draftId: d.id }));
      })();
      expect(t.ok).toBe(true);
      // The simulator's own refusal shape: another flavour's client id is Epic's null description.
      const bad = must(
        await other.saveProfile({ ...profile!, name: 'wrong id', clientId: 'nobody' } as never),
      );
      const d = must(await other.prepareTokenRequest({ profileId: bad.id }));
      const refused = must(await other.sendTokenRequest({ draftId: d.id }));
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual(EPIC_INVALID_CLIENT);
      // Another flavour replaces the running one.
      const oe = must(await other.startPracticeServer({ flavour: 'openemr' }));
      expect(oe.label).toContain('OpenEMR');
      expect((await fetch(epic.issuer).catch((e: Error) => e)) instanceof Error).toBe(true);
      expect(must(await other.stopPracticeServer()).stopped).toBe(true);
      expect(must(await other.getPracticeServer()).server).toBeNull();
      // The profiles stay.
      expect(must(await other.listProfiles()).some((p) => p.id === profile!.id)).toBe(true);
    } finally {
      await other.dispose();
    }
  });

  it('refuses a flavour it does not know', async () => {
    const r = await engine.startPracticeServer({ flavour: 'no-such' as never });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
