import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toProfileInput } from '../store/profile-input.js';
import { useApp } from '../store/index.js';
import { renderApp, renderAuthApp, signInFirst, type TestApp } from '../test-utils.js';
import { must } from '../test/real-core.js';

const region = () => screen.getByRole('region', { name: 'Resource request' });

/** A client_credentials token from the test server, held by the engine. */
async function withToken({ core, backend }: TestApp) {
  const draft = must(await core.prepareTokenRequest({ profileId: backend!.id }));
  expect(must(await core.sendTokenRequest({ draftId: draft.id })).ok).toBe(true);
}

/** Signs in at the 2-second-token server and waits until the access token has expired. */
async function signInAndExpire() {
  await signInFirst();
  const expiresAt = Date.parse(useApp.getState().tokenSet!.expiresAt!);
  await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 200));
}

describe('Resource request step', () => {
  it('GETs the profile resource path and shows status, headers and body', async () => {
    const { user, calls, backend } = await renderApp({ step: 'resource', setup: withToken });
    const path = screen.getByLabelText('FHIR path') as HTMLInputElement;
    expect(path.value).toBe('Patient?_count=1');
    await user.clear(path);
    await user.type(path, 'Observation?_count=2');
    await user.click(screen.getByRole('button', { name: 'Send GET' }));

    expect(calls('callResource')).toEqual([
      [
        {
          profileId: backend!.id,
          path: 'Observation?_count=2',
          token: 'access_token',
          refreshOnExpiry: true,
        },
      ],
    ]);
    expect(region().textContent).toContain('HTTP 200');
    expect(within(region()).getByRole('table', { name: 'Response headers' }).textContent).toContain(
      'application/fhir+json',
    );
    expect(region().textContent).toContain('"resourceType": "Bundle"');
    expect(region().textContent).toContain('"resourceType": "Observation"');
  });

  it('shows findings for a refused request', async () => {
    const { user } = await renderApp({
      step: 'resource',
      setup: async (t) => {
        // A token for Patient only; the path asks for Observations.
        must(
          await t.core.saveProfile({ ...toProfileInput(t.backend!), scope: 'system/Patient.rs' }),
        );
        await withToken(t);
      },
    });
    const path = screen.getByLabelText('FHIR path');
    await user.clear(path);
    await user.type(path, 'Observation');
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    expect(region().textContent).toContain('HTTP 403');
    const findings = within(region()).getByRole('list', { name: 'Findings' });
    expect(findings.textContent).toContain('RESOURCE_FORBIDDEN');
  });

  it('sends the id token when chosen', async () => {
    const { user, calls, auth } = await renderAuthApp({ step: 'resource', before: signInFirst });
    await user.click(screen.getByRole('radio', { name: 'ID token' }));
    expect(region().textContent).toContain('meant for the client, not for APIs');
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    expect(calls('callResource')[0]![0]).toMatchObject({ profileId: auth!.id, token: 'id_token' });
    expect(region().textContent).toContain('sent the ID token');
    // The FHIR server accepts only its access tokens.
    expect(region().textContent).toContain('HTTP 401');
    expect(within(region()).getByRole('list', { name: 'Findings' }).textContent).toContain(
      'TOKEN_AUDIENCE_MISMATCH',
    );
  });

  it('cannot pick the id token before a sign-in that returned one', async () => {
    await renderApp({ step: 'resource', setup: withToken });
    expect(screen.getByRole('radio', { name: 'ID token' })).toHaveProperty('disabled', true);
  });

  it('refreshes and retries once when the access token has expired', async () => {
    const { user, calls } = await renderAuthApp({
      step: 'resource',
      authServer: 'short',
      before: signInAndExpire,
    });
    const before = useApp.getState().tokenSet!.accessToken.masked;
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    expect(calls('callResource')[0]![0]).toMatchObject({ refreshOnExpiry: true });
    expect(region().textContent).toContain('HTTP 200');
    expect(region().textContent).toContain('Retried after a refresh');
    expect(calls('callResource')).toHaveLength(1);
    expect(useApp.getState().tokenSet!.accessToken.masked).not.toBe(before);
  }, 15_000);

  it('reports TOKEN_EXPIRED when retrying is switched off', async () => {
    const { user } = await renderAuthApp({
      step: 'resource',
      authServer: 'short',
      before: signInAndExpire,
    });
    await user.click(
      screen.getByRole('checkbox', { name: 'Refresh and retry when the token has expired' }),
    );
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    expect(region().textContent).toContain('HTTP 401');
    expect(region().textContent).not.toContain('Retried after a refresh');
    const findings = within(region()).getByRole('list', { name: 'Findings' });
    expect(findings.textContent).toContain('TOKEN_EXPIRED');
    expect(findings.textContent).toContain('Request a new token.');
  }, 15_000);
});
