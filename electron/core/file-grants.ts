/**
 * Files a host let the Inspector read, by an id the page may hold (`uploadId`): a streamed upload
 * the web host wrote (temporary: deleted once read or when the host closes), or a file the user
 * chose in the Electron file dialog. The page never names a path itself: a browser page (or a
 * compromised renderer) must not be able to make the engine read an arbitrary file.
 *
 * Process-wide on purpose: the web host writes an upload before its lazily loaded engine exists,
 * and the Electron main process grants a dialog's file; both run in the engine's process. Kept
 * free of heavy imports, so the web host can load it at start.
 */
import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';

export { MAX_HAR_FILE } from '../../shared/api/contract.js';

export interface FileGrant {
  path: string;
  /** The file's name as the user knows it (the upload's or the chosen file's). */
  name: string;
  /** The file is ours (an upload): deleted once read, or when it expires unread. */
  temporary: boolean;
}

/** An unread upload is deleted after this long. */
const UNREAD_MS = 15 * 60_000;

const grants = new Map<string, FileGrant & { timer?: ReturnType<typeof setTimeout> }>();

/** Registers a file the page may then name by the returned id. */
export function grantFile(grant: FileGrant): string {
  const id = randomBytes(16).toString('hex');
  const timer = grant.temporary
    ? setTimeout(() => void releaseFile(id), UNREAD_MS).unref()
    : undefined;
  grants.set(id, { ...grant, ...(timer ? { timer } : {}) });
  return id;
}

export function grantedFile(id: string): FileGrant | undefined {
  const g = grants.get(id);
  return g ? { path: g.path, name: g.name, temporary: g.temporary } : undefined;
}

/** Forgets the id; a temporary file is deleted. */
export async function releaseFile(id: string): Promise<void> {
  const g = grants.get(id);
  if (!g) return;
  grants.delete(id);
  if (g.timer) clearTimeout(g.timer);
  if (g.temporary) await unlink(g.path).catch(() => {});
}

/**
 * Why a host that serves a page refuses this call, or undefined: inspectFile with a `path` (only
 * the CLI names paths; the page gets an uploadId from an upload or the file dialog).
 */
export function pagePathRefusal(method: string, args: unknown): string | undefined {
  if (!Array.isArray(args)) return undefined;
  const input = args[0] as { path?: unknown } | undefined;
  const named = !!input && typeof input === 'object' && 'path' in input;
  if (!named) return undefined;
  if (method === 'inspectFile') return 'A page cannot name a file path for the Inspector to read.';
  // exportProfileFile overwrites the file it names: only the CLI or the main process's dialog choose it.
  if (method === 'exportProfileFile') return 'A page cannot name a file path to write.';
  return undefined;
}
