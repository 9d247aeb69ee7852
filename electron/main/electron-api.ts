import type {
  App,
  BrowserWindowConstructorOptions,
  Dialog,
  Event,
  IpcMain,
  Protocol,
  SafeStorage,
  Session,
  Shell,
  WebContents,
  WebContentsWillNavigateEventParams,
  WebPreferences,
} from 'electron';

/**
 * The part of Electron the main process uses, passed in by index.ts (the only file that imports
 * 'electron' at runtime) so that tests drive the shell with a double
 * (electron/testing/electron-double.ts). Every member is taken from Electron's own types: index.ts
 * passes the real module, so a change in Electron's API fails `tsc -b` here, not at run time.
 */
export interface ElectronApi {
  app: AppApi;
  BrowserWindow: BrowserWindowApi;
  ipcMain: Pick<IpcMain, 'handle'>;
  protocol: ProtocolApi;
  session: { readonly defaultSession: SessionApi };
  shell: ShellApi;
  safeStorage: SafeStorageApi;
  /** The Inspector's "Open a large HAR file…" (har-dialog.ts), profile files (profile-dialog.ts); absent: no dialog. */
  dialog?: DialogApi;
}

export type DialogApi = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;
export type ShellApi = Pick<Shell, 'openExternal'>;
export type ProtocolApi = Pick<Protocol, 'handle' | 'registerSchemesAsPrivileged'>;
export type SessionApi = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
export type SafeStorageApi = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
>;

/** The app events the shell listens to (the overloads of App['on'] it uses). */
export interface AppApi extends Pick<
  App,
  | 'requestSingleInstanceLock'
  | 'quit'
  | 'setAsDefaultProtocolClient'
  | 'enableSandbox'
  | 'whenReady'
  | 'getPath'
> {
  on(event: 'open-url', listener: (event: Event, url: string) => void): unknown;
  on(
    event: 'second-instance',
    listener: (event: Event, argv: string[], workingDirectory: string) => void,
  ): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: (event: Event, hasVisibleWindows: boolean) => void): unknown;
}

/** What the shell does with a window's web contents. */
export interface WebContentsApi extends Pick<WebContents, 'setWindowOpenHandler' | 'send'> {
  on(
    event: 'will-navigate',
    listener: (details: Event<WebContentsWillNavigateEventParams>, url: string) => void,
  ): unknown;
  on(
    event: 'will-attach-webview',
    listener: (
      event: Event,
      webPreferences: WebPreferences,
      params: Record<string, string>,
    ) => void,
  ): unknown;
}

/** What the shell does with a window. */
export interface WindowApi {
  readonly webContents: WebContentsApi;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  loadURL(url: string): Promise<void>;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}

/** The BrowserWindow class, as the shell uses it. */
export interface BrowserWindowApi {
  new (options: BrowserWindowConstructorOptions): WindowApi;
  getAllWindows(): WindowApi[];
  fromWebContents(webContents: WebContents): WindowApi | null;
}
