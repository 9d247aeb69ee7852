// issue 12 §1: `demo` starts the practice server, writes ready profiles that the flow commands
// use as they are, and stops on Ctrl-C. How fast it stops is measured by `npm run bench`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { portIsFree } from '../testing/net.js';
import { DEMO_USER } from '../practice/practice-server.js';
import { cli, runCli } from './test-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

beforeAll(() => {
  const r = spawnSync(process.execPath, ['build/scripts/build-cli.mjs', '--if-stale', '--quiet'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
});

/** Starts `demo` in a child process; resolves once it printed that it runs. */
async function startDemo(args: string[]) {
  const child = spawn(process.execPath, ['electron/cli/bin.mjs', 'demo', ...args], { cwd: root });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C to stop.')) resolve();
    });
    child.once('exit', () => reject(new Error(`demo exited early: ${out}\n${err}`)));
  });
  return { child, exited, out: () => out };
}

describe('oauth-flow-debugger demo', () => {
  it('prints the issuer, FHIR base, demo user and profiles; token works with a written profile; SIGINT exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofd-demo-'));
    const demo = await startDemo(['--port', '0', '--out', dir]);
    const out = demo.out();
    const issuer = /issuer: +(\S+)/.exec(out)![1]!;
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain(`FHIR base: ${issuer}/fhir`);
    expect(out).toContain(`demo user: ${DEMO_USER.login} / password ${DEMO_USER.password}`);
    const paths = [...out.matchAll(/^ {2}(\S+\.profile\.json) /gm)].map((m) => m[1]!);
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual([
      'backend-rs384.profile.json',
      'backend-es384.profile.json',
      'confidential-app.profile.json',
      'public-app.profile.json',
      'device.profile.json',
      'registration.profile.json',
    ]);
    // Keys and profiles (one holds a client secret) are private to the user.
    for (const f of [...paths, join(dir, 'practice-backend-rs384.pem')])
      expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(paths[0]!, 'utf8'))).toMatchObject({
      $schema: './profile.schema.json',
      fhirBaseUrl: `${issuer}/fhir`,
      auth: { privateKeyPath: 'practice-backend-rs384.pem' },
    });

    for (const profile of paths.slice(0, 2)) {
      const r = await cli('token', '--profile', profile, '--json');
      expect(r.code, r.out).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ ok: true, status: 200 });
    }

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(await portIsFree(Number(new URL(issuer).port))).toBe(true);
  });

  it('leaves existing files alone without --force (exit 2), and refuses an unknown flavour', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofd-demo-'));
    writeFileSync(join(dir, 'practice-backend-rs384.pem'), 'mine');
    const r = await runCli(['demo', '--out', dir], undefined, { interrupt: {} });
    expect(r.code).toBe(2);
    expect(r.err).toContain('already exist');
    expect(readFileSync(join(dir, 'practice-backend-rs384.pem'), 'utf8')).toBe('mine');
    const bad = await cli('demo', '--flavour', 'no-such', '--out', dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--flavour must be one of');
  });

  it('--flavour epic: a labelled simulation whose profile gets a token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofd-demo-'));
    const demo = await startDemo(['--flavour', 'epic', '--out', dir]);
    const out = demo.out();
    expect(out).toContain('Practice server (simulating Epic)');
    expect(out).toContain('fhir.epic.com');
    const profile = /^ {2}(\S+\.profile\.json) /m.exec(out)![1]!;
    const r = await cli('token', '--profile', profile, '--json');
    expect(r.code, r.out).toBe(0);
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  });
});
