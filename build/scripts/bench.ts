// `npm run bench`: performance figures, each printed with its target. Ratios are measured against
// a baseline in the same run; nothing here is a timed test assertion.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SignJWT, importPKCS8 } from 'jose';
import { revealInvisible } from '../../shared/visible-text.js';
import { chromium } from '@playwright/test';
import { completeDevLogin, startSmartServer } from '../../electron/testing/smart-server.js';
import { Engine } from '../../electron/core/engine.js';
import { nodePorts } from '../../electron/core/node-ports.js';
import { startWebHost } from '../../electron/web-host/server.js';
import { MAX_EXCHANGES } from '../../electron/core/features/timeline.js';
import { must, waitForAuthorization } from '../../electron/core/test-helpers.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: { name: string; value: string; target: string; ok: boolean }[] = [];
const report = (name: string, value: string, target: string, ok: boolean) => {
  rows.push({ name, value, target, ok });
  console.log(`${ok ? 'MET ' : 'MISS'}  ${name}: ${value} (target ${target})`);
};
/** A figure printed for context, with no target of its own. */
const info = (name: string, value: string) => console.log(`INFO  ${name}: ${value}`);

// ---- Start-up (issue 10): the bin, `serve` and `npm start`, each spawned as a user would. ----

/** Profiles and keys of the spawned hosts go to a throwaway folder, never the user's. */
const startEnv = { ...process.env, OFD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ofd-bench-data-')) };
const TSX_NOTE = 'running the CLI from its TypeScript sources';

/** Runs an incremental build script (as `npm start` does); true when it had to build. */
function buildStep(script: string) {
  const r = spawnSync(process.execPath, [`build/scripts/${script}`, '--if-stale', '--quiet'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return r.stderr.includes('Built ');
}

const timeSpawn = (args: string[]) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env: startEnv, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stderr: r.stderr };
};

function cliHelp(n = 15) {
  buildStep('build-cli.mjs');
  const bin: number[] = [];
  const base: number[] = [];
  let viaTsx = 0;
  timeSpawn(['-e', '0']);
  timeSpawn(['electron/cli/bin.mjs', '--help']);
  for (let i = 0; i < n; i++) {
    // As npm start does: a source edited meanwhile (by someone else) would send the bin to tsx.
    buildStep('build-cli.mjs');
    base.push(timeSpawn(['-e', '0']).ms);
    const r = timeSpawn(['electron/cli/bin.mjs', '--help']);
    if (r.stderr.includes(TSX_NOTE)) viaTsx++;
    bin.push(r.ms);
  }
  const ratio = median(bin) / median(base);
  report(
    `cold \`oauth-flow-debugger --help\`, median of ${n} (${median(bin).toFixed(0)} ms vs \`node -e 0\` ${median(base).toFixed(0)} ms)${viaTsx ? `; ${viaTsx} runs went through tsx: a source changed during the run` : ''}`,
    `ratio ${ratio.toFixed(2)}`,
    '≤ 2',
    ratio <= 2,
  );
}

interface Spawned {
  /** ms from the spawn to the line with the URL. */
  urlMs: number;
  url: string;
  /** Everything printed up to a short while after the URL. */
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns a command that serves the UI (in its own process group) and waits for the URL. */
async function spawnServing(
  cmd: string,
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<Spawned> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { env: { ...startEnv, ...env }, detached: true });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await exited;
    }
  };
  try {
    const { url, urlMs } = await new Promise<{ url: string; urlMs: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs} ms`)), timeoutMs);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\/#token=\w+/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve({ url: m[0], urlMs: performance.now() - t0 });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(() => reject(new Error(`exited before printing a URL: ${out}`)));
    });
    return { url, urlMs, output: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

const urlCount = (s: string) => s.match(/https?:\/\/\S+/g)?.length ?? 0;
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function npmStart(runs = 3) {
  buildStep('build-renderer.mjs');
  buildStep('build-cli.mjs');
  // The web path, as on a machine without the Electron binary or a display.
  const env = { OFD_WEB: '1' };
  const times: number[] = [];
  let rebuiltWhenUnchanged = false;
  const urls = new Set<number>();
  for (let i = 0; i < runs; i++) {
    const s = await spawnServing('npm', ['start'], 60_000, env);
    await settle(300);
    await s.stop();
    times.push(s.urlMs);
    if (s.output().includes('Built the renderer')) rebuiltWhenUnchanged = true;
    urls.add(urlCount(s.output()));
  }
  report(
    `\`npm start\` (web) spawned → URL printed, nothing changed, median of ${runs}`,
    `${median(times).toFixed(0)} ms, renderer ${rebuiltWhenUnchanged ? 'rebuilt' : 'not rebuilt'}, ${[...urls].join('/')} URL(s) printed`,
    'no renderer build, one URL',
    !rebuiltWhenUnchanged && urls.size === 1 && urls.has(1),
  );
  // A renderer rebuild needed: what an edit under renderer/ or shared/ causes.
  rmSync('out/renderer.stamp.json', { force: true });
  const s = await spawnServing('npm', ['start'], 120_000, env);
  await settle(300);
  await s.stop();
  const rebuilt = s.output().includes('Built the renderer');
  report(
    '`npm start` (web) spawned → URL printed, renderer rebuild needed',
    `${s.urlMs.toFixed(0)} ms, renderer ${rebuilt ? 'rebuilt' : 'not rebuilt'}, ${urlCount(s.output())} URL(s) printed`,
    'renderer rebuilt, one URL',
    rebuilt && urlCount(s.output()) === 1,
  );
}

async function serveToFirstStep(runs = 5) {
  buildStep('build-renderer.mjs');
  buildStep('build-cli.mjs');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const toUrl: number[] = [];
  const toStep: number[] = [];
  const base: number[] = [];
  let viaTsx = 0;
  try {
    for (let i = 0; i <= runs; i++) {
      base.push(timeSpawn(['-e', '0']).ms);
      // An open browser, with a blank page, before the spawn.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto('about:blank');
      buildStep('build-cli.mjs');
      const t0 = performance.now();
      const s = await spawnServing(process.execPath, ['electron/cli/bin.mjs', 'serve'], 30_000);
      try {
        await page.goto(s.url);
        await page
          .getByRole('heading', { name: 'Profile', level: 2 })
          .waitFor({ state: 'visible' });
        // The first run warms the OS file cache and Chromium; it is not counted.
        if (i > 0) {
          toStep.push(performance.now() - t0);
          toUrl.push(s.urlMs);
        }
        if (s.output().includes(TSX_NOTE)) viaTsx++;
      } finally {
        await s.stop();
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  const tsx = viaTsx ? ` (${viaTsx} runs went through tsx: a source changed during the run)` : '';
  info(
    `\`oauth-flow-debugger serve\` spawned → URL printed, median of ${runs}`,
    `${median(toUrl).toFixed(0)} ms (\`node -e 0\`: ${median(base).toFixed(0)} ms)`,
  );
  report(
    `\`oauth-flow-debugger serve\` spawned → first step visible in an open headless Chromium, median of ${runs}${tsx}`,
    `${median(toStep).toFixed(0)} ms (${(median(toStep) / median(base)).toFixed(1)}× \`node -e 0\`)`,
    '≤ 1000 ms',
    median(toStep) <= 1000,
  );
}

/** issue 12: SIGINT (Ctrl-C) to `demo` with the practice server running → the process has exited. */
async function demoStops(runs = 5) {
  buildStep('build-cli.mjs');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), 'ofd-bench-demo-'));
    const child = spawn(process.execPath, ['electron/cli/bin.mjs', 'demo', '--out', out], {
      env: startEnv,
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    let text = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('Press Ctrl-C to stop.')) resolve();
      });
      void exited.then(() => reject(new Error(`demo exited early: ${text}`)));
    });
    const t0 = performance.now();
    child.kill('SIGINT');
    await exited;
    times.push(performance.now() - t0);
    rmSync(out, { recursive: true, force: true });
  }
  report(
    `SIGINT to \`demo\` (practice server) → process exited, median of ${runs}`,
    `${median(times).toFixed(0)} ms`,
    '≤ 1000 ms',
    median(times) <= 1000,
  );
}

/** issue 11: SIGTERM to `serve` with a JWKS host running → the process has exited. */
async function serveStops(runs = 5) {
  buildStep('build-cli.mjs');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await spawnServing(process.execPath, ['electron/cli/bin.mjs', 'serve'], 30_000);
    const url = new URL(s.url);
    const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
    const call = (method: string, ...args: unknown[]) =>
      fetch(new URL(`/api/${method}`, url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ofd-token': token },
        body: JSON.stringify({ args }),
      }).then((r) => r.json() as Promise<{ ok: boolean; value: { id: string } }>);
    const key = await call('generateKey', { kind: 'EC-P-256', alg: 'ES256' });
    await call('hostJwks', { keyIds: [key.value.id] });
    const t0 = performance.now();
    await s.stop();
    times.push(performance.now() - t0);
  }
  report(
    `SIGTERM to \`serve\` (web host + JWKS host) → process exited, median of ${runs}`,
    `${median(times).toFixed(0)} ms`,
    '≤ 1000 ms',
    median(times) <= 1000,
  );
}

async function tokenExchangeOverhead(n = 200) {
  const ports = nodePorts({ ephemeral: true });
  const engine = new Engine(ports);
  const key = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
  const server = await startSmartServer({
    clients: [
      {
        client_id: 'bench',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [key.publicJwk as never] },
      },
    ],
  });
  const profile = must(
    await engine.saveProfile({
      name: 'bench',
      fhirBaseUrl: server.fhirBase,
      clientId: 'bench',
      scope: 'system/Patient.rs',
      auth: { method: 'private_key_jwt', keyId: key.id, alg: 'RS384' },
    }),
  );
  // The baseline signs with the same key; its PEM lives in a private temp dir only while read.
  const keyDir = mkdtempSync(join(tmpdir(), 'ofd-bench-'));
  const pemPath = join(keyDir, 'private-key.pem');
  must(await engine.exportPrivateKey({ keyId: key.id, path: pemPath }));
  const privateKey = await importPKCS8(readFileSync(pemPath, 'utf8'), 'RS384');
  rmSync(keyDir, { recursive: true, force: true });

  const viaEngine = async () => {
    const d = must(await engine.prepareTokenRequest({ profileId: profile.id }));
    const r = must(await engine.sendTokenRequest({ draftId: d.id }));
    if (!r.ok) throw new Error(`engine exchange failed: ${r.findings[0]?.code}`);
  };
  const bare = async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({
      iss: 'bench',
      sub: 'bench',
      aud: server.tokenEndpoint,
      jti: randomBytes(16).toString('hex'),
    })
      .setProtectedHeader({ alg: 'RS384', kid: key.kid, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    const res = await fetch(server.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/Patient.rs',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: jwt,
      }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error('baseline exchange failed');
  };
  for (let i = 0; i < 10; i++) {
    await viaEngine();
    await bare();
  }
  must(await engine.clearExchanges());
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    await viaEngine();
    a.push(performance.now() - t);
    t = performance.now();
    await bare();
    b.push(performance.now() - t);
    if (i % 50 === 49) must(await engine.clearExchanges());
  }
  await server.close();
  const ratio = median(a) / median(b);
  report(
    `token exchange overhead, median of ${n} (engine ${median(a).toFixed(2)} ms vs bare fetch + jose ${median(b).toFixed(2)} ms)`,
    `ratio ${ratio.toFixed(3)}`,
    '≤ 1.15',
    ratio <= 1.15,
  );
}

/** issue 11: hostile-text reveal of a 900 KB answer body, against JSON.parse of the same body. */
function revealLargeBody(runs = 15) {
  const text = '{"a":"b"}'.repeat(100_000);
  const body = `[${'{"a":"b"},'.repeat(99_999)}{"a":"b"}]`;
  const time = (f: () => unknown) => {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      f();
      t.push(performance.now() - t0);
    }
    return median(t);
  };
  const reveal = time(() => revealInvisible(text));
  const parse = time(() => JSON.parse(body));
  report(
    `revealing hidden characters in a 900 KB body, median of ${runs} (${reveal.toFixed(1)} ms vs JSON.parse of it ${parse.toFixed(1)} ms)`,
    `ratio ${(reveal / parse).toFixed(2)}`,
    '≤ 10',
    reveal / parse <= 10,
  );
}

function rendererSize() {
  const dir = 'out/renderer/assets';
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.js'));
  } catch {
    report('renderer initial JavaScript (gzipped)', 'not built', '≤ 250 KB', false);
    return;
  }
  const html = readFileSync('out/renderer/index.html', 'utf8');
  const initial = files.filter((f) => html.includes(f));
  const bytes = initial.reduce((s, f) => s + gzipSync(readFileSync(join(dir, f))).length, 0);
  report(
    'renderer initial JavaScript (gzipped)',
    `${(bytes / 1024).toFixed(1)} KB`,
    '≤ 250 KB',
    bytes <= 250 * 1024,
  );
}

async function browserFigures() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const ports = nodePorts({ ephemeral: true });
      const host = await startWebHost({
        api: new Engine(ports),
        hub: ports.hub,
        rendererDir: 'out/renderer',
      });
      await page.goto(host.openUrl);
      await page.getByRole('heading', { name: 'Profile', level: 2 }).waitFor({ state: 'visible' });
      starts.push(performance.now() - t0);
      if (i < 4) await host.close();
      else {
        // 64 KB JWT: decode + lint + render in the Tokens view, timed from the click to the claims on screen.
        // A new claim name per run, so a result left on screen by the previous run never counts.
        const big = (k: number) => ({
          iss: 'https://as.example',
          sub: 'svc',
          aud: 'https://fhir.example',
          exp: Math.floor(Date.now() / 1000) + 300,
          [`blob${k}`]: 'x'.repeat(64 * 1024),
        });
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const jwtFor = (k: number) =>
          `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(big(k))}.${randomBytes(256).toString('base64url')}`;
        await page.getByRole('button', { name: 'Tokens', exact: true }).click();
        const region = page.getByRole('region', { name: 'Tokens' });
        const times: number[] = [];
        for (let k = 0; k < 5; k++) {
          await region.getByLabel('Token to decode').fill(jwtFor(k));
          // Timed inside the page, from the click to the next frame after the claims are in the
          // DOM, so Playwright's own round trips are not counted.
          const ms = await page.evaluate(
            (name) =>
              new Promise<number>((resolve) => {
                const heading = [...document.querySelectorAll('h2')].find(
                  (h) => h.textContent === 'Tokens',
                )!;
                const section = heading.closest('section')!;
                const button = [...section.querySelectorAll('button')].find(
                  (b) => b.textContent?.trim() === 'Decode',
                )!;
                const t0 = performance.now();
                const obs = new MutationObserver(() => {
                  if (
                    [...section.querySelectorAll('th code')].some((c) => c.textContent === name)
                  ) {
                    obs.disconnect();
                    requestAnimationFrame(() => resolve(performance.now() - t0));
                  }
                });
                obs.observe(section, { subtree: true, childList: true, characterData: true });
                button.click();
              }),
            `blob${k}`,
          );
          times.push(ms);
          await region.getByLabel('Token to decode').fill('');
        }
        report(
          'decode + lint + render of a 64 KB JWT in the Tokens view (median of 5)',
          `${median(times).toFixed(1)} ms`,
          '≤ 50 ms',
          median(times) <= 50,
        );
        await host.close();
      }
    }
    report(
      'web-host start to first step visible (median of 5)',
      `${median(starts).toFixed(0)} ms`,
      '≤ 1500 ms',
      median(starts) <= 1500,
    );
  } finally {
    await browser.close();
  }
}

/**
 * RFC 8252 loopback listener: time from the browser's redirect leaving (fetch to the listener) to
 * the code exchange arriving at the token endpoint, against a baseline of one plain loopback HTTP
 * request reaching the same server (the part of that time the listener cannot avoid).
 */
async function loopbackOverhead(n = 15) {
  let tokenArrived = 0;
  let baselineArrived = 0;
  const server = await startSmartServer({
    clients: [
      {
        client_id: 'bench-native',
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['http://127.0.0.1/callback'],
      },
    ],
    onRequest: (method, path) => {
      if (method === 'POST' && path === '/token') tokenArrived = performance.now();
      if (path === '/bench-baseline') baselineArrived = performance.now();
    },
  });
  const engine = new Engine(nodePorts({ ephemeral: true }));
  const profile = must(
    await engine.saveProfile({
      name: 'bench-native',
      flow: 'authorization-code',
      fhirBaseUrl: server.fhirBase,
      clientId: 'bench-native',
      scope: 'openid fhirUser launch/patient patient/*.rs',
      auth: { method: 'none' },
    }),
  );
  must(await engine.discover({ profileId: profile.id }));
  const added: number[] = [];
  const baselines: number[] = [];
  for (let i = 0; i < n; i++) {
    const flow = must(await engine.startAuthorization({ profileId: profile.id, open: false }));
    const redirect = await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri });
    let t0 = performance.now();
    await fetch(`${server.issuer}/bench-baseline`).then((r) => r.arrayBuffer());
    baselines.push(baselineArrived - t0);
    t0 = performance.now();
    const page = fetch(redirect).then((r) => r.text());
    const done = await waitForAuthorization(engine, flow.id);
    await page;
    if (done.status !== 'done') throw new Error(`authorization ${done.status}`);
    added.push(tokenArrived - t0);
  }
  await server.close();
  const overhead = median(added) - median(baselines);
  report(
    `loopback listener: redirect to code exchange sent (median of ${n}, minus a plain loopback request ${median(baselines).toFixed(2)} ms)`,
    `${overhead.toFixed(2)} ms`,
    '≤ 5 ms',
    overhead <= 5,
  );
}

/**
 * An 8 MB paste refused by a capped box (issue 11: no freeze over 200 ms while refusing). Reading
 * the pasted text once (clipboardData.getData) is the browser's own cost and cannot be avoided to
 * know its size, so the figure is the longest main-thread task of the app's refusal against a bare
 * textarea whose paste handler only reads the text and cancels, in the same page.
 */
async function pasteRefusal() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const ports = nodePorts({ ephemeral: true });
  const host = await startWebHost({
    api: new Engine(ports),
    hub: ports.hub,
    rendererDir: 'out/renderer',
  });
  try {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(host.url).origin,
    });
    const page = await context.newPage();
    await page.goto(host.openUrl);
    await page.getByRole('button', { name: 'Tokens', exact: true }).click();
    await page.evaluate(() => {
      const w = window as unknown as { longest: number };
      w.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
      }).observe({ type: 'longtask' });
      const bare = document.createElement('textarea');
      bare.id = 'bench-bare';
      bare.addEventListener('paste', (e) => {
        void e.clipboardData?.getData('text').length;
        e.preventDefault();
      });
      document.body.append(bare);
    });
    await page.evaluate(() => navigator.clipboard.writeText('x'.repeat(8 * 1024 * 1024)));
    const longestOf = async (focus: () => Promise<void>) => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        await focus();
        await page.waitForTimeout(300);
        await page.evaluate(() => ((window as unknown as { longest: number }).longest = 0));
        await page.keyboard.press('Control+V');
        await page.waitForTimeout(1200);
        out.push(await page.evaluate(() => (window as unknown as { longest: number }).longest));
      }
      return median(out);
    };
    const app = await longestOf(() => page.getByLabel('Token to decode').focus());
    const refused = await page.getByRole('alert').filter({ hasText: 'Not added' }).count();
    const bare = await longestOf(() => page.locator('#bench-bare').focus());
    const ratio = app / Math.max(bare, 1);
    report(
      `8 MB paste into "Token to decode" refused (${refused ? 'refusal shown' : 'NO refusal shown'}), longest main-thread task, median of 3: ${app.toFixed(0)} ms vs a bare read-and-cancel of the same paste ${bare.toFixed(0)} ms`,
      `ratio ${ratio.toFixed(2)}`,
      "≤ 1.25 (reading the pasted text once is the browser's own cost)",
      refused > 0 && ratio <= 1.25,
    );
  } finally {
    await host.close();
    await browser.close();
  }
}

/**
 * issue 12 §2: a 100 MB HAR (one refused token exchange among images, scripts, fonts and
 * analytics) to findings, in a child process each: by path (the CLI, the Electron dialog), and
 * streamed to the web host's upload route then inspectFile (the browser). Memory: the child's
 * peak RSS over its RSS just before, as a ratio to the file's size.
 */
async function largeHar() {
  const { BIG_HAR_CLIENT, recordFailingExchange, writeBigHar } =
    await import('../../electron/testing/big-har.js');
  const smart = await startSmartServer({ clients: [BIG_HAR_CLIENT] });
  const dir = mkdtempSync(join(tmpdir(), 'ofd-bench-har-'));
  const file = join(dir, 'sign-in.har');
  try {
    const written = await writeBigHar(file, {
      bytes: 100 * 1024 * 1024,
      oauth: await recordFailingExchange(smart),
    });
    const root = process.cwd();
    const child = (script: string) => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, root, file],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{'))
        throw new Error(r.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${r.status}`);
      return JSON.parse(line) as {
        ms: number;
        peak: number;
        base: number;
        kept: number;
        codes: string[];
      };
    };
    const byPath = child(`
      const [root, file] = process.argv.slice(1);
      const { Engine } = await import(root + '/electron/core/engine.ts');
      const { nodePorts } = await import(root + '/electron/core/node-ports.ts');
      const engine = new Engine(nodePorts({ ephemeral: true }));
      // Warm up: the engine's modules loaded and the Inspector run once on a tiny HAR.
      await engine.inspect({ items: [{ text: '{"log":{"entries":[{"request":{"method":"POST","url":"https://a.example/token","headers":[],"postData":{"text":"grant_type=client_credentials"}},"response":{"status":401,"headers":[],"content":{"text":"{\\"error\\":\\"invalid_client\\"}"}}}]}}' }] });
      globalThis.gc?.();
      const base = process.memoryUsage().rss;
      let peak = base;
      const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const t0 = performance.now();
      const r = await engine.inspectFile({ path: file });
      const ms = performance.now() - t0;
      clearInterval(t);
      peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
      if (!r.ok) throw new Error(r.error.message);
      console.log(JSON.stringify({ ms, peak, base, kept: r.value.largeFile.kept, codes: r.value.findings.map((f) => f.code) }));
    `);
    const upload = child(`
      const [root, file] = process.argv.slice(1);
      const { createReadStream, writeFileSync, mkdtempSync } = await import('node:fs');
      const { Readable } = await import('node:stream');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { Engine } = await import(root + '/electron/core/engine.ts');
      const { nodePorts } = await import(root + '/electron/core/node-ports.ts');
      const { startWebHost } = await import(root + '/electron/web-host/server.ts');
      const ports = nodePorts({ ephemeral: true });
      const rendererDir = mkdtempSync(join(tmpdir(), 'ofd-bench-r-'));
      writeFileSync(join(rendererDir, 'index.html'), '');
      const engine = new Engine(ports);
      const host = await startWebHost({ api: engine, hub: ports.hub, rendererDir });
      // Warm up as by path: the engine's modules loaded and the Inspector run once on a tiny HAR.
      await engine.inspect({ items: [{ text: '{"log":{"entries":[{"request":{"method":"POST","url":"https://a.example/token","headers":[],"postData":{"text":"grant_type=client_credentials"}},"response":{"status":401,"headers":[],"content":{"text":"{\\"error\\":\\"invalid_client\\"}"}}}]}}' }] });
      const base = process.memoryUsage().rss;
      const t0 = performance.now();
      const up = await (await fetch(host.url + '/upload', { method: 'POST', duplex: 'half', headers: { 'x-ofd-token': host.token }, body: Readable.toWeb(createReadStream(file)) })).json();
      if (!up.ok) throw new Error(up.error.message);
      const r = await (await fetch(host.url + '/api/inspectFile', { method: 'POST', headers: { 'content-type': 'application/json', 'x-ofd-token': host.token }, body: JSON.stringify({ args: [{ uploadId: up.value.uploadId }] }) })).json();
      const ms = performance.now() - t0;
      await host.close();
      if (!r.ok) throw new Error(r.error.message);
      console.log(JSON.stringify({ ms, peak: process.resourceUsage().maxRSS * 1024, base, kept: r.value.largeFile.kept, codes: r.value.findings.map((f) => f.code) }));
    `);
    const mb = written.bytes / 1048576;
    info(
      '100 MB HAR',
      `${mb.toFixed(0)} MB, ${written.entries} entries (${written.noise} noise); kept ${byPath.kept}, cause ${byPath.codes[0] ?? 'none'}`,
    );
    report(
      `${mb.toFixed(0)} MB HAR to findings by path (CLI, Electron dialog), in a child process`,
      `${byPath.ms.toFixed(0)} ms`,
      '≤ 3000 ms',
      byPath.ms <= 3000 && byPath.kept === 2,
    );
    const ratio = (byPath.peak - byPath.base) / written.bytes;
    report(
      `${mb.toFixed(0)} MB HAR by path: peak RSS over the RSS before, as a ratio to the file (${((byPath.peak - byPath.base) / 1048576).toFixed(0)} MB)`,
      `ratio ${ratio.toFixed(2)}`,
      '≤ 2.5',
      ratio <= 2.5,
    );
    report(
      `${mb.toFixed(0)} MB HAR streamed to the web host's upload route, then inspectFile`,
      `${upload.ms.toFixed(0)} ms`,
      '≤ 3000 ms',
      upload.ms <= 3000 && upload.kept === 2,
    );
    const upRatio = (upload.peak - upload.base) / written.bytes;
    info('100 MB HAR upload: peak RSS over the RSS before, ratio to the file', upRatio.toFixed(2));
  } finally {
    await smart.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * issue 12 §Tests: a long timeline renders in ≤ 300 ms (the first page asked for to every
 * exchange in the windowed list, painted) and never blocks the main thread > 100 ms (longest task
 * meanwhile); one more exchange pushed on top of them costs a short task too. The engine holds at
 * most 5,000 exchanges (the saved timeline's bound, issue 12 §2), so the longest timeline a page
 * can be given is that: a saved timeline of 5,000 at its bound, after a restart. (That the
 * windowed list draws 10,000 with < 100 rows in the DOM is a renderer test.)
 */
async function timelineTenThousand() {
  buildStep('build-renderer.mjs');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const exchanges = Array.from({ length: MAX_EXCHANGES }, (_, i) => ({
    id: `bench-x${i}`,
    step: ['Discovery', 'Token request', 'Resource request', 'Userinfo'][i % 4]!,
    runId: `bench-r${Math.floor(i / 50)}`,
    profileId: 'bench-profile',
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    durationMs: 12,
    request: {
      method: 'POST',
      url: `https://ehr.example/token?i=${i}`,
      headers: [['content-type', 'application/x-www-form-urlencoded']] as [string, string][],
      body: 'grant_type=client_credentials&client_assertion={{client_assertion}}',
    },
    response: {
      status: i % 7 ? 200 : 401,
      statusText: i % 7 ? 'OK' : 'Unauthorized',
      headers: [['content-type', 'application/json']] as [string, string][],
      body:
        i % 7
          ? '{"access_token":"{{access_token}}","expires_in":300}'
          : '{"error":"invalid_client"}',
      bodyBytes: 60,
      truncated: false,
    },
    curl: `curl -X POST 'https://ehr.example/token?i=${i}'`,
  }));
  const runs = Array.from({ length: MAX_EXCHANGES / 50 }, (_, r) => ({
    id: `bench-r${r}`,
    profileId: 'bench-profile',
    flow: 'backend-services',
    startedAt: exchanges[r * 50]!.startedAt,
  }));
  const dataDir = mkdtempSync(join(tmpdir(), 'ofd-bench-timeline-'));
  writeFileSync(
    join(dataDir, 'timeline.json'),
    JSON.stringify({
      format: 'oauth-flow-debugger-timeline',
      version: 1,
      exchanges,
      runs,
      dropped: { runs: 0, exchanges: 0 },
    }),
  );
  const ports = nodePorts({ dataDir });
  const host = await startWebHost({
    api: new Engine(ports),
    hub: ports.hub,
    rendererDir: 'out/renderer',
  });
  try {
    const figures: {
      render: number;
      first: number;
      longest: number;
      perHop: number;
      tenThousand: number;
      tenLongest: number;
    }[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // When the first page of exchanges is asked for, and every long task from then on.
      await page.addInitScript(() => {
        const w = window as unknown as {
          askedAt: number;
          longest: number;
          firstAt: number;
          pushAt: number;
        };
        w.askedAt = 0;
        w.longest = 0;
        w.firstAt = 0;
        w.pushAt = 0;
        // When the first rows are in the list, painted.
        const seen = new MutationObserver(() => {
          if (!w.askedAt || !document.querySelector('[data-exchange-id]')) return;
          seen.disconnect();
          requestAnimationFrame(() => setTimeout(() => (w.firstAt = performance.now()), 0));
        });
        document.addEventListener('DOMContentLoaded', () =>
          seen.observe(document.body, { childList: true, subtree: true }),
        );
        // When a large event message (thousands of exchanges pushed) reaches the page, before
        // the page's own handler parses it.
        const Socket = window.WebSocket;
        window.WebSocket = class extends Socket {
          constructor(...a: ConstructorParameters<typeof WebSocket>) {
            super(...a);
            this.addEventListener('message', (e: MessageEvent) => {
              if (typeof e.data === 'string' && e.data.length > 1_000_000)
                w.pushAt = performance.now();
            });
          }
        };
        const fetch0 = window.fetch.bind(window);
        window.fetch = (input, init) => {
          if (!w.askedAt && String(input).endsWith('/api/listExchangesPage'))
            w.askedAt = performance.now();
          return fetch0(input, init);
        };
        new PerformanceObserver((list) => {
          for (const e of list.getEntries())
            if (w.askedAt && e.startTime >= w.askedAt) w.longest = Math.max(w.longest, e.duration);
        }).observe({ type: 'longtask' });
      });
      await page.goto(host.openUrl);
      // Every exchange and its run headers (one per 50) are in the windowed list.
      const size = exchanges.length + runs.length;
      await page.waitForFunction(
        (n) => document.querySelector(`[aria-setsize="${n}"]`) !== null,
        size,
        { timeout: 30_000 },
      );
      const render = await page.evaluate(
        () =>
          new Promise<number>((done) =>
            requestAnimationFrame(() =>
              setTimeout(
                () => done(performance.now() - (window as unknown as { askedAt: number }).askedAt),
                0,
              ),
            ),
          ),
      );
      await page.waitForTimeout(300);
      const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
      // One more exchange on top of them: what every hop of a flow costs the page.
      await page.evaluate(() => void ((window as unknown as { longest: number }).longest = 0));
      ports.hub.emit('exchanges', {
        total: exchanges.length + 1,
        after: exchanges[exchanges.length - 1]!.id,
        appended: [{ ...exchanges[exchanges.length - 1]!, id: `bench-extra-${i}` }],
      });
      await page.waitForFunction(
        (n) => document.querySelector(`[aria-setsize="${n}"]`) !== null,
        size + 1,
      );
      await page.waitForTimeout(300);
      const perHop = await page.evaluate(() => (window as unknown as { longest: number }).longest);
      const first = await page.evaluate(() => {
        const w = window as unknown as { askedAt: number; firstAt: number };
        return w.firstAt - w.askedAt;
      });
      // A timeline of 10,000 exchanges: 5,000 more pushed in one event (as an undo of a clear
      // does), each run with a header of its own.
      await page.evaluate(() => void ((window as unknown as { longest: number }).longest = 0));
      ports.hub.emit('exchanges', {
        total: 2 * exchanges.length + 1,
        after: `bench-extra-${i}`,
        appended: exchanges.map((x, k) => ({
          ...x,
          id: `bench-more-${i}-${k}`,
          runId: `bench-more-r${Math.floor(k / 50)}`,
        })),
      });
      await page.waitForFunction(
        (n) => document.querySelector(`[aria-setsize="${n}"]`) !== null,
        2 * size + 1,
        { timeout: 30_000 },
      );
      const tenThousand = await page.evaluate(
        () =>
          new Promise<number>((done) =>
            requestAnimationFrame(() =>
              setTimeout(
                () => done(performance.now() - (window as unknown as { pushAt: number }).pushAt),
                0,
              ),
            ),
          ),
      );
      await page.waitForTimeout(300);
      const tenLongest = await page.evaluate(
        () => (window as unknown as { longest: number }).longest,
      );
      await page.close();
      // The first page load warms the browser (JIT, caches); it is not counted.
      if (i > 0) figures.push({ render, first, longest, perHop, tenThousand, tenLongest });
    }
    const render = median(figures.map((f) => f.render));
    const longest = median(figures.map((f) => f.longest));
    const perHop = median(figures.map((f) => f.perHop));
    const first = median(figures.map((f) => f.first));
    const tenThousand = median(figures.map((f) => f.tenThousand));
    const tenLongest = median(figures.map((f) => f.tenLongest));
    // Main-thread figures are absolute: say how busy the machine was while they were taken.
    info(
      `timeline of ${exchanges.length} exchanges: machine load while measured`,
      `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    );
    report(
      `timeline of ${2 * exchanges.length} exchanges (${exchanges.length} listed, ${exchanges.length} more pushed in one event): event received → all in the windowed list, painted, median of 3`,
      `${tenThousand.toFixed(0)} ms`,
      '≤ 300 ms',
      tenThousand <= 300,
    );
    report(
      `timeline of ${2 * exchanges.length} exchanges: longest main-thread task from the event to painted, median of 3`,
      `${tenLongest.toFixed(0)} ms`,
      '≤ 100 ms',
      tenLongest <= 100,
    );
    info(
      `timeline of ${exchanges.length} saved exchanges, page opened: first page asked → its rows painted, median of 3`,
      `${first.toFixed(0)} ms`,
    );
    report(
      `timeline of ${exchanges.length} saved exchanges (the bound), page opened: first page asked → all in the windowed list, painted, median of 3`,
      `${render.toFixed(0)} ms`,
      '≤ 300 ms',
      render <= 300,
    );
    report(
      `timeline of ${exchanges.length} saved exchanges (the bound), page opened: longest main-thread task while listing, median of 3`,
      `${longest.toFixed(0)} ms`,
      '≤ 100 ms',
      longest <= 100,
    );
    report(
      `timeline of ${exchanges.length} exchanges: one more exchange pushed, longest main-thread task, median of 3`,
      `${perHop.toFixed(0)} ms`,
      '≤ 100 ms',
      perHop <= 100,
    );
  } finally {
    await host.close();
    await browser.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--only-timeline')) {
  await timelineTenThousand();
  process.exit(0);
}

if (process.argv.includes('--only-large-har')) {
  await largeHar();
  process.exit(0);
}

cliHelp();
await npmStart();
await serveToFirstStep().catch((e: Error) =>
  report('serve to first step', `could not run: ${e.message.split('\n')[0]}`, '≤ 1000 ms', false),
);
rendererSize();
revealLargeBody();
await serveStops();
await demoStops();
await tokenExchangeOverhead();
await loopbackOverhead();
await browserFigures().catch((e: Error) =>
  report('browser figures', `could not run: ${e.message.split('\n')[0]}`, 'n/a', false),
);
await pasteRefusal().catch((e: Error) =>
  report('8 MB paste refusal', `could not run: ${e.message.split('\n')[0]}`, '≤ 1.25', false),
);
await timelineTenThousand().catch((e: Error) =>
  report(
    'timeline of 10,000 exchanges',
    `could not run: ${e.message.split('\n')[0]}`,
    '≤ 300 ms',
    false,
  ),
);
await largeHar().catch((e: Error) =>
  report(
    '100 MB HAR to findings',
    `could not run: ${e.message.split('\n')[0]}`,
    '≤ 3000 ms',
    false,
  ),
);
const missed = rows.filter((r) => !r.ok).length;
console.log(`\n${rows.length - missed} of ${rows.length} targets met`);
