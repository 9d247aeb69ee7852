import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

test('Send signs a fresh assertion each time, a pin re-sends it, and Cancel stops a silent server', async ({
  page,
  host,
  smart,
}) => {
  // Six full-page screenshots on a shared machine take long; the steps themselves are quick.
  test.setTimeout(240_000);
  // A real server that accepts the token request and never answers it.
  const silent = createServer(() => {});
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`;
  try {
    const app = new AppPage(page);
    await page.goto(host.openUrl);
    await app.createBackendProfile(smart.fhirBase, 'Requests');
    const jwks = await app.generateKeyForProfile('RSA-2048', 'RS384');
    smart.setClientJwks('e2e-backend', jwks as never);

    const tokenReq = await app.open('Token request');
    await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
    const send = tokenReq.getByRole('button', { name: 'Send request' });
    const response = tokenReq.getByLabel('Token response');
    await send.click();
    await expect(response).toContainText('HTTP 200');
    await expect(response).toContainText('Fresh assertion');
    await send.click();
    await expect(response).toContainText('HTTP 200');

    await tokenReq.getByRole('checkbox', { name: 'Pin this assertion' }).check();
    await expect(
      tokenReq.getByText('Pinned assertion: the server will refuse this reused jti'),
    ).toBeVisible();
    await send.click();
    await expect(response).toContainText('Pinned assertion re-sent');
    await app.shoot('requests-pinned');

    await tokenReq.getByRole('checkbox', { name: 'Pin this assertion' }).uncheck();
    await tokenReq.getByRole('textbox', { name: 'Token URL' }).fill(silentUrl);
    await send.click();
    const cancel = tokenReq.getByRole('button', { name: 'Cancel request' });
    await expect(cancel).toBeVisible();
    await app.shoot('requests-busy');
    await cancel.click();
    await expect(tokenReq.getByRole('alert')).toContainText(
      'Cancelled by you before the server answered.',
    );
    await expect(response).toHaveCount(0);
    await app.shoot('requests-cancelled');
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});
