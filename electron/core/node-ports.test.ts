import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { nodePorts, openConfStore, PassphraseSecretStore } from './node-ports.js';
import { must } from './test-helpers.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'ofd-store-'));

describe('stores', () => {
  it.each([
    ['empty file', ''],
    ['truncated JSON', '{"profiles": [{"id": "a"'],
    ['random bytes', '\u0000\u0001garbage\u00ff'],
    ['JSON that is not an object', '[1,2,3]'],
  ])('moves a corrupt store aside (%s), reports it, and starts clean', (_n, text) => {
    const dir = fresh();
    writeFileSync(join(dir, 'config.json'), text);
    const { store, quarantined } = openConfStore(dir);
    expect(quarantined).toHaveLength(1);
    expect(readFileSync(quarantined[0]!, 'utf8')).toBe(text);
    expect(store.get('profiles')).toBeUndefined();
    store.set('profiles', []);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
  });

  it('closes the data folder to others (0700), also one that already existed open', () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    openConfStore(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('keeps a good store, written with mode 0600', () => {
    const dir = fresh();
    openConfStore(dir).store.set('profiles', [{ id: 'p' }]);
    const again = openConfStore(dir);
    expect(again.quarantined).toEqual([]);
    expect(again.store.get('profiles')).toEqual([{ id: 'p' }]);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
  });

  it('stores secrets only as PBES2 JWEs with a passphrase; a wrong passphrase reads nothing and wipes nothing', async () => {
    const dir = fresh();
    const { store } = openConfStore(dir);
    const s = new PassphraseSecretStore(store, 'correct horse');
    await s.set('profile:x:clientSecret', 'canary-Secret-4242');
    const file = readFileSync(join(dir, 'config.json'), 'utf8');
    expect(file).not.toContain('canary-Secret-4242');
    expect(file).toContain('eyJ');
    expect(await s.get('profile:x:clientSecret')).toBe('canary-Secret-4242');
    const wrong = new PassphraseSecretStore(openConfStore(dir).store, 'wrong');
    expect(await wrong.get('profile:x:clientSecret')).toBeUndefined();
    expect(
      await new PassphraseSecretStore(openConfStore(dir).store, 'correct horse').get(
        'profile:x:clientSecret',
      ),
    ).toBe('canary-Secret-4242');
  });

  it('without a passphrase, secrets and private keys are session-only and never written', async () => {
    const dir = fresh();
    const engine = new Engine(nodePorts({ dataDir: dir }));
    must(
      await engine.saveProfile({
        name: 'p',
        clientId: 'c',
        scope: '',
        auth: { method: 'client_secret_post', clientSecret: 'canary-Secret-5151' },
      }),
    );
    must(await engine.generateKey({ kind: 'EC-P-256', alg: 'ES256' }));
    const file = readFileSync(join(dir, 'config.json'), 'utf8');
    expect(file).not.toContain('canary-Secret-5151');
    expect(file).not.toContain('PRIVATE KEY');
    const info = must(await engine.getStorageInfo());
    expect(info.secretsPersisted).toBe(false);
    expect(info.warning).toContain('OFD_PASSPHRASE');
    const reopened = new Engine(nodePorts({ dataDir: dir }));
    const [p] = must(await reopened.listProfiles());
    expect(p?.auth.hasClientSecret).toBe(false);
    expect(must(await reopened.listKeys())[0]?.hasPrivateKey).toBe(false);
  });

  it('exports a profile without its secret and imports it back', async () => {
    const engine = new Engine(nodePorts({ ephemeral: true }));
    const p = must(
      await engine.saveProfile({
        name: 'Exported',
        tokenEndpoint: 'https://as.example/token',
        clientId: 'c',
        scope: 'system/*.rs',
        auth: { method: 'client_secret_basic', clientSecret: 'canary-Secret-6161' },
      }),
    );
    const { json } = must(await engine.exportProfile(p.id));
    expect(json).not.toContain('canary-Secret-6161');
    // The same name is here already: imported beside it under a free name.
    const back = must(await engine.importProfile({ json, onConflict: 'rename' }));
    expect(back.name).toBe('Exported (2)');
    expect(back.auth.hasClientSecret).toBe(false);
    const bad = await engine.importProfile('{"name":1}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('PROFILE_INVALID');
  });
});
