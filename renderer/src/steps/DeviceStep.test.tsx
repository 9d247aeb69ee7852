import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { finding } from '../../../shared/diagnosis/catalog.js';
import { DEVICE_CODE_GRANT, type DeviceFlowView } from '../../../shared/types.js';
import { useApp } from '../store/index.js';
import { isNewerDeviceFlow } from '../store/device.js';
import { renderApp, type TestApp } from '../test-utils.js';
import { must, pushEvent, registerClient, server, signInOnOtherDevice } from '../test/real-core.js';

// The component on the real engine and the SMART test server's device flow (oidc-provider);
// the states no server gives on demand (slow_down, expiry) are pushed on the engine's hub.

const region = () => screen.getByRole('region', { name: 'Device sign-in' });
const status = () => within(region()).getByRole('status', { name: 'Device sign-in status' });
const userCode = () =>
  within(within(region()).getByRole('group', { name: 'Enter this code' })).getByText(
    (_, el) => el?.tagName === 'KBD',
  );
const flow = () => useApp.getState().deviceFlow!;

/** A public device client at the main test server and a device-code profile for it. */
async function addDeviceProfile(
  t: TestApp,
  extra: { deviceAuthorizationEndpoint?: string } = {},
): Promise<string> {
  const { client_id } = await registerClient({
    application_type: 'native',
    grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'none',
  });
  const profile = must(
    await t.core.saveProfile({
      name: 'TV app (device code)',
      flow: 'device-code',
      fhirBaseUrl: server('main').fhirBase,
      clientId: client_id,
      scope: 'openid offline_access',
      auth: { method: 'none' },
      ...extra,
    }),
  );
  return profile.id;
}

/** Renders the Device sign-in step with a device profile active. */
async function renderDevice(extra: { deviceAuthorizationEndpoint?: string } = {}) {
  let id = '';
  const app = await renderApp({
    step: 'device',
    profiles: [],
    setup: async (t) => {
      id = await addDeviceProfile(t, extra);
    },
    active: () => id,
  });
  return { ...app, profileId: id };
}

let open: MockInstance<typeof window.open>;
beforeEach(() => {
  open = vi.spyOn(window, 'open').mockReturnValue(null);
});
afterEach(async () => {
  open.mockRestore();
  // The engine polls on its own timer: stop a flow a test left waiting.
  const f = useApp.getState().deviceFlow;
  if (f?.status === 'waiting') await useApp.getState().cancelDeviceAuthorization();
});

describe('Device sign-in step', () => {
  it('is in the rail for a device profile only, in place of Authorize', async () => {
    await renderDevice();
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    expect(within(rail).getByRole('button', { name: /Device sign-in/ })).toBeTruthy();
    expect(within(rail).queryByRole('button', { name: /Authorize/ })).toBeNull();
  });

  it('says what will happen, and nothing opens by itself', async () => {
    await renderDevice();
    const plan = within(region()).getByLabelText('Device sign-in plan');
    expect(plan.textContent).toContain('discovered (device_authorization_endpoint)');
    expect(plan.textContent).toContain('none (public client');
    expect(plan.textContent).toContain('openid offline_access');
    expect(within(region()).getByRole('button', { name: 'Start device sign-in' })).toBeTruthy();
    expect(within(region()).queryByRole('img')).toBeNull();
  });

  it('shows the user code, the link and its QR code, the countdown and the polling; the user signs in elsewhere; Open Tokens', async () => {
    const { user, calls, profileId } = await renderDevice();
    await user.click(within(region()).getByRole('button', { name: 'Start device sign-in' }));
    expect(calls('startDeviceAuthorization')).toEqual([[{ profileId }]]);
    await waitFor(() => expect(status().textContent).toContain('waiting'));
    expect(status().getAttribute('aria-live')).toBe('polite');

    const f = flow();
    expect(f.userCode).toBeTruthy();
    expect(userCode().textContent).toBe(f.userCode);
    await user.click(within(region()).getByRole('button', { name: 'Copy user code' }));
    expect(await navigator.clipboard.readText()).toBe(f.userCode);

    const link = within(region()).getByRole('link', { name: f.verificationUri! });
    expect(link.getAttribute('href')).toBe(f.verificationUri);
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(open).not.toHaveBeenCalled();

    const qr = within(region()).getByRole('img', {
      name: `QR code of ${f.verificationUriComplete}`,
    });
    expect(qr.tagName.toLowerCase()).toBe('svg');
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h\d+v1h-\d+z/);
    expect(region().textContent).toMatch(/Code expires in (9|10):\d\d/);
    const polling = within(region()).getByLabelText('Polling');
    expect(polling.textContent).toContain('Polls0');
    expect(polling.textContent).toContain(`Interval${f.intervalSec} s`);
    expect(polling.textContent).toMatch(/Next poll(in \d s|now)/);

    expect(await signInOnOtherDevice(f.verificationUriComplete!)).toContain('Sign-in Success');
    await waitFor(() => expect(status().textContent).toContain('Signed in: tokens received'), {
      timeout: (f.intervalSec + 5) * 1000,
    });
    expect(region().textContent).toContain('Received: access token, id token, refresh token');
    expect(within(region()).getByLabelText('Polling').textContent).toContain('Last answertokens');
    expect(within(region()).queryByRole('group', { name: 'Enter this code' })).toBeNull();
    await waitFor(() => expect(useApp.getState().tokenSet?.grant).toBe(DEVICE_CODE_GRANT));

    await user.click(within(region()).getByRole('button', { name: 'Open Tokens' }));
    expect(screen.getByRole('region', { name: 'Tokens' })).toBeTruthy();
  }, 30_000);

  it('shows the refusal with its findings when the user denies, and starts again', async () => {
    const { user, calls } = await renderDevice();
    await user.click(within(region()).getByRole('button', { name: 'Start device sign-in' }));
    await waitFor(() => expect(flow().status).toBe('waiting'));
    const first = flow();
    await signInOnOtherDevice(first.verificationUriComplete!, { deny: true });
    await waitFor(() => expect(status().textContent).toContain('refused'), {
      timeout: (first.intervalSec + 5) * 1000,
    });
    const findings = within(region()).getByRole('list', { name: 'Device sign-in findings' });
    expect(findings.textContent).toMatch(/access_denied|ACCESS_DENIED|denied/i);
    expect(region().textContent).toContain('HTTP 400');

    await user.click(within(region()).getByRole('button', { name: 'Start again' }));
    await waitFor(() => expect(flow().id).not.toBe(first.id));
    expect(calls('startDeviceAuthorization')).toHaveLength(2);
    expect(status().textContent).toContain('waiting');
    expect(userCode().textContent).toBe(flow().userCode);
  }, 30_000);

  it('follows pushed snapshots: slow_down, an older snapshot arriving late, then expiry', async () => {
    const { user, engine } = await renderDevice();
    await user.click(within(region()).getByRole('button', { name: 'Start device sign-in' }));
    await waitFor(() => expect(flow().status).toBe('waiting'));
    const f = flow();
    const slowed: DeviceFlowView = {
      ...f,
      polls: 2,
      slowDowns: 1,
      intervalSec: f.intervalSec + 5,
      lastAnswer: 'slow_down',
    };
    await pushEvent(engine, 'device', slowed);
    const polling = () => within(region()).getByLabelText('Polling').textContent;
    await waitFor(() => expect(polling()).toContain('slow_down answers1 (each adds 5 s)'));
    expect(polling()).toContain(`Interval${f.intervalSec + 5} s`);
    expect(polling()).toContain('Last answerslow_down — polling too often');

    await pushEvent(engine, 'device', { ...f, polls: 1, lastAnswer: 'authorization_pending' });
    await pushEvent(engine, 'device', {
      ...slowed,
      status: 'expired',
      polls: 3,
      lastAnswer: 'expired_token',
      findings: [finding('DEVICE_CODE_EXPIRED', 'The device code ran out.', { basis: 'check' })],
    });
    await waitFor(() => expect(status().textContent).toContain('The code expired'));
    expect(polling()).toContain('Polls3');
    const findings = within(region()).getByRole('list', { name: 'Device sign-in findings' });
    expect(findings.textContent).toContain('DEVICE_CODE_EXPIRED');
    expect(within(region()).getByRole('button', { name: 'Start again' })).toBeTruthy();
    expect(within(region()).queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('cancels the polling with the keyboard', async () => {
    const { user, calls } = await renderDevice();
    within(region()).getByRole('button', { name: 'Start device sign-in' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(status().textContent).toContain('waiting'));
    within(region()).getByRole('button', { name: 'Cancel' }).focus();
    await user.keyboard(' ');
    await waitFor(() => expect(status().textContent).toContain('Cancelled'));
    expect(calls('cancelDeviceAuthorization')).toEqual([[{ flowId: flow().id }]]);
    expect(within(region()).getByRole('button', { name: 'Start again' })).toBeTruthy();
  });

  it('shows the findings when the server refuses the device authorization request', async () => {
    const { user } = await renderDevice({
      deviceAuthorizationEndpoint: `${server('main').issuer}/no-such-endpoint`,
    });
    await user.click(within(region()).getByRole('button', { name: 'Start device sign-in' }));
    await waitFor(() => expect(status().textContent).toContain('failed'));
    expect(
      within(region()).getByRole('list', { name: 'Device sign-in findings' }).children.length,
    ).toBeGreaterThan(0);
    expect(within(region()).queryByRole('group', { name: 'Enter this code' })).toBeNull();
    expect(within(region()).getByRole('button', { name: 'Start again' })).toBeTruthy();
  });
});

describe('Profile form for the device flow', () => {
  it('shows the device fields, hides the browser ones, and saves them', async () => {
    const { user, calls } = await renderApp({ step: 'profile', profiles: [] });
    const form = screen.getByRole('form', { name: 'Profile settings' });
    await user.selectOptions(within(form).getByLabelText('Flow'), 'device-code');
    expect(within(form).queryByLabelText('Redirect URI')).toBeNull();
    expect(within(form).queryByLabelText('PKCE')).toBeNull();
    expect(within(form).getByRole('group', { name: 'Device sign-in (RFC 8628)' })).toBeTruthy();
    expect((within(form).getByLabelText('Scope') as HTMLInputElement).value).toBe(
      'openid offline_access',
    );
    await user.type(within(form).getByLabelText('Profile name'), 'TV app');
    await user.type(within(form).getByLabelText('Client ID'), 'tv-client');
    await user.type(
      within(form).getByLabelText('Device authorization endpoint'),
      `${server('main').issuer}/device/auth`,
    );
    await user.selectOptions(within(form).getByLabelText('Auth method'), 'none');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(calls('saveProfile')).toHaveLength(1));
    expect(calls('saveProfile')[0]![0]).toMatchObject({
      flow: 'device-code',
      clientId: 'tv-client',
      scope: 'openid offline_access',
      deviceAuthorizationEndpoint: `${server('main').issuer}/device/auth`,
      auth: { method: 'none' },
    });
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    await waitFor(() =>
      expect(within(rail).getByRole('button', { name: /Device sign-in/ })).toBeTruthy(),
    );
  });
});

describe('Registration of a device profile', () => {
  it('shows the device_code grant in the metadata the engine builds', async () => {
    const { user } = await renderDevice();
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    await user.click(within(rail).getByRole('button', { name: /Registration/ }));
    const reg = screen.getByRole('region', { name: 'Registration' });
    await user.click(within(reg).getByRole('button', { name: 'Prepare registration' }));
    const editor = (await within(reg).findByLabelText(
      'Client metadata (JSON)',
    )) as HTMLTextAreaElement;
    const body = JSON.parse(editor.value) as { grant_types?: string[]; redirect_uris?: string[] };
    expect(body.grant_types).toContain(DEVICE_CODE_GRANT);
    expect(editor.value).toContain('"urn:ietf:params:oauth:grant-type:device_code"');
  });
});

describe('isNewerDeviceFlow', () => {
  const view = (id: string, status: DeviceFlowView['status'], polls: number, startedAt: string) =>
    ({ id, status, polls, startedAt }) as DeviceFlowView;
  const t1 = '2025-01-01T10:00:00.000Z';
  const t2 = '2025-01-01T10:05:00.000Z';

  it('never moves a flow backwards, and lets a later flow replace an earlier one', () => {
    expect(isNewerDeviceFlow(null, view('a', 'waiting', 0, t1))).toBe(true);
    expect(isNewerDeviceFlow(view('a', 'waiting', 2, t1), view('a', 'waiting', 3, t1))).toBe(true);
    expect(isNewerDeviceFlow(view('a', 'waiting', 3, t1), view('a', 'waiting', 2, t1))).toBe(false);
    expect(isNewerDeviceFlow(view('a', 'waiting', 3, t1), view('a', 'done', 3, t1))).toBe(true);
    expect(isNewerDeviceFlow(view('a', 'done', 3, t1), view('a', 'waiting', 4, t1))).toBe(false);
    expect(isNewerDeviceFlow(view('a', 'done', 3, t1), view('b', 'waiting', 0, t2))).toBe(true);
    expect(isNewerDeviceFlow(view('b', 'waiting', 0, t2), view('a', 'done', 3, t1))).toBe(false);
  });
});
