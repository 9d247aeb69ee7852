import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { DebuggerBridge } from '../../../shared/api/contract.js';
import type { TokenView } from '../../../shared/types.js';
import { toProfileInput } from '../store/profile-input.js';
import { useApp } from '../store/index.js';
import {
  renderApp,
  renderAuthApp,
  settled,
  signIn,
  signInFirst,
  type TestApp,
} from '../test-utils.js';
import { NATIVE_CLIENT_ID, must, openedUrls, server } from '../test/real-core.js';

const region = () => screen.getByRole('region', { name: 'Tokens' });

/** A client_credentials token from the test server, held by the engine. */
async function clientCredentials(core: DebuggerBridge, profileId: string) {
  const draft = must(await core.prepareTokenRequest({ profileId }));
  const r = must(await core.sendTokenRequest({ draftId: draft.id }));
  expect(r.ok).toBe(true);
  return r;
}
const withToken = async ({ core, backend }: TestApp) =>
  void (await clientCredentials(core, backend!.id));

/** A token view as the engine would show one, for states no test server hands out. */
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
    explained: [],
    verification: { status: 'verified', message: 'ok', kid: 'as-1' },
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
    await renderApp({ step: 'tokens', setup: withToken });
    const token = useApp.getState().accessToken!;
    expect(token.format).toBe('jwt');
    expect(await within(region()).findByText(/^Expires in 4:5\d$/)).toBeTruthy();
    expect(region().textContent).toContain(
      `Signature verified with key server-rs256 from ${server().jwksUri}`,
    );
    const claims = within(region()).getByRole('table', { name: 'Access token claims explained' });
    expect(claims.textContent).toContain('Expires at');
    expect(region().textContent).toContain(token.masked);
  });

  it('explains an access token’s claims as an access token’s, with past times as “… ago”', async () => {
    await renderApp({ step: 'tokens', setup: withToken });
    const claims = within(region()).getByRole('table', { name: 'Access token claims explained' });
    const row = (name: string) =>
      within(claims).getByRole('row', { name: new RegExp(`^${name}\\b`) });
    const aud = row('aud').textContent!;
    expect(aud).toContain('the resource server(s) this access token is meant for');
    expect(aud).not.toMatch(/assertion|token endpoint/i);
    // Issued a moment ago: "… ago", never "in 0 s".
    expect(row('iat').textContent).toMatch(/\(\d+ s ago\)/);
    expect(row('exp').textContent).toMatch(/\(in \d+ min \d+ s\)/);
    expect(claims.textContent).not.toContain('(in 0 s)');
  });

  it('shows an expired token as expired, and a failed verification', async () => {
    // Neither state comes from the test servers on demand: the store holds a view like the engine's.
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
    // The test server gives the authorization code flow opaque access tokens.
    await renderAuthApp({ step: 'tokens', before: signInFirst });
    expect(useApp.getState().accessToken?.format).toBe('opaque');
    expect(
      await within(region()).findByText(/Opaque token — not a JWT, nothing to decode/),
    ).toBeTruthy();
  });

  it('copies the token only after Reveal', async () => {
    const { user, core } = await renderApp({ step: 'tokens', setup: withToken });
    const raw = must(await core.revealSecret({ kind: 'access_token' })).value;
    expect(region().textContent).not.toContain(raw);
    expect(within(region()).queryByRole('button', { name: 'Copy access token' })).toBeNull();
    await user.click(within(region()).getByRole('button', { name: 'Reveal' }));
    expect(region().textContent).toContain(raw);
    await user.click(within(region()).getByRole('button', { name: 'Copy access token' }));
    expect(await navigator.clipboard.readText()).toBe(raw);
  });

  it('decodes a pasted token with a JWKS URL', async () => {
    let jwt = '';
    const { user, calls } = await renderApp({
      step: 'tokens',
      setup: async (t) => {
        await withToken(t);
        jwt = must(await t.core.revealSecret({ kind: 'access_token' })).value;
      },
    });
    await user.click(screen.getByLabelText('Token to decode'));
    await user.paste(jwt);
    await user.click(screen.getByLabelText('JWKS URL'));
    await user.paste(server().jwksUri);
    await user.click(screen.getByRole('button', { name: 'Decode' }));

    expect(calls('decodeToken')).toEqual([[{ token: jwt, jwksUrl: server().jwksUri }]]);
    const decoded = await within(region()).findByText('Decoded token');
    expect(decoded).toBeTruthy();
    expect(
      within(region()).getAllByText(
        `Signature verified with key server-rs256 from ${server().jwksUri}`,
      ),
    ).toHaveLength(2);
  });
});

describe('Tokens step after a sign-in', () => {
  const card = (name: RegExp) => within(region()).getByRole('heading', { name }).closest('.card')!;
  const button = (name: string) => within(region()).getByRole('button', { name });
  const history = () => within(region()).getByRole('table', { name: 'Refresh history' });
  const result = (name: RegExp) => within(region()).getByText(name).closest('.op-result')!;

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
        expect.stringContaining(`Verified with key server-rs256 from ${server().jwksUri}.`),
        expect.stringContaining('nonce equals the one sent on the authorize request.'),
        expect.stringContaining(`aud contains the client_id ${NATIVE_CLIENT_ID}.`),
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
    expect(context.textContent).toContain(server().launchContext.patient);
    expect(context.textContent).toContain(server().launchContext.encounter);
    expect(context.textContent).toContain(`${server().fhirBase}/Practitioner/alice`);
    expect(within(region()).getByRole('button', { name: 'Copy patient' })).toBeTruthy();
  });

  it('lists failed id_token checks', async () => {
    // This server signs id_tokens with another nonce than the one sent.
    await renderAuthApp({
      step: 'tokens',
      authServer: 'tampered',
      before: () => signIn('failed'),
    });
    // The engine holds the tokens but fails the sign-in on the id_token.
    expect(useApp.getState().authFlow!.token!.findings.map((f) => f.code)).toContain(
      'ID_TOKEN_INVALID',
    );
    const id = card(/^ID token/);
    expect(id.textContent).toContain('1 check failed');
    const nonce = useApp.getState().tokenSet!.idToken!.checks!.find((c) => c.name === 'nonce')!;
    expect(nonce.ok).toBe(false);
    expect(id.textContent).toContain(nonce.detail);
    expect(nonce.detail).toContain('not-the-nonce-sent');
  });

  it('refreshes now and records the rotation', async () => {
    const { user, calls, auth } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    const before = useApp.getState().tokenSet!.refreshToken!.masked;
    await user.click(button('Refresh now'));
    expect(calls('refreshTokens')).toEqual([[{ profileId: auth!.id }]]);
    expect(result(/^Result: Refresh/).textContent).toContain('HTTP 200');
    expect(result(/^Result: Refresh/).textContent).toContain('rotated');
    await waitFor(() => expect(useApp.getState().tokenSet!.refreshToken!.masked).not.toBe(before));
    const after = useApp.getState().tokenSet!.refreshToken!.masked;
    const row = within(history()).getAllByRole('row')[1]!;
    expect(row.textContent).toContain('manual');
    expect(row.textContent).toContain('yes');
    expect(row.textContent).toContain(`${before} → ${after}`);
  });

  it('turns auto-refresh on, shows the next time, and records automatic refreshes', async () => {
    // This server's access tokens live 2 s, so the engine's timer fires within the test.
    const { user, calls, api, auth } = await renderAuthApp({
      step: 'tokens',
      authServer: 'short',
      before: signInFirst,
    });
    const held = useApp.getState().tokenSet!;
    const toggle = within(region()).getByRole('switch', { name: 'Auto-refresh' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    await user.click(toggle);
    expect(calls('setAutoRefresh')).toEqual([[{ profileId: auth!.id, enabled: true }]]);
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    // At 80% of the token's life (2 s here): shown as a time and what is left of it.
    const armed = must(
      await (api.setAutoRefresh.mock.results[0]!.value as ReturnType<
        DebuggerBridge['setAutoRefresh']
      >),
    );
    const life = Date.parse(held.expiresAt!) - Date.parse(held.receivedAt);
    expect(Date.parse(armed.nextAt!)).toBe(Date.parse(held.receivedAt) + Math.floor(life * 0.8));
    expect(region().textContent).toMatch(/Next automatic refresh at .+ \((in 0:0[01]|due now)\)/);

    await waitFor(
      () => expect(within(history()).getAllByRole('row')[1]!.textContent).toContain('automatic'),
      { timeout: 5000 },
    );
    expect(calls('refreshTokens')).toHaveLength(0);

    await user.click(toggle);
    expect(calls('setAutoRefresh').at(-1)).toEqual([{ profileId: auth!.id, enabled: false }]);
    expect(toggle.getAttribute('aria-checked')).toBe('false');
  });

  it('revokes the refresh token; the next refresh fails with REFRESH_INVALID and its fix', async () => {
    const { user, calls, auth } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    await user.click(button('Revoke refresh token'));
    expect(calls('revokeToken')).toEqual([[{ profileId: auth!.id, which: 'refresh_token' }]]);
    expect(region().textContent).toContain('Result: Revocation of the refresh token');
    await waitFor(() => expect(card(/^Refresh token/).textContent).toContain('revoked'));

    await user.click(button('Introspect refresh token'));
    const inactive = result(/^Result: Introspection/);
    expect(inactive.textContent).toContain('not active');
    expect(inactive.textContent).toContain('TOKEN_INACTIVE');

    await user.click(button('Refresh now'));
    const failed = result(/^Result: Refresh/);
    expect(failed.textContent).toContain('HTTP 400');
    expect(failed.textContent).toContain('The refresh was refused.');
    expect(failed.textContent).toContain('REFRESH_INVALID');
    expect(failed.textContent).toContain('This refresh token was revoked in this session');
    expect(failed.textContent).toContain('Authorize again to get a new refresh token.');
    await waitFor(() =>
      expect(within(history()).getAllByRole('row')[1]!.textContent).toContain('REFRESH_INVALID'),
    );
  });

  it('after revoking the refresh token the access token shows the server’s word, not valid', async () => {
    const { user } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    const access = () => card(/^Access token/) as HTMLElement;
    expect(within(access()).getByText(/^Expires in/)).toBeTruthy();
    await user.click(button('Revoke refresh token'));
    const outcome = result(/^Result: Revocation of the refresh token/);
    expect(outcome.textContent).toContain('the held tokens were re-checked');
    expect(
      within(outcome as HTMLElement).getByRole('list', { name: 'Re-checked tokens' }).textContent,
    ).toContain('access token');
    await waitFor(() => expect(access().textContent).toContain('revoked (server)'));
    expect(access().textContent).toMatch(/introspection said active: false at .+ \(\d+ s ago\)\./);
    expect(access().textContent).toContain('RFC 7009 §2.1');
    // The clock's countdown and its "valid" badge give way to the server's word.
    expect(within(access()).queryByText(/^Expires in/)).toBeNull();
    expect(within(access()).queryByText('valid')).toBeNull();
    expect(access().textContent).toContain('By the clock: expires in');
    expect(card(/^Refresh token/).textContent).toContain('revoked (server)');
  });

  it('does not call offline_access missing when a refresh token came', async () => {
    await renderAuthApp({ step: 'tokens', before: signInFirst });
    const set = useApp.getState().tokenSet!;
    // The test server (oidc-provider) issues the refresh token without echoing offline_access.
    expect(set.refreshToken).toBeDefined();
    expect(set.scope?.split(' ')).not.toContain('offline_access');
    const diff = within(region()).getByLabelText('Scope comparison');
    expect(diff.textContent).toContain('offline_access');
    const missing = within(diff).getByText('Missing (requested, not granted)').closest('.kv-row')!;
    expect(missing.textContent).not.toContain('offline_access');
    // The note says why that is not missing, at info level, with its basis.
    const notes = within(region()).getByRole('list', { name: 'Scope notes' });
    expect(notes.textContent).toContain('offline_access granted as the refresh token');
    expect(notes.textContent).toContain('info');
    expect(notes.textContent).toContain('the server issued a refresh token');
  });

  it('introspects the access token, revokes it, and calls userinfo', async () => {
    const { user, calls, auth } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    await user.click(button('Introspect access token'));
    expect(calls('introspectToken')).toEqual([[{ profileId: auth!.id, which: 'access_token' }]]);
    const active = result(/^Result: Introspection/);
    expect(active.textContent).toContain('active');
    expect(active.textContent).not.toContain('not active');

    await user.click(button('Call userinfo'));
    expect(region().textContent).toContain('Result: Userinfo');
    const answer = within(region()).getByLabelText('Answer (tokens masked)').textContent;
    expect(answer).toContain('"sub": "alice"');
    expect(answer).toContain(`"fhirUser": "${server().fhirBase}/Practitioner/alice"`);

    await user.click(button('Revoke access token'));
    await waitFor(() => expect(card(/^Access token/).textContent).toContain('revoked'));
    await user.click(button('Call userinfo'));
    const refused = result(/^Result: Userinfo/);
    expect(refused.textContent).toContain('HTTP 401');
    // oidc-provider says invalid_token; the engine adds what this session knows: it was revoked.
    expect(refused.textContent).toContain('TOKEN_INVALID');
    expect(refused.textContent).toContain('The access token was revoked in this session');
  });

  it('logs out: opens the logout page in a new tab when the host did not, and forgets the tokens', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const { user, calls, core, auth, engine } = await renderAuthApp({
      step: 'tokens',
      before: signInFirst,
    });
    const idToken = must(await core.revealSecret({ kind: 'id_token' })).value;
    await user.click(button('Log out'));
    expect(calls('endSession')).toEqual([[{ profileId: auth!.id, open: true, handoff: true }]]);
    const url = within(region()).getByLabelText('Logout URL').textContent!;
    expect(url.startsWith(`${server().issuer}/session/end?`)).toBe(true);
    expect(url).toContain(`client_id=${NATIVE_CLIENT_ID}`);
    // Shown masked; the page opens a one-time address of this app that carries the real hint.
    expect(url).toContain('id_token_hint={{id_token}}');
    expect(region().textContent).not.toContain(idToken);
    expect(region().textContent).toContain('passes id_token_hint to the browser once');
    const [opened] = open.mock.calls[0]!;
    const page = new URL(String(opened));
    expect(page.origin).toBe(window.location.origin);
    expect(page.pathname).toMatch(/^\/handoff\/[\w-]{32}$/);
    expect(String(opened)).not.toContain(idToken);
    // The engine's web host redirects that address, once, to the logout URL with the hint.
    const handoff = await fetch(`${engine.url}${page.pathname}`, { redirect: 'manual' });
    expect(handoff.status).toBe(303);
    const behind = new URL(handoff.headers.get('location')!);
    expect(behind.origin + behind.pathname).toBe(`${server().issuer}/session/end`);
    expect(behind.searchParams.get('id_token_hint')).toBe(idToken);
    expect((await fetch(`${engine.url}${page.pathname}`, { redirect: 'manual' })).status).toBe(410);
    await waitFor(() => expect(region().textContent).toContain('No access token yet'));
    expect(region().textContent).toContain('The tokens were forgotten in this app.');
    expect(must(await core.getTokenSet()).tokens).toBeNull();
    open.mockRestore();
  });

  it('sends the post-logout redirect URI with a fresh state when one is given', async () => {
    vi.spyOn(window, 'open').mockReturnValue(null);
    const { user, calls, auth, engine } = await renderAuthApp({
      step: 'tokens',
      before: signInFirst,
      engine: { browser: true },
    });
    const back = 'http://127.0.0.1:45123/logged-out';
    await user.click(within(region()).getByLabelText('Post-logout redirect URI'));
    await user.paste(back);
    await user.click(button('Log out'));
    expect(calls('endSession')).toEqual([
      [{ profileId: auth!.id, open: true, handoff: true, postLogoutRedirectUri: back }],
    ]);
    const shown = new URL(within(region()).getByLabelText('Logout URL').textContent!);
    expect(shown.searchParams.get('post_logout_redirect_uri')).toBe(back);
    expect(shown.searchParams.get('id_token_hint')).toBe('{{id_token}}');
    const opened = new URL((await openedUrls(engine)).at(-1)!);
    expect(opened.searchParams.get('state')).toBe(shown.searchParams.get('state'));
    expect(opened.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(region().textContent).toContain('The server sends the browser back to');
    vi.restoreAllMocks();
  });

  it('never links to a logout address that is not http(s)', async () => {
    // end_session_endpoint comes from the server's discovery document: javascript: is refused.
    await renderApp({ step: 'tokens' });
    act(() =>
      useApp.setState({
        tokenOp: {
          action: 'logout',
          result: { url: 'javascript:alert(1)', opened: false, cleared: true },
        },
      }),
    );
    expect(await within(region()).findByText(/not an http\(s\) address/)).toBeTruthy();
    expect(within(region()).queryByRole('link', { name: 'Open the logout page' })).toBeNull();
    expect(within(region()).getByLabelText('Logout URL').textContent).toBe('javascript:alert(1)');
  });

  it('does not open a tab when the host opened the logout page itself', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const { user, engine } = await renderAuthApp({
      step: 'tokens',
      before: signInFirst,
      // A host with a system browser (Electron): the page asks it to open the logout page.
      engine: { browser: true },
    });
    await user.click(button('Log out'));
    expect(open).not.toHaveBeenCalled();
    expect(region().textContent).toContain('opened in your system browser');
    // The engine opened it with the id_token as a hint; the page shows it as a placeholder.
    const opened = (await openedUrls(engine)).at(-1)!;
    expect(opened).toContain('id_token_hint=ey');
    expect(within(region()).getByLabelText('Logout URL').textContent).toContain(
      'id_token_hint={{id_token}}',
    );
    open.mockRestore();
  });

  it('reveals the id token and refresh token only on request', async () => {
    const { user, calls, core } = await renderAuthApp({ step: 'tokens', before: signInFirst });
    const idToken = must(await core.revealSecret({ kind: 'id_token' })).value;
    const refreshToken = must(await core.revealSecret({ kind: 'refresh_token' })).value;
    const id = card(/^ID token/) as HTMLElement;
    expect(id.textContent).not.toContain(idToken);
    await user.click(within(id).getByRole('button', { name: 'Reveal' }));
    expect(calls('revealSecret')).toEqual([[{ kind: 'id_token' }]]);
    expect(id.textContent).toContain(idToken);
    const rt = card(/^Refresh token/) as HTMLElement;
    expect(rt.textContent).not.toContain(refreshToken);
    await user.click(within(rt).getByRole('button', { name: 'Reveal' }));
    expect(rt.textContent).toContain(refreshToken);
    await user.click(within(rt).getByRole('button', { name: 'Hide' }));
    expect(rt.textContent).not.toContain(refreshToken);
  });

  it('shows a failed action as an alert with the fix', async () => {
    const { user } = await renderAuthApp({
      step: 'tokens',
      before: async (t) => {
        await signInFirst();
        // The profile is moved to a FHIR base nothing answers at: discovery finds no userinfo.
        must(
          await t.core.saveProfile({
            ...toProfileInput(t.auth!),
            fhirBaseUrl: 'http://127.0.0.1:9/fhir',
          }),
        );
      },
    });
    await user.click(button('Call userinfo'));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain(
      'No userinfo_endpoint: the profile has no userinfoEndpoint and discovery did not find one.',
    );
    expect(alert.textContent).toContain('Enter userinfoEndpoint in the profile');
  });

  it('keeps the refresh actions off without a refresh token (client credentials)', async () => {
    const { user } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    await user.click(screen.getByRole('button', { name: 'Open Tokens' }));
    await settled();
    expect(button('Refresh now')).toHaveProperty('disabled', true);
    expect(within(region()).getByRole('switch', { name: 'Auto-refresh' })).toHaveProperty(
      'disabled',
      true,
    );
    expect(button('Revoke refresh token')).toHaveProperty('disabled', true);
    // No user signed in: nothing to ask userinfo about, nobody to log out.
    expect(button('Call userinfo')).toHaveProperty('disabled', true);
    expect(button('Log out')).toHaveProperty('disabled', true);
    expect(region().textContent).toContain('Userinfo and Log out need a signed-in user');
    expect(within(region()).queryByLabelText('Post-logout redirect URI')).toBeNull();
    expect(button('Introspect access token')).toHaveProperty('disabled', false);
    expect(card(/^Refresh token/).textContent).toContain('client_credentials never gets one');
    expect(within(region()).getAllByText(/^Expires in/)).toHaveLength(1);
  });
});
