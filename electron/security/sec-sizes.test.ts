// SECURITY.md §7, case 9: oversized input. Pasted JWTs go through dispatch (what IPC, the web
// host and the CLI call) and the shared decoder; the token response comes from a local server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/api/dispatch.js';
import { MAX_TEXT } from '../../shared/api/inputs.js';
import { MAX_JWT_CHARS, MAX_JWT_DEPTH, decodeForDisplay } from '../../shared/jwt-view.js';
import { AppFailure } from '../../shared/result.js';
import { MAX_BODY_DEPTH, parseBodyTolerantly } from '../../shared/tolerant-json.js';
import { MAX_EVIDENCE, type InspectReport, type TokenResult } from '../../shared/types.js';
import { DEFAULT_MAX_BODY } from '../core/http.js';
import { must, testEngine } from '../core/test-helpers.js';

const b64 = (s: string) => base64url.encode(s);
const H = b64('{"alg":"RS256","typ":"JWT"}');
/** A JWT-shaped string of about n characters. */
const bigJwt = (n: number) =>
  `${H}.${b64(JSON.stringify({ sub: 'x', pad: 'a'.repeat(Math.ceil((n * 3) / 4)) }))}.c2ln`;
const nested = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;

function refusal(f: () => unknown): AppFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('sec-09 oversized pasted JWTs', () => {
  it('sec-09 the caps are the documented ones', () => {
    expect(MAX_TEXT).toBe(256 * 1024);
    expect(MAX_JWT_CHARS).toBe(256 * 1024);
    expect(MAX_EVIDENCE).toBe(1536 * 1024);
  });

  it.each([
    ['1 MB', 1024 * 1024],
    ['20 MB', 20 * 1024 * 1024],
  ])(
    'sec-09 a %s JWT pasted to decode: refused at the contract, naming the 256 KB cap',
    async (_n, size) => {
      const jwt = bigJwt(size);
      expect(jwt.length).toBeGreaterThanOrEqual(size);
      const engine = testEngine();
      const r = await dispatch(engine, 'decodeToken', [{ token: jwt }]);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toBe('token: Too long: at most 256 KB is accepted.');
      expect(r.error.fix).toBeTruthy();
      const a = await dispatch(engine, 'inspectAssertion', [{ jwt }]);
      expect(a.ok ? '' : a.error.message).toBe('jwt: Too long: at most 256 KB is accepted.');
    },
  );

  it('sec-09 the decoder itself refuses over its cap, with what to do', () => {
    const e = refusal(() => decodeForDisplay(bigJwt(20 * 1024 * 1024)));
    expect(e.code).toBe('JWT_MALFORMED');
    expect(e.message).toMatch(/at most 256 KB is decoded/);
    expect(e.fix).toContain('Paste the token itself');
  });

  it('sec-09 in the Inspector: 20 MB refused at the evidence cap; 1 MB read, its JWT refused at the decode cap', async () => {
    const engine = testEngine();
    const huge = await dispatch(engine, 'inspect', [
      { items: [{ text: bigJwt(20 * 1024 * 1024) }] },
    ]);
    expect(huge.ok ? '' : huge.error.message).toContain(
      `at most ${MAX_EVIDENCE / 1024} KB per item`,
    );
    const big = await dispatch(engine, 'inspect', [{ items: [{ text: bigJwt(1024 * 1024) }] }]);
    // Either a report naming the refusal or a named error: never INTERNAL, never a crash.
    if (big.ok) expect(JSON.stringify(big.value as InspectReport)).toMatch(/at most 256 KB|256 KB/);
    else expect(big.error.code).not.toBe('INTERNAL');
  });
});

describe('sec-09 100k-deep nested JSON', () => {
  it('sec-09 in claims: refused (size cap at 100k levels, depth cap below it), no stack overflow', async () => {
    const engine = testEngine();
    const deep = `${H}.${b64(nested(100_000))}.c2ln`;
    const r = await dispatch(engine, 'decodeToken', [{ token: deep }]);
    expect(r.ok).toBe(false);
    expect(() => JSON.stringify(r)).not.toThrow();
    expect(refusal(() => decodeForDisplay(deep)).message).toMatch(/at most 256 KB/);
    // 10k levels fit the size cap: the depth cap refuses them before any JSON.parse.
    const tenK = `${H}.${b64(nested(10_000))}.c2ln`;
    expect(tenK.length).toBeLessThan(MAX_JWT_CHARS);
    const d = await dispatch(engine, 'decodeToken', [{ token: tenK }]);
    expect(d.ok ? '' : d.error.code).toBe('JWT_MALFORMED');
    expect(d.ok ? '' : d.error.message).toBe(
      `The claims segment is an invalid claims set: JSON nested more than ${MAX_JWT_DEPTH} levels deep; it is not decoded (cap ${MAX_JWT_DEPTH}).`,
    );
    // The Inspector (1.5 MB per item) reads it as evidence and says why it was not decoded.
    const inspected = await dispatch(engine, 'inspect', [{ items: [{ text: tenK }] }]);
    expect(() => JSON.stringify(inspected)).not.toThrow();
    if (!inspected.ok) expect(inspected.error.code).not.toBe('INTERNAL');
  });

  it('sec-09 in a server body: not parsed past the depth cap, the reason names the cap', () => {
    const p = parseBodyTolerantly(nested(100_000));
    expect(p.json).toBeUndefined();
    expect(p.refused).toContain(`more than ${MAX_BODY_DEPTH} levels deep`);
    expect(parseBodyTolerantly(nested(MAX_BODY_DEPTH - 1)).json).toBeDefined();
  });
});

describe('sec-09 oversized and deep token responses', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/deep/token')
        return res.end(nested(100_000).replace('{"a":', '{"access_token":"x","a":'));
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      res.on('error', () => {});
      const more = () => {
        while (sent < 50) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  async function send(path: string) {
    const engine = testEngine();
    const p = must(
      await engine.saveProfile({
        name: 'sec09',
        tokenEndpoint: `${base}${path}`,
        clientId: 'c1',
        scope: 'system/*.rs',
        auth: { method: 'client_secret_basic', clientSecret: 'sec09-secret-value' },
      }),
    );
    const d = must(await engine.prepareTokenRequest({ profileId: p.id }));
    const r = await dispatch(engine, 'sendTokenRequest', [{ draftId: d.id }]);
    expect(() => JSON.stringify(r)).not.toThrow();
    const ex = must(await engine.listExchanges());
    expect(() => JSON.stringify(ex)).not.toThrow();
    return { r: must(r) as TokenResult, ex: ex.at(-1)! };
  }

  it('sec-09 a 50 MB token response: reading stops at the 1 MB cap; the finding names it', async () => {
    const { r, ex } = await send('/big/token');
    expect(r.ok).toBe(false);
    expect(ex.error?.code).toBe('BODY_TOO_LARGE');
    expect(ex.response!.bodyBytes).toBeLessThan(50 * 1024 * 1024);
    expect(ex.response!.body.length).toBeLessThanOrEqual(DEFAULT_MAX_BODY);
    expect(r.findings[0]?.evidence).toContain(`${DEFAULT_MAX_BODY / 1024} KB`);
  });

  it('sec-09 a token response nested 100k deep: refused with the depth cap, nothing held', async () => {
    const { r } = await send('/deep/token');
    expect(r.ok).toBe(false);
    const f = r.findings.find((x) => x.code === 'NON_JSON_RESPONSE');
    expect(f?.evidence).toContain(`more than ${MAX_BODY_DEPTH} levels deep`);
  });
});
