import type { ContextBridge, IpcRenderer } from 'electron';
import {
  API_METHODS,
  EVENT_NAMES,
  eventChannel,
  invokeChannel,
  type DebuggerBridge,
  type EventName,
} from '../../shared/api/contract.js';

/** What the preload uses of Electron, passed in by index.ts (tests pass a double). */
export interface PreloadElectronApi {
  contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>;
  ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;
}

/** The key of the bridge on window (window.oauthDebugger). */
export const BRIDGE_KEY = 'oauthDebugger';

/**
 * The bridge is generated from the contract: one invoke per method and `on` for the contract's
 * events, nothing else exposed (never ipcRenderer itself).
 */
export function exposeBridge({ contextBridge, ipcRenderer }: PreloadElectronApi): void {
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

  contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge as unknown as DebuggerBridge);
}
