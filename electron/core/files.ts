/** File access for every host: reading a PEM, writing an exported key or profile (0600, atomic). */
import * as fsp from 'node:fs/promises';
import { AppFailure } from '../../shared/result.js';
import type { FilePort } from './ports.js';

/** The file system calls writePrivate makes (tests pass one that fails). */
export type PrivateWriteFs = Pick<
  typeof fsp,
  'readFile' | 'writeFile' | 'chmod' | 'link' | 'rename' | 'unlink'
>;

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;
/** Windows reports a file held by antivirus or an indexer this way; it clears in a moment. */
const TRANSIENT = new Set(['EPERM', 'EBUSY', 'EACCES']);
/** link(2) where the file system has no hard links (FAT, some network shares). */
const NO_LINK = new Set(['EPERM', 'EXDEV', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP']);

/**
 * FilePort on the given fs. `retryDelaysMs`: waits between attempts of a rename refused with a
 * transient code (EPERM, EBUSY, EACCES); after the last one the error is surfaced as FILE_ERROR.
 */
export function createNodeFiles(
  fs: PrivateWriteFs = fsp,
  retryDelaysMs: readonly number[] = [10, 50, 100, 250, 500],
): FilePort {
  const exists = (p: string) =>
    new AppFailure(
      'FILE_EXISTS',
      `${p} already exists and was left as it is: it may be the private key registered with a server.`,
      'Choose another file name, or confirm replacing it (CLI: --force).',
    );
  const failed = (p: string, e: unknown) =>
    new AppFailure(
      'FILE_ERROR',
      `Could not write ${p}${code(e) ? ` (${code(e)})` : ''}: ${(e as Error).message}. It was not saved.`,
      'Check that no other program (antivirus, a sync client) holds the file and that the folder is writable, then try again.',
    );
  async function renameRetrying(tmp: string, p: string) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fs.rename(tmp, p);
      } catch (e) {
        const wait = retryDelaysMs[attempt];
        if (!TRANSIENT.has(code(e) ?? '') || wait === undefined) throw e;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
  return {
    readText: (p) => fs.readFile(p, 'utf8'),
    /**
     * Atomic: the text goes to a temporary file (0600) first, so a crash never leaves half a key.
     * Without overwrite it is then hard-linked into place, which fails if the name is taken, so a
     * file already there is never replaced; with overwrite it is renamed over it (a rename refused
     * for a moment is retried). Where there are no hard links, or the rename crosses devices
     * (EXDEV), the file is written directly: exclusively (`wx`) without overwrite.
     */
    async writePrivate(p, text, opts) {
      const tmp = `${p}.tmp-${process.pid}-${Date.now()}`;
      await fs.writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
      try {
        await fs.chmod(tmp, 0o600);
        if (opts?.overwrite) {
          try {
            await renameRetrying(tmp, p);
          } catch (e) {
            if (code(e) !== 'EXDEV') throw e;
            await fs.writeFile(p, text, { mode: 0o600 });
            await fs.chmod(p, 0o600);
          }
        } else {
          try {
            await fs.link(tmp, p);
          } catch (e) {
            if (!NO_LINK.has(code(e) ?? '')) throw e;
            await fs.writeFile(p, text, { mode: 0o600, flag: 'wx' });
          }
        }
      } catch (e) {
        if (code(e) === 'EEXIST') throw exists(p);
        if (e instanceof AppFailure) throw e;
        throw failed(p, e);
      } finally {
        await fs.unlink(tmp).catch(() => {});
      }
    },
  };
}

export const nodeFiles: FilePort = createNodeFiles();
