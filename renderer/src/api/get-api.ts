import type { DebuggerBridge } from '../../../shared/api/contract.js';
import { createHttpBridge, hashHasToken, takeTokenFromLocation } from './http-client.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload script (contextBridge). */
    oauthDebugger?: DebuggerBridge;
  }
}

/** The Electron preload bridge when present, else the web-host HTTP client. */
export function getApi(): DebuggerBridge {
  if (window.oauthDebugger) return window.oauthDebugger;
  // Opening the printed link again in this tab only changes the fragment (no new page load):
  // store its token and start over with it.
  window.addEventListener('hashchange', () => {
    if (!hashHasToken(window.location.hash)) return;
    takeTokenFromLocation();
    window.location.reload();
  });
  return createHttpBridge({ token: takeTokenFromLocation() });
}
