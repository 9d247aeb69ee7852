import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/result.js';
import type { DiscoveryResult } from '../../../shared/types.js';
import { toProfileInput } from '../store/profile-input.js';
import { renderApp } from '../test-utils.js';
import { context, must, server } from '../test/real-core.js';

describe('Discovery step', () => {
  it('discovers for the active profile and shows documents, fields and findings', async () => {
    const { user, calls, backend } = await renderApp({
      step: 'discovery',
      // A server whose smart-configuration lacks grant_types_supported.
      setup: async ({ core, backend }) =>
        void must(
          await core.saveProfile({
            ...toProfileInput(backend!),
            fhirBaseUrl: context().variantFhirBases['no-grant-types'],
          }),
        ),
    });
    await user.click(screen.getByRole('button', { name: 'Discover' }));

    expect(calls('discover')).toEqual([[{ profileId: backend!.id }]]);
    const summary = await screen.findByLabelText('Discovered endpoints');
    expect(summary.textContent).toContain(server().tokenEndpoint);

    const doc = screen.getByRole('article', { name: 'smart-configuration' });
    const row = within(doc).getByRole('row', { name: /grant_types_supported/ });
    // SMART App Launch requires grant_types_supported.
    expect(row.textContent).toContain('missing-required');
    expect(within(doc).getByRole('row', { name: /jwks_uri/ }).textContent).toContain('present');

    const findings = screen.getByRole('list', { name: 'Findings' });
    expect(findings.textContent).toContain('DISCOVERY_INCOMPLETE');
    expect(findings.textContent).toContain(
      `smart-configuration at ${context().variantFhirBases['no-grant-types']}/.well-known/smart-configuration lacks required grant_types_supported`,
    );
  });

  it('keeps the fields a table with headers when it stacks; a list may wrap after its commas', async () => {
    const { user } = await renderApp({ step: 'discovery' });
    await user.click(screen.getByRole('button', { name: 'Discover' }));
    const doc = await screen.findByRole('article', { name: 'smart-configuration' });
    const table = within(doc).getByRole('table', { name: 'Fields of smart-configuration' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Field', 'Value', 'Status']);
    const row = within(table).getByRole('row', { name: /token_endpoint\b/ });
    expect(within(row).getByRole('rowheader').textContent).toBe('token_endpoint');
    const [value, status] = within(row).getAllByRole('cell');
    expect(value!.textContent).toContain(server().tokenEndpoint);
    // The status stays beside the name when the rows stack.
    expect(status!.dataset.stack).toBe('aside');
    expect(status!.textContent).toBe('present');
    const methods = within(table).getByRole('row', {
      name: /token_endpoint_auth_methods_supported/,
    });
    const list = within(methods).getAllByRole('cell')[0]!;
    expect(list.textContent).toMatch(/^\["private_key_jwt","client_secret_jwt",.*"\]$/);
    expect(list.querySelectorAll('wbr').length).toBe(list.textContent!.split(',').length - 1);
  });

  it('disables Discover and shows Working… while the call is pending', async () => {
    // A slow server, played by holding the engine's answer until the test releases it.
    let release: () => Promise<void> = async () => {};
    const { rawUser, core, backend } = await renderApp({
      step: 'discovery',
      setup: ({ api, core }) => {
        api.discover.mockImplementation(
          (target) =>
            new Promise<Result<DiscoveryResult>>((resolve) => {
              release = async () => resolve(await core.discover(target));
            }),
        );
      },
    });
    const button = screen.getByRole('button', { name: 'Discover' }) as HTMLButtonElement;
    await rawUser.click(button);
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('Working…')).toBeTruthy();

    await act(() => release());
    expect(button.disabled).toBe(false);
    expect(screen.queryByText('Working…')).toBeNull();
    expect(screen.getByText('No problems found')).toBeTruthy();
    expect(must(await core.listExchanges())[0]?.request.url).toBe(
      `${backend!.fhirBaseUrl}/.well-known/smart-configuration`,
    );
  });

  it('asks for a profile when none is selected', async () => {
    const { user } = await renderApp({ step: 'discovery', profiles: [] });
    expect(screen.queryByRole('button', { name: 'Discover' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Go to Profile' }));
    expect(screen.getByRole('region', { name: 'Profile' })).toBeTruthy();
  });
});
