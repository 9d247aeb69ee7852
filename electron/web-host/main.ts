import { fileURLToPath } from 'node:url';
import { createNodeEngine } from '../core/create-core.js';
import { startWebHost } from './server.js';

/** Starts the web host and prints the URL to open (used by `npm start` and the CLI's `serve`). */
export async function serve(opts: { port?: number; quiet?: boolean } = {}) {
  const { engine, hub } = createNodeEngine();
  const rendererDir = fileURLToPath(new URL('../../out/renderer/', import.meta.url));
  const host = await startWebHost({
    api: engine,
    hub,
    rendererDir,
    ...(opts.port ? { port: opts.port } : {}),
  });
  if (!opts.quiet) {
    const info = await engine.getStorageInfo();
    console.log(`OAuth Flow Debugger is serving its UI on ${host.url}`);
    console.log(`Open: ${host.openUrl}`);
    if (info.ok && info.value.warning) console.log(`Note: ${info.value.warning}`);
    for (const q of info.ok ? info.value.quarantined : [])
      console.log(`Warning: an unreadable store file was moved aside to ${q}`);
  }
  return host;
}
