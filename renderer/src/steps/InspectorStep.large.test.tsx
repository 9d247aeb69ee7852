// issue 12 §2: a HAR over the paste cap is no longer refused: the page streams it to the web
// host's upload route in parts and the engine reads it (inspectFile), skipping what is not OAuth
// traffic; a large file that is no HAR gets a clear error. Real engine behind a real web host.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { UploadableFile, UploadOptions } from '../../../shared/api/contract.js';
import { MAX_EVIDENCE } from '../../../shared/types.js';
import { UPLOAD_CANCELLED } from '../api/http-client.js';
import { api } from '../store/bridge.js';
import { renderApp, type TestApp } from '../test-utils.js';

const TOKEN_ENTRY = {
  startedDateTime: '2026-12-01T09:00:00.000Z',
  request: {
    method: 'POST',
    url: 'https://as.example/oauth2/token',
    headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
    postData: {
      mimeType: 'application/x-www-form-urlencoded',
      text: 'grant_type=client_credentials&client_id=app&client_secret=page-canary-secret',
    },
  },
  response: {
    status: 401,
    headers: [{ name: 'Content-Type', value: 'application/json' }],
    content: { mimeType: 'application/json', text: '{"error":"invalid_client"}' },
  },
};

/** A HAR just over the paste cap: images around the one refused token request. */
function largeHar(): { text: string; noise: number } {
  const body = 'iVBORw0KGgo'.repeat(20_000);
  const image = (i: number) => ({
    startedDateTime: '2026-12-01T09:00:00.000Z',
    request: { method: 'GET', url: `https://cdn.example/img/${i}.png`, headers: [] },
    response: {
      status: 200,
      headers: [],
      content: { mimeType: 'image/png', text: body, encoding: 'base64' },
    },
  });
  const noise = Math.ceil((MAX_EVIDENCE * 1.5) / body.length);
  const entries = [...Array.from({ length: noise }, (_, i) => image(i)), TOKEN_ENTRY];
  return { text: JSON.stringify({ log: { version: '1.2', entries } }), noise };
}

/**
 * The web-host client's upload, on the page's bridge: the test harness passes only the contract
 * methods through (test-utils counted()), not the host's extras.
 */
const withUpload = (t: TestApp) =>
  void Object.assign(api(), {
    uploadFile: (file: UploadableFile, opts?: UploadOptions) =>
      t.core.uploadFile!(file, {
        ...opts,
        onProgress: (sent, total) => {
          progress.push([sent, total]);
          opts?.onProgress?.(sent, total);
        },
      }),
  });
/** The progress the page was told of (bytes sent, total), for the last upload. */
let progress: [number, number][] = [];

describe('Inspector: a large HAR file', () => {
  it('is uploaded and read by the engine: the cause, and how many entries were skipped', async () => {
    progress = [];
    const { user, calls } = await renderApp({ step: 'inspector', before: withUpload });
    const { text, noise } = largeHar();
    expect(text.length).toBeGreaterThan(MAX_EVIDENCE);
    await user.upload(
      screen.getByLabelText('Evidence files'),
      new File([text], 'customer.har', { type: 'application/json' }),
    );
    // The upload is no contract call, so the harness does not wait for it: wait for the report.
    const results = await screen.findByLabelText('Inspector results', {}, { timeout: 20_000 });
    expect(calls('inspect')).toEqual([]);
    const call = calls('inspectFile')[0]![0] as { uploadId: string };
    expect(call.uploadId).toMatch(/^[0-9a-f]{32}$/);
    const cause = within(results).getByRole('list', { name: 'Most likely cause' });
    expect(cause.textContent).toContain('CLIENT_SECRET_INVALID');
    expect(results.textContent).toContain(
      `${noise} of ${noise + 1} requests skipped as not OAuth/OIDC/FHIR traffic`,
    );
    expect(results.textContent).not.toContain('page-canary-secret');
    // Nothing of the file went into the evidence boxes; the page was told of every byte sent.
    expect((screen.getByLabelText('Evidence 1') as HTMLTextAreaElement).value).toBe('');
    const size = new Blob([text]).size;
    expect(progress.at(-1)).toEqual([size, size]);
    expect(screen.queryByRole('status', { name: 'Large file' })).toBeNull();
  });

  it('a cancelled upload answers that it was cancelled (nothing is sent to the engine)', async () => {
    const { core, calls } = await renderApp({ step: 'inspector' });
    const abort = new AbortController();
    abort.abort();
    const r = await core.uploadFile!(new File([largeHar().text], 'customer.har'), {
      signal: abort.signal,
    });
    expect(r).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: UPLOAD_CANCELLED, fix: 'Open the file again.' },
    });
    expect(calls('inspectFile')).toEqual([]);
  });

  it('that is no HAR gets a clear error that says what to open', async () => {
    const { user } = await renderApp({ step: 'inspector', before: withUpload });
    const notHar = 'Sign-in log\n'.repeat(Math.ceil((MAX_EVIDENCE * 1.2) / 12));
    await user.upload(
      screen.getByLabelText('Evidence files'),
      new File([notHar], 'sign-in.log', { type: 'text/plain' }),
    );
    // The alert (the live region announces the same words).
    const alert = await screen.findByRole('alert', {}, { timeout: 20_000 });
    expect(alert.textContent).toContain('This file is not a HAR file');
    expect(alert.textContent).toContain('Save all as HAR');
    expect(screen.queryByLabelText('Inspector results')).toBeNull();
  });
});
