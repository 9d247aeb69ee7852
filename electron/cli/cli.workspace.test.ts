import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../core/engine.js';
import { nodePorts } from '../core/node-ports.js';
import { must } from '../core/test-helpers.js';
import { cli } from './test-cli.js';

const SECRET = 'canary-Secret-9191';

/** A data folder whose workspace holds one profile with a client secret, protected. */
async function workspace(passphrase: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ofd-cli-ws-'));
  const engine = new Engine(nodePorts({ dataDir: dir }));
  must(
    await engine.saveProfile({
      name: 'CLI workspace',
      clientId: 'c',
      scope: '',
      auth: { method: 'client_secret_post', clientSecret: SECRET },
    }),
  );
  must(await engine.protectWorkspace({ passphrase }));
  return dir;
}

afterEach(() => vi.unstubAllEnvs());

describe('cli workspace', () => {
  it('status says locked without OFD_PASSPHRASE; export then needs it (exit 2, nothing written)', async () => {
    vi.stubEnv('OFD_DATA_DIR', await workspace('workspace passphrase'));
    vi.stubEnv('OFD_PASSPHRASE', '');
    const status = await cli('workspace', 'status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out).storage.workspace).toMatchObject({
      protection: 'passphrase',
      locked: true,
    });
    vi.stubEnv('OFD_BACKUP_PASSPHRASE', 'backup passphrase');
    const out = join(mkdtempSync(join(tmpdir(), 'ofd-cli-bk-')), 'backup.json');
    const locked = await cli('workspace', 'export', '--out', out);
    expect(locked.code).toBe(2);
    expect(locked.err).toContain('The workspace is locked');
    expect(() => statSync(out)).toThrow();
  });

  it('exports (0600, no plaintext, not over an existing file) and imports into another data folder', async () => {
    vi.stubEnv('OFD_DATA_DIR', await workspace('workspace passphrase'));
    vi.stubEnv('OFD_PASSPHRASE', 'workspace passphrase');
    const noPass = await cli('workspace', 'export', '--out', '/tmp/never-written.json');
    expect(noPass.code).toBe(2);
    expect(noPass.err).toContain('Set OFD_BACKUP_PASSPHRASE');

    vi.stubEnv('OFD_BACKUP_PASSPHRASE', 'backup passphrase');
    const out = join(mkdtempSync(join(tmpdir(), 'ofd-cli-bk-')), 'backup.json');
    const done = await cli('workspace', 'export', '--out', out, '--json');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ ok: true, profiles: 1, secrets: 1 });
    expect(done.out).not.toContain('"text"');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain(SECRET);
    writeFileSync(`${out}.keep`, text);
    const again = await cli('workspace', 'export', '--out', out);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');

    const target = mkdtempSync(join(tmpdir(), 'ofd-cli-ws-'));
    vi.stubEnv('OFD_DATA_DIR', target);
    vi.stubEnv('OFD_PASSPHRASE', '');
    const lost = await cli('workspace', 'import', out);
    expect(lost.code).toBe(2);
    expect(lost.err).toContain('would be lost when this command ends');
    vi.stubEnv('OFD_PASSPHRASE', 'target passphrase');
    vi.stubEnv('OFD_BACKUP_PASSPHRASE', 'not the backup passphrase');
    const wrong = await cli('workspace', 'import', out);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('does not open this backup');
    vi.stubEnv('OFD_BACKUP_PASSPHRASE', 'backup passphrase');
    const imported = await cli('workspace', 'import', out);
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('Imported 1 profiles, 0 keys, 1 secrets.');
    // Stored in the target workspace, under its own passphrase.
    const later = new Engine(nodePorts({ dataDir: target, passphrase: 'target passphrase' }));
    expect(must(await later.listProfiles())[0]?.auth.hasClientSecret).toBe(true);
    expect(readFileSync(join(target, 'config.json'), 'utf8')).not.toContain(SECRET);
  });
});
