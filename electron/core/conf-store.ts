import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { KeyValueStore } from './ports.js';
import {
  guardStore,
  markLastGood,
  openStoreFile,
  type StoreFileOptions,
  type StoreFileStatus,
} from './store-file.js';

export interface OpenedConfStore {
  store: KeyValueStore;
  /** Unreadable store files moved aside as `<name>.json.corrupt-<time>`. */
  quarantined: string[];
  conf: Conf;
  /** Set when writes are refused (STORE_READ_ONLY): a failed migration or a newer file. */
  readOnly?: { reason: string };
  /** The last good copy (`<name>.json.bak`) a corrupt file was replaced with. */
  restoredFrom?: string;
  /** What the user should be told about the store (quarantine, restore, migration, read-only). */
  notices: string[];
  status: StoreFileStatus;
}

/**
 * conf-backed store for the web host and CLI (electron-store wraps the same library in Electron).
 * store-file.ts checks the file first: a file that cannot be read is moved aside and the last good
 * copy restored, never overwritten; older files are migrated; writes are atomic (conf uses
 * atomically) and a failed one throws.
 */
export function openConfStore(
  dir: string,
  name = 'config',
  opts: StoreFileOptions = {},
): OpenedConfStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates: one that already existed is closed too.
  chmodSync(dir, 0o700);
  const status = openStoreFile(join(dir, `${name}.json`), opts);
  // No defaults and clearInvalidConfig off: opening never writes the file (a read-only one stays
  // byte for byte as it was).
  const conf = new Conf({
    cwd: dir,
    configName: name,
    projectName: 'oauth-flow-debugger',
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  markLastGood(status, opts);
  const inner: KeyValueStore = {
    get: (k) => conf.get(k),
    set: (k, v) => conf.set(k, v),
    delete: (k) => conf.delete(k),
  };
  return {
    conf,
    quarantined: status.quarantined,
    store: guardStore(inner, status),
    notices: status.notices,
    ...(status.readOnly ? { readOnly: status.readOnly } : {}),
    ...(status.restoredFrom ? { restoredFrom: status.restoredFrom } : {}),
    status,
  };
}
