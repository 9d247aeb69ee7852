import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { run } from './main.js';
import { runCli as cli } from './test-cli.js';

let server: SmartServer;
const dir = mkdtempSync(join(tmpdir(), 'ofd-cli-flows-'));

const doc = <T>(s: string) => JSON.parse(s) as T & { ok: boolean; findings: { code: string }[] };

/** Plays the browser: signs in at the printed URL and follows the redirect to the listener. */
function browserFor() {
  let started = false;
  let done: Promise<unknown> = Promise.resolve();
  return {
    onErr: (line: string) => {
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m.exec(line)?.[1];
      if (!url || started) return;
      started = true;
      const redirectPrefix = new URL(url).searchParams.get('redirect_uri')!;
      done = completeDevLogin(url, { redirectPrefix }).then((redirect) =>
        fetch(redirect).then((r) => r.text()),
      );
    },
    done: () => done,
  };
}

beforeAll(async () => {
  server = await startSmartServer({ clients: [] });
});
afterAll(() => server?.close());

describe('CLI flows (register, authorize, refresh, introspect, revoke, userinfo, jwks serve)', () => {
  const registered = join(dir, 'registered.json');

  it('registers a client and writes the profile with its client_id and secret (0600)', async () => {
    const profile = join(dir, 'app.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'cli app',
        flow: 'authorization-code',
        fhirBaseUrl: server.fhirBase,
        scope: 'openid fhirUser offline_access launch/patient patient/*.rs',
        auth: { method: 'client_secret_basic' },
      }),
    );
    const r = await cli(['register', '--profile', profile, '--out', registered, '--json']);
    expect(r.code, r.out + r.err).toBe(0);
    const d = doc<{ clientId: string; stored: string[]; registration: Record<string, unknown> }>(
      r.out,
    );
    expect(d.clientId).toBeTruthy();
    expect(d.stored).toContain('clientSecret');
    // The answer is shown masked; the secret only goes to the file the user asked for.
    const written = JSON.parse(readFileSync(registered, 'utf8')) as {
      clientId: string;
      auth: { clientSecret?: string };
    };
    expect(written.clientId).toBe(d.clientId);
    expect(written.auth.clientSecret).toBeTruthy();
    expect(r.out).not.toContain(written.auth.clientSecret!);
    expect(statSync(registered).mode & 0o777).toBe(0o600);
  });

  it('authorizes through the loopback listener, then refreshes, introspects, revokes and reads userinfo', async () => {
    const browser = browserFor();
    const a = await cli(
      ['authorize', '--profile', registered, '--no-browser', '--json', '--reveal'],
      browser.onErr,
    );
    expect(await browser.done()).toContain('return to OAuth Flow Debugger');
    expect(a.code, a.out + a.err).toBe(0);
    expect(a.err).toContain('Open this URL');
    const d = doc<{
      status: string;
      tokens: { access_token: string; refresh_token: string; id_token: string };
      idToken: { checks: { ok: boolean }[] };
      launchContext: { patient: string };
    }>(a.out);
    expect(d.status).toBe('done');
    expect(d.idToken.checks.every((c) => c.ok)).toBe(true);
    expect(d.launchContext.patient).toBe(server.launchContext.patient);
    const { access_token: access, refresh_token: refresh } = d.tokens;
    expect(access && refresh).toBeTruthy();

    const i = await cli(['introspect', '--profile', registered, `--token=${access}`, '--json']);
    expect(i.code, i.out).toBe(0);
    expect(doc<{ active: boolean }>(i.out).active).toBe(true);

    const u = await cli(['userinfo', '--profile', registered, `--token=${access}`, '--json']);
    expect(u.code, u.out).toBe(0);
    expect(doc<{ body: { sub: string; fhirUser: string } }>(u.out).body.fhirUser).toContain(
      '/Practitioner/',
    );

    const tokenFile = join(dir, 'refresh.txt');
    writeFileSync(tokenFile, `${refresh}\n`, { mode: 0o600 });
    const f = await cli(['refresh', '--profile', registered, '--token', `@${tokenFile}`, '--json']);
    expect(f.code, f.out).toBe(0);
    expect(doc<{ refreshToken: { rotated: boolean } }>(f.out).refreshToken.rotated).toBe(true);
    expect(f.out).not.toContain(refresh);

    const v = await cli(['revoke', '--profile', registered, `--token=${access}`, '--json']);
    expect(v.code, v.out).toBe(0);
    const again = await cli(['introspect', '--profile', registered, `--token=${access}`, '--json']);
    expect(again.code).toBe(1);
    expect(doc(again.out).findings[0]?.code).toBe('TOKEN_INACTIVE');

    const out = await cli(['logout', '--profile', registered, '--no-browser', '--json']);
    expect(out.code, out.out).toBe(0);
    const logout = new URL(doc<{ logout: { url: string; opened: boolean } }>(out.out).logout.url);
    expect(logout.toString()).toContain(`${server.issuer}/session/end`);
    const { clientId } = JSON.parse(readFileSync(registered, 'utf8')) as { clientId: string };
    expect(logout.searchParams.get('client_id')).toBe(clientId);
    expect(logout.searchParams.has('id_token_hint')).toBe(false);

    // The old refresh token was rotated away by the refresh above. (--token=value: a token may
    // begin with "-", which parseArgs would take for an option.)
    const stale = await cli(['refresh', '--profile', registered, `--token=${refresh}`, '--json']);
    expect(stale.code).toBe(1);
    expect(doc(stale.out).findings[0]?.code).toBe('REFRESH_INVALID');
  });

  it('serves the profile key as a JWKS on loopback until interrupted', async () => {
    const g = await cli(['keys', 'generate', '--alg', 'ES384', '--out', join(dir, 'keys')]);
    expect(g.code).toBe(0);
    const profile = join(dir, 'bs.json');
    writeFileSync(
      profile,
      JSON.stringify({
        name: 'bs',
        fhirBaseUrl: server.fhirBase,
        clientId: 'x',
        scope: 'system/*.rs',
        auth: { method: 'private_key_jwt', alg: 'ES384', privateKeyPath: 'keys/private-key.pem' },
      }),
    );
    const out: string[] = [];
    const running = run(['jwks', 'serve', '--profile', profile], {
      out: (s) => out.push(s),
      err: () => undefined,
    });
    await expect.poll(() => out.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const url = out[0]!.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jwks\.json$/);
    const jwks = (await (await fetch(url)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]?.kid).toBe(g.out.trim());
    expect(jwks.keys[0]).not.toHaveProperty('d');
    process.emit('SIGINT');
    expect(await running).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('exits 2 when a token command has no token', async () => {
    const r = await cli(['refresh', '--profile', registered]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--token');
    expect(
      (await cli(['introspect', '--profile', registered, '--token', 'x', '--hint', 'bad'])).code,
    ).toBe(2);
  });
});
