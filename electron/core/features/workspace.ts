import { z } from 'zod';
import { AppFailure } from '../../../shared/result.js';
import type { KeyInfo, StorageInfo, WorkspaceView } from '../../../shared/types.js';
import { KEYS, PROFILES, guard, profileSecret, type StoredProfile } from '../model.js';
import { MIN_PASSPHRASE, decryptWithPassphrase, encryptWithPassphrase } from '../secret-stores.js';
import type { Core } from '../core.js';

/** The backup file's format name: a workspace (profiles, keys, secrets) encrypted as one JWE. */
export const WORKSPACE_FILE_FORMAT = 'oauth-flow-debugger-workspace';

/** What a backup file shows without its passphrase: the format and the counts, nothing secret. */
const backupFile = z.object({
  format: z.literal(WORKSPACE_FILE_FORMAT),
  version: z.literal(1),
  exportedAt: z.string(),
  counts: z.object({ profiles: z.number(), keys: z.number(), secrets: z.number() }),
  encrypted: z.string().min(1),
});

/** The decrypted content; profiles and keys are checked for the fields the engine relies on. */
const backupContent = z.object({
  profiles: z.array(
    z.looseObject({
      id: z.string().min(1),
      name: z.string(),
      auth: z.looseObject({ method: z.string() }),
    }),
  ),
  keys: z.array(
    z.looseObject({
      id: z.string().min(1),
      kid: z.string(),
      alg: z.string(),
      publicJwk: z.record(z.string(), z.unknown()),
    }),
  ),
  secrets: z.record(z.string(), z.string()),
});

const keyRef = (id: string) => `key:${id}`;
const profileRefs = (id: string) => Object.values(profileSecret).map((ref) => ref(id));

/** Where secrets are kept, the passphrase workspace of the web host and CLI, backup and restore. */
export class Workspace {
  constructor(private readonly c: Core) {}

  private async view(): Promise<WorkspaceView> {
    const w = this.c.ports.workspace;
    if (w) return w.view();
    const persisted = this.c.ports.secrets.info.persisted;
    return {
      protection: persisted ? 'os' : 'session',
      locked: false,
      canProtect: false,
      fromEnvironment: false,
    };
  }

  private control() {
    const w = this.c.ports.workspace;
    if (!w)
      throw new AppFailure(
        'INVALID_INPUT',
        'This app keeps its secrets in the OS keychain; it has no workspace passphrase.',
        'Nothing to do: secrets are protected by the operating system.',
      );
    return w;
  }

  getStorageInfo() {
    return guard(async (): Promise<StorageInfo> => {
      const workspace = await this.view();
      const info = this.c.ports.secrets.info;
      return {
        backend: info.backend,
        secretsPersisted: info.persisted,
        ...(info.warning ? { warning: info.warning } : {}),
        quarantined: this.c.ports.quarantined ?? [],
        // The read-only reason is said on its own (on every screen), not again among the notices.
        notices: (this.c.ports.storeStatus?.notices ?? []).filter(
          (n) => n !== this.c.ports.storeStatus?.readOnly?.reason,
        ),
        ...(this.c.ports.storeStatus?.readOnly
          ? { readOnly: this.c.ports.storeStatus.readOnly.reason }
          : {}),
        workspace,
      };
    });
  }

  /** After the secrets change wholesale, the keys are read again (private parts now readable). */
  private async changed() {
    await this.c.keyring.reload();
    const r = await this.getStorageInfo();
    if (!r.ok) throw new AppFailure(r.error.code, r.error.message, r.error.fix);
    return r.value;
  }

  unlockWorkspace(input: { passphrase: string }) {
    return guard(async () => {
      await this.control().unlock(input.passphrase);
      return this.changed();
    });
  }

  protectWorkspace(input: { passphrase: string }) {
    return guard(async () => {
      await this.control().protect(input.passphrase);
      return this.changed();
    });
  }

  keepSecretsForSession() {
    return guard(async () => {
      await this.control().keepForSession();
      return this.changed();
    });
  }

  startNewWorkspace() {
    return guard(async () => {
      const { keptAside } = await this.control().startNew();
      const storage = await this.changed();
      return { storage, ...(keptAside ? { keptAside } : {}) };
    });
  }

  /** Every profile, key and readable secret, encrypted with the passphrase given (PBES2 JWE). */
  exportWorkspace(input: { passphrase: string }) {
    return guard(async () => {
      if (input.passphrase.length < MIN_PASSPHRASE)
        throw new AppFailure(
          'INVALID_INPUT',
          `The backup passphrase is too short (${input.passphrase.length} characters).`,
          `Use at least ${MIN_PASSPHRASE} characters; you need it to import the backup.`,
        );
      if ((await this.view()).locked)
        throw new AppFailure(
          'WORKSPACE_LOCKED',
          'The workspace is locked: its secrets cannot be read for a backup.',
          'Unlock the workspace first.',
        );
      await this.c.keyring.loaded;
      const profiles = (this.c.ports.store.get(PROFILES) as StoredProfile[] | undefined) ?? [];
      const keys = ((this.c.ports.store.get(KEYS) as KeyInfo[] | undefined) ?? []).map(
        ({ privateKey: _state, ...k }) => k,
      );
      const secrets: Record<string, string> = {};
      const refs = [
        ...profiles.flatMap((p) => profileRefs(p.id)),
        ...keys.map((k) => keyRef(k.id)),
      ];
      for (const ref of refs) {
        const v = await this.c.ports.secrets.get(ref).catch(() => undefined);
        if (v !== undefined) secrets[ref] = v;
      }
      const counts = {
        profiles: profiles.length,
        keys: keys.length,
        secrets: Object.keys(secrets).length,
      };
      const encrypted = await encryptWithPassphrase(
        JSON.stringify({ profiles, keys, secrets }),
        input.passphrase,
      );
      const file = {
        format: WORKSPACE_FILE_FORMAT,
        version: 1,
        exportedAt: new Date(this.c.ports.clock.now()).toISOString(),
        counts,
        encrypted,
      } satisfies z.infer<typeof backupFile>;
      return { text: `${JSON.stringify(file, null, 2)}\n`, ...counts };
    });
  }

  /**
   * Adds the profiles and keys of a backup, with their secrets. Nothing here is replaced: a
   * profile or key whose id is already in this workspace is skipped and named.
   */
  importWorkspace(input: { text: string; passphrase: string }) {
    return guard(async () => {
      let raw: unknown;
      try {
        raw = JSON.parse(input.text);
      } catch {
        raw = undefined;
      }
      const file = backupFile.safeParse(raw);
      if (!file.success)
        throw new AppFailure(
          'INVALID_INPUT',
          'This is not a workspace backup of OAuth Flow Debugger.',
          'Choose a file made by "Export workspace" (its "format" is oauth-flow-debugger-workspace).',
        );
      const plain = await decryptWithPassphrase(file.data.encrypted, input.passphrase);
      if (plain === undefined)
        throw new AppFailure(
          'PASSPHRASE_WRONG',
          'That passphrase does not open this backup. Nothing was imported.',
          'Enter the passphrase chosen when the backup was exported.',
        );
      let decoded: unknown;
      try {
        decoded = JSON.parse(plain);
      } catch {
        decoded = undefined;
      }
      const content = backupContent.safeParse(decoded);
      if (!content.success)
        throw new AppFailure(
          'INVALID_INPUT',
          'The backup opens but its content is damaged. Nothing was imported.',
          'Export the backup again from the workspace it came from.',
        );
      if ((await this.view()).locked)
        throw new AppFailure(
          'WORKSPACE_LOCKED',
          'The workspace is locked: imported secrets could not be stored.',
          'Unlock the workspace first.',
        );
      const { secrets } = content.data;
      const profiles = content.data.profiles as unknown as StoredProfile[];
      const keys = content.data.keys as unknown as KeyInfo[];
      const haveProfiles = (this.c.ports.store.get(PROFILES) as StoredProfile[] | undefined) ?? [];
      const haveKeys = (this.c.ports.store.get(KEYS) as KeyInfo[] | undefined) ?? [];
      const skipped: string[] = [];
      const newProfiles = profiles.filter((p) => {
        const dup = haveProfiles.some((h) => h.id === p.id);
        if (dup) skipped.push(`profile "${p.name}" (already here)`);
        return !dup;
      });
      const newKeys = keys.filter((k) => {
        const dup = haveKeys.some((h) => h.id === k.id);
        if (dup) skipped.push(`key ${k.kid} (already here)`);
        return !dup;
      });
      let imported = 0;
      const refs = [
        ...newProfiles.flatMap((p) => profileRefs(p.id)),
        ...newKeys.map((k) => keyRef(k.id)),
      ];
      for (const ref of refs) {
        const v = secrets[ref];
        if (v === undefined) continue;
        await this.c.ports.secrets.set(ref, v);
        imported++;
      }
      this.c.ports.store.set(KEYS, [...haveKeys, ...newKeys]);
      this.c.ports.store.set(PROFILES, [...haveProfiles, ...newProfiles]);
      await this.c.keyring.reload();
      return {
        profiles: newProfiles.length,
        keys: newKeys.length,
        secrets: imported,
        skipped,
      };
    });
  }
}
