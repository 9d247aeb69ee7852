import { chmodSync, constants, copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFile as atomicWriteFile } from 'atomically';
import type { EventName, DebuggerEvents } from '../../shared/api/contract.js';
import { nodeFiles } from './files.js';
import type { EventSink, KeyValueStore, Ports, TimelinePort } from './ports.js';
import { systemClock } from './ports.js';
import type { PracticePort } from './ports.js';
import { openConfStore } from './conf-store.js';
import { MemorySecretStore, PassphraseSecretStore, WorkspaceSecretStore } from './secret-stores.js';

export { openConfStore } from './conf-store.js';
export { MemorySecretStore, PassphraseSecretStore, WorkspaceSecretStore } from './secret-stores.js';

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

/** The practice server, loaded on first use (oidc-provider is not imported before). */
export const nodePractice: PracticePort = {
  start: async (opts) => (await import('../practice/index.js')).startPractice(opts),
};

/** A copy of the store file beside it (0600), for "forgot the passphrase": the old file stays. */
function keepStoreAside(dataDir: string): string | undefined {
  const file = join(dataDir, 'config.json');
  if (!existsSync(file)) return undefined;
  const aside = `${file}.forgotten-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  copyFileSync(file, aside, constants.COPYFILE_EXCL);
  chmodSync(aside, 0o600);
  return aside;
}

/**
 * The saved timeline as its own file (`timeline.json`, 0600, written atomically). A file that does
 * not parse, or is not a timeline, is renamed `<file>.corrupt-<time>` and kept; the app starts with
 * an empty timeline.
 */
export function timelineFile(file: string): TimelinePort {
  return {
    load(problem) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
        return { reason: `cannot read ${file}: ${(e as Error).message}` };
      }
      let data: unknown;
      let reason: string | undefined;
      try {
        data = JSON.parse(text);
        reason = problem(data);
      } catch (e) {
        reason = `not JSON (${(e as Error).message})`;
      }
      if (!reason) return { data };
      const keptAside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(file, keptAside);
      chmodSync(keptAside, 0o600);
      return { keptAside, reason };
    },
    async save(data) {
      await atomicWriteFile(file, JSON.stringify(data), { mode: 0o600 });
      chmodSync(file, 0o600);
    },
  };
}

/**
 * Ports for plain Node hosts (web host, CLI): conf store + the workspace's secrets. A persisted
 * store gets a workspace the user protects with a passphrase (OFD_PASSPHRASE unlocks it for
 * scripts); an ephemeral one (tests) keeps secrets in memory, or encrypted with `passphrase`,
 * unless `workspace` asks for the workspace there too.
 */
export function nodePorts(
  opts: { dataDir?: string; passphrase?: string; ephemeral?: boolean; workspace?: boolean } = {},
): Ports & { hub: EventHub } {
  const hub = new EventHub();
  let store: KeyValueStore;
  let quarantined: string[] = [];
  let storeStatus: Ports['storeStatus'];
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
    storeStatus = {
      notices: opened.notices,
      ...(opened.readOnly ? { readOnly: opened.readOnly } : {}),
      ...(opened.restoredFrom ? { restoredFrom: opened.restoredFrom } : {}),
    };
  }
  const persisted = !opts.ephemeral && !!opts.dataDir;
  const base = {
    store,
    practice: nodePractice,
    // Saved runs persist with the workspace; an ephemeral one keeps its timeline in memory.
    ...(persisted ? { timeline: timelineFile(join(opts.dataDir!, 'timeline.json')) } : {}),
    ...(persisted ? { settings: timelineFile(join(opts.dataDir!, 'settings.json')) } : {}),
    clock: systemClock,
    events: hub,
    files: nodeFiles,
    quarantined,
    ...(storeStatus ? { storeStatus } : {}),
    hub,
  };
  if (opts.workspace ?? persisted) {
    const dataDir = persisted ? opts.dataDir : undefined;
    const workspace = new WorkspaceSecretStore(store, {
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
      ...(dataDir ? { keepAside: () => keepStoreAside(dataDir) } : {}),
    });
    return { ...base, secrets: workspace, workspace };
  }
  const secrets = opts.passphrase
    ? new PassphraseSecretStore(store, opts.passphrase)
    : new MemorySecretStore();
  return { ...base, secrets };
}
