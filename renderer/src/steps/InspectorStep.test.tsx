import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toProfileInput } from '../store/profile-input.js';
import { renderApp } from '../test-utils.js';
import { must } from '../test/real-core.js';

const b64 = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const now = Math.floor(Date.now() / 1000);
const assertion = (alg: string, claims: Record<string, unknown> = {}) =>
  `${b64({ alg, kid: 'k1', typ: 'JWT' })}.${b64({
    iss: 'cust-app',
    sub: 'cust-app',
    aud: 'https://fhir-ehr.cerner.com/tenants/t/protocols/oauth2/profiles/smart-v1/token',
    iat: now,
    exp: now + 120,
    jti: 'j1',
    ...claims,
  })}.c2lnbmF0dXJl`;
const CERNER_ERROR = JSON.stringify({
  error: 'invalid_client',
  error_uri:
    'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aclient-assertion%3Ajwt-bearer%3Ainvalid-signature/instances/1?client=cust-app&tenant=t',
});

describe('Inspector step', () => {
  it('diagnoses a pasted assertion and error body with a preset: cause first, exchange, JWT, report', async () => {
    const { user, calls, core } = await renderApp({ step: 'inspector' });
    const jwt = assertion('RS256');
    await user.click(screen.getByLabelText('Evidence 1'));
    await user.paste(jwt);
    await user.click(screen.getByRole('button', { name: 'Add another piece' }));
    await user.click(screen.getByLabelText('Evidence 2'));
    await user.paste(CERNER_ERROR);
    await user.selectOptions(screen.getByLabelText('Vendor preset'), 'oracle-health');
    await user.click(screen.getByRole('button', { name: 'Inspect' }));

    expect(calls('inspect')).toEqual([
      [{ items: [{ text: jwt }, { text: CERNER_ERROR }], preset: 'oracle-health' }],
    ]);
    // The Inspector reads only what was pasted: nothing is sent to any server.
    expect(must(await core.listExchanges())).toEqual([]);
    const results = screen.getByLabelText('Inspector results');
    const cause = within(results).getByRole('list', { name: 'Most likely cause' });
    expect(cause.textContent).toContain('ASSERTION_ALG_NOT_ACCEPTED');
    expect(cause.textContent).toContain('RS256');
    // The refusal is said as one, and the cause says what it rests on: the alg was checked here
    // against Oracle Health's accepted algorithms, explaining the server's invalid-signature URN.
    expect(
      within(results).getByText(/The server refused the request \(the token endpoint\)/),
    ).toBeTruthy();
    expect(within(cause).getByTitle(/Verified here/).textContent).toBe('Checked here');
    expect(within(results).getByRole('list', { name: 'Other findings' }).textContent).toContain(
      'ASSERTION_SIGNATURE_INVALID',
    );
    const read = within(results).getByRole('table', { name: 'Evidence read' });
    expect(read.textContent).toContain('JWT');
    expect(read.textContent).toContain('Response body');
    expect(
      within(results).getByLabelText('Request (assumed from the assertion)').textContent,
    ).toContain('client_assertion={{client_assertion}}');
    expect(within(results).getByLabelText('Response').textContent).toContain('HTTP 401 (assumed)');
    expect(results.textContent).toContain('Client assertion');
    expect(results.textContent).not.toContain(jwt);
    expect(within(results).getByRole('button', { name: 'Copy report' })).toBeTruthy();
    expect(within(results).getByLabelText('Report').textContent).toContain('## Most likely cause');
  });

  it('says when nothing could be read, with what to paste', async () => {
    const { user } = await renderApp({ step: 'inspector' });
    expect(screen.getByRole('button', { name: 'Inspect' })).toHaveProperty('disabled', true);
    await user.type(
      screen.getByLabelText('Evidence 1'),
      '{"log":{"entries":[{"request":{}}]}}'.replace(/[{[]/g, '$&$&'),
    );
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Nothing in the evidence is OAuth evidence');
    expect(alert.textContent).toContain('HAR');
  });

  it('adds dropped or opened files as named pieces, and removes pieces', async () => {
    const { user, calls } = await renderApp({ step: 'inspector' });
    const file = new File([CERNER_ERROR], 'error.json', { type: 'application/json' });
    await user.upload(screen.getByLabelText('Evidence files'), file);
    expect(await screen.findByLabelText('Evidence 1: error.json')).toHaveProperty(
      'value',
      CERNER_ERROR,
    );
    await user.click(screen.getByRole('button', { name: 'Add another piece' }));
    expect(screen.getByLabelText('Evidence 2')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Remove evidence 2' }));
    expect(screen.queryByLabelText('Evidence 2')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    expect(calls('inspect')[0]![0]).toEqual({
      items: [{ text: CERNER_ERROR, name: 'error.json' }],
    });
  });

  it('refuses a paste over the cap at once: the box stays as it was, the cap and what to do are named', async () => {
    const { user, calls } = await renderApp({ step: 'inspector' });
    const box = screen.getByLabelText('Evidence 1') as HTMLTextAreaElement;
    await user.click(box);
    // 8 MB, as a browser HAR of one sign-in can be.
    await user.paste('x'.repeat(8 * 1024 * 1024));
    expect(box.value).toBe('');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('8.0 MB is more than the 1536 KB');
    expect(alert.textContent).toContain('Save only the failing requests');
    expect(calls('inspect')).toEqual([]);
    // A paste within the cap goes in as before.
    await user.paste(CERNER_ERROR);
    expect(box.value).toBe(CERNER_ERROR);
  });

  it('starts with the active profile’s vendor as the preset', async () => {
    let oracle = '';
    await renderApp({
      step: 'inspector',
      setup: async ({ core, backend }) => {
        const { id: _id, ...rest } = toProfileInput(backend!);
        oracle = must(
          await core.saveProfile({ ...rest, name: 'Oracle', vendor: 'oracle-health' }),
        ).id;
      },
      active: () => oracle,
    });
    expect(screen.getByLabelText('Vendor preset')).toHaveProperty('value', 'oracle-health');
  });

  it('refuses a status that is not an HTTP status', async () => {
    const { user } = await renderApp({ step: 'inspector' });
    await user.type(screen.getByLabelText('Evidence 1'), 'x');
    await user.click(screen.getByText('Keys and context (optional)'));
    await user.type(screen.getByLabelText('HTTP status'), '42');
    expect(screen.getByText('A status is a number from 100 to 599.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Inspect' })).toHaveProperty('disabled', true);
  });

  it('shows a right-to-left override in a pasted error_description as a marker, never raw', async () => {
    const { user } = await renderApp({ step: 'inspector' });
    const body = JSON.stringify({
      error: 'invalid_client',
      error_description: 'Client authentication failed for invoice\u202Egpj.exe',
    });
    await user.click(screen.getByLabelText('Evidence 1'));
    await user.paste(body);
    await user.click(screen.getByRole('button', { name: 'Inspect' }));
    const results = screen.getByLabelText('Inspector results');
    expect(results.textContent).toContain('invoice⟨U+202E⟩gpj.exe');
    expect(results.textContent).not.toContain('\u202E');
    expect(
      within(results).getAllByLabelText('RIGHT-TO-LEFT OVERRIDE (U+202E)').length,
    ).toBeGreaterThan(0);
  });
});
