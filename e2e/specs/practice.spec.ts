import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

test('from an empty workspace, the practice server gives backend services tokens and FHIR data', async ({
  page,
  host,
}) => {
  const app = new AppPage(page);
  await page.goto(host.openUrl);

  const profile = await app.open('Profile');
  await expect(profile.getByText(/No profiles yet/)).toBeVisible();
  const practice = profile.getByRole('region', { name: 'Practice server' });
  await expect(practice.getByLabel('Flavour')).toHaveValue('standard');
  await practice.getByRole('button', { name: 'Start the practice server' }).click();
  // Starting loads oidc-provider and generates the clients' keys: the slowest step, on a busy CI.
  await expect(practice.getByRole('button', { name: 'Copy Issuer' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(practice.getByText('demo', { exact: true })).toBeVisible();
  await expect(profile.getByLabel('Profile name')).toHaveValue(
    'Practice: backend services (RS384)',
  );
  await app.shoot('01-practice-server');

  // The first ready profile: backend services with the RS384 key the server registered.
  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await expect(tokenReq.getByText('{{client_assertion}}').first()).toBeVisible();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(tokenReq.getByText('200', { exact: false }).first()).toBeVisible();
  await app.shoot('02-practice-token');

  const resource = await app.open('Resource request');
  await resource.getByLabel('FHIR path').fill('Patient/pat-1');
  await resource.getByRole('button', { name: 'Send GET' }).click();
  await expect(resource.getByText('"resourceType": "Patient"').first()).toBeVisible();
  await expect(resource.getByText('"family": "Rivera"').first()).toBeVisible();

  // Stop: the server goes, the profiles stay.
  const again = (await app.open('Profile')).getByRole('region', { name: 'Practice server' });
  await again.getByRole('button', { name: 'Stop' }).click();
  await expect(again.getByRole('button', { name: 'Start the practice server' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Profiles' }).getByRole('listitem')).toHaveCount(6);
});
