import { AxeBuilder } from '@axe-core/playwright';
import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

/**
 * Settings (issue 13) in a real browser: the dialog opens from the header with the focus on its
 * first field, says a bad value at the field, keeps the self-signed warning in view, passes axe
 * (no serious or critical violations) in both themes, and Escape gives the focus back.
 */
test('the Settings dialog: fields, a problem at the field, the TLS warning, Escape', async ({
  page,
  host,
}) => {
  // The practice server's start and axe in two themes: slow on a busy machine.
  test.setTimeout(180_000);
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  const profile = await app.open('Profile');
  const practice = profile.getByRole('region', { name: 'Practice server' });
  await practice.getByRole('button', { name: 'Start the practice server' }).click();
  await expect(practice.getByRole('button', { name: 'Copy Issuer' })).toBeVisible({
    timeout: 30_000,
  });

  const button = page.getByRole('button', { name: 'Settings', exact: true });
  await button.click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByLabel('Request timeout (seconds)')).toBeFocused();
  await dialog.getByLabel('Request timeout (seconds)').fill('0');
  await dialog.getByRole('radio', { name: 'Custom proxy' }).check();
  await dialog.getByLabel('Proxy URL').fill('proxy.example:3128');
  await dialog.getByRole('checkbox', { name: 'Allow self-signed certificates' }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(
    dialog.getByText('Request timeout must be between 1 and 600 seconds.'),
  ).toBeVisible();
  await expect(dialog.getByText(/Certificate checks are OFF for this profile/)).toBeVisible();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const { violations } = await new AxeBuilder({ page }).include('.settings-dialog').analyze();
    const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(grave.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await app.shootAt('settings-dialog');

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(button).toBeFocused();
});
