// SECURITY.md §7, case 11: hostile strings in claims, error_description and discovery documents.
// The engine side runs here (decoding, the loopback callback page, discovery values that reach
// the browser port); the React side is checked at its source (no raw HTML sinks) and its CSP.
// Rendering itself is covered by the renderer's SafeText tests (renderer/src/components).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revealInvisible, revealInvisibleString } from '../../shared/visible-text.js';
import { callbackHtml } from '../core/loopback.js';
import { Engine } from '../core/engine.js';
import { nodePorts } from '../core/node-ports.js';
import { must, recordedExchanges } from '../core/test-helpers.js';

const XSS = '<img src=x onerror=alert(1)>';
const RLO = 'invoice\u202Egpj.exe';
const ZW = 'adm\u200Bin';

const root = join(import.meta.dirname, '..', '..');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
}

let http: Server;
let base: string;
beforeAll(async () => {
  http = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        issuer: base,
        authorization_endpoint: 'javascript:alert(document.domain)',
        token_endpoint: `${base}/token`,
        logo_uri: 'javascript:alert(1)',
        service_documentation: XSS,
        code_challenge_methods_supported: ['S256'],
      }),
    );
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => http.close(() => r())));

describe('sec-11 hostile strings', () => {
  it('sec-11 bidi overrides and zero-width characters get visible, named markers; RTL letters stay text', () => {
    expect(revealInvisibleString(RLO)).toBe('invoice⟨U+202E⟩gpj.exe');
    expect(revealInvisible(ZW)).toEqual([
      { text: 'adm' },
      { hidden: 0x200b, name: expect.stringMatching(/ZERO WIDTH SPACE/) },
      { text: 'in' },
    ]);
    expect(revealInvisible('שלום مرحبا')).toEqual([{ text: 'שלום مرحبا' }]);
  });

  it('sec-11 hostile claims are decoded as inert data: no request, no browser, no change', async () => {
    const opened: string[] = [];
    const engine = new Engine({
      ...nodePorts({ ephemeral: true }),
      browser: { open: async (u) => void opened.push(u) },
    });
    const claims = { sub: RLO, name: XSS, picture: 'javascript:alert(1)', website: ZW };
    const token = `${base64url.encode('{"alg":"none"}')}.${base64url.encode(JSON.stringify(claims))}.`;
    const r = must(await engine.decodeToken({ token }));
    expect(r.decoded?.claims).toEqual(claims);
    expect(opened).toEqual([]);
    expect(recordedExchanges(engine)).toEqual([]);
  });

  it('sec-11 a javascript: authorization_endpoint from discovery never reaches the browser', async () => {
    const opened: string[] = [];
    const engine = new Engine({
      ...nodePorts({ ephemeral: true }),
      browser: { open: async (u) => void opened.push(u) },
    });
    const p = must(
      await engine.saveProfile({
        name: 'hostile discovery',
        flow: 'authorization-code',
        fhirBaseUrl: `${base}/fhir`,
        clientId: 'c1',
        scope: 'openid',
        auth: { method: 'none' },
      }),
    );
    const r = await engine.startAuthorization({ profileId: p.id });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.message).toContain('is not an http(s) URL');
    expect(opened).toEqual([]);
  });

  it('sec-11 the loopback callback page escapes what the server sent', () => {
    const html = callbackHtml({
      ok: false,
      title: `Sign-in failed: ${XSS}`,
      detail: `${XSS} "quoted" 'single'`,
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script/i);
  });

  it('sec-11 the renderer has no raw-HTML sink and its CSP allows no inline script', () => {
    const files = sources(join(root, 'renderer', 'src'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(
        /dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML/,
      );
    }
    const html = readFileSync(join(root, 'renderer', 'index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("default-src 'none'");
  });
});
