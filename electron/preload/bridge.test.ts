import { describe, expect, it, vi } from 'vitest';
import {
  API_METHODS,
  EVENT_NAMES,
  eventChannel,
  invokeChannel,
  type DebuggerBridge,
} from '../../shared/api/contract.js';
import { createPreloadDouble } from '../testing/electron-double.js';
import { BRIDGE_KEY, exposeBridge } from './bridge.js';

// The preload entry loads 'electron': here it gets the double (the real module is never loaded).
const preloadElectron = vi.hoisted(() => ({ current: undefined as unknown }));
vi.mock('electron', () => ({
  get contextBridge() {
    return (preloadElectron.current as ReturnType<typeof createPreloadDouble>).contextBridge;
  },
  get ipcRenderer() {
    return (preloadElectron.current as ReturnType<typeof createPreloadDouble>).ipcRenderer;
  },
}));

function exposed() {
  const double = createPreloadDouble();
  exposeBridge(double);
  return { double, bridge: double.exposed.get(BRIDGE_KEY) as DebuggerBridge };
}

describe('the preload', () => {
  it('exposes exactly the contract through contextBridge: one function per method and on, nothing else', () => {
    const { double, bridge } = exposed();
    expect([...double.exposed.keys()]).toEqual(['oauthDebugger']);
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS, 'on'].sort());
    for (const [k, v] of Object.entries(bridge)) expect([k, typeof v]).toEqual([k, 'function']);
    // Never ipcRenderer or any of its methods.
    for (const leak of [
      'ipcRenderer',
      'invoke',
      'send',
      'sendSync',
      'postMessage',
      'removeListener',
    ])
      expect(bridge).not.toHaveProperty(leak);
    expect(Object.values(bridge)).not.toContain(double.ipcRenderer);
  });

  it('each method invokes its own contract channel with the arguments, and nothing more', async () => {
    const { double, bridge } = exposed();
    for (const m of API_METHODS) {
      const fn = bridge[m] as (...a: unknown[]) => Promise<unknown>;
      expect(await fn({ a: 1 }, 'b')).toEqual({ ok: true, value: { channel: invokeChannel(m) } });
    }
    expect(double.invoked).toEqual(
      API_METHODS.map((m) => ({ channel: invokeChannel(m), args: [{ a: 1 }, 'b'] })),
    );
  });

  it('on subscribes to contract events only and hands the listener the payload, not the IPC event', () => {
    const { double, bridge } = exposed();
    for (const e of EVENT_NAMES) {
      const got: unknown[] = [];
      const off = bridge.on(e, (p) => got.push(p));
      double.emitFromMain(eventChannel(e), { n: 1 });
      expect(got).toEqual([{ n: 1 }]);
      off();
      expect(double.listenerCount(eventChannel(e))).toBe(0);
      double.emitFromMain(eventChannel(e), { n: 2 });
      expect(got).toEqual([{ n: 1 }]);
    }
    for (const bad of ['api:revealSecret', 'event:exchanges', '__proto__', 'constructor'])
      expect(() => bridge.on(bad as never, () => {})).toThrow(/Unknown event/);
    expect(double.listenerCount('api:revealSecret')).toBe(0);
  });

  it('the preload entry (index.ts) exposes the bridge at load, with the Electron it imports', async () => {
    const double = createPreloadDouble();
    preloadElectron.current = double;
    await import('./index.js');
    expect(Object.keys(double.exposed.get(BRIDGE_KEY) as object).sort()).toEqual(
      [...API_METHODS, 'on'].sort(),
    );
  });
});
