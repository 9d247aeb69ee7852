import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { Engine } from '../core/engine.js';
import { systemClock } from '../core/ports.js';
import { registerApiHandlers } from './ipc.js';
import { electronFiles, openElectronStore, SafeStorageSecretStore, windowEvents } from './ports.js';
import { registerAppProtocol, registerSchemePrivileges } from './protocol.js';
import { createMainWindow, lockDownSession } from './window.js';

/** App lifecycle only: everything else is wired here, nothing runs at import. */
function main(): void {
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
  const engine = new Engine({
    store,
    secrets: new SafeStorageSecretStore(store),
    clock: systemClock,
    files: electronFiles,
    quarantined,
    events: windowEvents((channel, payload) => {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
    }),
  });
  registerApiHandlers(engine);
  createMainWindow(join(outDir, 'preload'));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(join(outDir, 'preload'));
  });
}

main();
