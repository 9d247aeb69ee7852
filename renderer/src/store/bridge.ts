import type { DebuggerBridge } from '../../../shared/api/contract.js';

/** The connected host adapter (Electron preload, web-host client or fake). Set once by boot(). */
let current: DebuggerBridge | null = null;
let unsubscribers: (() => void)[] = [];

export function setBridge(bridge: DebuggerBridge | null): void {
  for (const u of unsubscribers) u();
  unsubscribers = [];
  current = bridge;
}

export function addSubscription(unsubscribe: () => void): void {
  unsubscribers.push(unsubscribe);
}

export function api(): DebuggerBridge {
  if (!current) throw new Error('The debugger engine is not connected yet.');
  return current;
}
