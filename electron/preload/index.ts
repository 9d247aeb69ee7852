import { contextBridge, ipcRenderer } from 'electron';
import {
  API_METHODS,
  EVENT_NAMES,
  eventChannel,
  invokeChannel,
  type DebuggerBridge,
  type EventName,
} from '../../shared/api/contract.js';

// The bridge is generated from the contract: one invoke per method, nothing else exposed
// (never ipcRenderer itself).
const bridge = Object.fromEntries(
  API_METHODS.map((m) => [
    m,
    (...args: unknown[]) => ipcRenderer.invoke(invokeChannel(m), ...args),
  ]),
) as Record<string, unknown>;

bridge.on = (event: EventName, listener: (payload: unknown) => void) => {
  if (!(EVENT_NAMES as readonly string[]).includes(event))
    throw new Error(`Unknown event ${String(event)}`);
  const wrapped = (_e: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(eventChannel(event), wrapped);
  return () => ipcRenderer.removeListener(eventChannel(event), wrapped);
};

contextBridge.exposeInMainWorld('oauthDebugger', bridge as unknown as DebuggerBridge);
