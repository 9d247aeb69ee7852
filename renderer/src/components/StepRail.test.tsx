import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toProfileInput } from '../store/profile-input.js';
import { useApp } from '../store/index.js';
import { renderApp, renderAuthApp, signInFirst } from '../test-utils.js';

const rail = () => within(screen.getByRole('navigation', { name: 'Steps' }));
/** By its accessible name, exactly: the name stays the step title whatever the mark. */
const railButton = (title: string) => rail().getByRole('button', { name: title });
/** What a screen reader hears after the name: the mark in words. */
const described = (title: string) =>
  (railButton(title).getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => (id ? document.getElementById(id)?.textContent : ''))
    .join(' ');
const numberOf = (title: string) => railButton(title).querySelector('.rail-num')?.textContent;
const active = () =>
  useApp.getState().profiles.find((p) => p.id === useApp.getState().activeProfileId)!;

describe('Step rail', () => {
  it('is one Tab stop: Tab lands on the current step, the arrow keys move, Enter opens', async () => {
    const { user } = await renderApp({ step: 'discovery' });
    const tabbable = rail()
      .getAllByRole('button')
      .filter((b) => b.tabIndex === 0);
    expect(tabbable.map((b) => b.textContent)).toEqual([railButton('Discovery').textContent]);
    railButton('Discovery').focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(railButton('Scopes'));
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(document.activeElement).toBe(railButton('Profile'));
    // Wraps, and the ends are one key away; a not-used step gets focus too (its reason is read).
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(railButton('Inspector'));
    await user.keyboard('{Home}');
    expect(document.activeElement).toBe(railButton('Profile'));
    await user.keyboard('{End}{ArrowUp}{ArrowUp}{ArrowUp}{Enter}');
    expect(useApp.getState().step).toBe('token-request');
    expect(railButton('Token request').tabIndex).toBe(0);
    expect(railButton('Discovery').tabIndex).toBe(-1);
  });

  it('keeps each number when the flow changes, and disables what the flow does not use', async () => {
    const { user, auth } = await renderApp({ profiles: ['backend', 'auth'] });
    const numbers = () =>
      rail()
        .getAllByRole('button')
        .map(
          (b) =>
            `${b.querySelector('.rail-num')?.textContent} ${b.querySelector('.rail-title')?.textContent}`,
        );
    const backend = numbers();
    expect(backend).toContain('4 Keys');
    expect(backend).toContain('5 Registration');
    expect(backend).toContain('7 Authorize');
    expect(backend).toContain('8 Token request');

    // Backend services signs no one in: Authorize keeps its place, disabled, with the reason.
    const authorize = railButton('Authorize');
    expect(authorize.getAttribute('aria-disabled')).toBe('true');
    expect(described('Authorize')).toContain('Not used: this profile runs the backend services');
    await user.click(authorize);
    expect(useApp.getState().step).toBe('profile');
    // Still reachable by keyboard, to read why.
    authorize.focus();
    expect(document.activeElement).toBe(authorize);

    await user.click(screen.getByRole('button', { name: /Patient app/ }));
    expect(useApp.getState().activeProfileId).toBe(auth!.id);
    const patient = numbers();
    expect(patient.map((n) => n.split(' ')[0])).toEqual(backend.map((n) => n.split(' ')[0]));
    expect(numberOf('Token request')).toBe('8');
    expect(railButton('Authorize').getAttribute('aria-disabled')).toBeNull();
    // A public PKCE client signs nothing: Keys and Client assertion say so.
    for (const title of ['Keys', 'Client assertion']) {
      expect(railButton(title).getAttribute('aria-disabled')).toBe('true');
      expect(described(title)).toContain('authenticates with none');
    }

    // Opened anyway (a link, a shortcut): the step says why it does not apply.
    act(() => useApp.getState().goTo('keys'));
    const keys = within(screen.getByRole('region', { name: 'Keys' }));
    expect(keys.getByText(/^Not used: this profile authenticates with none/)).toBeTruthy();
    await user.click(keys.getByRole('button', { name: 'Open Profile' }));
    expect(useApp.getState().step).toBe('profile');
  });

  it('marks done, failed and stale steps in words without changing their names', async () => {
    const { user, backend } = await renderApp({ step: 'discovery' });
    expect(described('Discovery')).toBe('');
    await user.click(screen.getByRole('button', { name: 'Discover' }));
    expect(described('Discovery')).toMatch(/^Done: \d discovery documents? read$/);
    expect(railButton('Discovery').closest('li')?.className).toContain('rail-item-done');

    // A client the server does not know: the token request is refused.
    await act(async () => {
      await useApp.getState().saveProfile({ ...toProfileInput(backend!), clientId: 'nobody' });
    });
    await user.click(railButton('Token request'));
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    expect(described('Token request')).toMatch(/^Failed: the server refused \(HTTP 4\d\d\)/);

    // The right client: tokens come back; then the scope changes and the request is stale.
    await act(async () => {
      await useApp
        .getState()
        .saveProfile({ ...toProfileInput(active()), clientId: backend!.clientId });
    });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    expect(described('Token request')).toBe('Done: the server issued tokens');
    expect(described('Tokens')).toBe('Done: tokens held for this session');
    await act(async () => {
      await useApp
        .getState()
        .saveProfile({ ...toProfileInput(active()), scope: 'system/Patient.rs' });
    });
    expect(described('Token request')).toBe(
      'Stale: the profile’s scope changed since the request was sent',
    );
    expect(railButton('Token request').closest('li')?.className).toContain('rail-item-stale');
  });
  it('does not carry a failure of one profile over to another', async () => {
    const { user, backend } = await renderApp({
      profiles: ['backend', 'auth'],
      active: 'auth',
      step: 'token-request',
    });
    // The patient app has no code yet: Prepare request fails, and says why.
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    const step = () => screen.getByRole('region', { name: 'Token request' });
    expect((await within(step()).findByRole('alert')).textContent).toContain(
      'No authorization code has been received',
    );
    expect(described('Token request')).toMatch(/^Failed:/);

    // The backend profile: its Token request has not failed, and shows no alert of the other's.
    act(() => useApp.getState().selectProfile(backend!.id));
    expect(described('Token request')).not.toMatch(/^Failed:/);
    expect(within(step()).queryByRole('alert')).toBeNull();
  });
  it('marks the resource call stale once the token it sent is revoked', async () => {
    // The code flow's access token is opaque: the test server revokes it (a JWT one it refuses).
    const { user } = await renderAuthApp({ step: 'resource', before: signInFirst });
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    expect(described('Resource request')).toBe('Done: the resource server answered (HTTP 200)');
    await act(async () => {
      await useApp.getState().revokeToken('access_token');
    });
    expect((useApp.getState().tokenOp?.result as { ok?: boolean }).ok).toBe(true);
    expect(described('Resource request')).toBe('Stale: the access token it sent was revoked since');
  });
});
