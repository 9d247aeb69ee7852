import { act, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { TokenView } from '../../../shared/types.js';
import { FAKE_AUTH_PROFILE } from '../api/fake-api.js';
import { useApp } from '../store/index.js';
import { renderApp, renderAuthApp, signInFirst } from '../test-utils.js';

const region = () => screen.getByRole('region', { name: 'Tokens' });

function tokenView(over: Partial<TokenView> = {}): TokenView {
  return {
    kind: 'access_token',
    format: 'jwt',
    masked: 'eyJhbG…x9Q (812 chars)',
    length: 812,
    decoded: {
      header: { alg: 'RS256', kid: 'as-1' },
      claims: { iss: 'https://as.example', exp: 1700000000 },
      signatureLength: 342,
    },
    explained: [
      {
        name: 'exp',
        value: 1700000000,
        meaning: 'Expires at: not valid after this time.',
        date: '2023-11-14T22:13:20.000Z',
      },
    ],
    verification: {
      status: 'verified',
      message: 'ok',
      kid: 'as-1',
      jwksUrl: 'https://as.example/jwks',
    },
    expiresAt: new Date(Date.now() + 299_500).toISOString(),
    findings: [],
    ...over,
  };
}

describe('Tokens step', () => {
  it('shows the empty state before any token', async () => {
    await renderApp({ step: 'tokens' });
    expect(region().textContent).toContain('No access token yet');
  });

  it('shows the countdown, verification and claims of the current token', async () => {
    await renderApp({ step: 'tokens' });
    act(() => useApp.setState({ accessToken: tokenView() }));
    expect(await within(region()).findByText(/^Expires in 4:5\d$/)).toBeTruthy();
    expect(region().textContent).toContain(
      'Signature verified with key as-1 from https://as.example/jwks',
    );
    expect(within(region()).getByRole('table', { name: 'Claims explained' }).textContent).toContain(
      'Expires at',
    );
    expect(region().textContent).toContain('eyJhbG…x9Q (812 chars)');
  });

  it('shows an expired token as expired, and a failed verification', async () => {
    await renderApp({ step: 'tokens' });
    act(() =>
      useApp.setState({
        accessToken: tokenView({
          expiresAt: new Date(Date.now() - 12_300).toISOString(),
          verification: { status: 'failed', message: 'no key with kid as-9 in the JWKS' },
        }),
      }),
    );
    expect(await within(region()).findByText(/^Expired 0:1[23] ago$/)).toBeTruthy();
    expect(region().textContent).toContain(
      'Signature check failed: no key with kid as-9 in the JWKS',
    );
  });

  it('says when a token is opaque', async () => {
    await renderApp({ step: 'tokens' });
    act(() =>
      useApp.setState({
        accessToken: tokenView({ format: 'opaque', decoded: undefined, explained: [] }),
      }),
    );
    expect(
      await within(region()).findByText(/Opaque token — not a JWT, nothing to decode/),
    ).toBeTruthy();
  });

  it('copies the token only after Reveal', async () => {
    const { user, fake } = await renderApp({ step: 'tokens' });
    fake.state.accessToken = 'eyJreal.token.value';
    act(() => useApp.setState({ accessToken: tokenView() }));
    expect(within(region()).queryByRole('button', { name: 'Copy access token' })).toBeNull();
    await user.click(within(region()).getByRole('button', { name: 'Reveal' }));
    expect(region().textContent).toContain('eyJreal.token.value');
    await user.click(within(region()).getByRole('button', { name: 'Copy access token' }));
    expect(await navigator.clipboard.readText()).toBe('eyJreal.token.value');
  });

  it('decodes a pasted token with a JWKS URL', async () => {
    const { user, fake } = await renderApp({ step: 'tokens' });
    const header = btoa(JSON.stringify({ alg: 'RS256', kid: 'k7' })).replace(/=+$/, '');
    const claims = btoa(JSON.stringify({ sub: 'svc', exp: 4102444800 })).replace(/=+$/, '');
    await user.click(screen.getByLabelText('Token to decode'));
    await user.paste(`${header}.${claims}.sig`);
    await user.type(screen.getByLabelText('JWKS URL'), 'https://as.example/jwks');
    await user.click(screen.getByRole('button', { name: 'Decode' }));

    expect(fake.callsOf('decodeToken')).toEqual([
      [{ token: `${header}.${claims}.sig`, jwksUrl: 'https://as.example/jwks' }],
    ]);
    const decoded = await within(region()).findByText('Decoded token');
    expect(decoded).toBeTruthy();
    expect(region().textContent).toContain(
      'Signature verified with key k7 from https://as.example/jwks',
    );
  });
});

describe('Tokens step after a sign-in', () => {
  const card = (name: RegExp) => within(region()).getByRole('heading', { name }).closest('.card')!;
  const button = (name: string) => within(region()).getByRole('button', { name });
  const history = () => within(region()).getByRole('table', { name: 'Refresh history' });

  it('shows the id token with its checks, the refresh token and the launch context', async () => {
    await renderAuthApp({ step: 'tokens', before: signInFirst });
    const id = card(/^ID token/);
    expect(id.textContent).toContain('valid');
    const checks = within(id as HTMLElement).getByRole('list', { name: 'ID token checks' });
    expect(
      within(checks)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining('nonce'),
        expect.stringContaining('at_hash'),
      ]),
    );
    expect(checks.textContent).not.toContain('fail');
    expect(
      within(id as HTMLElement).getByRole('table', { name: 'ID token claims explained' })
        .textContent,
    ).toContain('fhirUser');

    const refresh = card(/^Refresh token/);
    const rt = useApp.getState().tokenSet!.refreshToken!;
    expect(refresh.textContent).toContain(rt.masked);
    expect(refresh.textContent).toContain(`${rt.length} characters`);

    const context = within(region()).getByLabelText('Launch context');
    expect(context.textContent).toContain('pat-123');
    expect(context.textContent).toContain('enc-456');
    expect(context.textContent).toContain('Practitioner/prac-12');
    expect(within(region()).getByRole('button', { name: 'Copy patient' })).toBeTruthy();
  });

  it('lists failed id_token checks', async () => {
    await renderAuthApp({
      step: 'tokens',
      before: async (fake) => {
        await signInFirst(fake);
        const set = structuredClone(useApp.getState().tokenSet!);
        set.idToken!.checks = [
          { name: 'signature', ok: true, detail: 'Verified.' },
          { name: 'nonce', ok: false, detail: 'nonce abc differs from the one sent (xyz).' },
        ];
        fake.emit('tokens', set);
      },
    });
    const id = card(/^ID token/);
    expect(id.textContent).toContain('1 check failed');
    expect(id.textContent).toContain('nonce abc differs from the one sent (xyz).');
  });

  it('refreshes now and records the rotation', async () => {
    const { user, fake } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    const before = useApp.getState().tokenSet!.refreshToken!.masked;
    await user.click(button('Refresh now'));
    expect(fake.callsOf('refreshTokens')).toEqual([[{ profileId: FAKE_AUTH_PROFILE.id }]]);
    const result = within(region())
      .getByText(/^Result: Refresh/)
      .closest('.op-result')!;
    expect(result.textContent).toContain('HTTP 200');
    expect(result.textContent).toContain('rotated');
    const after = useApp.getState().tokenSet!.refreshToken!.masked;
    expect(after).not.toBe(before);
    const row = within(history()).getAllByRole('row')[1]!;
    expect(row.textContent).toContain('manual');
    expect(row.textContent).toContain('yes');
    expect(row.textContent).toContain(`${before} → ${after}`);
  });

  it('turns auto-refresh on, shows the next time, and records automatic refreshes', async () => {
    const { user, fake } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    const toggle = within(region()).getByRole('switch', { name: 'Auto-refresh' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    await user.click(toggle);
    expect(fake.callsOf('setAutoRefresh')).toEqual([
      [{ profileId: FAKE_AUTH_PROFILE.id, enabled: true }],
    ]);
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    expect(region().textContent).toMatch(/Next automatic refresh at .+ \(in 4:[23]\d\)/);

    act(() => void fake.autoRefreshNow());
    expect(within(history()).getAllByRole('row')[1]!.textContent).toContain('automatic');

    await user.click(toggle);
    expect(fake.callsOf('setAutoRefresh').at(-1)).toEqual([
      { profileId: FAKE_AUTH_PROFILE.id, enabled: false },
    ]);
    expect(toggle.getAttribute('aria-checked')).toBe('false');
  });

  it('revokes the refresh token; the next refresh fails with REFRESH_INVALID and its fix', async () => {
    const { user, fake } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    await user.click(button('Revoke refresh token'));
    expect(fake.callsOf('revokeToken')).toEqual([
      [{ profileId: FAKE_AUTH_PROFILE.id, which: 'refresh_token' }],
    ]);
    expect(region().textContent).toContain('Result: Revocation of the refresh token');
    expect(card(/^Refresh token/).textContent).toContain('revoked');

    await user.click(button('Introspect refresh token'));
    const result = within(region())
      .getByText(/^Result: Introspection/)
      .closest('.op-result')!;
    expect(result.textContent).toContain('not active');
    expect(result.textContent).toContain('TOKEN_INACTIVE');

    await user.click(button('Refresh now'));
    const failed = within(region())
      .getByText(/^Result: Refresh/)
      .closest('.op-result')!;
    expect(failed.textContent).toContain('HTTP 400');
    expect(failed.textContent).toContain('The refresh was refused.');
    expect(failed.textContent).toContain('REFRESH_INVALID');
    expect(failed.textContent).toContain('Start a new authorization.');
    expect(within(history()).getAllByRole('row')[1]!.textContent).toContain('REFRESH_INVALID');
  });

  it('introspects the access token, revokes it, and calls userinfo', async () => {
    const { user, fake } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    await user.click(button('Introspect access token'));
    expect(fake.callsOf('introspectToken')).toEqual([
      [{ profileId: FAKE_AUTH_PROFILE.id, which: 'access_token' }],
    ]);
    const active = within(region())
      .getByText(/^Result: Introspection/)
      .closest('.op-result')!;
    expect(active.textContent).toContain('active');
    expect(active.textContent).not.toContain('not active');

    await user.click(button('Call userinfo'));
    expect(region().textContent).toContain('Result: Userinfo');
    expect(within(region()).getByLabelText('Answer (tokens masked)').textContent).toContain(
      'Dr. Alex Example',
    );

    await user.click(button('Revoke access token'));
    expect(card(/^Access token/).textContent).toContain('revoked');
    await user.click(button('Call userinfo'));
    const refused = within(region())
      .getByText(/^Result: Userinfo/)
      .closest('.op-result')!;
    expect(refused.textContent).toContain('HTTP 401');
    expect(refused.textContent).toContain('TOKEN_INACTIVE');
  });

  it('logs out: opens the logout page in a new tab when the host did not, and forgets the tokens', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const { user, fake } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    await user.click(button('Log out'));
    expect(fake.callsOf('endSession')).toEqual([[{ profileId: FAKE_AUTH_PROFILE.id }]]);
    const url = within(region()).getByLabelText('Logout URL').textContent!;
    expect(url).toContain('client_id=patient-app-91c2');
    expect(url).not.toContain('id_token_hint');
    expect(open).toHaveBeenCalledWith(url, '_blank', 'noopener');
    expect(region().textContent).toContain('No access token yet');
    expect(region().textContent).toContain('The tokens were forgotten in this app.');
    expect(within(region()).getByRole('link', { name: 'Open the logout page' })).toBeTruthy();
    open.mockRestore();
  });

  it('does not open a tab when the host opened the logout page itself', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const { user } = await renderAuthApp({
      step: 'tokens',
      before: signInFirst,
      fakeOptions: { opensBrowser: true },
    });
    await user.click(button('Log out'));
    expect(open).not.toHaveBeenCalled();
    expect(region().textContent).toContain('opened in your system browser');
    open.mockRestore();
  });

  it('reveals the id token and refresh token only on request', async () => {
    const { user, fake } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    const id = card(/^ID token/) as HTMLElement;
    expect(id.textContent).not.toContain(fake.state.held!.id!);
    await user.click(within(id).getByRole('button', { name: 'Reveal' }));
    expect(fake.callsOf('revealSecret')).toEqual([[{ kind: 'id_token' }]]);
    expect(id.textContent).toContain(fake.state.held!.id!);
    const rt = card(/^Refresh token/) as HTMLElement;
    await user.click(within(rt).getByRole('button', { name: 'Reveal' }));
    expect(rt.textContent).toContain(fake.state.held!.refresh!);
    await user.click(within(rt).getByRole('button', { name: 'Hide' }));
    expect(rt.textContent).not.toContain(fake.state.held!.refresh!);
  });

  it('shows a failed action as an alert with the fix', async () => {
    const { user } = await renderAuthApp({
      step: 'tokens',
      before: signInFirst,
      handlers: {
        callUserinfo: () => ({
          ok: false,
          error: {
            code: 'NOT_FOUND',
            message: 'The server advertises no userinfo_endpoint.',
            fix: 'Set the userinfo endpoint in the profile (Endpoints).',
          },
        }),
      },
    });
    await user.click(button('Call userinfo'));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('no userinfo_endpoint');
    expect(alert.textContent).toContain('Set the userinfo endpoint in the profile');
  });

  it('keeps the refresh actions off without a refresh token (client credentials)', async () => {
    const { user } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    await user.click(screen.getByRole('button', { name: 'Open Tokens' }));
    expect(button('Refresh now')).toHaveProperty('disabled', true);
    expect(within(region()).getByRole('switch', { name: 'Auto-refresh' })).toHaveProperty(
      'disabled',
      true,
    );
    expect(button('Revoke refresh token')).toHaveProperty('disabled', true);
    expect(card(/^Refresh token/).textContent).toContain('client_credentials never gets one');
    expect(within(region()).getAllByText(/^Expires in/)).toHaveLength(1);
  });
});
