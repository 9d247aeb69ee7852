import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { AuthorizationFlowView } from '../../../shared/types.js';
import { toProfileInput } from '../store/profile-input.js';
import { useApp } from '../store/index.js';
import { flowReaching, renderAuthApp, settled } from '../test-utils.js';
import {
  NATIVE_CLIENT_ID,
  followRedirect,
  must,
  openedUrls,
  pushEvent,
  server,
  signInAtServer,
} from '../test/real-core.js';

const region = () => screen.getByRole('region', { name: 'Authorize' });
const status = () => within(region()).getByRole('status', { name: 'Sign-in status' });
const param = (flow: AuthorizationFlowView, name: string) =>
  flow.params.find(([n]) => n === name)?.[1];

let open: MockInstance<typeof window.open>;
beforeEach(() => {
  open = vi.spyOn(window, 'open').mockReturnValue(null);
});
afterEach(() => {
  open.mockRestore();
});

describe('Authorize step', () => {
  it('says what will happen before anything starts', async () => {
    await renderAuthApp({ step: 'authorize' });
    const plan = within(region()).getByLabelText('Authorization plan');
    expect(plan.textContent).toContain('http://127.0.0.1:<random port>/callback');
    expect(plan.textContent).toContain('S256');
    expect(plan.textContent).toContain('state (256 bits)');
    expect(plan.textContent).toContain('nonce');
    expect(plan.textContent).toContain(NATIVE_CLIENT_ID);
    expect(region().textContent).toContain('Press Authorize in browser');
  });

  it('starts the flow, opens the page in a new tab when the host did not, and shows the request', async () => {
    const { user, calls, auth } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));

    expect(calls('startAuthorization')).toEqual([[{ profileId: auth!.id, autoExchange: true }]]);
    const flow = useApp.getState().authFlow!;
    expect(flow.url.startsWith(`${server().authorizationEndpoint}?`)).toBe(true);
    expect(flow.opened).toBe(false);
    expect(open).toHaveBeenCalledWith(flow.url, '_blank', 'noopener');
    expect(status().textContent).toContain('waiting');
    expect(status().textContent).toMatch(/[45]:\d\d left/);
    expect(region().textContent).toContain(`127.0.0.1:${flow.listener!.port} — open`);
    // The engine really listens there (another path does not consume the one-shot listener).
    expect(await followRedirect(`http://127.0.0.1:${flow.listener!.port}/favicon.ico`)).toBe(404);
    const link = within(region()).getByRole('link', { name: 'Open the sign-in page' });
    expect(link.getAttribute('href')).toBe(flow.url);
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(within(region()).getByLabelText('Authorize URL').textContent).toBe(flow.url);
    const params = within(region()).getByRole('table', { name: 'Authorize parameters' });
    expect(params.textContent).toContain('code_challenge_method');
    expect(params.textContent).toContain('S256');
    expect(screen.getByRole('button', { name: 'Authorize in browser' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('leaves opening to the host when it opened the system browser', async () => {
    const { user, engine } = await renderAuthApp({
      step: 'authorize',
      engine: { browser: true },
    });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    expect(open).not.toHaveBeenCalled();
    expect(region().textContent).toContain('Opened in your system browser by the app.');
    expect(await openedUrls(engine)).toEqual([useApp.getState().authFlow!.url]);
  });

  it('follows the status pushed by the engine until the tokens arrive', async () => {
    const { user, engine, api } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const flow = useApp.getState().authFlow!;
    const heard = vi.fn();
    api.on('authorization', heard);

    await pushEvent(engine, 'authorization', { ...flow, status: 'exchanging' });
    await waitFor(() => expect(status().textContent).toContain('Exchanging the code for tokens'));
    // An older snapshot of the same flow never moves it backwards.
    await pushEvent(engine, 'authorization', { ...flow, status: 'waiting' });
    await waitFor(() => expect(heard).toHaveBeenLastCalledWith(flow));
    expect(status().textContent).toContain('exchanging');

    // The user signs in; the browser comes back to the loopback listener.
    await followRedirect(await signInAtServer(flow.url, flow.redirectUri));
    await flowReaching('done');
    await settled();
    expect(status().textContent).toContain('Signed in: tokens received');
    const done = useApp.getState().authFlow!;
    expect(done.checks.map((c) => c.name)).toEqual(['state', 'iss', 'code']);
    const checks = within(region()).getByRole('list', { name: 'Redirect checks' });
    expect(within(checks).getAllByRole('listitem')).toHaveLength(3);
    expect(checks.textContent).not.toContain('fail');
    expect(region().textContent).toContain('— closed');
    expect(region().textContent).toContain('Received: access token, id token, refresh token.');
    expect(within(region()).queryByLabelText('Redirect URL')).toBeNull();

    await user.click(within(region()).getByRole('button', { name: 'Open Tokens' }));
    const tokens = screen.getByRole('region', { name: 'Tokens' });
    expect(within(tokens).getByRole('heading', { name: /ID token/ })).toBeTruthy();
  });

  it('shows a failed state check with its finding and fix', async () => {
    const { user, calls, core } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const flow = useApp.getState().authFlow!;
    // A forged callback: another state than the one sent.
    const forged = `${flow.redirectUri}?code=forged-code-value-123456&state=not-the-state&iss=${encodeURIComponent(server().issuer)}`;
    expect(await followRedirect(forged)).toBe(400);
    await flowReaching('failed');

    expect(status().textContent).toContain('failed');
    const checks = within(region()).getByRole('list', { name: 'Redirect checks' });
    const state = within(checks).getAllByRole('listitem')[0]!;
    expect(state.textContent).toContain('fail');
    expect(state.textContent).toContain('state');
    const findings = within(region()).getByRole('list', { name: 'Sign-in findings' });
    expect(findings.textContent).toContain('STATE_MISMATCH');
    expect(findings.textContent).toContain(
      `The redirect carries state "not-the-…", not the "${param(flow, 'state')!.slice(0, 8)}…" sent with this flow.`,
    );
    expect(findings.textContent).toContain('Start the authorization again from this app');
    expect(calls('sendTokenRequest')).toHaveLength(0);
    // Nothing was redeemed at the server.
    expect(must(await core.listExchanges()).map((x) => x.request.url)).not.toContain(
      server().tokenEndpoint,
    );
    expect(useApp.getState().tokenSet).toBeNull();
  });

  it('shows an error the server sent back on the redirect', async () => {
    const { user } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const flow = useApp.getState().authFlow!;
    // The user presses Cancel on the server's sign-in page.
    const redirect = await signInAtServer(flow.url, flow.redirectUri, { cancel: true });
    expect(new URL(redirect).searchParams.get('error')).toBe('access_denied');
    await followRedirect(redirect);
    await flowReaching('failed');
    const findings = within(region()).getByRole('list', { name: 'Sign-in findings' });
    expect(findings.textContent).toContain('AUTHORIZATION_DENIED');
    expect(findings.textContent).toContain(
      'the redirect carried access_denied: "End-User aborted interaction"',
    );
    expect(findings.textContent).toContain('The user cancelled the login or consent.');
  });

  it('completes the flow with a pasted redirect URL', async () => {
    const { user, calls } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const flow = useApp.getState().authFlow!;

    await user.type(screen.getByLabelText('Redirect URL'), 'not a url');
    await user.click(screen.getByRole('button', { name: 'Complete sign-in' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('The pasted text is not a URL.');
    expect(alert.textContent).toContain('Copy the whole address');

    // The browser did not come back: the user copies the address it ended on.
    const redirect = await signInAtServer(flow.url, flow.redirectUri);
    expect(new URL(redirect).searchParams.get('state')).toBe(param(flow, 'state'));
    await user.clear(screen.getByLabelText('Redirect URL'));
    await user.click(screen.getByLabelText('Redirect URL'));
    await user.paste(redirect);
    await user.click(screen.getByRole('button', { name: 'Complete sign-in' }));

    expect(calls('completeAuthorization').at(-1)).toEqual([
      { flowId: flow.id, redirectUrl: redirect },
    ]);
    await flowReaching('done');
    await settled();
    expect(status().textContent).toContain('Signed in');
    expect(
      within(region()).getByRole('table', { name: /Redirect parameters \(via paste/ }),
    ).toBeTruthy();
    // The paste closed the loopback listener.
    await expect(fetch(flow.redirectUri)).rejects.toThrow();
  });

  it('requires the paste when the redirect URI cannot be listened on', async () => {
    const { user } = await renderAuthApp({
      step: 'authorize',
      setup: async ({ core, auth }) =>
        void must(
          await core.saveProfile({
            ...toProfileInput(auth!),
            redirectUri: 'https://app.example.com/callback',
          }),
        ),
    });
    expect(within(region()).getByLabelText('Authorization plan').textContent).toContain(
      'you paste the address the browser ends on',
    );
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    expect(useApp.getState().authFlow).toMatchObject({
      mode: 'paste',
      redirectUri: 'https://app.example.com/callback',
    });
    expect(region().textContent).toContain('Required for this redirect URI');
    expect(region().textContent).toContain('None: paste the redirect URL below.');
    expect(screen.getByLabelText('Redirect URL')).toBeTruthy();
  });

  it('cancels a waiting sign-in and closes the listener', async () => {
    const { user, calls, core } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const flow = useApp.getState().authFlow!;
    await user.click(screen.getByRole('button', { name: 'Cancel sign-in' }));
    expect(calls('cancelAuthorization')).toHaveLength(1);
    expect(status().textContent).toContain('cancelled');
    expect(region().textContent).toContain('— closed');
    expect(must(await core.getAuthorization({ flowId: flow.id })).status).toBe('cancelled');
    await expect(fetch(flow.redirectUri)).rejects.toThrow();
    expect(screen.getByRole('button', { name: 'Authorize in browser' })).toHaveProperty(
      'disabled',
      false,
    );
  });

  it('reports a timeout with its finding', async () => {
    const { user } = await renderAuthApp({
      step: 'authorize',
      setup: ({ api, core }) => {
        // The page asks for the default 5 minutes; this test has the engine wait 5 s (the least
        // the host accepts) so the real listener times out.
        api.startAuthorization.mockImplementation((input) =>
          core.startAuthorization({ ...input, timeoutSec: 5 }),
        );
      },
    });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    expect(status().textContent).toMatch(/0:0[1-5] left/);
    await waitFor(() => expect(status().textContent).toContain('did not come back in time'), {
      timeout: 8000,
    });
    const findings = within(region()).getByRole('list', { name: 'Sign-in findings' });
    expect(findings.textContent).toContain('AUTHORIZATION_TIMEOUT');
    expect(findings.textContent).toContain('Finish the sign-in in the browser');
  }, 15_000);

  it('leaves the code for the Token request step when automatic exchange is off', async () => {
    const { user, calls } = await renderAuthApp({ step: 'authorize' });
    await user.click(
      screen.getByRole('checkbox', { name: 'Exchange the code for tokens as soon as it arrives' }),
    );
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    expect(calls('startAuthorization')[0]![0].autoExchange).toBe(false);
    const flow = useApp.getState().authFlow!;
    await followRedirect(await signInAtServer(flow.url, flow.redirectUri));
    await flowReaching('received');
    expect(status().textContent).toContain('received');
    expect(useApp.getState().tokenSet).toBeNull();

    await user.click(within(region()).getByRole('button', { name: 'Go to Token request' }));
    const tokenRequest = screen.getByRole('region', { name: 'Token request' });
    expect((screen.getByLabelText('Grant type') as HTMLSelectElement).value).toBe(
      'authorization_code',
    );
    await user.click(within(tokenRequest).getByRole('button', { name: 'Prepare request' }));
    expect((screen.getByLabelText('code value') as HTMLInputElement).value).toBe('{{code}}');
    expect((screen.getByLabelText('code_verifier value') as HTMLInputElement).value).toBe(
      '{{code_verifier}}',
    );
    await user.click(within(tokenRequest).getByRole('button', { name: 'Send request' }));
    await waitFor(() => expect(useApp.getState().tokenSet?.grant).toBe('authorization_code'));
    expect(within(tokenRequest).getByLabelText('Token response').textContent).toContain('HTTP 200');
  });

  it('shows why the flow cannot start', async () => {
    const { user } = await renderAuthApp({
      step: 'authorize',
      setup: async ({ core, auth }) =>
        void must(await core.saveProfile({ ...toProfileInput(auth!), clientId: '' })),
    });
    expect(region().textContent).toContain('no client ID yet');
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('The profile has no client_id.');
    expect(alert.textContent).toContain('Register the client (Registration step)');
    expect(open).not.toHaveBeenCalled();
  });
});
