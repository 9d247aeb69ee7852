import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FAKE_PROFILE } from '../api/fake-api.js';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';

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
});
