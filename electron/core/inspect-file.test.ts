/**
 * The Inspector on a large HAR file (inspectFile): a 60 MB HAR of one refused token exchange,
 * recorded from the smart server and buried among images, scripts, fonts and analytics beacons,
 * gives the same findings as the small HAR of that exchange; the noise is skipped and counted;
 * a file that is no HAR, and one over the bound, get a clear error; an upload is deleted once read.
 */
import { existsSync, mkdtempSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectReport } from '../../shared/types.js';
import {
  BIG_HAR_CLIENT,
  harText,
  recordFailingExchange,
  writeBigHar,
  type BigHarEntry,
} from '../testing/big-har.js';
import { startSmartServer, type SmartServer } from '../testing/smart-server.js';
import type { Engine } from './engine.js';
import { MAX_HAR_FILE, grantFile, grantedFile } from './file-grants.js';
import { isOAuthEntry } from './features/inspect-file.js';
import { must, testEngine } from './test-helpers.js';
import { cli } from '../cli/test-cli.js';

let smart: SmartServer;
let engine: Engine;
let dir: string;
let oauth: BigHarEntry[];
let bigPath: string;
let written: { entries: number; noise: number; bytes: number };

beforeAll(async () => {
  smart = await startSmartServer({ clients: [BIG_HAR_CLIENT] });
  engine = testEngine();
  dir = mkdtempSync(join(tmpdir(), 'ofd-inspect-file-'));
  oauth = await recordFailingExchange(smart);
  bigPath = join(dir, 'sign-in.har');
  written = await writeBigHar(bigPath, { bytes: 60 * 1024 * 1024, oauth });
}, 60_000);

afterAll(async () => {
  await smart.close();
});

/** What a report diagnoses, without the parts that name the file. */
const diagnosis = (r: InspectReport) => ({
  endpoint: r.endpoint,
  refused: r.refused,
  stated: r.stated,
  findings: r.findings.map((f) => [f.code, f.severity, f.basis, f.title]),
  exchange: r.exchange,
  evaluatedAt: r.evaluatedAt,
});

describe('inspectFile on a large HAR', () => {
  it('a 60 MB HAR gives the findings of its one token exchange, with the noise skipped and counted', async () => {
    expect(written.bytes).toBeGreaterThan(60 * 1024 * 1024);
    expect(oauth[1]!.response.status).toBe(401);
    const small = must(
      await engine.inspect({ items: [{ text: harText(oauth), name: 'small.har' }] }),
    );
    const big = must(await engine.inspectFile({ path: bigPath }));
    expect(small.findings.length).toBeGreaterThan(0);
    expect(small.refused).toBe(true);
    expect(diagnosis(big)).toEqual(diagnosis(small));
    expect(big.harEntries?.map((e) => [e.method, e.url, e.status])).toEqual(
      small.harEntries?.map((e) => [e.method, e.url, e.status]),
    );
    expect(big.largeFile).toMatchObject({
      name: 'sign-in.har',
      entries: written.entries,
      kept: 2,
      skipped: written.noise,
    });
    // The kept entries are where the generator put them: in the middle of the file.
    const first = big.largeFile!.originalIndex[0]!;
    expect(big.largeFile!.originalIndex).toEqual([first, first + 1]);
    expect(first).toBeGreaterThan(10);
    expect(big.items[0]!.summary).toMatch(
      new RegExp(`${written.noise} skipped as not OAuth/OIDC/FHIR traffic`),
    );
    expect(big.report).toContain('skipped as not OAuth/OIDC/FHIR traffic');
    // The wrong client secret never appears in what comes back.
    expect(JSON.stringify(big)).not.toContain('not-the-registered-secret');
    // Another entry of the kept ones (the discovery document) is diagnosed on request.
    const other = must(await engine.inspectFile({ path: bigPath, harEntry: 0 }));
    expect(other.harEntry).toBe(0);
    expect(other.exchange?.response?.status).toBe(200);
  });

  it('keeps OAuth, OIDC and FHIR traffic and skips page assets and analytics', () => {
    const entry = (
      url: string,
      mimeType: string,
      o: { method?: string; body?: string; auth?: string; location?: string } = {},
    ) => ({
      request: {
        method: o.method ?? 'GET',
        url,
        headers: o.auth ? [{ name: 'Authorization', value: o.auth }] : [],
        ...(o.body ? { postData: { mimeType: 'text/plain', text: o.body } } : {}),
      },
      response: {
        status: 200,
        headers: o.location ? [{ name: 'Location', value: o.location }] : [],
        content: { mimeType },
      },
    });
    const kept = [
      entry('https://as.example/oauth2/token', 'application/json', { method: 'POST' }),
      entry('https://app.example/login/submit', 'text/html', {
        method: 'POST',
        body: 'grant_type=authorization_code&code=x',
      }),
      entry('https://as.example/authorize?response_type=code&client_id=a', 'text/html'),
      entry('https://app.example/cb?code=abc&state=s', 'text/html'),
      entry('https://as.example/consent', 'text/html', {
        location: 'https://app.example/cb?error=access_denied',
      }),
      entry('https://as.example/.well-known/openid-configuration', 'application/json'),
      entry('https://as.example/keys/jwks.json', 'application/json'),
      entry('https://ehr.example/api/FHIR/R4/Patient/123', 'application/fhir+json'),
      entry('https://ehr.example/data/Observation', 'application/json'),
      entry('https://api.example/v1/things', 'application/json', { auth: 'Bearer abc' }),
    ];
    const skipped = [
      entry('https://cdn.example/logo.png', 'image/png'),
      entry('https://cdn.example/app.js', 'application/javascript'),
      entry('https://cdn.example/font.woff2', 'font/woff2'),
      entry('https://cdn.example/site.css', 'text/css'),
      entry('https://www.google-analytics.com/g/collect?v=2', 'text/plain', { method: 'POST' }),
      entry('https://app.example/', 'text/html'),
    ];
    expect(kept.filter((e) => !isOAuthEntry(e)).map((e) => e.request.url)).toEqual([]);
    expect(skipped.filter((e) => isOAuthEntry(e)).map((e) => e.request.url)).toEqual([]);
  });

  it('a file that is not a HAR gets a clear error that says what to open', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      [
        'picture.png',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
        /not a HAR file: it does not start with a JSON object/,
      ],
      [
        'notes.txt',
        'The sign-in failed at 10:02, see attached.',
        /not a HAR file: it does not start with a JSON object/,
      ],
      [
        'config.json',
        '{"name":"not a har","entries":[]}',
        /not a HAR file: it has no log\.entries/,
      ],
      [
        'cut.har',
        `{"log":{"version":"1.2","entries":[${JSON.stringify(oauth[0])},{"request":`,
        /not a HAR file: it is not valid JSON near byte/,
      ],
      ['empty.har', '   ', /not a HAR file: it is empty/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const r = await engine.inspectFile({ path });
      expect(r.ok, name).toBe(false);
      if (r.ok) continue;
      expect(r.error.code, name).toBe('INVALID_INPUT');
      expect(r.error.message, name).toMatch(message);
      expect(r.error.fix, name).toMatch(/Save all as HAR/);
    }
    const noise = join(dir, 'only-noise.har');
    await writeBigHar(noise, { bytes: 2 * 1024 * 1024, oauth: [] });
    const r = await engine.inspectFile({ path: noise });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!r.ok) expect(r.error.message).toMatch(/None of the \d+ requests .* is OAuth/);
    const missing = await engine.inspectFile({ path: join(dir, 'no-such.har') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'FILE_ERROR' } });
  });

  it('a file over the bound is refused before it is read', async () => {
    const path = join(dir, 'huge.har');
    writeFileSync(path, '{"log":{"entries":[');
    // Sparse: the size is over the bound without writing 200 MB.
    truncateSync(path, MAX_HAR_FILE + 1);
    const r = await engine.inspectFile({ path });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!r.ok) expect(r.error.message).toMatch(/at most 200\.0 MB/);
  });

  it('the CLI streams a HAR over the paste cap from its path: `inspect FILE --json`', async () => {
    const run = await cli('inspect', bigPath, '--json');
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.out) as {
      ok: boolean;
      findings: { code: string }[];
      largeFile: { skipped: number; kept: number };
    };
    const small = must(await engine.inspect({ items: [{ text: harText(oauth) }] }));
    expect(doc.ok).toBe(false);
    expect(doc.findings.map((f) => f.code)).toEqual(small.findings.map((f) => f.code));
    expect(doc.largeFile).toMatchObject({ skipped: written.noise, kept: 2 });
  });

  it('an upload is read by its id, deleted once read, and its kept entries stay for another entry', async () => {
    const path = join(dir, 'upload-copy.har');
    copyFileSync(bigPath, path);
    const uploadId = grantFile({ path, name: 'customer.har', temporary: true });
    const r = must(await engine.inspectFile({ uploadId }));
    expect(r.largeFile?.name).toBe('customer.har');
    expect(existsSync(path)).toBe(false);
    expect(grantedFile(uploadId)).toBeUndefined();
    const again = must(await engine.inspectFile({ uploadId, harEntry: 0 }));
    expect(again.harEntry).toBe(0);
    expect(again.largeFile?.kept).toBe(2);
    const gone = await engine.inspectFile({ uploadId: 'f'.repeat(32) });
    expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
