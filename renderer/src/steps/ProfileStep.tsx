import { useId, useState, type FormEvent } from 'react';
import { AUTH_METHODS, SIGNING_ALGS } from '../../../shared/types.js';
import type { AuthMethod, ProfileInput, ProfileView, SigningAlg } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { OpError } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/fields.js';
import { StepSection } from '../components/StepSection.js';
import { useActiveProfile, useApp, useOp } from '../store/index.js';
import { optional, toProfileInput } from '../store/profile-input.js';

export const DEFAULT_SCOPE = 'system/*.rs';
export const DEFAULT_RESOURCE_PATH = 'Patient?_count=1';

const METHOD_HINTS: Record<AuthMethod, string> = {
  private_key_jwt: 'A JWT signed with your private key (SMART Backend Services).',
  client_secret_basic: 'Client ID and secret in an HTTP Basic Authorization header.',
  client_secret_post: 'Client ID and secret in the form body.',
  none: 'Public client: no client authentication.',
};

function ProfileForm({ profile }: { profile: ProfileView | null }) {
  const keys = useApp((s) => s.keys);
  const saveProfile = useApp((s) => s.saveProfile);
  const { busy } = useOp('saveProfile');

  const [name, setName] = useState(profile?.name ?? '');
  const [fhirBaseUrl, setFhirBaseUrl] = useState(profile?.fhirBaseUrl ?? '');
  const [issuer, setIssuer] = useState(profile?.issuer ?? '');
  const [tokenEndpoint, setTokenEndpoint] = useState(profile?.tokenEndpoint ?? '');
  const [clientId, setClientId] = useState(profile?.clientId ?? '');
  const [scope, setScope] = useState(profile?.scope ?? DEFAULT_SCOPE);
  const [method, setMethod] = useState<AuthMethod>(profile?.auth.method ?? 'private_key_jwt');
  const [alg, setAlg] = useState<SigningAlg>(profile?.auth.alg ?? 'RS384');
  const [keyId, setKeyId] = useState(profile?.auth.keyId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  const [resourcePath, setResourcePath] = useState(profile?.resourcePath ?? DEFAULT_RESOURCE_PATH);
  const removeId = useId();

  const hasSecret = profile?.auth.hasClientSecret ?? false;
  const keyOptions = [
    { value: '', label: keys.length ? '— no key —' : '— no keys yet (see Keys) —' },
    ...keys
      .filter((k) => k.hasPrivateKey)
      .map((k) => ({ value: k.id, label: `${k.kid} (${k.alg}, ${k.kind})` })),
  ];
  if (keyId && !keys.some((k) => k.id === keyId)) {
    keyOptions.push({ value: keyId, label: `${profile?.auth.kid ?? keyId} (key not found)` });
  }

  function onKeyChange(id: string) {
    setKeyId(id);
    const key = keys.find((k) => k.id === id);
    if (key) setAlg(key.alg);
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const base = profile ? toProfileInput(profile) : undefined;
    const key = keys.find((k) => k.id === keyId);
    const kid = key
      ? key.kid
      : keyId
        ? base?.auth.kid
        : base?.auth.keyId
          ? undefined
          : base?.auth.kid;
    const input: ProfileInput = {
      ...base,
      name: name.trim(),
      fhirBaseUrl: optional(fhirBaseUrl),
      issuer: optional(issuer),
      tokenEndpoint: optional(tokenEndpoint),
      clientId: clientId.trim(),
      scope: scope.trim(),
      resourcePath: optional(resourcePath),
      auth: {
        ...base?.auth,
        method,
        alg,
        keyId: keyId || undefined,
        kid,
      },
    };
    if (profile) input.id = profile.id;
    if (clientSecret) input.auth.clientSecret = clientSecret;
    else if (removeSecret) input.auth.clientSecret = '';
    const saved = await saveProfile(input);
    if (saved) {
      setClientSecret('');
      setRemoveSecret(false);
    }
  }

  return (
    <form className="card form" onSubmit={onSubmit} aria-label="Profile settings" noValidate>
      <h3>{profile ? `Edit “${profile.name}”` : 'New profile'}</h3>
      <div className="grid-2">
        <TextField label="Profile name" value={name} onChange={setName} required />
        <TextField
          label="FHIR base URL"
          value={fhirBaseUrl}
          onChange={setFhirBaseUrl}
          type="url"
          mono
          placeholder="https://ehr.example.com/fhir/r4"
        />
        <TextField
          label="Issuer"
          value={issuer}
          onChange={setIssuer}
          type="url"
          mono
          placeholder="https://auth.example.com"
          hint="Authorization server issuer; optional when the FHIR base URL is enough for discovery."
        />
        <TextField
          label="Token endpoint"
          value={tokenEndpoint}
          onChange={setTokenEndpoint}
          type="url"
          mono
          placeholder="discovered when empty"
          hint="Optional — discovered when empty."
        />
        <TextField label="Client ID" value={clientId} onChange={setClientId} mono />
        <TextField
          label="Scope"
          value={scope}
          onChange={setScope}
          mono
          hint="Space-separated, e.g. system/*.rs or system/Patient.rs system/Observation.rs"
        />
      </div>
      <fieldset className="fieldset">
        <legend>Client authentication</legend>
        <div className="grid-2">
          <SelectField
            label="Auth method"
            value={method}
            onChange={setMethod}
            options={AUTH_METHODS}
            hint={METHOD_HINTS[method]}
          />
          <SelectField
            label="Signing algorithm"
            value={alg}
            onChange={setAlg}
            options={SIGNING_ALGS}
            hint="Used with private_key_jwt. SMART servers must accept RS384 or ES384."
          />
          <SelectField
            label="Signing key"
            value={keyId}
            onChange={onKeyChange}
            options={keyOptions}
            hint="Used with private_key_jwt. Sets the kid of the assertion."
          />
          <div>
            <TextField
              label="Client secret"
              value={clientSecret}
              onChange={setClientSecret}
              type="password"
              autoComplete="new-password"
              placeholder={hasSecret ? 'stored — type to replace' : 'not set'}
              hint={
                <>
                  Used with client_secret_basic / client_secret_post. Write-only: never shown again.{' '}
                  {hasSecret && <span className="badge badge-ok">stored</span>}
                </>
              }
            />
            {hasSecret && (
              <div className="check">
                <input
                  id={removeId}
                  type="checkbox"
                  checked={removeSecret}
                  onChange={(e) => setRemoveSecret(e.target.checked)}
                />
                <label htmlFor={removeId}>Remove stored secret</label>
              </div>
            )}
          </div>
        </div>
      </fieldset>
      <TextField
        label="Resource path"
        value={resourcePath}
        onChange={setResourcePath}
        mono
        hint="FHIR path the Resource request step GETs, relative to the FHIR base URL."
      />
      <OpError op="saveProfile" />
      <div className="actions-row">
        <ActionButton type="submit" busy={busy}>
          Save profile
        </ActionButton>
      </div>
    </form>
  );
}

function ProfileTools({ profile }: { profile: ProfileView }) {
  const deleteProfile = useApp((s) => s.deleteProfile);
  const exportProfile = useApp((s) => s.exportProfile);
  const exported = useApp((s) => s.exportedProfile);
  const del = useOp('deleteProfile');
  const exp = useOp('exportProfile');
  return (
    <div className="card">
      <h3>Share or remove</h3>
      <div className="actions-row">
        <ActionButton variant="secondary" busy={exp.busy} onClick={() => exportProfile(profile.id)}>
          Export
        </ActionButton>
        <ActionButton variant="danger" busy={del.busy} onClick={() => deleteProfile(profile.id)}>
          Delete
        </ActionButton>
      </div>
      <OpError op="exportProfile" />
      <OpError op="deleteProfile" />
      {exported?.profileId === profile.id && (
        <CodeBlock label="Profile JSON (no secrets)" what="profile JSON" text={exported.json} />
      )}
    </div>
  );
}

function ImportProfile() {
  const importProfile = useApp((s) => s.importProfile);
  const { busy } = useOp('importProfile');
  const [json, setJson] = useState('');
  return (
    <div className="card">
      <h3>Import a profile</h3>
      <TextField
        label="Profile JSON"
        value={json}
        onChange={setJson}
        multiline
        rows={5}
        mono
        hint="Paste a file made with Export. Secrets are never part of it."
      />
      <OpError op="importProfile" />
      <div className="actions-row">
        <ActionButton
          variant="secondary"
          busy={busy}
          disabled={!json.trim()}
          onClick={async () => {
            if (await importProfile(json)) setJson('');
          }}
        >
          Import
        </ActionButton>
      </div>
    </div>
  );
}

export function ProfileStep() {
  const profiles = useApp((s) => s.profiles);
  const activeProfileId = useApp((s) => s.activeProfileId);
  const storage = useApp((s) => s.storage);
  const selectProfile = useApp((s) => s.selectProfile);
  const active = useActiveProfile();

  return (
    <StepSection
      id="profile"
      title="Profile"
      intro="Which server you talk to and who you are to it: client ID, auth method and key."
    >
      {storage?.warning && (
        <div className="notice notice-warning" role="note">
          {storage.warning}
        </div>
      )}
      {storage && storage.quarantined.length > 0 && (
        <div className="notice notice-warning" role="note">
          Unreadable store files were moved aside: {storage.quarantined.join(', ')}
        </div>
      )}
      <div className="toolbar">
        {profiles.length > 0 && (
          <ul className="profile-list" aria-label="Profiles">
            {profiles.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="profile-item"
                  aria-current={p.id === activeProfileId ? 'true' : undefined}
                  onClick={() => selectProfile(p.id)}
                >
                  <span className="profile-item-name">{p.name}</span>
                  <span className="profile-item-detail">
                    {p.clientId || 'no client ID'} · {p.auth.method}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <button type="button" className="btn btn-secondary" onClick={() => selectProfile(null)}>
          New profile
        </button>
      </div>
      {profiles.length === 0 && (
        <p className="empty">No profiles yet — fill in the form and press Save profile.</p>
      )}
      <ProfileForm key={active?.id ?? 'new'} profile={active} />
      {active && <ProfileTools profile={active} />}
      <ImportProfile />
    </StepSection>
  );
}
