import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useApp } from '../store/index.js';
import { makeDataDir, readEngineFile, startEngine, writeEngineFile } from '../test/real-core.js';
import { addBackendProfile, renderApp } from '../test-utils.js';

const PASS = 'correct horse battery';
const fresh = () => makeDataDir();
const join = (...parts: string[]) => parts.join('/');

/** A workspace on disk with one backend profile, protected with PASS, then stopped. */
async function protectedWorkspace(dir: string) {
  const first = await startEngine({ dataDir: dir });
  const made = await addBackendProfile(first.bridge);
  const r = await first.bridge.protectWorkspace({ passphrase: PASS });
  expect(r.ok).toBe(true);
  await first.stop();
  return made;
}

afterEach(() => vi.restoreAllMocks());

describe('workspace protection (web host)', () => {
  it('first start offers a passphrase; a short or mistyped one cannot be sent; protecting stores it', async () => {
    const { user } = await renderApp({ engine: { workspace: true } });
    const offer = screen.getByRole('region', { name: 'Keep your secrets across restarts?' });
    const protect = within(offer).getByRole('button', { name: 'Protect the workspace' });
    await user.type(within(offer).getByLabelText('Passphrase'), 'short');
    expect(protect).toHaveProperty('disabled', true);
    expect(offer.textContent).toContain('At least 8 characters (5 so far)');
    await user.clear(within(offer).getByLabelText('Passphrase'));
    await user.type(within(offer).getByLabelText('Passphrase'), PASS);
    await user.type(within(offer).getByLabelText('Passphrase again'), `${PASS}!`);
    expect(offer.textContent).toContain('The two passphrases differ.');
    expect(protect).toHaveProperty('disabled', true);
    await user.clear(within(offer).getByLabelText('Passphrase again'));
    await user.type(within(offer).getByLabelText('Passphrase again'), PASS);
    await user.click(protect);
    await waitFor(() =>
      expect(
        screen.queryByRole('region', { name: 'Keep your secrets across restarts?' }),
      ).toBeNull(),
    );
    expect(useApp.getState().storage?.workspace).toMatchObject({
      protection: 'passphrase',
      locked: false,
    });
    expect(screen.queryByRole('note', { name: 'Session only' })).toBeNull();
  });

  it('"session only" is chosen on purpose and then said on every screen, with a way to protect', async () => {
    const { user } = await renderApp({ engine: { workspace: true } });
    await user.click(screen.getByRole('button', { name: 'Keep secrets for this session only' }));
    const banner = await screen.findByRole('note', { name: 'Session only' });
    expect(banner.textContent).toContain('lost when this debugger stops');
    // Every step: the banner sits above the step view.
    useApp.getState().goTo('keys');
    expect(await screen.findByRole('note', { name: 'Session only' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Protect with a passphrase…' }));
    expect(screen.getByRole('region', { name: 'Keep your secrets across restarts?' })).toBeTruthy();
  });

  it('a protected workspace starts locked: the unlock screen only; a wrong passphrase says so; the right one opens it', async () => {
    const dir = await fresh();
    const { profile } = await protectedWorkspace(dir);
    const { user } = await renderApp({ engine: { dataDir: dir }, profiles: [] });
    const screenMain = screen.getByRole('main', { name: 'Unlock the workspace' });
    expect(screen.queryByRole('navigation', { name: 'Steps' })).toBeNull();
    expect(screen.queryByText(/No profiles yet/)).toBeNull();
    await user.type(
      within(screenMain).getByLabelText('Workspace passphrase'),
      'not the one at all',
    );
    await user.click(within(screenMain).getByRole('button', { name: 'Unlock' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'That passphrase does not open this workspace. Nothing was changed.',
    );
    await user.clear(within(screenMain).getByLabelText('Workspace passphrase'));
    await user.type(within(screenMain).getByLabelText('Workspace passphrase'), PASS);
    await user.click(within(screenMain).getByRole('button', { name: 'Unlock' }));
    await screen.findByRole('navigation', { name: 'Steps' });
    expect(useApp.getState().keys[0]).toMatchObject({ hasPrivateKey: true });
    expect(screen.getByRole('button', { name: new RegExp(profile.name) })).toBeTruthy();
  });

  it('"forgot the passphrase" starts a new workspace, keeps the old file aside and says where', async () => {
    const dir = await fresh();
    await protectedWorkspace(dir);
    const before = await readEngineFile(join(dir, 'config.json'));
    const { user } = await renderApp({ engine: { dataDir: dir }, profiles: [] });
    await user.click(screen.getByRole('button', { name: 'Forgot the passphrase?' }));
    await user.click(screen.getByRole('button', { name: 'Start a new workspace' }));
    const note = await screen.findByText(/A new workspace was started/);
    const path = useApp.getState().keptAside!;
    expect(note.textContent).toContain(path);
    expect(await readEngineFile(path)).toBe(before);
    expect(useApp.getState().keys[0]).toMatchObject({ hasPrivateKey: false });
    // The new workspace asks again how to keep secrets.
    expect(screen.getByRole('region', { name: 'Keep your secrets across restarts?' })).toBeTruthy();
  });

  it('exports the workspace as an encrypted file and imports it into another workspace', async () => {
    let saved = '';
    let savedName = '';
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      const reader = new FileReader();
      reader.onload = () => (saved = String(reader.result));
      reader.readAsText(blob as Blob);
      return 'blob:backup';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      savedName = this.download;
    });
    const a = await renderApp({ engine: { workspace: true } });
    const backup = screen.getByRole('region', { name: 'Workspace backup' });
    await a.user.type(within(backup).getByLabelText('Backup passphrase'), 'backup passphrase');
    await a.user.click(within(backup).getByRole('button', { name: 'Export workspace…' }));
    await waitFor(() => expect(saved).not.toBe(''));
    expect(savedName).toMatch(/^oauth-flow-debugger-workspace-\d{4}-\d\d-\d\d\.json$/);
    expect(JSON.parse(saved)).toMatchObject({
      format: 'oauth-flow-debugger-workspace',
      counts: { profiles: 1, keys: 1 },
    });
    expect(saved).not.toContain('PRIVATE KEY');
    a.unmount();

    const b = await renderApp({ engine: { workspace: true }, profiles: [] });
    const target = screen.getByRole('region', { name: 'Workspace backup' });
    await b.user.upload(
      within(target).getByLabelText('Backup file'),
      new File([saved], 'backup.json', { type: 'application/json' }),
    );
    await b.user.type(within(target).getByLabelText('Its passphrase'), 'wrong passphrase');
    await b.user.click(within(target).getByRole('button', { name: 'Import workspace' }));
    expect((await within(target).findByRole('alert')).textContent).toContain(
      'That passphrase does not open this backup',
    );
    await b.user.clear(within(target).getByLabelText('Its passphrase'));
    await b.user.type(within(target).getByLabelText('Its passphrase'), 'backup passphrase');
    await b.user.click(within(target).getByRole('button', { name: 'Import workspace' }));
    expect((await within(target).findByText(/^Imported 1 profile, 1 key/)).textContent).toMatch(
      /and 1 secret\./,
    );
    expect(useApp.getState().profiles).toHaveLength(1);
    expect(useApp.getState().keys[0]).toMatchObject({ hasPrivateKey: true });
  });

  it('refuses a backup file over 5 MB before reading it, naming the cap', async () => {
    const { user } = await renderApp({ engine: { workspace: true }, profiles: [] });
    const target = screen.getByRole('region', { name: 'Workspace backup' });
    const big = new File(['x'], 'big.json');
    Object.defineProperty(big, 'size', { value: 6 * 1024 * 1024 });
    const read = vi.spyOn(FileReader.prototype, 'readAsText');
    await user.upload(within(target).getByLabelText('Backup file'), big);
    expect(within(target).getByRole('alert').textContent).toContain('at most 5 MB');
    expect(read).not.toHaveBeenCalled();
    expect(within(target).getByRole('button', { name: 'Import workspace' })).toHaveProperty(
      'disabled',
      true,
    );
  });
});

describe('keys that need re-entry, and replacing a profile key', () => {
  it('sec-25 a key whose private part no longer decrypts says "needs re-entry" and takes only the same key back', async () => {
    const dir = await fresh();
    const first = await startEngine({ dataDir: dir });
    const { key } = await addBackendProfile(first.bridge);
    const pemPath = join(dir, 'key.pem');
    expect((await first.bridge.exportPrivateKey({ keyId: key.id, path: pemPath })).ok).toBe(true);
    expect((await first.bridge.protectWorkspace({ passphrase: PASS })).ok).toBe(true);
    await first.stop();
    const file = JSON.parse(await readEngineFile(join(dir, 'config.json'))) as {
      secrets: Record<string, string>;
    };
    const ref = `key:${key.id}`;
    const parts = file.secrets[ref]!.split('.');
    parts[3] = (parts[3]![0] === 'A' ? 'B' : 'A') + parts[3]!.slice(1);
    file.secrets[ref] = parts.join('.');
    await writeEngineFile(join(dir, 'config.json'), JSON.stringify(file));

    const { user } = await renderApp({
      engine: { dataDir: dir, passphrase: PASS },
      profiles: [],
      step: 'keys',
    });
    expect(screen.getByText('needs re-entry')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Re-enter private key' }));
    const group = screen.getByRole('group', { name: `Re-enter the private key of ${key.kid}` });
    const other = await startEngine();
    // Same type and alg as the key (RS384): only the thumbprint tells them apart.
    const otherKey = await other.bridge.generateKey({ kind: 'RSA-2048', alg: 'RS384' });
    const otherPath = join(dir, 'other.pem');
    expect(otherKey.ok).toBe(true);
    if (!otherKey.ok) return;
    await other.bridge.exportPrivateKey({ keyId: otherKey.value.id, path: otherPath });
    const field = within(group).getByLabelText(`Private key of ${key.kid}`);
    await user.click(field);
    await user.paste(await readEngineFile(otherPath));
    await user.click(within(group).getByRole('button', { name: 'Import private key' }));
    expect((await within(group).findByRole('alert')).textContent).toContain('thumbprints differ');
    await user.clear(field);
    await user.click(field);
    await user.paste(await readEngineFile(pemPath));
    await user.click(within(group).getByRole('button', { name: 'Import private key' }));
    await waitFor(() => expect(screen.queryByText('needs re-entry')).toBeNull());
    expect(useApp.getState().keys).toHaveLength(1);
    expect(useApp.getState().keys[0]).toMatchObject({ id: key.id, hasPrivateKey: true });
  });

  it('asks before a key replaces the one the profile signs with; "keep" keeps it', async () => {
    const t = await renderApp({ step: 'keys', active: 'backend' });
    const second = await t.core.generateKey({ kind: 'EC-P-256', alg: 'ES256', kid: 'second' });
    expect(second.ok).toBe(true);
    useApp.setState({ keys: [...useApp.getState().keys, ...(second.ok ? [second.value] : [])] });
    const row = await screen.findByText('second');
    const tr = row.closest('tr')!;
    await t.user.click(within(tr).getByRole('button', { name: 'Use in profile' }));
    const ask = screen.getByRole('group', { name: `Replace key ${t.key!.kid}` });
    expect(ask.textContent).toContain('the server must know the new public key');
    await t.user.click(within(ask).getByRole('button', { name: `Keep ${t.key!.kid}` }));
    expect(t.calls('saveProfile')).toHaveLength(0);
    await t.user.click(within(tr).getByRole('button', { name: 'Use in profile' }));
    await t.user.click(screen.getByRole('button', { name: 'Use second instead' }));
    await waitFor(() =>
      expect(useApp.getState().profiles.find((p) => p.id === t.backend!.id)?.auth.kid).toBe(
        'second',
      ),
    );
  });

  it('refuses a pasted key over 256 KB before the box holds it, naming the cap', async () => {
    const t = await renderApp({ step: 'keys' });
    const box = screen.getByLabelText('PEM or JWK');
    await t.user.click(box);
    await t.user.paste('x'.repeat(300 * 1024));
    expect(screen.getByRole('alert').textContent).toContain(
      'Not added: 300 KB is more than the 256 KB a key may hold.',
    );
    expect((box as HTMLTextAreaElement).value).toBe('');
    expect(t.calls('importKey')).toHaveLength(0);
  });

  it('a store from a newer version opens read-only, said on every screen; a change is refused, the file kept', async () => {
    const dir = await fresh();
    const newer = JSON.stringify({ schemaVersion: 99, profiles: [] });
    await writeEngineFile(join(dir, 'config.json'), newer);
    const t = await renderApp({ engine: { dataDir: dir }, profiles: [] });
    const banner = screen.getByRole('alert', { name: 'Read-only store' });
    expect(banner.textContent).toContain('nothing you change is saved');
    expect(banner.textContent).toContain('newer version of this app');
    useApp.getState().goTo('keys');
    expect(await screen.findByRole('alert', { name: 'Read-only store' })).toBeTruthy();
    const r = await t.core.generateKey({ kind: 'EC-P-256', alg: 'ES256' });
    expect(r).toMatchObject({ ok: false, error: { code: 'STORE_READ_ONLY' } });
    // Refused whole: no key half made in the session either.
    expect(await t.core.listKeys()).toEqual({ ok: true, value: [] });
    expect(await readEngineFile(join(dir, 'config.json'))).toBe(newer);
  });

  it('sec-25 a registration access token that no longer decrypts is said at the registration', async () => {
    await renderApp({
      step: 'registration',
      setup: (t) => {
        // A damaged stored value (as sec-25 in electron/core/workspace.test.ts makes on disk).
        t.api.listProfiles.mockResolvedValue({
          ok: true,
          value: [{ ...t.backend!, needsReentry: ['registrationToken'] }],
        });
      },
    });
    const note = screen.getByText(/The registration access token/);
    expect(note.textContent).toContain('cannot be decrypted here');
    expect(note.textContent).toContain('Register again to get a new one');
  });
});
