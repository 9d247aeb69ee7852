import { readFile } from 'node:fs/promises';
import type { DebuggerApi } from '../../shared/api/contract.js';
import { nodeFiles } from '../core/files.js';
import { UsageError, unwrap, type Emit, type Io } from './common.js';

/** The backup passphrase comes from the environment: an argument would show in `ps`. */
export const BACKUP_PASSPHRASE_ENV = 'OFD_BACKUP_PASSPHRASE';

/**
 * `workspace status | export --out FILE [--force] | import FILE`: the workspace in the data folder
 * (OFD_DATA_DIR), unlocked by OFD_PASSPHRASE; the backup's passphrase is OFD_BACKUP_PASSPHRASE.
 */
export async function runWorkspace(opts: {
  sub: string | undefined;
  arg: string | undefined;
  values: { out?: string | undefined; force?: boolean | undefined };
  api: DebuggerApi;
  io: Io;
  emit: Emit;
  env?: NodeJS.ProcessEnv;
}): Promise<number> {
  const { sub, arg, values, api, io, emit } = opts;
  const env = opts.env ?? process.env;
  const storage = unwrap(await api.getStorageInfo());
  if (sub === 'status' || !sub)
    return emit(true, [], { storage }, () => {
      const w = storage.workspace;
      io.out(`protection: ${w.protection}${w.locked ? ' (locked)' : ''}`);
      io.out(
        `secrets:    ${storage.backend}${storage.secretsPersisted ? ', stored' : ', session only'}`,
      );
      if (w.notice) io.out(`notice:     ${w.notice}`);
      if (storage.warning) io.err(storage.warning);
    });
  const passphrase = env[BACKUP_PASSPHRASE_ENV];
  if (!passphrase)
    throw new UsageError(
      `Set ${BACKUP_PASSPHRASE_ENV} to the backup's passphrase (at least 8 characters); it is not taken as an argument, which other users could see.`,
    );
  if (sub === 'export') {
    if (!values.out) throw new UsageError('workspace export needs --out <file>.');
    const backup = unwrap(await api.exportWorkspace({ passphrase }));
    await nodeFiles.writePrivate(values.out, backup.text, values.force ? { overwrite: true } : {});
    const { text: _encrypted, ...counts } = backup;
    return emit(true, [], { path: values.out, ...counts }, () =>
      io.out(
        `Wrote ${values.out} (mode 0600): ${counts.profiles} profiles, ${counts.keys} keys, ${counts.secrets} secrets, encrypted with ${BACKUP_PASSPHRASE_ENV}.`,
      ),
    );
  }
  if (sub === 'import') {
    if (!arg) throw new UsageError('workspace import needs the backup file.');
    if (!storage.secretsPersisted && !storage.workspace.locked)
      throw new UsageError(
        'This data folder keeps secrets for the session only, so the imported secrets would be lost when this command ends. Set OFD_PASSPHRASE (it protects the workspace) and import again.',
      );
    const text = await readFile(arg, 'utf8');
    const done = unwrap(await api.importWorkspace({ text, passphrase }));
    return emit(true, [], { ...done }, () => {
      io.out(`Imported ${done.profiles} profiles, ${done.keys} keys, ${done.secrets} secrets.`);
      if (done.skipped.length) io.out(`Skipped (already here): ${done.skipped.join('; ')}`);
    });
  }
  throw new UsageError(
    'Use: workspace status | workspace export --out <file> | workspace import <file>',
  );
}
