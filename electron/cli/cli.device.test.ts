import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_CODE_GRANT } from '../../shared/types.js';
import {
  completeDeviceLogin,
  startSmartServer,
  type SmartServer,
} from '../testing/smart-server.js';
import { runCli as cli } from './test-cli.js';

let server: SmartServer;
/** Device codes that live one second, polled every two: the code runs out before the first poll. */
let shortLived: SmartServer;
const dir = mkdtempSync(join(tmpdir(), 'ofd-cli-device-'));
const doc = <T>(s: string) =>
  JSON.parse(s) as T & { ok: boolean; findings: { code: string; basis: string }[] };

beforeAll(async () => {
  shortLived = await startSmartServer({
    deviceInterval: 2,
    deviceCodeLifetime: 1,
    clients: [
      {
        client_id: 'tv-app',
        token_endpoint_auth_method: 'none',
        grant_types: [DEVICE_CODE_GRANT],
        scope: 'openid',
      },
    ],
  });
  server = await startSmartServer({
    // The server's interval (RFC 8628 §3.2) sets the pace: one second keeps the test short.
    deviceInterval: 1,
    clients: [
      {
        client_id: 'tv-app',
        token_endpoint_auth_method: 'none',
        grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
        scope: 'openid offline_access',
      },
    ],
  });
});
afterAll(async () => {
  await server?.close();
  await shortLived?.close();
});

function profile(name: string, at: SmartServer = server) {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      flow: 'device-code',
      issuer: at.issuer,
      clientId: 'tv-app',
      scope: 'openid offline_access',
      auth: { method: 'none' },
    }),
  );
  return file;
}

/** Plays the user on another device: signs in with the link printed, once it is printed. */
function userFor(opts: { deny?: boolean } = {}) {
  let done: Promise<string> | undefined;
  return {
    onErr: (line: string) => {
      const link = /^(http:\/\/127\.0\.0\.1:\d+\/device\?user_code=\S+)$/m.exec(line)?.[1];
      if (link && !done) done = completeDeviceLogin(link, { login: 'tv-user', ...opts });
    },
    done: () => done,
  };
}

describe('CLI device (RFC 8628)', () => {
  it('prints the code and where to enter it before polling, then the tokens', async () => {
    const user = userFor();
    const r = await cli(['device', '--profile', profile('ok'), '--json', '--reveal'], user.onErr);
    expect(await user.done()).toContain('Sign-in Success');
    expect(r.code, r.out + r.err).toBe(0);
    const d = doc<{
      status: string;
      userCode: string;
      verificationUri: string;
      polls: number;
      intervalSec: number;
      tokens: { access_token?: string; refresh_token?: string };
      exchanges: { step: string }[];
    }>(r.out);
    expect(d.status).toBe('done');
    expect(d.intervalSec).toBe(1);
    expect(d.polls).toBeGreaterThanOrEqual(1);
    // The instructions come first, on stderr, with the code the JSON reports.
    const lines = r.err.split('\n');
    expect(lines[0]).toBe(`Open ${server.issuer}/device on any device and enter the code:`);
    expect(r.err).toContain(`    ${d.userCode}`);
    expect(r.err).toContain('polling every 1 s; Ctrl-C cancels');
    expect(d.tokens.access_token?.length).toBeGreaterThan(20);
    expect(d.tokens.refresh_token).toBeTruthy();
    expect(d.exchanges.map((e) => e.step)).toContain('Device authorization');
    expect(d.exchanges.filter((e) => e.step === 'Device poll').length).toBe(d.polls);
  });

  it('the user says no: exit 1, AUTHORIZATION_DENIED from the server', async () => {
    const user = userFor({ deny: true });
    const r = await cli(['device', '--profile', profile('deny')], user.onErr);
    await user.done();
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toContain('device authorization: denied');
    expect(r.out).toMatch(/AUTHORIZATION_DENIED[\s\S]*rests on: the server said/);
  });

  it('slow_down: says so and polls less often, then gets the tokens', async () => {
    server.tamper.deviceSlowDown = 1;
    const user = userFor();
    let signIn = () => {};
    const r = await cli(['device', '--profile', profile('slow'), '--json'], (line) => {
      // Sign in only once the server has asked to slow down, so the poll after it gets tokens.
      if (line.includes('slow_down')) signIn();
      else if (line.includes('/device?user_code=')) signIn = () => user.onErr(line);
    });
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.err).toContain('The server asked to slow down (slow_down): polling every 6 s now.');
    const d = doc<{ status: string; slowDowns: number; intervalSec: number }>(r.out);
    expect(d).toMatchObject({ status: 'done', slowDowns: 1, intervalSec: 6 });
  }, 20_000);

  it('the code runs out before anyone signs in: exit 1, DEVICE_CODE_EXPIRED', async () => {
    const r = await cli(['device', '--profile', profile('late', shortLived)]);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toContain('device authorization: expired after 0 polls');
    expect(r.out).toMatch(/DEVICE_CODE_EXPIRED[\s\S]*fix: +Start the device sign-in again/);
  });

  it('Ctrl-C cancels the flow: exit 1, status cancelled', async () => {
    const interrupt: { trigger?: () => void } = {};
    const r = await cli(
      ['device', '--profile', profile('cancel'), '--json'],
      (line) => {
        if (line.includes('Ctrl-C cancels')) setImmediate(() => interrupt.trigger?.());
      },
      { interrupt },
    );
    expect(r.code, r.out + r.err).toBe(1);
    expect(doc<{ status: string }>(r.out).status).toBe('cancelled');
    expect(r.err).toContain('Cancelling the device sign-in');
  });

  it('rejects a bad --timeout as bad usage (exit 2)', async () => {
    const r = await cli(['device', '--profile', profile('t'), '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--timeout takes whole seconds');
  });
});
