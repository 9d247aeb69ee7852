/**
 * The desktop Profile step's "Open file…" and "Save to file…": importProfile({dialog: true}) and
 * exportProfileFile({profileId, dialog: true}) from our window show the main process's dialogs (on
 * the typed Electron double); a cancelled dialog says so; a path named by the page is refused.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invokeChannel, type ApiMethod } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import type { ProfileView } from '../../shared/types.js';
import { createElectronDouble } from '../testing/electron-double.js';
import type { ElectronApi } from './electron-api.js';
import { createMainProcess } from './main-process.js';
import { profileFileName } from '../../shared/file-names.js';

const APP_FRAME = 'app://renderer/index.html';

const FILE = JSON.stringify({
  name: 'Acme sandbox',
  tokenEndpoint: 'https://acme.example/token',
  clientId: 'acme-client',
  scope: 'system/*.rs',
  auth: { method: 'client_secret_basic', clientSecret: 'dialog-canary' },
});

async function startShell() {
  const double = createElectronDouble();
  const electron: ElectronApi = double.electron;
  const out = mkdtempSync(join(tmpdir(), 'ofd-profile-dialog-'));
  const data = new Map<string, unknown>();
  const shell = createMainProcess(electron, {
    outDir: out,
    openStore: () => ({
      store: {
        get: (k) => structuredClone(data.get(k)),
        set: (k, v) => void data.set(k, structuredClone(v)),
        delete: (k) => void data.delete(k),
      },
      quarantined: [],
    }),
    platform: 'linux',
  });
  await shell.ready;
  const win = double.windows[0]!;
  const call = <T>(m: ApiMethod, input: unknown) =>
    double.invoke(
      invokeChannel(m),
      { sender: win.webContents, frameUrl: APP_FRAME },
      input,
    ) as Promise<Result<T>>;
  return { double, out, call };
}

describe('the profile file dialogs', () => {
  it('imports the file chosen in the open dialog; a second open of it asks about the duplicate', async () => {
    const { double, out, call } = await startShell();
    const path = join(out, 'acme.json');
    writeFileSync(path, FILE);
    double.dialog.answers.push(path);
    const r = await call<ProfileView>('importProfile', { dialog: true });
    if (!r.ok) throw new Error(r.error.message);
    expect(double.dialog.shown).toHaveLength(1);
    expect(double.dialog.shown[0]).toMatchObject({
      title: 'Open a profile file',
      properties: ['openFile'],
    });
    expect(r.value).toMatchObject({ name: 'Acme sandbox', auth: { hasClientSecret: true } });
    expect(JSON.stringify(r.value)).not.toContain('dialog-canary');

    double.dialog.answers.push(path);
    const again = await call<ProfileView>('importProfile', { dialog: true });
    if (again.ok) throw new Error('expected a conflict');
    expect(again.error).toMatchObject({
      code: 'CONFLICT',
      conflict: { id: r.value.id, match: 'name', suggestedName: 'Acme sandbox (2)' },
    });
    // Deciding needs no second dialog: the import was held back by id.
    const renamed = await call<ProfileView>('importProfile', {
      pendingId: again.error.conflict!.pendingId,
      onConflict: 'rename',
    });
    expect(renamed).toMatchObject({ ok: true, value: { name: 'Acme sandbox (2)' } });
    expect(double.dialog.shown).toHaveLength(2);
  });

  it('saves to the file chosen in the save dialog (0600), with the secret only when asked', async () => {
    const { double, out, call } = await startShell();
    const imported = await call<ProfileView>('importProfile', FILE);
    if (!imported.ok) throw new Error(imported.error.message);
    const path = join(out, 'saved.json');
    double.dialog.answers.push(path);
    const r = await call('exportProfileFile', {
      profileId: imported.value.id,
      dialog: true,
      includeSecret: false,
    });
    expect(r).toEqual({ ok: true, value: { path, clientSecret: false } });
    expect(double.dialog.shown[0]).toMatchObject({
      title: 'Save “Acme sandbox”',
      defaultPath: 'acme-sandbox.json',
    });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ name: 'Acme sandbox' });
    expect(readFileSync(path, 'utf8')).not.toContain('dialog-canary');
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a cancelled dialog says no file was chosen, and nothing is written', async () => {
    const { double, out, call } = await startShell();
    double.dialog.answers.push(null);
    expect(await call('importProfile', { dialog: true })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No file was chosen.' },
    });
    const imported = await call<ProfileView>('importProfile', FILE);
    if (!imported.ok) throw new Error(imported.error.message);
    double.dialog.answers.push(null);
    expect(
      await call('exportProfileFile', { profileId: imported.value.id, dialog: true }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(existsSync(join(out, 'acme-sandbox.json'))).toBe(false);
  });

  it('refuses a path named by the page, without showing a dialog or writing it', async () => {
    const { double, out, call } = await startShell();
    const imported = await call<ProfileView>('importProfile', FILE);
    if (!imported.ok) throw new Error(imported.error.message);
    const path = join(out, 'elsewhere.json');
    const r = await call('exportProfileFile', { profileId: imported.value.id, path });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(double.dialog.shown).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });

  it('names the file after the profile', () => {
    expect(profileFileName('Acme EHR — Production (2)')).toBe('acme-ehr-production-2.json');
    expect(profileFileName('***')).toBe('profile.json');
  });
});
