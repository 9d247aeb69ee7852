import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useApp, useOp } from '../store/index.js';
import { ActionButton } from './ActionButton.js';
import { CopyButton } from './CopyButton.js';
import { OpError } from './ErrorAlert.js';
import { TextField } from './fields.js';

const MIN_PASSPHRASE = 8;
/** A workspace backup is a few KB per profile; anything this big is not one. */
const MAX_BACKUP_BYTES = 5 * 1024 * 1024;

/**
 * The whole page while the workspace is locked: its secrets are encrypted with a passphrase not
 * entered yet. Nothing of the workspace is shown behind it (no step could use a secret).
 */
export function UnlockScreen() {
  const unlock = useApp((s) => s.unlockWorkspace);
  const startNew = useApp((s) => s.startNewWorkspace);
  const notice = useApp((s) => s.storage?.workspace.notice);
  const { busy } = useOp('unlockWorkspace');
  const starting = useOp('startNewWorkspace');
  const [passphrase, setPassphrase] = useState('');
  const [forgot, setForgot] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="token-screen" aria-labelledby="unlock-title">
      <div className="token-screen-card">
        <p className="token-screen-app">OAuth Flow Debugger</p>
        <h1 id="unlock-title" className="token-screen-title" ref={heading} tabIndex={-1}>
          Unlock the workspace
        </h1>
        <p className="token-screen-what">
          The client secrets, private keys and registration tokens of this workspace are encrypted
          with its passphrase. Enter it to use them. A wrong passphrase changes nothing.
        </p>
        {notice && (
          <p className="notice notice-warning" role="note">
            {notice}
          </p>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void unlock(passphrase).then((ok) => ok && setPassphrase(''));
          }}
        >
          <TextField
            label="Workspace passphrase"
            type="password"
            value={passphrase}
            onChange={setPassphrase}
            autoComplete="current-password"
          />
          <OpError op="unlockWorkspace" />
          <div className="actions-row">
            <ActionButton type="submit" busy={busy} disabled={!passphrase}>
              Unlock
            </ActionButton>
            <button
              type="button"
              className="btn btn-secondary"
              aria-expanded={forgot}
              onClick={() => setForgot((f) => !f)}
            >
              Forgot the passphrase?
            </button>
          </div>
        </form>
        {forgot && (
          <section className="workspace-forgot" aria-labelledby="forgot-title">
            <h2 id="forgot-title" className="token-screen-subtitle">
              Start a new workspace
            </h2>
            <p>
              Without the passphrase the secrets cannot be opened by anyone. A new workspace keeps
              your profiles and the public parts of your keys; client secrets, private keys and
              registration tokens must be entered again. The old file is kept aside, so a passphrase
              remembered later still opens it.
            </p>
            <OpError op="startNewWorkspace" />
            <ActionButton variant="danger" busy={starting.busy} onClick={() => void startNew()}>
              Start a new workspace
            </ActionButton>
          </section>
        )}
      </div>
    </main>
  );
}

/** Passphrase + confirmation, with the rules said before they are broken. */
function PassphraseForm({
  submitLabel,
  busy,
  onSubmit,
  op,
  alternative,
}: {
  submitLabel: string;
  busy: boolean;
  onSubmit: (passphrase: string) => Promise<boolean>;
  op: 'protectWorkspace';
  /** The other choice, beside the submit button (session only, or not now). */
  alternative?: ReactNode;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const short = passphrase.length > 0 && passphrase.length < MIN_PASSPHRASE;
  const differ = again.length > 0 && again !== passphrase;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(passphrase).then((ok) => {
          if (ok) {
            setPassphrase('');
            setAgain('');
          }
        });
      }}
    >
      <div className="grid-2">
        <TextField
          label="Passphrase"
          type="password"
          value={passphrase}
          onChange={setPassphrase}
          autoComplete="new-password"
          hint={
            short
              ? `At least ${MIN_PASSPHRASE} characters (${passphrase.length} so far).`
              : `At least ${MIN_PASSPHRASE} characters; a few unrelated words are easy to remember.`
          }
        />
        <TextField
          label="Passphrase again"
          type="password"
          value={again}
          onChange={setAgain}
          autoComplete="new-password"
          hint={differ ? 'The two passphrases differ.' : 'To be sure it is typed as meant.'}
        />
      </div>
      <OpError op={op} />
      <div className="actions-row">
        <ActionButton
          type="submit"
          busy={busy}
          disabled={passphrase.length < MIN_PASSPHRASE || again !== passphrase}
        >
          {submitLabel}
        </ActionButton>
        {alternative}
      </div>
    </form>
  );
}

/**
 * First start of the web host or CLI: protect the workspace with a passphrase, or keep secrets
 * for this session only on purpose. Until one is chosen, secrets are kept in memory.
 */
export function ProtectWorkspace() {
  const workspace = useApp((s) => s.storage?.workspace);
  const protect = useApp((s) => s.protectWorkspace);
  const sessionOnly = useApp((s) => s.keepSecretsForSession);
  const { busy } = useOp('protectWorkspace');
  const session = useOp('keepSecretsForSession');
  const [open, setOpen] = useState(false);
  if (!workspace?.canProtect || workspace.locked || workspace.protection === 'passphrase')
    return null;
  const undecided = workspace.protection === 'undecided';
  if (!undecided && !open)
    return (
      <div className="workspace-banner" role="note" aria-label="Session only">
        <span className="badge badge-warning">Session only</span>
        <span>Secrets and private keys are lost when this debugger stops.</span>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => setOpen(true)}>
          Protect with a passphrase…
        </button>
      </div>
    );
  return (
    <section className="card workspace-offer" aria-labelledby="protect-title">
      <h2 id="protect-title">Keep your secrets across restarts?</h2>
      <p>
        Client secrets, private keys and registration tokens are kept in memory right now: they are
        lost when this debugger stops. Protect the workspace with a passphrase to store them
        encrypted (PBES2, in the data folder); you enter it once per start. Scripts can set{' '}
        <code>OFD_PASSPHRASE</code> instead.
      </p>
      <PassphraseForm
        submitLabel="Protect the workspace"
        busy={busy}
        op="protectWorkspace"
        onSubmit={async (p) => {
          const ok = await protect(p);
          if (ok) setOpen(false);
          return ok;
        }}
        alternative={
          undecided ? (
            <ActionButton
              variant="secondary"
              busy={session.busy}
              onClick={() => void sessionOnly()}
            >
              Keep secrets for this session only
            </ActionButton>
          ) : (
            <button type="button" className="btn btn-secondary" onClick={() => setOpen(false)}>
              Not now
            </button>
          )
        }
      />
      <OpError op="keepSecretsForSession" />
    </section>
  );
}

/** A file name for the backup: the date, so a folder of them sorts. */
const backupName = () =>
  `oauth-flow-debugger-workspace-${new Date().toISOString().slice(0, 10)}.json`;

function download(text: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A file's text through FileReader (every browser, and jsdom in the tests). */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsText(file);
  });
}

/** Export the whole workspace (profiles, keys, secrets) as one encrypted file, and import one. */
export function WorkspaceBackup() {
  const exportWorkspace = useApp((s) => s.exportWorkspace);
  const importWorkspace = useApp((s) => s.importWorkspace);
  const imported = useApp((s) => s.workspaceImported);
  const locked = useApp((s) => s.storage?.workspace.locked ?? false);
  const exporting = useOp('exportWorkspace');
  const importing = useOp('importWorkspace');
  const [exportPass, setExportPass] = useState('');
  const [exported, setExported] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [importPass, setImportPass] = useState('');
  return (
    <section className="card" aria-labelledby="backup-title">
      <h3 id="backup-title">Workspace backup</h3>
      <p className="muted">
        One file with every profile, key and secret, encrypted with a passphrase you choose here
        (PBES2-HS512+A256KW, A256GCM). Keep the passphrase apart from the file.
      </p>
      <div className="grid-2">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setExported(null);
            void exportWorkspace(exportPass).then((text) => {
              if (!text) return;
              const name = backupName();
              download(text, name);
              setExported(name);
              setExportPass('');
            });
          }}
        >
          <TextField
            label="Backup passphrase"
            type="password"
            value={exportPass}
            onChange={setExportPass}
            autoComplete="new-password"
            hint={`At least ${MIN_PASSPHRASE} characters. Needed to import the file.`}
          />
          <OpError op="exportWorkspace" />
          <div className="actions-row">
            <ActionButton
              type="submit"
              busy={exporting.busy}
              disabled={locked || exportPass.length < MIN_PASSPHRASE}
            >
              Export workspace…
            </ActionButton>
          </div>
          {exported && (
            <p role="status" className="muted">
              Saved as <code>{exported}</code> in your downloads.
            </p>
          )}
        </form>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!file) return;
            void readText(file).then((text) =>
              importWorkspace(text, importPass).then((ok) => ok && setImportPass('')),
            );
          }}
        >
          <div className="field">
            <label htmlFor="backup-file">Backup file</label>
            <input
              id="backup-file"
              type="file"
              accept="application/json,.json"
              className="input"
              onChange={(e) => {
                const f = e.target.files?.[0] ?? null;
                if (f && f.size > MAX_BACKUP_BYTES) {
                  setFile(null);
                  setFileError(
                    `This file is ${(f.size / 1024 / 1024).toFixed(1)} MB: a workspace backup is at most ${MAX_BACKUP_BYTES / 1024 / 1024} MB. Choose the file made by "Export workspace".`,
                  );
                  return;
                }
                setFileError(null);
                setFile(f);
              }}
            />
            {fileError && (
              <p className="hint alert-inline" role="alert">
                {fileError}
              </p>
            )}
          </div>
          <TextField
            label="Its passphrase"
            type="password"
            value={importPass}
            onChange={setImportPass}
            autoComplete="off"
          />
          <OpError op="importWorkspace" />
          <div className="actions-row">
            <ActionButton
              type="submit"
              variant="secondary"
              busy={importing.busy}
              disabled={locked || !file || !importPass}
            >
              Import workspace
            </ActionButton>
          </div>
          {imported && (
            <div role="status">
              <p>
                Imported {imported.profiles} profile{imported.profiles === 1 ? '' : 's'},{' '}
                {imported.keys} key{imported.keys === 1 ? '' : 's'} and {imported.secrets} secret
                {imported.secrets === 1 ? '' : 's'}.
              </p>
              {imported.skipped.length > 0 && (
                <p className="muted">
                  Skipped, already in this workspace: {imported.skipped.join('; ')}.
                </p>
              )}
            </div>
          )}
        </form>
      </div>
    </section>
  );
}

/** On every screen while the store cannot be written: the app works, nothing is saved. */
export function ReadOnlyStore() {
  const reason = useApp((s) => s.storage?.readOnly);
  if (!reason) return null;
  return (
    <div className="notice notice-error" role="alert" aria-label="Read-only store">
      <strong>Read-only: nothing you change is saved.</strong> {reason}
    </div>
  );
}

/** After "forgot the passphrase": where the old file went. */
export function KeptAsideNote() {
  const keptAside = useApp((s) => s.keptAside);
  if (!keptAside) return null;
  return (
    <div className="notice notice-info" role="status">
      A new workspace was started. The old file, with the secrets its passphrase opens, is kept at{' '}
      <code className="wrap-anywhere">{keptAside}</code> <CopyButton text={keptAside} what="path" />
    </div>
  );
}
