import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { app, safeStorage } from 'electron';
import Store from 'electron-store';
import { eventChannel } from '../../shared/api/contract.js';
import type { EventSink, FilePort, KeyValueStore, SecretStore } from '../core/ports.js';
import { nodeFiles } from '../core/files.js';

/**
 * electron-store for non-secret data. A file that does not parse is moved aside and reported,
 * never overwritten (clearInvalidConfig stays false).
 */
export function openElectronStore(): { store: KeyValueStore; quarantined: string[] } {
  const file = join(app.getPath('userData'), 'config.json');
  const quarantined: string[] = [];
  if (existsSync(file)) {
    try {
      JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(file, aside);
      quarantined.push(aside);
    }
  }
  const s = new Store<Record<string, unknown>>({
    clearInvalidConfig: false,
    configFileMode: 0o600,
  });
  return {
    store: { get: (k) => s.get(k), set: (k, v) => s.set(k, v), delete: (k) => s.delete(k) },
    quarantined,
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

  constructor(private readonly store: KeyValueStore) {
    const available = safeStorage.isEncryptionAvailable();
    const backend =
      process.platform === 'linux'
        ? safeStorage.getSelectedStorageBackend()
        : process.platform === 'darwin'
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
      return safeStorage.decryptString(Buffer.from(b64, 'base64'));
    } catch {
      // Undecryptable (another machine, rotated key): this secret needs re-entry; nothing is wiped.
      return undefined;
    }
  }
  async set(ref: string, value: string) {
    if (!this.persist) return void this.session.set(ref, value);
    this.store.set('secrets', {
      ...this.all(),
      [ref]: safeStorage.encryptString(value).toString('base64'),
    });
  }
  async delete(ref: string) {
    this.session.delete(ref);
    const all = this.all();
    delete all[ref];
    this.store.set('secrets', all);
  }
}

/** The same file port as the web host and CLI (atomic 0600 writes, never replacing unasked). */
export const electronFiles: FilePort = nodeFiles;

/** Sends events to every window of the app. */
export function windowEvents(send: (channel: string, payload: unknown) => void): EventSink {
  return { emit: (event, payload) => send(eventChannel(event), payload) };
}
