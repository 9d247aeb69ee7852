import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';
import { must } from '../test/real-core.js';

const panel = () => screen.getByRole('region', { name: 'Practice server' });

describe('Practice server', () => {
  it('the empty Profile step starts it: ready profiles, the first selected, details with copy buttons, Stop', async () => {
    const { user, calls, core } = await renderApp({ step: 'profile', profiles: [] });
    expect(screen.getByText(/No profiles yet/)).toBeTruthy();
    expect((within(panel()).getByLabelText('Flavour') as HTMLSelectElement).value).toBe('standard');
    await user.click(within(panel()).getByRole('button', { name: 'Start the practice server' }));
    await waitFor(() => expect(useApp.getState().practice).not.toBeNull());
    expect(calls('startPracticeServer')).toEqual([[{ flavour: 'standard' }]]);

    const running = must(await core.getPracticeServer()).server!;
    const profiles = must(await core.listProfiles());
    expect(profiles.map((p) => p.name)).toEqual(running.profiles.map((p) => p.name));
    expect(useApp.getState().activeProfileId).toBe(running.profiles[0]!.id);
    expect((screen.getByLabelText('Profile name') as HTMLInputElement).value).toBe(
      running.profiles[0]!.name,
    );
    // Its keys are in the keyring, and the Keys step's list knows them.
    expect(
      useApp
        .getState()
        .keys.map((k) => k.alg)
        .sort(),
    ).toEqual(['ES384', 'RS384']);

    const box = within(panel());
    expect(box.getByText(running.issuer)).toBeTruthy();
    expect(box.getByText(running.fhirBase)).toBeTruthy();
    expect(box.getByText(running.user.login)).toBeTruthy();
    expect(box.getByText(running.user.password)).toBeTruthy();
    for (const what of ['Issuer', 'FHIR base', 'Demo login', 'Demo password'])
      expect(box.getByRole('button', { name: `Copy ${what}` })).toBeTruthy();
    expect(box.getByText(/SMART App Launch 2 \+ OpenID Connect/)).toBeTruthy();

    // The panel stays reachable now that profiles exist; Stop keeps the profiles.
    await user.click(box.getByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(useApp.getState().practice).toBeNull());
    expect(must(await core.getPracticeServer()).server).toBeNull();
    expect(must(await core.listProfiles())).toHaveLength(profiles.length);
    expect(within(panel()).getByRole('button', { name: 'Start the practice server' })).toBeTruthy();
  });

  it('a vendor flavour is labelled as a simulation with its sources', async () => {
    const { user, core } = await renderApp({ step: 'profile', profiles: [] });
    await user.selectOptions(within(panel()).getByLabelText('Flavour'), 'epic');
    await user.click(within(panel()).getByRole('button', { name: 'Start the practice server' }));
    await waitFor(() => expect(useApp.getState().practice?.flavour).toBe('epic'));
    const box = within(panel());
    expect(box.getByText(/a simulation of Epic, from the sources below/)).toBeTruthy();
    expect(box.getByText(/fhir\.epic\.com\/interconnect-fhir-oauth/)).toBeTruthy();
    must(await core.stopPracticeServer());
  });
});
