import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { KeyValueStore } from './ports.js';

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
