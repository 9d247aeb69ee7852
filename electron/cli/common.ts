import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Finding } from '../../shared/diagnosis/codes.js';
import { basisWords } from '../../shared/diagnosis/basis.js';
import type { DebuggerApi, DebuggerBridge } from '../../shared/api/contract.js';
import { dispatchingApi } from '../../shared/api/dispatch.js';
import { AppFailure, type Result } from '../../shared/result.js';
import { parseProfileFile } from '../core/model.js';
import type { EventHub } from '../core/node-ports.js';

/**
 * What the CLI holds: the engine through the contract, every call parsed by shared/api/dispatch.ts
 * as over IPC or HTTP, and the events of its hub (the CLI waits on "authorization" events).
 */
export function cliApi(created: { engine: DebuggerApi; hub: EventHub }): DebuggerBridge {
  const { engine, hub } = created;
  return { ...dispatchingApi(engine), on: (event, listener) => hub.on(event, listener) };
}

/** Output sink, so tests can capture what the CLI prints. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** Ctrl-C for the commands that wait (tests pass their own); default SIGINT/SIGTERM. */
  onInterrupt?: (cb: () => void) => () => void;
}
export const stdio: Io = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
};

export class UsageError extends Error {}

/** Prints a command's result (JSON with --json, else text and findings); returns the exit code. */
export type Emit = (
  ok: boolean,
  findings: Finding[],
  rest: Record<string, unknown>,
  human: () => void,
) => number;

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new AppFailure(r.error.code, r.error.message, r.error.fix);
  return r.value;
}

export function printFindings(io: Io, findings: Finding[], where: 'run' | 'evidence' = 'run') {
  if (!findings.length) return;
  io.out('\nFindings (most likely first):');
  findings.forEach((f, i) => {
    io.out(`  ${i + 1}. [${f.severity}] ${f.code}: ${f.title}`);
    io.out(`     rests on: ${basisWords(f.basis, where).toLowerCase()}`);
    io.out(`     evidence: ${f.evidence}`);
    io.out(`     fix:      ${f.fix}`);
  });
}

export async function loadProfile(api: DebuggerApi, file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read profile ${file}: ${(e as Error).message}`);
  }
  const input = parseProfileFile(text);
  if (input.auth.privateKeyPath && !isAbsolute(input.auth.privateKeyPath))
    input.auth.privateKeyPath = resolve(dirname(file), input.auth.privateKeyPath);
  return unwrap(await api.saveProfile(input));
}

export async function jwksArg(v: string | undefined): Promise<{ jwks?: string; jwksUrl?: string }> {
  if (!v) return {};
  if (/^https?:\/\//.test(v)) return { jwksUrl: v };
  try {
    return { jwks: await readFile(v, 'utf8') };
  } catch (e) {
    throw new UsageError(`Cannot read JWKS file ${v}: ${(e as Error).message}`);
  }
}
