import { join } from 'node:path';
import { openExternalSafely } from './open-external.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';
import type { ElectronApi, SessionApi, WindowApi } from './electron-api.js';

/** Denies every permission request (camera, notifications…): the app needs none. */
export function lockDownSession(session: SessionApi): void {
  session.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.setPermissionCheckHandler(() => false);
}

/** True for app://renderer/… only (compared with the URL parser, never startsWith). */
function isAppUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The hardened main window (SECURITY.md section 1.1). */
export function createMainWindow(
  { BrowserWindow, shell }: Pick<ElectronApi, 'BrowserWindow' | 'shell'>,
  preloadDir: string,
): WindowApi {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'OAuth Flow Debugger',
    show: false,
    webPreferences: {
      preload: join(preloadDir, 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
      // A middle click would open a new window without setWindowOpenHandler's say (Electronegativity AUXCLICK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const wc = win.webContents;
  // Navigation away from the app and new windows are refused; links go to the system browser.
  wc.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) {
      e.preventDefault();
      void openExternalSafely(shell, url);
    }
  });
  wc.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(shell, url);
    return { action: 'deny' };
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_SCHEME}://${APP_HOST}/index.html`);
  return win;
}
