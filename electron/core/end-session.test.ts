import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreOf, must, testEngine } from './test-helpers.js';

// A discovery document whose end_session_endpoint is not a web URL (hostile or broken server).
let issuer = '';
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      issuer,
      token_endpoint: `${issuer}/token`,
      end_session_endpoint: 'javascript:alert(document.domain)',
    }),
  );
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('RP-initiated logout', () => {
  it('never opens (or hands the page) an end_session_endpoint that is not http(s)', async () => {
    const engine = testEngine();
    const opened: string[] = [];
    coreOf(engine).ports.browser = { open: async (u: string) => void opened.push(u) };
    const p = must(
      await engine.saveProfile({
        name: 'hostile',
        issuer,
        clientId: 'app',
        scope: 'openid',
        auth: { method: 'none' },
      }),
    );
    const r = await engine.endSession({ profileId: p.id, open: true });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain('not an http(s) URL');
    }
    expect(opened).toEqual([]);
  });
});
