// issue 11 §2: every process `serve` starts (the web host, a JWKS host, a loopback listener)
// stops on SIGTERM or SIGINT, and their ports are free again. The time it takes is measured by
// `npm run bench`, not asserted here.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEB_TOKEN_HEADER } from '../../shared/api/contract.js';
import { portIsFree } from '../testing/net.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

beforeAll(() => {
  const r = spawnSync(process.execPath, ['build/scripts/build-cli.mjs', '--if-stale', '--quiet'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
});

describe('serve stops everything it started', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s: exit 0; the web host, JWKS host and loopback listener ports are free',
    async (signal) => {
      const env = { ...process.env, OFD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ofd-sig-')) };
      const child = spawn(process.execPath, ['electron/cli/bin.mjs', 'serve'], { cwd: root, env });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      let out = '';
      const url = await new Promise<URL>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Open (\S+)/.exec(out);
          if (m) resolve(new URL(m[1]!));
        });
        child.once('exit', () => reject(new Error(`serve exited early: ${out}`)));
      });
      const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
      const call = async <T>(method: string, ...args: unknown[]): Promise<T> => {
        const r = await fetch(new URL(`/api/${method}`, url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', [WEB_TOKEN_HEADER]: token },
          body: JSON.stringify({ args }),
        });
        const body = (await r.json()) as { ok: boolean; value: T; error?: { message: string } };
        if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
        return body.value;
      };
      const key = await call<{ id: string }>('generateKey', { kind: 'EC-P-256', alg: 'ES256' });
      const jwks = await call<{ port: number }>('hostJwks', { keyIds: [key.id] });
      const profile = await call<{ id: string }>('saveProfile', {
        name: 'signals',
        flow: 'authorization-code',
        authorizationEndpoint: 'http://127.0.0.1:9/auth',
        tokenEndpoint: 'http://127.0.0.1:9/token',
        clientId: 'app',
        scope: 'openid',
        auth: { method: 'none' },
      });
      const flow = await call<{ listener?: { port: number } }>('startAuthorization', {
        profileId: profile.id,
        open: false,
      });
      const ports = [Number(url.port), jwks.port, flow.listener!.port];
      for (const p of ports) expect(await portIsFree(p)).toBe(false);

      child.kill(signal);
      expect(await exited).toBe(0);
      for (const p of ports) expect(await portIsFree(p), `port ${p}`).toBe(true);
    },
  );
});
