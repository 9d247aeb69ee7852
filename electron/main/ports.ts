import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'electron';
import type Store from 'electron-store';
import { eventChannel } from '../../shared/api/contract.js';
import type {
  EventSink,
  FilePort,
  KeyValueStore,
  Ports,
  SecretState,
  SecretStore,
  TimelinePort,
} from '../core/ports.js';
import type { PracticePort } from '../core/ports.js';
import { nodeFiles } from '../core/files.js';
import { timelineFile } from '../core/node-ports.js';
import { guardStore, markLastGood, openStoreFile } from '../core/store-file.js';
import type { SafeStorageApi } from './electron-api.js';

/**
 * electron-store for non-secret data, behind the same file guard as the web host's store
 * (store-file.ts): a file that does not parse is moved aside and the last good copy restored,
 * never overwritten; older files are migrated; a newer or unmigratable file opens read-only.
 */
export function openElectronStore(
  app: Pick<App, 'getPath'>,
  ElectronStore: typeof Store,
): {
  store: KeyValueStore;
  quarantined: string[];
  storeStatus: NonNullable<Ports['storeStatus']>;
  /** Saved runs, in userData beside the store (main-process passes it to the engine's ports). */
  timeline: TimelinePort;
  /** App settings (features/settings.ts), beside the store. */
  settings: TimelinePort;
} {
  const dir = app.getPath('userData');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const status = openStoreFile(join(dir, 'config.json'));
  const s = new ElectronStore<Record<string, unknown>>({
    clearInvalidConfig: false,
    configFileMode: 0o600,
  });
  markLastGood(status);
  return {
    store: guardStore(
      { get: (k) => s.get(k), set: (k, v) => s.set(k, v), delete: (k) => s.delete(k) },
      status,
    ),
    quarantined: status.quarantined,
    timeline: timelineFile(join(dir, 'timeline.json')),
    settings: timelineFile(join(dir, 'settings.json')),
    storeStatus: {
      notices: status.notices,
      ...(status.readOnly ? { readOnly: status.readOnly } : {}),
      ...(status.restoredFrom ? { restoredFrom: status.restoredFrom } : {}),
    },
  };
}

/**
 * Secrets encrypted with safeStorage. Fails closed: when encryption is unavailable nothing is
 * persisted (session only); Linux's basic_text backend is shown as a warning, never silently used.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly info: SecretStore['info'];
  private session = new Map<string, string>();
  private readonly persist: boolean;

  constructor(
    private readonly store: KeyValueStore,
    private readonly safeStorage: SafeStorageApi,
    platform: NodeJS.Platform = process.platform,
  ) {
    const available = safeStorage.isEncryptionAvailable();
    const backend =
      platform === 'linux'
        ? safeStorage.getSelectedStorageBackend()
        : platform === 'darwin'
          ? 'keychain'
          : 'dpapi';
    this.persist = available && backend !== 'basic_text';
    this.info = {
      backend: `safeStorage (${backend})`,
      persisted: this.persist,
      ...(!available
        ? {
            warning:
              'OS encryption is unavailable: secrets and private keys are kept for this session only.',
          }
        : backend === 'basic_text'
          ? {
              warning:
                'No OS keyring found (Linux basic_text): secrets are kept for this session only. Install/unlock a secret service (GNOME Keyring, KWallet) to store them.',
            }
          : {}),
    };
  }
  private all(): Record<string, string> {
    return (this.store.get('secrets') as Record<string, string> | undefined) ?? {};
  }
  async get(ref: string) {
    if (!this.persist) return this.session.get(ref);
    const b64 = this.all()[ref];
    if (!b64) return undefined;
    try {
      return this.safeStorage.decryptString(Buffer.from(b64, 'base64'));
    } catch {
      // Undecryptable (another machine, rotated key): this secret needs re-entry; nothing is wiped.
      return undefined;
    }
  }
  /** 'unreadable' for a stored value the keychain cannot decrypt here: it needs re-entry. */
  async check(ref: string): Promise<SecretState> {
    if (!this.persist) return this.session.has(ref) ? 'ok' : 'missing';
    if (!this.all()[ref]) return 'missing';
    return (await this.get(ref)) === undefined ? 'unreadable' : 'ok';
  }
  async set(ref: string, value: string) {
    if (!this.persist) return void this.session.set(ref, value);
    this.store.set('secrets', {
      ...this.all(),
      [ref]: this.safeStorage.encryptString(value).toString('base64'),
    });
  }
  async delete(ref: string) {
    this.session.delete(ref);
    const all = this.all();
    delete all[ref];
    this.store.set('secrets', all);
  }
}

/**
 * The practice server, loaded on first use with a dynamic import(), as in the web host and CLI
 * (node-ports.ts): the app's start never loads oidc-provider.
 */
export const electronPractice: PracticePort = {
  start: async (opts) => (await import('../practice/index.js')).startPractice(opts),
};

/** The same file port as the web host and CLI (atomic 0600 writes, never replacing unasked). */
export const electronFiles: FilePort = nodeFiles;

/** Sends events to every window of the app. */
export function windowEvents(send: (channel: string, payload: unknown) => void): EventSink {
  return { emit: (event, payload) => send(eventChannel(event), payload) };
}
