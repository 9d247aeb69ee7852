import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/result.js';
import { openConfStore } from './conf-store.js';
import { Engine } from './engine.js';
import { nodePorts } from './node-ports.js';
import {
  examineStoreText,
  STORE_MIGRATIONS,
  STORE_SCHEMA_VERSION,
  type Migration,
} from './store-file.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'ofd-store-file-'));
const GOOD = [{ id: 'p1', name: 'Epic sandbox', clientId: 'c1' }];

/** A store whose last good copy (.bak) holds GOOD: saved, then opened once more. */
function storeWithBak() {
  const dir = fresh();
  openConfStore(dir).store.set('profiles', GOOD);
  openConfStore(dir);
  expect(JSON.parse(readFileSync(join(dir, 'config.json.bak'), 'utf8'))).toMatchObject({
    profiles: GOOD,
  });
  return dir;
}

const corruptions: [string, Buffer][] = [
  ['a 0-byte config.json', Buffer.alloc(0)],
  ['a truncated config.json', Buffer.from('{"schemaVersion": 1, "profiles": [{"id": "a"')],
  ['a config.json of random bytes', Buffer.concat([Buffer.from([0xff, 0x00]), randomBytes(256)])],
  ['a config.json whose profiles is not an array', Buffer.from('{"profiles": {"id": "a"}}')],
  ['a config.json whose profile ids are numbers', Buffer.from('{"profiles": [{"id": 42}]}')],
  ['a config.json whose secrets are not strings', Buffer.from('{"secrets": {"profile:x": 1}}')],
  ['a config.json whose schemaVersion is not a version', Buffer.from('{"schemaVersion": "1"}')],
];

describe('sec-22 corrupt config.json', () => {
  it.each(corruptions)(
    'sec-22 %s is quarantined and the store opens with defaults',
    (_name, bytes) => {
      const dir = fresh();
      writeFileSync(join(dir, 'config.json'), bytes);
      const opened = openConfStore(dir);
      expect(opened.quarantined).toHaveLength(1);
      expect(opened.quarantined[0]).toMatch(/config\.json\.corrupt-\d{4}-\d\d-\d\dT/);
      expect(readFileSync(opened.quarantined[0]!).equals(bytes)).toBe(true);
      expect(opened.restoredFrom).toBeUndefined();
      expect(opened.readOnly).toBeUndefined();
      expect(opened.notices.join('\n')).toContain('moved aside');
      expect(opened.notices.join('\n')).toContain('starts empty');
      expect(opened.store.get('profiles')).toBeUndefined();
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
        schemaVersion: STORE_SCHEMA_VERSION,
      });
      opened.store.set('profiles', GOOD);
      expect(openConfStore(dir).store.get('profiles')).toEqual(GOOD);
    },
  );

  it.each(corruptions)(
    'sec-22 %s is quarantined and the store is restored from the last good .bak',
    (_name, bytes) => {
      const dir = storeWithBak();
      writeFileSync(join(dir, 'config.json'), bytes);
      const opened = openConfStore(dir);
      expect(opened.quarantined).toHaveLength(1);
      expect(readFileSync(opened.quarantined[0]!).equals(bytes)).toBe(true);
      expect(opened.restoredFrom).toBe(join(dir, 'config.json.bak'));
      expect(opened.notices.join('\n')).toContain(`Restored the last good copy of the store from`);
      expect(opened.store.get('profiles')).toEqual(GOOD);
      // The restored data is the new last good copy; the corrupt bytes never reach the .bak.
      expect(JSON.parse(readFileSync(join(dir, 'config.json.bak'), 'utf8'))).toMatchObject({
        profiles: GOOD,
      });
    },
  );

  it('sec-22 an unusable .bak is moved aside too (not replaced) and the store starts empty', () => {
    const dir = storeWithBak();
    writeFileSync(join(dir, 'config.json'), '{"profiles": 3}');
    writeFileSync(join(dir, 'config.json.bak'), '{"profiles": [');
    const opened = openConfStore(dir);
    expect(opened.quarantined).toHaveLength(2);
    expect(readFileSync(opened.quarantined[1]!, 'utf8')).toBe('{"profiles": [');
    expect(opened.quarantined[1]).toMatch(/config\.json\.bak\.corrupt-/);
    expect(opened.restoredFrom).toBeUndefined();
    expect(opened.notices.join('\n')).toContain('could not be used either');
    expect(opened.store.get('profiles')).toBeUndefined();
  });

  it('sec-22 an existing good store opens with no notices and is left byte for byte', () => {
    const dir = storeWithBak();
    const before = readFileSync(join(dir, 'config.json'));
    const opened = openConfStore(dir);
    expect(opened.notices).toEqual([]);
    expect(opened.quarantined).toEqual([]);
    expect(readFileSync(join(dir, 'config.json')).equals(before)).toBe(true);
  });

  it('sec-22 the host is told: nodePorts passes the notices and the restore on as storeStatus', () => {
    const dir = storeWithBak();
    writeFileSync(join(dir, 'config.json'), '');
    const ports = nodePorts({ dataDir: dir });
    expect(ports.quarantined).toHaveLength(1);
    expect(ports.storeStatus?.restoredFrom).toBe(join(dir, 'config.json.bak'));
    expect(ports.storeStatus?.notices.join('\n')).toContain('moved aside');
    expect(nodePorts({ ephemeral: true }).storeStatus).toBeUndefined();
  });

  it('sec-22 temporary files of a killed write are removed once stale, a fresh one is left', () => {
    const dir = fresh();
    const old = join(dir, 'config.json.tmp-1700000000abcdef');
    const recent = join(dir, 'config.json.tmp-1800000000abcdef');
    writeFileSync(old, '{"half');
    writeFileSync(recent, '{"half');
    utimesSync(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const opened = openConfStore(dir);
    expect(opened.status.staleTempsRemoved).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});

const LEGACY = '{\n  "profiles": [{ "id": "p1", "name": "Legacy" }],\n  "keys": []\n}\n';

describe('sec-26 schema versions and migrations', () => {
  it('sec-26 a legacy file without schemaVersion is migrated to v1, recorded, and a copy kept', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'config.json'), LEGACY);
    const opened = openConfStore(dir);
    expect(opened.readOnly).toBeUndefined();
    expect(opened.status.schemaVersion).toBe(1);
    expect(opened.notices.join('\n')).toContain('from store schema v0 to v1');
    const onDisk = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as object;
    expect(onDisk).toEqual({ ...(JSON.parse(LEGACY) as object), schemaVersion: 1 });
    expect(readFileSync(opened.status.migrationBackup!, 'utf8')).toBe(LEGACY);
    expect(opened.store.get('profiles')).toEqual([{ id: 'p1', name: 'Legacy' }]);
    // Recorded: the next open has nothing to migrate.
    expect(openConfStore(dir).notices).toEqual([]);
  });

  it('sec-26 a v1→v2 migration is one registry entry, and steps run in order', () => {
    const v2: Migration = {
      to: 2,
      what: 'profiles get a label',
      up: (d) => ({
        ...d,
        profiles: (d.profiles as { name: string }[]).map((p) => ({ ...p, label: p.name })),
      }),
    };
    const r = examineStoreText(LEGACY, { migrations: [v2, ...STORE_MIGRATIONS] });
    expect(r).toEqual({
      kind: 'ok',
      from: 0,
      migrated: true,
      data: {
        schemaVersion: 2,
        keys: [],
        profiles: [{ id: 'p1', name: 'Legacy', label: 'Legacy' }],
      },
    });
    const dir = fresh();
    writeFileSync(join(dir, 'config.json'), LEGACY);
    const opened = openConfStore(dir, 'config', { migrations: [...STORE_MIGRATIONS, v2] });
    expect(opened.status.schemaVersion).toBe(2);
    expect(opened.store.get('profiles')).toEqual([{ id: 'p1', name: 'Legacy', label: 'Legacy' }]);
  });

  it('sec-26 a migration that throws midway leaves the file byte for byte, keeps a copy, and opens read-only', () => {
    const dir = fresh();
    const v1 = '{"schemaVersion": 1, "profiles": [{"id": "p1", "name": "Kept"}]}';
    writeFileSync(join(dir, 'config.json'), v1);
    const migrations: Migration[] = [
      ...STORE_MIGRATIONS,
      { to: 2, what: 'fine', up: (d) => ({ ...d, two: true }) },
      {
        to: 3,
        what: 'breaks halfway',
        up: (d) => {
          d.profiles = 'half done';
          throw new Error('vendor field missing');
        },
      },
    ];
    const opened = openConfStore(dir, 'config', { migrations });
    expect(opened.readOnly?.reason).toContain(
      'from store schema v1 to v3 failed (vendor field missing)',
    );
    expect(opened.notices).toContain(opened.readOnly?.reason);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(v1);
    expect(readFileSync(opened.status.migrationBackup!, 'utf8')).toBe(v1);
    expect(statSync(opened.status.migrationBackup!).mode & 0o777).toBe(0o600);
    expect(opened.store.get('profiles')).toEqual([{ id: 'p1', name: 'Kept' }]);
    for (const write of [
      () => opened.store.set('profiles', []),
      () => opened.store.delete('profiles'),
    ]) {
      const e = (() => {
        try {
          write();
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(AppFailure);
      expect((e as AppFailure).code).toBe('STORE_READ_ONLY');
      expect((e as AppFailure).fix).toBeTruthy();
    }
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(v1);
    // A read-only store is not a "successful load": no last good copy is taken from it.
    expect(existsSync(join(dir, 'config.json.bak'))).toBe(false);
  });

  it('sec-26 a file from a newer version is refused with a message and never rewritten', async () => {
    const dir = fresh();
    const newer =
      '{"schemaVersion": 99, "profiles": [{"id": "p1", "name": "From the future", "x": {}}]}';
    writeFileSync(join(dir, 'config.json'), newer);
    const ports = nodePorts({ dataDir: dir });
    expect(ports.storeStatus?.readOnly?.reason).toContain('newer version');
    expect(ports.storeStatus?.readOnly?.reason).toContain('v99');
    expect(ports.quarantined).toEqual([]);
    const engine = new Engine(ports);
    const saved = await engine.saveProfile({
      name: 'n',
      clientId: 'c',
      scope: '',
      auth: { method: 'none' },
    });
    expect(saved.ok ? '' : saved.error.code).toBe('STORE_READ_ONLY');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(newer);
    expect(readdirSync(dir).sort()).toEqual(['config.json']);
  });
});

describe('sec-27 file modes under umask 022', () => {
  it('sec-27 config.json, its .bak, quarantined and migration copies are 0600 and the folder 0700', () => {
    const previous = process.umask(0o022);
    try {
      const dir = join(fresh(), 'userData');
      const a = openConfStore(dir);
      a.store.set('profiles', GOOD);
      openConfStore(dir);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'config.json.bak')).mode & 0o777).toBe(0o600);

      writeFileSync(join(dir, 'config.json'), '{"profiles": [', { mode: 0o644 });
      chmodSync(join(dir, 'config.json'), 0o644);
      const restored = openConfStore(dir);
      expect(statSync(restored.quarantined[0]!).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);

      writeFileSync(join(dir, 'config.json'), LEGACY, { mode: 0o644 });
      chmodSync(join(dir, 'config.json'), 0o644);
      const migrated = openConfStore(dir);
      expect(statSync(migrated.status.migrationBackup!).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
      for (const f of readdirSync(dir))
        expect([f, statSync(join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    } finally {
      process.umask(previous);
    }
  });
});
