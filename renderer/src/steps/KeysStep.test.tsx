import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';
import { PKCS8_START } from '../test/fixtures/pem.js';
import { toProfileInput } from '../store/profile-input.js';
import { context, must, readEngineFile, startEngine } from '../test/real-core.js';

const keyRows = () => within(screen.getAllByRole('table')[0]!).getAllByRole('row').slice(1);

describe('Keys step', () => {
  it('generates a key with the chosen type, alg and kid and lists it', async () => {
    const { user, calls, core } = await renderApp({ step: 'keys' });
    expect(keyRows()).toHaveLength(1);

    await user.selectOptions(screen.getByLabelText('Key type'), 'EC-P-384');
    expect((screen.getByLabelText('Algorithm') as HTMLSelectElement).value).toBe('ES384');
    expect(screen.getByLabelText('Key ID (kid)').getAttribute('placeholder')).toBe(
      'RFC 7638 thumbprint',
    );
    await user.type(screen.getByLabelText('Key ID (kid)'), 'my-ec-key');
    await user.click(screen.getByRole('button', { name: 'Generate key' }));

    expect(calls('generateKey')).toEqual([[{ kind: 'EC-P-384', alg: 'ES384', kid: 'my-ec-key' }]]);
    const rows = keyRows();
    expect(rows).toHaveLength(2);
    expect(rows[1]!.textContent).toContain('my-ec-key');
    expect(rows[1]!.textContent).toContain('ES384');
    expect(must(await core.listKeys()).at(-1)).toMatchObject({
      kid: 'my-ec-key',
      alg: 'ES384',
      kty: 'EC',
      hasPrivateKey: true,
    });
    // The field clears once the generate call has returned (after the list has updated).
    await waitFor(() =>
      expect((screen.getByLabelText('Key ID (kid)') as HTMLInputElement).value).toBe(''),
    );
  });

  it('only offers algorithms that fit the key type', async () => {
    const { user } = await renderApp({ step: 'keys' });
    const algs = () =>
      [...(screen.getByLabelText('Algorithm') as HTMLSelectElement).options].map((o) => o.value);
    expect(algs()).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
    await user.selectOptions(screen.getByLabelText('Key type'), 'EC-P-256');
    expect(algs()).toEqual(['ES256']);
  });

  it('uses a key in the active profile', async () => {
    const { user, calls, core, backend } = await renderApp({ step: 'keys' });
    await user.selectOptions(screen.getByLabelText('Key type'), 'EC-P-256');
    await user.click(screen.getByRole('button', { name: 'Generate key' }));
    const newRow = keyRows()[1]!;
    await user.click(within(newRow).getByRole('button', { name: 'Use in profile' }));
    // The profile signs with the run's key: replacing it is asked first.
    const newKey = useApp.getState().keys[1]!;
    expect(calls('saveProfile')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: `Use ${newKey.kid} instead` }));

    const [input] = calls('saveProfile').at(-1)!;
    expect(input.id).toBe(backend!.id);
    const uses = { method: 'private_key_jwt', keyId: newKey.id, kid: newKey.kid, alg: 'ES256' };
    expect(input.auth).toMatchObject(uses);
    expect(useApp.getState().profiles[0]!.auth.keyId).toBe(newKey.id);
    expect(must(await core.listProfiles())[0]!.auth).toMatchObject(uses);
    expect(within(keyRows()[1]!).getByText('in profile')).toBeTruthy();
  });

  it('copies the kid and exports the JWKS', async () => {
    const { user, calls, key } = await renderApp({ step: 'keys' });
    await user.click(within(keyRows()[0]!).getByRole('button', { name: 'Copy kid' }));
    expect(await navigator.clipboard.readText()).toBe(key!.kid);

    await user.click(screen.getByRole('button', { name: 'Export JWKS' }));
    expect(calls('exportJwks')).toEqual([[[key!.id]]]);
    const jwks = await screen.findByLabelText('JWKS (public keys only)');
    const parsed = JSON.parse(jwks.textContent ?? '') as { keys: Record<string, string>[] };
    expect(parsed.keys.map((k) => k.kid)).toEqual([key!.kid]);
    expect(parsed.keys[0]).toMatchObject({ kty: 'RSA', n: key!.publicJwk.n });
    expect(parsed.keys[0]).not.toHaveProperty('d');
  });

  it('shows why an import failed', async () => {
    const { user } = await renderApp({ step: 'keys' });
    await user.type(screen.getByLabelText('PEM or JWK'), 'hello');
    await user.click(screen.getByRole('button', { name: 'Import key' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This is neither a PEM block nor a JWK.');
    expect(alert.textContent).toContain('Paste a key that starts with "-----BEGIN" or "{".');
  });

  it('exports a private key to a path and confirms', async () => {
    const { user, calls, key } = await renderApp({ step: 'keys' });
    const path = `${context().scratchDir}/client-${Date.now()}.pem`;
    await user.type(screen.getByLabelText('File path'), path);
    await user.click(screen.getByRole('button', { name: 'Export private key' }));
    expect(calls('exportPrivateKey')).toEqual([[{ keyId: key!.id, path }]]);
    expect(screen.getByText(/Private key written to/).textContent).toContain(path);
    expect(await readEngineFile(path)).toMatch(PKCS8_START);
  });

  it('deletes a key only after asking, naming the profiles that use it', async () => {
    const { user, core } = await renderApp({ step: 'keys' });
    await user.click(within(keyRows()[0]!).getByRole('button', { name: 'Delete' }));
    const ask = screen.getByRole('group', { name: /^Delete key / });
    expect(ask.textContent).toMatch(/Used by .+: that profile can no longer sign an assertion\./);
    await user.click(within(ask).getByRole('button', { name: 'Keep it' }));
    expect(must(await core.listKeys())).toHaveLength(1);
    expect(screen.queryByRole('group', { name: /^Delete key / })).toBeNull();

    await user.click(within(keyRows()[0]!).getByRole('button', { name: 'Delete' }));
    await user.click(screen.getByRole('button', { name: 'Delete the key' }));
    expect(screen.getByText(/No keys yet/)).toBeTruthy();
    expect(must(await core.listKeys())).toEqual([]);
  });

  describe('JWKS host', () => {
    const panel = () =>
      screen.getByRole('heading', { name: 'Host the JWKS on this machine' }).closest('.card')!;

    it('hosts the profile’s key, shows the URL, reachability and the cloud note, then stops', async () => {
      const { user, calls, core, backend, key } = await renderApp({ step: 'keys' });
      const host = within(panel() as HTMLElement);
      expect(panel().textContent).toContain('a cloud server cannot');
      expect((host.getByLabelText('Key to host') as HTMLSelectElement).value).toBe('');
      await user.click(host.getByRole('button', { name: 'Start hosting' }));
      expect(calls('hostJwks')).toEqual([[{ profileId: backend!.id }]]);

      const url = must(await core.getJwksHost()).host!.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jwks\.json$/);
      // The URL really serves the key.
      const served = (await (await fetch(url)).json()) as { keys: { kid: string }[] };
      expect(served.keys.map((k) => k.kid)).toEqual([key!.kid]);
      const details = host.getByLabelText('JWKS host');
      expect(details.textContent).toContain(url);
      expect(details.textContent).toContain('✓ fetched back');
      expect(details.textContent).toContain(key!.kid);
      expect(host.getByRole('button', { name: 'Copy JWKS URL' })).toBeTruthy();
      expect(host.getByRole('note').textContent).toContain('a cloud server cannot');

      await user.click(host.getByRole('button', { name: 'Stop hosting' }));
      expect(calls('stopJwksHost')).toHaveLength(1);
      expect(host.getByRole('button', { name: 'Start hosting' })).toBeTruthy();
      expect(must(await core.getJwksHost()).host).toBeNull();
      await expect(fetch(url)).rejects.toThrow();
    });

    it('hosts a chosen key and says when the URL cannot be fetched back', async () => {
      const { user, calls, key } = await renderApp({
        step: 'keys',
        setup: ({ api, core }) => {
          // The engine's fetch back over loopback always works here: a firewall that stops it
          // is played by changing only that field of the real answer.
          api.hostJwks.mockImplementation(async (input) => {
            const r = await core.hostJwks(input);
            return r.ok ? { ok: true, value: { ...r.value, reachable: false } } : r;
          });
        },
      });
      const host = within(panel() as HTMLElement);
      await user.selectOptions(host.getByLabelText('Key to host'), key!.id);
      await user.click(host.getByRole('button', { name: 'Start hosting' }));
      expect(calls('hostJwks')).toEqual([[{ keyIds: [key!.id] }]]);
      expect(host.getByLabelText('JWKS host').textContent).toContain('✗ could not fetch it back');
    });

    it('shows a failure to start with its fix', async () => {
      const { user, core, key } = await renderApp({ step: 'keys' });
      // Another window (or the CLI) deletes the key while this page still lists it.
      must(await core.deleteKey(key!.id));
      await user.click(screen.getByRole('button', { name: 'Start hosting' }));
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toContain('The profile has no key to publish.');
      expect(alert.textContent).toContain('Choose a key in the profile (Keys step)');
    });

    it("keeps the key's port; when another program holds it, says so, offers a free port and flags the profile naming the old URL", async () => {
      let oldUrl = '';
      const { user } = await renderApp({
        step: 'keys',
        setup: async ({ core, backend }) => {
          // The key's JWKS URL, registered as the profile's jwks_uri; then the host stops.
          oldUrl = must(await core.hostJwks({ profileId: backend!.id })).url;
          must(await core.stopJwksHost());
          must(await core.saveProfile({ ...toProfileInput(backend!), jwksUri: oldUrl }));
          // Another program takes the port meanwhile (here: another debugger's JWKS host).
          const other = await startEngine();
          const k = must(await other.bridge.generateKey({ kind: 'EC-P-256', alg: 'ES256' }));
          must(await other.bridge.hostJwks({ keyIds: [k.id], port: Number(new URL(oldUrl).port) }));
        },
      });
      const host = within(panel() as HTMLElement);
      await user.click(host.getByRole('button', { name: 'Start hosting' }));
      const alert = await host.findByRole('alert');
      expect(alert.textContent).toContain('the one remembered for this key');
      expect(alert.textContent).toContain('jwks_uri updated');
      await user.click(host.getByRole('button', { name: 'Host on a free port instead' }));
      const details = await host.findByLabelText('JWKS host');
      const newUrl = useApp.getState().jwksHost!.url;
      expect(newUrl).not.toBe(oldUrl);
      expect(details.textContent).toContain(newUrl);
      const stale = host.getByText(/a URL no longer served/);
      expect(stale.textContent).toContain(oldUrl);
      expect(stale.textContent).toContain('Update the registration');
    });

    it('shows a host that was already running when the app started', async () => {
      let url = '';
      await renderApp({
        step: 'keys',
        setup: async ({ core, key }) => {
          url = must(await core.hostJwks({ keyIds: [key!.id] })).url;
        },
      });
      expect(panel().textContent).toContain(url);
      expect(screen.getByRole('button', { name: 'Stop hosting' })).toBeTruthy();
    });
  });
});
