import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { WebContents } from 'electron';
import type { DebuggerApi } from '../../shared/api/contract.js';
import { err, type Result } from '../../shared/result.js';
import type { InspectReport } from '../../shared/types.js';
import { grantFile } from '../core/file-grants.js';
import { chooseFileToOpen, type FileDialogDeps } from './file-dialogs.js';

/**
 * inspectFile({dialog: true}) from the desktop window: the main process shows its own file
 * dialog and hands the engine the chosen file by a granted id, so the page never names a path
 * (a compromised renderer cannot make the engine read ~/.ssh). The chosen file stays granted, so
 * the page can diagnose another of its entries by report.largeFile.uploadId.
 */
export async function inspectChosenFile(
  api: DebuggerApi,
  deps: FileDialogDeps,
  sender: WebContents,
  input: Parameters<DebuggerApi['inspectFile']>[0],
): Promise<Result<InspectReport>> {
  const options = {
    title: 'Open a HAR file',
    properties: ['openFile' as const],
    filters: [
      { name: 'HAR files', extensions: ['har', 'json'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const path = await chooseFileToOpen(deps, sender, options);
  if (!path)
    return err(
      'NOT_FOUND',
      'No file was chosen.',
      'Choose the HAR file in the dialog, or drop it on the Evidence card.',
    );
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile())
    return err('FILE_ERROR', `${basename(path)} is not a file.`, 'Choose a HAR file.');
  const { dialog: _dialog, ...rest } = input;
  const uploadId = grantFile({ path, name: basename(path), temporary: false });
  return api.inspectFile({ ...rest, uploadId });
}
