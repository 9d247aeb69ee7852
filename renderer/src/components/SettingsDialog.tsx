/**
 * Settings (issue 13): the app's request timeout, clock-skew tolerance, proxy and theme, and for
 * the active profile its TLS trust (a CA certificate chosen by file, or a CA file path; the
 * self-signed opt-in with its warning) and a timeout override. A modal dialog opened from the
 * header: labelled fields, problems said in words at the field, Save and Cancel, Escape closes,
 * focus goes back to the Settings button.
 */
import {
  useEffect,
  useId,
  useRef,
  useState,
  type ChangeEvent,
  type FormEvent,
  type ReactNode,
  type Ref,
} from 'react';
import { createPortal } from 'react-dom';
import {
  MAX_CA_PEM,
  TIMEOUT_RANGE,
  secondsProblem,
  settingsProblems,
  type AppSettings,
  type AppSettingsInput,
  type ProfileTls,
  type ProxyMode,
  type ThemeChoice,
} from '../../../shared/types-settings.js';
import type { ProfileInput, ProfileView } from '../../../shared/types.js';
import { useActions, useActiveProfile, useApp } from '../store/index.js';
import { toProfileInput } from '../store/profile-input.js';
import { SafeText } from './SafeText.js';
import { keepFocusInside } from './focus-trap.js';

/** The header button that opens the dialog (and gets the focus back when it closes). */
export function SettingsButton() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const loaded = useApp((s) => s.appSettings !== null);
  const { loadSettings } = useActions('loadSettings');
  const wasOpen = useRef(false);
  // When the header appears (the engine is connected by then); a failed read is not retried.
  useEffect(() => {
    if (!loaded) void loadSettings();
  }, [loaded, loadSettings]);
  useEffect(() => {
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <>
      <button
        ref={button}
        type="button"
        className="btn btn-secondary btn-small"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        Settings
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  );
}

/** A file's text (FileReader: works in every host, also where Blob.text is missing). */
function readText(f: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result ?? ''));
    r.onerror = () => reject(r.error ?? new Error('unreadable'));
    r.readAsText(f);
  });
}

interface Draft {
  timeout: string;
  skew: string;
  proxyMode: ProxyMode;
  proxyUrl: string;
  proxyUsername: string;
  /** '' keeps the stored password. */
  proxyPassword: string;
  removePassword: boolean;
  theme: ThemeChoice;
  allowSelfSigned: boolean;
  caPem?: string;
  caName?: string;
  caPath: string;
  profileTimeout: string;
}

function draftOf(s: AppSettings | null, p: ProfileView | null): Draft {
  return {
    timeout: String(s?.requestTimeoutSec ?? 30),
    skew: String(s?.clockSkewSec ?? 60),
    proxyMode: s?.proxy.mode ?? 'system',
    proxyUrl: s?.proxy.url ?? '',
    proxyUsername: s?.proxy.username ?? '',
    proxyPassword: '',
    removePassword: false,
    theme: s?.theme ?? 'system',
    allowSelfSigned: !!p?.tls?.allowSelfSigned,
    ...(p?.tls?.caPem ? { caPem: p.tls.caPem } : {}),
    ...(p?.tls?.caName ? { caName: p.tls.caName } : {}),
    caPath: p?.tls?.caPath ?? '',
    profileTimeout: p?.requestTimeoutSec !== undefined ? String(p.requestTimeoutSec) : '',
  };
}

type FieldKey =
  'requestTimeoutSec' | 'clockSkewSec' | 'proxyUrl' | 'proxyUsername' | 'profileTimeout' | 'ca';

const num = (v: string) => (v.trim() === '' ? NaN : Number(v.trim()));

/** The problems of the draft, by field, in words. */
function problemsOf(d: Draft, app: AppSettingsInput): Partial<Record<FieldKey, string>> {
  const out: Partial<Record<FieldKey, string>> = { ...settingsProblems(app) };
  if (d.profileTimeout.trim() !== '') {
    const p = secondsProblem(num(d.profileTimeout), TIMEOUT_RANGE, 'Request timeout');
    if (p) out.profileTimeout = p;
  }
  return out;
}

function appInput(d: Draft): AppSettingsInput {
  const password = d.removePassword ? '' : d.proxyPassword || undefined;
  return {
    requestTimeoutSec: num(d.timeout),
    clockSkewSec: num(d.skew),
    theme: d.theme,
    proxy: {
      mode: d.proxyMode,
      ...(d.proxyUrl.trim() ? { url: d.proxyUrl.trim() } : {}),
      username: d.proxyUsername.trim(),
      ...(password !== undefined ? { password } : {}),
    },
  };
}

/** The profile saved with its new TLS and timeout, or undefined when they did not change. */
function profileInput(d: Draft, p: ProfileView | null): ProfileInput | undefined {
  if (!p) return undefined;
  const tls: ProfileTls = {
    ...(d.caPath.trim() ? { caPath: d.caPath.trim() } : {}),
    ...(d.caPem ? { caPem: d.caPem } : {}),
    ...(d.caPem && d.caName ? { caName: d.caName } : {}),
    ...(d.allowSelfSigned ? { allowSelfSigned: true } : {}),
  };
  const timeout = d.profileTimeout.trim() === '' ? undefined : num(d.profileTimeout);
  const before = JSON.stringify([p.tls ?? {}, p.requestTimeoutSec]);
  if (before === JSON.stringify([tls, timeout])) return undefined;
  const { tls: _tls, requestTimeoutSec: _t, ...rest } = toProfileInput(p);
  return {
    ...rest,
    ...(Object.keys(tls).length ? { tls } : {}),
    ...(timeout !== undefined ? { requestTimeoutSec: timeout } : {}),
  };
}

const FIELD_ORDER: FieldKey[] = [
  'requestTimeoutSec',
  'clockSkewSec',
  'proxyUrl',
  'proxyUsername',
  'ca',
  'profileTimeout',
];

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const settings = useApp((s) => s.appSettings);
  const busy = useApp((s) => s.settingsBusy);
  const saveError = useApp((s) => s.settingsError);
  const profile = useActiveProfile();
  const { saveSettingsAndProfile, dismissSettingsError } = useActions(
    'saveSettingsAndProfile',
    'dismissSettingsError',
  );
  const [draft, setDraft] = useState(() => draftOf(settings, profile));
  const [shown, setShown] = useState<Partial<Record<FieldKey, string>>>({});
  const titleId = useId();
  const form = useRef<HTMLFormElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const upd = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  useEffect(() => {
    dismissSettingsError();
    first.current?.focus();
  }, [dismissSettingsError]);

  const caError =
    shown.ca ??
    (saveError?.where === 'profile' && /tls\.|CA file/i.test(saveError.error.message)
      ? saveError.error.message.replace(/^tls\.caPem: /, '')
      : undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const app = appInput(draft);
    const problems = problemsOf(draft, app);
    setShown(problems);
    const bad = FIELD_ORDER.find((k) => problems[k]);
    if (bad) {
      form.current?.querySelector<HTMLElement>(`[data-field="${bad}"]`)?.focus();
      return;
    }
    if (await saveSettingsAndProfile(app, profileInput(draft, profile))) onClose();
  }

  async function chooseCa(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > MAX_CA_PEM) {
      setShown((s) => ({
        ...s,
        ca: `${file.name} is too large for a CA certificate (at most ${MAX_CA_PEM / 1024} KB).`,
      }));
      return;
    }
    let text: string;
    try {
      text = await readText(file);
    } catch {
      setShown((s) => ({ ...s, ca: `${file.name} could not be read; choose it again.` }));
      return;
    }
    setShown(({ ca: _ca, ...s }) => s);
    upd({ caPem: text, caName: file.name });
  }

  return createPortal(
    <div
      className="settings-overlay"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
        if (e.key === 'Tab') keepFocusInside(e);
      }}
    >
      <div role="dialog" aria-modal="true" aria-labelledby={titleId} className="settings-dialog">
        <form ref={form} onSubmit={(e) => void submit(e)} noValidate>
          <div className="settings-header">
            <h2 id={titleId}>Settings</h2>
          </div>
          <div className="settings-body">
            {settings?.notice && (
              <p className="warn-text" role="status">
                <SafeText text={settings.notice} />
              </p>
            )}
            {saveError?.where === 'app' && (
              <p className="alert-inline" role="alert">
                <SafeText text={saveError.error.message} />
                {saveError.error.fix && (
                  <>
                    {' '}
                    <SafeText text={saveError.error.fix} />
                  </>
                )}
              </p>
            )}
            <fieldset className="settings-section">
              <legend>App</legend>
              <div className="settings-grid">
                <NumberField
                  label="Request timeout (seconds)"
                  field="requestTimeoutSec"
                  value={draft.timeout}
                  onChange={(timeout) => upd({ timeout })}
                  error={shown.requestTimeoutSec}
                  hint="How long to wait for a complete answer, 1 to 600."
                  inputRef={first}
                />
                <NumberField
                  label="Clock-skew tolerance (seconds)"
                  field="clockSkewSec"
                  value={draft.skew}
                  onChange={(skew) => upd({ skew })}
                  error={shown.clockSkewSec}
                  hint="Accepted difference when exp, iat and nbf are judged."
                />
                <div className="field">
                  <label htmlFor={`${titleId}-theme`}>Theme</label>
                  <select
                    id={`${titleId}-theme`}
                    className="input"
                    value={draft.theme}
                    onChange={(e) => upd({ theme: e.target.value as ThemeChoice })}
                  >
                    <option value="system">Follow the system</option>
                    <option value="light">Light</option>
                    <option value="dark">Dark</option>
                  </select>
                </div>
              </div>
              <fieldset className="settings-radios">
                <legend>Proxy</legend>
                <Radio
                  name={`${titleId}-proxy`}
                  checked={draft.proxyMode === 'system'}
                  onChange={() => upd({ proxyMode: 'system' })}
                  label="System (HTTPS_PROXY / HTTP_PROXY)"
                  note={
                    settings?.proxy.fromEnvironment
                      ? `In use: ${settings.proxy.fromEnvironment}`
                      : 'None set in the environment: requests go direct.'
                  }
                />
                <Radio
                  name={`${titleId}-proxy`}
                  checked={draft.proxyMode === 'none'}
                  onChange={() => upd({ proxyMode: 'none' })}
                  label="No proxy"
                />
                <Radio
                  name={`${titleId}-proxy`}
                  checked={draft.proxyMode === 'custom'}
                  onChange={() => upd({ proxyMode: 'custom' })}
                  label="Custom proxy"
                />
              </fieldset>
              {draft.proxyMode === 'custom' && (
                <div className="settings-grid">
                  <TextInput
                    label="Proxy URL"
                    field="proxyUrl"
                    value={draft.proxyUrl}
                    onChange={(proxyUrl) => upd({ proxyUrl })}
                    error={shown.proxyUrl}
                    placeholder="http://proxy.example:3128"
                    wide
                  />
                  <TextInput
                    label="Proxy username"
                    field="proxyUsername"
                    value={draft.proxyUsername}
                    onChange={(proxyUsername) => upd({ proxyUsername })}
                    error={shown.proxyUsername}
                    hint="Optional: basic credentials for the proxy."
                  />
                  <TextInput
                    label="Proxy password"
                    type="password"
                    value={draft.proxyPassword}
                    onChange={(proxyPassword) => upd({ proxyPassword, removePassword: false })}
                    hint={
                      settings?.proxy.hasPassword
                        ? 'A password is stored (encrypted); leave empty to keep it.'
                        : 'Stored encrypted with the other secrets; never shown again.'
                    }
                  />
                  {settings?.proxy.hasPassword && (
                    <label className="settings-check">
                      <input
                        type="checkbox"
                        checked={draft.removePassword}
                        onChange={(e) =>
                          upd({ removePassword: e.target.checked, proxyPassword: '' })
                        }
                      />
                      Remove the stored proxy password
                    </label>
                  )}
                </div>
              )}
              {!settings?.persisted && settings && (
                <p className="hint">
                  This workspace is not saved: the settings last for this session.
                </p>
              )}
            </fieldset>

            <fieldset className="settings-section">
              <legend>This profile{profile ? `: ${profile.name}` : ''}</legend>
              {!profile ? (
                <p className="empty">
                  No profile selected. Create or select one in the Profile step to set its TLS trust
                  and timeout.
                </p>
              ) : (
                <ProfilePart
                  draft={draft}
                  upd={upd}
                  appTimeout={settings?.requestTimeoutSec ?? 30}
                  timeoutError={shown.profileTimeout}
                  caError={caError}
                  profileError={
                    saveError?.where === 'profile' && !caError ? saveError.error.message : undefined
                  }
                  chooseCa={(e) => void chooseCa(e)}
                />
              )}
            </fieldset>
          </div>
          <div className="settings-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="btn btn-secondary" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>,
    document.body,
  );
}

function ProfilePart({
  draft,
  upd,
  appTimeout,
  timeoutError,
  caError,
  profileError,
  chooseCa,
}: {
  draft: Draft;
  upd: (patch: Partial<Draft>) => void;
  appTimeout: number;
  timeoutError: string | undefined;
  caError: string | undefined;
  profileError: string | undefined;
  chooseCa: (e: ChangeEvent<HTMLInputElement>) => void;
}) {
  const id = useId();
  return (
    <>
      {profileError && (
        <p className="alert-inline" role="alert">
          <SafeText text={profileError} />
        </p>
      )}
      <label className="settings-check">
        <input
          type="checkbox"
          checked={draft.allowSelfSigned}
          onChange={(e) => upd({ allowSelfSigned: e.target.checked })}
        />
        Allow self-signed certificates
      </label>
      {draft.allowSelfSigned && (
        <p className="settings-warning" role="note">
          Certificate checks are OFF for this profile: anyone on the network path can read and
          change the traffic, tokens included. Use it only for a test server you control; every
          exchange is marked in the Timeline. A custom CA below is the safer choice.
        </p>
      )}
      <div className="field">
        <span className="label" id={`${id}-ca`}>
          Custom CA certificate
        </span>
        <p className="settings-ca">
          {draft.caPem ? (
            <>
              In use: <code>{draft.caName ?? 'chosen file'}</code>{' '}
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => upd({ caPem: undefined, caName: undefined })}
              >
                Remove CA certificate
              </button>
            </>
          ) : (
            <span className="muted">
              None: only the public certificate authorities are trusted.
            </span>
          )}
        </p>
        <label htmlFor={`${id}-file`}>CA certificate file (PEM)</label>
        <input
          id={`${id}-file`}
          data-field="ca"
          type="file"
          className="input"
          accept=".pem,.crt,.cer,application/x-pem-file"
          aria-invalid={caError ? true : undefined}
          aria-describedby={`${id}-file-hint${caError ? ` ${id}-file-error` : ''}`}
          onChange={chooseCa}
        />
        <p id={`${id}-file-hint`} className="hint">
          Trusted beside the public authorities; kept in the profile, so it works on the desktop and
          in the browser alike.
        </p>
        {caError && (
          <p id={`${id}-file-error`} className="field-error">
            <SafeText text={caError} />
          </p>
        )}
      </div>
      <div className="settings-grid">
        <TextInput
          label="CA file path (optional)"
          value={draft.caPath}
          onChange={(caPath) => upd({ caPath })}
          placeholder="/etc/ssl/certs/hospital-ca.pem"
          hint="A file on the machine the engine runs on, read at each connection."
          wide
        />
        <NumberField
          label="Request timeout for this profile (seconds)"
          field="profileTimeout"
          value={draft.profileTimeout}
          onChange={(profileTimeout) => upd({ profileTimeout })}
          error={timeoutError}
          hint={`Empty: the app setting (${appTimeout} s).`}
          placeholder={String(appTimeout)}
        />
      </div>
    </>
  );
}

function Radio({
  name,
  checked,
  onChange,
  label,
  note,
}: {
  name: string;
  checked: boolean;
  onChange: () => void;
  label: string;
  note?: string;
}) {
  return (
    <label className="settings-radio">
      <input type="radio" name={name} checked={checked} onChange={onChange} />
      <span>
        {label}
        {note && checked && (
          <span className="hint settings-radio-note">
            <SafeText text={note} />
          </span>
        )}
      </span>
    </label>
  );
}

interface InputProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  field?: FieldKey;
  error?: string | undefined;
  hint?: ReactNode;
  placeholder?: string;
  type?: 'text' | 'password';
  wide?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  inputMode?: 'numeric';
}

/** A labelled input whose problem is said under it (aria-invalid, aria-describedby). */
function TextInput({
  label,
  value,
  onChange,
  field,
  error,
  hint,
  placeholder,
  type = 'text',
  wide,
  inputRef,
  inputMode,
}: InputProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field${wide ? ' settings-wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        data-field={field}
        type={type}
        className="input"
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        inputMode={inputMode}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          <SafeText text={error} />
        </p>
      )}
    </div>
  );
}

function NumberField(props: Omit<InputProps, 'type' | 'inputMode'>) {
  return <TextInput {...props} inputMode="numeric" />;
}
