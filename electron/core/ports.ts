import type { EventName, DebuggerEvents } from '../../shared/api/contract.js';
import type { WorkspaceView } from '../../shared/types.js';
import type { PracticeFlavour } from '../../shared/types.js';
import type { PracticeServer } from '../practice/practice-server.js';

/** Non-secret persistent data (profiles, key metadata). */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** What a secret reference holds: a value, nothing, one that cannot be decrypted, or locked away. */
export type SecretState = 'ok' | 'missing' | 'unreadable' | 'locked';

/** Secret values (client secrets, private keys). Fails closed: never a plaintext fallback. */
export interface SecretStore {
  readonly info: { backend: string; persisted: boolean; warning?: string };
  get(ref: string): Promise<string | undefined>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
  /**
   * Tells a missing secret from one that is stored but cannot be decrypted ("needs re-entry").
   * Stores without it are read with get: a value is 'ok', no value 'missing'.
   */
  check?(ref: string): Promise<SecretState>;
}

/**
 * A workspace whose secrets the user protects with a passphrase (web host, CLI). The desktop app
 * has none: safeStorage protects its secrets.
 */
export interface WorkspaceControl {
  view(): Promise<WorkspaceView>;
  /** Opens the secrets with the passphrase (PASSPHRASE_WRONG and nothing changed when wrong). */
  unlock(passphrase: string): Promise<void>;
  /** Encrypts the secrets with this passphrase from now on (first time, or a new passphrase). */
  protect(passphrase: string): Promise<void>;
  /** An explicit choice: secrets in memory only, not asked again. */
  keepForSession(): Promise<void>;
  /** "Forgot the passphrase": keeps the old file aside, drops the secrets it cannot open. */
  startNew(): Promise<{ keptAside?: string }>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Timers (authorize timeouts, auto-refresh, device polling) so tests can run them without waiting. */
export interface Timer {
  /** Calls fn once after ms; returns a handle for cancel. */
  after(ms: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
}
export type TimerHandle = { readonly id: unknown };

export interface EventSink {
  emit<E extends EventName>(event: E, payload: DebuggerEvents[E]): void;
}

/** File access the engine needs (reading a PEM, writing an exported key). */
export interface FilePort {
  readText(path: string): Promise<string>;
  /** Writes with mode 0600; an existing file is left untouched (FILE_EXISTS) unless overwrite. */
  writePrivate(path: string, text: string, opts?: { overwrite?: boolean }): Promise<void>;
}

/**
 * The saved timeline (issue 12 saved runs): its own file beside the store, since the store file is
 * rewritten on every profile save. Absent: the timeline lives for the session only (ephemeral).
 */
export interface TimelinePort {
  /**
   * The saved data, checked by `problem` (a reason when it is not a timeline). A file that does not
   * parse or has a problem is moved aside, never lost: `keptAside` names it, and data is absent.
   */
  load(problem: (data: unknown) => string | undefined): {
    data?: unknown;
    keptAside?: string;
    reason?: string;
  };
  /** Replaces the saved data (atomic, 0600). */
  save(data: unknown): Promise<void>;
}

export interface Ports {
  store: KeyValueStore;
  secrets: SecretStore;
  clock: Clock;
  /** Defaults to systemTimer (setTimeout, unref'd so it never keeps a CLI alive). */
  timer?: Timer;
  events: EventSink;
  files: FilePort;
  /** The passphrase-protected workspace of the web host and CLI (absent on the desktop). */
  workspace?: WorkspaceControl;
  /** Store files found unreadable at start and moved aside. */
  quarantined?: string[];
  /**
   * What opening the store found (store-file.ts): a read-only store (failed migration, newer
   * file) says why; a corrupt file replaced by its last good copy names it; notices are for the user.
   */
  storeStatus?: { readOnly?: { reason: string }; restoredFrom?: string; notices: string[] };
  http?: { timeoutMs?: number; maxBodyBytes?: number };
  /**
   * Opens a URL in the system browser (Electron shell.openExternal, the CLI's platform opener).
   * Absent in the web host: the page opens the tab itself.
   */
  browser?: { open(url: string): Promise<void> };
  /** Saved runs (features/timeline.ts); absent for an ephemeral workspace. */
  timeline?: TimelinePort;
  /** App settings (features/settings.ts), a file like the timeline's; absent: session only. */
  settings?: TimelinePort;
  /**
   * Starts the practice server (electron/practice). The hosts load it with a dynamic import(), so
   * the engine never imports oidc-provider itself; absent: this host offers no practice server.
   */
  practice?: PracticePort;
}

/** What the engine needs of the practice server (electron/practice/index.ts). */
export interface PracticePort {
  start(opts: { port?: number; flavour?: PracticeFlavour }): Promise<PracticeServer>;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimer: Timer = {
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { id: t };
  },
  cancel(handle) {
    clearTimeout(handle.id as ReturnType<typeof setTimeout>);
  },
};
