import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Profile management in a real browser (issue 13): a profile file downloaded and opened again
// through the file input, the duplicate it makes named and resolved, a delete asked for and
// undone, a refused field shown at the field, and a duplicate made on purpose.
test('profiles: download, open the file again (duplicate found, renamed), delete and undo, errors at the field', async ({
  page,
  host,
  smart,
}) => {
  // Full-page screenshots in both themes at both sizes (OFD_SCREENSHOTS) take longer.
  if (process.env.OFD_SCREENSHOTS) test.setTimeout(240_000);
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  await app.createBackendProfile(smart.fhirBase, 'Sandbox EHR');
  const profile = app.step('Profile');
  const list = profile.getByRole('list', { name: 'Profiles' });
  await expect(list.getByRole('button')).toHaveCount(1);

  // Download: the file the browser saves is the profile, without secrets.
  const downloading = page.waitForEvent('download');
  await profile.getByRole('button', { name: 'Download' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.json$/);
  const path = await download.path();
  const file = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  expect(file).toMatchObject({ name: 'Sandbox EHR', clientId: 'e2e-backend' });

  // Open the same file again: the same name is found, and the choice is offered.
  await profile.getByLabel('Profile file').setInputFiles(path);
  const conflict = profile.getByRole('group', { name: 'This profile is already here' });
  await expect(conflict).toBeVisible();
  const rename = conflict.getByRole('button', { name: /^Import as “/ });
  await expect(rename).toBeFocused();
  await app.shootAt('profiles-01-import-conflict');
  const renamed = ((await rename.textContent()) ?? '').match(/“(.+)”/)![1]!;
  expect(renamed).not.toBe('Sandbox EHR');
  await rename.click();
  await expect(conflict).toHaveCount(0);
  await expect(list.getByRole('button')).toHaveCount(2);
  await expect(list.getByRole('button', { name: new RegExp(escaped(renamed)) })).toBeVisible();

  // Delete asks first; Undo brings the profile back.
  await list.getByRole('button', { name: new RegExp(escaped(renamed)) }).click();
  await expect(page.getByRole('banner')).toContainText(renamed);
  await profile.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = profile.getByRole('group', { name: `Delete “${renamed}”?` });
  await expect(confirm).toBeVisible();
  await app.shootAt('profiles-02-delete-confirm');
  await confirm.getByRole('button', { name: `Delete “${renamed}”` }).click();
  await expect(list.getByRole('button')).toHaveCount(1);
  const undo = page.getByRole('button', { name: 'Undo' });
  await expect(undo).toBeFocused();
  await app.shootAt('profiles-03-deleted-undo');
  await undo.click();
  await expect(list.getByRole('button')).toHaveCount(2);

  // A value the engine refuses is shown at its field, in words, and the field gets the focus.
  const base = profile.getByLabel('FHIR base URL');
  await base.fill('ehr.example.com/fhir');
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await expect(base).toHaveAttribute('aria-invalid', 'true');
  await expect(base).toBeFocused();
  await expect(profile.getByText('Must be an absolute http(s) URL').first()).toBeVisible();
  await expect(profile.getByRole('alert')).toHaveCount(0);
  await app.shootAt('profiles-04-field-error');
  await base.fill(smart.fhirBase);
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await expect(base).not.toHaveAttribute('aria-invalid', 'true');

  // Duplicate: a copy beside it, under a name of its own.
  await profile.getByRole('button', { name: 'Duplicate' }).click();
  await expect(list.getByRole('button')).toHaveCount(3);
});
