import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FAKE_AUTH_PROFILE, FAKE_PROFILE } from '../api/fake-api.js';
import { useApp } from '../store/index.js';
import { renderApp, renderAuthApp } from '../test-utils.js';

describe('Profile step', () => {
  it('saves a new profile with the form values and makes it active', async () => {
    const { user, fake } = await renderApp();
    const region = screen.getByRole('region', { name: 'Profile' });
    await user.click(within(region).getByRole('button', { name: 'New profile' }));

    await user.type(screen.getByLabelText('Profile name'), 'Vendor B');
    await user.type(screen.getByLabelText('FHIR base URL'), 'https://b.example/fhir');
    await user.type(screen.getByLabelText('Client ID'), 'client-b');
    await user.selectOptions(screen.getByLabelText('Auth method'), 'client_secret_basic');
    await user.type(screen.getByLabelText('Client secret'), 's3cret');
    expect((screen.getByLabelText('Scope') as HTMLInputElement).value).toBe('system/*.rs');
    expect((screen.getByLabelText('Resource path') as HTMLInputElement).value).toBe(
      'Patient?_count=1',
    );
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    const [input] = fake.callsOf('saveProfile').at(-1)!;
    expect(input).toMatchObject({
      name: 'Vendor B',
      fhirBaseUrl: 'https://b.example/fhir',
      clientId: 'client-b',
      scope: 'system/*.rs',
      resourcePath: 'Patient?_count=1',
      auth: { method: 'client_secret_basic', alg: 'RS384', clientSecret: 's3cret' },
    });
    expect(input.id).toBeUndefined();
    expect(input.tokenEndpoint).toBeUndefined();

    const active = useApp.getState().activeProfileId;
    expect(active).not.toBe(FAKE_PROFILE.id);
    const list = within(region).getByRole('list', { name: 'Profiles' });
    const current = within(list).getByRole('button', { current: true });
    expect(current.textContent).toContain('Vendor B');
    expect(within(list).getAllByRole('button')).toHaveLength(2);
    // The secret is write-only: the field is empty again and says it is stored.
    expect((screen.getByLabelText('Client secret') as HTMLInputElement).value).toBe('');
    expect(region.textContent).toContain('stored');
  });

  it('edits the active profile, keeping its id and key', async () => {
    const { user, fake } = await renderApp();
    const name = screen.getByLabelText('Profile name') as HTMLInputElement;
    expect(name.value).toBe(FAKE_PROFILE.name);
    await user.clear(screen.getByLabelText('Scope'));
    await user.type(screen.getByLabelText('Scope'), 'system/Patient.rs');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const [input] = fake.callsOf('saveProfile').at(-1)!;
    expect(input.id).toBe(FAKE_PROFILE.id);
    expect(input.scope).toBe('system/Patient.rs');
    expect(input.auth).toMatchObject({ keyId: 'key-1', kid: FAKE_PROFILE.auth.kid });
    expect(input.auth.clientSecret).toBeUndefined();
  });

  it('shows a failed save as an alert with the fix', async () => {
    const { user } = await renderApp({
      handlers: {
        saveProfile: () => ({
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: 'fhirBaseUrl: Must be an absolute http(s) URL',
            fix: 'Use a full URL such as https://ehr.example.com/fhir',
          },
        }),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Must be an absolute http(s) URL');
    expect(alert.textContent).toContain('Use a full URL such as https://ehr.example.com/fhir');
  });

  it('exports the profile as JSON and imports one back', async () => {
    const { user, fake } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const json = fake.state.profiles[0] && (await screen.findByText(/"version": 1/));
    expect(json?.textContent).toContain(FAKE_PROFILE.clientId);

    await user.type(screen.getByLabelText('Profile JSON'), 'not json');
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect((await screen.findByRole('alert')).textContent).toContain('not valid JSON');

    await user.clear(screen.getByLabelText('Profile JSON'));
    await user.click(screen.getByLabelText('Profile JSON'));
    await user.paste(
      JSON.stringify({ name: 'Imported', clientId: 'c', scope: 's', auth: { method: 'none' } }),
    );
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(fake.callsOf('importProfile')).toHaveLength(2);
    expect((screen.getByLabelText('Profile name') as HTMLInputElement).value).toBe('Imported');
  });

  it('switches the active profile from the list', async () => {
    const { user, fake } = await renderApp({
      setup: (f) => {
        f.state.profiles.push({ ...FAKE_PROFILE, id: 'profile-2', name: 'Second server' });
      },
    });
    expect(fake.state.profiles).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: /Second server/ }));
    expect(useApp.getState().activeProfileId).toBe('profile-2');
    expect((screen.getByLabelText('Profile name') as HTMLInputElement).value).toBe('Second server');
  });

  it('deletes the active profile', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(useApp.getState().profiles).toHaveLength(0);
    expect(screen.getByText(/No profiles yet/)).toBeTruthy();
  });

  it('shows the storage warning', async () => {
    await renderApp({
      handlers: {
        getStorageInfo: () => ({
          ok: true,
          value: {
            backend: 'plain file',
            secretsPersisted: false,
            warning: 'No OS keychain: secrets are kept for this session only.',
            quarantined: [],
          },
        }),
      },
    });
    expect(
      screen.getByText('No OS keychain: secrets are kept for this session only.'),
    ).toBeTruthy();
  });

  it('sets up an authorization code profile: flow, presets, redirect URI, PKCE, extra parameters', async () => {
    const { user, fake } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'New profile' }));
    await user.type(screen.getByLabelText('Profile name'), 'Patient app');
    expect(screen.queryByLabelText('Redirect URI')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Flow'), 'authorization-code');
    // The default scope was a preset, so it follows the flow.
    expect((screen.getByLabelText('Scope') as HTMLInputElement).value).toBe(
      'openid fhirUser launch/patient patient/*.rs offline_access',
    );
    await user.click(screen.getByRole('button', { name: 'OpenID Connect sign-in' }));
    expect((screen.getByLabelText('Scope') as HTMLInputElement).value).toBe(
      'openid profile email offline_access',
    );
    const redirect = screen.getByLabelText('Redirect URI') as HTMLInputElement;
    expect(redirect.placeholder).toContain('loopback listener on 127.0.0.1 with a random port');
    expect(redirect.placeholder).toContain('RFC 8252');

    const pkce = screen.getByLabelText('PKCE') as HTMLSelectElement;
    expect(pkce.value).toBe('S256');
    expect(screen.queryByRole('note')).toBeNull();
    await user.selectOptions(pkce, 'plain');
    expect(screen.getByRole('note').textContent).toContain('SMART App Launch requires S256');
    await user.selectOptions(pkce, 'off');
    expect(screen.getByRole('note').textContent).toContain(
      'refuse requests without a code_challenge',
    );

    await user.type(redirect, 'http://127.0.0.1:8765/callback');
    await user.type(
      screen.getByLabelText('Extra authorize parameters'),
      'launch=xyz{Enter}prompt=login',
    );
    await user.selectOptions(screen.getByLabelText('Auth method'), 'none');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    const [input] = fake.callsOf('saveProfile').at(-1)!;
    expect(input).toMatchObject({
      name: 'Patient app',
      flow: 'authorization-code',
      scope: 'openid profile email offline_access',
      redirectUri: 'http://127.0.0.1:8765/callback',
      pkce: 'off',
      authorizeParams: [
        ['launch', 'xyz'],
        ['prompt', 'login'],
      ],
      auth: { method: 'none' },
    });
    // The rail now offers the browser sign-in.
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    expect(within(rail).getByRole('button', { name: 'Authorize' })).toBeTruthy();
  });

  it('keeps a typed scope when the flow changes', async () => {
    const { user } = await renderApp();
    await user.clear(screen.getByLabelText('Scope'));
    await user.type(screen.getByLabelText('Scope'), 'system/Encounter.rs');
    await user.selectOptions(screen.getByLabelText('Flow'), 'password');
    expect((screen.getByLabelText('Scope') as HTMLInputElement).value).toBe('system/Encounter.rs');
  });

  it('sets up the legacy password grant with its warning; the password is write-only', async () => {
    const { user, fake } = await renderApp();
    await user.selectOptions(screen.getByLabelText('Flow'), 'password');
    expect(
      screen.getByText(
        'RFC 9700 forbids the password grant; use it only to test servers that still offer it.',
      ),
    ).toBeTruthy();
    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'pass');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const [input] = fake.callsOf('saveProfile').at(-1)!;
    expect(input).toMatchObject({ flow: 'password', username: 'admin', password: 'pass' });
    // The field empties once the save has answered.
    await waitFor(() =>
      expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe(''),
    );
    expect((screen.getByLabelText('Password') as HTMLInputElement).placeholder).toBe(
      'stored — type to replace',
    );
    await user.click(screen.getByLabelText('Remove stored password'));
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(fake.callsOf('saveProfile').at(-1)![0].password).toBe('');
  });

  it('offers client_secret_jwt with HMAC algorithms only', async () => {
    const { user, fake } = await renderApp();
    await user.selectOptions(screen.getByLabelText('Auth method'), 'client_secret_jwt');
    const alg = screen.getByLabelText('Signing algorithm') as HTMLSelectElement;
    expect([...alg.options].map((o) => o.value)).toEqual(['HS256', 'HS384', 'HS512']);
    expect(alg.value).toBe('HS256');
    expect(screen.queryByLabelText('Signing key')).toBeNull();
    await user.selectOptions(alg, 'HS512');
    await user.type(screen.getByLabelText('Client secret'), 'shared-secret');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(fake.callsOf('saveProfile').at(-1)![0].auth).toMatchObject({
      method: 'client_secret_jwt',
      alg: 'HS512',
      clientSecret: 'shared-secret',
    });
    await user.selectOptions(screen.getByLabelText('Auth method'), 'private_key_jwt');
    expect((screen.getByLabelText('Signing algorithm') as HTMLSelectElement).value).toBe('RS384');
  });

  it('saves the endpoints and the registration metadata', async () => {
    const { user, fake } = await renderApp();
    expect(screen.getByText('Endpoints (discovered when empty)')).toBeTruthy();
    await user.click(screen.getByText('Endpoints (discovered when empty)'));
    await user.type(
      screen.getByLabelText('Registration endpoint'),
      'https://emr.example/oauth2/default/registration',
    );
    await user.type(screen.getByLabelText('Revocation endpoint'), 'https://emr.example/revoke');
    await user.click(screen.getByText('Registration metadata (for dynamic registration)'));
    await user.selectOptions(screen.getByLabelText('Application type'), 'private');
    await user.type(screen.getByLabelText('Client name'), 'Nightly export');
    await user.type(screen.getByLabelText('Contacts'), 'a@example.com, b@example.com');
    await user.selectOptions(screen.getByLabelText('Key delivery'), 'jwks_uri');
    await user.type(screen.getByLabelText('Your JWKS URL'), 'https://app.example/jwks.json');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(fake.callsOf('saveProfile').at(-1)![0]).toMatchObject({
      registrationEndpoint: 'https://emr.example/oauth2/default/registration',
      revocationEndpoint: 'https://emr.example/revoke',
      jwksUri: 'https://app.example/jwks.json',
      registration: {
        applicationType: 'private',
        clientName: 'Nightly export',
        contacts: ['a@example.com', 'b@example.com'],
        keyDelivery: 'jwks_uri',
      },
    });
  });

  it('keeps the registration handles the server gave when saving', async () => {
    const { user, fake } = await renderAuthApp({
      setup: (f) => {
        f.state.profiles.at(-1)!.registration = { clientUri: 'https://as/reg/abc' };
      },
    });
    expect(useApp.getState().activeProfileId).toBe(FAKE_AUTH_PROFILE.id);
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const [input] = fake.callsOf('saveProfile').at(-1)!;
    expect(input.registration).toEqual({ clientUri: 'https://as/reg/abc' });
    expect(input).not.toHaveProperty('hasPassword');
    expect(input).not.toHaveProperty('hasRegistrationToken');
  });
});
