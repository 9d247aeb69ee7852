import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toProfileInput } from '../store/profile-input.js';
import { useApp } from '../store/index.js';
import { renderApp, renderAuthApp, signInFirst } from '../test-utils.js';
import { context, must, server } from '../test/real-core.js';

const region = () => screen.getByRole('region', { name: 'Token request' });

describe('Token request step', () => {
  it('prepares the request: URL, headers, params with placeholders, pre-flight checks', async () => {
    const { user, calls, backend } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));

    expect(calls('prepareTokenRequest')).toEqual([[{ profileId: backend!.id }]]);
    expect((screen.getByLabelText('Token URL') as HTMLInputElement).value).toBe(
      server().tokenEndpoint,
    );
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
    const { user, calls } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    const scope = screen.getByLabelText('scope value');
    await user.clear(scope);
    await user.type(scope, 'system/Encounter.rs system/Observation.rs');
    await user.click(screen.getByRole('button', { name: 'Send request' }));

    const [input] = calls('sendTokenRequest')[0]!;
    expect(input.edits?.url).toBeUndefined();
    expect(input.edits?.headers).toBeUndefined();
    expect(input.edits?.params).toContainEqual([
      'scope',
      'system/Encounter.rs system/Observation.rs',
    ]);

    const response = await screen.findByLabelText('Token response');
    expect(response.textContent).toContain('HTTP 200');
    expect(response.textContent).toContain('Bearer');
    expect(response.textContent).toContain('300 s');
    // The test server grants only the scopes the client is allowed: Encounter is dropped.
    const scopes = screen.getByLabelText('Scope comparison');
    expect(scopes.textContent).toContain('system/Observation.rs');
    expect(scopes.textContent).toContain('system/Encounter.rs');
    expect(within(region()).getByText('SCOPE_NARROWED')).toBeTruthy();
    expect(region().textContent).toContain('Requested system/Encounter.rs but it was not granted');
    expect(useApp.getState().accessToken?.format).toBe('jwt');

    await user.click(screen.getByRole('button', { name: 'Open Tokens' }));
    expect(screen.getByRole('region', { name: 'Tokens' })).toBeTruthy();
  });

  it('shows the findings when the server refuses the request', async () => {
    const { user, core } = await renderApp({
      step: 'token-request',
      setup: async ({ core, backend }) => {
        // The profile signs with a key the server was never given.
        const other = must(await core.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
        const p = toProfileInput(backend!);
        must(
          await core.saveProfile({
            ...p,
            auth: { ...p.auth, keyId: other.id, kid: other.kid, alg: 'ES384' },
          }),
        );
      },
    });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));

    const list = await within(region()).findByRole('list', { name: 'Findings' });
    const items = within(list).getAllByRole('listitem');
    const codes = items.map((li) => li.querySelector('code')?.textContent);
    // The most likely cause first: the key; the other causes the same answer may have follow.
    expect(codes.slice(0, 2)).toEqual(['ASSERTION_SIGNATURE_INVALID', 'CLIENT_UNKNOWN']);
    expect(items[0]!.textContent).toContain('does not hold this kid, or holds a different key');
    expect(items[0]!.textContent).toContain(
      'Sign with the private key that matches the public key registered for this kid.',
    );
    expect(region().textContent).toContain('HTTP 401');
    expect(region().textContent).toContain('invalid_client');
    expect(useApp.getState().accessToken).toBeNull();
    expect(must(await core.getTokenSet()).tokens).toBeNull();
  });

  it('uses the assertion edits when preparing', async () => {
    const { user, calls, backend } = await renderApp({ step: 'token-request' });
    act(() => useApp.setState({ overrides: { claims: { aud: 'https://x.example/token' } } }));
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(calls('prepareTokenRequest')[0]).toEqual([
      { profileId: backend!.id, overrides: { claims: { aud: 'https://x.example/token' } } },
    ]);
    expect(region().textContent).toContain('Uses your client assertion edits: aud');
    expect(region().textContent).not.toContain('changed after this request was prepared');

    // Edited again after Prepare: the prepared request still signs with the old edits, and says so.
    act(() =>
      useApp.setState({ overrides: { claims: { aud: 'https://x.example/token', sub: 'y' } } }),
    );
    const note = within(region()).getByText(/changed after this request was prepared/);
    expect(note.textContent).toContain('still signs with the edits it was prepared with (aud)');
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(region().textContent).not.toContain('changed after this request was prepared');
    expect(region().textContent).toContain('Uses your client assertion edits: aud, sub');
  });

  it('picks the grant: defaults from the flow, warns about the password grant', async () => {
    const { user, calls, backend } = await renderApp({
      step: 'token-request',
      setup: async ({ core, backend }) =>
        void must(
          await core.saveProfile({
            ...toProfileInput(backend!),
            username: 'admin',
            password: 'pass',
          }),
        ),
    });
    const grant = screen.getByLabelText('Grant type') as HTMLSelectElement;
    expect(grant.value).toBe('client_credentials');
    expect(within(region()).queryByRole('list', { name: 'Grant warning' })).toBeNull();

    await user.selectOptions(grant, 'password');
    const warning = within(region()).getByRole('list', { name: 'Grant warning' });
    expect(warning.textContent).toContain('GRANT_INSECURE');
    expect(warning.textContent).toContain('Use the authorization code flow with PKCE');
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(calls('prepareTokenRequest').at(-1)).toEqual([
      { profileId: backend!.id, grant: 'password' },
    ]);
    expect((screen.getByLabelText('password value') as HTMLInputElement).value).toBe(
      '{{password}}',
    );
    expect((screen.getByLabelText('username value') as HTMLInputElement).value).toBe('admin');
    // The engine's own pre-flight finding replaces the local warning: it is shown once.
    expect(within(region()).getAllByText('GRANT_INSECURE')).toHaveLength(1);

    // Going back to the default sends no grant: the engine decides from the flow.
    await user.selectOptions(grant, 'client_credentials');
    expect(screen.queryByLabelText('Token URL')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(calls('prepareTokenRequest').at(-1)).toEqual([{ profileId: backend!.id }]);
    expect((screen.getByLabelText('grant_type value') as HTMLInputElement).value).toBe(
      'client_credentials',
    );
  });

  it('defaults to the authorization code grant and says when there is no code yet', async () => {
    const { user, auth } = await renderAuthApp({ step: 'token-request' });
    expect((screen.getByLabelText('Grant type') as HTMLSelectElement).value).toBe(
      'authorization_code',
    );
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain(
      'No authorization code has been received for this profile.',
    );
    expect(alert.textContent).toContain('Authorize first (Authorize step).');
    expect(useApp.getState().activeProfileId).toBe(auth!.id);
  });

  it('says the code was exchanged in Authorize already, and leads to Tokens', async () => {
    const { user } = await renderAuthApp({ step: 'token-request', before: signInFirst });
    const note = within(region()).getByRole('note');
    expect(note.textContent).toContain(
      'Authorize already exchanged the code for tokens (HTTP 200)',
    );
    expect(note.textContent).toContain('A code is single-use');
    await user.click(within(note).getByRole('button', { name: 'Open Tokens' }));
    expect(useApp.getState().step).toBe('tokens');
  });
});

describe('Token request step: fresh assertions, live pre-flight, cancel', () => {
  it('re-runs the pre-flight as a parameter is edited, without pressing anything', async () => {
    const { user, calls } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(within(region()).getByText('No problems found')).toBeTruthy();
    const type = screen.getByLabelText('client_assertion_type value');
    await user.clear(type);
    await user.type(type, 'urn:wrong');

    const found = await within(region()).findAllByText(/urn:wrong/, {
      selector: '[aria-label="Pre-flight checks"] *',
    });
    expect(found.length).toBeGreaterThan(0);
    expect(within(region()).queryByText('No problems found')).toBeNull();
    expect(calls('sendTokenRequest')).toHaveLength(0);
    // Debounced: the typing was checked once it paused, not once per key.
    expect(calls('checkTokenRequest').length).toBeLessThan('urn:wrong'.length);
    expect(calls('checkTokenRequest').at(-1)?.[0].edits?.params).toContainEqual([
      'client_assertion_type',
      'urn:wrong',
    ]);
  });

  it('sends a fresh assertion each time; a pinned one is re-sent and labelled as such', async () => {
    const { user, calls } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    const send = screen.getByRole('button', { name: 'Send request' });
    await user.click(send);
    const response = () => screen.getByLabelText('Token response');
    const jtiOf = () => within(response()).getByText(/^[0-9a-f]{32}$/).textContent;
    expect(response().textContent).toContain('HTTP 200');
    expect(response().textContent).toContain('Fresh assertion');
    const first = jtiOf();
    await user.click(send);
    expect(response().textContent).toContain('HTTP 200');
    const second = jtiOf();
    expect(second).not.toBe(first);

    await user.click(screen.getByRole('checkbox', { name: 'Pin this assertion' }));
    // The pre-flight warns before anything is sent: this jti was used.
    await within(region()).findAllByText(/the server will refuse this reused jti/, {
      selector: '[aria-label="Pre-flight checks"] *',
    });
    await user.click(send);
    expect(calls('sendTokenRequest').at(-1)?.[0].pinAssertion).toBe(true);
    expect(response().textContent).toContain('Pinned assertion re-sent');
    expect(jtiOf()).toBe(second);
    expect(response().textContent).not.toContain('HTTP 200');
    expect(within(region()).getAllByText('ASSERTION_JTI_REUSED').length).toBeGreaterThan(0);

    // Unpinned again: the live pre-flight checks the fresh assertion the next Send signs.
    await user.click(screen.getByRole('checkbox', { name: 'Pin this assertion' }));
    expect(await within(region()).findByText('No problems found')).toBeTruthy();
    expect(region().textContent).not.toContain('Pinned assertion:');
    expect(calls('checkTokenRequest').at(-1)?.[0].pinAssertion).toBe(false);
    await user.click(send);
    expect(response().textContent).toContain('HTTP 200');
    expect(jtiOf()).not.toBe(second);
  });

  it('cancels a Send the server never answers: Cancelled, the old response is gone', async () => {
    const { user, rawUser, core } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    expect(screen.getByLabelText('Token response').textContent).toContain('HTTP 200');

    const url = screen.getByLabelText('Token URL');
    await user.clear(url);
    await user.type(url, context().silentTokenEndpoint);
    await rawUser.click(screen.getByRole('button', { name: 'Send request' }));
    const cancel = await within(region()).findByRole('button', { name: 'Cancel request' });
    await user.click(cancel);

    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('CANCELLED');
    expect(alert.textContent).toContain('Cancelled by you before the server answered.');
    expect(screen.queryByLabelText('Token response')).toBeNull();
    expect(within(region()).queryByRole('button', { name: 'Cancel request' })).toBeNull();
    const exchanges = must(await core.listExchanges());
    const cancelled = exchanges.find((x) => x.request.url === context().silentTokenEndpoint);
    expect(cancelled?.error?.code).toBe('CANCELLED');
    expect(cancelled?.response).toBeUndefined();
  });
});
