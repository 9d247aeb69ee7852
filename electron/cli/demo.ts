import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { profileJsonSchema } from '../../shared/profile-file.js';
import type { PracticeFlavour } from '../../shared/types.js';
import { nodeFiles } from '../core/files.js';
import type { Io } from './common.js';

/** Where `demo` writes when --out is not given: a `practice` folder in the current directory. */
export const DEFAULT_DEMO_DIR = 'practice';

const FLAVOURS: readonly PracticeFlavour[] = [
  'standard',
  'openemr',
  'oracle-health',
  'epic',
  'aidbox',
  'keycloak',
];

/** Waits for Ctrl-C or SIGTERM (or the test's interrupt). */
function interrupted(io: Io): Promise<void> {
  return new Promise<void>((r) => {
    if (io.onInterrupt) {
      const off = io.onInterrupt(() => {
        off();
        r();
      });
      return;
    }
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      r();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/**
 * `oauth-flow-debugger demo [--port N] [--out DIR] [--flavour X] [--force]`: starts the practice
 * server, writes its ready profile files, their private keys (PEM) and profile.schema.json into
 * DIR (default ./practice; every file mode 0600, as a profile may hold a client secret; an
 * existing file is left as it is unless --force), prints what to use, and runs until Ctrl-C or
 * SIGTERM. Exit 0 when stopped, 2 for bad usage or files in the way.
 */
export async function runDemo(opts: {
  values: Record<string, string | boolean | undefined>;
  io: Io;
  json: boolean;
}): Promise<number> {
  const { values, io, json } = opts;
  const usage = (message: string) => {
    if (json)
      io.out(
        JSON.stringify({ ok: false, findings: [], error: { code: 'USAGE', message } }, null, 2),
      );
    else io.err(`Error: ${message}`);
    return 2;
  };
  const flavour = (
    typeof values.flavour === 'string' ? values.flavour : 'standard'
  ) as PracticeFlavour;
  if (!FLAVOURS.includes(flavour)) return usage(`--flavour must be one of ${FLAVOURS.join(', ')}.`);
  const port = typeof values.port === 'string' ? Number(values.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return usage('--port must be a port number (0 picks a free one).');
  const dir = resolve(typeof values.out === 'string' ? values.out : DEFAULT_DEMO_DIR);
  const force = values.force === true;

  const { readyProfiles, startPractice } = await import('../practice/index.js');
  let server;
  try {
    server = await startPractice({ flavour, port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
      return usage(
        `Port ${port} on 127.0.0.1 is taken: choose another --port, or 0 for a free one.`,
      );
    throw e;
  }
  try {
    const schemaFile = 'profile.schema.json';
    const { profiles, keys } = readyProfiles(server, { schema: `./${schemaFile}` });
    const files = [
      ...keys,
      ...profiles,
      { fileName: schemaFile, text: `${JSON.stringify(profileJsonSchema(), null, 2)}\n` },
    ];
    // Checked before anything is written: a file there may be a key registered elsewhere.
    const taken = files.map((f) => join(dir, f.fileName)).filter((f) => existsSync(f));
    if (taken.length && !force)
      return usage(
        `${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}, left as they are. Choose another --out folder, or add --force to replace them.`,
      );
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const f of files)
      await nodeFiles.writePrivate(join(dir, f.fileName), f.text, { overwrite: force });

    const written = profiles.map((p) => ({
      name: p.profile.name,
      clientId: p.profile.clientId,
      flow: p.profile.flow ?? 'backend-services',
      path: join(dir, p.fileName),
    }));
    if (json)
      io.out(
        JSON.stringify(
          {
            ok: true,
            findings: [],
            flavour: server.flavour,
            label: server.label,
            sources: server.sources,
            issuer: server.issuer,
            fhirBase: server.fhirBase,
            user: server.user,
            profiles: written,
            keys: keys.map((k) => join(dir, k.fileName)),
          },
          null,
          2,
        ),
      );
    else {
      io.out(server.label);
      if (server.flavour !== 'standard')
        io.out(`A simulation, not the vendor's server. Sources:\n  ${server.sources.join('\n  ')}`);
      io.out(`issuer:    ${server.issuer}`);
      io.out(`FHIR base: ${server.fhirBase || '(none: an authorization server only)'}`);
      io.out(`demo user: ${server.user.login} / password ${server.user.password}`);
      io.out(`\nReady profiles (in ${dir}, mode 0600):`);
      for (const p of written) io.out(`  ${p.path}  ${p.name} [${p.flow}]`);
      const first = written[0];
      if (first) io.out(`\nTry: oauth-flow-debugger token --profile ${first.path}`);
      io.out('Running on 127.0.0.1, offline. Press Ctrl-C to stop.');
    }
    await interrupted(io);
    return 0;
  } finally {
    await server.close();
  }
}
