import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { cli } from './test-cli.js';

let server: SmartServer;
const dir = mkdtempSync(join(tmpdir(), 'ofd-cli-'));

beforeAll(async () => {
  server = await startSmartServer({
    clients: [
      { client_id: 'cli-client', token_endpoint_auth_method: 'private_key_jwt', hostedJwks: true },
      {
        client_id: 'cli-secret',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: 'right-secret-123456',
      },
    ],
  });
});
afterAll(() => server?.close());

describe('CLI', () => {
  it('keys generate refuses to replace a key already in --out (exit 2, files untouched) unless --force', async () => {
    const out = join(dir, 'kept-keys');
    const first = await cli('keys', 'generate', '--alg', 'ES256', '--out', out);
    expect(first.code, first.err).toBe(0);
    const pem = readFileSync(join(out, 'private-key.pem'), 'utf8');
    const jwks = readFileSync(join(out, 'jwks.json'), 'utf8');

    const again = await cli('keys', 'generate', '--alg', 'ES256', '--out', out);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exist');
    expect(again.err).toContain('--force');
    expect(readFileSync(join(out, 'private-key.pem'), 'utf8')).toBe(pem);
    expect(readFileSync(join(out, 'jwks.json'), 'utf8')).toBe(jwks);

    const forced = await cli('keys', 'generate', '--alg', 'ES256', '--out', out, '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(readFileSync(join(out, 'private-key.pem'), 'utf8')).not.toBe(pem);
    expect(statSync(join(out, 'private-key.pem')).mode & 0o777).toBe(0o600);
    // No temporary file is left behind.
    expect(readdirSync(out).sort()).toEqual(['jwks.json', 'private-key.pem']);
  });

  it('generates a key pair, then gets a token with a profile file (exit 0, JSON document)', async () => {
    const g = await cli('keys', 'generate', '--alg', 'RS384', '--out', join(dir, 'keys'));
    expect(g.code).toBe(0);
    const kid = g.out.trim();
    expect(kid).toMatch(/^[\w-]{43}$/);
    expect(statSync(join(dir, 'keys', 'private-key.pem')).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(readFileSync(join(dir, 'keys', 'jwks.json'), 'utf8')) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys[0]?.kid).toBe(kid);
    server.setClientJwks('cli-client', jwks as never);
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'cli',
        fhirBaseUrl: server.fhirBase,
        clientId: 'cli-client',
        scope: 'system/Patient.rs',
        auth: { method: 'private_key_jwt', alg: 'RS384', privateKeyPath: 'keys/private-key.pem' },
      }),
    );
    const t = await cli('token', '--profile', profile, '--json');
    expect(t.code, t.out).toBe(0);
    const doc = JSON.parse(t.out) as {
      ok: boolean;
      findings: unknown[];
      tokenResponse: Record<string, unknown>;
      exchanges: unknown[];
      decoded: { verification: { status: string } };
    };
    expect(doc.ok).toBe(true);
    expect(Array.isArray(doc.findings)).toBe(true);
    expect(doc.tokenResponse.token_type).toBe('Bearer');
    expect(String(doc.tokenResponse.access_token)).toContain('…');
    expect(doc.decoded.verification.status).toBe('verified');
    expect(doc.exchanges.length).toBeGreaterThanOrEqual(2);

    // --reveal prints the token itself, for scripts; without it, only the masked form.
    const revealed = await cli('token', '--profile', profile, '--reveal', '--json');
    expect(revealed.code).toBe(0);
    const full = (JSON.parse(revealed.out) as { tokens: { access_token: string } }).tokens
      .access_token;
    expect(full).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const human = await cli('token', '--profile', profile, '--reveal');
    expect(human.out).toContain(`access_token: ${full.slice(0, 12)}`);
    expect(human.out).toContain('(success)');

    const signed = await cli('assertion', 'sign', '--profile', profile);
    expect(signed.code).toBe(0);
    const jwt = signed.out.trim();
    const inspected = await cli(
      'assertion',
      'inspect',
      jwt,
      '--jwks',
      join(dir, 'keys', 'jwks.json'),
      '--token-url',
      server.tokenEndpoint,
      '--json',
    );
    expect(inspected.code).toBe(0);
    expect(
      (JSON.parse(inspected.out) as { verification: { status: string } }).verification.status,
    ).toBe('verified');
    const wrongAud = await cli(
      'assertion',
      'inspect',
      jwt,
      '--token-url',
      'https://other.example/token',
      '--json',
    );
    expect(wrongAud.code).toBe(1);
    expect((JSON.parse(wrongAud.out) as { findings: { code: string }[] }).findings[0]?.code).toBe(
      'ASSERTION_AUD_MISMATCH',
    );
  });

  it('exits 1 with findings when the server refuses', async () => {
    const profile = join(dir, 'bad-secret.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'bad',
        tokenEndpoint: server.tokenEndpoint,
        clientId: 'cli-secret',
        scope: 'system/Patient.rs',
        auth: { method: 'client_secret_basic', clientSecret: 'canary-Secret-991' },
      }),
    );
    const t = await cli('token', '--profile', profile);
    expect(t.code).toBe(1);
    expect(t.out).toContain('CLIENT_SECRET_INVALID');
    expect(t.out).toContain('(refused)');
    // Each finding says what it rests on.
    expect(t.out).toMatch(/rests on: (the server said|inferred)/);
    expect(t.out).not.toContain('canary-Secret-991');
    const j = await cli('token', '--profile', profile, '--json');
    const findings = (JSON.parse(j.out) as { findings: { basis: string }[] }).findings;
    expect(
      findings.every((f) =>
        ['server', 'check', 'history', 'vendor', 'inference'].includes(f.basis),
      ),
    ).toBe(true);
  });

  it('exits 2 on bad usage or input, with the fix', async () => {
    expect((await cli('nonsense')).code).toBe(2);
    expect((await cli('token')).code).toBe(2);
    const badProfile = join(dir, 'invalid.json');
    writeFileSync(
      badProfile,
      JSON.stringify({ name: 'x', clientId: 'c', scope: 's', auth: { method: 'magic' } }),
    );
    const p = await cli('token', '--profile', badProfile, '--json');
    expect(p.code).toBe(2);
    expect(
      (JSON.parse(p.out) as { error: { code: string; message: string } }).error.message,
    ).toContain('auth.method');
    const d = await cli('decode', 'eyJhbGciOiJSUzI1NiJ9.bad');
    expect(d.code).toBe(2);
    expect(d.err).toContain('3 dot-separated segments');
  });

  it('discovers a FHIR server', async () => {
    const d = await cli('discover', server.fhirBase, '--json');
    expect(d.code).toBe(0);
    expect(
      (JSON.parse(d.out) as { discovery: { tokenEndpoint: string } }).discovery.tokenEndpoint,
    ).toBe(server.tokenEndpoint);
  });
});
