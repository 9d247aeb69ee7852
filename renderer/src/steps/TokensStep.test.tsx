import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TokenView } from '../../../shared/types.js';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';

const region = () => screen.getByRole('region', { name: 'Tokens' });

function tokenView(over: Partial<TokenView> = {}): TokenView {
  return {
    kind: 'access_token',
    format: 'jwt',
    masked: 'eyJhbG…x9Q (812 chars)',
    length: 812,
    decoded: {
      header: { alg: 'RS256', kid: 'as-1' },
      claims: { iss: 'https://as.example', exp: 1700000000 },
      signatureLength: 342,
    },
    explained: [
      {
        name: 'exp',
        value: 1700000000,
        meaning: 'Expires at: not valid after this time.',
        date: '2023-11-14T22:13:20.000Z',
      },
    ],
    verification: {
      status: 'verified',
      message: 'ok',
      kid: 'as-1',
      jwksUrl: 'https://as.example/jwks',
    },
    expiresAt: new Date(Date.now() + 299_500).toISOString(),
    findings: [],
    ...over,
  };
}

describe('Tokens step', () => {
  it('shows the empty state before any token', async () => {
    await renderApp({ step: 'tokens' });
    expect(region().textContent).toContain('No access token yet');
  });

  it('shows the countdown, verification and claims of the current token', async () => {
    await renderApp({ step: 'tokens' });
    act(() => useApp.setState({ accessToken: tokenView() }));
    expect(await within(region()).findByText(/^Expires in 4:5\d$/)).toBeTruthy();
    expect(region().textContent).toContain(
      'Signature verified with key as-1 from https://as.example/jwks',
    );
    expect(within(region()).getByRole('table', { name: 'Claims explained' }).textContent).toContain(
      'Expires at',
    );
    expect(region().textContent).toContain('eyJhbG…x9Q (812 chars)');
  });

  it('shows an expired token as expired, and a failed verification', async () => {
    await renderApp({ step: 'tokens' });
    act(() =>
      useApp.setState({
        accessToken: tokenView({
          expiresAt: new Date(Date.now() - 12_300).toISOString(),
          verification: { status: 'failed', message: 'no key with kid as-9 in the JWKS' },
        }),
      }),
    );
    expect(await within(region()).findByText(/^Expired 0:1[23] ago$/)).toBeTruthy();
    expect(region().textContent).toContain(
      'Signature check failed: no key with kid as-9 in the JWKS',
    );
  });

  it('says when a token is opaque', async () => {
    await renderApp({ step: 'tokens' });
    act(() =>
      useApp.setState({
        accessToken: tokenView({ format: 'opaque', decoded: undefined, explained: [] }),
      }),
    );
    expect(
      await within(region()).findByText(/Opaque token — not a JWT, nothing to decode/),
    ).toBeTruthy();
  });

  it('copies the token only after Reveal', async () => {
    const { user, fake } = await renderApp({ step: 'tokens' });
    fake.state.accessToken = 'eyJreal.token.value';
    act(() => useApp.setState({ accessToken: tokenView() }));
    expect(within(region()).queryByRole('button', { name: 'Copy access token' })).toBeNull();
    await user.click(within(region()).getByRole('button', { name: 'Reveal' }));
    expect(region().textContent).toContain('eyJreal.token.value');
    await user.click(within(region()).getByRole('button', { name: 'Copy access token' }));
    expect(await navigator.clipboard.readText()).toBe('eyJreal.token.value');
  });

  it('decodes a pasted token with a JWKS URL', async () => {
    const { user, fake } = await renderApp({ step: 'tokens' });
    const header = btoa(JSON.stringify({ alg: 'RS256', kid: 'k7' })).replace(/=+$/, '');
    const claims = btoa(JSON.stringify({ sub: 'svc', exp: 4102444800 })).replace(/=+$/, '');
    await user.click(screen.getByLabelText('Token to decode'));
    await user.paste(`${header}.${claims}.sig`);
    await user.type(screen.getByLabelText('JWKS URL'), 'https://as.example/jwks');
    await user.click(screen.getByRole('button', { name: 'Decode' }));

    expect(fake.callsOf('decodeToken')).toEqual([
      [{ token: `${header}.${claims}.sig`, jwksUrl: 'https://as.example/jwks' }],
    ]);
    const decoded = await within(region()).findByText('Decoded token');
    expect(decoded).toBeTruthy();
    expect(region().textContent).toContain(
      'Signature verified with key k7 from https://as.example/jwks',
    );
  });
});
