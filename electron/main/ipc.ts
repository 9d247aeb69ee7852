import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, invokeChannel, type DebuggerApi } from '../../shared/api/contract.js';
import { err } from '../../shared/result.js';
import { invoke } from '../web-host/server.js';
import { APP_HOST, APP_SCHEME } from './protocol.js';

/** Only frames of our own windows, loaded from app://renderer, may call the engine. */
function trusted(e: IpcMainInvokeEvent): boolean {
  if (!BrowserWindow.fromWebContents(e.sender)) return false;
  try {
    const u = new URL(e.senderFrame?.url ?? '');
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** One ipcMain handler per contract method, generated from API_METHODS (no per-method code). */
export function registerApiHandlers(api: DebuggerApi): void {
  for (const m of API_METHODS) {
    ipcMain.handle(invokeChannel(m), (e, ...raw: unknown[]) =>
      trusted(e) ? invoke(api, m, raw) : err('FORBIDDEN', 'Call from an untrusted frame.'),
    );
  }
}
