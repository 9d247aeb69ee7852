/**
 * sec-23: crash consistency and rename faults of the store, in child processes that write through
 * the real store code (electron/testing/store-writer.ts, bundled once with esbuild so a child
 * starts in about the time plain Node does).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profilesFor } from '../testing/store-writer.js';
import { openConfStore } from './conf-store.js';

/** OFD_KILL_RUNS lowers the count for a quick local look; the suite runs 1,000. */
const RUNS = Number(process.env.OFD_KILL_RUNS ?? 1000);
const LANES = Number(process.env.OFD_KILL_LANES ?? 2);
/** A kill lands this long (uniform, ms) after the child says it is writing: within its first saves. */
const MAX_DELAY_MS = 40;

let writer = '';
/** Folders this file made (each kill lane leaves hundreds of temp files): removed afterwards. */
const made: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
/** No loaders or flags from the test runner: the child is plain Node running the bundle. */
const childEnv = { ...process.env, NODE_OPTIONS: '' };

beforeAll(async () => {
  const out = tempDir('ofd-store-writer-');
  writer = join(out, 'store-writer.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../testing/store-writer.ts', import.meta.url))],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: writer,
    // conf's dependencies (ajv) are CommonJS and require() their parts.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    // conf loads ajv for its `schema` option, which the store does not use: stubbed out, it
    // halves a child's start-up. The write path (conf → atomically → fs) is bundled as it is.
    plugins: [
      {
        name: 'no-ajv',
        setup(b) {
          b.onResolve({ filter: /^ajv(-formats)?(\/.*)?$/ }, (a) => ({
            path: a.path,
            namespace: 'no-ajv',
          }));
          b.onLoad({ filter: /.*/, namespace: 'no-ajv' }, () => ({
            contents:
              'export function Ajv2020() { throw new Error("conf schema is not used"); } export default Ajv2020;',
            loader: 'js',
          }));
        },
      },
    ],
    logLevel: 'silent',
  });
}, 120_000);

/** mulberry32: a seeded PRNG, so a failing run can be replayed with OFD_KILL_SEED. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts a writer; SIGKILLs it delayMs after it reports `writing`. Resolves once it is dead. */
function killDuringWrites(dir: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir, 'kill'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv,
    });
    let out = '';
    let errText = '';
    let armed = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!armed && out.includes('\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (b: Buffer) => (errText += b.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve()
        : reject(new Error(`writer exited (${code}) before it was killed: ${errText}`)),
    );
  });
}

type Check = { kind: 'version'; seq: number } | { kind: 'unreadable' | 'torn'; why: string };

/** Which version the file holds: one the writer saved whole, or why it is none. */
function check(dir: string): Check {
  let data: { profiles?: unknown };
  try {
    data = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { profiles?: unknown };
  } catch (e) {
    return { kind: 'unreadable', why: (e as Error).message };
  }
  if (data.profiles === undefined) return { kind: 'version', seq: 0 };
  const seq = (data.profiles as { seq?: number }[])[0]?.seq ?? -1;
  if (!isDeepStrictEqual(data.profiles, profilesFor(seq)))
    return { kind: 'torn', why: `profiles do not form version ${seq}` };
  return { kind: 'version', seq };
}

const temps = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-')).length;

describe('sec-23 crash consistency of the store', () => {
  it('sec-23 the checker tells a whole version from a truncated or a mixed file', () => {
    const dir = tempDir('ofd-store-check-');
    const whole = JSON.stringify({ schemaVersion: 1, profiles: profilesFor(7) });
    writeFileSync(join(dir, 'config.json'), whole);
    expect(check(dir)).toEqual({ kind: 'version', seq: 7 });
    writeFileSync(join(dir, 'config.json'), whole.slice(0, whole.length / 2));
    expect(check(dir).kind).toBe('unreadable');
    const mixed = [...profilesFor(7).slice(0, 20), ...profilesFor(8).slice(20)];
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles: mixed }));
    expect(check(dir).kind).toBe('torn');
  });

  it(`sec-23 ${RUNS} SIGKILLs during profile saves leave 0 unreadable files: each is an old or a new version`, async () => {
    const seed = Number(process.env.OFD_KILL_SEED ?? Date.now() % 2 ** 31);
    const rand = prng(seed);
    const started = Date.now();
    const bad: string[] = [];
    let killsLeavingTemp = 0;
    let advanced = 0;
    const lane = async (runs: number) => {
      const dir = tempDir('ofd-store-kill-');
      let last = 0;
      for (let i = 0; i < runs; i++) {
        const before = temps(dir);
        await killDuringWrites(dir, Math.floor(rand() * (MAX_DELAY_MS + 1)));
        if (temps(dir) > before) killsLeavingTemp++;
        const c = check(dir);
        if (c.kind !== 'version') bad.push(`${dir} run ${i}: ${c.kind}: ${c.why}`);
        else if (c.seq < last) bad.push(`${dir} run ${i}: went back from v${last} to v${c.seq}`);
        else {
          if (c.seq > last) advanced++;
          last = c.seq;
        }
      }
      return { dir, last };
    };
    const per = Math.ceil(RUNS / LANES);
    const lanes = await Promise.all(
      Array.from({ length: LANES }, (_, i) => lane(Math.min(per, RUNS - i * per))),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `sec-23: ${RUNS} kills (seed ${seed}), ${bad.length} unreadable or torn, ${advanced} advanced the version, ${killsLeavingTemp} left a temp file (killed mid-write), ${seconds.toFixed(1)} s wall`,
    );
    expect(bad).toEqual([]);
    // The kills did land inside writes, not only between them.
    expect(killsLeavingTemp).toBeGreaterThan(0);
    expect(advanced).toBeGreaterThan(0);
    for (const { dir, last } of lanes) {
      // No file ever had to be quarantined, and the store opens on the last version saved.
      const opened = openConfStore(dir);
      expect(opened.quarantined).toEqual([]);
      expect(opened.readOnly).toBeUndefined();
      expect(opened.store.get('profiles')).toEqual(last ? profilesFor(last) : undefined);
      expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toEqual([]);
    }
  }, 900_000);
});

/** Runs the writer once with the first `times` renames onto config.json failing with errCode. */
function faultRun(dir: string, errCode: string, times: number) {
  return new Promise<{ ok: boolean; code?: string; message?: string; renameCalls: number }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [writer, dir, 'fault', errCode, String(times)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: childEnv,
      });
      let out = '';
      let errText = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (errText += b.toString()));
      child.on('error', reject);
      child.on('exit', (code) => {
        try {
          resolve(JSON.parse(out) as never);
        } catch {
          reject(new Error(`writer exited (${code}): ${errText}${out}`));
        }
      });
    },
  );
}

/** A store holding version 1 of the profiles. */
function storeAtV1() {
  const dir = tempDir('ofd-store-fault-');
  openConfStore(dir).store.set('profiles', profilesFor(1));
  return dir;
}

describe('sec-23 rename faults in the store writer (conf → atomically)', () => {
  it('sec-23 an EPERM on rename is retried and the save then lands', async () => {
    const dir = storeAtV1();
    const r = await faultRun(dir, 'EPERM', 3);
    expect(r).toEqual({ ok: true, renameCalls: 4 });
    expect(check(dir)).toEqual({ kind: 'version', seq: 2 });
    expect(temps(dir)).toBe(0);
  });

  it('sec-23 an EPERM that persists is surfaced as FILE_ERROR, never a silent loss: the file keeps the previous version', async () => {
    const dir = storeAtV1();
    const r = await faultRun(dir, 'EPERM', 1e9);
    expect(r.ok).toBe(false);
    expect(r.code).toBe('FILE_ERROR');
    expect(r.message).toContain('EPERM');
    expect(r.message).toContain('not saved');
    expect(r.renameCalls).toBeGreaterThan(1); // atomically retried before giving up
    expect(check(dir)).toEqual({ kind: 'version', seq: 1 });
    expect(temps(dir)).toBe(0);
  });

  it('sec-23 an EXDEV on rename falls back to a direct write of the new version, still 0600', async () => {
    const dir = storeAtV1();
    const r = await faultRun(dir, 'EXDEV', 1);
    expect(r).toEqual({ ok: true, renameCalls: 1 });
    expect(check(dir)).toEqual({ kind: 'version', seq: 2 });
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(temps(dir)).toBe(0);
  });
});
