import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { UPLOAD_PATH, WEB_TOKEN_HEADER, type DebuggerApi } from '../../shared/api/contract.js';
import { CSP } from '../../shared/api/csp.js';
import { dispatch, isApiMethod } from '../../shared/api/dispatch.js';
import { err } from '../../shared/result.js';
import type { EventHub } from '../core/node-ports.js';
import { pagePathRefusal } from '../core/file-grants.js';
import { createUploads, hangUp } from './upload.js';

export interface WebHost {
  url: string;
  /** URL with the per-run token in the fragment (what a person opens). */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 2 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * Serves the renderer and the contract on 127.0.0.1 only. Every API call and the event socket
 * need the per-run token, so no other local page or process can drive the engine; the Host
 * header is checked against the bound address to stop DNS rebinding.
 */
export async function startWebHost(opts: {
  api: DebuggerApi;
  hub: EventHub;
  rendererDir: string;
  port?: number;
  token?: string;
  /** Bound of a streamed upload (UPLOAD_PATH), bytes; default MAX_HAR_FILE (200 MB). */
  maxUpload?: number;
  /** The URL behind a one-time logout handoff id (Engine.takeHandoff), served at /handoff/<id>. */
  handoff?: (id: string) => string | undefined | Promise<string | undefined>;
}): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const tokenBuf = Buffer.from(token);
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  let port = 0;
  const uploads = createUploads(opts.maxUpload ? { max: opts.maxUpload } : {});

  const tokenOk = (t: string | undefined | null) => {
    if (!t) return false;
    const b = Buffer.from(t);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };
  const hostOk = (req: IncomingMessage) => {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const unsubscribe = opts.hub.subscribe((event, payload) => {
    const msg = JSON.stringify({ event, payload });
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg);
  });

  server.on('request', (req, res) => {
    void handleRequest(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        send(res, 500, err('INTERNAL', `Web host error: ${(e as Error).message}`));
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse) {
    if (!hostOk(req)) return send(res, 421, err('FORBIDDEN', 'Wrong Host header.'));
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === UPLOAD_PATH || url.pathname.startsWith(`${UPLOAD_PATH}/`)) {
      // A large file streamed to a temporary file (upload.ts), behind the same token as /api.
      const headerToken = req.headers[WEB_TOKEN_HEADER];
      if (!tokenOk(Array.isArray(headerToken) ? headerToken[0] : headerToken)) {
        send(res, 401, err('FORBIDDEN', 'Missing or wrong per-run token.'));
        return hangUp(req, res);
      }
      return uploads.handle(req, res, url);
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, err('INVALID_INPUT', 'Use POST.'));
      const headerToken = req.headers[WEB_TOKEN_HEADER];
      if (!tokenOk(Array.isArray(headerToken) ? headerToken[0] : headerToken))
        return send(
          res,
          401,
          err(
            'FORBIDDEN',
            'Missing or wrong per-run token.',
            'Open the URL the app printed (it carries the token).',
          ),
        );
      const method = url.pathname.slice('/api/'.length);
      if (!isApiMethod(method))
        return send(res, 404, err('NOT_FOUND', `Unknown method ${method}.`));
      const body = await readBody(req);
      if (body === undefined)
        return send(
          res,
          413,
          err(
            'INVALID_INPUT',
            `The request is larger than ${MAX_BODY / 1048576} MB, the most this local host accepts.`,
            'Send less: for the Inspector, fewer or smaller pieces (for a HAR, only the failing requests).',
          ),
        );
      let args: unknown;
      try {
        args = (JSON.parse(body || '{}') as { args?: unknown }).args ?? [];
      } catch {
        return send(res, 400, err('INVALID_INPUT', 'Body is not JSON.'));
      }
      // The page may only name files the host holds for it (uploads), never a path.
      const refusal = pagePathRefusal(method, args);
      if (refusal)
        return send(
          res,
          200,
          err('FORBIDDEN', refusal, 'Open the file in the Inspector: the page uploads it.'),
        );
      return send(res, 200, await dispatch(opts.api, method, args));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, err('INVALID_INPUT', 'Use GET.'));
    const handoff = /^\/handoff\/([\w-]{16,64})$/.exec(url.pathname);
    if (handoff) return handOff(res, await opts.handoff?.(handoff[1]!));
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const root = resolve(opts.rendererDir);
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return send(res, 403, err('FORBIDDEN', 'Outside the app.'));
    try {
      const data = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : data);
    } catch {
      if (rel === 'index.html') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(
          'The renderer is not built yet. Run "npm run build:renderer" (npm start does it for you).',
        );
        return;
      }
      send(res, 404, err('NOT_FOUND', 'Not found.'));
    }
  }

  /**
   * A logout handoff: one redirect to the logout URL (with its id_token_hint), never cached and
   * never sent on as a Referer. The id is the capability (random, one use, 2 minutes).
   */
  function handOff(res: ServerResponse, to: string | undefined) {
    const http = to !== undefined && /^https?:$/.test(URL.canParse(to) ? new URL(to).protocol : '');
    if (!http) {
      res.writeHead(410, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(
        'This logout link was already used or has expired (2 minutes). Press Log out in the app again.',
      );
      return;
    }
    res.writeHead(303, {
      location: to,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end();
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/events' || !hostOk(req) || !tokenOk(url.searchParams.get('token'))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    openUrl: `${base}/#token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const s of sockets) s.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => void uploads.close().finally(resolve));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
