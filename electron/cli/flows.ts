import { readFile } from 'node:fs/promises';
import type { DebuggerApi, DebuggerBridge } from '../../shared/api/contract.js';
import { waitForAuthorization } from '../../shared/api/wait-for-authorization.js';
import type { BreakName, BrokenOnPurpose, TokenKind, TokenResult } from '../../shared/types.js';
import { BREAKS } from '../../shared/diagnosis/glossary.js';
import { loadProfile, unwrap, UsageError, type Emit, type Io } from './common.js';
import { processInterrupt, runDevice } from './device.js';

/** The commands of issue 3: registration, the authorization code flow and token operations. */
export const FLOW_COMMANDS = new Set([
  'register',
  'authorize',
  'device',
  'refresh',
  'introspect',
  'revoke',
  'userinfo',
  'logout',
  'jwks',
]);

export interface FlowContext {
  cmd: string;
  sub: string | undefined;
  api: DebuggerBridge;
  io: Io;
  values: Record<string, string | boolean | undefined>;
  emit: Emit;
  exchanges: () => Promise<unknown>;
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);

/** --token value, @file, or - for standard input (keeps tokens out of shell history). */
export async function tokenArg(v: string | undefined, what: string): Promise<string> {
  if (!v) throw new UsageError(`${what} needs --token <value|@file|->.`);
  if (v === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').trim();
  }
  if (v.startsWith('@')) {
    try {
      return (await readFile(v.slice(1), 'utf8')).trim();
    } catch (e) {
      throw new UsageError(`Cannot read token file ${v.slice(1)}: ${(e as Error).message}`);
    }
  }
  return v;
}

function whichArg(v: string | undefined): 'access_token' | 'refresh_token' {
  if (v === undefined || v === 'access_token') return 'access_token';
  if (v === 'refresh_token') return 'refresh_token';
  throw new UsageError('--hint must be access_token or refresh_token.');
}

/** Raw token values for --reveal (the user asked for them on their own terminal). */
export async function revealed(api: DebuggerApi): Promise<Partial<Record<TokenKind, string>>> {
  const out: Partial<Record<TokenKind, string>> = {};
  for (const kind of ['access_token', 'id_token', 'refresh_token'] as const) {
    const r = await api.revealSecret({ kind });
    if (r.ok) out[kind] = r.value.value;
  }
  return out;
}

/** --break NAME: one of the break-it toggles (shared/diagnosis/glossary.ts BREAKS). */
export function breakArg(v: string | boolean | undefined): BreakName | undefined {
  if (v === undefined) return undefined;
  const hit = BREAKS.find((b) => b.name === v);
  if (!hit)
    throw new UsageError(
      `--break takes one of: ${BREAKS.map((b) => b.name).join(', ')} (got "${String(v)}").`,
    );
  return hit.name;
}

/** The break, before the answer: its name and what it changed. */
export function printBreak(io: Io, b: BrokenOnPurpose) {
  io.out(`break-it ${b.name}: ${b.what}`);
}

/** "expected X: named first" / "expected X: named Y first": said plainly when it is a miss. */
export function breakVerdict(b: BrokenOnPurpose): string {
  if (b.matched) return `expected ${b.expected}: named first`;
  if (!b.named) return `expected ${b.expected}: nothing named (the server accepted the mistake)`;
  return `expected ${b.expected}: named ${b.named} first (the diagnosis did not name the expected cause first)`;
}

/** jti-reuse needs an assertion sent before: this sends a good request first, and says so. */
export async function sendFirstForJtiReuse(api: DebuggerApi, profileId: string, io: Io) {
  const first = unwrap(await api.prepareTokenRequest({ profileId }));
  const r = unwrap(await api.sendTokenRequest({ draftId: first.id }));
  io.err(
    `jti-reuse: sent a first request to use the jti once (${r.status ?? 'no answer'}, ${tokenOutcome(r)}).`,
  );
}

/** "success", "refused" (4xx/5xx), or what was wrong with a 2xx that gave no token. */
export function tokenOutcome(r: Pick<TokenResult, 'ok' | 'status'>): string {
  if (r.ok) return 'success';
  if (r.status === undefined) return 'no answer';
  if (r.status >= 200 && r.status < 300) return 'answered, but with no usable access_token';
  return 'refused';
}

function printTokenResult(io: Io, r: TokenResult) {
  io.out(`token endpoint answered ${r.status ?? 'nothing'} (${tokenOutcome(r)})`);
  if (r.body) io.out(JSON.stringify(r.body, null, 2));
  if (r.idToken?.checks)
    for (const c of r.idToken.checks)
      io.out(`  id_token ${c.name}: ${c.ok ? 'ok' : 'FAILED'}: ${c.detail}`);
  if (r.refreshToken) io.out(`refresh token: ${r.refreshToken.note}`);
  if (r.launchContext) io.out(`launch context: ${JSON.stringify(r.launchContext)}`);
}

export async function runFlowCommand(ctx: FlowContext): Promise<number> {
  const { cmd, api, io, values, emit } = ctx;
  const profileFile = str(values.profile);
  if (!profileFile) throw new UsageError(`${cmd} needs --profile <file>.`);
  const p = await loadProfile(api, profileFile);
  const reveal = values.reveal === true;

  switch (cmd) {
    case 'register': {
      const draft = unwrap(await api.prepareRegistration({ profileId: p.id }));
      const r = unwrap(await api.sendRegistration({ profileId: p.id, body: draft.body }));
      const out = str(values.out);
      if (r.ok && out) unwrap(await api.exportProfileFile({ profileId: p.id, path: out }));
      return emit(
        r.ok,
        r.findings,
        {
          registration: r.body ?? null,
          clientId: r.profile.clientId || null,
          stored: r.stored,
          nextSteps: r.nextSteps,
          ...(out && r.ok ? { profileWritten: out } : {}),
          exchanges: await ctx.exchanges(),
        },
        () => {
          io.out(`POST ${draft.url} -> ${r.status ?? 'no answer'}`);
          if (r.ok) io.out(`client_id: ${r.profile.clientId}`);
          if (r.stored.length) io.out(`stored: ${r.stored.join(', ')}`);
          if (out && r.ok) io.err(`Wrote ${out} (mode 0600, contains the client secret).`);
          for (const s of r.nextSteps)
            io.out(`next step (outside the protocol): ${s.title}: ${s.detail}`);
        },
      );
    }
    case 'authorize': {
      const timeout = str(values.timeout);
      const brk = breakArg(values.break);
      const flow = unwrap(
        await api.startAuthorization({
          profileId: p.id,
          open: values['no-browser'] !== true,
          ...(timeout ? { timeoutSec: Number(timeout) } : {}),
          ...(brk ? { break: brk } : {}),
        }),
      );
      if (flow.broken) io.err(`break-it ${flow.broken.name}: ${flow.broken.what}`);
      io.err(
        flow.opened
          ? `Opened the sign-in page in your browser. If nothing appeared, open:\n${flow.url}`
          : `Open this URL in a browser and sign in:\n${flow.url}`,
      );
      if (flow.mode === 'paste')
        io.err(
          `The redirect URI ${flow.redirectUri} is not a loopback address: this command cannot receive it. Use the app's paste fallback, or omit redirectUri to use the loopback listener.`,
        );
      else io.err(`Waiting on ${flow.redirectUri} (until ${flow.expiresAt}) ...`);
      // The engine's timers never hold a process: the CLI itself stays up while it waits.
      const keepAlive = setInterval(() => {}, 60_000);
      const done = await waitForAuthorization(api, flow.id).finally(() => clearInterval(keepAlive));
      const token = done.token;
      const findings = [...done.findings, ...(token?.findings ?? [])];
      const code = emit(
        done.status === 'done' && !!token?.ok,
        findings,
        {
          status: done.status,
          checks: done.checks,
          tokenResponse: token?.body ?? null,
          idToken: token?.idToken ?? null,
          refreshToken: token?.refreshToken ?? null,
          launchContext: token?.launchContext ?? null,
          ...(reveal && token?.ok ? { tokens: await revealed(api) } : {}),
          ...(done.broken ? { broken: done.broken } : {}),
          exchanges: await ctx.exchanges(),
        },
        () => {
          if (done.broken) printBreak(io, done.broken);
          io.out(`authorization: ${done.status}`);
          for (const c of done.checks)
            io.out(`  ${c.name}: ${c.ok ? 'ok' : 'FAILED'}: ${c.detail}`);
          if (token) printTokenResult(io, token);
        },
      );
      if (done.broken && values.json !== true) io.out(`\n${breakVerdict(done.broken)}`);
      return code;
    }
    case 'device': {
      const timeout = str(values.timeout);
      if (timeout !== undefined && !/^\d+$/.test(timeout))
        throw new UsageError('--timeout takes whole seconds, e.g. --timeout 300.');
      // The engine's poll timers are unref'd: this keeps the process alive while it waits.
      const keepAlive = setInterval(() => {}, 60_000);
      try {
        return await runDevice(
          {
            api,
            onDevice: (l) => api.on('device', l),
            onInterrupt: io.onInterrupt ?? processInterrupt,
            revealed: () => revealed(api),
            printTokenResult,
            exchanges: ctx.exchanges,
          },
          io,
          emit,
          { profileId: p.id, ...(timeout ? { timeoutSec: Number(timeout) } : {}), reveal },
        );
      } finally {
        clearInterval(keepAlive);
      }
    }
    case 'refresh': {
      const refreshToken = await tokenArg(str(values.token), 'refresh');
      const r = unwrap(await api.refreshTokens({ profileId: p.id, refreshToken }));
      return emit(
        r.ok,
        r.findings,
        {
          tokenResponse: r.body ?? null,
          status: r.status ?? null,
          refreshToken: r.refreshToken ?? null,
          ...(reveal && r.ok ? { tokens: await revealed(api) } : {}),
          exchanges: await ctx.exchanges(),
        },
        () => printTokenResult(io, r),
      );
    }
    case 'introspect':
    case 'revoke':
    case 'userinfo': {
      const token = await tokenArg(str(values.token), cmd);
      const which = whichArg(str(values.hint));
      const bearer =
        cmd === 'introspect' && values.bearer !== undefined
          ? await tokenArg(str(values.bearer), 'introspect --bearer')
          : undefined;
      const r = unwrap(
        cmd === 'introspect'
          ? await api.introspectToken({
              profileId: p.id,
              which,
              token,
              ...(bearer ? { bearer } : {}),
            })
          : cmd === 'revoke'
            ? await api.revokeToken({ profileId: p.id, which, token })
            : await api.callUserinfo({ profileId: p.id, token }),
      );
      return emit(
        r.ok,
        r.findings,
        {
          status: r.status ?? null,
          body: r.body ?? null,
          ...(r.active !== undefined ? { active: r.active } : {}),
          exchanges: await ctx.exchanges(),
        },
        () => {
          io.out(
            `${cmd}: HTTP ${r.status ?? 'no answer'}${r.active !== undefined ? `, active: ${r.active}` : ''}`,
          );
          if (r.body) io.out(JSON.stringify(r.body, null, 2));
        },
      );
    }
    case 'logout': {
      const r = unwrap(
        await api.endSession({ profileId: p.id, open: values['no-browser'] !== true }),
      );
      return emit(true, [], { logout: r }, () => {
        io.out(r.url);
        io.err(
          r.opened
            ? 'Opened the logout page in your browser.'
            : 'Open this URL in the browser you signed in with to end the session at the server.',
        );
      });
    }
    case 'jwks': {
      if (ctx.sub !== 'serve') throw new UsageError('Use: jwks serve --profile <file> [--port N]');
      const port = str(values.port);
      const host = unwrap(
        await api.hostJwks({ profileId: p.id, ...(port ? { port: Number(port) } : {}) }),
      );
      emit(host.reachable, [], { jwks: host }, () => {
        io.out(host.url);
        io.err(`${host.note}\nServing ${host.kids.join(', ')}; press Ctrl+C to stop.`);
      });
      await new Promise<void>((r) => {
        process.once('SIGINT', r);
        process.once('SIGTERM', r);
      });
      unwrap(await api.stopJwksHost());
      return host.reachable ? 0 : 1;
    }
    default:
      throw new UsageError(`Unknown command "${cmd}".`);
  }
}
