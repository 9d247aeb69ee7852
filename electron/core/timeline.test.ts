import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpExchange, RunView } from '../../shared/types.js';
import { startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { Engine, EXCHANGE_PAGE_CHARS } from './engine.js';
import {
  MAX_EXCHANGES,
  MAX_RUNS,
  MAX_SAVED_BODY,
  TIMELINE_FILE_FORMAT,
} from './features/timeline.js';
import { nodePorts } from './node-ports.js';
import { coreOf, must } from './test-helpers.js';

const SECRET = 'timeline-canary-secret-4242';
let server: SmartServer;
const dirs: string[] = [];
const engines: Engine[] = [];

beforeAll(async () => {
  server = await startSmartServer({
    clients: [
      {
        client_id: 'timeline-client',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: SECRET,
      },
    ],
  });
});
afterAll(() => server?.close());
afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ofd-timeline-'));
  dirs.push(d);
  return d;
}

/** An engine on the data dir, as the web host or CLI opens it. */
function open(dir: string, opts: { ephemeral?: boolean } = {}): Engine {
  const e = new Engine(nodePorts({ dataDir: dir, passphrase: 'timeline passphrase', ...opts }));
  engines.push(e);
  return e;
}

/** One backend token request: a run with one exchange (200, or 401 with a wrong secret). */
async function tokenRun(e: Engine, secret = SECRET) {
  const p = must(
    await e.saveProfile({
      name: `timeline ${secret === SECRET ? 'good' : 'bad'}`,
      fhirBaseUrl: server.fhirBase,
      tokenEndpoint: server.tokenEndpoint,
      clientId: 'timeline-client',
      scope: 'system/Patient.rs',
      auth: { method: 'client_secret_basic', clientSecret: secret },
    }),
  );
  const draft = must(await e.prepareTokenRequest({ profileId: p.id }));
  return { profile: p, result: must(await e.sendTokenRequest({ draftId: draft.id })) };
}

function exchange(i: number, runId?: string): HttpExchange {
  return {
    id: `seed-x${i}`,
    step: 'Token request',
    ...(runId ? { runId, profileId: 'seed-profile' } : {}),
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    durationMs: 1,
    request: { method: 'POST', url: 'https://seed.example/token', headers: [] },
    response: {
      status: 200,
      statusText: 'OK',
      headers: [],
      body: '{}',
      bodyBytes: 2,
      truncated: false,
    },
    curl: "curl -X POST 'https://seed.example/token'",
  };
}

function seed(dir: string, exchanges: HttpExchange[], runs: RunView[]) {
  writeFileSync(
    join(dir, 'timeline.json'),
    JSON.stringify({
      format: TIMELINE_FILE_FORMAT,
      version: 1,
      exchanges,
      runs,
      dropped: { runs: 0, exchanges: 0 },
    }),
  );
}

const run = (i: number): RunView => ({
  id: `seed-r${i}`,
  profileId: 'seed-profile',
  profileName: 'seeded',
  flow: 'client_credentials',
  startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
});

describe('saved runs', () => {
  it('a restarted engine on the same data dir lists the same exchanges and runs, masked', async () => {
    const dir = dataDir();
    const first = open(dir);
    const good = await tokenRun(first);
    expect(good.result.status).toBe(200);
    const accessToken = must(await first.revealSecret({ kind: 'access_token' })).value;
    expect(accessToken.length).toBeGreaterThan(10);
    const bad = await tokenRun(first, 'not-the-secret-9999');
    expect(bad.result.status).toBe(401);
    const exchanges = must(await first.listExchanges());
    const runs = must(await first.listRuns());
    expect(new Set(exchanges.map((x) => x.runId)).size).toBe(2);
    expect(exchanges.some((x) => x.marks)).toBe(true);
    await first.dispose();

    const file = join(dir, 'timeline.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('not-the-secret-9999');
    // The token the server issued is masked too.
    expect(text).not.toContain(accessToken);
    expect(text).toContain('{{access_token}}');

    const second = open(dir);
    expect(must(await second.listExchanges())).toEqual(exchanges);
    expect(must(await second.listRuns())).toEqual(runs);
  });

  it('keeps the last 100 runs, dropping the oldest with their exchanges, and says so', async () => {
    const dir = dataDir();
    seed(
      dir,
      Array.from({ length: MAX_RUNS + 1 }, (_, i) => exchange(i, `seed-r${i}`)),
      Array.from({ length: MAX_RUNS + 1 }, (_, i) => run(i)),
    );
    const e = open(dir);
    const runs = must(await e.listRuns());
    expect(runs).toHaveLength(MAX_RUNS);
    expect(runs[0]!.id).toBe('seed-r1');
    expect(runs[0]!.droppedBefore).toEqual({ runs: 1, exchanges: 1 });
    const exchanges = must(await e.listExchanges());
    expect(exchanges).toHaveLength(MAX_RUNS);
    expect(exchanges.some((x) => x.runId === 'seed-r0')).toBe(false);

    // A new run pushes out the next oldest, live, and the saved file follows.
    await tokenRun(e);
    const after = must(await e.listRuns());
    expect(after).toHaveLength(MAX_RUNS);
    expect(after[0]!.id).toBe('seed-r2');
    expect(after[0]!.droppedBefore).toEqual({ runs: 2, exchanges: 2 });
    await e.dispose();
    const saved = JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8'));
    expect(saved.runs).toHaveLength(MAX_RUNS);
    expect(saved.dropped).toEqual({ runs: 2, exchanges: 2 });
  });

  it('keeps the last 5,000 exchanges', async () => {
    const dir = dataDir();
    seed(
      dir,
      Array.from({ length: MAX_EXCHANGES }, (_, i) => exchange(i, 'seed-r0')),
      [run(0)],
    );
    const e = open(dir);
    expect(must(await e.listExchanges())).toHaveLength(MAX_EXCHANGES);
    expect(must(await e.listRuns())[0]!.droppedBefore).toBeUndefined();

    await tokenRun(e);
    const exchanges = must(await e.listExchanges());
    expect(exchanges).toHaveLength(MAX_EXCHANGES);
    // Discovery and the token request: each new exchange pushed out one of the oldest.
    const added = exchanges.filter((x) => x.runId !== 'seed-r0').length;
    expect(added).toBeGreaterThan(0);
    expect(exchanges[0]!.id).toBe(`seed-x${added}`);
    expect(exchanges.some((x) => x.request.url === server.tokenEndpoint)).toBe(true);
    expect(must(await e.listRuns())[0]!.droppedBefore).toEqual({ runs: 0, exchanges: added });
  });

  it('lists a saved timeline in pages that end at the limit or at about EXCHANGE_PAGE_CHARS of JSON', async () => {
    const dir = dataDir();
    const big = (i: number) => {
      const x = exchange(i, 'seed-r0');
      x.response!.body = 'b'.repeat(60_000);
      return x;
    };
    // 40 small exchanges, then 60 of 60 KB: the second page is cut by size, not by count.
    seed(
      dir,
      [
        ...Array.from({ length: 40 }, (_, i) => exchange(i, 'seed-r0')),
        ...Array.from({ length: 60 }, (_, i) => big(40 + i)),
      ],
      [run(0)],
    );
    const e = open(dir);
    const first = must(await e.listExchangesPage({ limit: 30 }));
    expect(first.exchanges.map((x) => x.id)).toEqual(
      Array.from({ length: 30 }, (_, i) => `seed-x${i}`),
    );
    expect(first).toMatchObject({ total: 100, more: true });
    const ids: string[] = first.exchanges.map((x) => x.id);
    let after = ids.at(-1)!;
    const sizes: number[] = [];
    for (;;) {
      const page = must(await e.listExchangesPage({ after, limit: 5000 }));
      sizes.push(JSON.stringify(page.exchanges).length);
      ids.push(...page.exchanges.map((x) => x.id));
      after = ids.at(-1)!;
      if (!page.more) break;
    }
    // Every exchange once, in order, and no page far past the bound.
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => `seed-x${i}`));
    expect(sizes.length).toBeGreaterThan(1);
    for (const n of sizes) expect(n).toBeLessThan(EXCHANGE_PAGE_CHARS + 70_000);
  });

  it('caps a saved body and says it was cut', async () => {
    const dir = dataDir();
    const big = exchange(0, 'seed-r0');
    big.response!.body = 'x'.repeat(MAX_SAVED_BODY + 10);
    big.request.body = 'y'.repeat(MAX_SAVED_BODY + 10);
    const first = open(dir);
    coreOf(first).http.exchanges.push(big);
    coreOf(first).runs.restore([run(0)]);
    coreOf(first).timeline.changed();
    // In memory the exchange stays whole; the file holds the capped copy.
    expect(must(await first.listExchanges())[0]!.response!.body).toHaveLength(MAX_SAVED_BODY + 10);
    await first.dispose();
    const back = must(await open(dir).listExchanges())[0]!;
    expect(back.response!.body).toHaveLength(MAX_SAVED_BODY);
    expect(back.response!.truncated).toBe(true);
    expect(back.response!.bodyBytes).toBe(big.response!.bodyBytes);
    expect(back.request.body).toContain(
      `[cut to 64 KB when saved: ${MAX_SAVED_BODY + 10} bytes in all]`,
    );
  });

  it('clear empties the timeline and the saved file; undo brings both back', async () => {
    const dir = dataDir();
    const e = open(dir);
    await tokenRun(e);
    await tokenRun(e, 'wrong-one-1111');
    const before = must(await e.listExchanges());
    const runsBefore = must(await e.listRuns());

    const { cleared, undoId } = must(await e.clearExchanges());
    expect(cleared).toBe(before.length);
    expect(undoId).toBeTruthy();
    expect(must(await e.listExchanges())).toEqual([]);
    await coreOf(e).timeline.flush();
    expect(JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8')).exchanges).toEqual([]);

    // Recorded after the clear: stays, after the restored ones.
    await tokenRun(e);
    const later = must(await e.listExchanges());
    expect(must(await e.restoreExchanges({ undoId: undoId! }))).toEqual({
      restored: before.length,
    });
    expect(must(await e.listExchanges())).toEqual([...before, ...later]);
    const runIds = must(await e.listRuns()).map((r) => r.id);
    for (const r of runsBefore) expect(runIds).toContain(r.id);
    await coreOf(e).timeline.flush();
    expect(JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8')).exchanges).toHaveLength(
      before.length + later.length,
    );

    const again = await e.restoreExchanges({ undoId: undoId! });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('NOT_FOUND');
    const unknown = await e.restoreExchanges({ undoId: 'u-never-issued' });
    expect(!unknown.ok && unknown.error.code).toBe('NOT_FOUND');
  });

  it('keeps a corrupt timeline.json aside and starts empty with a notice', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'timeline.json'), '{"format": "oauth-flow-debugger-timeline", "exch');
    const e = open(dir);
    expect(must(await e.listExchanges())).toEqual([]);
    const aside = readdirSync(dir).filter((f) => f.startsWith('timeline.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toContain('"exch');
    expect(statSync(join(dir, aside[0]!)).mode & 0o777).toBe(0o600);
    const info = must(await e.getStorageInfo());
    expect(info.quarantined).toContain(join(dir, aside[0]!));
    expect(info.notices.some((n) => n.includes('saved timeline could not be read'))).toBe(true);

    // A file that parses but is no timeline is kept aside too.
    const other = dataDir();
    writeFileSync(join(other, 'timeline.json'), JSON.stringify({ exchanges: 'none' }));
    expect(must(await open(other).listExchanges())).toEqual([]);
    expect(readdirSync(other).some((f) => f.startsWith('timeline.json.corrupt-'))).toBe(true);

    // And the app goes on saving: a new run is written to a fresh file.
    await tokenRun(e);
    await coreOf(e).timeline.flush();
    const saved = JSON.parse(readFileSync(join(dir, 'timeline.json'), 'utf8'));
    expect(saved.exchanges).toEqual(must(await e.listExchanges()));
    expect(saved.exchanges.length).toBeGreaterThan(0);
  });

  it('an ephemeral workspace writes no timeline', async () => {
    const dir = dataDir();
    const e = open(dir, { ephemeral: true });
    await tokenRun(e);
    expect(must(await e.listExchanges()).length).toBeGreaterThan(0);
    await e.dispose();
    expect(existsSync(join(dir, 'timeline.json'))).toBe(false);
  });
});
