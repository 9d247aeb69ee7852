/**
 * Child process for the store crash and fault tests (electron/core/store-kill.test.ts), run from an
 * esbuild bundle so it starts in about the time plain Node does. It writes through the real store
 * code (openConfStore: store-file.ts guard, conf, atomically).
 *
 *   store-writer.mjs <dir> kill
 *     Opens the store, prints `writing <seq>` and saves profiles in a loop (version seq+1, seq+2…)
 *     until it is killed.
 *   store-writer.mjs <dir> fault <EPERM|EXDEV> <times>
 *     Makes the first <times> renames onto config.json fail with that code (before the store code
 *     is loaded, so atomically sees the failing fs), saves one version and prints the outcome as
 *     JSON: { ok, code?, message?, renameCalls }.
 */
import fs from 'node:fs';

export const PROFILE_COUNT = 40;

/** Version seq of the profiles list: every profile carries seq, so a torn mix is detectable. */
export function profilesFor(seq: number) {
  return Array.from({ length: PROFILE_COUNT }, (_, i) => ({
    id: `p${i}`,
    name: `profile ${i} v${seq}`,
    seq,
    notes: `${seq}:`.padEnd(1000, String.fromCharCode(97 + (seq % 26))),
  }));
}

async function main(argv: string[]) {
  const [dir, mode, code, times] = argv;
  if (!dir || (mode !== 'kill' && mode !== 'fault')) throw new Error('usage: <dir> kill|fault …');
  let renameCalls = 0;
  if (mode === 'fault') {
    const real = fs.renameSync;
    let left = Number(times);
    fs.renameSync = (from: fs.PathLike, to: fs.PathLike) => {
      if (String(to).endsWith('config.json') && String(from).includes('.tmp-')) {
        renameCalls++;
        if (left-- > 0)
          throw Object.assign(new Error(`${code}: operation not permitted (simulated), rename`), {
            code,
            syscall: 'rename',
          });
      }
      real(from, to);
    };
  }
  const { openConfStore } = await import('../core/conf-store.js');
  const { store } = openConfStore(dir);
  const stored = store.get('profiles') as { seq: number }[] | undefined;
  let seq = stored?.[0]?.seq ?? 0;
  if (mode === 'fault') {
    try {
      store.set('profiles', profilesFor(seq + 1));
      process.stdout.write(`${JSON.stringify({ ok: true, renameCalls })}\n`);
    } catch (e) {
      const f = e as { code?: string; message: string };
      process.stdout.write(
        `${JSON.stringify({ ok: false, code: f.code, message: f.message, renameCalls })}\n`,
      );
    }
    return;
  }
  process.stdout.write(`writing ${seq}\n`);
  for (;;) store.set('profiles', profilesFor(++seq));
}

if (process.argv[1] && /store-writer\.(mjs|ts)$/.test(process.argv[1]))
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  });
