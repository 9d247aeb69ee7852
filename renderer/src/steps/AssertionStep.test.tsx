import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FAKE_PROFILE } from '../api/fake-api.js';
import { renderApp } from '../test-utils.js';

const region = () => screen.getByRole('region', { name: 'Client assertion' });

function claimsEditor() {
  return screen.getByLabelText('Claims JSON') as HTMLTextAreaElement;
}

describe('Client assertion step', () => {
  it('builds an assertion and shows claims, masked JWT and pre-flight checks', async () => {
    const { user, fake } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));

    expect(fake.callsOf('buildAssertion')).toEqual([[{ profileId: FAKE_PROFILE.id }]]);
    const claims = JSON.parse(claimsEditor().value);
    expect(claims.iss).toBe(FAKE_PROFILE.clientId);
    expect(claims.aud).toBe(FAKE_PROFILE.tokenEndpoint);
    expect(
      JSON.parse((screen.getByLabelText('Header JSON') as HTMLTextAreaElement).value),
    ).toMatchObject({
      alg: 'RS384',
      typ: 'JWT',
    });
    expect(region().textContent).toContain('[signature hidden:');
    expect(screen.getByLabelText('Assertion summary').textContent).toContain(FAKE_PROFILE.auth.kid);
    await user.click(within(region()).getByRole('button', { name: 'Copy Key ID (kid)' }));
    expect(await navigator.clipboard.readText()).toBe(FAKE_PROFILE.auth.kid);
    const table = within(region()).getByRole('table', { name: 'Claims explained' });
    expect(within(table).getByRole('row', { name: /jti/ }).textContent).toContain('JWT ID');

    expect(within(region()).getByRole('heading', { name: 'Pre-flight checks' })).toBeTruthy();
    expect(within(region()).getByText('No problems found')).toBeTruthy();
  });

  it('rebuilds with only the edited fields as overrides and shows the lint findings', async () => {
    const { user, fake } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));
    const edited = { ...JSON.parse(claimsEditor().value), aud: 'https://wrong.example/token' };
    fireEvent.change(claimsEditor(), { target: { value: JSON.stringify(edited, null, 2) } });
    await user.click(screen.getByRole('button', { name: 'Rebuild with edits' }));

    expect(fake.callsOf('buildAssertion').at(-1)).toEqual([
      { profileId: FAKE_PROFILE.id, overrides: { claims: { aud: 'https://wrong.example/token' } } },
    ]);
    const checks = await within(region()).findByRole('list', { name: 'Pre-flight checks' });
    expect(checks.textContent).toContain('ASSERTION_AUD_MISMATCH');
    expect(checks.textContent).toContain('error');
    expect(region().textContent).toContain('Your edits are in force');
  });

  it('reports bad JSON inline and sends nothing', async () => {
    const { user, fake } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));
    fireEvent.change(claimsEditor(), { target: { value: '{ "aud": ' } });
    await user.click(screen.getByRole('button', { name: 'Rebuild with edits' }));

    expect(fake.callsOf('buildAssertion')).toHaveLength(1);
    expect(screen.getByRole('alert').textContent).toContain('Claims JSON is not valid JSON');
  });

  it('reveals the assertion on request and hides it again', async () => {
    const { user, fake } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));
    await user.click(screen.getByRole('button', { name: 'Reveal' }));
    expect(fake.callsOf('revealSecret')).toEqual([[{ kind: 'client_assertion' }]]);
    expect(region().textContent).toContain(fake.state.lastAssertion!);
    await user.click(screen.getByRole('button', { name: 'Hide' }));
    expect(region().textContent).not.toContain(fake.state.lastAssertion!);
  });
});
