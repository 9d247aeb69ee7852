import { resolve } from 'node:path';
import type { ElectronApi } from './electron-api.js';

/** The private-use redirect scheme (RFC 8252 §7.1); also listed under protocols in electron-builder.yml. */
export const CUSTOM_SCHEME = 'oauth-flow-debugger';

/** True for oauth-flow-debugger://callback?… (the only URL of the scheme the app acts on). */
export function isCallbackUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === `${CUSTOM_SCHEME}:` && u.host === 'callback';
  } catch {
    return false;
  }
}

/** Windows and Linux pass the URL on the command line of a new instance. */
export function callbackUrlFrom(argv: readonly string[]): string | undefined {
  return argv.find(isCallbackUrl);
}

function focusMainWindow(BrowserWindow: ElectronApi['BrowserWindow']): void {
  const win = BrowserWindow.getAllWindows()[0];
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
}

/**
 * Registers the app as the handler of oauth-flow-debugger:// and routes callback URLs to
 * `deliver`. Runs before app ready (macOS sends open-url early). Returns false when another
 * instance already runs: this one quits and the OS hands the URL to that instance.
 */
export function registerCustomScheme(
  { app, BrowserWindow }: Pick<ElectronApi, 'app' | 'BrowserWindow'>,
  deliver: (url: string) => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  // In development Electron runs the app as an argument: register that command line.
  if (process.defaultApp && process.argv[1])
    app.setAsDefaultProtocolClient(CUSTOM_SCHEME, process.execPath, [resolve(process.argv[1])]);
  else app.setAsDefaultProtocolClient(CUSTOM_SCHEME);

  app.on('open-url', (e, url) => {
    e.preventDefault();
    if (isCallbackUrl(url)) deliver(url);
    focusMainWindow(BrowserWindow);
  });
  app.on('second-instance', (_e, argv) => {
    const url = callbackUrlFrom(argv);
    if (url) deliver(url);
    focusMainWindow(BrowserWindow);
  });
  const atLaunch = callbackUrlFrom(process.argv);
  if (atLaunch) deliver(atLaunch);
  return true;
}
