import type { BaseWindow, OpenDialogOptions, SaveDialogOptions, WebContents } from 'electron';
import type { BrowserWindowApi, DialogApi } from './electron-api.js';

/** What the main process needs to show a file dialog over the window that asked. */
export interface FileDialogDeps {
  dialog: DialogApi;
  BrowserWindow: Pick<BrowserWindowApi, 'fromWebContents'>;
}

/**
 * The main process's open dialog, over the asking window when there is one: the one path
 * chosen, or undefined when the person cancelled.
 */
export async function chooseFileToOpen(
  deps: FileDialogDeps,
  sender: WebContents,
  options: OpenDialogOptions,
): Promise<string | undefined> {
  const win = deps.BrowserWindow.fromWebContents(sender);
  const chosen = win
    ? await deps.dialog.showOpenDialog(win as unknown as BaseWindow, options)
    : await deps.dialog.showOpenDialog(options);
  return chosen.canceled ? undefined : chosen.filePaths[0];
}

/** The main process's save dialog, likewise: the path chosen, or undefined when cancelled. */
export async function chooseFileToSave(
  deps: FileDialogDeps,
  sender: WebContents,
  options: SaveDialogOptions,
): Promise<string | undefined> {
  const win = deps.BrowserWindow.fromWebContents(sender);
  const chosen = win
    ? await deps.dialog.showSaveDialog(win as unknown as BaseWindow, options)
    : await deps.dialog.showSaveDialog(options);
  return chosen.canceled ? undefined : chosen.filePath;
}
