import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { CSP } from '../../shared/api/csp.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';
import type { ProtocolApi } from './electron-api.js';

/** Must run before app ready: app:// is standard and secure so the renderer never uses file://. */
export function registerSchemePrivileges(protocol: ProtocolApi): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves out/renderer under app://renderer/ with the strict CSP header. */
export function registerAppProtocol(protocol: ProtocolApi, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const u = new URL(request.url);
    if (u.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const rel = u.pathname === '/' ? 'index.html' : decodeURIComponent(u.pathname.slice(1));
    const root = resolve(rendererDir);
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return new Response('Forbidden', { status: 403 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CSP,
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
