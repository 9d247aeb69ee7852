import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FAKE_KEY, FAKE_PROFILE } from '../api/fake-api.js';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';

const keyRows = () => within(screen.getAllByRole('table')[0]!).getAllByRole('row').slice(1);

describe('Keys step', () => {
  it('generates a key with the chosen type, alg and kid and lists it', async () => {
    const { user, fake } = await renderApp({ step: 'keys' });
    expect(keyRows()).toHaveLength(1);

    await user.selectOptions(screen.getByLabelText('Key type'), 'EC-P-384');
    expect((screen.getByLabelText('Algorithm') as HTMLSelectElement).value).toBe('ES384');
    expect(screen.getByLabelText('Key ID (kid)').getAttribute('placeholder')).toBe(
      'RFC 7638 thumbprint',
    );
    await user.type(screen.getByLabelText('Key ID (kid)'), 'my-ec-key');
    await user.click(screen.getByRole('button', { name: 'Generate key' }));

    expect(fake.callsOf('generateKey')).toEqual([
      [{ kind: 'EC-P-384', alg: 'ES384', kid: 'my-ec-key' }],
    ]);
    const rows = keyRows();
    expect(rows).toHaveLength(2);
    expect(rows[1]!.textContent).toContain('my-ec-key');
    expect(rows[1]!.textContent).toContain('ES384');
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
    const { user, fake } = await renderApp({ step: 'keys' });
    await user.click(screen.getByRole('button', { name: 'Generate key' }));
    const newRow = keyRows()[1]!;
    await user.click(within(newRow).getByRole('button', { name: 'Use in profile' }));

    const [input] = fake.callsOf('saveProfile').at(-1)!;
    const newKey = useApp.getState().keys[1]!;
    expect(input.id).toBe(FAKE_PROFILE.id);
    expect(input.auth).toMatchObject({
      method: 'private_key_jwt',
      keyId: newKey.id,
      kid: newKey.kid,
      alg: newKey.alg,
    });
    expect(useApp.getState().profiles[0]!.auth.keyId).toBe(newKey.id);
    expect(within(keyRows()[1]!).getByText('in profile')).toBeTruthy();
  });

  it('copies the kid and exports the JWKS', async () => {
    const { user, fake } = await renderApp({ step: 'keys' });
    await user.click(within(keyRows()[0]!).getByRole('button', { name: 'Copy kid' }));
    expect(await navigator.clipboard.readText()).toBe(FAKE_KEY.kid);

    await user.click(screen.getByRole('button', { name: 'Export JWKS' }));
    expect(fake.callsOf('exportJwks')).toEqual([[[FAKE_KEY.id]]]);
    const jwks = await screen.findByLabelText('JWKS (public keys only)');
    const parsed = JSON.parse(jwks.textContent ?? '') as { keys: { kid: string }[] };
    expect(parsed.keys.map((k) => k.kid)).toEqual([FAKE_KEY.kid]);
  });

  it('shows why an import failed', async () => {
    const { user } = await renderApp({ step: 'keys' });
    await user.type(screen.getByLabelText('PEM or JWK'), 'hello');
    await user.click(screen.getByRole('button', { name: 'Import key' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('neither a PEM private key nor a JWK');
    expect(alert.textContent).toContain('PKCS#8 PEM');
  });

  it('exports a private key to a path and confirms', async () => {
    const { user, fake } = await renderApp({ step: 'keys' });
    await user.type(screen.getByLabelText('File path'), '/home/me/client.pem');
    await user.click(screen.getByRole('button', { name: 'Export private key' }));
    expect(fake.callsOf('exportPrivateKey')).toEqual([
      [{ keyId: FAKE_KEY.id, path: '/home/me/client.pem' }],
    ]);
    expect(screen.getByText(/Private key written to/).textContent).toContain('/home/me/client.pem');
  });

  it('deletes a key', async () => {
    const { user } = await renderApp({ step: 'keys' });
    await user.click(within(keyRows()[0]!).getByRole('button', { name: 'Delete' }));
    expect(screen.getByText(/No keys yet/)).toBeTruthy();
  });

  describe('JWKS host', () => {
    const panel = () =>
      screen.getByRole('heading', { name: 'Host the JWKS on this machine' }).closest('.card')!;

    it('hosts the profile’s key, shows the URL, reachability and the cloud note, then stops', async () => {
      const { user, fake } = await renderApp({ step: 'keys' });
      const host = within(panel() as HTMLElement);
      expect(panel().textContent).toContain('a cloud server cannot');
      expect((host.getByLabelText('Key to host') as HTMLSelectElement).value).toBe('');
      await user.click(host.getByRole('button', { name: 'Start hosting' }));
      expect(fake.callsOf('hostJwks')).toEqual([[{ profileId: FAKE_PROFILE.id }]]);

      const url = fake.state.jwksHost!.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jwks\.json$/);
      const details = host.getByLabelText('JWKS host');
      expect(details.textContent).toContain(url);
      expect(details.textContent).toContain('✓ fetched back');
      expect(details.textContent).toContain(FAKE_KEY.kid);
      expect(host.getByRole('button', { name: 'Copy JWKS URL' })).toBeTruthy();
      expect(host.getByRole('note').textContent).toContain('a cloud server cannot');

      await user.click(host.getByRole('button', { name: 'Stop hosting' }));
      expect(fake.callsOf('stopJwksHost')).toHaveLength(1);
      expect(host.getByRole('button', { name: 'Start hosting' })).toBeTruthy();
    });

    it('hosts a chosen key and says when the URL cannot be fetched back', async () => {
      const { user, fake } = await renderApp({
        step: 'keys',
        handlers: {
          hostJwks: () => ({
            ok: true,
            value: {
              url: 'http://127.0.0.1:4000/jwks.json',
              port: 4000,
              kids: [FAKE_KEY.kid],
              reachable: false,
              note: 'Only servers on this machine can reach 127.0.0.1.',
            },
          }),
        },
      });
      const host = within(panel() as HTMLElement);
      await user.selectOptions(host.getByLabelText('Key to host'), FAKE_KEY.id);
      await user.click(host.getByRole('button', { name: 'Start hosting' }));
      expect(fake.callsOf('hostJwks')).toEqual([[{ keyIds: [FAKE_KEY.id] }]]);
      expect(host.getByLabelText('JWKS host').textContent).toContain('✗ could not fetch it back');
    });

    it('shows a failure to start with its fix', async () => {
      const { user } = await renderApp({
        step: 'keys',
        handlers: {
          hostJwks: () => ({
            ok: false,
            error: {
              code: 'NETWORK_ERROR',
              message: 'Port 8443 is in use.',
              fix: 'Pick another port or stop the program that holds it.',
            },
          }),
        },
      });
      await user.click(screen.getByRole('button', { name: 'Start hosting' }));
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toContain('Port 8443 is in use.');
      expect(alert.textContent).toContain('Pick another port');
    });

    it('shows a host that was already running when the app started', async () => {
      await renderApp({
        step: 'keys',
        handlers: {
          getJwksHost: () => ({
            ok: true,
            value: {
              host: {
                url: 'http://127.0.0.1:4555/jwks.json',
                port: 4555,
                kids: ['k1'],
                reachable: true,
                note: 'note',
              },
            },
          }),
        },
      });
      expect(panel().textContent).toContain('http://127.0.0.1:4555/jwks.json');
      expect(screen.getByRole('button', { name: 'Stop hosting' })).toBeTruthy();
    });
  });
});
