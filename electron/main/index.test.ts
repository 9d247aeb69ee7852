/**
 * index.ts is the one main-process module that loads Electron and electron-store: here both are
 * replaced (vi.mock, the real modules are never loaded) to check it hands them to the shell.
 */
import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, invokeChannel } from '../../shared/api/contract.js';
import { createElectronDouble } from '../testing/electron-double.js';

const h = vi.hoisted(() => ({
  double: undefined as unknown,
  storeOptions: [] as unknown[],
}));

vi.mock('electron', () => (h.double as ReturnType<typeof createElectronDouble>).electron);
vi.mock('electron-store', () => ({
  default: class {
    private data = new Map<string, unknown>();
    constructor(options: unknown) {
      h.storeOptions.push(options);
    }
    get(k: string) {
      return this.data.get(k);
    }
    set(k: string, v: unknown) {
      this.data.set(k, v);
    }
    delete(k: string) {
      this.data.delete(k);
    }
  },
}));

describe('electron/main/index.ts', () => {
  it('starts the hardened shell on the Electron it imports, with electron-store in 0600 and no silent reset', async () => {
    const double = createElectronDouble();
    h.double = double;
    await import('./index.js');
    await vi.waitFor(() => expect(double.windows).toHaveLength(1));
    expect(double.app.sandboxEnabled).toBe(true);
    expect([...double.ipcHandlers.keys()].sort()).toEqual(API_METHODS.map(invokeChannel).sort());
    expect(double.protocolHandlers.has('app')).toBe(true);
    expect(double.requestPermission('notifications')).toBe(false);
    expect(double.windows[0]!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(h.storeOptions).toEqual([{ clearInvalidConfig: false, configFileMode: 0o600 }]);
  });
});
