// The sandboxed preload: the one module here that loads Electron; the bridge is in bridge.ts.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeBridge } from './bridge.js';

exposeBridge({ contextBridge, ipcRenderer });
