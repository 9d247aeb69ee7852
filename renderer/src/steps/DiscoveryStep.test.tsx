import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/result.js';
import type { DiscoveryResult } from '../../../shared/types.js';
import { FAKE_PROFILE, FAKE_TOKEN_URL } from '../api/fake-api.js';
import { renderApp } from '../test-utils.js';

describe('Discovery step', () => {
  it('discovers for the active profile and shows documents, fields and findings', async () => {
    const { user, fake } = await renderApp({ step: 'discovery' });
    await user.click(screen.getByRole('button', { name: 'Discover' }));

    expect(fake.callsOf('discover')).toEqual([[{ profileId: FAKE_PROFILE.id }]]);
    const summary = await screen.findByLabelText('Discovered endpoints');
    expect(summary.textContent).toContain(FAKE_TOKEN_URL);

    const doc = screen.getByRole('article', { name: 'smart-configuration' });
    const row = within(doc).getByRole('row', { name: /grant_types_supported/ });
    expect(row.textContent).toContain('missing-recommended');
    expect(within(doc).getByRole('row', { name: /jwks_uri/ }).textContent).toContain('present');

    const findings = screen.getByRole('list', { name: 'Findings' });
    expect(findings.textContent).toContain('DISCOVERY_INCOMPLETE');
    expect(findings.textContent).toContain('grant_types_supported is missing');
  });

  it('disables Discover and shows Working… while the call is pending', async () => {
    let release: (r: Result<DiscoveryResult>) => void = () => {};
    const { user } = await renderApp({
      step: 'discovery',
      handlers: { discover: () => new Promise((resolve) => (release = resolve)) },
    });
    const button = screen.getByRole('button', { name: 'Discover' }) as HTMLButtonElement;
    await user.click(button);
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('Working…')).toBeTruthy();

    await act(async () => release({ ok: true, value: { documents: [], findings: [] } }));
    expect(button.disabled).toBe(false);
    expect(screen.queryByText('Working…')).toBeNull();
    expect(screen.getByText('No problems found')).toBeTruthy();
  });

  it('asks for a profile when none is selected', async () => {
    const { user } = await renderApp({
      step: 'discovery',
      handlers: { listProfiles: () => ({ ok: true, value: [] }) },
    });
    expect(screen.queryByRole('button', { name: 'Discover' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Go to Profile' }));
    expect(screen.getByRole('region', { name: 'Profile' })).toBeTruthy();
  });
});
