import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toProfileInput } from '../store/profile-input.js';
import { useApp } from '../store/index.js';
import { renderApp, type TestApp } from '../test-utils.js';
import { context, must, server } from '../test/real-core.js';

const region = () => screen.getByRole('region', { name: 'Registration' });
const editor = () => screen.getByLabelText('Client metadata (JSON)') as HTMLTextAreaElement;
const active = () =>
  useApp.getState().profiles.find((p) => p.id === useApp.getState().activeProfileId)!;

/** The backend profile authenticating with a client secret the server will issue. */
const withSecretAuth =
  (method: 'client_secret_basic' | 'client_secret_post') =>
  async ({ core, backend }: TestApp) =>
    void must(await core.saveProfile({ ...toProfileInput(backend!), auth: { method } }));

describe('Registration step', () => {
  it('starts with an empty state that says what to do', async () => {
    await renderApp({ step: 'registration' });
    expect(region().textContent).toContain('Press Prepare registration');
    expect(region().textContent).toContain('discovered from the server');
    expect(within(region()).queryByRole('button', { name: 'Read registration' })).toBeNull();
  });

  it('prepares the metadata, sends it, and saves the new client to the profile', async () => {
    const openemr = context().openemr;
    const { user, calls, core, backend } = await renderApp({
      step: 'registration',
      // Secrets encrypted with a passphrase persist (as with an OS keychain).
      engine: { passphrase: 'correct horse battery staple' },
      // OpenEMR (its simulator): registered clients land disabled until an admin enables them.
      setup: async ({ core, backend }) =>
        void must(
          await core.saveProfile({
            ...toProfileInput(backend!),
            vendor: 'openemr',
            fhirBaseUrl: openemr.fhirBase,
            tokenEndpoint: openemr.tokenEndpoint,
            registrationEndpoint: openemr.registrationEndpoint,
            auth: { method: 'client_secret_basic' },
          }),
        ),
    });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    expect(calls('prepareRegistration')).toEqual([[{ profileId: backend!.id }]]);
    const meta = JSON.parse(editor().value) as Record<string, unknown>;
    expect(meta.token_endpoint_auth_method).toBe('client_secret_basic');
    expect((screen.getByLabelText('Registration URL') as HTMLInputElement).value).toBe(
      openemr.registrationEndpoint,
    );
    expect(region().textContent).toContain('No problems found');

    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    const [sent] = calls('sendRegistration')[0]!;
    expect(sent).toEqual({ profileId: backend!.id, body: JSON.stringify(meta) });

    expect(region().textContent).toContain('HTTP 201');
    const stored = within(region()).getByRole('list', { name: 'Saved in the profile' });
    expect(stored.textContent).toContain('client_id saved to the profile');
    expect(stored.textContent).toContain('client secret stored encrypted');
    const next = within(region()).getByRole('region', { name: 'Next steps outside the protocol' });
    expect(next.textContent).toContain('An administrator must enable the new client');
    expect(within(region()).getByLabelText('Server answer (secrets masked)').textContent).toContain(
      '"registration_access_token"',
    );
    const answer = useApp.getState().registrationResult!.body!;
    expect(active().clientId).toBe(answer.client_id);
    expect(active().clientId).not.toBe(backend!.clientId);
    expect(active().hasRegistrationToken).toBe(true);
    expect(must(await core.listProfiles())[0]).toMatchObject({
      clientId: answer.client_id,
      hasRegistrationToken: true,
      auth: { hasClientSecret: true },
    });
    expect(within(region()).getByRole('button', { name: 'Read registration' })).toBeTruthy();
  }, 20_000);

  it('says a secret is kept for the session when nothing can persist it', async () => {
    const { user } = await renderApp({
      step: 'registration',
      setup: withSecretAuth('client_secret_post'),
    });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    expect(
      within(region()).getByRole('list', { name: 'Saved in the profile' }).textContent,
    ).toContain('client secret kept for this session only');
  });

  it('sends nothing when the edited metadata is not a JSON object', async () => {
    const { user, calls } = await renderApp({ step: 'registration' });
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
    expect(calls('sendRegistration')).toHaveLength(0);
  });

  it('shows the server refusing the metadata with its finding and fix', async () => {
    const { user, backend } = await renderApp({ step: 'registration' });
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
    expect(active().clientId).toBe(backend!.clientId);
  });

  it('sends to an edited registration URL', async () => {
    const { user, calls } = await renderApp({
      step: 'registration',
      // The profile names a registration endpoint nothing answers at; the user types the right one.
      setup: async ({ core, backend }) =>
        void must(
          await core.saveProfile({
            ...toProfileInput(backend!),
            registrationEndpoint: 'http://127.0.0.1:9/register',
          }),
        ),
    });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    const url = screen.getByLabelText('Registration URL') as HTMLInputElement;
    expect(url.value).toBe('http://127.0.0.1:9/register');
    await user.clear(url);
    await user.click(url);
    await user.paste(server().registrationEndpoint);
    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    expect(calls('sendRegistration')[0]![0].url).toBe(server().registrationEndpoint);
    expect(region().textContent).toContain('HTTP 201');
  });

  it('reads, updates and (after confirming) deletes the registration', async () => {
    const { user, calls, backend } = await renderApp({ step: 'registration' });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    const clientId = active().clientId;

    await user.clear(editor());
    await user.click(screen.getByRole('button', { name: 'Read registration' }));
    expect(calls('manageRegistration').at(-1)).toEqual([
      { profileId: backend!.id, action: 'read' },
    ]);
    expect(JSON.parse(editor().value)).toMatchObject({ client_id: clientId });
    expect(region().textContent).toContain('Registration read back (RFC 7592)');

    const meta = JSON.parse(editor().value) as Record<string, unknown>;
    meta.client_name = 'Renamed client';
    await user.clear(editor());
    await user.click(editor());
    await user.paste(JSON.stringify(meta));
    await user.click(screen.getByRole('button', { name: 'Update registration' }));
    const [update] = calls('manageRegistration').at(-1)!;
    expect(update.action).toBe('update');
    expect(JSON.parse(update.body!)).toMatchObject({ client_name: 'Renamed client' });
    expect(region().textContent).toContain('Registration updated (RFC 7592)');
    expect(useApp.getState().registrationResult!.body).toMatchObject({
      client_name: 'Renamed client',
    });

    await user.click(screen.getByRole('button', { name: 'Delete registration…' }));
    await user.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(calls('manageRegistration').map(([i]) => i.action)).toEqual(['read', 'update']);

    await user.click(screen.getByRole('button', { name: 'Delete registration…' }));
    const confirm = screen.getByRole('group', { name: 'Confirm delete' });
    expect(confirm.textContent).toContain('Delete the registration at the server?');
    await user.click(within(confirm).getByRole('button', { name: 'Yes, delete it' }));
    expect(calls('manageRegistration').at(-1)![0].action).toBe('delete');
    expect(region().textContent).toContain('Registration deleted (RFC 7592)');
    expect(
      within(region()).getByRole('list', { name: 'Saved in the profile' }).textContent,
    ).toContain('client_id removed from the profile');
    expect(active().clientId).toBe('');
    expect(within(region()).queryByRole('button', { name: 'Read registration' })).toBeNull();
  });

  it('hosts the profile’s key and puts the hosted JWKS URL in the metadata in one click', async () => {
    const { user, calls, core, backend, key } = await renderApp({ step: 'registration' });
    const delivery = within(screen.getByRole('group', { name: 'Your public key (jwks_uri)' }));
    expect(delivery.getByText(/not hosting key/).textContent).toContain(key!.kid);
    expect(delivery.queryByRole('button', { name: 'Use the hosted JWKS URL' })).toBeNull();
    await user.click(delivery.getByRole('button', { name: 'Host the profile’s key' }));
    expect(calls('hostJwks')).toEqual([[{ profileId: backend!.id }]]);
    const url = must(await core.getJwksHost()).host!.url;
    expect(delivery.getByText(url)).toBeTruthy();

    // Without a jwks_uri the key goes by value.
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    expect(JSON.parse(editor().value)).toHaveProperty('jwks');
    await user.click(delivery.getByRole('button', { name: 'Use the hosted JWKS URL' }));
    const meta = JSON.parse(editor().value) as Record<string, unknown>;
    expect(meta.jwks_uri).toBe(url);
    expect(meta).not.toHaveProperty('jwks');
    expect(active()).toMatchObject({ jwksUri: url, registration: { keyDelivery: 'jwks_uri' } });
    expect(must(await core.listProfiles())[0]!.jwksUri).toBe(url);
    expect(delivery.getByText(/names the hosted JWKS URL as its jwks_uri/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Send registration' }));
    expect(region().textContent).toContain('HTTP 201');
    expect(useApp.getState().registrationResult!.body).toMatchObject({ jwks_uri: url });
  });

  it('keeps edits to the metadata when the hosted JWKS URL replaces jwks', async () => {
    const { user, core, backend } = await renderApp({
      step: 'registration',
      setup: async ({ core, backend }) =>
        void must(await core.hostJwks({ profileId: backend!.id })),
    });
    const url = must(await core.getJwksHost()).host!.url;
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    const meta = JSON.parse(editor().value) as Record<string, unknown>;
    meta.client_name = 'Edited by hand';
    await user.clear(editor());
    await user.click(editor());
    await user.paste(JSON.stringify(meta));
    await user.click(screen.getByRole('button', { name: 'Use the hosted JWKS URL' }));
    const now = JSON.parse(editor().value) as Record<string, unknown>;
    expect(now).toMatchObject({ client_name: 'Edited by hand', jwks_uri: url });
    expect(now).not.toHaveProperty('jwks');
    expect(must(await core.listProfiles()).find((p) => p.id === backend!.id)!.jwksUri).toBe(url);
  });

  it('saves nothing when the edited metadata is not JSON', async () => {
    const { user, core, calls } = await renderApp({
      step: 'registration',
      setup: async ({ core, backend }) =>
        void must(await core.hostJwks({ profileId: backend!.id })),
    });
    await user.click(screen.getByRole('button', { name: 'Prepare registration' }));
    await user.click(editor());
    await user.paste('{');
    await user.click(screen.getByRole('button', { name: 'Use the hosted JWKS URL' }));
    expect(within(region()).getByRole('alert').textContent).toContain('JSON_INVALID');
    expect(calls('saveProfile')).toHaveLength(0);
    expect(must(await core.listProfiles())[0]!.jwksUri).toBeUndefined();
  });

  it('says why it does not apply when discovery found no registration endpoint', async () => {
    const { user } = await renderApp({
      step: 'discovery',
      // A server without dynamic registration: the test server's real answer, less that field.
      setup: ({ api, core }) => {
        api.discover.mockImplementation(async (input) => {
          const r = await core.discover(input);
          return r.ok ? { ok: true, value: { ...r.value, registrationEndpoint: undefined } } : r;
        });
      },
    });
    await user.click(screen.getByRole('button', { name: 'Discover' }));
    act(() => useApp.getState().goTo('registration'));
    const note = within(region()).getByRole('note');
    expect(note.textContent).toContain('no registration_endpoint');
  });

  it('shows a failed management call with its fix', async () => {
    const { user, core, backend } = await renderApp({
      step: 'registration',
      setup: async ({ core, backend }) => {
        const draft = must(await core.prepareRegistration({ profileId: backend!.id }));
        must(await core.sendRegistration({ profileId: backend!.id, body: draft.body }));
      },
    });
    expect(active().hasRegistrationToken).toBe(true);
    // Another window (or the CLI) deletes the registration while this page still shows it.
    expect(
      must(await core.manageRegistration({ profileId: backend!.id, action: 'delete' })).ok,
    ).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Read registration' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain(
      'The profile has no registration_client_uri, so the registration cannot be managed.',
    );
    expect(alert.textContent).toContain('Register the client in this app first');
  });
});
