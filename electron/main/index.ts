import { join } from 'node:path';
import { app, BrowserWindow, ipcMain } from 'electron';
import { Engine } from '../core/engine.js';
import { systemClock } from '../core/ports.js';
import { registerCustomScheme } from './custom-scheme.js';
import { registerApiHandlers } from './ipc.js';
import { openExternalSafely } from './open-external.js';
import { electronFiles, openElectronStore, SafeStorageSecretStore, windowEvents } from './ports.js';
import { registerAppProtocol, registerSchemePrivileges } from './protocol.js';
import { createMainWindow, lockDownSession } from './window.js';

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

/** App lifecycle only: everything else is wired here, nothing runs at import. */
function main(): void {
  if (!registerCustomScheme(deliverRedirect)) return;
  registerSchemePrivileges();
  app.enableSandbox();
  void app.whenReady().then(onReady);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

function onReady(): void {
  const outDir = join(__dirname, '..');
  lockDownSession();
  registerAppProtocol(join(outDir, 'renderer'));
  const { store, quarantined } = openElectronStore();
  engine = new Engine({
    store,
    secrets: new SafeStorageSecretStore(store),
    clock: systemClock,
    files: electronFiles,
    quarantined,
    // The system browser (RFC 8252 §8.12: never an embedded view), https and loopback only.
    browser: {
      open: async (url) => {
        if (!(await openExternalSafely(url))) throw new Error('Refused to open this URL.');
      },
    },
    events: windowEvents((channel, payload) => {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
    }),
  });
  registerApiHandlers(engine, {
    ipcMain,
    isOwnWindow: (sender) => BrowserWindow.fromWebContents(sender) !== null,
  });
  for (const url of early.splice(0)) deliverRedirect(url);
  createMainWindow(join(outDir, 'preload'));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(join(outDir, 'preload'));
  });
}

main();
