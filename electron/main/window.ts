import { join } from 'node:path';
import { BrowserWindow, session } from 'electron';
import { openExternalSafely } from './open-external.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/** Denies every permission request (camera, notifications…): the app needs none. */
export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** The hardened main window (SECURITY.md section 1.1). */
export function createMainWindow(preloadDir: string): BrowserWindow {
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
    },
  });
  const wc = win.webContents;
  // Navigation away from the app and new windows are refused; links go to the system browser.
  wc.on('will-navigate', (e, url) => {
    const u = new URL(url);
    if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) {
      e.preventDefault();
      void openExternalSafely(url);
    }
  });
  wc.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url);
    return { action: 'deny' };
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_SCHEME}://${APP_HOST}/index.html`);
  return win;
}
