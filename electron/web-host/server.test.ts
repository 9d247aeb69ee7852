import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WEB_TOKEN_HEADER } from '../../shared/api/contract.js';
import type { Result } from '../../shared/result.js';
import { Engine } from '../core/engine.js';
import { nodePorts } from '../core/node-ports.js';
import { startWebHost, type WebHost } from './server.js';

let host: WebHost;
const rendererDir = mkdtempSync(join(tmpdir(), 'ofd-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');

beforeAll(async () => {
  const ports = nodePorts({ ephemeral: true });
  host = await startWebHost({ api: new Engine(ports), hub: ports.hub, rendererDir });
});
afterAll(() => host.close());

async function call(
  method: string,
  args: unknown[],
  token = host.token,
): Promise<{ status: number; body: Result<unknown> }> {
  const res = await fetch(`${host.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [WEB_TOKEN_HEADER]: token },
    body: JSON.stringify({ args }),
  });
  return { status: res.status, body: (await res.json()) as Result<unknown> };
}

// Every method through every host adapter, against the engine's own answers: electron/contract.test.ts.
describe('web host', () => {
  it('returns typed errors for bad input instead of throwing', async () => {
    const r = await call('generateKey', [{ kind: 'RSA-1024', alg: 'RS384' }]);
    expect(r.body.ok).toBe(false);
    if (!r.body.ok) expect(r.body.error.code).toBe('INVALID_INPUT');
    const m = await call('decodeToken', [{ token: 'eyJhbGciOiJub25lIn0.bad' }]);
    expect(m.body.ok).toBe(false);
    if (!m.body.ok) expect(m.body.error.code).toBe('JWT_MALFORMED');
  });

  it('refuses calls without the per-run token', async () => {
    const r = await call('listProfiles', [], 'wrong');
    expect(r.status).toBe(401);
    const none = await fetch(`${host.url}/api/listProfiles`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: host.port, path: '/', headers: { host: 'evil.example' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.end();
    });
    expect(status).toBe(421);
  });

  it('redirects a logout handoff once, uncached, and refuses it after', async () => {
    const ports = nodePorts({ ephemeral: true });
    const held = new Map([
      ['abcdefghijklmnop1234', 'https://auth.example/logout?id_token_hint=x.y.z'],
    ]);
    const h = await startWebHost({
      api: new Engine(ports),
      hub: ports.hub,
      rendererDir,
      handoff: (id) => {
        const url = held.get(id);
        held.delete(id);
        return url;
      },
    });
    try {
      const first = await fetch(`${h.url}/handoff/abcdefghijklmnop1234`, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toBe('https://auth.example/logout?id_token_hint=x.y.z');
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(first.headers.get('referrer-policy')).toBe('no-referrer');
      const again = await fetch(`${h.url}/handoff/abcdefghijklmnop1234`, { redirect: 'manual' });
      expect(again.status).toBe(410);
      expect(await again.text()).toContain('Press Log out in the app again');
      // Not a handoff id (too short): the renderer's files, not a redirect.
      expect((await fetch(`${h.url}/handoff/x`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await h.close();
    }
  });

  it('serves the renderer with a CSP header', async () => {
    const res = await fetch(`${host.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${host.url}/..%2f..%2fetc%2fpasswd`)).status).not.toBe(200);
  });

  it('pushes exchange snapshots over the token-gated event socket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=${host.token}`);
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const got = new Promise<{ event: string; payload: { total: number; appended: unknown[] } }>(
      (r) => ws.once('message', (m) => r(JSON.parse(String(m)))),
    );
    await call('discover', [{ fhirBaseUrl: 'http://127.0.0.1:9/fhir' }]);
    const msg = await got;
    expect(msg.event).toBe('exchanges');
    // The change, not the whole timeline: the discovery exchanges appended.
    expect(msg.payload.appended.length).toBeGreaterThan(0);
    expect(msg.payload.total).toBeGreaterThanOrEqual(msg.payload.appended.length);
    ws.close();
    const bad = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=nope`);
    const err = await new Promise<string>((r) => bad.once('error', (e) => r(String(e))));
    expect(err).toMatch(/401/);
  });
});
