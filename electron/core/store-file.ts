/**
 * The guard around a JSON store file (conf in the web host and CLI, electron-store in Electron),
 * run before the library opens it:
 * - a file that does not parse, or parses but fails the store schema, is moved aside as
 *   `<file>.corrupt-<time>` (0600) and never overwritten; the last good copy (`<file>.bak`,
 *   written only after a successful load) is put back, else the store starts empty;
 * - `schemaVersion` is recorded in the file, and ordered migrations bring an older file up to
 *   date. A migration that throws leaves the file as it was (a copy is kept beside it) and the
 *   store opens read-only; a file from a newer version of the app is refused and never rewritten.
 * Every step the user should know about is returned as a notice.
 */
import {
  chmodSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync as fsWriteFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileSync as atomicWriteFileSync } from 'atomically';
import * as z from 'zod/mini';
import { AppFailure } from '../../shared/result.js';
import type { KeyValueStore } from './ports.js';

export type StoreData = Record<string, unknown>;

/** One step of the store schema: brings data at version `to - 1` to version `to`. Pure. */
export interface Migration {
  readonly to: number;
  /** What the step changes, for the notice shown after it ran. */
  readonly what: string;
  up(data: StoreData): StoreData;
}

/**
 * The store's schema history, oldest first. v2 is one more entry: `{ to: 2, what, up }`.
 * The runner sets `schemaVersion` itself after each step.
 */
export const STORE_MIGRATIONS: readonly Migration[] = [
  {
    to: 1,
    what: 'records the schema version (files written before versioning had none)',
    up: (data) => ({ ...data }),
  },
];

export const SCHEMA_VERSION_KEY = 'schemaVersion';

const latest = (migrations: readonly Migration[]) =>
  migrations.reduce((v, m) => Math.max(v, m.to), 0);

export const STORE_SCHEMA_VERSION = latest(STORE_MIGRATIONS);

/**
 * What the engine relies on when it reads the store (features/profiles.ts, features/keys.ts,
 * secret-stores.ts): lenient on purpose, so only data the app would trip over is quarantined.
 * Unknown keys and fields are kept: other features add their own.
 */
const id = z.string().check(z.minLength(1));
const storeSchema = z.looseObject({
  schemaVersion: z.optional(z.int().check(z.minimum(1))),
  profiles: z.optional(z.array(z.looseObject({ id, name: z.optional(z.string()) }))),
  keys: z.optional(z.array(z.looseObject({ id, kid: z.optional(z.string()) }))),
  secrets: z.optional(z.record(z.string(), z.string())),
});

/** Why data does not match the current store schema, or undefined when it does. */
export function storeSchemaProblem(data: StoreData): string | undefined {
  const r = storeSchema.safeParse(data);
  if (r.success) return undefined;
  return r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export type Examined =
  | { kind: 'ok'; data: StoreData; from: number; migrated: boolean }
  | { kind: 'corrupt'; why: string }
  | { kind: 'newer'; version: number }
  | { kind: 'migration-failed'; from: number; step: number; why: string };

export interface StoreFileOptions {
  migrations?: readonly Migration[];
  /** Why data (at the latest version) is not a valid store; defaults to storeSchemaProblem. */
  validate?: (data: StoreData) => string | undefined;
}

/** Classifies a store file's text and migrates it in memory. Pure: touches no file. */
export function examineStoreText(text: string, opts: StoreFileOptions = {}): Examined {
  const migrations = [...(opts.migrations ?? STORE_MIGRATIONS)].sort((a, b) => a.to - b.to);
  const current = latest(migrations);
  if (text.trim() === '') return { kind: 'corrupt', why: 'the file is empty' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { kind: 'corrupt', why: `not valid JSON (${(e as Error).message})` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { kind: 'corrupt', why: 'the JSON is not an object' };
  let data = raw as StoreData;
  const v = data[SCHEMA_VERSION_KEY];
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 1))
    return { kind: 'corrupt', why: `${SCHEMA_VERSION_KEY} ${JSON.stringify(v)} is not a version` };
  const from = (v as number | undefined) ?? 0;
  if (from > current) return { kind: 'newer', version: from };
  for (const m of migrations.filter((x) => x.to > from)) {
    try {
      data = { ...m.up(structuredClone(data)), [SCHEMA_VERSION_KEY]: m.to };
    } catch (e) {
      return { kind: 'migration-failed', from, step: m.to, why: (e as Error).message };
    }
  }
  const problem = (opts.validate ?? storeSchemaProblem)(data);
  if (problem) return { kind: 'corrupt', why: `it does not match the store schema (${problem})` };
  return { kind: 'ok', data, from, migrated: from < current };
}

/** What opening the store file found and did; the host shows `notices` to the user. */
export interface StoreFileStatus {
  file: string;
  /** The data's schema version as opened (the file's own when read-only). */
  schemaVersion?: number;
  /** Unreadable files moved aside (`<file>.corrupt-<time>`). */
  quarantined: string[];
  /** The last good copy the store was restored from. */
  restoredFrom?: string;
  /** Set when the store must not be written: writes throw STORE_READ_ONLY. */
  readOnly?: { reason: string };
  /** Copy of the file as it was before a migration ran (or tried to). */
  migrationBackup?: string;
  /** Old temporary files of interrupted writes that were removed. */
  staleTempsRemoved: number;
  notices: string[];
}

/** The last good copy of a store file. */
export const lastGoodPath = (file: string) => `${file}.bak`;

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** `base`, or `base-1`, `base-2`… if taken (two events in the same millisecond). */
function freeName(base: string): string {
  let p = base;
  for (let i = 1; existsSync(p); i++) p = `${base}-${i}`;
  return p;
}

/**
 * Atomic 0600 write (atomically: temp file, fsync, rename; EPERM/EBUSY retried for a second).
 * EXDEV falls back to a direct write, as conf does, so both writers behave alike.
 */
export function writeFileAtomic(path: string, text: string): void {
  try {
    atomicWriteFileSync(path, text, { mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    fsWriteFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
}

const serialize = (data: StoreData) => JSON.stringify(data, undefined, '\t');

/** Removes `<file>.tmp-*` left by a write that was killed, once older than maxAgeMs. */
export function removeStaleTemps(file: string, maxAgeMs = 60_000, now = Date.now()): number {
  const prefix = `${basename(file)}.tmp-`;
  let removed = 0;
  for (const name of readdirSync(dirname(file))) {
    if (!name.startsWith(prefix)) continue;
    const p = join(dirname(file), name);
    try {
      if (now - statSync(p).mtimeMs < maxAgeMs) continue;
      unlinkSync(p);
      removed++;
    } catch {
      // Gone already, or not ours to remove: left alone.
    }
  }
  return removed;
}

/**
 * Checks, repairs or migrates a store file before the store library opens it. Never rewrites a
 * file it could not read: that one is moved aside first. Afterwards the file exists and is valid,
 * unless the status is read-only (then it is exactly as it was found).
 */
export function openStoreFile(file: string, opts: StoreFileOptions = {}): StoreFileStatus {
  const current = latest(opts.migrations ?? STORE_MIGRATIONS);
  const status: StoreFileStatus = {
    file,
    quarantined: [],
    staleTempsRemoved: existsSync(dirname(file)) ? removeStaleTemps(file) : 0,
    notices: [],
  };
  if (!existsSync(file)) {
    writeFileAtomic(file, serialize({ [SCHEMA_VERSION_KEY]: current }));
    status.schemaVersion = current;
    return status;
  }
  const text = readFileSync(file, 'utf8');
  chmodSync(file, 0o600);
  const r = examineStoreText(text, opts);
  switch (r.kind) {
    case 'ok':
      status.schemaVersion = current;
      if (r.migrated) migrate(status, text, r, current);
      return status;
    case 'newer':
      status.schemaVersion = r.version;
      return readOnly(
        status,
        `${file} was written by a newer version of this app (store schema v${r.version}; this version knows up to v${current}). It is open read-only and will not be rewritten: update the app to change it.`,
      );
    case 'migration-failed': {
      status.schemaVersion = r.from;
      let copy: string;
      try {
        status.migrationBackup = keepCopy(file, text, r.from);
        copy = `a copy is at ${status.migrationBackup}`;
      } catch (e) {
        copy = `no copy could be written: ${(e as Error).message}`;
      }
      return readOnly(
        status,
        `Upgrading ${file} from store schema v${r.from} to v${r.step} failed (${r.why}). The file was left as it was (${copy}); the store is open read-only.`,
      );
    }
    case 'corrupt':
      return recover(status, r.why, opts, current);
  }
}

function readOnly(status: StoreFileStatus, reason: string): StoreFileStatus {
  status.readOnly = { reason };
  status.notices.push(reason);
  return status;
}

function keepCopy(file: string, text: string, from: number): string {
  const copy = freeName(`${file}.before-migration-v${from}-${stamp()}`);
  writeFileAtomic(copy, text);
  return copy;
}

function migrate(
  status: StoreFileStatus,
  text: string,
  r: Extract<Examined, { kind: 'ok' }>,
  current: number,
): void {
  const { file } = status;
  try {
    // The copy first: without it the file is not touched.
    status.migrationBackup = keepCopy(file, text, r.from);
    writeFileAtomic(file, serialize(r.data));
  } catch (e) {
    // An atomic write that failed left the old bytes; the EXDEV fallback may not have.
    if (status.migrationBackup && readFileSync(file, 'utf8') !== text) writeFileAtomic(file, text);
    status.schemaVersion = r.from;
    readOnly(
      status,
      `Upgrading ${file} from store schema v${r.from} to v${current} could not be saved (${(e as Error).message}). The file was left as it was${status.migrationBackup ? ` (a copy is at ${status.migrationBackup})` : ''}; the store is open read-only.`,
    );
    return;
  }
  status.notices.push(
    `Upgraded ${file} from store schema v${r.from} to v${current}; the previous file is kept as ${status.migrationBackup}.`,
  );
}

function recover(
  status: StoreFileStatus,
  why: string,
  opts: StoreFileOptions,
  current: number,
): StoreFileStatus {
  const { file } = status;
  const aside = freeName(`${file}.corrupt-${stamp()}`);
  renameSync(file, aside);
  chmodSync(aside, 0o600);
  status.quarantined.push(aside);
  status.notices.push(`${file} could not be read (${why}); it was moved aside as ${aside}.`);
  const bak = lastGoodPath(file);
  const fromBak = existsSync(bak) ? examineStoreText(readFileSync(bak, 'utf8'), opts) : undefined;
  if (fromBak?.kind === 'ok') {
    writeFileAtomic(file, serialize(fromBak.data));
    status.restoredFrom = bak;
    status.schemaVersion = current;
    status.notices.push(`Restored the last good copy of the store from ${bak}.`);
    return status;
  }
  if (fromBak) {
    // Kept, not replaced by the next last good copy: it may be the only one of its data.
    const bakAside = freeName(`${bak}.corrupt-${stamp()}`);
    renameSync(bak, bakAside);
    chmodSync(bakAside, 0o600);
    status.quarantined.push(bakAside);
    status.notices.push(
      `The last good copy ${bak} could not be used either (${describe(fromBak)}); it was moved aside as ${bakAside}.`,
    );
  }
  writeFileAtomic(file, serialize({ [SCHEMA_VERSION_KEY]: current }));
  status.schemaVersion = current;
  status.notices.push(
    fromBak ? 'The store starts empty.' : 'There was no last good copy; the store starts empty.',
  );
  return status;
}

function describe(r: Exclude<Examined, { kind: 'ok' }>): string {
  if (r.kind === 'corrupt') return r.why;
  if (r.kind === 'newer') return `it is from a newer version (schema v${r.version})`;
  return `its migration to v${r.step} failed: ${r.why}`;
}

/**
 * Call once the store library has loaded the file: copies it to `<file>.bak` (0600), the copy a
 * later corrupt file is restored from. Does nothing for a read-only store.
 */
export function markLastGood(status: StoreFileStatus, opts: StoreFileOptions = {}): void {
  if (status.readOnly || !existsSync(status.file)) return;
  const text = readFileSync(status.file, 'utf8');
  if (examineStoreText(text, opts).kind === 'ok') writeFileAtomic(lastGoodPath(status.file), text);
}

/**
 * The store as the engine sees it: writes to a read-only store throw STORE_READ_ONLY, and a write
 * the file system refused (after atomically's retries) throws FILE_ERROR: never a silent loss.
 */
export function guardStore(inner: KeyValueStore, status: StoreFileStatus): KeyValueStore {
  const write = (what: string, fn: () => void) => {
    if (status.readOnly)
      throw new AppFailure(
        'STORE_READ_ONLY',
        `Not saved: the store is open read-only. ${status.readOnly.reason}`,
        'Update the app, or restore the store file named above, then restart.',
      );
    try {
      fn();
    } catch (e) {
      if (e instanceof AppFailure) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new AppFailure(
        'FILE_ERROR',
        `Could not save ${what} to ${status.file}${code ? ` (${code})` : ''}: ${(e as Error).message}. The change was not saved; the file holds the previous data.`,
        'Check that no other program (antivirus, a sync client) holds the file and that the disk is writable, then try again.',
      );
    }
  };
  return {
    get: (k) => inner.get(k),
    set: (k, v) => write(k, () => inner.set(k, v)),
    delete: (k) => write(k, () => inner.delete(k)),
  };
}
