import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ProfileView } from '../../../shared/types.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import { ActionButton } from '../components/ActionButton.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { OpError } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/fields.js';
import { downloadText } from '../components/TimelineTools.js';
import { FLOW_SHORT } from '../flow-ui.js';
import { useApp, useOp } from '../store/index.js';
import { profileFileName } from '../../../shared/file-names.js';

/**
 * Managing profiles (issue 13): the list (groups, search, sort), export and files, duplicate,
 * apply to the other environments, delete with a confirm and Undo, import with its conflicts.
 */

/** A chosen file's text (FileReader: every browser, and jsdom, has it). */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsText(file);
  });
}

/** The desktop app (Electron preload bridge): files through the main process's dialogs. */
const onDesktop = () => typeof window !== 'undefined' && !!window.oauthDebugger;

/** What goes with a deleted profile, in words. */
function deletedWith(p: ProfileView): string {
  const held = [
    p.auth.hasClientSecret && 'its stored client secret',
    p.hasPassword && 'its password',
    p.hasRegistrationToken && 'its registration access token (RFC 7592)',
    p.hasIntrospectionToken && 'its introspection Bearer token',
  ].filter((x): x is string => !!x);
  const list =
    held.length > 1 ? `${held.slice(0, -1).join(', ')} and ${held.at(-1)}` : (held[0] ?? '');
  return held.length
    ? `The profile and ${list} are removed. Keys stay in Keys. You can undo this until the app closes.`
    : 'The profile is removed (it holds no secrets). Keys stay in Keys. You can undo this until the app closes.';
}

export function ProfileTools({ profile }: { profile: ProfileView }) {
  const deleteProfile = useApp((s) => s.deleteProfile);
  const exportProfile = useApp((s) => s.exportProfile);
  const saveProfileFile = useApp((s) => s.saveProfileFile);
  const duplicateProfile = useApp((s) => s.duplicateProfile);
  const applyToEnvironments = useApp((s) => s.applyToEnvironments);
  const exported = useApp((s) => s.exportedProfile);
  const savedFile = useApp((s) => s.savedProfileFile);
  const applied = useApp((s) => s.appliedToEnvironments);
  const siblings = useApp((s) =>
    profile.group?.trim()
      ? s.profiles.filter(
          (p) =>
            p.id !== profile.id &&
            p.group?.trim().toLowerCase() === profile.group!.trim().toLowerCase(),
        ).length
      : 0,
  );
  const del = useOp('deleteProfile');
  const exp = useOp('exportProfile');
  const file = useOp('exportProfileFile');
  const dup = useOp('duplicateProfile');
  const env = useOp('applyToEnvironments');
  const [confirming, setConfirming] = useState(false);
  const [includeSecret, setIncludeSecret] = useState(false);
  const includeId = useId();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const desktop = onDesktop();

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  async function download() {
    await exportProfile(profile.id);
    const json = useApp.getState().exportedProfile;
    if (json?.profileId === profile.id) downloadText(json.json, profileFileName(profile.name));
  }

  return (
    <div className="card">
      <h3>Share, copy or remove</h3>
      <div className="actions-row">
        <ActionButton variant="secondary" busy={exp.busy} onClick={() => exportProfile(profile.id)}>
          Export
        </ActionButton>
        {desktop ? (
          <ActionButton
            variant="secondary"
            busy={file.busy}
            onClick={() => saveProfileFile(profile.id, includeSecret)}
          >
            Save to file…
          </ActionButton>
        ) : (
          <ActionButton variant="secondary" busy={exp.busy} onClick={download}>
            Download
          </ActionButton>
        )}
        <ActionButton
          variant="secondary"
          busy={dup.busy}
          onClick={() => duplicateProfile(profile.id)}
        >
          Duplicate
        </ActionButton>
        {siblings > 0 && (
          <ActionButton
            variant="secondary"
            busy={env.busy}
            onClick={() => applyToEnvironments(profile.id)}
          >
            Apply to the other environments
          </ActionButton>
        )}
        <button
          ref={deleteRef}
          type="button"
          className="btn btn-danger"
          disabled={del.busy}
          onClick={() => setConfirming(true)}
          aria-expanded={confirming}
        >
          Delete
        </button>
      </div>
      {desktop && (
        <div className="check">
          <input
            id={includeId}
            type="checkbox"
            checked={includeSecret}
            onChange={(e) => setIncludeSecret(e.target.checked)}
          />
          <label htmlFor={includeId}>
            Include the client secret in the file{' '}
            <span className="hint">
              (written readable by you only; never in Export or Download)
            </span>
          </label>
        </div>
      )}
      {siblings > 0 && (
        <p className="hint">
          Apply to the other environments copies the flow, scope, auth method and algorithm,
          registration metadata, PKCE, extra authorize parameters, resource path and TLS settings to
          the {siblings} other profile{siblings === 1 ? '' : 's'} of “{profile.group}”. Each keeps
          its own server, client ID, key, secret and registration.
        </p>
      )}
      {confirming && (
        <div className="profile-confirm" role="group" aria-label={`Delete “${profile.name}”?`}>
          <p>
            <strong>Delete “{profile.name}”?</strong> {deletedWith(profile)}
          </p>
          <div className="actions-row">
            <button
              ref={confirmRef}
              type="button"
              className="btn btn-danger"
              onClick={async () => {
                setConfirming(false);
                await deleteProfile(profile.id);
              }}
            >
              Delete “{profile.name}”
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setConfirming(false);
                deleteRef.current?.focus();
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
      <OpError op="exportProfile" />
      <OpError op="exportProfileFile" />
      <OpError op="duplicateProfile" />
      <OpError op="applyToEnvironments" />
      <OpError op="deleteProfile" />
      {savedFile?.profileId === profile.id && (
        <p className="notice notice-info" role="status">
          Saved to <code className="profile-path">{savedFile.path}</code>
          {savedFile.clientSecret
            ? ' with the client secret (readable by you only).'
            : ' without secrets.'}
        </p>
      )}
      {applied?.profileId === profile.id && (
        <p className="notice notice-info" role="status">
          Applied to {applied.names.map((n) => `“${n}”`).join(', ')}.
        </p>
      )}
      {exported?.profileId === profile.id && (
        <CodeBlock label="Profile JSON (no secrets)" what="profile JSON" text={exported.json} />
      )}
    </div>
  );
}

/** Rename / Replace / Cancel for an import that matches a profile already here. */
function ImportConflictCard() {
  const held = useApp((s) => s.importConflict);
  const resolve = useApp((s) => s.resolveImportConflict);
  const { busy } = useOp('importProfile');
  const firstRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (held) firstRef.current?.focus();
  }, [held]);
  if (!held) return null;
  const { conflict } = held;
  return (
    <div className="profile-confirm" role="group" aria-label="This profile is already here">
      <p>
        <strong>{held.message}</strong>{' '}
        {conflict.match === 'name'
          ? 'Import it under another name, or replace the one here with it.'
          : 'It is probably the same client. Replace the one here (it keeps its key and secrets the file does not carry), or import it beside it under another name.'}
      </p>
      <div className="actions-row">
        <button
          ref={firstRef}
          type="button"
          className="btn btn-secondary"
          disabled={busy}
          onClick={() => resolve('rename')}
        >
          Import as “{conflict.suggestedName}”
        </button>
        <ActionButton variant="secondary" busy={busy} onClick={() => resolve('replace')}>
          Replace “{conflict.name}”
        </ActionButton>
        <button type="button" className="btn btn-secondary" onClick={() => resolve('cancel')}>
          Cancel
        </button>
      </div>
    </div>
  );
}

export function ImportProfile() {
  const importProfile = useApp((s) => s.importProfile);
  const { busy } = useOp('importProfile');
  const [json, setJson] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);
  const desktop = onDesktop();

  async function onFile(file: File | undefined) {
    if (!file) return;
    await importProfile(await readText(file));
    if (fileRef.current) fileRef.current.value = '';
  }

  return (
    <div className="card">
      <h3>Import a profile</h3>
      <div className="actions-row">
        <ActionButton
          variant="secondary"
          busy={busy}
          onClick={() => (desktop ? importProfile({ dialog: true }) : fileRef.current?.click())}
        >
          Open file…
        </ActionButton>
        {!desktop && (
          <input
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            className="sr-only"
            tabIndex={-1}
            aria-label="Profile file"
            onChange={(e) => void onFile(e.target.files?.[0])}
          />
        )}
      </div>
      <TextField
        label="Profile JSON"
        value={json}
        onChange={setJson}
        multiline
        rows={5}
        mono
        hint="Or paste a file made with Export. Secrets are never part of an export."
      />
      <ImportConflictCard />
      <OpError op="importProfile" />
      <div className="actions-row">
        <ActionButton
          variant="secondary"
          busy={busy}
          disabled={!json.trim()}
          onClick={async () => {
            if ((await importProfile(json)) !== 'failed') setJson('');
          }}
        >
          Import
        </ActionButton>
      </div>
    </div>
  );
}

type SortKey = 'name' | 'lastUsed' | 'created';
const SORTS: { value: SortKey; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'lastUsed', label: 'Last used' },
  { value: 'created', label: 'Newest first' },
];
/** More profiles than this: search and sort are offered. */
const MANY_PROFILES = 5;

function matches(p: ProfileView, q: string): boolean {
  const hay = [p.name, p.group, p.environment, p.clientId, p.fhirBaseUrl, p.issuer, p.tokenEndpoint]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

function sorted(list: ProfileView[], by: SortKey): ProfileView[] {
  const out = [...list];
  if (by === 'name') out.sort((a, b) => a.name.localeCompare(b.name));
  if (by === 'lastUsed')
    out.sort(
      (a, b) =>
        (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? '') || a.name.localeCompare(b.name),
    );
  if (by === 'created')
    out.sort(
      (a, b) =>
        (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name),
    );
  return out;
}

function ProfileButton({ p }: { p: ProfileView }) {
  const activeProfileId = useApp((s) => s.activeProfileId);
  const selectProfile = useApp((s) => s.selectProfile);
  return (
    <li>
      <button
        type="button"
        className="profile-item"
        aria-current={p.id === activeProfileId ? 'true' : undefined}
        onClick={() => selectProfile(p.id)}
      >
        <span className="profile-item-name">
          {p.name}
          {p.environment && <span className="badge profile-env">{p.environment}</span>}
        </span>
        <span className="profile-item-detail">
          {p.clientId || 'no client ID'} · {FLOW_SHORT[effectiveFlow(p)]} · {p.auth.method}
        </span>
      </button>
    </li>
  );
}

/** The profiles, grouped by environment group, with search and sort when there are many. */
export function ProfileList({ profiles }: { profiles: ProfileView[] }) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('name');
  const many = profiles.length > MANY_PROFILES;
  const shown = useMemo(
    () => sorted(many ? profiles.filter((p) => matches(p, query)) : profiles, many ? sort : 'name'),
    [profiles, query, sort, many],
  );
  const groups = useMemo(() => {
    const out = new Map<string, ProfileView[]>();
    for (const p of shown) {
      const g = p.group?.trim() ?? '';
      out.set(g, [...(out.get(g) ?? []), p]);
    }
    return [...out.entries()];
  }, [shown]);
  return (
    <div className="profile-browser">
      {many && (
        <div className="profile-filters" role="search" aria-label="Profiles">
          <TextField
            label="Search profiles"
            value={query}
            onChange={setQuery}
            placeholder="name, server or client ID"
          />
          <SelectField label="Sort by" value={sort} onChange={setSort} options={SORTS} />
        </div>
      )}
      {shown.length === 0 ? (
        <p className="empty" role="status">
          No profile matches “{query}”.
        </p>
      ) : (
        <ul className="profile-list" aria-label="Profiles">
          {groups.map(([g, list]) =>
            g ? (
              <li key={`group:${g}`} className="profile-group">
                <span className="profile-group-name" id={`group-${profileFileName(g)}`}>
                  {g}
                </span>
                <ul className="profile-list" aria-labelledby={`group-${profileFileName(g)}`}>
                  {list.map((p) => (
                    <ProfileButton key={p.id} p={p} />
                  ))}
                </ul>
              </li>
            ) : (
              list.map((p) => <ProfileButton key={p.id} p={p} />)
            ),
          )}
        </ul>
      )}
    </div>
  );
}

/** "Deleted “X”." with Undo, until dismissed or another profile is deleted. */
export function UndoDelete() {
  const lastDeleted = useApp((s) => s.lastDeleted);
  const restoreProfile = useApp((s) => s.restoreProfile);
  const dismissUndo = useApp((s) => s.dismissUndo);
  const { busy } = useOp('restoreProfile');
  const undoRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (lastDeleted) undoRef.current?.focus();
  }, [lastDeleted]);
  return (
    <div role="status" aria-live="polite">
      {lastDeleted && (
        <div className="notice notice-info profile-undo">
          <span>Deleted “{lastDeleted.name}” and its secrets.</span>
          <button
            ref={undoRef}
            type="button"
            className="btn btn-small btn-secondary"
            disabled={busy}
            onClick={() => void restoreProfile()}
          >
            Undo
          </button>
          <button type="button" className="btn btn-small btn-secondary" onClick={dismissUndo}>
            Dismiss
          </button>
        </div>
      )}
      <OpError op="restoreProfile" />
    </div>
  );
}
