import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppError, Result } from '../../../shared/result.js';
import { createHttpBridge } from '../api/http-client.js';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';

/** The error the real web-host client gives when the host refuses the page's token (HTTP 401). */
async function refusedTokenError(): Promise<Result<never>> {
  const client = createHttpBridge({
    token: 'token-of-an-earlier-run',
    baseUrl: 'http://127.0.0.1:9',
    fetch: async () => new Response('{"error":"forbidden"}', { status: 401 }),
    WebSocket: null,
  });
  const r = await client.listProfiles();
  expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  return r as Result<never>;
}

function expectNoWorkspace() {
  expect(screen.queryByRole('navigation', { name: 'Steps' })).toBeNull();
  expect(screen.queryByRole('region', { name: 'Profile' })).toBeNull();
  expect(screen.queryByRole('banner')).toBeNull();
  expect(screen.queryByText(/No profiles yet/i)).toBeNull();
  expect(screen.queryAllByRole('textbox')).toEqual([]);
  expect(screen.queryAllByRole('combobox')).toEqual([]);
  expect(screen.queryByRole('button', { name: /save profile/i })).toBeNull();
}

describe('TokenScreen', () => {
  it('is the whole page when boot is refused (FORBIDDEN): what happened, what to do, no workspace', async () => {
    const refused = await refusedTokenError();
    let subscribed = 0;
    let unsubscribed = 0;
    const { user } = await renderApp({
      profiles: [],
      setup: (t) => {
        t.api.listProfiles.mockResolvedValue(refused);
        t.api.on.mockImplementation((event, listener) => {
          subscribed++;
          const off = t.core.on(event, listener);
          return () => {
            unsubscribed++;
            off();
          };
        });
      },
    });
    // The event socket is not kept reconnecting with the refused token.
    expect(subscribed).toBeGreaterThan(0);
    expect(unsubscribed).toBe(subscribed);

    const main = screen.getByRole('main', { name: 'This page is not connected to the debugger' });
    expect(main.textContent).toContain(
      'This page belongs to an earlier run of OAuth Flow Debugger, or its link lost the access token',
    );
    expect(main.textContent).toContain(
      'open the URL printed by npm start / oauth-flow-debugger serve again',
    );
    expect(within(main).getByRole('heading', { name: 'What to do' })).toBeTruthy();
    // The screen takes the focus, so a screen reader reads it and Tab starts there.
    expect(document.activeElement).toBe(within(main).getByRole('heading', { level: 1 }));
    expectNoWorkspace();
    // No red FORBIDDEN alert: the screen explains it; the code is in the details, by keyboard.
    expect(screen.queryByRole('alert')).toBeNull();
    const details = main.querySelector('details')!;
    expect(details.open).toBe(false);
    await user.tab();
    expect(document.activeElement?.textContent).toBe('Technical details');
    // (jsdom does not open <details> from the keyboard; the e2e spec does that in Chromium.)
    expect(details.textContent).toContain('FORBIDDEN');
  });

  it('replaces the workspace when a later call is refused (the host restarted with a new token)', async () => {
    await renderApp();
    expect(screen.getByRole('navigation', { name: 'Steps' })).toBeTruthy();
    const refused = (await refusedTokenError()) as { ok: false; error: AppError };
    act(() => {
      useApp.setState((s) => ({
        ops: { ...s.ops, discover: { busy: false, error: refused.error } },
      }));
    });
    expect(
      screen.getByRole('heading', { name: 'This page is not connected to the debugger' }),
    ).toBeTruthy();
    expectNoWorkspace();
  });

  it('is not shown for other boot errors', async () => {
    await renderApp({
      setup: (t) => {
        t.api.listKeys.mockResolvedValue({
          ok: false,
          error: { code: 'INTERNAL', message: 'Broken store.' },
        });
      },
    });
    expect(screen.queryByRole('heading', { name: /not connected/ })).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('Broken store.');
    expect(screen.getByRole('navigation', { name: 'Steps' })).toBeTruthy();
  });
});
