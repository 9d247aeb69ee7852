import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../core/ports.js';
import { fakeSafeStorage, type SafeStorageSetup } from '../testing/electron-double.js';
import { SafeStorageSecretStore } from './ports.js';

const SECRET = 'canary-secret-value-0b5e';

function memoryStore(): KeyValueStore & { dump(): string } {
  const data = new Map<string, unknown>();
  return {
    get: (k) => structuredClone(data.get(k)),
    set: (k, v) => void data.set(k, structuredClone(v)),
    delete: (k) => void data.delete(k),
    dump: () => JSON.stringify([...data]),
  };
}

function open(setup: SafeStorageSetup, platform: NodeJS.Platform = 'linux', store = memoryStore()) {
  const safeStorage = fakeSafeStorage(setup);
  return { secrets: new SafeStorageSecretStore(store, safeStorage, platform), store, safeStorage };
}

describe('SafeStorageSecretStore', () => {
  it('persists secrets encrypted when the OS keyring is there', async () => {
    const { secrets, store, safeStorage } = open({ available: true, backend: 'gnome_libsecret' });
    expect(secrets.info).toEqual({ backend: 'safeStorage (gnome_libsecret)', persisted: true });
    await secrets.set('profile:1:clientSecret', SECRET);
    expect(safeStorage.encrypted).toEqual([SECRET]);
    expect(store.dump()).not.toContain(SECRET);
    expect(store.get('secrets')).toHaveProperty(['profile:1:clientSecret']);
    // A second store over the same file reads it back (it outlives the session).
    const again = open({ available: true, backend: 'gnome_libsecret' }, 'linux', store).secrets;
    expect(await again.get('profile:1:clientSecret')).toBe(SECRET);
    await again.delete('profile:1:clientSecret');
    expect(await again.get('profile:1:clientSecret')).toBeUndefined();
  });

  it.each([
    [
      'safeStorage unavailable',
      { available: false },
      'linux',
      'safeStorage (gnome_libsecret)',
      /unavailable/,
    ],
    [
      'Linux basic_text',
      { available: true, backend: 'basic_text' },
      'linux',
      'safeStorage (basic_text)',
      /basic_text/,
    ],
    ['Windows without DPAPI', { available: false }, 'win32', 'safeStorage (dpapi)', /unavailable/],
    [
      'macOS Keychain denied',
      { available: false },
      'darwin',
      'safeStorage (keychain)',
      /unavailable/,
    ],
  ] as const)(
    'sec-24 %s: secrets are kept for the session only, the backend is shown, never a plaintext fallback',
    async (_name, setup, platform, backend, warning) => {
      const { secrets, store, safeStorage } = open(setup, platform);
      expect(secrets.info.backend).toBe(backend);
      expect(secrets.info.persisted).toBe(false);
      expect(secrets.info.warning).toMatch(warning);
      expect(secrets.info.warning).toMatch(/this session only/);
      await secrets.set('profile:1:clientSecret', SECRET);
      expect(await secrets.get('profile:1:clientSecret')).toBe(SECRET);
      // Nothing was written, neither encrypted nor as plaintext, and nothing was encrypted with a
      // weak backend.
      expect(store.dump()).not.toContain(SECRET);
      expect(store.get('secrets')).toBeUndefined();
      expect(safeStorage.encrypted).toEqual([]);
      // A new session (a restart) has nothing.
      expect(
        await open(setup, platform, store).secrets.get('profile:1:clientSecret'),
      ).toBeUndefined();
    },
  );

  it('sec-24 a secret that cannot be decrypted needs re-entry: no throw, nothing wiped, the rest readable', async () => {
    const store = memoryStore();
    const writer = open({ available: true }, 'linux', store).secrets;
    await writer.set('a', SECRET);
    await writer.set('b', 'other-value');
    const blobs = structuredClone(store.get('secrets'));

    const failing = open({ available: true, decryptThrows: true }, 'linux', store).secrets;
    await expect(failing.get('a')).resolves.toBeUndefined();
    expect(store.get('secrets')).toEqual(blobs);
    expect(store.dump()).not.toContain(SECRET);

    // One damaged blob (another machine's) among good ones: only that one is lost.
    store.set('secrets', { ...(blobs as object), a: Buffer.from('garbage').toString('base64') });
    const reader = open({ available: true }, 'linux', store).secrets;
    expect(await reader.get('a')).toBeUndefined();
    expect(await reader.get('b')).toBe('other-value');
    // sec-25: told apart from a missing one, so the app says "needs re-entry" for it alone.
    expect(await reader.check('a')).toBe('unreadable');
    expect(await reader.check('b')).toBe('ok');
    expect(await reader.check('never-set')).toBe('missing');
  });
});
