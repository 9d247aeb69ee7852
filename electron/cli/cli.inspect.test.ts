/**
 * `inspect` on the command line: what a customer sent, saved as files, diagnosed with a preset.
 * The evidence comes from a real exchange with the Oracle Health simulator.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOracleHealthSim, type OracleHealthSim } from '../testing/simulators/oracle-health.js';
import { cli } from './test-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ofd-inspect-'));
let sim: OracleHealthSim;
let jwt: string;
let errorBody: string;
let jwksFile: string;

beforeAll(async () => {
  sim = await startOracleHealthSim();
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'cust-1', alg: 'RS256' };
  sim.addClient({ clientId: 'cust-app', jwks: { keys: [jwk] } });
  jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const now = Math.floor(Date.now() / 1000);
  jwt = await new SignJWT({ jti: 'j-1' })
    .setProtectedHeader({ alg: 'RS256', kid: 'cust-1', typ: 'JWT' })
    .setIssuer('cust-app')
    .setSubject('cust-app')
    .setAudience(sim.urls.tokenEndpoint)
    .setIssuedAt(now)
    .setExpirationTime(now + 240)
    .sign(privateKey);
  const r = await fetch(sim.urls.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
    }),
  });
  expect(r.status).toBe(400);
  errorBody = await r.text();
});
afterAll(() => sim?.close());

describe('CLI inspect', () => {
  it('reads files, uses the preset, prints the cause first and writes a redacted report', async () => {
    writeFileSync(join(dir, 'assertion.jwt'), jwt);
    writeFileSync(join(dir, 'error.json'), errorBody);
    const report = join(dir, 'report.md');
    const r = await cli(
      'inspect',
      join(dir, 'assertion.jwt'),
      join(dir, 'error.json'),
      '--preset',
      'oracle-health',
      '--jwks',
      jwksFile,
      '--status',
      '400',
      '--report',
      report,
      '--json',
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      ok: boolean;
      findings: { code: string; fix: string }[];
      items: { name: string; kind: string }[];
      jwts: { verification: { status: string } }[];
      exchange: { response: { status: number; statusAssumed?: boolean } };
    };
    expect(doc.ok).toBe(false);
    expect(doc.items).toEqual([
      expect.objectContaining({ name: 'assertion.jwt', kind: 'jwt' }),
      expect.objectContaining({ name: 'error.json', kind: 'error-body' }),
    ]);
    expect(doc.findings[0]!.code).toBe('ASSERTION_ALG_NOT_ACCEPTED');
    expect(doc.jwts[0]!.verification.status).toBe('verified');
    expect(doc.exchange.response).toMatchObject({ status: 400 });
    expect(doc.exchange.response.statusAssumed).toBeUndefined();
    expect(r.out).not.toContain(jwt);
    const md = readFileSync(report, 'utf8');
    expect(md).toContain('ASSERTION_ALG_NOT_ACCEPTED');
    expect(md).not.toContain(jwt);
    expect(statSync(report).mode & 0o777).toBe(0o600);
  });

  it('takes the text itself, and prints a human summary without --json', async () => {
    const r = await cli('inspect', jwt, errorBody, '--preset', 'oracle-health');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Preset: Oracle Health/);
    expect(r.out).toMatch(/1\. \[error\] ASSERTION_ALG_NOT_ACCEPTED/);
    expect(r.out).not.toContain(jwt);
  });

  it('usage errors exit 2 and say what to do', async () => {
    const none = await cli('inspect');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/inspect needs what the customer sent/);
    const bad = await cli('inspect', jwt, '--preset', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown preset "nope". Presets: openemr/);
    const entry = await cli('inspect', jwt, '--har-entry', 'x');
    expect(entry.code).toBe(2);
  });
  it('a refusal is never a success: 403 {"error":"invalid_code"} exits 1 with findings', async () => {
    const r = await cli('inspect', 'HTTP/1.1 403 Forbidden\n\n{"error":"invalid_code"}', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      ok: boolean;
      refused: boolean;
      findings: { code: string; basis: string }[];
    };
    expect(doc.ok).toBe(false);
    expect(doc.refused).toBe(true);
    expect(doc.findings[0]).toMatchObject({ code: 'CODE_INVALID', basis: 'server' });
  });

  it('input that is not OAuth evidence says so and lists what is accepted (exit 2)', async () => {
    const r = await cli('inspect', 'hello world');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not OAuth evidence/);
    expect(r.err).toMatch(/a HAR file/);
  });

  it('names the server with --server, and refuses an unknown one', async () => {
    const ok = await cli(
      'inspect',
      '{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}',
      '--server',
      'keycloak',
      '--json',
    );
    const doc = JSON.parse(ok.out) as { findings: { code: string; source?: string }[] };
    expect(doc.findings[0]!.code).toBe('CLIENT_SECRET_INVALID');
    expect(doc.findings[0]!.source).toMatch(/^Keycloak/);
    expect((await cli('inspect', '{}', '--server', 'nope')).code).toBe(2);
  });
});
