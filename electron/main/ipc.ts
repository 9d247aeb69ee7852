import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { API_METHODS, invokeChannel, type DebuggerApi } from '../../shared/api/contract.js';
import { dispatch } from '../../shared/api/dispatch.js';
import { err, type Result } from '../../shared/result.js';
import type { InspectReport, ProfileView } from '../../shared/types.js';
import { pagePathRefusal } from '../core/file-grants.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/**
 * What the handlers need from Electron, passed in by index.ts so this module imports Electron
 * for its types only (the contract test drives it with a double of ipcMain).
 */
export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle'>;
  /** BrowserWindow.fromWebContents(sender) !== null: the sender is one of our windows. */
  isOwnWindow(sender: WebContents): boolean;
  /** inspectFile({dialog: true}): the main process's file dialog, then the file (har-dialog.ts). */
  inspectChosenFile?(
    sender: WebContents,
    input: Parameters<DebuggerApi['inspectFile']>[0],
  ): Promise<Result<InspectReport>>;
  /** importProfile / exportProfileFile with dialog: the main process's dialogs (profile-dialog.ts). */
  profileDialogs?: {
    importProfile(
      sender: WebContents,
      input: Exclude<Parameters<DebuggerApi['importProfile']>[0], string>,
    ): Promise<Result<ProfileView>>;
    exportProfileFile(
      sender: WebContents,
      input: Parameters<DebuggerApi['exportProfileFile']>[0],
    ): Promise<Result<{ path: string; clientSecret: boolean }>>;
  };
}

/** Only frames of our own windows, loaded from app://renderer, may call the engine. */
function trusted(e: IpcMainInvokeEvent, deps: IpcDeps): boolean {
  if (!deps.isOwnWindow(e.sender)) return false;
  try {
    const u = new URL(e.senderFrame?.url ?? '');
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** One ipcMain handler per contract method, generated from API_METHODS (no per-method code). */
export function registerApiHandlers(api: DebuggerApi, deps: IpcDeps): void {
  for (const m of API_METHODS) {
    deps.ipcMain.handle(invokeChannel(m), (e, ...raw: unknown[]) => {
      if (!trusted(e, deps)) return err('FORBIDDEN', 'Call from an untrusted frame.');
      // The page never names a file path; the main process asks the user for the file itself.
      const refusal = pagePathRefusal(m, raw);
      if (refusal)
        return err(
          'FORBIDDEN',
          refusal,
          m === 'inspectFile' ? 'Use "Open a large HAR file…" instead.' : 'Use "Save to file…".',
        );
      const dialogs = deps.profileDialogs;
      if (dialogs && (m === 'importProfile' || m === 'exportProfileFile'))
        return dispatch(
          {
            importProfile: (input) =>
              typeof input !== 'string' && input.dialog
                ? dialogs.importProfile(e.sender, input)
                : api.importProfile(input),
            exportProfileFile: (input) =>
              input.dialog
                ? dialogs.exportProfileFile(e.sender, input)
                : api.exportProfileFile(input),
          } as DebuggerApi,
          m,
          raw,
        );
      const chosen = deps.inspectChosenFile;
      if (m === 'inspectFile' && chosen)
        return dispatch(
          {
            inspectFile: (input) =>
              input.dialog ? chosen(e.sender, input) : api.inspectFile(input),
          } as DebuggerApi,
          m,
          raw,
        );
      return dispatch(api, m, raw);
    });
  }
}
