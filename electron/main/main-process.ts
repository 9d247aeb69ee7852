import { join } from 'node:path';
import { Engine } from '../core/engine.js';
import { systemClock, type KeyValueStore, type Ports } from '../core/ports.js';
import { registerCustomScheme } from './custom-scheme.js';
import type { ElectronApi } from './electron-api.js';
import { registerApiHandlers } from './ipc.js';
import { inspectChosenFile } from './har-dialog.js';
import { exportChosenProfile, importChosenProfile } from './profile-dialog.js';
import { openExternalSafely } from './open-external.js';
import { electronFiles, electronPractice, SafeStorageSecretStore, windowEvents } from './ports.js';
import { registerAppProtocol, registerSchemePrivileges } from './protocol.js';
import { createMainWindow, lockDownSession } from './window.js';

export interface MainProcessOptions {
  /** out/: the renderer is out/renderer, the preload out/preload. */
  outDir: string;
  /** The non-secret store (electron-store in the app, a map in tests). */
  openStore(): {
    store: KeyValueStore;
    quarantined: string[];
    storeStatus?: Ports['storeStatus'];
    /** The saved runs (userData/timeline.json). */
    timeline?: Ports['timeline'];
    /** App settings (userData/settings.json). */
    settings?: Ports['settings'];
  };
  platform?: NodeJS.Platform;
}

export interface MainProcess {
  /** Resolves once the app is ready and wired (undefined when another instance runs). */
  readonly ready: Promise<Engine | undefined>;
}

/**
 * The app lifecycle, with Electron passed in (index.ts passes the real module, the tests a double):
 * everything is wired here, nothing runs at import.
 */
export function createMainProcess(electron: ElectronApi, options: MainProcessOptions): MainProcess {
  const { app, BrowserWindow } = electron;
  const platform = options.platform ?? process.platform;
  /** Custom-scheme redirects that arrive before the engine exists wait here. */
  const early: string[] = [];
  let engine: Engine | undefined;

  /** Hands an oauth-flow-debugger://callback URL to the waiting authorization (never logged: it holds a code). */
  function deliverRedirect(url: string): void {
    if (!engine) {
      early.push(url);
      return;
    }
    void engine.completeAuthorizationFromRedirect(url).then((r) => {
      if (!r.ok) console.warn(`Custom-scheme redirect not used: ${r.error.code}`);
    });
  }

  function onReady(): Engine {
    const { outDir } = options;
    lockDownSession(electron.session.defaultSession);
    registerAppProtocol(electron.protocol, join(outDir, 'renderer'));
    const { store, quarantined, storeStatus, timeline, settings } = options.openStore();
    const started = new Engine({
      store,
      secrets: new SafeStorageSecretStore(store, electron.safeStorage, platform),
      clock: systemClock,
      files: electronFiles,
      practice: electronPractice,
      ...(timeline ? { timeline } : {}),
      ...(settings ? { settings } : {}),
      quarantined,
      ...(storeStatus ? { storeStatus } : {}),
      // The system browser (RFC 8252 §8.12: never an embedded view), https and loopback only.
      browser: {
        open: async (url) => {
          if (!(await openExternalSafely(electron.shell, url)))
            throw new Error('Refused to open this URL.');
        },
      },
      events: windowEvents((channel, payload) => {
        for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
      }),
    });
    engine = started;
    const dialog = electron.dialog;
    registerApiHandlers(started, {
      ipcMain: electron.ipcMain,
      isOwnWindow: (sender) => BrowserWindow.fromWebContents(sender) !== null,
      ...(dialog
        ? {
            inspectChosenFile: (sender, input) =>
              inspectChosenFile(started, { dialog, BrowserWindow }, sender, input),
            profileDialogs: {
              importProfile: (sender, input) =>
                importChosenProfile(started, { dialog, BrowserWindow }, sender, input),
              exportProfileFile: (sender, input) =>
                exportChosenProfile(started, { dialog, BrowserWindow }, sender, input),
            },
          }
        : {}),
    });
    for (const url of early.splice(0)) deliverRedirect(url);
    createMainWindow(electron, join(outDir, 'preload'));
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0)
        createMainWindow(electron, join(outDir, 'preload'));
    });
    return started;
  }

  if (!registerCustomScheme(electron, deliverRedirect))
    return { ready: Promise.resolve(undefined) };
  registerSchemePrivileges(electron.protocol);
  app.enableSandbox();
  const ready = app.whenReady().then(onReady);
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  return { ready };
}
