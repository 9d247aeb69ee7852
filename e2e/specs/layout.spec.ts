import { SignJWT, generateKeyPair } from 'jose';
import { expect, test } from '../fixtures/app.js';
import { AppPage, signInAtTestServer } from '../pages/app-page.js';

// The layout check (issue 13): every step, with real content, at both window sizes and in both
// themes. No pane scrolls sideways, nothing sticks out of its pane, and the regions of the
// window do not overlap. A failure names the state, the size, the theme and the element.

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
const THEMES = ['light', 'dark'] as const;
// Full-page screenshots of every step (OFD_SCREENSHOTS) take minutes; so may a debugging run.
const SLOW = Boolean(process.env.OFD_SCREENSHOTS || process.env.LAYOUT_DEBUG);

/**
 * Runs in the page: what is wrong with the layout right now, one sentence per problem. Kept
 * self-contained (it is serialised into the page).
 */
function layoutProblems(): string[] {
  const measure = (): string[] => {
    const out: string[] = [];
    const describe = (el: Element) => {
      const cls =
        typeof el.className === 'string' && el.className.trim()
          ? `.${el.className.trim().split(/\s+/).join('.')}`
          : '';
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
      return `<${el.tagName.toLowerCase()}${cls}> "${text}"`;
    };
    const visible = (el: Element, r: DOMRect) =>
      r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== 'hidden';
    // Boxes that scroll sideways by design, as long as they themselves stay inside their pane.
    const scrollsByDesign = (el: Element) =>
      el.matches('pre, textarea, .seq-canvas, [data-scroll-x]');
    // Text fields scroll their own text; a shortened value says all of itself in its title.
    const ownText = (el: Element, cs: CSSStyleDeclaration) =>
      el.matches('input, select, textarea') ||
      (cs.textOverflow === 'ellipsis' && el.closest('[title]') !== null);

    /** The outermost descendants of `box` that reach past its visible width. */
    const stickingOut = (box: Element): string[] => {
      const b = box.getBoundingClientRect();
      const left = b.left + box.clientLeft;
      const right = left + box.clientWidth;
      const found: string[] = [];
      const span = (from: number, to: number) =>
        `(${Math.round(from - left)}..${Math.round(to - left)} px of ${Math.round(right - left)})`;
      const walk = (el: Element): boolean => {
        let any = false;
        for (const child of Array.from(el.children)) {
          const r = child.getBoundingClientRect();
          if (!visible(child, r)) continue;
          if (r.right > right + 1 || r.left < left - 1) {
            found.push(`${describe(child)} ${span(r.left, r.right)}`);
            any = true;
            continue;
          }
          // What a scrolling or clipping box holds is judged at that box.
          if (getComputedStyle(child).overflowX !== 'visible') continue;
          if (walk(child)) {
            any = true;
          } else if (r.left + child.scrollWidth > right + 1) {
            // No element inside reaches out: its own text does (a word too long to wrap).
            found.push(
              `the text of ${describe(child)} ${span(r.left, r.left + child.scrollWidth)}`,
            );
            any = true;
          }
        }
        return any;
      };
      walk(box);
      return found.slice(0, 3);
    };

    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      out.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth} px)`);
    }
    const regions: [string, Element | null][] = [
      ['header', document.querySelector('.app-header')],
      ['step rail', document.querySelector('nav.rail')],
      ['main pane', document.querySelector('main')],
      ['timeline pane', document.querySelector('.side') ?? document.querySelector('aside')],
    ];
    for (const [name, el] of regions) if (!el) out.push(`the ${name} is missing`);
    for (let i = 0; i < regions.length; i++) {
      for (let j = i + 1; j < regions.length; j++) {
        const a = regions[i]![1]?.getBoundingClientRect();
        const b = regions[j]![1]?.getBoundingClientRect();
        if (!a || !b) continue;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) {
          out.push(`the ${regions[i]![0]} and the ${regions[j]![0]} overlap (${w}×${h} px)`);
        }
      }
    }

    for (const [name, pane] of regions.slice(2)) {
      if (!pane) continue;
      if (pane.scrollWidth > pane.clientWidth + 1) {
        out.push(
          `the ${name} scrolls sideways (${pane.scrollWidth} > ${pane.clientWidth} px): ${stickingOut(pane).join('; ')}`,
        );
      }
      // Nothing reaches past the pane, scrolling boxes included.
      for (const s of stickingOut(pane)) out.push(`in the ${name}, ${s} sticks out of the pane`);
      for (const el of Array.from(pane.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (!visible(el, r)) continue;
        if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
        const cs = getComputedStyle(el);
        if (cs.overflowX === 'visible' || ownText(el, cs)) continue;
        if (scrollsByDesign(el) && cs.overflowX !== 'hidden' && cs.overflowX !== 'clip') continue;
        const how = cs.overflowX === 'hidden' || cs.overflowX === 'clip' ? 'clips' : 'scrolls';
        out.push(
          `in the ${name}, ${describe(el)} ${how} sideways (${el.scrollWidth} > ${el.clientWidth} px): ${stickingOut(el).join('; ')}`,
        );
      }
    }
    return out;
  };
  // Reading a box's size lays the page out first, so this sees the window as it is now.
  return measure();
}

/** Checks the window as it is now at both sizes and in both themes; returns what failed. */
async function checkAllSizes(app: AppPage, state: string): Promise<string[]> {
  const problems: string[] = [];
  for (const size of SIZES) {
    await app.page.setViewportSize(size);
    for (const theme of THEMES) {
      await app.page.emulateMedia({ colorScheme: theme });
      const t0 = Date.now();
      for (const p of await app.page.evaluate(layoutProblems)) {
        problems.push(`${state} at ${size.width}×${size.height}, ${theme}: ${p}`);
        if (process.env.LAYOUT_DEBUG) console.log('PROBLEM', problems.at(-1));
      }
      if (process.env.LAYOUT_DEBUG) console.log(state, size.width, theme, Date.now() - t0, 'ms');
    }
  }
  await app.page.emulateMedia({ colorScheme: 'light' });
  await app.page.setViewportSize(SIZES[0]);
  return problems;
}

/** Opens every step the rail offers and checks each one; `shots` names the screenshots. */
async function checkEveryStep(app: AppPage, state: string, shots?: string): Promise<string[]> {
  const problems: string[] = [];
  const titles = await app.railStepTitles();
  expect(titles.length).toBeGreaterThan(3);
  for (const [i, title] of titles.entries()) {
    // A step the profile's flow does not use is shown disabled, with its reason: nothing to open.
    const button = app.page
      .getByRole('navigation', { name: 'Steps' })
      .getByRole('button', { name: title, exact: true });
    if (await button.isDisabled()) continue;
    await app.open(title);
    await expect(app.page.locator('main [aria-busy="true"]')).toHaveCount(0);
    problems.push(...(await checkAllSizes(app, `${state}, step "${title}"`)));
    if (shots) await app.shootAt(`${shots}-${String(i + 1).padStart(2, '0')}-${title}`);
  }
  return problems;
}

test('backend services: every step fits at 1280×800 and 1920×1080, light and dark', async ({
  page,
  host,
  smart,
}) => {
  test.setTimeout(SLOW ? 900_000 : 180_000);
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  const problems = await checkEveryStep(app, 'no profile yet', 'layout-empty');

  await app.open('Profile');
  await app.createProfile({
    name: 'Layout check: a backend service with a long name that goes on and on',
    fhirBaseUrl: smart.fhirBase,
    clientId: 'e2e-backend',
    scope: 'system/Patient.rs system/Observation.rs system/Encounter.rs',
    method: 'private_key_jwt',
  });
  smart.setClientJwks('e2e-backend', (await app.generateKeyForProfile()) as never);
  const discovery = await app.open('Discovery');
  await discovery.getByRole('button', { name: 'Discover' }).click();
  await expect(discovery.getByText(smart.tokenEndpoint).first()).toBeVisible();
  const assertion = await app.open('Client assertion');
  await assertion.getByRole('button', { name: 'Build assertion' }).click();
  await expect(assertion.getByText('No problems found')).toBeVisible();
  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(tokenReq.getByText('200', { exact: false }).first()).toBeVisible();
  const resource = await app.open('Resource request');
  await resource.getByLabel('FHIR path').fill('Patient?_count=1');
  await resource.getByRole('button', { name: 'Send GET' }).click();
  await expect(resource.getByText('"resourceType": "Bundle"').first()).toBeVisible();
  // An exchange opened in the timeline shows its raw request and response.
  const timeline = page.getByRole('complementary', { name: 'Timeline' });
  await timeline.getByRole('button', { name: /token/ }).first().click();
  problems.push(...(await checkEveryStep(app, 'backend services, token obtained', 'layout-bs')));

  // A refused request: the assertion's aud is wrong, the findings cite their sources.
  await app.open('Client assertion');
  const claims = assertion.getByLabel('Claims JSON');
  const edited = JSON.parse(await claims.inputValue()) as Record<string, unknown>;
  edited.aud = `${smart.issuer}/wrong/token/${'x'.repeat(120)}`;
  await claims.fill(JSON.stringify(edited, null, 2));
  await assertion.getByRole('button', { name: 'Rebuild with edits' }).click();
  await expect(assertion.getByText('ASSERTION_AUD_MISMATCH').first()).toBeVisible();
  problems.push(...(await checkAllSizes(app, 'refused request, step "Client assertion"')));
  await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(
    tokenReq.getByRole('listitem').filter({ hasText: 'ASSERTION_AUD_MISMATCH' }).first(),
  ).toBeVisible();
  problems.push(...(await checkAllSizes(app, 'refused request, step "Token request"')));
  await app.shootAt('layout-refused-token-request');

  expect(problems, problems.join('\n')).toEqual([]);
});

test('the Inspector with a long pasted token and error fits at both sizes and themes', async ({
  page,
  host,
}) => {
  if (SLOW) test.setTimeout(900_000);
  const { privateKey } = await generateKeyPair('RS256');
  const longUrl = `https://fhir.example-hospital.org/tenants/${'a1b2c3d4'.repeat(12)}/protocols/oauth2/profiles/smart-v1/token`;
  const jwt = await new SignJWT({ jti: 'x'.repeat(90), scope: 'system/Patient.read '.repeat(8) })
    .setProtectedHeader({ alg: 'RS256', kid: `kid-${'k'.repeat(80)}`, typ: 'JWT' })
    .setIssuer(`cust-${'i'.repeat(70)}`)
    .setSubject(`cust-${'i'.repeat(70)}`)
    .setAudience(longUrl)
    .setIssuedAt()
    .setExpirationTime('4m')
    .sign(privateKey);
  const errorBody = JSON.stringify({
    error: 'invalid_client',
    error_description: `The audience ${longUrl} is not accepted; expected ${longUrl.replace('smart-v1', 'smart-v2')}`,
    error_uri: `${longUrl}/errors/${'e'.repeat(60)}`,
  });

  const app = new AppPage(page);
  await page.goto(host.openUrl);
  const inspector = await app.open('Inspector');
  await inspector.getByRole('textbox', { name: 'Evidence 1' }).fill(jwt);
  await inspector.getByRole('button', { name: 'Add another piece' }).click();
  await inspector.getByRole('textbox', { name: 'Evidence 2' }).fill(errorBody);
  await inspector.getByText('Keys and context (optional)').click();
  await inspector.getByLabel('HTTP status').fill('401');
  // The check itself finds what it looks for: a line too long for the pane, named by its class.
  await page.evaluate(() => {
    const probe = document.createElement('p');
    probe.className = 'layout-probe';
    probe.style.whiteSpace = 'nowrap';
    probe.textContent = 'x'.repeat(400);
    document.querySelector('main')!.append(probe);
  });
  const probed = (await page.evaluate(layoutProblems)).join('\n');
  expect(probed).toContain('the main pane scrolls sideways');
  expect(probed).toContain('the text of <p.layout-probe> "xxxx');
  await page.locator('main .layout-probe').evaluate((e) => e.remove());
  expect(await page.evaluate(layoutProblems)).toEqual([]);

  const problems = await checkAllSizes(app, 'Inspector, filled in');
  await inspector.getByRole('button', { name: 'Inspect' }).click();
  await expect(
    inspector.getByLabel('Inspector results').getByRole('list', { name: 'Most likely cause' }),
  ).toBeVisible();
  problems.push(...(await checkAllSizes(app, 'Inspector, results')));
  await app.shootAt('layout-inspector-results');
  expect(problems, problems.join('\n')).toEqual([]);
});

test('authorization code: every step fits after signing in, at both sizes and themes', async ({
  page,
  context,
  host,
  smart,
}) => {
  test.setTimeout(SLOW ? 900_000 : 180_000);
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  await app.createPatientAppProfile(smart.fhirBase, 'Layout check: patient app');

  const auth = await app.open('Authorize');
  const problems = await checkAllSizes(app, 'Authorize, the plan');
  const signInTab = context.waitForEvent('page');
  await auth.getByRole('button', { name: 'Authorize in browser' }).click();
  const status = auth.getByRole('status', { name: 'Sign-in status' });
  await expect(status).toContainText(/waiting/i);
  problems.push(...(await checkAllSizes(app, 'Authorize, waiting for the browser')));
  const tab = await signInTab;
  await signInAtTestServer(tab);
  await expect(tab.getByText(/return to OAuth Flow Debugger/i)).toBeVisible();
  await tab.close();
  await expect(status).toContainText(/Signed in/i);
  problems.push(...(await checkEveryStep(app, 'authorization code, signed in', 'layout-ac')));
  expect(problems, problems.join('\n')).toEqual([]);
});
