// issue 11 §3: evidence, a pasted token or JWKS, and a token response over their caps are
// refused at once, with the cap named and what to do; the big value never reaches the engine.
import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TEXT } from '../../../shared/api/inputs.js';
import { MAX_JWT_CHARS } from '../../../shared/jwt-view.js';
import { MAX_TOKEN_PASTE } from '../components/size-cap.js';
import { toProfileInput } from '../store/profile-input.js';
import { renderApp } from '../test-utils.js';
import { context, must } from '../test/real-core.js';

const EIGHT_MB = 8 * 1024 * 1024;
const big = () => 'x'.repeat(EIGHT_MB);

/** A jsdom File that claims `size` bytes but holds a few: reading it would add "tiny". */
function claimedFile(name: string, size: number): File {
  const f = new File(['tiny'], name, { type: 'application/json' });
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

afterEach(() => vi.restoreAllMocks());

describe('size limits in the UI', () => {
  it('the page cap on a pasted token is the engine’s (JWT and text caps)', () => {
    expect(MAX_TOKEN_PASTE).toBe(MAX_JWT_CHARS);
    expect(MAX_TOKEN_PASTE).toBe(MAX_TEXT);
  });

  it('Inspector: a file over the cap is refused from its size, before it is read', async () => {
    const read = vi.spyOn(FileReader.prototype, 'readAsText');
    const { user, calls } = await renderApp({ step: 'inspector' });
    await user.upload(
      screen.getByLabelText('Evidence files'),
      claimedFile('sign-in.har', EIGHT_MB),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('sign-in.har (8.0 MB)');
    expect(alert.textContent).toContain('At most 1536 KB per file');
    expect(alert.textContent).toContain('save only the failing requests');
    expect(read).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Evidence 1') as HTMLTextAreaElement).value).toBe('');
    expect(screen.getByRole('button', { name: 'Inspect' })).toHaveProperty('disabled', true);
    expect(calls('inspect')).toEqual([]);
    // A file within the cap is read and added as before.
    await user.upload(screen.getByLabelText('Evidence files'), claimedFile('small.json', 4));
    expect(await screen.findByRole('textbox', { name: 'Evidence 1: small.json' })).toHaveProperty(
      'value',
      'tiny',
    );
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('Inspector: a pasted piece over the cap names the cap and both ways out', async () => {
    const { user, calls } = await renderApp({ step: 'inspector' });
    const box = screen.getByLabelText('Evidence 1') as HTMLTextAreaElement;
    await user.click(box);
    await user.paste(big());
    expect(box.value).toBe('');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('8.0 MB is more than the 1536 KB');
    expect(alert.textContent).toContain('Save only the failing requests');
    expect(alert.textContent).toContain('open the file from disk');
    expect(calls('inspect')).toEqual([]);
  });

  it('Inspector: a pasted JWKS over the cap is refused, the box keeps what it had', async () => {
    const { user } = await renderApp({ step: 'inspector' });
    await user.click(screen.getByText('Keys and context (optional)'));
    const jwks = screen.getByLabelText('JWKS', { exact: true }) as HTMLTextAreaElement;
    await user.click(jwks);
    await user.paste('{"keys":[]}');
    await user.paste(big());
    expect(jwks.value).toBe('{"keys":[]}');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('8.0 MB is more than the 256 KB a JWKS may hold');
    expect(alert.textContent).toContain('give the JWKS URL instead');
  });

  it('Tokens: a pasted token over the cap is refused and never sent to the engine', async () => {
    const { user, calls } = await renderApp({ step: 'tokens' });
    const box = screen.getByLabelText('Token to decode') as HTMLTextAreaElement;
    await user.click(box);
    await user.paste(`eyJ${big()}`);
    expect(box.value).toBe('');
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(
      '8.0 MB is more than the 256 KB a token to decode may hold',
    );
    expect(alert.textContent).toContain('Paste the token itself');
    expect(alert.textContent).toContain('save only the failing requests and open it from disk');
    expect(screen.getByRole('button', { name: 'Decode' })).toHaveProperty('disabled', true);
    expect(calls('decodeToken')).toEqual([]);
    // A token within the cap goes in, and the message goes away.
    await user.paste('eyJhbGciOiJub25lIn0.e30.');
    expect(box.value).toBe('eyJhbGciOiJub25lIn0.e30.');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('Token request: a token response over the read cap is stopped, named with its cap and fix', async () => {
    // A token endpoint that answers 8 MB of JSON.
    const url = context().hugeTokenEndpoint;
    const { user } = await renderApp({
      step: 'token-request',
      setup: async ({ core, backend }) =>
        void must(await core.saveProfile({ ...toProfileInput(backend!), tokenEndpoint: url })),
    });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await user.click(screen.getByRole('button', { name: 'Send request' }));
    const region = screen.getByRole('region', { name: 'Token request' });
    const finding = await within(region).findAllByText(/Response larger than 1024 KB/);
    expect(finding.length).toBeGreaterThan(0);
    expect(region.textContent).toContain('the most read of one answer; stopped reading');
    expect(region.textContent).toContain('Check the URL: a token or metadata response is a few KB');
    expect(region.textContent).toContain('Response too large');
    // Not misread as an answer that is not JSON (the cut body is no answer at all).
    expect(region.textContent).not.toContain('NON_JSON_RESPONSE');
  });
});
