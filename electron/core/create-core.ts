import { homedir } from 'node:os';
import { join } from 'node:path';
import { Engine } from './engine.js';
import { nodePorts } from './node-ports.js';

/** Where the web host and CLI keep profiles: OFD_DATA_DIR, else the XDG config dir. */
export function defaultDataDir(): string {
  return (
    process.env.OFD_DATA_DIR ??
    join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'oauth-flow-debugger')
  );
}

/** The engine with plain-Node ports (conf store; secrets session-only unless OFD_PASSPHRASE is set). */
export function createNodeEngine(opts: { dataDir?: string; ephemeral?: boolean } = {}) {
  const ports = nodePorts({
    dataDir: opts.dataDir ?? defaultDataDir(),
    ...(opts.ephemeral ? { ephemeral: true } : {}),
    ...(process.env.OFD_PASSPHRASE ? { passphrase: process.env.OFD_PASSPHRASE } : {}),
  });
  return { engine: new Engine(ports), hub: ports.hub, ports };
}
