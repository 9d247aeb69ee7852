/**
 * A double of the part of Electron the shell uses (electron/main/electron-api.ts, the preload's
 * PreloadElectronApi), for tests where the Electron binary cannot run. It is typed by those
 * interfaces, which are taken from Electron's own declarations (`import type … from 'electron'`):
 * when Electron's API changes, `tsc -b` fails here and in index.ts, so the double cannot drift.
 * It records what the shell registered and lets a test play the part of Chromium: navigate, open
 * a window, attach a webview, ask for a permission, fetch an app:// URL, invoke an IPC channel.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  BrowserWindowConstructorOptions,
  ContextBridge,
  CustomScheme,
  Dialog,
  HandlerDetails,
  IpcMain,
  IpcMainInvokeEvent,
  IpcRenderer,
  IpcRendererEvent,
  OpenDialogOptions,
  SaveDialogOptions,
  Protocol,
  SafeStorage,
  Session,
  Shell,
  WebContents,
  WindowOpenHandlerResponse,
} from 'electron';

// The members the shell uses, from Electron's declarations. (This file may not import
// electron/main: the e2e project compiles electron/testing; the tests that pass the double to
// createMainProcess check it against electron/main/electron-api.ts.)
type SafeStorageApi = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
>;
type SessionApi = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
type WebContentsApi = Pick<WebContents, 'setWindowOpenHandler' | 'send'>;

/** An Electron event whose default a listener may prevent. */
export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type OpenHandler = (details: HandlerDetails) => WindowOpenHandlerResponse;

export class FakeWebContents extends EventEmitter implements WebContentsApi {
  openHandler: OpenHandler | undefined;
  readonly sent: { channel: string; payload: unknown }[] = [];

  setWindowOpenHandler(handler: OpenHandler): void {
    this.openHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, payload: args[0] });
  }
  /** What Chromium does before navigating: true when a listener prevented it. */
  navigate(url: string): boolean {
    const e = fakeEvent();
    this.emit('will-navigate', e, url, false, true);
    return e.defaultPrevented;
  }
  /** window.open(url) from the page: the open handler's answer (Electron allows when none is set). */
  windowOpen(url: string): WindowOpenHandlerResponse {
    const details: HandlerDetails = {
      url,
      frameName: '',
      features: '',
      disposition: 'new-window',
      referrer: { url: 'app://renderer/index.html', policy: 'strict-origin-when-cross-origin' },
    };
    return this.openHandler ? this.openHandler(details) : { action: 'allow' };
  }
  /** A <webview> about to be attached: true when a listener prevented it. */
  attachWebview(src: string): boolean {
    const e = fakeEvent();
    this.emit('will-attach-webview', e, { nodeIntegration: true }, { src });
    return e.defaultPrevented;
  }
  /** This contents as Electron's type, for the IPC event's `sender`. */
  asWebContents(): WebContents {
    return this as unknown as WebContents;
  }
}

export interface FakeWindow {
  show(): void;
  loadURL(url: string): Promise<void>;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents: FakeWebContents;
  readonly loaded: string[];
  shown: boolean;
  emit(event: string, ...args: unknown[]): boolean;
}

/** safeStorage as the test sets it up. */
export interface SafeStorageSetup {
  available?: boolean;
  backend?: ReturnType<SafeStorageApi['getSelectedStorageBackend']>;
  /** decryptString throws (another machine, a rotated key). */
  decryptThrows?: boolean;
}

/** A reversible stand-in for OS encryption: the plaintext never appears in what it returns. */
export function fakeEncrypt(plain: string): Buffer {
  return Buffer.from(`enc:${Buffer.from(plain, 'utf8').toString('hex')}`, 'utf8');
}

export function fakeSafeStorage(setup: SafeStorageSetup = {}): SafeStorageApi & {
  encrypted: string[];
} {
  const encrypted: string[] = [];
  return {
    encrypted,
    isEncryptionAvailable: () => setup.available ?? true,
    getSelectedStorageBackend: () => setup.backend ?? 'gnome_libsecret',
    encryptString(plain) {
      encrypted.push(plain);
      return fakeEncrypt(plain);
    },
    decryptString(buf) {
      if (setup.decryptThrows) throw new Error('Error while decrypting the ciphertext provided');
      const s = buf.toString('utf8');
      if (!s.startsWith('enc:')) throw new Error('Not encrypted by this machine');
      return Buffer.from(s.slice(4), 'hex').toString('utf8');
    },
  };
}

/** The double of Electron's app (an EventEmitter, as Electron's is). */
export class FakeApp extends EventEmitter {
  sandboxEnabled = false;
  quitCalls = 0;
  protocolClients: unknown[][] = [];
  constructor(
    public singleInstance: boolean,
    private readonly userData: string,
  ) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  quit(): void {
    this.quitCalls++;
  }
  setAsDefaultProtocolClient(...args: unknown[]): boolean {
    this.protocolClients.push(args);
    return true;
  }
  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(): string {
    return this.userData;
  }
}

/** The double of the BrowserWindow class, bound to one double's list of windows. */
export interface FakeBrowserWindowClass {
  new (options: BrowserWindowConstructorOptions): FakeWindow;
  getAllWindows(): FakeWindow[];
  fromWebContents(wc: WebContents): FakeWindow | null;
}

/** What createMainProcess takes (checked against ElectronApi where the tests pass it). */
export interface DoubleElectron {
  app: FakeApp;
  BrowserWindow: FakeBrowserWindowClass;
  ipcMain: Pick<IpcMain, 'handle'>;
  protocol: Pick<Protocol, 'handle' | 'registerSchemesAsPrivileged'>;
  session: { readonly defaultSession: SessionApi };
  shell: Pick<Shell, 'openExternal'>;
  safeStorage: SafeStorageApi;
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;
}

export interface ElectronDouble {
  /** What createMainProcess takes. */
  electron: DoubleElectron;
  windows: FakeWindow[];
  /** ipcMain.handle registrations, by channel. */
  ipcHandlers: Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>;
  /** Electron's answer to ipcRenderer.invoke on `channel` from a frame at `frameUrl` of `sender`. */
  invoke(
    channel: string,
    from: { sender: FakeWebContents | WebContents; frameUrl: string | null },
    ...args: unknown[]
  ): Promise<unknown>;
  protocolHandlers: Map<string, (request: Request) => Response | Promise<Response>>;
  privilegedSchemes: CustomScheme[];
  /** What the app:// handler answers for this URL. */
  fetchApp(url: string): Promise<Response>;
  /** The permission request handler's answer (undefined: no handler, Electron grants). */
  requestPermission(permission: string): boolean | undefined;
  /** The permission check handler's answer (undefined: no handler). */
  checkPermission(permission: string): boolean | undefined;
  opened: string[];
  app: FakeApp;
  safeStorage: ReturnType<typeof fakeSafeStorage>;
  /**
   * What the file dialog answers next (a path, or null: the user cancelled), and the dialogs
   * shown (their options).
   */
  dialog: { answers: (string | null)[]; shown: (OpenDialogOptions | SaveDialogOptions)[] };
}

export function createElectronDouble(
  setup: { safeStorage?: SafeStorageSetup; singleInstance?: boolean } = {},
): ElectronDouble {
  const windows: FakeWindow[] = [];
  const ipcHandlers: ElectronDouble['ipcHandlers'] = new Map();
  const protocolHandlers: ElectronDouble['protocolHandlers'] = new Map();
  const privilegedSchemes: CustomScheme[] = [];
  const opened: string[] = [];
  const userData = mkdtempSync(join(tmpdir(), 'ofd-electron-double-'));
  let requestHandler: Parameters<SessionApi['setPermissionRequestHandler']>[0] = null;
  let checkHandler: Parameters<SessionApi['setPermissionCheckHandler']>[0] = null;

  class Window extends EventEmitter implements FakeWindow {
    readonly webContents = new FakeWebContents();
    readonly loaded: string[] = [];
    shown = false;
    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      windows.push(this);
    }
    show(): void {
      this.shown = true;
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {}
    static getAllWindows(): FakeWindow[] {
      return [...windows];
    }
    static fromWebContents(wc: WebContents): FakeWindow | null {
      return windows.find((w) => (w.webContents as unknown) === wc) ?? null;
    }
  }
  const app = new FakeApp(setup.singleInstance ?? true, userData);

  const protocol: DoubleElectron['protocol'] = {
    registerSchemesAsPrivileged: (schemes) => void privilegedSchemes.push(...schemes),
    handle: (scheme, handler) => void protocolHandlers.set(scheme, handler),
  };
  const defaultSession: SessionApi = {
    setPermissionRequestHandler: (h) => void (requestHandler = h),
    setPermissionCheckHandler: (h) => void (checkHandler = h),
  };
  const shell: DoubleElectron['shell'] = {
    openExternal: async (url) => void opened.push(url),
  };
  const safeStorage = fakeSafeStorage(setup.safeStorage);
  const dialogState: ElectronDouble['dialog'] = { answers: [], shown: [] };
  const dialog: DoubleElectron['dialog'] = {
    showOpenDialog: async (...args: unknown[]) => {
      dialogState.shown.push(args[args.length - 1] as OpenDialogOptions);
      const path = dialogState.answers.shift() ?? null;
      return { canceled: path === null, filePaths: path === null ? [] : [path] };
    },
    showSaveDialog: async (...args: unknown[]) => {
      dialogState.shown.push(args[args.length - 1] as SaveDialogOptions);
      const path = dialogState.answers.shift() ?? null;
      return { canceled: path === null, filePath: path ?? '' };
    },
  };

  const electron: DoubleElectron = {
    app,
    BrowserWindow: Window,
    ipcMain: {
      handle(channel, listener) {
        // Electron refuses a second handler on one channel.
        if (ipcHandlers.has(channel))
          throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcHandlers.set(channel, listener);
      },
    },
    protocol,
    session: { defaultSession },
    shell,
    safeStorage,
    dialog,
  };

  return {
    electron,
    windows,
    ipcHandlers,
    async invoke(channel, from, ...args) {
      const handler = ipcHandlers.get(channel);
      // What ipcRenderer.invoke rejects with when main has no handler for the channel.
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const event = {
        sender: from.sender,
        senderFrame: from.frameUrl === null ? null : { url: from.frameUrl },
      } as unknown as IpcMainInvokeEvent;
      return handler(event, ...args);
    },
    protocolHandlers,
    privilegedSchemes,
    async fetchApp(url) {
      const handler = protocolHandlers.get(new URL(url).protocol.slice(0, -1));
      if (!handler) throw new Error(`No protocol handler for ${url}`);
      return handler(new Request(url));
    },
    requestPermission(permission) {
      if (!requestHandler) return undefined;
      let granted: boolean | undefined;
      const wc = (windows[0]?.webContents ?? new FakeWebContents()).asWebContents();
      requestHandler(wc, permission as never, (g) => (granted = g), {
        requestingUrl: 'app://renderer/index.html',
        isMainFrame: true,
      } as never);
      return granted;
    },
    checkPermission(permission) {
      if (!checkHandler) return undefined;
      return checkHandler(null, permission as never, 'app://renderer', {
        isMainFrame: true,
        requestingUrl: 'app://renderer/index.html',
      } as never);
    },
    opened,
    app,
    safeStorage,
    dialog: dialogState,
  };
}

/** The preload's Electron: records what it exposed and what it invoked. */
export function createPreloadDouble(): {
  contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>;
  ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;
  exposed: Map<string, unknown>;
  invoked: { channel: string; args: unknown[] }[];
  /** Main sending an event to the page. */
  emitFromMain(channel: string, payload: unknown): void;
  listenerCount(channel: string): number;
} {
  const exposed = new Map<string, unknown>();
  const invoked: { channel: string; args: unknown[] }[] = [];
  const emitter = new EventEmitter();
  return {
    exposed,
    invoked,
    contextBridge: {
      exposeInMainWorld: (key, api) => void exposed.set(key, api),
    },
    ipcRenderer: {
      invoke: async (channel, ...args) => {
        invoked.push({ channel, args });
        return { ok: true, value: { channel } };
      },
      on(channel, listener) {
        emitter.on(channel, listener);
        return this as never;
      },
      removeListener(channel, listener) {
        emitter.removeListener(channel, listener);
        return this as never;
      },
    },
    emitFromMain: (channel, payload) => void emitter.emit(channel, {} as IpcRendererEvent, payload),
    listenerCount: (channel) => emitter.listenerCount(channel),
  };
}
