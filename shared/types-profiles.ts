/** The contract's types for managing profiles (issue 13); shared/types.ts re-exports them. */

/** What a profile carries beside its settings: its environment group and when it was used. */
export interface ProfileMeta {
  /**
   * The environment group, e.g. "Acme EHR": the sandbox and production of one vendor are siblings
   * that can share settings (see SHARED_GROUP_SETTINGS).
   */
  group?: string;
  /** The environment within the group, e.g. "sandbox" or "production". */
  environment?: string;
  /** When the profile was first saved here (ISO 8601; set by the engine). */
  createdAt?: string;
  /** When a request was last sent with it (ISO 8601; set by the engine). */
  lastUsedAt?: string;
}

/** What an import does when the profile matches one already here. */
export type ImportConflictChoice = 'ask' | 'rename' | 'replace';

/** importProfile's input: the file's text, the desktop's file dialog, or an import held back. */
export interface ProfileImportInput {
  /** The profile file's text (pasted, or read from a file input). */
  json?: string;
  /** Desktop: the main process shows its file dialog and reads the chosen file. */
  dialog?: true;
  /** An import that was held back for a conflict (error.conflict.pendingId), now decided. */
  pendingId?: string;
  /** Default ask: a CONFLICT error names the matching profile, nothing is saved. */
  onConflict?: ImportConflictChoice;
  /** With rename: the new name (default: the suggested "Name (2)"). */
  name?: string;
}

/** Why an imported profile matches one already here. */
export type ProfileMatch = 'name' | 'server-client';

/** The settings of a profile that "Apply to the other environments" copies to its siblings. */
export const SHARED_GROUP_SETTINGS = [
  'flow',
  'scope',
  'auth',
  'registration',
  'tls',
  'pkce',
  'authorizeParams',
  'resourcePath',
] as const;
export type SharedGroupSetting = (typeof SHARED_GROUP_SETTINGS)[number];
