import type { DebuggerBridge } from '../../../shared/api/contract.js';
import { createHttpBridge, takeTokenFromLocation } from './http-client.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload script (contextBridge). */
    oauthDebugger?: DebuggerBridge;
  }
}

/** The Electron preload bridge when present, else the web-host HTTP client. */
export function getApi(): DebuggerBridge {
  if (window.oauthDebugger) return window.oauthDebugger;
  return createHttpBridge({ token: takeTokenFromLocation() });
}
