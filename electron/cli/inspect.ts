import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SERVER_IDS, type ServerId } from '../../shared/diagnosis/dialects/types.js';
import { PRESET_IDS, isPresetId } from '../../shared/presets.js';
import { MAX_EVIDENCE, type InspectReport } from '../../shared/types.js';
import type { DebuggerApi } from '../../shared/api/contract.js';
import { jwksArg, unwrap, UsageError, type Emit, type Io } from './common.js';

/** One evidence argument: a file path, `-` (standard input), or the text itself. */
async function evidenceArg(v: string): Promise<{ text: string; name: string }> {
  if (v === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), name: 'stdin' };
  }
  // Text that cannot be a path (a JWT, JSON, a curl command) is taken as it is.
  if (v.length < 4096 && !/[\n{]/.test(v) && !/^curl\s/.test(v)) {
    const s = await stat(v).catch(() => undefined);
    if (s?.isFile()) return { text: await readFile(v, 'utf8'), name: basename(v) };
    if (s?.isDirectory()) throw new UsageError(`${v} is a directory; give a file.`);
  }
  return { text: v, name: v.length > 40 ? `${v.slice(0, 37)}…` : v };
}

/** The path of a file too large to paste (over MAX_EVIDENCE), which inspectFile streams. */
async function largeFileArg(v: string): Promise<string | undefined> {
  if (v === '-' || v.length >= 4096 || /[\n{]/.test(v)) return undefined;
  const s = await stat(v).catch(() => undefined);
  return s?.isFile() && s.size > MAX_EVIDENCE ? v : undefined;
}

/**
 * `inspect <file-or-string>... --preset <name> [--jwks <file|url>] [--token-url <url>]
 * [--client-id <id>] [--status N] [--har-entry N] [--report <file>] [--json]`
 */
export async function runInspect(x: {
  args: string[];
  values: Record<string, string | boolean | undefined>;
  api: DebuggerApi;
  io: Io;
  emit: Emit;
}): Promise<number> {
  const { args, values, api, io, emit } = x;
  if (!args.length)
    throw new UsageError(
      'inspect needs what the customer sent: a file (JWT, error body, curl, HAR…), the text itself, or - for standard input.',
    );
  const preset = values.preset as string | undefined;
  if (preset !== undefined && !isPresetId(preset))
    throw new UsageError(`Unknown preset "${preset}". Presets: ${PRESET_IDS.join(', ')}.`);
  const num = (name: string) => {
    const v = values[name] as string | undefined;
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new UsageError(`--${name} takes a whole number, not "${v}".`);
    return n;
  };
  const status = num('status');
  const server = values.server as string | undefined;
  if (server !== undefined && !(SERVER_IDS as readonly string[]).includes(server))
    throw new UsageError(`Unknown server "${server}". Servers: ${SERVER_IDS.join(', ')}.`);
  const harEntry = num('har-entry');
  const options = {
    ...(preset ? { preset } : {}),
    ...(await jwksArg(values.jwks as string | undefined)),
    ...(values['token-url'] ? { tokenUrl: values['token-url'] as string } : {}),
    ...(values['client-id'] ? { clientId: values['client-id'] as string } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(harEntry !== undefined ? { harEntry } : {}),
    ...(server ? { server: server as ServerId } : {}),
  };
  // One file over the paste cap (a browser's HAR of a sign-in): read as a stream by path.
  const large = args.length === 1 ? await largeFileArg(args[0]!) : undefined;
  const r: InspectReport = unwrap(
    large
      ? await api.inspectFile({ path: large, ...options })
      : await api.inspect({ items: await Promise.all(args.map(evidenceArg)), ...options }),
  );
  if (typeof values.report === 'string') {
    await writeFile(values.report, r.report, { mode: 0o600 });
    if (!values.json) io.err(`Report written to ${values.report}`);
  }
  // A refusal is never a success, whatever the findings' severities.
  const ok = !r.refused && !r.findings.some((f) => f.severity === 'error');
  return emit(
    ok,
    r.findings,
    {
      preset: r.preset ?? null,
      endpoint: r.endpoint ?? null,
      refused: r.refused,
      stated: r.stated,
      items: r.items,
      evaluatedAt: r.evaluatedAt,
      notes: r.notes,
      exchange: r.exchange ?? null,
      harEntries: r.harEntries ?? null,
      harEntry: r.harEntry ?? null,
      largeFile: r.largeFile ?? null,
      jwts: r.jwts,
      report: r.report,
    },
    () => {
      io.out(`Preset: ${r.preset?.title ?? 'none (generic rules)'}`);
      for (const i of r.items) io.out(`  ${i.name} [${i.kind}]: ${i.summary}`);
      io.out(`Times judged at ${r.evaluatedAt.time} (${r.evaluatedAt.from})`);
      for (const n of r.notes) io.out(`Note: ${n}`);
      const q = r.exchange?.request;
      if (q)
        io.out(
          `Request${q.assumed ? ' (assumed)' : ''}: ${q.method} ${q.url ?? '(URL not given)'}`,
        );
      const s = r.exchange?.response;
      if (s) io.out(`Response: HTTP ${s.status ?? '?'}${s.statusAssumed ? ' (assumed)' : ''}`);
      for (const j of r.jwts)
        io.out(
          `${j.role} (${j.from}): signature ${j.verification.status}: ${j.verification.message}`,
        );
    },
  );
}
