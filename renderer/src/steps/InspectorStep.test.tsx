import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../test-utils.js';

const b64 = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('Inspector step', () => {
  it('inspects a pasted assertion and shows claims, verification and findings', async () => {
    const { user, fake } = await renderApp({ step: 'inspector' });
    const now = Math.floor(Date.now() / 1000);
    const jwt = `${b64({ alg: 'RS384', kid: 'k1', typ: 'JWT' })}.${b64({
      iss: 'client-a',
      sub: 'client-b',
      aud: 'https://as.example/token',
      exp: now + 120,
      jti: 'j1',
    })}.c2ln`;
    await user.click(screen.getByLabelText('Assertion (JWT)'));
    await user.paste(jwt);
    await user.type(screen.getByLabelText('Token URL'), 'https://as.example/token');
    await user.type(screen.getByLabelText('Client ID'), 'client-a');
    await user.click(screen.getByRole('button', { name: 'Inspect' }));

    expect(fake.callsOf('inspectAssertion')).toEqual([
      [{ jwt, tokenUrl: 'https://as.example/token', clientId: 'client-a' }],
    ]);
    const region = screen.getByRole('region', { name: 'Inspector' });
    expect(region.textContent).toContain('Signature not checked');
    expect(within(region).getByRole('table', { name: 'Claims explained' }).textContent).toContain(
      'client-b',
    );
    const findings = within(region).getByRole('list', { name: 'Findings' });
    expect(findings.textContent).toContain('ASSERTION_ISS_SUB_MISMATCH');
  });

  it('shows a malformed JWT as an alert', async () => {
    const { user } = await renderApp({ step: 'inspector' });
    await user.type(screen.getByLabelText('Assertion (JWT)'), 'abc.def');
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('this has 2');
    expect(alert.textContent).toContain('starts with "eyJ"');
  });
});
