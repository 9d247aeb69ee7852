import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { finding } from '../../../shared/diagnosis/catalog.js';
import { FAKE_AUTH_PROFILE, FAKE_PROFILE } from '../api/fake-api.js';
import { renderApp, renderAuthApp, signInFirst } from '../test-utils.js';

const region = () => screen.getByRole('region', { name: 'Resource request' });

describe('Resource request step', () => {
  it('GETs the profile resource path and shows status, headers and body', async () => {
    const { user, fake } = await renderApp({ step: 'resource' });
    const path = screen.getByLabelText('FHIR path') as HTMLInputElement;
    expect(path.value).toBe('Patient?_count=1');
    await user.clear(path);
    await user.type(path, 'Observation?_count=2');
    await user.click(screen.getByRole('button', { name: 'Send GET' }));

    expect(fake.callsOf('callResource')).toEqual([
      [
        {
          profileId: FAKE_PROFILE.id,
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
  });

  it('shows findings for a refused request', async () => {
    const { user } = await renderApp({
      step: 'resource',
      handlers: {
        callResource: () => ({
          ok: true,
          value: {
            ok: false,
            exchangeId: 'ex-1',
            status: 403,
            headers: [],
            body: '{"resourceType":"OperationOutcome"}',
            findings: [finding('RESOURCE_FORBIDDEN', 'GET Observation answered 403.')],
          },
        }),
      },
    });
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    expect(region().textContent).toContain('HTTP 403');
    expect(within(region()).getByRole('list', { name: 'Findings' }).textContent).toContain(
      'RESOURCE_FORBIDDEN',
    );
  });

  it('sends the id token when chosen', async () => {
    const { user, fake } = await renderAuthApp({ step: 'resource', before: signInFirst });
    await user.click(screen.getByRole('radio', { name: 'ID token' }));
    expect(region().textContent).toContain('meant for the client, not for APIs');
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    expect(fake.callsOf('callResource')[0]![0]).toMatchObject({
      profileId: FAKE_AUTH_PROFILE.id,
      token: 'id_token',
    });
    expect(region().textContent).toContain('sent the ID token');
  });

  it('cannot pick the id token before a sign-in that returned one', async () => {
    await renderApp({ step: 'resource' });
    expect(screen.getByRole('radio', { name: 'ID token' })).toHaveProperty('disabled', true);
  });

  it('refreshes and retries once when the access token has expired', async () => {
    const { user, fake } = await renderAuthApp({
      step: 'resource',
      before: async (f) => {
        await signInFirst(f);
        f.expireAccessToken();
      },
    });
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    expect(fake.callsOf('callResource')[0]![0]).toMatchObject({ refreshOnExpiry: true });
    expect(region().textContent).toContain('HTTP 200');
    expect(region().textContent).toContain('Retried after a refresh');
    expect(fake.callsOf('callResource')).toHaveLength(1);
  });

  it('reports TOKEN_EXPIRED when retrying is switched off', async () => {
    const { user } = await renderAuthApp({
      step: 'resource',
      before: async (f) => {
        await signInFirst(f);
        f.expireAccessToken();
      },
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
  });
});
