import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useApp } from '../store/index.js';
import { toProfileInput } from '../store/profile-input.js';
import { BACKEND_SCOPE, renderApp, renderAuthApp } from '../test-utils.js';
import { must, server } from '../test/real-core.js';

describe('Profile step', () => {
  it('saves a new profile with the form values and makes it active', async () => {
    const { user, calls, core, backend } = await renderApp();
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

    const [input] = calls('saveProfile').at(-1)!;
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
    expect(active).not.toBe(backend!.id);
    const list = within(region).getByRole('list', { name: 'Profiles' });
    const current = within(list).getByRole('button', { current: true });
    expect(current.textContent).toContain('Vendor B');
    expect(within(list).getAllByRole('button')).toHaveLength(2);
    // The secret is write-only: the field is empty again and says it is stored.
    expect((screen.getByLabelText('Client secret') as HTMLInputElement).value).toBe('');
    expect(region.textContent).toContain('stored');
    // The engine holds the new profile, its secret kept apart.
    const saved = must(await core.listProfiles()).find((p) => p.id === active)!;
    expect(saved).toMatchObject({ name: 'Vendor B', clientId: 'client-b' });
    expect(saved.auth.hasClientSecret).toBe(true);
    expect(JSON.stringify(saved)).not.toContain('s3cret');
  });

  it('edits the active profile, keeping its id and key', async () => {
    const { user, calls, core, backend, key } = await renderApp();
    const name = screen.getByLabelText('Profile name') as HTMLInputElement;
    expect(name.value).toBe(backend!.name);
    await user.clear(screen.getByLabelText('Scope'));
    await user.type(screen.getByLabelText('Scope'), 'system/Patient.rs');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const [input] = calls('saveProfile').at(-1)!;
    expect(input.id).toBe(backend!.id);
    expect(input.scope).toBe('system/Patient.rs');
    expect(input.auth).toMatchObject({ keyId: key!.id, kid: key!.kid });
    expect(input.auth.clientSecret).toBeUndefined();
    const [saved] = must(await core.listProfiles());
    expect(saved).toMatchObject({ id: backend!.id, scope: 'system/Patient.rs' });
    expect(saved!.auth).toMatchObject({ keyId: key!.id, kid: key!.kid });
  });

  it('shows a refused field at the field, in words, and focuses it', async () => {
    const { user, core, backend } = await renderApp();
    const base = screen.getByLabelText('FHIR base URL');
    await user.clear(base);
    await user.type(base, 'ehr.example.com/fhir');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    // The web host's input parser refuses it before the engine sees it; the form says where.
    await waitFor(() => expect(base.getAttribute('aria-invalid')).toBe('true'));
    expect(document.activeElement).toBe(base);
    const described = base.getAttribute('aria-describedby')!.split(' ')[0]!;
    expect(document.getElementById(described)!.textContent).toBe(
      'FHIR base URL: Must be an absolute http(s) URL, e.g. https://ehr.example.com/fhir',
    );
    // No banner with the parser's field paths.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('region', { name: 'Profile' }).textContent).not.toContain(
      'fhirBaseUrl',
    );
    expect(must(await core.listProfiles())[0]!.fhirBaseUrl).toBe(backend!.fhirBaseUrl);
  });

  it('exports the profile as JSON and imports one back', async () => {
    const { user, calls, backend } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const json = await screen.findByText(/"name": "Example EHR sandbox"/);
    expect(json.textContent).toContain(`"clientId": "${backend!.clientId}"`);
    // The export carries no engine key id.
    expect(json.textContent).not.toContain('keyId');

    await user.type(screen.getByLabelText('Profile JSON'), 'not json');
    await user.click(screen.getByRole('button', { name: 'Import' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The profile is not valid JSON');
    expect(alert.textContent).toContain('Check the file against profile.schema.json.');

    await user.clear(screen.getByLabelText('Profile JSON'));
    await user.click(screen.getByLabelText('Profile JSON'));
    await user.paste(
      JSON.stringify({ name: 'Imported', clientId: 'c', scope: 's', auth: { method: 'none' } }),
    );
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(calls('importProfile')).toHaveLength(2);
    expect((screen.getByLabelText('Profile name') as HTMLInputElement).value).toBe('Imported');
  });

  it('switches the active profile from the list', async () => {
    let second = '';
    const { user } = await renderApp({
      setup: async ({ core, backend }) => {
        const { id: _id, ...rest } = backend!;
        second = must(await core.saveProfile({ ...rest, name: 'Second server' })).id;
      },
    });
    expect(useApp.getState().profiles).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: /Second server/ }));
    expect(useApp.getState().activeProfileId).toBe(second);
    expect((screen.getByLabelText('Profile name') as HTMLInputElement).value).toBe('Second server');
  });

  it('deletes the active profile after asking, and Undo brings it back with its secret', async () => {
    const { user, core, backend } = await renderApp({
      setup: async ({ core, backend }) => {
        must(
          await core.saveProfile({
            ...toProfileInput(backend!),
            auth: { ...toProfileInput(backend!).auth, clientSecret: 'undo-canary' },
          }),
        );
      },
    });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    // Nothing is deleted yet: the confirm names the profile and what goes with it.
    const ask = screen.getByRole('group', { name: `Delete “${backend!.name}”?` });
    expect(ask.textContent).toContain('its stored client secret');
    expect(must(await core.listProfiles())).toHaveLength(1);
    await user.click(within(ask).getByRole('button', { name: 'Keep it' }));
    expect(must(await core.listProfiles())).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(screen.getByRole('button', { name: `Delete “${backend!.name}”` }));
    await waitFor(() => expect(useApp.getState().profiles).toHaveLength(0));
    expect(screen.getByText(/No profiles yet/)).toBeTruthy();
    expect(must(await core.listProfiles())).toEqual([]);
    const undo = screen.getByRole('button', { name: 'Undo' });
    expect(document.activeElement).toBe(undo);

    await user.click(undo);
    await waitFor(() => expect(useApp.getState().profiles).toHaveLength(1));
    const [back] = must(await core.listProfiles());
    expect(back).toMatchObject({ id: backend!.id, auth: { hasClientSecret: true } });
    expect(useApp.getState().activeProfileId).toBe(backend!.id);
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('imports a file chosen in the file input; a duplicate asks, Rename imports it beside', async () => {
    const { user, core, backend } = await renderApp();
    const { json } = must(await core.exportProfile(backend!.id));
    const file = new File([json], 'sandbox.json', { type: 'application/json' });
    await user.upload(screen.getByLabelText('Profile file'), file);
    const ask = await screen.findByRole('group', { name: 'This profile is already here' });
    expect(ask.textContent).toContain(`A profile named “${backend!.name}” is already here.`);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(must(await core.listProfiles())).toHaveLength(1);
    const rename = within(ask).getByRole('button', { name: `Import as “${backend!.name} (2)”` });
    expect(document.activeElement).toBe(rename);
    await user.click(rename);
    await waitFor(async () => expect(must(await core.listProfiles())).toHaveLength(2));
    expect((screen.getByLabelText('Profile name') as HTMLInputElement).value).toBe(
      `${backend!.name} (2)`,
    );
    expect(screen.queryByRole('group', { name: 'This profile is already here' })).toBeNull();

    // Again, and Replace: still two profiles, the first one's id kept.
    await user.upload(screen.getByLabelText('Profile file'), file);
    const again = await screen.findByRole('group', { name: 'This profile is already here' });
    await user.click(within(again).getByRole('button', { name: `Replace “${backend!.name}”` }));
    await waitFor(() => expect(useApp.getState().activeProfileId).toBe(backend!.id));
    expect(must(await core.listProfiles())).toHaveLength(2);
  });

  it('downloads the profile file in the browser', async () => {
    let saved = '';
    let savedName = '';
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      const reader = new FileReader();
      reader.onload = () => (saved = String(reader.result));
      reader.readAsText(blob as Blob);
      return 'blob:profile';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      savedName = this.download;
    });
    const { user, backend } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(saved).not.toBe(''));
    expect(savedName).toBe('example-ehr-sandbox.json');
    expect(JSON.parse(saved)).toMatchObject({ name: backend!.name, clientId: backend!.clientId });
    vi.restoreAllMocks();
  });

  it('duplicates a profile; the copy gets tokens with the key that came along', async () => {
    const { user, core, backend } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Duplicate' }));
    await waitFor(async () => expect(must(await core.listProfiles())).toHaveLength(2));
    const copy = must(await core.listProfiles()).find((p) => p.id !== backend!.id)!;
    expect(copy).toMatchObject({ name: `${backend!.name} (copy)`, clientId: backend!.clientId });
    expect(useApp.getState().activeProfileId).toBe(copy.id);
    const draft = must(await core.prepareTokenRequest({ profileId: copy.id }));
    expect(must(await core.sendTokenRequest({ draftId: draft.id })).status).toBe(200);
  });

  it('searches and sorts when there are many profiles', async () => {
    const { user } = await renderApp({
      setup: async ({ core }) => {
        const more: [string, string][] = [
          ['Zeta clinic', 'zeta-client'],
          ['Alpha hospital', 'alpha-client'],
          ['Mid lab', 'lab-client'],
          ['Beta EHR', 'beta-client'],
          ['Gamma EHR', 'gamma-client'],
        ];
        for (const [name, clientId] of more)
          must(await core.saveProfile({ name, clientId, scope: '', auth: { method: 'none' } }));
      },
    });
    const list = () => screen.getByRole('list', { name: 'Profiles' });
    const names = () =>
      within(list())
        .getAllByRole('button')
        .map((b) => b.querySelector('.profile-item-name')!.textContent);
    expect(names()[0]).toBe('Alpha hospital');
    await user.type(screen.getByLabelText('Search profiles'), 'lab-cl');
    expect(names()).toEqual(['Mid lab']);
    await user.clear(screen.getByLabelText('Search profiles'));
    await user.type(screen.getByLabelText('Search profiles'), 'nothing like it');
    expect(screen.getByText('No profile matches “nothing like it”.')).toBeTruthy();
    await user.clear(screen.getByLabelText('Search profiles'));
    await user.selectOptions(screen.getByLabelText('Sort by'), 'created');
    // Newest first: the last one saved.
    expect(names()[0]).toBe('Gamma EHR');
  });

  it('groups environments and applies the shared settings to the others', async () => {
    let production = '';
    const { user, core, backend } = await renderApp({
      setup: async ({ core, backend }) => {
        must(
          await core.saveProfile({
            ...toProfileInput(backend!),
            group: 'Acme EHR',
            environment: 'sandbox',
          }),
        );
        production = must(
          await core.saveProfile({
            name: 'Acme production',
            group: 'Acme EHR',
            environment: 'production',
            tokenEndpoint: 'https://prod.acme.example/token',
            clientId: 'prod-client',
            scope: 'system/Patient.rs',
            auth: { method: 'private_key_jwt', alg: 'RS384' },
          }),
        ).id;
      },
    });
    const group = screen.getByRole('list', { name: 'Acme EHR' });
    expect(within(group).getAllByRole('button')).toHaveLength(2);
    expect(group.textContent).toContain('production');
    await user.clear(screen.getByLabelText('Scope'));
    await user.type(screen.getByLabelText('Scope'), 'system/Encounter.rs');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    await user.click(screen.getByRole('button', { name: 'Apply to the other environments' }));
    expect(await screen.findByText('Applied to “Acme production”.')).toBeTruthy();
    const prod = must(await core.listProfiles()).find((p) => p.id === production)!;
    expect(prod).toMatchObject({
      scope: 'system/Encounter.rs',
      clientId: 'prod-client',
      tokenEndpoint: 'https://prod.acme.example/token',
      environment: 'production',
    });
    expect(backend!.id).not.toBe(production);
  });

  it('shows the storage warning', async () => {
    // The engine keeps secrets in memory when it has no keychain or passphrase, and says so.
    await renderApp();
    expect(
      screen.getByText(
        'Secrets and private keys are kept for this session only. Set OFD_PASSPHRASE to store them encrypted.',
      ),
    ).toBeTruthy();
  });

  it('sets up an authorization code profile: flow, presets, redirect URI, PKCE, extra parameters', async () => {
    const { user, calls, core } = await renderApp();
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
    // Only the engine's storage warning is a note so far.
    const notes = () => screen.queryAllByRole('note').map((n) => n.textContent);
    expect(notes()).toEqual([expect.stringContaining('kept for this session only')]);
    await user.selectOptions(pkce, 'plain');
    expect(notes()).toContainEqual(expect.stringContaining('SMART App Launch requires S256'));
    await user.selectOptions(pkce, 'off');
    expect(notes()).toContainEqual(
      expect.stringContaining('refuse requests without a code_challenge'),
    );

    await user.type(redirect, 'http://127.0.0.1:8765/callback');
    await user.type(
      screen.getByLabelText('Post-logout redirect URI'),
      'http://127.0.0.1:8765/logged-out',
    );
    await user.type(
      screen.getByLabelText('Extra authorize parameters'),
      'launch=xyz{Enter}prompt=login',
    );
    await user.selectOptions(screen.getByLabelText('Auth method'), 'none');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    const expected = {
      name: 'Patient app',
      flow: 'authorization-code',
      scope: 'openid profile email offline_access',
      redirectUri: 'http://127.0.0.1:8765/callback',
      postLogoutRedirectUri: 'http://127.0.0.1:8765/logged-out',
      pkce: 'off',
      authorizeParams: [
        ['launch', 'xyz'],
        ['prompt', 'login'],
      ],
      auth: { method: 'none' },
    };
    const [input] = calls('saveProfile').at(-1)!;
    expect(input).toMatchObject(expected);
    expect(must(await core.listProfiles()).find((p) => p.name === 'Patient app')).toMatchObject(
      expected,
    );
    // The rail now offers the browser sign-in.
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    expect(within(rail).getByRole('button', { name: 'Authorize' })).toBeTruthy();
  });

  it('keeps a typed scope when the flow changes', async () => {
    const { user } = await renderApp();
    expect((screen.getByLabelText('Scope') as HTMLInputElement).value).toBe(BACKEND_SCOPE);
    await user.clear(screen.getByLabelText('Scope'));
    await user.type(screen.getByLabelText('Scope'), 'system/Encounter.rs');
    await user.selectOptions(screen.getByLabelText('Flow'), 'password');
    expect((screen.getByLabelText('Scope') as HTMLInputElement).value).toBe('system/Encounter.rs');
  });

  it('sets up the legacy password grant with its warning; the password is write-only', async () => {
    const { user, calls, core } = await renderApp();
    await user.selectOptions(screen.getByLabelText('Flow'), 'password');
    expect(
      screen.getByText(
        'RFC 9700 forbids the password grant; use it only to test servers that still offer it.',
      ),
    ).toBeTruthy();
    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'pass');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const [input] = calls('saveProfile').at(-1)!;
    expect(input).toMatchObject({ flow: 'password', username: 'admin', password: 'pass' });
    expect(must(await core.listProfiles())[0]).toMatchObject({
      username: 'admin',
      hasPassword: true,
    });
    // The field empties once the save has answered.
    await waitFor(() =>
      expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe(''),
    );
    expect((screen.getByLabelText('Password') as HTMLInputElement).placeholder).toBe(
      'stored — type to replace',
    );
    await user.click(screen.getByLabelText('Remove stored password'));
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(calls('saveProfile').at(-1)![0].password).toBe('');
    expect(must(await core.listProfiles())[0]!.hasPassword).toBe(false);
  });

  it('offers client_secret_jwt with HMAC algorithms only', async () => {
    const { user, calls } = await renderApp();
    await user.selectOptions(screen.getByLabelText('Auth method'), 'client_secret_jwt');
    const alg = screen.getByLabelText('Signing algorithm') as HTMLSelectElement;
    expect([...alg.options].map((o) => o.value)).toEqual(['HS256', 'HS384', 'HS512']);
    expect(alg.value).toBe('HS256');
    expect(screen.queryByLabelText('Signing key')).toBeNull();
    await user.selectOptions(alg, 'HS512');
    await user.type(screen.getByLabelText('Client secret'), 'shared-secret');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(calls('saveProfile').at(-1)![0].auth).toMatchObject({
      method: 'client_secret_jwt',
      alg: 'HS512',
      clientSecret: 'shared-secret',
    });
    await user.selectOptions(screen.getByLabelText('Auth method'), 'private_key_jwt');
    expect((screen.getByLabelText('Signing algorithm') as HTMLSelectElement).value).toBe('RS384');
  });

  it('saves the endpoints and the registration metadata', async () => {
    const { user, calls, core } = await renderApp();
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
    const expected = {
      registrationEndpoint: 'https://emr.example/oauth2/default/registration',
      revocationEndpoint: 'https://emr.example/revoke',
      jwksUri: 'https://app.example/jwks.json',
      registration: {
        applicationType: 'private',
        clientName: 'Nightly export',
        contacts: ['a@example.com', 'b@example.com'],
        keyDelivery: 'jwks_uri',
      },
    };
    expect(calls('saveProfile').at(-1)![0]).toMatchObject(expected);
    expect(must(await core.listProfiles())[0]).toMatchObject(expected);
  });

  it('keeps the registration handles the server gave when saving', async () => {
    const { user, calls, auth } = await renderAuthApp({
      setup: async (t) => {
        // A real registration of the app at the test server: it answers with RFC 7592 handles.
        const draft = must(await t.core.prepareRegistration({ profileId: t.auth!.id }));
        const r = must(await t.core.sendRegistration({ profileId: t.auth!.id, body: draft.body }));
        expect(r.status).toBe(201);
        t.auth = r.profile;
      },
    });
    expect(useApp.getState().activeProfileId).toBe(auth!.id);
    expect(auth!.registration?.clientUri).toMatch(new RegExp(`^${server().registrationEndpoint}/`));
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const [input] = calls('saveProfile').at(-1)!;
    expect(input.registration).toEqual(auth!.registration);
    expect(input).not.toHaveProperty('hasPassword');
    expect(input).not.toHaveProperty('hasRegistrationToken');
  });
});
