/** File access for every host: reading a PEM, writing an exported key or profile (0600, atomic). */
import { chmod, link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { AppFailure } from '../../shared/result.js';
import type { FilePort } from './ports.js';

export const nodeFiles: FilePort = {
  readText: (p) => readFile(p, 'utf8'),
  /**
   * Atomic: the text goes to a temporary file (0600) first, so a crash never leaves half a key.
   * Without overwrite it is then hard-linked into place, which fails if the name is taken, so a
   * file already there is never replaced; with overwrite it is renamed over it.
   */
  async writePrivate(p, text, opts) {
    const tmp = `${p}.tmp-${process.pid}-${Date.now()}`;
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600);
    try {
      if (opts?.overwrite) await rename(tmp, p);
      else await link(tmp, p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new AppFailure(
          'FILE_EXISTS',
          `${p} already exists and was left as it is: it may be the private key registered with a server.`,
          'Choose another file name, or confirm replacing it (CLI: --force).',
        );
      throw e;
    } finally {
      await unlink(tmp).catch(() => {});
    }
  },
};
