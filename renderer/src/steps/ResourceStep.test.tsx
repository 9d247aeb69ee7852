import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { finding } from '../../../shared/findings.js';
import { FAKE_PROFILE } from '../api/fake-api.js';
import { renderApp } from '../test-utils.js';

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
      [{ profileId: FAKE_PROFILE.id, path: 'Observation?_count=2' }],
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
});
