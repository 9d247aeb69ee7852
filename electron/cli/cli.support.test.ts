import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { parseCaseBundle } from '../../shared/case-bundle.js';
import type { Har } from '../../shared/har.js';
import { cli, runCli } from './test-cli.js';

const SECRET = 'right-secret-value-123456';
const WRONG = 'wrong-secret-value-654321';

let server: SmartServer;
const dir = mkdtempSync(join(tmpdir(), 'ofd-cli-support-'));
/** The plaintext secrets the server saw, and the ones the profiles hold. */
const seen = new Set<string>([SECRET, WRONG, btoa(`basic-client:${SECRET}`)]);

beforeAll(async () => {
  server = await startSmartServer({
    clients: [
      { client_id: 'jwt-client', token_endpoint_auth_method: 'private_key_jwt', hostedJwks: true },
      {
        client_id: 'native-app',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
      {
        client_id: 'basic-client',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: SECRET,
      },
    ],
    onExchange: (e) => {
      for (const k of ['client_assertion', 'code', 'code_verifier', 'refresh_token'])
        if (typeof e.params[k] === 'string') seen.add(e.params[k] as string);
      const body = e.body as Record<string, unknown> | undefined;
      for (const k of ['access_token', 'refresh_token', 'id_token'])
        if (typeof body?.[k] === 'string') seen.add(body[k] as string);
    },
  });
  const g = await cli('keys', 'generate', '--alg', 'RS384', '--out', join(dir, 'keys'));
  expect(g.code, g.err).toBe(0);
  server.setClientJwks(
    'jwt-client',
    JSON.parse(readFileSync(join(dir, 'keys', 'jwks.json'), 'utf8')) as never,
  );
  const profile = (name: string, auth: Record<string, unknown>, clientId: string) =>
    writeFileSync(
      join(dir, name),
      JSON.stringify({
        name,
        fhirBaseUrl: server.fhirBase,
        clientId,
        scope: 'system/Patient.rs',
        auth,
      }),
    );
  profile(
    'jwt.json',
    { method: 'private_key_jwt', alg: 'RS384', privateKeyPath: 'keys/private-key.pem' },
    'jwt-client',
  );
  profile('good.json', { method: 'client_secret_basic', clientSecret: SECRET }, 'basic-client');
  writeFileSync(
    join(dir, 'native.json'),
    JSON.stringify({
      name: 'native',
      flow: 'authorization-code',
      fhirBaseUrl: server.fhirBase,
      clientId: 'native-app',
      scope: 'openid fhirUser launch/patient patient/Patient.rs',
      auth: { method: 'none' },
    }),
  );
  profile('bad.json', { method: 'client_secret_basic', clientSecret: WRONG }, 'basic-client');
});
afterAll(() => server?.close());

/** Every form a secret can take in a file: as is, URL-encoded, JSON-escaped. */
function leaks(text: string): string[] {
  return [...seen].filter(
    (s) =>
      s.length >= 8 &&
      (text.includes(s) ||
        text.includes(encodeURIComponent(s)) ||
        text.includes(JSON.stringify(s).slice(1, -1))),
  );
}

const mode = (f: string) => statSync(f).mode & 0o777;

describe('token --har and --bundle', () => {
  it('writes the redacted HAR and the bundle (0600), prints their paths, holds no secret', async () => {
    const har = join(dir, 'jwt.har');
    const bundle = join(dir, 'jwt-case.json');
    const r = await cli(
      'token',
      '--profile',
      join(dir, 'jwt.json'),
      '--har',
      har,
      '--bundle',
      bundle,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`HAR written to ${har}`);
    expect(r.err).toContain(`Case bundle written to ${bundle}`);
    expect(mode(har)).toBe(0o600);
    expect(mode(bundle)).toBe(0o600);
    const h = JSON.parse(readFileSync(har, 'utf8')) as Har;
    const token = h.log.entries.find((e) => e._step === 'Token request')!;
    expect(token.request.postData?.text).toMatch(
      /client_assertion=\{\{client_assertion;len=\d+;sha256=[0-9a-f]{8}\}\}/,
    );
    const b = parseCaseBundle(JSON.parse(readFileSync(bundle, 'utf8')));
    // The run is named by what began it (the profile's flow).
    expect(b.run.flow).toBeTruthy();
    expect(b.tokens.map((t) => t.kind)).toContain('client_assertion');
    expect(seen.size).toBeGreaterThan(3);
    expect(leaks(readFileSync(har, 'utf8'))).toEqual([]);
    expect(leaks(readFileSync(bundle, 'utf8'))).toEqual([]);
    expect(leaks(r.out + r.err)).toEqual([]);
  });

  it('refuses an existing file before sending anything (exit 2) unless --force', async () => {
    const har = join(dir, 'kept.har');
    writeFileSync(har, 'keep me');
    const r = await cli('token', '--profile', join(dir, 'good.json'), '--har', har);
    expect(r.code).toBe(2);
    expect(r.err).toContain('already exists');
    expect(readFileSync(har, 'utf8')).toBe('keep me');
    const forced = await cli('token', '--profile', join(dir, 'good.json'), '--har', har, '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(JSON.parse(readFileSync(har, 'utf8'))).toHaveProperty('log.entries');
    expect(mode(har)).toBe(0o600);
  });

  it('a refused request is still written (exit 1); the JSON document stays one document', async () => {
    const har = join(dir, 'bad.har');
    const bundle = join(dir, 'bad-case.json');
    const r = await cli(
      'token',
      '--profile',
      join(dir, 'bad.json'),
      '--har',
      har,
      '--bundle',
      bundle,
      '--json',
    );
    expect(r.code).toBe(1);
    const run = JSON.parse(r.out) as { ok: boolean; findings: { code: string }[] };
    expect(run.ok).toBe(false);
    const h = JSON.parse(readFileSync(har, 'utf8')) as Har;
    expect(h.log.entries.find((e) => e._step === 'Token request')?.response.status).toBe(401);
    const b = parseCaseBundle(JSON.parse(readFileSync(bundle, 'utf8')));
    expect(b.findings.map((f) => f.code)).toContain('CLIENT_SECRET_INVALID');
    expect(b.findings.map((f) => f.code)).toEqual(run.findings.map((f) => f.code));
    expect(leaks(readFileSync(har, 'utf8') + readFileSync(bundle, 'utf8'))).toEqual([]);
  });

  it('a request that got no answer is written too (status 0 and the reason)', async () => {
    const har = join(dir, 'refused.har');
    // Port 1 on the loopback: nothing listens, the connection is refused.
    const r = await cli('discover', 'http://127.0.0.1:1/fhir', '--har', har);
    expect(r.code).toBe(1);
    const h = JSON.parse(readFileSync(har, 'utf8')) as Har;
    expect(h.log.entries.length).toBeGreaterThan(0);
    expect(h.log.entries[0]!.response.status).toBe(0);
    expect(h.log.entries[0]!._error?.code).toBe('NETWORK_ERROR');
  });

  it('authorize --har: the browser hops are in it, the code and verifier as markers', async () => {
    const har = join(dir, 'authorize.har');
    let signedIn: Promise<unknown> = Promise.resolve();
    const onErr = (line: string) => {
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m.exec(line)?.[1];
      if (!url) return;
      const redirectPrefix = new URL(url).searchParams.get('redirect_uri')!;
      signedIn = completeDevLogin(url, { redirectPrefix }).then((r) => fetch(r));
    };
    const r = await runCli(
      ['authorize', '--profile', join(dir, 'native.json'), '--no-browser', '--har', har],
      onErr,
    );
    await signedIn;
    expect(r.code, r.err).toBe(0);
    const h = JSON.parse(readFileSync(har, 'utf8')) as Har;
    const steps = h.log.entries.map((e) => e._step);
    expect(steps).toEqual(
      expect.arrayContaining(['Authorize (browser)', 'Callback (loopback)', 'Token request']),
    );
    const token = h.log.entries.find((e) => e._step === 'Token request')!;
    expect(token.request.postData?.text).toMatch(/code_verifier=\{\{code_verifier;len=\d+;sha256=/);
    expect(leaks(readFileSync(har, 'utf8'))).toEqual([]);
  });

  it('--har on a command that runs no flow is bad usage', async () => {
    const r = await cli('decode', 'x.y.z', '--har', join(dir, 'never.har'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--har and --bundle go with a flow command');
  });
});

describe('diff and inspect over the files', () => {
  it('diff --json prints exactly { differences }; exit 1 when they differ, 0 when not', async () => {
    const good = join(dir, 'good.har');
    const good2 = join(dir, 'good2.har');
    expect((await cli('token', '--profile', join(dir, 'good.json'), '--har', good)).code).toBe(0);
    expect((await cli('token', '--profile', join(dir, 'good.json'), '--har', good2)).code).toBe(0);
    const bad = join(dir, 'bad.har');
    const d = await cli('diff', good, bad, '--json');
    expect(d.code, d.err).toBe(1);
    const doc = JSON.parse(d.out) as {
      differences: { where: string; field: string; a?: string; b?: string }[];
    };
    expect(Object.keys(doc)).toEqual(['differences']);
    expect(doc.differences.find((x) => x.field === 'response.status')).toEqual({
      where: 'Token request #1',
      field: 'response.status',
      a: '200',
      b: '401',
    });
    // The secret differs: shown by its marks, never its value.
    const auth = doc.differences.find((x) => x.field === 'request.header.authorization')!;
    expect(auth.a).toMatch(/^Basic \{\{\w+;len=\d+;sha256=[0-9a-f]{8}\}\}$/);
    expect(auth.a).not.toBe(auth.b);
    expect(leaks(d.out)).toEqual([]);

    const text = await cli('diff', good, bad);
    expect(text.code).toBe(1);
    expect(text.out).toContain('Token request #1');
    expect(text.out).toContain('response.status: 200 -> 401');
    expect(leaks(text.out)).toEqual([]);

    const same = await cli('diff', good, good2, '--json');
    expect(same.code, same.out).toBe(0);
    expect(JSON.parse(same.out)).toEqual({ differences: [] });
    const bundle = await cli('diff', join(dir, 'jwt-case.json'), join(dir, 'bad-case.json'));
    expect(bundle.code).toBe(1);
    expect(leaks(bundle.out)).toEqual([]);
  });

  it('diff of a file that is no HAR nor bundle is bad input (exit 2)', async () => {
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello');
    const r = await cli('diff', junk, join(dir, 'good.har'));
    expect(r.code).toBe(2);
  });

  it('inspect <bundle> diagnoses the run, and its --report covers it', async () => {
    const report = join(dir, 'report.md');
    const r = await cli('inspect', join(dir, 'bad-case.json'), '--report', report, '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { findings: { code: string }[]; refused: boolean };
    expect(doc.refused).toBe(true);
    expect(doc.findings[0]?.code).toBe('CLIENT_SECRET_INVALID');
    const md = readFileSync(report, 'utf8');
    expect(md).toMatch(/Case bundle of run "\S+" \(bad\.json\)/);
    expect(md).toContain('CLIENT_SECRET_INVALID');
    expect(leaks(md + r.out)).toEqual([]);
  });
});
