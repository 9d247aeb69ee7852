/**
 * Contract tests of the Electron main process, driven through a typed double of Electron
 * (electron/testing/electron-double.ts) because the Electron binary cannot run here. The whole
 * shell is started with createMainProcess, exactly as index.ts starts it with the real module.
 * Cases are named after SECURITY.md section 7 where they apply.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, invokeChannel, type DebuggerApi } from '../../shared/api/contract.js';
import { CSP } from '../../shared/api/csp.js';
import type { Result } from '../../shared/result.js';
import type { KeyValueStore, TimelinePort } from '../core/ports.js';
import {
  createElectronDouble,
  FakeWebContents,
  type SafeStorageSetup,
} from '../testing/electron-double.js';
import type { ElectronApi } from './electron-api.js';
import { registerApiHandlers } from './ipc.js';
import { createMainProcess } from './main-process.js';

const APP_FRAME = 'app://renderer/index.html';

function memoryStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: (k) => structuredClone(data.get(k)),
    set: (k, v) => void data.set(k, structuredClone(v)),
    delete: (k) => void data.delete(k),
  };
}

/** out/ with a renderer (index.html, a script) and a file beside it that must stay unreachable. */
function outDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'ofd-shell-'));
  mkdirSync(join(root, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer');
  return root;
}

/** The shell started on the double, as index.ts starts it on Electron. */
async function startShell(
  setup: {
    safeStorage?: SafeStorageSetup;
    singleInstance?: boolean;
    timeline?: TimelinePort;
  } = {},
) {
  const double = createElectronDouble(setup);
  const store = memoryStore();
  // The assignment checks the double against the shell's view of Electron (electron-api.ts).
  const electron: ElectronApi = double.electron;
  const out = outDir();
  const shell = createMainProcess(electron, {
    outDir: out,
    openStore: () => ({
      store,
      quarantined: [],
      ...(setup.timeline ? { timeline: setup.timeline } : {}),
    }),
    platform: 'linux',
  });
  const engine = await shell.ready;
  const win = double.windows[0];
  const call = (method: string, ...args: unknown[]) =>
    double.invoke(
      invokeChannel(method as never),
      { sender: win!.webContents, frameUrl: APP_FRAME },
      ...args,
    ) as Promise<Result<unknown>>;
  return { double, store, engine, win, out, call };
}

describe('saved runs in the desktop app', () => {
  it('the engine saves the timeline through the timeline port the store opener gives', async () => {
    const saved: { exchanges: { step: string }[] }[] = [];
    const timeline: TimelinePort = {
      load: () => ({}),
      save: async (data) => void saved.push(data as (typeof saved)[number]),
    };
    const { call } = await startShell({ timeline });
    // Nothing listens on port 9: a failed request is recorded (and saved) all the same.
    await call('discover', { fhirBaseUrl: 'http://127.0.0.1:9/fhir' });
    await vi.waitFor(() => expect(saved.at(-1)?.exchanges.length).toBeGreaterThan(0));
    expect(saved.at(-1)!.exchanges[0]!.step).toMatch(/Discovery/);
  });
});

describe('the main window', () => {
  it('sec-19 is created with contextIsolation, sandbox, no Node integration, no webview tag, no auxclick', async () => {
    const { double, win } = await startShell();
    expect(double.windows).toHaveLength(1);
    const prefs = win!.options.webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
    // Nothing that loosens the defaults.
    for (const key of [
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'webSecurity',
      'allowRunningInsecureContent',
      'experimentalFeatures',
      'enableBlinkFeatures',
    ])
      expect(prefs, key).not.toHaveProperty(key);
    expect(prefs.preload).toMatch(/preload[\\/]index\.cjs$/);
    expect(double.app.sandboxEnabled).toBe(true);
    // The renderer is loaded from app://, never file://, and shown only once ready.
    expect(win!.loaded).toEqual(['app://renderer/index.html']);
    expect(win!.shown).toBe(false);
    win!.emit('ready-to-show');
    expect(win!.shown).toBe(true);
  });

  it('sec-19 window.open, navigation, webview and permission requests are denied', async () => {
    const { double, win } = await startShell();
    const wc = win!.webContents;

    // window.open: denied; an https link goes to the system browser, anything else nowhere.
    expect(wc.windowOpen('https://example.com/docs')).toEqual({ action: 'deny' });
    expect(wc.windowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(wc.windowOpen('app://renderer/index.html')).toEqual({ action: 'deny' });

    // location = 'https://evil' and every other origin: prevented.
    expect(wc.navigate('https://evil.example/')).toBe(true);
    expect(wc.navigate('file:///etc/passwd')).toBe(true);
    expect(wc.navigate('app://evil/index.html')).toBe(true);
    expect(wc.navigate('javascript:alert(1)')).toBe(true);
    expect(wc.navigate('not a url')).toBe(true);
    // The app's own pages may load (a reload).
    expect(wc.navigate('app://renderer/index.html')).toBe(false);

    // <webview> injection.
    expect(wc.attachWebview('https://evil.example/')).toBe(true);

    // Permissions: every request and check is refused.
    for (const p of ['notifications', 'media', 'geolocation', 'openExternal', 'clipboard-read'])
      expect([p, double.requestPermission(p)]).toEqual([p, false]);
    for (const p of ['notifications', 'media', 'serial', 'usb'])
      expect([p, double.checkPermission(p)]).toEqual([p, false]);

    await new Promise((r) => setImmediate(r));
    expect(double.opened).toEqual(['https://example.com/docs', 'https://evil.example/']);
  });

  it('a second instance quits at once and leaves the scheme to the first', async () => {
    const { double, engine } = await startShell({ singleInstance: false });
    expect(engine).toBeUndefined();
    expect(double.app.quitCalls).toBe(1);
    expect(double.windows).toHaveLength(0);
    expect(double.ipcHandlers.size).toBe(0);
  });

  it('registers the oauth-flow-debugger scheme and opens a window on activate when none is left', async () => {
    const { double } = await startShell();
    expect(double.app.protocolClients.map((c) => c[0])).toEqual(['oauth-flow-debugger']);
    double.windows.splice(0);
    double.app.emit('activate', {}, false);
    expect(double.windows).toHaveLength(1);
    expect(double.windows[0]!.options.webPreferences).toMatchObject({ sandbox: true });
  });
  it('hands only oauth-flow-debugger://callback URLs from open-url and second-instance to the engine', async () => {
    const { double, engine } = await startShell();
    const delivered: string[] = [];
    vi.spyOn(engine!, 'completeAuthorizationFromRedirect').mockImplementation(async (url) => {
      delivered.push(url);
      return { ok: true, value: undefined as never };
    });
    const openUrl = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    double.app.emit('open-url', openUrl, 'oauth-flow-debugger://callback?code=c1&state=s1');
    expect(openUrl.defaultPrevented).toBe(true);
    double.app.emit('open-url', openUrl, 'oauth-flow-debugger://settings?x=1');
    double.app.emit('open-url', openUrl, 'https://evil.example/callback?code=c2');
    double.app.emit(
      'second-instance',
      {},
      ['/usr/bin/app', 'oauth-flow-debugger://callback?code=c3'],
      '/',
    );
    double.app.emit(
      'second-instance',
      {},
      ['/usr/bin/app', '--inspect', 'file:///etc/passwd'],
      '/',
    );
    expect(delivered).toEqual([
      'oauth-flow-debugger://callback?code=c1&state=s1',
      'oauth-flow-debugger://callback?code=c3',
    ]);
  });
});

describe('the app:// protocol', () => {
  it('is privileged as standard and secure before ready, and serves the renderer with the CSP header', async () => {
    const { double } = await startShell();
    expect(double.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    const index = await double.fetchApp('app://renderer/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CSP);
    expect(index.headers.get('content-type')).toBe('text/html');
    expect(await index.text()).toContain('<title>app</title>');
    const js = await double.fetchApp('app://renderer/assets/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript');
    expect(js.headers.get('content-security-policy')).toBe(CSP);
  });

  it('refuses path traversal, plain and percent-encoded, and other hosts', async () => {
    const { double } = await startShell();
    const refused = [
      'app://x/../../etc/passwd',
      'app://renderer/../secret.txt',
      'app://renderer/%2e%2e/secret.txt',
      'app://renderer/..%2fsecret.txt',
      'app://renderer/%2e%2e%2fsecret.txt',
      'app://renderer/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://renderer/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://evil/index.html',
      'app://renderer/missing.html',
    ];
    for (const url of refused) {
      const r = await double.fetchApp(url);
      expect([url, r.status]).toEqual([
        url,
        expect.toSatisfy((s: number) => s === 403 || s === 404),
      ]);
      expect(await r.text()).not.toContain('outside the renderer');
    }
    // The encoded escapes out of the renderer folder are refused as such, not merely missing.
    expect((await double.fetchApp('app://renderer/..%2fsecret.txt')).status).toBe(403);
    expect((await double.fetchApp('app://renderer/%2e%2e%2f%2e%2e%2fetc%2fpasswd')).status).toBe(
      403,
    );
  });
});

describe('IPC', () => {
  it('registers a handler for exactly the contract methods', async () => {
    const { double } = await startShell();
    expect([...double.ipcHandlers.keys()].sort()).toEqual(API_METHODS.map(invokeChannel).sort());
  });

  it('sec-20 refuses calls from untrusted frames and windows that are not the app', async () => {
    const { double, win } = await startShell();
    const channel = invokeChannel('listProfiles');
    const forbidden = { ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) };
    for (const frameUrl of [
      'https://evil.example/',
      'file:///tmp/index.html',
      'app://evil/index.html',
      'app://renderer.evil.example/index.html',
      'http://renderer/index.html',
      'about:blank',
      '',
      null,
    ])
      expect([
        frameUrl,
        await double.invoke(channel, { sender: win!.webContents, frameUrl }),
      ]).toEqual([frameUrl, forbidden]);
    // The right frame URL from a webContents that is none of the app's windows.
    const other = new FakeWebContents();
    expect(await double.invoke(channel, { sender: other, frameUrl: APP_FRAME })).toEqual(forbidden);
    // And the app's own frame is served.
    expect(await double.invoke(channel, { sender: win!.webContents, frameUrl: APP_FRAME })).toEqual(
      {
        ok: true,
        value: [],
      },
    );
  });

  it('sec-20 rejects an unknown channel, polluting keys, 10 MB strings and wrong types; nothing throws', async () => {
    const { double, call, win } = await startShell();
    // No handler exists for a channel outside the contract: Electron rejects the invoke itself.
    await expect(
      double.invoke('api:getSecretValue', { sender: win!.webContents, frameUrl: APP_FRAME }),
    ).rejects.toThrow(/No handler registered/);
    // The one reveal in the contract is an explicit user action over held tokens and the last
    // assertion: a stored client secret or private key is not a kind it accepts.
    expect([...double.ipcHandlers.keys()].filter((c) => /secret/i.test(c)).sort()).toEqual(
      [invokeChannel('keepSecretsForSession'), invokeChannel('revealSecret')].sort(),
    );
    for (const kind of ['client_secret', 'clientSecret', 'private_key', 'password', '__proto__'])
      expect([kind, await call('revealSecret', { kind })]).toEqual([
        kind,
        { ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) },
      ]);

    const invalid = { ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) };
    const huge = 'x'.repeat(10 * 1024 * 1024);
    expect(await call('importProfile', huge)).toEqual(invalid);
    expect(await call('importKey', { text: huge })).toEqual(invalid);
    expect(await call('saveProfile', { name: huge, auth: { method: 'none' } })).toEqual(invalid);
    expect(await call('deleteProfile', 42)).toEqual(invalid);
    expect(await call('deleteProfile', { toString: 'x' })).toEqual(invalid);
    expect(await call('saveProfile', 'not an object')).toEqual(invalid);
    expect(await call('saveProfile', null)).toEqual(invalid);
    expect(await call('generateKey', { kind: 'RSA-512', alg: 'RS256' })).toEqual(invalid);
    expect(await call('exportJwks', 'k1')).toEqual(invalid);

    // __proto__ / constructor keys (as JSON.parse makes them: own properties) never reach a prototype.
    const polluting = JSON.parse(
      '{"name":"p","auth":{"method":"none","__proto__":{"polluted":1}},"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
    ) as unknown;
    const saved = await call('saveProfile', polluting);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    if (saved.ok) {
      expect(Object.keys(saved.value as object)).not.toContain('__proto__');
      expect(JSON.stringify(saved.value)).not.toContain('polluted');
    } else expect(saved).toEqual(invalid);
    expect(await call('saveProfile', JSON.parse('{"__proto__":{"name":"p"}}'))).toEqual(invalid);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('sec-20 no handler ever throws, whatever the arguments (fast-check over every method)', async () => {
    // A recording engine: the arguments that pass the schema reach it, nothing else does.
    const reached: string[] = [];
    const api = Object.fromEntries(
      API_METHODS.map((m) => [
        m,
        async () => {
          reached.push(m);
          return { ok: true, value: null };
        },
      ]),
    ) as unknown as DebuggerApi;
    const double = createElectronDouble();
    const win = new double.electron.BrowserWindow({});
    registerApiHandlers(api, {
      ipcMain: double.electron.ipcMain,
      isOwnWindow: (sender) => double.electron.BrowserWindow.fromWebContents(sender) !== null,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...API_METHODS),
        fc.array(fc.anything({ withObjectString: true, withNullPrototype: true }), {
          maxLength: 3,
        }),
        fc.constantFrom<string | null>(APP_FRAME, 'https://evil.example/', null),
        async (method, args, frameUrl) => {
          const r = (await double.invoke(
            invokeChannel(method),
            { sender: win.webContents, frameUrl },
            ...args,
          )) as Result<unknown>;
          expect(typeof r.ok).toBe('boolean');
          if (frameUrl !== APP_FRAME)
            expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
          if (!r.ok) expect(typeof r.error.code).toBe('string');
        },
      ),
      { numRuns: 500 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('sec-20 no handler returns a raw secret: client secrets and private keys stay in main', async () => {
    const { call, store } = await startShell();
    const canary = 'canary-client-secret-7f3a9c';
    const profile = (await call('saveProfile', {
      name: 'secret holder',
      clientId: 'c1',
      tokenEndpoint: 'https://as.example.com/token',
      auth: { method: 'client_secret_basic', clientSecret: canary },
    })) as Result<{ id: string; auth: { hasClientSecret: boolean } }>;
    expect(profile.ok).toBe(true);
    if (!profile.ok) return;
    expect(profile.value.auth.hasClientSecret).toBe(true);
    const key = (await call('generateKey', {
      kind: 'EC-P-256',
      alg: 'ES256',
      kid: 'k1',
    })) as Result<{
      id: string;
    }>;
    expect(key.ok).toBe(true);
    if (!key.ok) return;

    const answers = [
      profile,
      key,
      await call('listProfiles'),
      await call('exportProfile', profile.value.id),
      await call('getStorageInfo'),
      await call('listKeys'),
      await call('exportJwks', [key.value.id]),
      await call('buildAssertion', { profileId: profile.value.id }),
    ];
    const text = JSON.stringify(answers);
    expect(text).not.toContain(canary);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toMatch(/"d":"/);
    // safeStorage is available here: the secret is persisted encrypted, never as plaintext.
    expect(JSON.stringify([...store.data])).not.toContain(canary);
  });
});
