/**
 * Managing profiles (issue 13): an import that matches a profile here asks (rename / replace),
 * delete can be undone with the secrets, a duplicate carries its secret (and gets tokens from a
 * real server), environments of one group share settings, and the engine keeps the times.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileInput } from '../../shared/types.js';
import { startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { profileSecret } from './model.js';
import { coreOf, must, profileSecretValue, testEngine } from './test-helpers.js';

const SECRET = 'basic-secret-value-1234';
let server: SmartServer;

beforeAll(async () => {
  server = await startSmartServer({
    clients: [
      {
        client_id: 'basic-client',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: SECRET,
      },
    ],
  });
});
afterAll(() => server?.close());

const basic = (extra: Partial<ProfileInput> = {}): ProfileInput => ({
  name: 'Acme sandbox',
  fhirBaseUrl: server.fhirBase,
  tokenEndpoint: server.tokenEndpoint,
  clientId: 'basic-client',
  scope: 'system/Patient.rs',
  auth: { method: 'client_secret_basic', clientSecret: SECRET },
  ...extra,
});

/** A token request with the profile, sent as prepared: the HTTP status the server answered. */
async function tokenStatus(engine: ReturnType<typeof testEngine>, profileId: string) {
  const draft = must(await engine.prepareTokenRequest({ profileId }));
  return must(await engine.sendTokenRequest({ draftId: draft.id })).status;
}

describe('importing a profile that is already here', () => {
  it('asks when the name matches, then imports under the suggested name or replaces', async () => {
    const engine = testEngine();
    const key = must(await engine.generateKey({ kind: 'EC-P-256', alg: 'ES256' }));
    const here = must(
      await engine.saveProfile(
        basic({ auth: { method: 'private_key_jwt', alg: 'ES256', keyId: key.id } }),
      ),
    );
    const json = must(await engine.exportProfile(here.id)).json;

    const asked = await engine.importProfile(json);
    if (asked.ok) throw new Error('expected a conflict');
    expect(asked.error).toMatchObject({
      code: 'CONFLICT',
      message: 'A profile named “Acme sandbox” is already here.',
      fix: 'Import it as “Acme sandbox (2)”, replace “Acme sandbox” with it, or cancel.',
      conflict: {
        id: here.id,
        name: 'Acme sandbox',
        match: 'name',
        suggestedName: 'Acme sandbox (2)',
      },
    });
    // Nothing was saved while asking.
    expect(must(await engine.listProfiles())).toHaveLength(1);

    const renamed = must(
      await engine.importProfile({
        pendingId: asked.error.conflict!.pendingId,
        onConflict: 'rename',
      }),
    );
    expect(renamed.name).toBe('Acme sandbox (2)');
    expect(renamed.id).not.toBe(here.id);
    // The held-back import is used once.
    const again = await engine.importProfile({
      pendingId: asked.error.conflict!.pendingId,
      onConflict: 'rename',
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The next free name follows the numbering.
    const third = await engine.importProfile(json);
    expect(!third.ok && third.error.conflict?.suggestedName).toBe('Acme sandbox (3)');

    const edited = json.replace('"system/Patient.rs"', '"system/Observation.rs"');
    const replaced = must(await engine.importProfile({ json: edited, onConflict: 'replace' }));
    expect(replaced).toMatchObject({ id: here.id, scope: 'system/Observation.rs' });
    // The file names no engine key: the replaced profile keeps its key.
    expect(replaced.auth.keyId).toBe(key.id);
    expect(must(await engine.listProfiles())).toHaveLength(2);
  });

  it('asks when the server and client ID match under another name', async () => {
    const engine = testEngine();
    const here = must(await engine.saveProfile(basic()));
    const file = JSON.stringify({
      name: 'Acme (from a colleague)',
      tokenEndpoint: `${server.tokenEndpoint}/`,
      clientId: 'basic-client',
      auth: { method: 'client_secret_basic' },
    });
    const r = await engine.importProfile({ json: file });
    if (r.ok) throw new Error('expected a conflict');
    expect(r.error.code).toBe('CONFLICT');
    expect(r.error.conflict).toMatchObject({ id: here.id, match: 'server-client' });
    expect(r.error.message).toBe(
      `“Acme sandbox” already uses this server and client ID (client basic-client at ${server.tokenEndpoint}/).`,
    );
    // Another client at the same server is no match.
    const other = must(await engine.importProfile(file.replace('"basic-client"', '"other"')));
    expect(other.name).toBe('Acme (from a colleague)');
  });

  it('a rename to a name that is taken asks again', async () => {
    const engine = testEngine();
    must(await engine.saveProfile(basic()));
    must(await engine.saveProfile(basic({ name: 'Taken', clientId: 'x' })));
    const json = JSON.stringify({ name: 'Acme sandbox', clientId: 'y', auth: { method: 'none' } });
    const r = await engine.importProfile({ json, onConflict: 'rename', name: 'Taken' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', conflict: { match: 'name' } },
    });
  });

  it('the engine has no file dialog of its own', async () => {
    const r = await testEngine().importProfile({ dialog: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('delete and undo', () => {
  it('brings back the profile and its secrets, which still get tokens', async () => {
    const engine = testEngine();
    const p = must(await engine.saveProfile(basic({ password: 'pw-canary' })));
    await coreOf(engine).ports.secrets.set(profileSecret.registrationToken(p.id), 'rat-canary');
    expect(await tokenStatus(engine, p.id)).toBe(200);

    const { deleted, undoId } = must(await engine.deleteProfile(p.id));
    expect(deleted).toBe(p.id);
    expect(must(await engine.listProfiles())).toEqual([]);
    expect(await profileSecretValue(engine, p.id, 'clientSecret')).toBeUndefined();

    const back = must(await engine.restoreProfile({ undoId }));
    expect(back).toMatchObject({
      id: p.id,
      name: 'Acme sandbox',
      hasPassword: true,
      hasRegistrationToken: true,
      auth: { hasClientSecret: true },
    });
    expect(await profileSecretValue(engine, p.id, 'registrationToken')).toBe('rat-canary');
    expect(JSON.stringify(back)).not.toContain(SECRET);
    expect(await tokenStatus(engine, p.id)).toBe(200);
    // One undo per deletion.
    expect(await engine.restoreProfile({ undoId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('duplicate', () => {
  it('copies the profile and its secret engine-side; the copy gets tokens', async () => {
    const engine = testEngine();
    const p = must(
      await engine.saveProfile(
        basic({ registration: { clientName: 'Acme app', clientUri: `${server.issuer}/reg/1` } }),
      ),
    );
    await coreOf(engine).ports.secrets.set(profileSecret.registrationToken(p.id), 'rat-canary');
    const copy = must(await engine.duplicateProfile({ profileId: p.id }));
    expect(copy.id).not.toBe(p.id);
    expect(copy.name).toBe('Acme sandbox (copy)');
    expect(copy.auth.hasClientSecret).toBe(true);
    expect(JSON.stringify(copy)).not.toContain(SECRET);
    // The registration handle stays with the original.
    expect(copy.hasRegistrationToken).toBe(false);
    expect(copy.registration).toEqual({ clientName: 'Acme app' });
    expect(await tokenStatus(engine, copy.id)).toBe(200);
    // A second copy gets the next free name; a taken name is refused.
    expect(must(await engine.duplicateProfile({ profileId: p.id })).name).toBe(
      'Acme sandbox (copy) (2)',
    );
    expect(await engine.duplicateProfile({ profileId: p.id, name: 'acme SANDBOX' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });
});

describe('environments', () => {
  it('applies the shared settings to the other environments of the group, keeping their own', async () => {
    const engine = testEngine();
    const sandbox = must(
      await engine.saveProfile(
        basic({
          group: 'Acme EHR',
          environment: 'sandbox',
          scope: 'system/Patient.rs system/Observation.rs',
          tls: { allowSelfSigned: true },
          registration: { contacts: ['ops@acme.example'] },
        }),
      ),
    );
    const production = must(
      await engine.saveProfile({
        name: 'Acme production',
        group: 'acme ehr',
        environment: 'production',
        tokenEndpoint: 'https://prod.acme.example/token',
        clientId: 'prod-client',
        scope: 'system/Patient.rs',
        auth: { method: 'private_key_jwt', alg: 'RS384', kid: 'prod-kid' },
        registration: { clientUri: 'https://prod.acme.example/reg/9' },
      }),
    );
    const other = must(await engine.saveProfile(basic({ name: 'Other', clientId: 'o' })));

    const { updated } = must(await engine.applyToEnvironments({ profileId: sandbox.id }));
    expect(updated.map((p) => p.id)).toEqual([production.id]);
    expect(updated[0]).toMatchObject({
      // Shared: scope, auth method, TLS, registration metadata.
      scope: 'system/Patient.rs system/Observation.rs',
      tls: { allowSelfSigned: true },
      registration: {
        contacts: ['ops@acme.example'],
        clientUri: 'https://prod.acme.example/reg/9',
      },
      auth: { method: 'client_secret_basic', kid: 'prod-kid' },
      // Its own: server, client, environment.
      tokenEndpoint: 'https://prod.acme.example/token',
      clientId: 'prod-client',
      environment: 'production',
    });
    expect(updated[0]!.auth.hasClientSecret).toBe(false);
    const untouched = must(await engine.listProfiles()).find((p) => p.id === other.id)!;
    expect(untouched.scope).toBe('system/Patient.rs');

    expect(await engine.applyToEnvironments({ profileId: other.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '“Other” belongs to no group.' },
    });
  });

  it('a group and environment travel in the profile file', async () => {
    const engine = testEngine();
    const p = must(await engine.saveProfile(basic({ group: 'Acme EHR', environment: 'sandbox' })));
    const { json } = must(await engine.exportProfile(p.id));
    expect(JSON.parse(json)).toMatchObject({ group: 'Acme EHR', environment: 'sandbox' });
  });
});

describe('times and files', () => {
  it('stamps createdAt on the first save and lastUsedAt when a request is sent', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const engine = testEngine({ now: () => now });
    const p = must(await engine.saveProfile(basic()));
    expect(p.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(p.lastUsedAt).toBeUndefined();
    now = Date.parse('2026-01-02T00:00:00Z');
    const resaved = must(await engine.saveProfile({ ...basic(), id: p.id }));
    expect(resaved.createdAt).toBe('2026-01-01T00:00:00.000Z');
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(must(await engine.listProfiles())[0]!.lastUsedAt).toBe('2026-01-02T00:00:00.000Z');
  });

  it('writes the profile file with or without the client secret', async () => {
    const engine = testEngine();
    const p = must(await engine.saveProfile(basic()));
    const dir = mkdtempSync(join(tmpdir(), 'ofd-profile-file-'));
    const without = join(dir, 'without.json');
    expect(
      must(
        await engine.exportProfileFile({ profileId: p.id, path: without, includeSecret: false }),
      ),
    ).toEqual({ path: without, clientSecret: false });
    expect(readFileSync(without, 'utf8')).not.toContain(SECRET);
    const withSecret = join(dir, 'with.json');
    must(await engine.exportProfileFile({ profileId: p.id, path: withSecret }));
    expect(JSON.parse(readFileSync(withSecret, 'utf8')).auth.clientSecret).toBe(SECRET);
  });
});
