import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import type { BrokenOnPurpose } from '../../shared/types.js';
import { cli, runCli } from './test-cli.js';

let server: SmartServer;
const dir = mkdtempSync(join(tmpdir(), 'ofd-cli-break-'));
const backendProfile = join(dir, 'backend.json');
const nativeProfile = join(dir, 'native.json');

beforeAll(async () => {
  server = await startSmartServer({
    clients: [
      {
        client_id: 'cli-client',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS384',
        hostedJwks: true,
      },
      {
        client_id: 'cli-native',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code'],
      },
    ],
  });
  const g = await cli('keys', 'generate', '--alg', 'RS384', '--out', join(dir, 'keys'));
  expect(g.code).toBe(0);
  server.setClientJwks(
    'cli-client',
    JSON.parse(readFileSync(join(dir, 'keys', 'jwks.json'), 'utf8')) as never,
  );
  writeFileSync(
    backendProfile,
    JSON.stringify({
      name: 'cli break',
      fhirBaseUrl: server.fhirBase,
      clientId: 'cli-client',
      scope: 'system/Patient.rs',
      auth: { method: 'private_key_jwt', alg: 'RS384', privateKeyPath: 'keys/private-key.pem' },
    }),
  );
  writeFileSync(
    nativeProfile,
    JSON.stringify({
      name: 'cli native',
      flow: 'authorization-code',
      fhirBaseUrl: server.fhirBase,
      clientId: 'cli-native',
      scope: 'openid launch/patient patient/Patient.rs',
      auth: { method: 'none' },
    }),
  );
});
afterAll(() => server?.close());

describe('--break on token and authorize', () => {
  it('token --break aud: prints the break, the refusal, the findings and the verdict', async () => {
    const r = await cli('token', '--profile', backendProfile, '--break', 'aud');
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toContain('break-it aud: aud is https://wrong.example/token');
    expect(r.out).toContain('-> 401 (refused)');
    expect(r.out).toContain('"error": "invalid_client"');
    expect(r.out).toContain('1. [error] ASSERTION_AUD_MISMATCH');
    expect(r.out.trim().split('\n').at(-1)).toBe('expected ASSERTION_AUD_MISMATCH: named first');
  });

  it('token --break jti-reuse --json: sends a first request, then reuses its jti', async () => {
    const r = await cli('token', '--profile', backendProfile, '--break', 'jti-reuse', '--json');
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err).toContain('jti-reuse: sent a first request to use the jti once (200, success)');
    const d = JSON.parse(r.out) as {
      broken: BrokenOnPurpose;
      status: number;
      findings: { code: string }[];
    };
    expect(d.status).toBe(401);
    expect(d.broken).toMatchObject({
      name: 'jti-reuse',
      expected: 'ASSERTION_JTI_REUSED',
      named: 'ASSERTION_JTI_REUSED',
      matched: true,
    });
    expect(d.findings[0]?.code).toBe('ASSERTION_JTI_REUSED');
  });

  it('authorize --break verifier: the exchange is refused and PKCE_MISMATCH named first', async () => {
    let started = false;
    let login: Promise<unknown> = Promise.resolve();
    const r = await runCli(
      ['authorize', '--profile', nativeProfile, '--no-browser', '--break', 'verifier'],
      (line) => {
        const url = /^(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m.exec(line)?.[1];
        if (!url || started) return;
        started = true;
        const redirectPrefix = new URL(url).searchParams.get('redirect_uri')!;
        login = completeDevLogin(url, { redirectPrefix }).then((to) => fetch(to));
      },
    );
    await login;
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err).toContain('break-it verifier: at the code exchange');
    expect(r.out).toContain('break-it verifier: code_verifier is a fresh random one');
    expect(r.out).toContain('token endpoint answered 400 (refused)');
    expect(r.out).toContain('PKCE_MISMATCH');
    expect(r.out.trim().split('\n').at(-1)).toBe('expected PKCE_MISMATCH: named first');
  });

  it('an unknown or unfitting break is a usage error (exit 2) that lists the names', async () => {
    const bad = await cli('token', '--profile', backendProfile, '--break', 'nonce');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('aud, exp, jti-reuse, alg, kid, iss-sub, scope');
    const unfit = await cli('token', '--profile', backendProfile, '--break', 'state');
    expect(unfit.code).toBe(2);
    expect(unfit.err).toContain('Breaks that apply here');
  });
});
