import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';

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

  /** Screenshots for reading by eye (OFD_SCREENSHOTS=dir), in the current theme and the other one. */
  async shoot(name: string): Promise<void> {
    const dir = process.env.OFD_SCREENSHOTS;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await this.page.emulateMedia({ colorScheme: scheme });
      await this.page.screenshot({ path: `${dir}/${name}-${scheme}.png`, fullPage: true });
    }
    await this.page.emulateMedia({ colorScheme: 'light' });
  }
}
