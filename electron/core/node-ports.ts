import type { EventName, DebuggerEvents } from '../../shared/api/contract.js';
import { nodeFiles } from './files.js';
import type { EventSink, KeyValueStore, Ports } from './ports.js';
import { systemClock } from './ports.js';
import { openConfStore } from './conf-store.js';
import { MemorySecretStore, PassphraseSecretStore } from './secret-stores.js';

export { openConfStore } from './conf-store.js';
export { MemorySecretStore, PassphraseSecretStore } from './secret-stores.js';

/** Fans events out to listeners (web-host sockets, tests). */
export class EventHub implements EventSink {
  private listeners = new Set<(event: EventName, payload: unknown) => void>();
  emit<E extends EventName>(event: E, payload: DebuggerEvents[E]) {
    for (const l of this.listeners) l(event, payload);
  }
  subscribe(l: (event: EventName, payload: unknown) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  /** One event's payloads: DebuggerBridge.on for a host in the same process (the CLI). */
  on<E extends EventName>(event: E, listener: (payload: DebuggerEvents[E]) => void): () => void {
    return this.subscribe((e, payload) => {
      if (e === event) listener(payload as DebuggerEvents[E]);
    });
  }
}

/** Ports for plain Node hosts (web host, CLI): conf store + memory or passphrase secrets. */
export function nodePorts(
  opts: { dataDir?: string; passphrase?: string; ephemeral?: boolean } = {},
): Ports & { hub: EventHub } {
  const hub = new EventHub();
  let store: KeyValueStore;
  let quarantined: string[] = [];
  if (opts.ephemeral || !opts.dataDir) {
    const m = new Map<string, unknown>();
    store = {
      get: (k) => structuredClone(m.get(k)),
      set: (k, v) => void m.set(k, structuredClone(v)),
      delete: (k) => void m.delete(k),
    };
  } else {
    const opened = openConfStore(opts.dataDir);
    store = opened.store;
    quarantined = opened.quarantined;
  }
  const secrets = opts.passphrase
    ? new PassphraseSecretStore(store, opts.passphrase)
    : new MemorySecretStore();
  return { store, secrets, clock: systemClock, events: hub, files: nodeFiles, quarantined, hub };
}
