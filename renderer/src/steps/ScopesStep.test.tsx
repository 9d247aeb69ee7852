import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useApp } from '../store/index.js';
import { BACKEND_SCOPE, renderApp, renderAuthApp } from '../test-utils.js';
import { toProfileInput } from '../store/profile-input.js';
import { context, must } from '../test/real-core.js';

const region = () => screen.getByRole('region', { name: 'Scopes' });
const scopeBox = () => within(region()).getByRole('textbox', { name: 'Scope' });
const findings = () => within(region()).queryByRole('list', { name: 'Scope findings' });

describe('Scopes step', () => {
  it('prefills the profile scope and grant, and explains each scope', async () => {
    await renderApp({ step: 'scopes' });
    expect((scopeBox() as HTMLTextAreaElement).value).toBe(BACKEND_SCOPE);
    expect(
      (within(region()).getByRole('combobox', { name: 'Grant' }) as HTMLSelectElement).value,
    ).toBe('client_credentials');
    const table = within(region()).getByRole('table', { name: 'What each scope asks for' });
    const row = within(table).getByRole('row', { name: /system\/Patient\.rs/ });
    expect(row.textContent).toContain('v2');
    expect(row.textContent).toContain(
      'Read and search all Patients the client is pre-authorized for (backend, no user)',
    );
    expect(within(region()).getByText('No problems found')).toBeTruthy();
    expect(within(region()).getByText(/Run Discovery to check against the server/)).toBeTruthy();
  });

  it('flags a patient/ scope with client_credentials and explains a granular scope', async () => {
    const { user } = await renderApp({ step: 'scopes' });
    await user.clear(scopeBox());
    await user.type(
      scopeBox(),
      'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
    );
    expect(within(region()).getByRole('table').textContent).toContain(
      'Read and search the patient’s Observations in category laboratory',
    );
    const list = findings()!;
    const first = within(list).getAllByRole('listitem')[0]!;
    expect(first.textContent).toContain('SCOPE_INVALID_FOR_GRANT');
    expect(first.textContent).toContain('system/Observation.rs');

    await user.selectOptions(
      within(region()).getByRole('combobox', { name: 'Grant' }),
      'authorization_code',
    );
    expect(findings()).toBeNull();
    expect(within(region()).getByText('No problems found')).toBeTruthy();
  });

  it('checks against discovery: scopes_supported and permission-v2', async () => {
    const { user } = await renderApp({
      step: 'scopes',
      // A server that advertises SMART v2 scopes only.
      setup: async ({ core, backend }) =>
        void must(
          await core.saveProfile({
            ...toProfileInput(backend!),
            fhirBaseUrl: context().variantFhirBases['v2-only'],
          }),
        ),
      before: () => useApp.getState().discover(),
    });
    const server = within(region()).getByLabelText('Server scope support');
    expect(server.textContent).toContain('system/*.rs');
    expect(server.textContent).toContain('permission-v2');
    await user.clear(scopeBox());
    await user.type(scopeBox(), 'system/Encounter.read system/Observation.rs');
    const text = findings()!.textContent;
    expect(text).toContain('SCOPE_SYNTAX');
    expect(text).toContain('Use the v2 form system/Encounter.rs');
    // system/Observation.rs is covered by the listed wildcard system/*.rs
    expect(text).not.toContain('system/Observation.rs is not in scopes_supported');
  });

  it('converts to v2 and to v1 and saves the result to the profile', async () => {
    const { user, calls, core, backend } = await renderApp({ step: 'scopes' });
    await user.clear(scopeBox());
    await user.type(scopeBox(), 'system/Patient.read system/Observation.r');
    await user.click(within(region()).getByRole('button', { name: 'Convert to v2' }));
    expect(within(region()).getByRole('group', { name: 'Scope in v2 form' }).textContent).toBe(
      'system/Patient.rs system/Observation.r',
    );
    await user.click(within(region()).getByRole('button', { name: 'Convert to v1' }));
    expect(within(region()).getByRole('group', { name: 'Scope in v1 form' }).textContent).toBe(
      'system/Patient.read system/Observation.read',
    );
    expect(within(region()).getByRole('list', { name: 'Conversion notes' }).textContent).toContain(
      'widens',
    );

    await user.click(within(region()).getByRole('button', { name: 'Use in profile' }));
    const [input] = calls('saveProfile').at(-1)!;
    expect(input).toMatchObject({
      id: backend!.id,
      scope: 'system/Patient.read system/Observation.read',
    });
    // The save answers asynchronously: wait for its confirmation, then read the store.
    expect(await within(region()).findByText(/Saved to profile/)).toBeTruthy();
    expect(useApp.getState().profiles.find((p) => p.id === backend!.id)?.scope).toBe(
      'system/Patient.read system/Observation.read',
    );
    expect(must(await core.listProfiles())[0]!.scope).toBe(
      'system/Patient.read system/Observation.read',
    );
    expect((scopeBox() as HTMLTextAreaElement).value).toBe(
      'system/Patient.read system/Observation.read',
    );
  });

  it('compares requested and granted scope from the last token response', async () => {
    // The test servers drop a scope they refuse but never grant a narrower one in its place:
    // the store holds a token result like the engine's for a server that does.
    await renderAuthApp({
      step: 'scopes',
      before: () =>
        useApp.setState({
          tokenResult: {
            ok: true,
            exchangeId: 'ex-1',
            receivedAt: '2025-01-01T00:00:00.000Z',
            grant: 'authorization_code',
            findings: [],
            scopeDiff: {
              requested: ['openid', 'patient/*.cruds'],
              granted: ['openid', 'patient/Observation.rs'],
              missing: ['patient/*.cruds'],
              extra: ['patient/Observation.rs'],
            },
          },
        }),
    });
    expect(
      (within(region()).getByRole('combobox', { name: 'Grant' }) as HTMLSelectElement).value,
    ).toBe('authorization_code');
    const summary = within(region()).getByRole('list', { name: 'Requested vs granted summary' });
    expect(summary.textContent).toContain(
      'patient/*.cruds was granted as patient/Observation.rs: only Observation instead of every resource type and without create, update and delete.',
    );
    const diff = within(region()).getByLabelText('Scope comparison');
    expect(
      within(diff).getByText('Missing (requested, not granted)').nextSibling?.textContent,
    ).toBe('patient/*.cruds');
  });
});
