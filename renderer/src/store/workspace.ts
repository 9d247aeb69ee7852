import type { StorageInfo } from '../../../shared/types.js';
import { api } from './bridge.js';
import { runOp } from './ops.js';
import { withProfiles } from './util.js';
import type { SliceCreator } from './types.js';

/** What an import added (or skipped), shown under the import form. */
export interface WorkspaceImported {
  profiles: number;
  keys: number;
  secrets: number;
  skipped: string[];
}

export interface WorkspaceSlice {
  /** Where "forgot the passphrase" kept the old store file. */
  keptAside: string | null;
  workspaceImported: WorkspaceImported | null;
  unlockWorkspace(passphrase: string): Promise<boolean>;
  protectWorkspace(passphrase: string): Promise<boolean>;
  keepSecretsForSession(): Promise<boolean>;
  startNewWorkspace(): Promise<boolean>;
  /** The encrypted backup file's text, or null when refused. */
  exportWorkspace(passphrase: string): Promise<string | null>;
  importWorkspace(text: string, passphrase: string): Promise<boolean>;
}

export const createWorkspaceSlice: SliceCreator<WorkspaceSlice> = (set, get) => {
  /** The profiles and keys again: their secrets just became readable (or went away). */
  async function reload(storage: StorageInfo) {
    set({ storage });
    const [profiles, keys] = await Promise.all([api().listProfiles(), api().listKeys()]);
    if (profiles.ok) set(withProfiles(profiles.value, get().activeProfileId));
    if (keys.ok) set({ keys: keys.value });
  }

  return {
    keptAside: null,
    workspaceImported: null,

    unlockWorkspace: async (passphrase) => {
      const r = await runOp(set, 'unlockWorkspace', () => api().unlockWorkspace({ passphrase }));
      if (r.ok) await reload(r.value);
      return r.ok;
    },

    protectWorkspace: async (passphrase) => {
      const r = await runOp(set, 'protectWorkspace', () => api().protectWorkspace({ passphrase }));
      if (r.ok) await reload(r.value);
      return r.ok;
    },

    keepSecretsForSession: async () => {
      const r = await runOp(set, 'keepSecretsForSession', () => api().keepSecretsForSession());
      if (r.ok) await reload(r.value);
      return r.ok;
    },

    startNewWorkspace: async () => {
      const r = await runOp(set, 'startNewWorkspace', () => api().startNewWorkspace());
      if (!r.ok) return false;
      set({ keptAside: r.value.keptAside ?? null });
      await reload(r.value.storage);
      return true;
    },

    exportWorkspace: async (passphrase) => {
      const r = await runOp(set, 'exportWorkspace', () => api().exportWorkspace({ passphrase }));
      return r.ok ? r.value.text : null;
    },

    importWorkspace: async (text, passphrase) => {
      set({ workspaceImported: null });
      const r = await runOp(set, 'importWorkspace', () =>
        api().importWorkspace({ text, passphrase }),
      );
      if (!r.ok) return false;
      set({ workspaceImported: r.value });
      const storage = await api().getStorageInfo();
      if (storage.ok) await reload(storage.value);
      return true;
    },
  };
};
