import { mkdirSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Plays the person at the test server's own pages (oidc-provider's dev interactions): signs in
 * as alice (any password is accepted) and grants the consent.
 */
export async function signInAtTestServer(tab: Page): Promise<void> {
  await tab.waitForLoadState();
  await tab.locator('input[name="login"]').fill('alice');
  await tab.locator('input[name="password"]').fill('any-password');
  await tab.locator('button[type="submit"]').click();
  await tab.waitForLoadState();
  await tab.locator('button[type="submit"]').click();
}

/** User-level actions on the debugger, by role and label. */
export class AppPage {
  constructor(readonly page: Page) {}

  step(title: string): Locator {
    return this.page.getByRole('region', { name: title });
  }

  async open(title: string): Promise<Locator> {
    await this.page
      .getByRole('navigation')
      .getByRole('button', { name: title, exact: true })
      .click();
    const region = this.step(title);
    await region.waitFor();
    return region;
  }

  /** Fills and saves a new profile in the Profile step. */
  async createProfile(p: {
    name: string;
    fhirBaseUrl: string;
    clientId: string;
    scope: string;
    method: string;
  }) {
    const profile = this.step('Profile');
    await profile.getByLabel('Profile name').fill(p.name);
    await profile.getByLabel('FHIR base URL').fill(p.fhirBaseUrl);
    await profile.getByLabel('Client ID').fill(p.clientId);
    await profile.getByLabel('Scope').fill(p.scope);
    await profile.getByLabel('Auth method').selectOption(p.method);
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await expect(this.page.getByRole('banner')).toContainText(p.name);
  }

  /** Saves a backend-services profile for the test server's e2e-backend client (private_key_jwt). */
  async createBackendProfile(fhirBaseUrl: string, name: string, scope = 'system/Patient.rs') {
    await this.createProfile({
      name,
      fhirBaseUrl,
      clientId: 'e2e-backend',
      scope,
      method: 'private_key_jwt',
    });
  }

  /** Saves a public authorization-code profile (the test server's e2e-native client). */
  async createPatientAppProfile(fhirBaseUrl: string, name = 'Patient app') {
    const profile = this.step('Profile');
    await profile.getByLabel('Profile name').fill(name);
    await profile.getByLabel('Flow').selectOption('authorization-code');
    await profile.getByLabel('FHIR base URL').fill(fhirBaseUrl);
    await profile.getByLabel('Client ID').fill('e2e-native');
    await profile
      .getByLabel('Scope')
      .fill('openid fhirUser offline_access launch/patient patient/*.rs');
    await profile.getByLabel('Auth method').selectOption('none');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await expect(this.page.getByRole('banner')).toContainText(name);
  }

  /** Generates a key, uses it in the active profile and returns the public JWKS the app shows. */
  async generateKeyForProfile(
    kind = 'RSA-2048',
    alg = 'RS384',
  ): Promise<{ keys: { kid: string }[] }> {
    const keys = await this.open('Keys');
    await keys.getByLabel('Key type').selectOption(kind);
    await keys.getByLabel('Algorithm').selectOption(alg);
    await keys.getByRole('button', { name: 'Generate key' }).click();
    await keys.getByRole('button', { name: 'Use in profile' }).click();
    await expect(keys.getByText(/^in profile$/i)).toBeVisible();
    await keys.getByRole('button', { name: 'Export JWKS' }).click();
    const text = await keys
      .getByRole('figure', { name: 'JWKS (public keys only)' })
      .locator('pre')
      .textContent();
    return JSON.parse(text ?? '') as { keys: { kid: string }[] };
  }

  /** The titles of the steps the rail offers now, in rail order (marks and numbers left out). */
  async railStepTitles(): Promise<string[]> {
    return this.page
      .getByRole('navigation', { name: 'Steps' })
      .locator('ol button')
      .evaluateAll((buttons) =>
        buttons.map((b) => {
          const copy = b.cloneNode(true) as HTMLElement;
          copy.querySelectorAll('[aria-hidden="true"], .sr-only').forEach((e) => e.remove());
          return (copy.textContent ?? '').trim();
        }),
      );
  }

  /** Screenshots (as `shoot`) at 1280×800 and at 1920×1080, named with the size. */
  async shootAt(name: string): Promise<void> {
    if (!process.env.OFD_SCREENSHOTS) return;
    const size = this.page.viewportSize();
    for (const s of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await this.page.setViewportSize(s);
      await this.shoot(`${name}-${s.width}`);
    }
    if (size) await this.page.setViewportSize(size);
  }

  /**
   * The window as a person sees it (no growing to the page's height: for a dialog over the app,
   * or a focus ring at the top), at both sizes and in both themes.
   */
  async shootWindow(name: string): Promise<void> {
    const dir = process.env.OFD_SCREENSHOTS;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const size = this.page.viewportSize();
    for (const s of [
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ]) {
      await this.page.setViewportSize(s);
      for (const scheme of ['light', 'dark'] as const) {
        await this.page.emulateMedia({ colorScheme: scheme });
        await this.page.screenshot({ path: `${dir}/${name}-${s.width}-${scheme}.png` });
      }
    }
    await this.page.emulateMedia({ colorScheme: 'light' });
    if (size) await this.page.setViewportSize(size);
  }

  /** Screenshots for reading by eye (OFD_SCREENSHOTS=dir), in the current theme and the other one. */
  async shoot(name: string): Promise<void> {
    const dir = process.env.OFD_SCREENSHOTS;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    // The step pane scrolls inside the window: grow the window to its height for the shot.
    const size = this.page.viewportSize();
    const height = await this.page.evaluate(() =>
      Math.max(
        ...Array.from(document.querySelectorAll('main, aside, body'), (e) => e.scrollHeight),
      ),
    );
    if (size) await this.page.setViewportSize({ ...size, height: Math.min(height + 80, 8000) });
    for (const scheme of ['light', 'dark'] as const) {
      await this.page.emulateMedia({ colorScheme: scheme });
      await this.page.screenshot({ path: `${dir}/${name}-${scheme}.png`, fullPage: true });
    }
    await this.page.emulateMedia({ colorScheme: 'light' });
    if (size) await this.page.setViewportSize(size);
  }
}
