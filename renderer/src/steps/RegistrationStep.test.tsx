import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FAKE_PROFILE, FAKE_REGISTRATION_URL } from '../api/fake-api.js';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';

const region = () => screen.getByRole('region', { name: 'Registration' });
const editor = () => screen.getByLabelText('Client metadata (JSON)') as HTMLTextAreaElement;
const active = () =>
  useApp.getState().profiles.find((p) => p.id === useApp.getState().activeProfileId)!;

describe('Registration step', () => {
  it('starts with an empty state that says what to do', async () => {
    await renderApp({ step: 'registration' });
    expect(region().textContent).toContain('Press Prepare registration');
    expect(region().textContent).toContain('discovered from the server');
    expect(within(region()).queryByRole('button', { name: 'Read registration' })).toBeNull();
  });

  it('prepares the metadata, sends it, and saves the new client to the profile', async () => {
    const { user, fake } = await renderApp({
      step: 'registration',
      handlers: {
        getStorageInfo: () => ({
          ok: true,
          value: { backend: 'OS keychain', secretsPersisted: true, quarantined: [] },
        }),
      },
      setup: (f) => {
        f.state.profiles[0]!.auth = { method: 'client_secret_basic', hasClientSecret: false };
      },
    });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    expect(fake.callsOf('prepareRegistration')).toEqual([[{ profileId: FAKE_PROFILE.id }]]);
    const meta = JSON.parse(editor().value) as Record<string, unknown>;
    expect(meta.token_endpoint_auth_method).toBe('client_secret_basic');
    expect((screen.getByLabelText('Registration URL') as HTMLInputElement).value).toBe(
      FAKE_REGISTRATION_URL,
    );
    expect(region().textContent).toContain('No problems found');

    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    const [sent] = fake.callsOf('sendRegistration')[0]!;
    expect(sent).toEqual({ profileId: FAKE_PROFILE.id, body: JSON.stringify(meta) });

    expect(region().textContent).toContain('HTTP 201');
    const stored = within(region()).getByRole('list', { name: 'Saved in the profile' });
    expect(stored.textContent).toContain('client_id saved to the profile');
    expect(stored.textContent).toContain('client secret stored encrypted');
    const next = within(region()).getByRole('region', { name: 'Next steps outside the protocol' });
    expect(next.textContent).toContain('An administrator must enable the new client');
    expect(within(region()).getByLabelText('Server answer (secrets masked)').textContent).toContain(
      '"registration_access_token"',
    );
    expect(active().clientId).toMatch(/^fake-client-/);
    expect(active().hasRegistrationToken).toBe(true);
    expect(within(region()).getByRole('button', { name: 'Read registration' })).toBeTruthy();
  });

  it('says a secret is kept for the session when nothing can persist it', async () => {
    const { user } = await renderApp({
      step: 'registration',
      setup: (f) => {
        f.state.profiles[0]!.auth = { method: 'client_secret_post', hasClientSecret: false };
      },
    });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    expect(
      within(region()).getByRole('list', { name: 'Saved in the profile' }).textContent,
    ).toContain('client secret kept for this session only');
  });

  it('sends nothing when the edited metadata is not a JSON object', async () => {
    const { user, fake } = await renderApp({ step: 'registration' });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    await user.clear(editor());
    await user.click(editor());
    await user.paste('{ "client_name": "x", ');
    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('JSON_INVALID');
    expect(alert.textContent).toContain('nothing was sent');
    await user.clear(editor());
    await user.click(editor());
    await user.paste('["not", "an object"]');
    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    expect(within(region()).getByRole('alert').textContent).toContain('must be a JSON object');
    expect(fake.callsOf('sendRegistration')).toHaveLength(0);
  });

  it('shows the server refusing the metadata with its finding and fix', async () => {
    const { user } = await renderApp({ step: 'registration' });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    const meta = JSON.parse(editor().value) as Record<string, unknown>;
    meta.redirect_uris = ['https://app.example.com/cb#frag'];
    await user.clear(editor());
    await user.click(editor());
    await user.paste(JSON.stringify(meta));
    await user.click(screen.getByRole('button', { name: 'Send registration' }));

    expect(region().textContent).toContain('HTTP 400');
    const findings = within(region()).getByRole('list', { name: 'Registration findings' });
    expect(findings.textContent).toContain('CLIENT_METADATA_INVALID');
    expect(findings.textContent).toContain('Fix the field named in error_description');
    expect(within(region()).queryByRole('list', { name: 'Saved in the profile' })).toBeNull();
    expect(active().clientId).toBe(FAKE_PROFILE.clientId);
  });

  it('sends to an edited registration URL', async () => {
    const { user, fake } = await renderApp({ step: 'registration' });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    const url = screen.getByLabelText('Registration URL');
    await user.clear(url);
    await user.type(url, 'https://emr.example/oauth2/default/registration');
    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    expect(fake.callsOf('sendRegistration')[0]![0].url).toBe(
      'https://emr.example/oauth2/default/registration',
    );
  });

  it('reads, updates and (after confirming) deletes the registration', async () => {
    const { user, fake } = await renderApp({ step: 'registration' });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    const clientId = active().clientId;

    await user.clear(editor());
    await user.click(screen.getByRole('button', { name: 'Read registration' }));
    expect(fake.callsOf('manageRegistration').at(-1)).toEqual([
      { profileId: FAKE_PROFILE.id, action: 'read' },
    ]);
    expect(JSON.parse(editor().value)).toMatchObject({ client_id: clientId });
    expect(region().textContent).toContain('Registration read back (RFC 7592)');

    const meta = JSON.parse(editor().value) as Record<string, unknown>;
    meta.client_name = 'Renamed client';
    await user.clear(editor());
    await user.click(editor());
    await user.paste(JSON.stringify(meta));
    await user.click(screen.getByRole('button', { name: 'Update registration' }));
    const [update] = fake.callsOf('manageRegistration').at(-1)!;
    expect(update.action).toBe('update');
    expect(JSON.parse(update.body!)).toMatchObject({ client_name: 'Renamed client' });

    await user.click(screen.getByRole('button', { name: 'Delete registration…' }));
    await user.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(fake.callsOf('manageRegistration').map(([i]) => i.action)).toEqual(['read', 'update']);

    await user.click(screen.getByRole('button', { name: 'Delete registration…' }));
    const confirm = screen.getByRole('group', { name: 'Confirm delete' });
    expect(confirm.textContent).toContain('Delete the registration at the server?');
    await user.click(within(confirm).getByRole('button', { name: 'Yes, delete it' }));
    expect(fake.callsOf('manageRegistration').at(-1)![0].action).toBe('delete');
    expect(region().textContent).toContain('Registration deleted (RFC 7592)');
    expect(
      within(region()).getByRole('list', { name: 'Saved in the profile' }).textContent,
    ).toContain('client_id removed from the profile');
    expect(active().clientId).toBe('');
    expect(within(region()).queryByRole('button', { name: 'Read registration' })).toBeNull();
  });

  it('shows a failed management call with its fix', async () => {
    const { user } = await renderApp({
      step: 'registration',
      setup: (f) => {
        f.state.profiles[0]!.hasRegistrationToken = true;
        f.state.profiles[0]!.registration = { clientUri: `${FAKE_REGISTRATION_URL}/x` };
      },
      handlers: {
        manageRegistration: () => ({
          ok: false,
          error: {
            code: 'SECRET_UNAVAILABLE',
            message: 'No registration access token is stored for this profile.',
            fix: 'Register again (secrets are kept for the session only).',
          },
        }),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Read registration' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('No registration access token is stored');
    expect(alert.textContent).toContain('Register again');
  });
});
