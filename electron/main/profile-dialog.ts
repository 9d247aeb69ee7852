import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { WebContents } from 'electron';
import type { DebuggerApi } from '../../shared/api/contract.js';
import { MAX_TEXT } from '../../shared/api/inputs.js';
import { profileFileName } from '../../shared/file-names.js';
import { err, type Result } from '../../shared/result.js';
import type { ProfileView } from '../../shared/types.js';
import { chooseFileToOpen, chooseFileToSave, type FileDialogDeps } from './file-dialogs.js';

export type ProfileDialogDeps = FileDialogDeps;

type ImportInput = Exclude<Parameters<DebuggerApi['importProfile']>[0], string>;
type ExportInput = Parameters<DebuggerApi['exportProfileFile']>[0];

const FILTERS = [
  { name: 'Profile files', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];

/**
 * importProfile({dialog: true}) from the desktop window: the main process shows its own open
 * dialog and reads the chosen file, so the page never names a path (a compromised renderer cannot
 * make the engine read ~/.ssh). The engine answers as for pasted text (CONFLICT included).
 */
export async function importChosenProfile(
  api: DebuggerApi,
  deps: ProfileDialogDeps,
  sender: WebContents,
  input: ImportInput,
): Promise<Result<ProfileView>> {
  const options = {
    title: 'Open a profile file',
    properties: ['openFile' as const],
    filters: FILTERS,
  };
  const path = await chooseFileToOpen(deps, sender, options);
  if (!path)
    return err('NOT_FOUND', 'No file was chosen.', 'Choose the profile file in the dialog.');
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile())
    return err('FILE_ERROR', `${basename(path)} is not a file.`, 'Choose a profile file (.json).');
  if (s.size > MAX_TEXT)
    return err(
      'FILE_ERROR',
      `${basename(path)} is too large for a profile file (${Math.round(s.size / 1024)} KB).`,
      `Choose the profile file made with Export (at most ${MAX_TEXT / 1024} KB).`,
    );
  const json = await readFile(path, 'utf8').catch(() => undefined);
  if (json === undefined)
    return err('FILE_ERROR', `${basename(path)} could not be read.`, 'Check its permissions.');
  const { dialog: _dialog, ...rest } = input;
  return api.importProfile({ ...rest, json });
}

/**
 * exportProfileFile({profileId, dialog: true}) from the desktop window: the main process's save
 * dialog chooses the file (written 0600 by the engine); the page never names the path.
 */
export async function exportChosenProfile(
  api: DebuggerApi,
  deps: ProfileDialogDeps,
  sender: WebContents,
  input: ExportInput,
): Promise<Result<{ path: string; clientSecret: boolean }>> {
  const list = await api.listProfiles();
  const profile = list.ok ? list.value.find((p) => p.id === input.profileId) : undefined;
  if (!profile)
    return err(
      'NOT_FOUND',
      `No profile with id ${input.profileId}.`,
      'Select a profile in the Profile step.',
    );
  const options = {
    title: `Save “${profile.name}”`,
    defaultPath: profileFileName(profile.name),
    filters: FILTERS,
  };
  const path = await chooseFileToSave(deps, sender, options);
  if (!path) return err('NOT_FOUND', 'No file was chosen: nothing was saved.');
  const { dialog: _dialog, ...rest } = input;
  return api.exportProfileFile({ ...rest, path });
}
