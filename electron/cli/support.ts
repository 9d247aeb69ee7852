/**
 * What support sends back, from the CLI: `--har FILE` and `--bundle FILE` on every flow command
 * (the process's runs as a redacted HAR; the case bundle of the last run), and
 * `diff <a> <b> [--json]` over HAR files or case bundles.
 */
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DebuggerApi } from '../../shared/api/contract.js';
import { diffSides, diffText, readDiffSide } from '../../shared/run-diff.js';
import { unwrap, UsageError, type Io } from './common.js';

/** The commands that run a flow (and so take --har and --bundle). */
export const SUPPORT_FILE_COMMANDS = new Set([
  'discover',
  'token',
  'register',
  'authorize',
  'device',
  'refresh',
  'introspect',
  'revoke',
  'userinfo',
  'logout',
]);

/** Writes a file 0600; never over an existing one unless forced (then made 0600 too). */
async function writePrivate(path: string, text: string, force: boolean): Promise<void> {
  await writeFile(path, text, { mode: 0o600, flag: force ? 'w' : 'wx' });
  await chmod(path, 0o600);
}

/**
 * Checks --har / --bundle before the command runs (a file already there is refused without
 * --force, before anything is sent), and returns what writes them after it, also when it failed.
 */
export function prepareSupportFiles(x: {
  cmd: string;
  values: Record<string, string | boolean | undefined>;
  api: DebuggerApi;
  io: Io;
}): (() => Promise<void>) | undefined {
  const { cmd, values, api, io } = x;
  const har = typeof values.har === 'string' ? values.har : undefined;
  const bundle = typeof values.bundle === 'string' ? values.bundle : undefined;
  if (!har && !bundle) return undefined;
  if (!SUPPORT_FILE_COMMANDS.has(cmd))
    throw new UsageError(
      `--har and --bundle go with a flow command (${[...SUPPORT_FILE_COMMANDS].join(', ')}), not "${cmd}".`,
    );
  const force = values.force === true;
  if (har && bundle && har === bundle)
    throw new UsageError('--har and --bundle name the same file; give two files.');
  for (const [flag, path] of [
    ['--har', har],
    ['--bundle', bundle],
  ] as const)
    if (path && existsSync(path) && !force)
      throw new UsageError(
        `${path} (${flag}) already exists and was left as it is. Choose another file, or add --force to replace it.`,
      );
  return async () => {
    if (har) {
      const h = unwrap(await api.exportHar({}));
      await writePrivate(har, h.text, force);
      io.err(`HAR written to ${har} (${h.entries} requests, secrets masked, mode 0600).`);
    }
    if (bundle) {
      const runs = unwrap(await api.listRuns());
      const exchanges = unwrap(await api.listExchanges());
      const last = [...runs].reverse().find((r) => exchanges.some((e) => e.runId === r.id));
      if (!last) {
        io.err(`No run was recorded, so no case bundle was written to ${bundle}.`);
        return;
      }
      const b = unwrap(await api.exportBundle({ runId: last.id }));
      await writePrivate(bundle, b.text, force);
      io.err(`Case bundle written to ${bundle} (run ${last.flow}, secrets masked, mode 0600).`);
    }
  };
}

/**
 * `diff <a> <b> [--json]`: what changed between two HAR files or case bundles. Exit 0 when they
 * do not differ, 1 when they do, 2 when a side cannot be read. --json prints exactly
 * `{ "differences": [{ "where", "field", "a", "b" }] }`.
 */
export async function runDiff(x: {
  args: string[];
  values: Record<string, string | boolean | undefined>;
  io: Io;
}): Promise<number> {
  const { args, values, io } = x;
  if (args.length !== 2)
    throw new UsageError('diff needs two files: diff <a.har|a.json> <b.har|b.json> [--json]');
  const side = async (path: string) => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new UsageError(`Cannot read ${path}: ${(e as Error).message}`);
    }
    return { text, name: basename(path) };
  };
  // Read here, not sent through the contract: a browser's HAR is often larger than one call takes.
  const read = async (path: string) => {
    const { text, name } = await side(path);
    try {
      return readDiffSide(text, name);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  };
  const d = await diffSides(await read(args[0]!), await read(args[1]!));
  if (values.json) io.out(JSON.stringify({ differences: d.differences }, null, 2));
  else io.out(diffText(d));
  return d.differences.length ? 1 : 0;
}
