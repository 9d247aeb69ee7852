import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { nodePorts, PassphraseSecretStore, openConfStore } from './node-ports.js';
import { must } from './test-helpers.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'ofd-workspace-'));
const open = (dir: string, passphrase?: string) =>
  new Engine(nodePorts({ dataDir: dir, ...(passphrase ? { passphrase } : {}) }));
const config = (dir: string) => readFileSync(join(dir, 'config.json'), 'utf8');
const PASS = 'correct horse battery';
const SECRET = 'canary-Secret-7373';

/** A profile with a client secret and a key, saved in the engine. */
async function seed(engine: Engine) {
  const key = must(await engine.generateKey({ kind: 'EC-P-256', alg: 'ES256', kid: 'ws-key' }));
  const profile = must(
    await engine.saveProfile({
      name: 'Workspace profile',
      tokenEndpoint: 'https://as.example/token',
      clientId: 'ws-client',
      scope: 'system/*.rs',
      auth: { method: 'private_key_jwt', keyId: key.id, alg: 'ES256', kid: 'ws-key' },
    }),
  );
  const withSecret = must(
    await engine.saveProfile({
      name: 'Secret profile',
      tokenEndpoint: 'https://as.example/token',
      clientId: 'secret-client',
      scope: 'system/*.rs',
      auth: { method: 'client_secret_basic', clientSecret: SECRET },
    }),
  );
  return { key, profile, withSecret };
}

describe('workspace (web host and CLI secrets)', () => {
  it('starts undecided: secrets in memory, said so, nothing written', async () => {
    const dir = fresh();
    const engine = open(dir);
    await seed(engine);
    const info = must(await engine.getStorageInfo());
    expect(info.workspace).toMatchObject({
      protection: 'undecided',
      locked: false,
      canProtect: true,
    });
    expect(info.secretsPersisted).toBe(false);
    expect(info.warning).toMatch(/Not protected yet/);
    expect(config(dir)).not.toContain(SECRET);
    expect(config(dir)).not.toContain('"secrets"');
  });

  it('protects with a passphrase: secrets move into the store encrypted, a short one is refused', async () => {
    const dir = fresh();
    const engine = open(dir);
    await seed(engine);
    const short = await engine.protectWorkspace({ passphrase: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!short.ok && short.error.fix).toMatch(/at least 8/);
    const info = must(await engine.protectWorkspace({ passphrase: PASS }));
    expect(info.workspace).toMatchObject({ protection: 'passphrase', locked: false });
    expect(info.secretsPersisted).toBe(true);
    const file = config(dir);
    expect(file).not.toContain(SECRET);
    expect(file).not.toContain('PRIVATE KEY');
    const secrets = (JSON.parse(file) as { secrets: Record<string, string> }).secrets;
    // The key's private part and the client secret, each a PBES2 JWE.
    expect(Object.keys(secrets)).toHaveLength(2);
    for (const jwe of Object.values(secrets)) expect(jwe.split('.')).toHaveLength(5);
  });

  it('a later start is locked; a wrong passphrase says so and changes nothing; the right one opens it all', async () => {
    const dir = fresh();
    const first = open(dir);
    const { profile, withSecret } = await seed(first);
    must(await first.protectWorkspace({ passphrase: PASS }));
    const before = config(dir);

    const later = open(dir);
    const locked = must(await later.getStorageInfo());
    expect(locked.workspace).toMatchObject({ protection: 'passphrase', locked: true });
    expect(must(await later.listKeys())[0]).toMatchObject({
      hasPrivateKey: false,
      privateKey: 'locked',
    });
    const assertion = await later.buildAssertion({ profileId: profile.id });
    expect(assertion).toMatchObject({ ok: false, error: { code: 'WORKSPACE_LOCKED' } });
    const save = await later.saveProfile({
      name: 'x',
      clientId: 'x',
      scope: '',
      auth: { method: 'client_secret_post', clientSecret: 'another' },
    });
    expect(save).toMatchObject({ ok: false, error: { code: 'WORKSPACE_LOCKED' } });

    const wrong = await later.unlockWorkspace({ passphrase: 'not the passphrase' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG' } });
    expect(!wrong.ok && wrong.error.message).toMatch(/Nothing was changed/);
    expect(must(await later.getStorageInfo()).workspace.locked).toBe(true);

    const opened = must(await later.unlockWorkspace({ passphrase: PASS }));
    expect(opened.workspace).toMatchObject({ locked: false, fromEnvironment: false });
    expect(must(await later.listKeys())[0]).toMatchObject({ hasPrivateKey: true });
    expect(must(await later.listKeys())[0]?.privateKey).toBeUndefined();
    expect(must(await later.buildAssertion({ profileId: profile.id })).header).toMatchObject({
      alg: 'ES256',
    });
    const views = must(await later.listProfiles());
    expect(views.find((p) => p.id === withSecret.id)?.auth.hasClientSecret).toBe(true);
    // Opening read the file; the wrong passphrase and the unlock wrote only what save refused.
    expect(JSON.parse(config(dir)).secrets).toEqual(JSON.parse(before).secrets);
  });

  it('OFD_PASSPHRASE unlocks at start for scripts; a wrong one leaves it locked with a notice', async () => {
    const dir = fresh();
    const first = open(dir);
    const { profile } = await seed(first);
    must(await first.protectWorkspace({ passphrase: PASS }));

    const scripted = open(dir, PASS);
    expect(must(await scripted.getStorageInfo()).workspace).toMatchObject({
      locked: false,
      fromEnvironment: true,
    });
    expect(must(await scripted.buildAssertion({ profileId: profile.id })).header).toMatchObject({
      alg: 'ES256',
    });

    const wrongEnv = open(dir, 'a wrong passphrase');
    const info = must(await wrongEnv.getStorageInfo());
    expect(info.workspace.locked).toBe(true);
    expect(info.workspace.notice).toMatch(/OFD_PASSPHRASE does not open/);
  });

  it('adopts secrets stored by OFD_PASSPHRASE before workspaces existed', async () => {
    const dir = fresh();
    const legacy = new PassphraseSecretStore(openConfStore(dir).store, 'legacy passphrase');
    await legacy.set('profile:p:clientSecret', SECRET);

    const noEnv = open(dir);
    expect(must(await noEnv.getStorageInfo()).workspace).toMatchObject({
      protection: 'passphrase',
      locked: true,
    });
    const withEnv = open(dir, 'legacy passphrase');
    expect(must(await withEnv.getStorageInfo()).workspace).toMatchObject({ locked: false });
    // The adopted workspace now has its check value: a wrong passphrase is told apart.
    const again = open(dir);
    const wrong = await again.unlockWorkspace({ passphrase: 'something else' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG' } });
    must(await again.unlockWorkspace({ passphrase: 'legacy passphrase' }));
  });

  it('sec-25 an undecryptable secret needs re-entry; that secret only, everything else loads', async () => {
    const dir = fresh();
    const first = open(dir);
    const { key, profile, withSecret } = await seed(first);
    must(await first.protectWorkspace({ passphrase: PASS }));
    // A bit-flip in the client secret's ciphertext and in the private key's (another machine's).
    const data = JSON.parse(config(dir)) as { secrets: Record<string, string> };
    const flip = (jwe: string) => {
      const parts = jwe.split('.');
      const c = parts[3]!;
      parts[3] = (c[0] === 'A' ? 'B' : 'A') + c.slice(1);
      return parts.join('.');
    };
    const secretRef = `profile:${withSecret.id}:clientSecret`;
    data.secrets[secretRef] = flip(data.secrets[secretRef]!);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(data));

    const later = open(dir, PASS);
    const views = must(await later.listProfiles());
    expect(views.find((p) => p.id === withSecret.id)).toMatchObject({
      needsReentry: ['clientSecret'],
      clientId: 'secret-client',
      auth: { hasClientSecret: false },
    });
    expect(views.find((p) => p.id === profile.id)?.needsReentry).toBeUndefined();
    expect(must(await later.listKeys()).find((k) => k.id === key.id)).toMatchObject({
      hasPrivateKey: true,
    });

    const keyRef = `key:${key.id}`;
    data.secrets[keyRef] = flip(data.secrets[keyRef]!);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(data));
    const third = open(dir, PASS);
    const k = must(await third.listKeys()).find((x) => x.id === key.id);
    expect(k).toMatchObject({ hasPrivateKey: false, privateKey: 'needs-reentry', kid: 'ws-key' });
    const built = await third.buildAssertion({ profileId: profile.id });
    expect(built).toMatchObject({ ok: false, error: { code: 'SECRET_UNAVAILABLE' } });
    expect(!built.ok && built.error.message).toMatch(/cannot be decrypted/);
    // Nothing was wiped: the damaged values are still in the file.
    expect(JSON.parse(config(dir)).secrets[secretRef]).toBe(data.secrets[secretRef]);
    // The key metadata on disk does not record this session's state.
    expect(config(dir)).not.toContain('needs-reentry');
  });

  it('"session only" is an explicit choice, remembered, and said on every start', async () => {
    const dir = fresh();
    const first = open(dir);
    await seed(first);
    const info = must(await first.keepSecretsForSession());
    expect(info.workspace.protection).toBe('session');
    expect(info.warning).toMatch(/Session only/);
    const later = open(dir);
    const again = must(await later.getStorageInfo());
    expect(again.workspace).toMatchObject({ protection: 'session', locked: false });
    expect(again.warning).toMatch(/Session only/);
    expect(must(await later.listProfiles()).every((p) => !p.auth.hasClientSecret)).toBe(true);
    expect(config(dir)).not.toContain(SECRET);
  });

  it('"forgot the passphrase" starts a new workspace and keeps the old file aside (0600)', async () => {
    const dir = fresh();
    const first = open(dir);
    await seed(first);
    must(await first.protectWorkspace({ passphrase: PASS }));
    const old = config(dir);

    const later = open(dir);
    const { storage, keptAside } = must(await later.startNewWorkspace());
    expect(storage.workspace).toMatchObject({ protection: 'undecided', locked: false });
    expect(keptAside).toMatch(/config\.json\.forgotten-/);
    expect(readFileSync(keptAside!, 'utf8')).toBe(old);
    expect(statSync(keptAside!).mode & 0o777).toBe(0o600);
    // Profiles and public keys stay; secrets they cannot open are gone from the new file.
    expect(must(await later.listProfiles())).toHaveLength(2);
    expect(must(await later.listKeys())[0]).toMatchObject({ hasPrivateKey: false });
    expect(JSON.parse(config(dir)).secrets).toBeUndefined();
  });

  it('exports the workspace as one encrypted file and imports it into another', async () => {
    const a = open(fresh());
    const { profile, withSecret } = await seed(a);
    const short = await a.exportWorkspace({ passphrase: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const backup = must(await a.exportWorkspace({ passphrase: 'backup passphrase' }));
    expect(backup).toMatchObject({ profiles: 2, keys: 1, secrets: 2 });
    expect(backup.text).not.toContain(SECRET);
    expect(backup.text).not.toContain('ws-client');
    expect(backup.text).not.toContain('PRIVATE KEY');
    expect(JSON.parse(backup.text)).toMatchObject({
      format: 'oauth-flow-debugger-workspace',
      counts: { profiles: 2, keys: 1, secrets: 2 },
    });

    const b = open(fresh());
    const wrong = await b.importWorkspace({ text: backup.text, passphrase: 'wrong passphrase' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG' } });
    expect(must(await b.listProfiles())).toHaveLength(0);
    const notBackup = await b.importWorkspace({ text: '{"name":"x"}', passphrase: 'whatever1' });
    expect(notBackup).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const done = must(
      await b.importWorkspace({ text: backup.text, passphrase: 'backup passphrase' }),
    );
    expect(done).toMatchObject({ profiles: 2, keys: 1, secrets: 2, skipped: [] });
    const views = must(await b.listProfiles());
    expect(views.find((p) => p.id === withSecret.id)?.auth.hasClientSecret).toBe(true);
    expect(must(await b.buildAssertion({ profileId: profile.id })).header).toMatchObject({
      alg: 'ES256',
    });

    const twice = must(
      await b.importWorkspace({ text: backup.text, passphrase: 'backup passphrase' }),
    );
    expect(twice).toMatchObject({ profiles: 0, keys: 0, secrets: 0 });
    expect(twice.skipped).toHaveLength(3);
    expect(must(await b.listProfiles())).toHaveLength(2);
  });

  it('a read-only store refuses a change whole: the key it would delete or add stays as it was', async () => {
    const dir = fresh();
    const first = open(dir);
    const key = must(await first.generateKey({ kind: 'EC-P-256', alg: 'ES256', kid: 'kept' }));
    const data = JSON.parse(config(dir)) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...data, schemaVersion: 99 }));
    const newer = config(dir);

    const later = open(dir);
    expect(must(await later.getStorageInfo()).readOnly).toMatch(/newer version/);
    const del = await later.deleteKey(key.id);
    expect(del).toMatchObject({ ok: false, error: { code: 'STORE_READ_ONLY' } });
    const add = await later.generateKey({ kind: 'EC-P-256', alg: 'ES256', kid: 'not-saved' });
    expect(add).toMatchObject({ ok: false, error: { code: 'STORE_READ_ONLY' } });
    expect(must(await later.listKeys()).map((k) => k.kid)).toEqual(['kept']);
    expect(config(dir)).toBe(newer);
  });
});
