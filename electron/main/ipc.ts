import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { API_METHODS, invokeChannel, type DebuggerApi } from '../../shared/api/contract.js';
import { dispatch } from '../../shared/api/dispatch.js';
import { err, type Result } from '../../shared/result.js';
import type { InspectReport } from '../../shared/types.js';
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
      if (refusal) return err('FORBIDDEN', refusal, 'Use "Open a large HAR file…" instead.');
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
