import { homedir } from 'node:os';
import { join } from 'node:path';
import { Engine } from './engine.js';
import { nodePorts } from './node-ports.js';
import type { Ports } from './ports.js';

/** Where the web host and CLI keep profiles: OFD_DATA_DIR, else the XDG config dir. */
export function defaultDataDir(): string {
  return (
    process.env.OFD_DATA_DIR ??
    join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'oauth-flow-debugger')
  );
}

/** The engine with plain-Node ports (conf store; secrets session-only unless OFD_PASSPHRASE is set). */
export function createNodeEngine(
  opts: { dataDir?: string; ephemeral?: boolean; browser?: Ports['browser'] } = {},
) {
  const ports: Ports & { hub: ReturnType<typeof nodePorts>['hub'] } = nodePorts({
    dataDir: opts.dataDir ?? defaultDataDir(),
    ...(opts.ephemeral ? { ephemeral: true } : {}),
    ...(process.env.OFD_PASSPHRASE ? { passphrase: process.env.OFD_PASSPHRASE } : {}),
  });
  if (opts.browser) ports.browser = opts.browser;
  return { engine: new Engine(ports), hub: ports.hub, ports };
}
