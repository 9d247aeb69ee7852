import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { finding } from '../../../shared/diagnosis/catalog.js';
import { FAKE_AUTH_PROFILE, FAKE_PROFILE, FAKE_TOKEN_URL } from '../api/fake-api.js';
import { useApp } from '../store/index.js';
import { renderApp, renderAuthApp } from '../test-utils.js';

const region = () => screen.getByRole('region', { name: 'Token request' });

describe('Token request step', () => {
  it('prepares the request: URL, headers, params with placeholders, pre-flight checks', async () => {
    const { user, fake } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));

    expect(fake.callsOf('prepareTokenRequest')).toEqual([[{ profileId: FAKE_PROFILE.id }]]);
    expect((screen.getByLabelText('Token URL') as HTMLInputElement).value).toBe(FAKE_TOKEN_URL);
    expect((screen.getByLabelText('grant_type value') as HTMLInputElement).value).toBe(
      'client_credentials',
    );
    expect((screen.getByLabelText('client_assertion value') as HTMLInputElement).value).toBe(
      '{{client_assertion}}',
    );
    expect(region().textContent).toContain('are placeholders');
    expect(within(region()).getByText('No problems found')).toBeTruthy();
  });

  it('sends only the edited parts and shows the response, scopes and token', async () => {
    const { user, fake } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    const scope = screen.getByLabelText('scope value');
    await user.clear(scope);
    await user.type(scope, 'system/Encounter.rs system/Observation.rs');
    await user.click(screen.getByRole('button', { name: 'Send request' }));

    const [input] = fake.callsOf('sendTokenRequest')[0]!;
    expect(input.edits?.url).toBeUndefined();
    expect(input.edits?.headers).toBeUndefined();
    expect(input.edits?.params).toContainEqual([
      'scope',
      'system/Encounter.rs system/Observation.rs',
    ]);

    const response = await screen.findByLabelText('Token response');
    expect(response.textContent).toContain('HTTP 200');
    expect(response.textContent).toContain('bearer');
    expect(response.textContent).toContain('300 s');
    const scopes = screen.getByLabelText('Scope comparison');
    expect(scopes.textContent).toContain('system/Observation.rs');
    expect(within(region()).getByText('SCOPE_NARROWED')).toBeTruthy();
    expect(useApp.getState().accessToken?.format).toBe('jwt');

    await user.click(screen.getByRole('button', { name: 'Open Tokens' }));
    expect(screen.getByRole('region', { name: 'Tokens' })).toBeTruthy();
  });

  it('shows the findings when the server refuses the request', async () => {
    const { user } = await renderApp({
      step: 'token-request',
      handlers: {
        sendTokenRequest: () => ({
          ok: true,
          value: {
            ok: false,
            exchangeId: 'ex-9',
            status: 400,
            body: { error: 'invalid_client', error_description: 'kid not found' },
            receivedAt: new Date().toISOString(),
            grant: 'client_credentials',
            findings: [
              finding('ASSERTION_KID_NOT_FOUND', 'kid "abc" is not in the registered JWKS.'),
              finding('CLOCK_SKEW', 'Server Date header is 4 min ahead.', { severity: 'warning' }),
            ],
          },
        }),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));

    const list = await within(region()).findByRole('list', { name: 'Findings' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('code')?.textContent)).toEqual([
      'ASSERTION_KID_NOT_FOUND',
      'CLOCK_SKEW',
    ]);
    expect(items[0]!.textContent).toContain('kid "abc" is not in the registered JWKS.');
    expect(items[0]!.textContent).toContain('Publish the public key');
    expect(region().textContent).toContain('HTTP 400');
    expect(region().textContent).toContain('invalid_client');
    expect(useApp.getState().accessToken).toBeNull();
  });

  it('uses the assertion edits when preparing', async () => {
    const { user, fake } = await renderApp({ step: 'token-request' });
    act(() => useApp.setState({ overrides: { claims: { aud: 'https://x.example/token' } } }));
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(fake.callsOf('prepareTokenRequest')[0]).toEqual([
      { profileId: FAKE_PROFILE.id, overrides: { claims: { aud: 'https://x.example/token' } } },
    ]);
    expect(region().textContent).toContain('Uses your client assertion edits: aud');
  });

  it('picks the grant: defaults from the flow, warns about the password grant', async () => {
    const { user, fake } = await renderApp({ step: 'token-request' });
    const grant = screen.getByLabelText('Grant type') as HTMLSelectElement;
    expect(grant.value).toBe('client_credentials');
    expect(within(region()).queryByRole('list', { name: 'Grant warning' })).toBeNull();

    await user.selectOptions(grant, 'password');
    const warning = within(region()).getByRole('list', { name: 'Grant warning' });
    expect(warning.textContent).toContain('GRANT_INSECURE');
    expect(warning.textContent).toContain('Use the authorization code flow with PKCE');
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(fake.callsOf('prepareTokenRequest').at(-1)).toEqual([
      { profileId: FAKE_PROFILE.id, grant: 'password' },
    ]);
    expect((screen.getByLabelText('password value') as HTMLInputElement).value).toBe(
      '{{password}}',
    );
    // The engine's own pre-flight finding replaces the local warning: it is shown once.
    expect(within(region()).getAllByText('GRANT_INSECURE')).toHaveLength(1);

    // Going back to the default sends no grant: the engine decides from the flow.
    await user.selectOptions(grant, 'client_credentials');
    expect(screen.queryByLabelText('Token URL')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(fake.callsOf('prepareTokenRequest').at(-1)).toEqual([{ profileId: FAKE_PROFILE.id }]);
  });

  it('defaults to the authorization code grant and says when there is no code yet', async () => {
    const { user } = await renderAuthApp({ step: 'token-request' });
    expect((screen.getByLabelText('Grant type') as HTMLSelectElement).value).toBe(
      'authorization_code',
    );
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('No authorization code has been received');
    expect(alert.textContent).toContain('Run the Authorize step first');
    expect(useApp.getState().activeProfileId).toBe(FAKE_AUTH_PROFILE.id);
  });
});
