import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppFailure } from '../../shared/result.js';

/** What the browser is told after the redirect arrived (never a code, state or token). */
export interface CallbackPage {
  ok: boolean;
  title: string;
  detail: string;
}

export interface LoopbackOptions {
  /** 127.0.0.1 or ::1: never a wildcard address (RFC 8252 §8.3). */
  host: '127.0.0.1' | '::1';
  /** 0 picks a free port. */
  port: number;
  /** The redirect path, e.g. /callback. */
  path: string;
  /** Host names accepted in the Host header (DNS-rebinding guard). */
  hostNames: string[];
  /** Handles the one redirect; runs its checks synchronously and says what to show. */
  onCallback(url: URL): CallbackPage;
}

/** A one-shot RFC 8252 loopback listener. */
export interface LoopbackListener {
  readonly port: number;
  readonly open: boolean;
  /** Resolves once the port is released (idempotent). */
  close(): Promise<void>;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}' +
  'h1{font-size:1.4rem}.ok{color:#0a6b2b}.bad{color:#a4000f}' +
  '@media (prefers-color-scheme:dark){body{color:#eee;background:#161616}.ok{color:#6fdc8c}.bad{color:#ff8389}}';

/** No script, no images, no framing, no form posts: the page can only show text. */
export const CALLBACK_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The small page the browser shows after the redirect. */
export function callbackHtml(page: CallbackPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(page.title)} – OAuth Flow Debugger</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1 class="${page.ok ? 'ok' : 'bad'}">${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.detail)}</p>
</main>
</body>
</html>
`;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain') {
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'no-store',
    'content-security-policy': CALLBACK_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(body);
}

/**
 * Opens the loopback listener for one authorization response (RFC 8252 §7.3, §8.3): bound to
 * loopback only, the first GET to the redirect path is handled and the port is closed right
 * after; other paths get 404 and a foreign Host header 400, and neither consumes the listener.
 */
export async function startLoopback(opts: LoopbackOptions): Promise<LoopbackListener> {
  const server: Server = createServer();
  let handled = false;
  let isOpen = false;
  let closing: Promise<void> | undefined;
  /** The callback page being written: closing waits for it so the browser gets its answer. */
  let answering: Promise<void> = Promise.resolve();

  const close = () => {
    // Closed from the moment it stops accepting (the port is free again), not only once the
    // callback page still being written has gone out.
    isOpen = false;
    closing ??= new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      void answering.then(() => server.closeAllConnections());
    });
    return closing;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${opts.host === '::1' ? '[::1]' : opts.host}`);
    // A page on another origin that resolves to 127.0.0.1 (DNS rebinding) carries its own Host.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (!opts.hostNames.includes(host)) return send(res, 400, 'Bad request.');
    if (url.pathname !== opts.path) return send(res, 404, 'Not found.');
    if (req.method !== 'GET') return send(res, 405, 'Method not allowed.');
    if (handled) return send(res, 410, 'This sign-in was already handled.');
    handled = true;
    // Set before the checks run: they may ask to close while this page is still being written.
    answering = new Promise<void>((resolve) => res.on('close', resolve));
    let page: CallbackPage;
    try {
      page = opts.onCallback(url);
    } catch {
      page = {
        ok: false,
        title: 'Something went wrong',
        detail: 'Return to OAuth Flow Debugger to see what happened.',
      };
    }
    // Close once the page is out: the port is open only while a response is expected.
    void answering.then(close);
    send(res, page.ok ? 200 : 400, callbackHtml(page), 'text/html');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new AppFailure(
              'PORT_IN_USE',
              `Port ${opts.port} on ${opts.host} is already in use, so the redirect cannot be received.`,
              'Close the program using that port, or remove the port from the redirect URI so a free one is picked (the server must then accept any loopback port, RFC 8252 §7.3).',
            )
          : e.code === 'EADDRNOTAVAIL' || e.code === 'EAFNOSUPPORT'
            ? new AppFailure(
                'INVALID_INPUT',
                `Cannot listen on ${opts.host}: ${e.message}.`,
                'Use http://127.0.0.1:{port}/callback as the redirect URI.',
              )
            : e,
      );
    });
    server.listen({ port: opts.port, host: opts.host, exclusive: true }, () => {
      isOpen = true;
      resolve();
    });
  });
  // A socket error after the start must not crash the host: the listener just goes away.
  server.on('error', () => void close());
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    get open() {
      return isOpen;
    },
    close,
  };
}
