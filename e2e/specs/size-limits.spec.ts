// issue 11 §3: an 8 MB paste, an 8 MB file and an 8 MB token response are refused with the cap
// named and what to do, and the big value never reaches the engine. The longest main-thread
// task is printed for a person to read; it is not asserted (no timed assertions).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

const EIGHT_MB = 8 * 1024 * 1024;

/** Every API call the page makes, with the size of what it sent. */
function recordApiCalls(page: Page) {
  const calls: { method: string; bytes: number }[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/api/'))
      calls.push({ method: path.slice(5), bytes: r.postDataBuffer()?.length ?? 0 });
  });
  return calls;
}

/** Keeps the longest long task (PerformanceObserver 'longtask') in window.__longestTask. */
async function watchLongTasks(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __longestTask: number };
    w.__longestTask = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longestTask = Math.max(w.__longestTask, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

const longestTask = (page: Page) =>
  page.evaluate(() => (window as unknown as { __longestTask: number }).__longestTask);
/** Forgets the long tasks so far (the test's own setup, e.g. filling the clipboard). */
const resetLongTasks = (page: Page) =>
  page.evaluate(() => void ((window as unknown as { __longestTask: number }).__longestTask = 0));

/** Puts text on the clipboard and pastes it into the box with the keyboard, as a person does. */
async function pasteInto(page: Page, box: ReturnType<Page['getByRole']>, text: string) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await box.focus();
  await resetLongTasks(page);
  await page.keyboard.press('Control+V');
}

test.beforeEach(async ({ page, context, host }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url });
  await watchLongTasks(page);
});

test('an 8 MB paste and an 8 MB pasted token are refused, an 8 MB file is streamed to the host', async ({
  page,
  host,
}) => {
  const calls = recordApiCalls(page);
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  const big = 'x'.repeat(EIGHT_MB);

  const inspector = await app.open('Inspector');
  const evidence = inspector.getByRole('textbox', { name: 'Evidence 1' });
  await pasteInto(page, evidence, big);
  const alert = inspector.getByRole('alert');
  await expect(alert).toContainText('8.0 MB is more than the 1536 KB');
  await expect(alert).toContainText('Save only the failing requests');
  await expect(alert).toContainText('open the file from disk');
  await expect(evidence).toHaveValue('');
  console.log(`Inspector paste of 8 MB: longest long task ${await longestTask(page)} ms`);

  // From disk, by path (a buffer would be copied into the page by the test itself).
  const file = join(mkdtempSync(join(tmpdir(), 'ofd-big-')), 'sign-in.har');
  writeFileSync(file, Buffer.alloc(EIGHT_MB, 'x'));
  await resetLongTasks(page);
  await inspector.getByLabel('Evidence files').setInputFiles(file);
  // Not refused for its size any more: streamed to the host (never into the page) and read
  // there, which finds it is not a HAR at all.
  await expect(inspector.getByText('This file is not a HAR file')).toBeVisible();
  await expect(evidence).toHaveValue('');
  console.log(`Inspector 8 MB file: longest long task ${await longestTask(page)} ms`);

  const tokens = await app.open('Tokens');
  const box = tokens.getByRole('textbox', { name: 'Token to decode' });
  await pasteInto(page, box, `eyJ${big}`);
  const tokenAlert = tokens.getByRole('alert');
  await expect(tokenAlert).toContainText(
    '8.0 MB is more than the 256 KB a token to decode may hold',
  );
  await expect(tokenAlert).toContainText('Paste the token itself');
  await expect(box).toHaveValue('');
  await expect(tokens.getByRole('button', { name: 'Decode' })).toBeDisabled();
  console.log(`Tokens paste of 8 MB: longest long task ${await longestTask(page)} ms`);

  // The page stays usable: a small paste still goes in.
  await pasteInto(page, box, 'eyJhbGciOiJub25lIn0.e30.');
  await expect(box).toHaveValue('eyJhbGciOiJub25lIn0.e30.');
  await expect(tokenAlert).toHaveCount(0);

  // Nothing big was sent to the engine: no evidence and no token call at all.
  expect(calls.filter((c) => c.method === 'inspect' || c.method === 'decodeToken')).toEqual([]);
  expect(Math.max(0, ...calls.map((c) => c.bytes))).toBeLessThan(64 * 1024);
});

test('an 8 MB token response is cut at the read cap and named with it', async ({ page, host }) => {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"access_token":"${'a'.repeat(EIGHT_MB)}","token_type":"Bearer"}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const app = new AppPage(page);
    await page.goto(host.openUrl);
    const profile = app.step('Profile');
    await profile.getByLabel('Profile name').fill('Huge answers');
    await profile.getByLabel('FHIR base URL').fill(`${base}/fhir`);
    await profile.getByLabel('Client ID').fill('big-client');
    await profile.getByLabel('Scope').fill('system/Patient.rs');
    await profile.getByLabel('Auth method').selectOption('client_secret_post');
    await profile.getByLabel('Client secret').fill('not-a-real-secret');
    await profile.getByText('Endpoints (discovered when empty)').click();
    await profile.getByLabel('Token endpoint').fill(`${base}/token`);
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await expect(page.getByRole('banner')).toContainText('Huge answers');

    const tokenReq = await app.open('Token request');
    await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
    await resetLongTasks(page);
    await tokenReq.getByRole('button', { name: 'Send request' }).click();
    await expect(tokenReq.getByText('Response too large').first()).toBeVisible();
    await expect(tokenReq).toContainText(
      'Response larger than 1024 KB, the most read of one answer; stopped reading.',
    );
    await expect(tokenReq).toContainText('Check the URL: a token or metadata response is a few KB');
    await expect(tokenReq).not.toContainText('NON_JSON_RESPONSE');
    console.log(`8 MB token response: longest long task ${await longestTask(page)} ms`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
