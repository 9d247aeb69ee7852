import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../test-utils.js';
import { makeCertificate, must, server } from '../test/real-core.js';

const dialog = () => screen.getByRole('dialog', { name: 'Settings' });
const settingsButton = () => screen.getByRole('button', { name: 'Settings' });

describe('Settings dialog', () => {
  it('says problems at the field, in words, and saves nothing', async () => {
    const { user, calls, backend } = await renderApp();
    await user.click(settingsButton());
    const box = within(dialog());
    const timeout = box.getByLabelText('Request timeout (seconds)');
    expect(document.activeElement).toBe(timeout);
    expect(box.getByRole('group', { name: `This profile: ${backend!.name}` })).toBeTruthy();

    // Bad values: said in words under the field, focus on the first one, nothing saved.
    await user.clear(timeout);
    await user.type(timeout, '0');
    await user.click(box.getByRole('radio', { name: 'Custom proxy' }));
    await user.click(box.getByLabelText('Proxy URL'));
    await user.paste('http://me:pw@127.0.0.1:3128');
    await user.click(box.getByRole('button', { name: 'Save' }));
    expect(timeout.getAttribute('aria-invalid')).toBe('true');
    expect(box.getByText('Request timeout must be between 1 and 600 seconds.')).toBeTruthy();
    expect(box.getByText(/Leave credentials out of the URL/)).toBeTruthy();
    expect(document.activeElement).toBe(timeout);
    expect(calls('saveSettings')).toHaveLength(0);
  });

  it('saves the app and profile settings, and gives focus back', async () => {
    const { user, core, backend } = await renderApp();
    await user.click(settingsButton());
    const box = within(dialog());
    const timeout = box.getByLabelText('Request timeout (seconds)');
    await user.clear(timeout);
    await user.type(timeout, '15');
    await user.click(box.getByRole('radio', { name: 'No proxy' }));
    await user.click(box.getByRole('checkbox', { name: 'Allow self-signed certificates' }));
    expect(box.getByRole('note').textContent).toContain('Certificate checks are OFF');
    await user.type(box.getByLabelText('Request timeout for this profile (seconds)'), '5');
    await user.click(box.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(settingsButton());
    const saved = must(await core.getSettings());
    expect(saved).toMatchObject({ requestTimeoutSec: 15, proxy: { mode: 'none' } });
    const profile = must(await core.listProfiles()).find((p) => p.id === backend!.id)!;
    expect(profile.tls).toEqual({ allowSelfSigned: true });
    expect(profile.requestTimeoutSec).toBe(5);
    // The rest of the profile is unchanged.
    expect(profile.clientId).toBe(backend!.clientId);
    expect(profile.auth.hasClientSecret).toBe(backend!.auth.hasClientSecret);
  });

  it('Escape and Cancel close without saving; focus goes back to the Settings button', async () => {
    const { user, calls } = await renderApp();
    await user.click(settingsButton());
    await user.type(within(dialog()).getByLabelText('Clock-skew tolerance (seconds)'), '9');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(settingsButton());
    await user.click(settingsButton());
    // A fresh draft: the typed value was dropped.
    expect(
      (within(dialog()).getByLabelText('Clock-skew tolerance (seconds)') as HTMLInputElement).value,
    ).toBe('60');
    await user.click(within(dialog()).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(settingsButton());
    expect(calls('saveSettings')).toHaveLength(0);
  });

  it('takes a CA certificate by file (refusing a file that is not one, at the field)', async () => {
    const { user, core, backend } = await renderApp();
    await user.click(settingsButton());
    const box = within(dialog());
    const file = box.getByLabelText('CA certificate file (PEM)');
    await user.upload(file, new File(['hello, not a certificate'], 'notes.pem'));
    await user.click(box.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(box.getByText(/holds no PEM certificate/)).toBeTruthy());
    expect(file.getAttribute('aria-invalid')).toBe('true');
    expect(must(await core.listProfiles()).find((p) => p.id === backend!.id)!.tls).toBeUndefined();

    const caPem = await makeCertificate();
    await user.upload(file, new File([caPem], 'hospital-ca.pem'));
    expect(box.getByText('hospital-ca.pem')).toBeTruthy();
    await user.click(box.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const tlsView = must(await core.listProfiles()).find((p) => p.id === backend!.id)!.tls;
    expect(tlsView?.caName).toBe('hospital-ca.pem');
    expect(tlsView?.caPem).toBe(caPem);
  });

  it('an exchange made with self-signed allowed shows the warning badge on its Timeline row', async () => {
    const { core } = await renderApp();
    const p = must(
      await core.saveProfile({
        name: 'self-signed opt-in',
        tokenEndpoint: server().tokenEndpoint,
        clientId: 'c',
        scope: 'system/Patient.rs',
        auth: { method: 'client_secret_basic', clientSecret: 'settings-ui-secret' },
        tls: { allowSelfSigned: true },
      }),
    );
    // A profile without the opt-in first: its row has no badge.
    const plain = must(
      await core.saveProfile({
        name: 'checked',
        tokenEndpoint: server().tokenEndpoint,
        clientId: 'c',
        scope: 'system/Patient.rs',
        auth: { method: 'client_secret_basic', clientSecret: 'settings-ui-secret' },
      }),
    );
    for (const id of [plain.id, p.id]) {
      const draft = must(await core.prepareTokenRequest({ profileId: id }));
      expect(must(await core.sendTokenRequest({ draftId: draft.id })).status).toBe(401);
    }
    const held = must(await core.listExchanges());
    const optedIn = held.find((x) => x.profileId === p.id)!;
    const checked = held.find((x) => x.profileId === plain.id)!;
    expect(optedIn.tls?.warning).toMatch(/Certificate checks are OFF/);
    const timeline = screen.getByRole('complementary', { name: 'Timeline' });
    const rowOf = (id: string) => timeline.querySelector<HTMLElement>(`[data-exchange-id="${id}"]`);
    await waitFor(() => expect(rowOf(optedIn.id) && rowOf(checked.id)).toBeTruthy());
    // On the row itself, not only when expanded: its summary button names it.
    const summary = within(rowOf(optedIn.id)!).getByRole('button', { expanded: false });
    expect(summary.textContent).toContain('TLS checks off');
    expect(rowOf(checked.id)!.textContent).not.toContain('TLS checks off');
  });
});
