import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Finding } from '../../shared/diagnosis/codes.js';
import { AppFailure } from '../../shared/result.js';
import { KEY_KINDS, SIGNING_ALGS, type KeyKind, type SigningAlg } from '../../shared/types.js';
import type { Io } from './common.js';

export type { Io } from './common.js';

// The engine and the command modules load only once a command runs (`load` below), so `--help`
// imports none of them: in the bundle (build/scripts/build-cli.mjs) they sit in chunks of their own.
const load = () =>
  Promise.all([
    import('../core/create-core.js'),
    import('./common.js'),
    import('./flows.js'),
    import('./inspect.js'),
    import('./open-browser.js'),
    import('./workspace.js'),
  ]);

/** The process's stdout/stderr (what common.ts's `stdio` does, without loading the engine). */
const processIo: Io = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
};

const USAGE = `oauth-flow-debugger: see and fix OAuth 2.0 / SMART-on-FHIR flows

Usage:
  oauth-flow-debugger serve [--port N]                 serve the UI on 127.0.0.1
  oauth-flow-debugger demo [--port N] [--out DIR] [--flavour X] [--force]
                          the practice server (offline, 127.0.0.1) until Ctrl-C; writes ready
                          profiles and keys into DIR (default ./practice). Flavours: standard,
                          openemr, oracle-health, epic, aidbox, keycloak (simulations)
  oauth-flow-debugger discover <fhirBaseOrIssuer>      read smart-configuration / openid-configuration
  oauth-flow-debugger keys generate --alg RS384 [--kind RSA-2048] [--kid K] --out <dir> [--force]
                          refuses (exit 2) when <dir> already holds a key, unless --force
  oauth-flow-debugger assertion sign --profile <file>
  oauth-flow-debugger assertion inspect <jwt> [--jwks <file|url>] [--token-url <url>] [--client-id <id>]
  oauth-flow-debugger inspect <file|text|->... [--preset <id>] [--jwks <file|url>] [--token-url <url>]
        [--client-id <id>] [--status N] [--har-entry N] [--server <id>] [--report <file.md>]
                          diagnose what a customer sent: JWT, request or error body, raw HTTP, curl, HAR
  oauth-flow-debugger token --profile <file> [--reveal] [--break NAME]
  oauth-flow-debugger decode <jwt> [--jwks <file|url>]
  oauth-flow-debugger register --profile <file> [--out <file>]
  oauth-flow-debugger authorize --profile <file> [--no-browser] [--timeout S] [--reveal] [--break NAME]
                          --break makes one mistake on purpose and sends it: aud, exp, jti-reuse,
                          alg, kid, iss-sub, scope (token); verifier, redirect-uri, state, scope
                          (authorize); it prints the expected cause and the one named first
  oauth-flow-debugger device --profile <file> [--timeout S] [--reveal]
                          RFC 8628 device sign-in: prints the code and where to enter it, polls
  oauth-flow-debugger refresh --profile <file> --token <refresh token|@file|->
  oauth-flow-debugger introspect --profile <file> --token <token|@file|-> [--hint refresh_token]
        [--bearer <token|@file|->]          authenticate with a Bearer token (RFC 7662 §2.1)
  oauth-flow-debugger revoke --profile <file> --token <token|@file|-> [--hint refresh_token]
  oauth-flow-debugger userinfo --profile <file> --token <access token|@file|->
  oauth-flow-debugger logout --profile <file> [--no-browser]          RP-initiated logout
  oauth-flow-debugger jwks serve --profile <file> [--port N]
  oauth-flow-debugger workspace status | export --out <file> [--force] | import <file>
                          the workspace in OFD_DATA_DIR (unlocked by OFD_PASSPHRASE); a backup is
                          encrypted with OFD_BACKUP_PASSPHRASE and holds profiles, keys and secrets

Tokens are printed masked; --reveal prints them in full (for scripts).
register --out writes the profile with the new client_id and secret (mode 0600).

Support (what you send back):
  oauth-flow-debugger diff <a> <b> [--json]     what changed between two HAR files or case bundles
                          (exit 0 the same, 1 they differ, 2 a file cannot be read)
  --har FILE / --bundle FILE on every flow command (discover, token, register, authorize, device,
                          refresh, introspect, revoke, userinfo, logout): after it, writes the runs
                          as a redacted HAR / the case bundle of the last run (mode 0600; an
                          existing file only with --force)

Every command takes --json (one JSON document: { ok, findings, ... }).
Exit codes: 0 success, 1 the server refused or the flow failed (findings printed), 2 bad usage or input.`;

/** Runs one CLI invocation; returns the exit code. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let json = false;
  let loaded: Awaited<ReturnType<typeof load>> | undefined;
  /** Writes --har / --bundle once the command is over, whatever its outcome. */
  let afterRun: (() => Promise<void>) | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        profile: { type: 'string' },
        alg: { type: 'string' },
        kind: { type: 'string' },
        kid: { type: 'string' },
        out: { type: 'string' },
        jwks: { type: 'string' },
        'token-url': { type: 'string' },
        'client-id': { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        hint: { type: 'string' },
        timeout: { type: 'string' },
        reveal: { type: 'boolean' },
        force: { type: 'boolean' },
        'no-browser': { type: 'boolean' },
        preset: { type: 'string' },
        status: { type: 'string' },
        'har-entry': { type: 'string' },
        report: { type: 'string' },
        bearer: { type: 'string' },
        server: { type: 'string' },
        flavour: { type: 'string' },
        break: { type: 'string' },
        har: { type: 'string' },
        bundle: { type: 'string' },
      },
    });
    json = !!values.json;
    const [cmd, sub, arg] = positionals;
    if (values.help || !cmd) {
      io.out(USAGE);
      return cmd || values.help ? 0 : 2;
    }
    // Before the command modules load: the web host loads the engine itself, after it listens.
    // The practice server: loads oidc-provider, never the engine.
    if (cmd === 'demo') return await (await import('./demo.js')).runDemo({ values, io, json });
    if (cmd === 'serve') {
      const { serve } = await import('../web-host/main.js');
      const host = await serve({ ...(values.port ? { port: Number(values.port) } : {}) });
      await new Promise<void>((r) => {
        process.once('SIGINT', r);
        process.once('SIGTERM', r);
      });
      await host.close();
      return 0;
    }

    const [
      { createNodeEngine },
      { cliApi, jwksArg, loadProfile, printFindings, unwrap, UsageError },
      {
        FLOW_COMMANDS,
        revealed,
        runFlowCommand,
        tokenOutcome,
        breakArg,
        breakVerdict,
        printBreak,
        sendFirstForJtiReuse,
      },
      { runInspect },
      { systemBrowser },
      { runWorkspace },
    ] = (loaded = await load());
    const emit = (
      ok: boolean,
      findings: Finding[],
      rest: Record<string, unknown>,
      human: () => void,
    ) => {
      if (json) io.out(JSON.stringify({ ok, findings, ...rest }, null, 2));
      else {
        human();
        printFindings(io, findings, cmd === 'inspect' ? 'evidence' : 'run');
      }
      return ok ? 0 : 1;
    };

    // The workspace of the data folder (the web host's), not an ephemeral engine.
    if (cmd === 'workspace')
      return await runWorkspace({
        sub,
        arg,
        values,
        api: cliApi(createNodeEngine({})),
        io,
        emit,
      });

    // The engine through the contract, like every host holds it (cliApi in common.ts).
    const engine = cliApi(
      createNodeEngine({
        ephemeral: true,
        ...(values['no-browser'] ? {} : { browser: systemBrowser }),
      }),
    );
    const exchanges = async () => unwrap(await engine.listExchanges());
    // What support sends back (support.ts): diff, and --har/--bundle written after the command.
    const support = await import('./support.js');
    if (cmd === 'diff') return await support.runDiff({ args: positionals.slice(1), values, io });
    afterRun = support.prepareSupportFiles({ cmd, values, api: engine, io });
    if (FLOW_COMMANDS.has(cmd))
      return await runFlowCommand({ cmd, sub, api: engine, io, values, emit, exchanges });

    if (cmd === 'inspect')
      return await runInspect({ args: positionals.slice(1), values, api: engine, io, emit });

    switch (cmd) {
      case 'discover': {
        if (!sub) throw new UsageError('discover needs a FHIR base URL or an issuer.');
        let d = unwrap(await engine.discover({ fhirBaseUrl: sub }));
        if (!d.documents.some((x) => x.ok)) d = unwrap(await engine.discover({ issuer: sub }));
        const ok = d.documents.some((x) => x.ok);
        return emit(ok, d.findings, { discovery: d, exchanges: await exchanges() }, () => {
          for (const doc of d.documents)
            io.out(
              `${doc.ok ? 'OK  ' : 'FAIL'} ${doc.kind} ${doc.url}${doc.error ? ` (${doc.error})` : ''}`,
            );
          if (d.tokenEndpoint) io.out(`token_endpoint: ${d.tokenEndpoint}`);
          if (d.jwksUri) io.out(`jwks_uri:       ${d.jwksUri}`);
          if (d.signingAlgs) io.out(`signing algs:   ${d.signingAlgs.join(', ')}`);
          if (d.authMethods) io.out(`auth methods:   ${d.authMethods.join(', ')}`);
        });
      }
      case 'keys': {
        if (sub !== 'generate') throw new UsageError('Use: keys generate --alg RS384 --out <dir>');
        if (!values.out) throw new UsageError('keys generate needs --out <dir>.');
        const alg = (values.alg ?? 'RS384') as SigningAlg;
        if (!SIGNING_ALGS.includes(alg))
          throw new UsageError(`--alg must be one of ${SIGNING_ALGS.join(', ')}.`);
        const kind = (values.kind ??
          (alg.startsWith('ES')
            ? `EC-P-${alg === 'ES256' ? '256' : alg === 'ES384' ? '384' : '521'}`
            : 'RSA-2048')) as KeyKind;
        if (!KEY_KINDS.includes(kind))
          throw new UsageError(`--kind must be one of ${KEY_KINDS.join(', ')}.`);
        const pemPath = join(values.out, 'private-key.pem');
        const jwksPath = join(values.out, 'jwks.json');
        const force = values.force === true;
        // Checked before a key is made or anything written: a key already there may be the one
        // registered with an EHR, and half a pair (a new PEM beside the old JWKS) is worse.
        const taken = [pemPath, jwksPath].filter((f) => existsSync(f));
        if (taken.length && !force)
          throw new UsageError(
            `${taken.join(' and ')} already exist${taken.length === 1 ? 's' : ''}, left as ${taken.length === 1 ? 'it is' : 'they are'}: it may be the key registered with a server. Choose another --out folder, or add --force to replace ${taken.length === 1 ? 'it' : 'them'}.`,
          );
        const key = unwrap(
          await engine.generateKey({ kind, alg, ...(values.kid ? { kid: values.kid } : {}) }),
        );
        await mkdir(values.out, { recursive: true });
        unwrap(await engine.exportPrivateKey({ keyId: key.id, path: pemPath, overwrite: force }));
        await writeFile(jwksPath, `${unwrap(await engine.exportJwks([key.id])).jwks}\n`);
        return emit(
          true,
          [],
          { kid: key.kid, alg: key.alg, kind: key.kind, privateKeyPath: pemPath, jwksPath },
          () => {
            io.out(key.kid);
            io.err(
              `Wrote ${pemPath} (mode 0600) and ${jwksPath}. Register jwks.json (or a URL serving it) with the server.`,
            );
          },
        );
      }
      case 'assertion': {
        if (sub === 'sign') {
          if (!values.profile) throw new UsageError('assertion sign needs --profile <file>.');
          const p = await loadProfile(engine, values.profile);
          const a = unwrap(await engine.buildAssertion({ profileId: p.id }));
          const jwt = unwrap(await engine.revealSecret({ kind: 'client_assertion' })).value;
          const ok = !a.lint.some((f) => f.severity === 'error');
          return emit(
            ok,
            a.lint,
            {
              assertion: { jwt, header: a.header, claims: a.claims },
              exchanges: await exchanges(),
            },
            () => io.out(jwt),
          );
        }
        if (sub === 'inspect') {
          if (!arg) throw new UsageError('assertion inspect needs the JWT.');
          const r = unwrap(
            await engine.inspectAssertion({
              jwt: arg,
              ...(await jwksArg(values.jwks)),
              ...(values['token-url'] ? { tokenUrl: values['token-url'] } : {}),
              ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
            }),
          );
          const ok =
            !r.findings.some((f) => f.severity === 'error') && r.verification.status !== 'failed';
          return emit(
            ok,
            r.findings,
            { decoded: r.decoded, verification: r.verification, exchanges: await exchanges() },
            () => {
              io.out(`header: ${JSON.stringify(r.decoded.header)}`);
              io.out(`claims: ${JSON.stringify(r.decoded.claims, null, 2)}`);
              io.out(`signature: ${r.verification.status}: ${r.verification.message}`);
            },
          );
        }
        throw new UsageError('Use: assertion sign --profile <file> | assertion inspect <jwt>');
      }
      case 'token': {
        if (!values.profile) throw new UsageError('token needs --profile <file>.');
        const p = await loadProfile(engine, values.profile);
        const brk = breakArg(values.break);
        if (brk === 'jti-reuse') await sendFirstForJtiReuse(engine, p.id, io);
        const draft = unwrap(
          await engine.prepareTokenRequest({ profileId: p.id, ...(brk ? { break: brk } : {}) }),
        );
        const r = unwrap(await engine.sendTokenRequest({ draftId: draft.id }));
        const tokens = values.reveal === true && r.ok ? await revealed(engine) : undefined;
        const code = emit(
          r.ok,
          r.findings,
          {
            tokenResponse: r.body ?? null,
            status: r.status ?? null,
            decoded: r.accessToken ?? null,
            ...(tokens ? { tokens } : {}),
            ...(r.broken ? { broken: r.broken } : {}),
            exchanges: await exchanges(),
          },
          () => {
            if (r.broken) printBreak(io, r.broken);
            io.out(`POST ${draft.url} -> ${r.status ?? 'no answer'} (${tokenOutcome(r)})`);
            if (tokens) for (const [k, v] of Object.entries(tokens)) io.out(`${k}: ${v}`);
            if (r.body) io.out(JSON.stringify(r.body, null, 2));
            if (r.accessToken?.decoded)
              io.out(
                `access token claims: ${JSON.stringify(r.accessToken.decoded.claims, null, 2)}`,
              );
            if (r.accessToken)
              io.out(
                `signature: ${r.accessToken.verification.status}: ${r.accessToken.verification.message}`,
              );
          },
        );
        if (r.broken && !json) io.out(`\n${breakVerdict(r.broken)}`);
        return code;
      }
      case 'decode': {
        if (!sub) throw new UsageError('decode needs the JWT.');
        const v = unwrap(await engine.decodeToken({ token: sub, ...(await jwksArg(values.jwks)) }));
        const ok = v.verification.status !== 'failed';
        return emit(ok, v.findings, { decoded: v, exchanges: await exchanges() }, () => {
          if (v.format === 'opaque') io.out('Opaque token: not a JWT, nothing to decode.');
          else {
            io.out(`header: ${JSON.stringify(v.decoded?.header)}`);
            for (const c of v.explained)
              io.out(
                `  ${c.name}: ${JSON.stringify(c.value)}${c.date ? ` (${c.date})` : ''}  — ${c.meaning}`,
              );
          }
          io.out(`signature: ${v.verification.status}: ${v.verification.message}`);
        });
      }
      default:
        throw new UsageError(`Unknown command "${cmd}".`);
    }
  } catch (e) {
    const usage =
      (loaded && e instanceof loaded[1].UsageError) ||
      (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const failure = e instanceof AppFailure ? e : undefined;
    const message = (e as Error).message;
    const inputCodes = [
      'INVALID_INPUT',
      'JWT_MALFORMED',
      'KEY_INVALID',
      'JWKS_INVALID',
      'JSON_INVALID',
      'PROFILE_INVALID',
      'FILE_ERROR',
      'NOT_FOUND',
      'SECRET_UNAVAILABLE',
      'FILE_EXISTS',
      'WORKSPACE_LOCKED',
      'PASSPHRASE_WRONG',
      'STORE_READ_ONLY',
      'PORT_IN_USE',
    ];
    const code = usage || (failure && inputCodes.includes(failure.code)) ? 2 : 1;
    if (json)
      io.out(
        JSON.stringify(
          {
            ok: false,
            findings: [],
            error: {
              code: failure?.code ?? (usage ? 'USAGE' : 'INTERNAL'),
              message,
              ...(failure?.fix ? { fix: failure.fix } : {}),
            },
          },
          null,
          2,
        ),
      );
    else {
      io.err(`Error: ${message}`);
      if (failure?.fix) io.err(`Fix: ${failure.fix}`);
      if (usage) io.err(`\n${USAGE}`);
    }
    return code;
  } finally {
    // Also after a failed flow: a refused or unanswered request is still recorded.
    try {
      await afterRun?.();
    } catch (e) {
      io.err(`Error: the support files were not written: ${(e as Error).message}`);
    }
  }
}
