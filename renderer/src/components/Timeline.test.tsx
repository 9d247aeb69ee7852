import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';
import { must, server } from '../test/real-core.js';

const timeline = () => screen.getByRole('complementary', { name: 'Timeline' });
/** Nothing listens on port 9 on the test machine: the connection is refused. */
const DEAD_FHIR_BASE = 'http://127.0.0.1:9/fhir';

describe('Timeline', () => {
  it('lists exchanges pushed through the event, expands them, copies as curl', async () => {
    const { user, core, api } = await renderApp();
    expect(api.on.mock.calls.filter(([event]) => event === 'exchanges')).toHaveLength(1);

    // Calls made past the page (as another window or the CLI would): only the event brings them.
    const refused = must(
      await core.saveProfile({
        name: 'unknown client',
        fhirBaseUrl: server().fhirBase,
        tokenEndpoint: server().tokenEndpoint,
        clientId: 'nobody-knows-me',
        scope: 'system/Patient.rs',
        auth: { method: 'client_secret_basic', clientSecret: 'wrong-secret' },
      }),
    );
    const draft = must(await core.prepareTokenRequest({ profileId: refused.id }));
    expect(must(await core.sendTokenRequest({ draftId: draft.id })).status).toBe(401);
    await core.discover({ fhirBaseUrl: DEAD_FHIR_BASE });
    const held = must(await core.listExchanges());
    const token = held.find((x) => x.request.url === server().tokenEndpoint)!;
    const failed = held.find((x) => x.request.url.startsWith(DEAD_FHIR_BASE))!;
    expect(failed.error).toBeTruthy();

    await waitFor(() =>
      expect(within(timeline()).getAllByRole('listitem')).toHaveLength(held.length),
    );
    const all = within(timeline()).getAllByRole('listitem');
    const items = [held.indexOf(token), held.indexOf(failed)].map((i) => all[i]!);
    expect(items[0]!.textContent).toContain('POST');
    expect(items[0]!.textContent).toContain(server().tokenEndpoint);
    expect(items[0]!.textContent).toContain('401');
    expect(items[0]!.textContent).toContain(`${Math.round(token.durationMs)} ms`);
    expect(items[1]!.textContent).toContain(failed.error!.code);

    const summary = within(items[0]!).getByRole('button', { expanded: false });
    await user.click(summary);
    expect(summary.getAttribute('aria-expanded')).toBe('true');
    const raw = items[0]!.textContent!;
    expect(raw).toContain(`POST ${server().tokenEndpoint}`);
    expect(raw).toContain('content-type: application/x-www-form-urlencoded');
    expect(raw).toContain('HTTP 401 Unauthorized');
    expect(raw).toContain('"error":"invalid_client"');
    // The secret never reaches the page, not even in the raw request.
    expect(raw).not.toContain('wrong-secret');

    await user.click(within(items[0]!).getByRole('button', { name: 'Copy as curl' }));
    expect(await navigator.clipboard.readText()).toBe(token.curl);
    expect(within(items[0]!).getByText('Copied')).toBeTruthy();

    await user.click(within(items[0]!).getByRole('button', { name: 'Copy request and response' }));
    const copied = await navigator.clipboard.readText();
    expect(copied).toContain('grant_type=client_credentials');
    expect(copied).toContain('HTTP 401 Unauthorized');
  });

  it('loads existing exchanges at start and clears them', async () => {
    const { user, core, calls } = await renderApp({
      setup: async ({ core }) => void (await core.discover({ fhirBaseUrl: DEAD_FHIR_BASE })),
    });
    const held = must(await core.listExchanges());
    expect(held.length).toBeGreaterThan(0);
    expect(within(timeline()).getAllByRole('listitem')).toHaveLength(held.length);
    await user.click(within(timeline()).getByRole('button', { name: 'Clear' }));
    expect(calls('clearExchanges')).toHaveLength(1);
    expect(timeline().textContent).toContain('No exchanges yet');
    expect(must(await core.listExchanges())).toEqual([]);
  });

  it('records the exchanges of a step run', async () => {
    const { user } = await renderApp({ step: 'discovery' });
    await user.click(screen.getByRole('button', { name: 'Discover' }));
    const items = within(timeline()).getAllByRole('listitem');
    const smart = items.find((li) => li.textContent?.includes('/.well-known/smart-configuration'));
    expect(smart?.textContent).toContain(`${server().fhirBase}/.well-known/smart-configuration`);
    expect(smart?.textContent).toContain('200');
  });

  it('shows hidden characters in headers and bodies as markers, and copies the exact text', async () => {
    const { user } = await renderApp();
    const body = '{"error":"invalid_client","error_description":"see invoice\u202Egpj.exe"}';
    useApp.setState({
      exchanges: [
        {
          id: 'x1',
          step: 'token',
          startedAt: new Date(0).toISOString(),
          durationMs: 12,
          request: { method: 'POST', url: 'https://auth.example/token', headers: [] },
          response: {
            status: 401,
            statusText: 'Unauthorized',
            headers: [['x-note', 'a\u200Bb']],
            body,
            bodyBytes: body.length,
            truncated: false,
          },
          curl: 'curl https://auth.example/token',
        },
      ],
    });
    const item = await within(timeline()).findByRole('listitem');
    await user.click(within(item).getByRole('button', { expanded: false }));
    const response = within(item).getByRole('group', { name: 'Response' });
    expect(response.textContent).toContain('x-note: a⟨U+200B⟩b');
    expect(response.textContent).toContain('see invoice⟨U+202E⟩gpj.exe');
    expect(response.textContent).not.toContain('\u202E');
    expect(within(response).getByLabelText('RIGHT-TO-LEFT OVERRIDE (U+202E)')).toBeTruthy();
    const copy = within(item).getByRole('button', { name: 'Copy request and response' });
    expect(copy.getAttribute('title')).toMatch(/invisible characters included/);
    await user.click(copy);
    expect(await navigator.clipboard.readText()).toContain(body);
  });
});
