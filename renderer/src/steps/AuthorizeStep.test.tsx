import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { FAKE_AUTH_PROFILE } from '../api/fake-api.js';
import { useApp } from '../store/index.js';
import { renderAuthApp } from '../test-utils.js';

const region = () => screen.getByRole('region', { name: 'Authorize' });
const status = () => within(region()).getByRole('status', { name: 'Sign-in status' });

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
    expect(plan.textContent).toContain(FAKE_AUTH_PROFILE.clientId);
    expect(region().textContent).toContain('Press Authorize in browser');
  });

  it('starts the flow, opens the page in a new tab when the host did not, and shows the request', async () => {
    const { user, fake } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));

    expect(fake.callsOf('startAuthorization')).toEqual([
      [{ profileId: FAKE_AUTH_PROFILE.id, autoExchange: true }],
    ]);
    const flow = useApp.getState().authFlow!;
    expect(open).toHaveBeenCalledWith(flow.url, '_blank', 'noopener');
    expect(status().textContent).toContain('waiting');
    expect(status().textContent).toMatch(/[45]:\d\d left/);
    expect(region().textContent).toContain(`127.0.0.1:${flow.listener!.port} — open`);
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
    const { user } = await renderAuthApp({
      step: 'authorize',
      fakeOptions: { opensBrowser: true },
    });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    expect(open).not.toHaveBeenCalled();
    expect(region().textContent).toContain('Opened in your system browser by the app.');
  });

  it('follows the status pushed by the engine until the tokens arrive', async () => {
    const { user, fake } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const flow = useApp.getState().authFlow!;

    act(() => fake.emit('authorization', { ...flow, status: 'exchanging' }));
    expect(status().textContent).toContain('Exchanging the code for tokens');
    // An older snapshot of the same flow never moves it backwards.
    act(() => fake.emit('authorization', { ...flow, status: 'waiting' }));
    expect(status().textContent).toContain('exchanging');

    act(() => void fake.simulateCallback());
    expect(status().textContent).toContain('Signed in: tokens received');
    const checks = within(region()).getByRole('list', { name: 'Redirect checks' });
    expect(within(checks).getAllByRole('listitem')).toHaveLength(4);
    expect(checks.textContent).not.toContain('fail');
    expect(region().textContent).toContain('— closed');
    expect(region().textContent).toContain('Received: access token, id token, refresh token.');
    expect(within(region()).queryByLabelText('Redirect URL')).toBeNull();

    await user.click(within(region()).getByRole('button', { name: 'Open Tokens' }));
    const tokens = screen.getByRole('region', { name: 'Tokens' });
    expect(within(tokens).getByRole('heading', { name: /ID token/ })).toBeTruthy();
  });

  it('shows a failed state check with its finding and fix', async () => {
    const { user, fake } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    act(() => void fake.simulateCallback({ wrongState: true }));

    expect(status().textContent).toContain('failed');
    const checks = within(region()).getByRole('list', { name: 'Redirect checks' });
    const state = within(checks).getAllByRole('listitem')[0]!;
    expect(state.textContent).toContain('fail');
    expect(state.textContent).toContain('state');
    const findings = within(region()).getByRole('list', { name: 'Sign-in findings' });
    expect(findings.textContent).toContain('STATE_MISMATCH');
    expect(findings.textContent).toContain('Restart the authorization.');
    expect(fake.callsOf('sendTokenRequest')).toHaveLength(0);
    expect(useApp.getState().tokenSet).toBeNull();
  });

  it('shows an error the server sent back on the redirect', async () => {
    const { user, fake } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    act(
      () =>
        void fake.simulateCallback({
          error: 'access_denied',
          errorDescription: 'The user said no',
        }),
    );
    const findings = within(region()).getByRole('list', { name: 'Sign-in findings' });
    expect(findings.textContent).toContain('AUTHORIZATION_DENIED');
    expect(findings.textContent).toContain('error=access_denied (The user said no)');
  });

  it('completes the flow with a pasted redirect URL', async () => {
    const { user, fake } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const flow = useApp.getState().authFlow!;
    const state = flow.params.find(([n]) => n === 'state')![1];

    await user.type(screen.getByLabelText('Redirect URL'), 'not a url');
    await user.click(screen.getByRole('button', { name: 'Complete sign-in' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('That is not a URL.');
    expect(alert.textContent).toContain('Copy the whole address');

    await user.clear(screen.getByLabelText('Redirect URL'));
    await user.click(screen.getByLabelText('Redirect URL'));
    const redirect = `${flow.redirectUri}?code=pasted-code-1234567890&state=${state}`;
    await user.paste(redirect);
    await user.click(screen.getByRole('button', { name: 'Complete sign-in' }));

    expect(fake.callsOf('completeAuthorization').at(-1)).toEqual([
      { flowId: flow.id, redirectUrl: redirect },
    ]);
    expect(status().textContent).toContain('Signed in');
    expect(
      within(region()).getByRole('table', { name: /Redirect parameters \(via paste/ }),
    ).toBeTruthy();
  });

  it('requires the paste when the redirect URI cannot be listened on', async () => {
    const { user } = await renderAuthApp({
      step: 'authorize',
      setup: (f) => {
        f.state.profiles.at(-1)!.redirectUri = 'https://app.example.com/callback';
      },
    });
    expect(within(region()).getByLabelText('Authorization plan').textContent).toContain(
      'you paste the address the browser ends on',
    );
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    expect(region().textContent).toContain('Required for this redirect URI');
    expect(region().textContent).toContain('None: paste the redirect URL below.');
    expect(screen.getByLabelText('Redirect URL')).toBeTruthy();
  });

  it('cancels a waiting sign-in and closes the listener', async () => {
    const { user, fake } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    await user.click(screen.getByRole('button', { name: 'Cancel sign-in' }));
    expect(fake.callsOf('cancelAuthorization')).toHaveLength(1);
    expect(status().textContent).toContain('cancelled');
    expect(region().textContent).toContain('— closed');
    expect(screen.getByRole('button', { name: 'Authorize in browser' })).toHaveProperty(
      'disabled',
      false,
    );
  });

  it('reports a timeout with its finding', async () => {
    const { user, fake } = await renderAuthApp({ step: 'authorize' });
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    act(() => void fake.timeOutAuthorization());
    expect(status().textContent).toContain('did not come back in time');
    const findings = within(region()).getByRole('list', { name: 'Sign-in findings' });
    expect(findings.textContent).toContain('AUTHORIZATION_TIMEOUT');
    expect(findings.textContent).toContain('Finish the sign-in in the browser');
  });

  it('leaves the code for the Token request step when automatic exchange is off', async () => {
    const { user, fake } = await renderAuthApp({ step: 'authorize' });
    await user.click(
      screen.getByRole('checkbox', { name: 'Exchange the code for tokens as soon as it arrives' }),
    );
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    expect(fake.callsOf('startAuthorization')[0]![0].autoExchange).toBe(false);
    act(() => void fake.simulateCallback());
    expect(status().textContent).toContain('received');
    expect(useApp.getState().tokenSet).toBeNull();

    await user.click(within(region()).getByRole('button', { name: 'Go to Token request' }));
    const tokenRequest = screen.getByRole('region', { name: 'Token request' });
    expect((screen.getByLabelText('Grant type') as HTMLSelectElement).value).toBe(
      'authorization_code',
    );
    await user.click(within(tokenRequest).getByRole('button', { name: 'Prepare request' }));
    expect((screen.getByLabelText('code value') as HTMLInputElement).value).toBe('{{code}}');
    await user.click(within(tokenRequest).getByRole('button', { name: 'Send request' }));
    expect(useApp.getState().tokenSet?.grant).toBe('authorization_code');
  });

  it('shows why the flow cannot start', async () => {
    const { user } = await renderAuthApp({
      step: 'authorize',
      setup: (f) => {
        f.state.profiles.at(-1)!.clientId = '';
      },
    });
    expect(region().textContent).toContain('no client ID yet');
    await user.click(screen.getByRole('button', { name: 'Authorize in browser' }));
    const alert = await within(region()).findByRole('alert');
    expect(alert.textContent).toContain('The profile has no client ID');
    expect(alert.textContent).toContain('Register the client');
    expect(open).not.toHaveBeenCalled();
  });
});
