import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../test-utils.js';
import { must, server } from '../test/real-core.js';

const region = () => screen.getByRole('region', { name: 'Client assertion' });

function claimsEditor() {
  return screen.getByLabelText('Claims JSON') as HTMLTextAreaElement;
}

describe('Client assertion step', () => {
  it('builds an assertion and shows claims, masked JWT and pre-flight checks', async () => {
    const { user, calls, backend, key } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));

    expect(calls('buildAssertion')).toEqual([[{ profileId: backend!.id }]]);
    const claims = JSON.parse(claimsEditor().value);
    expect(claims.iss).toBe(backend!.clientId);
    expect(claims.sub).toBe(backend!.clientId);
    expect(claims.aud).toBe(server().tokenEndpoint);
    expect(
      JSON.parse((screen.getByLabelText('Header JSON') as HTMLTextAreaElement).value),
    ).toMatchObject({ alg: 'RS384', typ: 'JWT', kid: key!.kid });
    expect(region().textContent).toContain('[signature hidden:');
    expect(screen.getByLabelText('Assertion summary').textContent).toContain(key!.kid);
    await user.click(within(region()).getByRole('button', { name: 'Copy Key ID (kid)' }));
    expect(await navigator.clipboard.readText()).toBe(key!.kid);
    const table = within(region()).getByRole('table', { name: 'Claims explained' });
    expect(within(table).getByRole('row', { name: /jti/ }).textContent).toContain('JWT ID');

    expect(within(region()).getByRole('heading', { name: 'Pre-flight checks' })).toBeTruthy();
    expect(within(region()).getByText('No problems found')).toBeTruthy();
  });

  it('rebuilds with only the edited fields as overrides and shows the lint findings', async () => {
    const { user, calls, backend } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));
    const edited = { ...JSON.parse(claimsEditor().value), aud: 'https://wrong.example/token' };
    fireEvent.change(claimsEditor(), { target: { value: JSON.stringify(edited, null, 2) } });
    await user.click(screen.getByRole('button', { name: 'Rebuild with edits' }));

    expect(calls('buildAssertion').at(-1)).toEqual([
      { profileId: backend!.id, overrides: { claims: { aud: 'https://wrong.example/token' } } },
    ]);
    const checks = await within(region()).findByRole('list', { name: 'Pre-flight checks' });
    expect(checks.textContent).toContain('ASSERTION_AUD_MISMATCH');
    expect(checks.textContent).toContain('error');
    expect(region().textContent).toContain('Your edits are in force');
    expect(JSON.parse(claimsEditor().value).aud).toBe('https://wrong.example/token');
  });

  it('reports bad JSON inline and sends nothing', async () => {
    const { user, calls } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));
    fireEvent.change(claimsEditor(), { target: { value: '{ "aud": ' } });
    await user.click(screen.getByRole('button', { name: 'Rebuild with edits' }));

    expect(calls('buildAssertion')).toHaveLength(1);
    expect(screen.getByRole('alert').textContent).toContain('Claims JSON is not valid JSON');
  });

  it('reveals the assertion on request and hides it again', async () => {
    const { user, calls, core } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));
    await user.click(screen.getByRole('button', { name: 'Reveal' }));
    expect(calls('revealSecret')).toEqual([[{ kind: 'client_assertion' }]]);
    const jwt = must(await core.revealSecret({ kind: 'client_assertion' })).value;
    expect(jwt.split('.')).toHaveLength(3);
    expect(region().textContent).toContain(jwt);
    await user.click(screen.getByRole('button', { name: 'Hide' }));
    expect(region().textContent).not.toContain(jwt);
  });

  it('re-checks the claims as they are edited, live, without replacing the text', async () => {
    const { user, calls, backend } = await renderApp({ step: 'assertion' });
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));
    expect(within(region()).getByText('No problems found')).toBeTruthy();
    const edited = { ...JSON.parse(claimsEditor().value), aud: 'https://wrong.example/token' };
    const text = JSON.stringify(edited, null, 2);
    fireEvent.change(claimsEditor(), { target: { value: text } });

    const checks = await within(region()).findByRole('list', { name: 'Pre-flight checks' });
    expect(checks.textContent).toContain('ASSERTION_AUD_MISMATCH');
    expect(claimsEditor().value).toBe(text);
    expect(calls('buildAssertion').at(-1)).toEqual([
      {
        profileId: backend!.id,
        overrides: { claims: { aud: 'https://wrong.example/token' } },
        preview: true,
      },
    ]);
    // Not in force until Rebuild: the note about edits in force is not shown.
    expect(region().textContent).not.toContain('Your edits are in force');
    expect(region().textContent).toContain('Checked with your edits as typed');
  });
  it('says a client_secret_jwt assertion is signed with the client secret, and builds one', async () => {
    const { user } = await renderApp({
      step: 'assertion',
      setup: async ({ core, backend }) => {
        must(
          await core.saveProfile({
            id: backend!.id,
            name: backend!.name,
            fhirBaseUrl: backend!.fhirBaseUrl,
            tokenEndpoint: backend!.tokenEndpoint,
            clientId: backend!.clientId,
            scope: backend!.scope,
            auth: {
              method: 'client_secret_jwt',
              alg: 'HS384',
              clientSecret: 'shared-secret-of-32-bytes-or-more!!',
            },
          }),
        );
      },
    });
    const note = within(region()).getByRole('note');
    expect(note.textContent).toContain('signed with the client secret (HMAC, HS384)');
    expect(note.textContent).not.toContain('only sent with private_key_jwt');
    await user.click(screen.getByRole('button', { name: 'Build assertion' }));
    expect(
      JSON.parse((screen.getByLabelText('Header JSON') as HTMLTextAreaElement).value),
    ).toMatchObject({ alg: 'HS384' });
  });
});
