import { fileURLToPath } from 'node:url';
import { API_METHODS, type DebuggerApi } from '../../shared/api/contract.js';
import type { EventHub } from '../core/node-ports.js';
import { startWebHost } from './server.js';

/** The longest the engine waits for the page's first API call before it loads anyway. */
const ENGINE_DELAY_MS = 600;

/**
 * Starts the web host and prints the URL to open (used by `npm start` and the CLI's `serve`).
 *
 * The engine is the slowest part to import, so the server listens and the URL is printed first,
 * while the engine loads: the browser fetches and parses the page meanwhile, and the API calls
 * and events that arrive before the engine is ready wait for it. The returned promise settles
 * once the engine is ready (it rejects, with the server closed, if the engine cannot start).
 */
export async function serve(opts: { port?: number; quiet?: boolean } = {}) {
  // Importing the engine keeps this one thread busy for a few hundred milliseconds, and a page
  // asset waiting behind it delays the first paint. So the engine loads on the first API call
  // (the page's boot, once its script has arrived and runs), or after ENGINE_DELAY_MS at most.
  type Created = Awaited<ReturnType<typeof import('../core/create-core.js').createNodeEngine>>;
  let started: Promise<Created> | undefined;
  let resolveReady!: (p: Promise<Created>) => void;
  const ready = new Promise<Created>((r) => (resolveReady = r));
  const load = () => {
    if (!started) {
      started = import('../core/create-core.js').then((m) => m.createNodeEngine());
      resolveReady(started);
    }
    return started;
  };
  const delay = setTimeout(load, ENGINE_DELAY_MS);
  ready.catch(() => {}); // Awaited below; this only keeps an early failure from being "unhandled".
  const api = Object.fromEntries(
    API_METHODS.map((method) => [
      method,
      async (...args: unknown[]) => {
        const { engine } = await load();
        return (engine[method] as (...a: unknown[]) => unknown).apply(engine, args);
      },
    ]),
  ) as unknown as DebuggerApi;
  // The engine's hub once it exists (nothing is emitted before); typed with every public method
  // of EventHub, so a method added there must be forwarded here too. Subscribing does not load it.
  const subscribe: EventHub['subscribe'] = (listener) => {
    let off: (() => void) | undefined;
    let closed = false;
    void ready.then(({ hub: real }) => {
      if (!closed) off = real.subscribe(listener);
    });
    return () => {
      closed = true;
      off?.();
    };
  };
  const lazyHub: Pick<EventHub, keyof EventHub> = {
    subscribe,
    emit: (event, payload) => void load().then(({ hub: real }) => real.emit(event, payload)),
    on: (event, listener) =>
      subscribe((e, payload) => {
        if (e === event) listener(payload as never);
      }),
  };
  const hub = lazyHub as EventHub;
  // Two folders below the root, from electron/web-host/ and from the CLI bundle's out/cli/ alike.
  const rendererDir = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
  const host = await startWebHost({
    api,
    hub,
    rendererDir,
    handoff: async (id) => (await load()).engine.takeHandoff(id),
    ...(opts.port ? { port: opts.port } : {}),
  });
  // One URL, the one to open: it carries the per-run token.
  if (!opts.quiet) console.log(`OAuth Flow Debugger is serving its UI. Open ${host.openUrl}`);
  let engine;
  try {
    ({ engine } = await ready);
  } catch (e) {
    await host.close();
    throw e;
  } finally {
    clearTimeout(delay);
  }
  if (!opts.quiet) {
    const info = await engine.getStorageInfo();
    if (info.ok && info.value.warning) console.log(`Note: ${info.value.warning}`);
    for (const q of info.ok ? info.value.quarantined : [])
      console.log(`Warning: an unreadable store file was moved aside to ${q}`);
  }
  // Closing the host stops the engine too: JWKS hosts and loopback listeners it opened included.
  return {
    ...host,
    close: async () => {
      await host.close();
      await engine.dispose();
    },
  };
}
