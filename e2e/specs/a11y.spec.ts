import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures/app.js';
import { AppPage, signInAtTestServer } from '../pages/app-page.js';

/**
 * Accessibility (issue 13): axe-core on every step of the backend-services and authorization
 * code flows, in the light and the dark theme, with 0 serious or critical violations; and the
 * keyboard path in a real browser (skip link, focus on the step and on the result).
 */

/** One violation, said so a failure names what to fix and where. */
interface Found {
  where: string;
  rule: string;
  impact: string;
  help: string;
  nodes: string[];
}

const GRAVE = new Set(['serious', 'critical']);
/** The WCAG 2.x A and AA rules (axe's best-practice rules are advice, not failures). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// axe runs twice (light, dark) on every step: far longer than one walk of the flow.
test.describe.configure({ timeout: 480_000 });

/** Runs axe on the page as it is, in both themes; adds the serious and critical violations. */
async function audit(page: Page, where: string, found: Found[], only?: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const axe = new AxeBuilder({ page }).withTags(TAGS);
    const started = Date.now();
    const { violations } = await (only ? axe.include(only) : axe).analyze();
    const grave = violations.filter((v) => GRAVE.has(v.impact ?? ''));
    // Progress (the audits are slow): where, how long, what was found.
    console.log(
      `axe ${where} (${scheme}): ${Date.now() - started} ms, ${grave.length} serious/critical` +
        grave
          .map((v) => `\n  ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
          .join(''),
    );
    for (const v of violations) {
      if (!GRAVE.has(v.impact ?? '')) continue;
      found.push({
        where: `${where} (${scheme})`,
        rule: v.id,
        impact: v.impact ?? '',
        help: v.help,
        nodes: v.nodes
          .slice(0, 5)
          .map((n) => `${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`),
      });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Fails with every violation found, one block each. */
function report(found: Found[]): string {
  return found
    .map(
      (f) =>
        `${f.where}: ${f.rule} [${f.impact}] ${f.help}\n${f.nodes.map((n) => `    ${n}`).join('\n')}`,
    )
    .join('\n');
}

/** The rail buttons of the steps the profile uses (a not-used step is aria-disabled). */
async function usedSteps(page: Page): Promise<string[]> {
  const buttons = page
    .getByRole('navigation', { name: 'Steps' })
    .getByRole('list')
    .getByRole('button');
  const titles: string[] = [];
  for (const b of await buttons.all()) {
    if ((await b.getAttribute('aria-disabled')) === 'true') continue;
    const title = (await b.locator('.rail-title').textContent()) ?? (await b.textContent()) ?? '';
    titles.push(title.replace(/^\d+/, '').trim());
  }
  return titles;
}

/**
 * Audits every used step (what each shows after the walk so far): the whole page on the first
 * one, then the step pane (header, rail and Timeline do not change between steps; the machine
 * is slow and axe's contrast rule costs seconds per page).
 */
async function auditEveryStep(app: AppPage, found: Found[], flow: string): Promise<void> {
  let first = true;
  for (const title of await usedSteps(app.page)) {
    await app.open(title);
    await audit(app.page, `${flow} / ${title}`, found, first ? undefined : 'main');
    first = false;
  }
}

const heading = (region: Locator) => region.getByRole('heading', { level: 2 });

test('backend services: every step in both themes has no serious or critical axe violation', async ({
  page,
  host,
  smart,
}) => {
  const app = new AppPage(page);
  const found: Found[] = [];
  await page.goto(host.openUrl);
  await audit(page, 'backend / empty Profile', found);

  await app.createBackendProfile(smart.fhirBase, 'Axe SMART server');
  const jwks = await app.generateKeyForProfile('RSA-2048', 'RS384');
  smart.setClientJwks('e2e-backend', jwks as never);
  await audit(page, 'backend / Keys with a key', found);

  const discovery = await app.open('Discovery');
  await discovery.getByRole('button', { name: 'Discover' }).click();
  await expect(discovery.getByText(smart.tokenEndpoint).first()).toBeVisible();

  const assertion = await app.open('Client assertion');
  await assertion.getByRole('button', { name: 'Build assertion' }).click();
  await expect(assertion.getByText('No problems found').first()).toBeVisible();

  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await expect(tokenReq.getByText('{{client_assertion}}').first()).toBeVisible();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(tokenReq.getByText('Access token received', { exact: false })).toBeVisible();

  const resource = await app.open('Resource request');
  await resource.getByLabel('FHIR path').fill('Observation');
  await resource.getByRole('button', { name: 'Send GET' }).click();
  // A refusal: the findings cards (badges, basis chips) are audited too.
  await expect(resource.getByRole('list', { name: 'Findings' })).toBeVisible();

  await auditEveryStep(app, found, 'backend');

  // The shortcuts dialog and the glossary over the app.
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await audit(page, 'backend / Keyboard shortcuts dialog', found);
  await app.shootWindow('a11y-shortcuts-dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  expect(found, report(found)).toEqual([]);
});

test('authorization code: every step in both themes has no serious or critical axe violation', async ({
  page,
  context,
  host,
  smart,
}) => {
  const app = new AppPage(page);
  const found: Found[] = [];
  await page.goto(host.openUrl);
  await app.createPatientAppProfile(smart.fhirBase);

  // Before the sign-in: each step's empty state.
  await auditEveryStep(app, found, 'code flow, before sign-in');

  const auth = await app.open('Authorize');
  const signInTab = context.waitForEvent('page');
  await auth.getByRole('button', { name: 'Authorize in browser' }).click();
  const status = auth.getByRole('status', { name: 'Sign-in status' });
  await expect(status).toContainText(/waiting/i);
  await audit(page, 'code flow / Authorize waiting', found);
  const tab = await signInTab;
  await signInAtTestServer(tab);
  await expect(tab.getByText(/return to OAuth Flow Debugger/i)).toBeVisible();
  await tab.close();
  await expect(status).toContainText(/Signed in/i);

  const tokens = await app.open('Tokens');
  await expect(tokens.getByRole('heading', { name: /ID token/ })).toBeVisible();
  await tokens.getByRole('button', { name: 'Refresh now' }).click();
  await expect(tokens.getByText(/^Result: Refresh/)).toBeVisible();

  const resource = await app.open('Resource request');
  await resource.getByRole('button', { name: 'Send GET' }).click();
  await expect(resource.getByText(/HTTP \d{3}/).first()).toBeVisible();

  await auditEveryStep(app, found, 'code flow, signed in');

  expect(found, report(found)).toEqual([]);
});

test('the keyboard path: skip link first, focus on the step heading and on the result', async ({
  page,
  host,
  smart,
}) => {
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  await app.createBackendProfile(smart.fhirBase, 'Keyboard');

  // The skip link is the first Tab stop, visible when focused, and lands on the step heading.
  await page.reload();
  await expect(page.getByRole('banner')).toContainText('Keyboard');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the step' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await app.shootWindow('a11y-skip-link');
  await page.keyboard.press('Enter');
  await expect(heading(app.step('Profile'))).toBeFocused();

  // Alt+↓ goes to the next step and focuses its heading.
  await page.keyboard.press('Alt+ArrowDown');
  const discovery = app.step('Discovery');
  await expect(heading(discovery)).toBeFocused();

  // Ctrl+Enter runs Discover; focus goes to the result (not <body>) and the outcome is said.
  await page.keyboard.press('Control+Enter');
  await expect(discovery.getByText(smart.tokenEndpoint).first()).toBeVisible();
  await expect(page.getByRole('status', { name: 'Announcements' })).toContainText(/^Discover: /);
  await expect
    .poll(() =>
      page.evaluate(() => {
        const el = document.activeElement;
        return !!el && el !== document.body && !!el.closest('.results');
      }),
    )
    .toBe(true);

  // A click on a rail button moves focus to the new step's heading.
  await app.open('Keys');
  await expect(heading(app.step('Keys'))).toBeFocused();

  // From a profile card to the Keys step content: a few keys, not 44 Tabs.
  await app.open('Profile');
  await app
    .step('Profile')
    .getByRole('button', { name: /Keyboard/ })
    .first()
    .focus();
  const current = page.getByRole('navigation', { name: 'Steps' }).locator('[aria-current="step"]');
  let presses = 0;
  while (!((await current.textContent()) ?? '').includes('Keys') && presses < 6) {
    await page.keyboard.press('Alt+ArrowDown');
    presses++;
  }
  await expect(current).toContainText('Keys');
  await expect(heading(app.step('Keys'))).toBeFocused();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => !!document.activeElement?.closest('section.step'))).toBe(true);
  expect(presses).toBeLessThanOrEqual(5);
});
