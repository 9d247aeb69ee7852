import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import { CompactEncrypt, compactDecrypt } from 'jose';
import type { EventName, DebuggerEvents } from '../../shared/api/contract.js';
import { nodeFiles } from './files.js';
import type { EventSink, KeyValueStore, Ports, SecretStore } from './ports.js';
import { systemClock } from './ports.js';

/**
 * conf-backed store for the web host and CLI (electron-store wraps the same library in Electron).
 * A file that cannot be read is moved aside as `<name>.corrupt-<time>` and reported, never overwritten.
 */
export function openConfStore(
  dir: string,
  name = 'config',
): { store: KeyValueStore; quarantined: string[]; conf: Conf } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates: one that already existed is closed too.
  chmodSync(dir, 0o700);
  const file = join(dir, `${name}.json`);
  const quarantined: string[] = [];
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    let okJson: boolean;
    try {
      const v: unknown = JSON.parse(text);
      okJson = !!v && typeof v === 'object' && !Array.isArray(v);
    } catch {
      okJson = false;
    }
    if (!okJson) {
      const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(file, aside);
      quarantined.push(aside);
    }
  }
  const conf = new Conf({
    cwd: dir,
    configName: name,
    projectName: 'oauth-flow-debugger',
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  return {
    conf,
    quarantined,
    store: {
      get: (k) => conf.get(k),
      set: (k, v) => conf.set(k, v),
      delete: (k) => conf.delete(k),
    },
  };
}

/** Session-only secrets: kept in memory, never written. */
export class MemorySecretStore implements SecretStore {
  private m = new Map<string, string>();
  readonly info = {
    backend: 'memory (session only)',
    persisted: false,
    warning:
      'Secrets and private keys are kept for this session only. Set OFD_PASSPHRASE to store them encrypted.',
  };
  async get(ref: string) {
    return this.m.get(ref);
  }
  async set(ref: string, value: string) {
    this.m.set(ref, value);
  }
  async delete(ref: string) {
    this.m.delete(ref);
  }
}

/** PBES2 iteration count (OWASP 2023 guidance for PBKDF2-HMAC-SHA512 is 210,000). */
const P2C = 310_000;

/** Secrets encrypted with a passphrase as PBES2 JWEs (jose) inside the store. */
export class PassphraseSecretStore implements SecretStore {
  readonly info = { backend: 'passphrase (PBES2-HS512+A256KW JWE)', persisted: true };
  private readonly key: Uint8Array;
  constructor(
    private readonly store: KeyValueStore,
    passphrase: string,
  ) {
    this.key = new TextEncoder().encode(passphrase);
  }
  private all(): Record<string, string> {
    return (this.store.get('secrets') as Record<string, string> | undefined) ?? {};
  }
  async get(ref: string) {
    const jwe = this.all()[ref];
    if (!jwe) return undefined;
    try {
      const { plaintext } = await compactDecrypt(jwe, this.key, {
        keyManagementAlgorithms: ['PBES2-HS512+A256KW'],
        contentEncryptionAlgorithms: ['A256GCM'],
        maxPBES2Count: P2C,
      });
      return new TextDecoder().decode(plaintext);
    } catch {
      // Wrong passphrase or a damaged value: that secret needs re-entry; nothing is wiped.
      return undefined;
    }
  }
  async set(ref: string, value: string) {
    const jwe = await new CompactEncrypt(new TextEncoder().encode(value))
      .setProtectedHeader({ alg: 'PBES2-HS512+A256KW', enc: 'A256GCM', p2c: P2C })
      .encrypt(this.key);
    this.store.set('secrets', { ...this.all(), [ref]: jwe });
  }
  async delete(ref: string) {
    const all = this.all();
    delete all[ref];
    this.store.set('secrets', all);
  }
}

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
