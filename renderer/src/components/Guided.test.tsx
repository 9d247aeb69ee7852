import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { useApp } from '../store/index.js';
import { toProfileInput } from '../store/profile-input.js';
import { flowReaching, renderApp, renderAuthApp, settled } from '../test-utils.js';
import { followRedirect, must, server, signInAtServer } from '../test/real-core.js';

const guidedSwitch = () => screen.getByRole('switch', { name: 'Guided' });
const pause = (title: string) =>
  screen.getByRole('complementary', { name: `Guided: before ${title}` });
const outcome = (title: string) =>
  screen.queryByRole('complementary', { name: `Guided: what came back from ${title}` });

let open: MockInstance<typeof window.open>;
beforeEach(() => {
  open = vi.spyOn(window, 'open').mockReturnValue(null);
});
afterEach(() => {
  open.mockRestore();
});

describe('Guided mode', () => {
  it('is off by default and saved when turned on', async () => {
    const { user } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    expect(screen.queryByRole('complementary', { name: /^Guided/ })).toBeNull();
    await user.click(guidedSwitch());
    expect(guidedSwitch().getAttribute('aria-checked')).toBe('true');
    expect(window.localStorage.getItem('ofd-guided')).toBe('on');
    // Read back at the next start.
    useApp.setState({ guided: false });
    useApp.getState().initTeaching();
    expect(useApp.getState().guided).toBe(true);
  });

  it('pauses before the backend-services token request, then reads the answer', async () => {
    const { user } = await renderApp({ step: 'token-request' });
    await user.click(guidedSwitch());
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));

    const before = pause('Token request (client credentials)');
    expect(before.textContent).toContain('grant_type=client_credentials');
    expect(before.textContent).toContain('client_assertion');
    expect(within(before).getByRole('link', { name: 'RFC 7523 §2.2' }).getAttribute('href')).toBe(
      'https://www.rfc-editor.org/rfc/rfc7523#section-2.2',
    );
    expect(
      within(before).getByRole('link', { name: /SMART App Launch 2, Backend Services/ }),
    ).toBeTruthy();
    // The pause stands before the Send button, and nothing has come back yet.
    const send = screen.getByRole('button', { name: 'Send request' });
    expect(before.compareDocumentPosition(send) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(outcome('Token request (client credentials)')).toBeNull();

    await user.click(send);
    const after = outcome('Token request (client credentials)')!;
    expect(after.textContent).toContain('HTTP 200');
    expect(after.textContent).toContain('Worked.');
    expect(after.textContent).toContain('The server issued an access token');
    expect(after.textContent).toContain('Tokens received: access token.');
  });

  it('names the first finding and its basis when the server refuses', async () => {
    const { user } = await renderApp({
      step: 'token-request',
      setup: async ({ core, backend }) => {
        // A client the server has never heard of.
        must(await core.saveProfile({ ...toProfileInput(backend!), clientId: 'no-such-client' }));
      },
    });
    await user.click(guidedSwitch());
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    const after = outcome('Token request (client credentials)')!;
    expect(after.textContent).toContain('HTTP 401');
    expect(after.textContent).toContain('Refused.');
    const first = useApp.getState().tokenResult!.findings[0]!;
    expect(after.textContent).toContain(`First finding: ${first.title} (${first.code})`);
    expect(after.textContent).toMatch(
      /— (the server said|checked here|inferred|known for this vendor|earlier in this run)\./,
    );
  });

  it('keeps the code exchange as its own paused hop in the code flow', async () => {
    const { user, calls, auth, core } = await renderAuthApp({ step: 'authorize' });
    await user.click(guidedSwitch());
    const before = pause('Authorization request (browser)');
    expect(before.textContent).toContain('code_challenge');
    expect(within(before).getByRole('link', { name: 'RFC 7636 §4.3' })).toBeTruthy();
    const auto = screen.getByLabelText('Exchange the code for tokens as soon as it arrives');
    expect((auto as HTMLInputElement).checked).toBe(false);
    expect((auto as HTMLInputElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    expect(calls('startAuthorization')).toEqual([[{ profileId: auth!.id, autoExchange: false }]]);
    const flow = useApp.getState().authFlow!;
    await followRedirect(await signInAtServer(flow.url, flow.redirectUri));
    await flowReaching('received');
    await settled();

    // The code came back and was checked; nothing was redeemed behind the user's back.
    const back = outcome('Authorization response (callback)')!;
    expect(back.textContent).toContain('Worked.');
    expect(back.textContent).toContain('A code came back with the right state');
    expect(calls('sendTokenRequest')).toHaveLength(0);
    expect(must(await core.listExchanges()).map((x) => x.request.url)).not.toContain(
      server().tokenEndpoint,
    );
    expect(useApp.getState().tokenSet).toBeNull();

    // The exchange is the next hop: paused in Token request, sent by the user.
    await user.click(screen.getByRole('button', { name: 'Go to Token request' }));
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    const redeem = pause('Token request (authorization code)');
    expect(redeem.textContent).toContain('code_verifier');
    expect(within(redeem).getByRole('link', { name: 'RFC 7636 §4.5' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    const got = outcome('Token request (authorization code)')!;
    expect(got.textContent).toContain('HTTP 200');
    expect(got.textContent).toContain('access token, id token, refresh token');
    await waitFor(() => expect(useApp.getState().tokenSet).not.toBeNull());
  });
});

describe('Presenter mode', () => {
  it('uses large type, shows the diagram beside the step and hides secrets entirely', async () => {
    const { user } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    await user.click(screen.getByRole('button', { name: 'Open Tokens' }));
    const masked = useApp.getState().accessToken!.masked;
    expect(screen.getAllByText(masked).length).toBeGreaterThan(0);
    expect(screen.getAllByRole('button', { name: 'Reveal' }).length).toBeGreaterThan(0);
    // The timeline offers the runnable curl (a reveal) on the token request...
    const timeline = screen.getByRole('complementary', { name: 'Timeline' });
    const tokenRequest = within(timeline)
      .getAllByRole('listitem')
      .find(
        (li) => li.querySelector('[aria-expanded]') && li.textContent?.includes('Token request'),
      )!;
    await user.click(within(tokenRequest).getByRole('button', { expanded: false }));
    expect(within(tokenRequest).getByRole('button', { name: 'Copy runnable curl…' })).toBeTruthy();

    await user.click(screen.getByRole('switch', { name: 'Presenter' }));
    expect(document.documentElement.classList.contains('presenter')).toBe(true);
    expect(window.localStorage.getItem('ofd-presenter')).toBe('on');
    const tokens = screen.getByRole('region', { name: 'Tokens' });
    expect(within(tokens).getAllByText('Hidden in presenter mode').length).toBeGreaterThan(0);
    expect(screen.queryByRole('button', { name: 'Reveal' })).toBeNull();
    expect(screen.queryByText(masked)).toBeNull();
    // ...which presenter mode does not.
    expect(within(timeline).queryByRole('button', { name: 'Copy runnable curl…' })).toBeNull();
    // The diagram is open beside the step, with no fold button.
    expect(screen.getByRole('region', { name: 'Sequence diagram' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sequence diagram' })).toBeNull();

    // A secret revealed before presenter mode is hidden too.
    await user.click(screen.getByRole('switch', { name: 'Presenter' }));
    await user.click(screen.getAllByRole('button', { name: 'Reveal' })[0]!);
    const revealed = useApp.getState().revealedAccessToken!;
    expect(screen.getAllByText(revealed).length).toBeGreaterThan(0);
    await user.click(screen.getByRole('switch', { name: 'Presenter' }));
    expect(screen.queryByText(revealed)).toBeNull();
    expect(document.documentElement.classList.contains('presenter')).toBe(true);
  });
});
