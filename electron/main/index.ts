// The only module of the main process that loads Electron (and electron-store) at runtime: the
// rest takes the Electron API as an argument, so tests drive it with a double.
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  safeStorage,
  session,
  shell,
} from 'electron';
import Store from 'electron-store';
import { createMainProcess } from './main-process.js';
import { openElectronStore } from './ports.js';

createMainProcess(
  { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell },
  { outDir: join(__dirname, '..'), openStore: () => openElectronStore(app, Store) },
);
