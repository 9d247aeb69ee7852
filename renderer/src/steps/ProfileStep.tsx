import { FLOW_HINTS, FLOW_LABELS, FLOW_SHORT, SCOPE_PRESETS } from '../flow-ui.js';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { AUTH_METHODS, FLOW_KINDS, HMAC_ALGS, SIGNING_ALGS } from '../../../shared/types.js';
import type {
  AuthMethod,
  FlowKind,
  HmacAlg,
  PkceMode,
  ProfileInput,
  ProfileView,
  SigningAlg,
} from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { OpError } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/fields.js';
import { StepSection } from '../components/StepSection.js';
import { useActiveProfile, useApp, useOp } from '../store/index.js';
import { optional, toProfileInput } from '../store/profile-input.js';
import { flowShows } from '../store/steps.js';
import { NewFromPreset, PresetDefaults } from './VendorPreset.js';
import { WorkspaceBackup } from '../components/Workspace.js';
import { ImportProfile, ProfileList, ProfileTools, UndoDelete } from './ProfileManagement.js';
import {
  ENDPOINT_LABELS,
  FIELD_LABELS,
  REGISTRATION_LABELS,
  fieldErrorsOf,
} from './profile-fields.js';
import { PracticeServer } from '../components/PracticeServer.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import {
  SERVER_IDS,
  SERVER_NAMES,
  type ServerId,
} from '../../../shared/diagnosis/dialects/types.js';

export const DEFAULT_SCOPE = 'system/*.rs';
export const DEFAULT_RESOURCE_PATH = 'Patient?_count=1';

const METHOD_HINTS: Record<AuthMethod, string> = {
  private_key_jwt: 'A JWT signed with your private key (SMART Backend Services).',
  client_secret_jwt: 'A JWT signed with the client secret (HMAC, HS256/384/512).',
  client_secret_basic: 'Client ID and secret in an HTTP Basic Authorization header.',
  client_secret_post: 'Client ID and secret in the form body.',
  none: 'Public client: no client authentication (use PKCE).',
};

const isPreset = (scope: string) =>
  scope.trim() === '' ||
  Object.values(SCOPE_PRESETS).some((list) => list.some((p) => p.scope === scope.trim()));

const PKCE_OPTIONS: { value: PkceMode; label: string }[] = [
  { value: 'S256', label: 'S256 (recommended)' },
  { value: 'plain', label: 'plain (SMART forbids it)' },
  { value: 'off', label: 'off (no PKCE)' },
];

const PKCE_WARNINGS: Partial<Record<PkceMode, string>> = {
  plain:
    'plain sends the code verifier itself through the browser. SMART App Launch requires S256; choose plain only to test how a server treats it.',
  off: 'Without PKCE a stolen code can be redeemed. SMART and OAuth 2.1 servers refuse requests without a code_challenge; choose off only to test that.',
};

const APPLICATION_TYPES = [
  { value: '', label: 'Server default' },
  { value: 'web', label: 'web (RFC 7591)' },
  { value: 'native', label: 'native (RFC 7591: loopback / custom-scheme redirects)' },
  { value: 'private', label: 'private (OpenEMR: confidential client)' },
  { value: 'public', label: 'public (OpenEMR: public client)' },
];

const KEY_DELIVERY = [
  { value: '', label: 'Automatic: jwks_uri when set, else the key by value' },
  { value: 'jwks_uri', label: 'jwks_uri (your JWKS URL)' },
  { value: 'jwks', label: 'jwks (the public key by value)' },
] as const;

type Alg = SigningAlg | HmacAlg;
const isHmac = (alg: Alg): alg is HmacAlg => (HMAC_ALGS as readonly string[]).includes(alg);

/** "launch=xyz" lines to parameter pairs; blank lines are skipped. */
export function parseParamLines(text: string): [string, string][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf('=');
      return i < 0 ? [l, ''] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
    });
}

const paramLines = (params: [string, string][] | undefined) =>
  (params ?? []).map(([n, v]) => `${n}=${v}`).join('\n');

function ScopePresets({ flow, onPick }: { flow: FlowKind; onPick: (scope: string) => void }) {
  const labelId = useId();
  return (
    <div className="presets" role="group" aria-labelledby={labelId}>
      <span id={labelId} className="presets-label">
        Presets for {FLOW_SHORT[flow]}:
      </span>
      {SCOPE_PRESETS[flow].map((p) => (
        <button
          key={p.scope}
          type="button"
          className="btn btn-small btn-secondary preset"
          title={p.scope}
          onClick={() => onPick(p.scope)}
        >
          {p.label}
        </button>
      ))}
    </div>
  );
}

const SERVER_OPTIONS: { value: ServerId | ''; label: string }[] = [
  { value: '', label: 'Detect from the URLs' },
  ...SERVER_IDS.map((id) => ({ value: id, label: SERVER_NAMES[id] })),
];

function SecretField({
  label,
  value,
  onChange,
  stored,
  remove,
  onRemove,
  hint,
  needsReentry = false,
  error,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  stored: boolean;
  remove: boolean;
  onRemove: (v: boolean) => void;
  hint: string;
  /** Stored but undecryptable here (damaged, or another machine's): to be typed again. */
  needsReentry?: boolean;
  error?: string;
}) {
  const removeId = useId();
  return (
    <div>
      <TextField
        label={label}
        value={value}
        onChange={onChange}
        type="password"
        autoComplete="new-password"
        error={error}
        placeholder={
          needsReentry ? 'needs re-entry' : stored ? 'stored — type to replace' : 'not set'
        }
        hint={
          <>
            {hint} Write-only: never shown again.{' '}
            {stored && <span className="badge badge-ok">stored</span>}
            {needsReentry && (
              <>
                <span className="badge badge-warning">needs re-entry</span> The stored value cannot
                be decrypted here (damaged, or from another machine): type it again.
              </>
            )}
          </>
        }
      />
      {stored && (
        <div className="check">
          <input
            id={removeId}
            type="checkbox"
            checked={remove}
            onChange={(e) => onRemove(e.target.checked)}
          />
          <label htmlFor={removeId}>Remove stored {label.toLowerCase()}</label>
        </div>
      )}
    </div>
  );
}

function ProfileForm({ profile }: { profile: ProfileView | null }) {
  const keys = useApp((s) => s.keys);
  const saveProfile = useApp((s) => s.saveProfile);
  const { busy } = useOp('saveProfile');
  const dismissError = useApp((s) => s.dismissError);
  const formRef = useRef<HTMLFormElement>(null);
  /** Errors at the fields, by label; set from the parser's answer to a save. */
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [focusInvalid, setFocusInvalid] = useState(0);
  const err = (label: string) => errors[label];

  useEffect(() => {
    if (!focusInvalid) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusInvalid]);

  const [name, setName] = useState(profile?.name ?? '');
  const [group, setGroup] = useState(profile?.group ?? '');
  const [environment, setEnvironment] = useState(profile?.environment ?? '');
  const [flow, setFlow] = useState<FlowKind>(profile ? effectiveFlow(profile) : 'backend-services');
  const [fhirBaseUrl, setFhirBaseUrl] = useState(profile?.fhirBaseUrl ?? '');
  const [issuer, setIssuer] = useState(profile?.issuer ?? '');
  const [clientId, setClientId] = useState(profile?.clientId ?? '');
  const [scope, setScope] = useState(profile?.scope ?? DEFAULT_SCOPE);
  // Endpoints
  const [tokenEndpoint, setTokenEndpoint] = useState(profile?.tokenEndpoint ?? '');
  const [authorizationEndpoint, setAuthorizationEndpoint] = useState(
    profile?.authorizationEndpoint ?? '',
  );
  const [registrationEndpoint, setRegistrationEndpoint] = useState(
    profile?.registrationEndpoint ?? '',
  );
  const [introspectionEndpoint, setIntrospectionEndpoint] = useState(
    profile?.introspectionEndpoint ?? '',
  );
  const [revocationEndpoint, setRevocationEndpoint] = useState(profile?.revocationEndpoint ?? '');
  const [userinfoEndpoint, setUserinfoEndpoint] = useState(profile?.userinfoEndpoint ?? '');
  const [endSessionEndpoint, setEndSessionEndpoint] = useState(profile?.endSessionEndpoint ?? '');
  // Device authorization grant
  const [deviceAuthorizationEndpoint, setDeviceAuthorizationEndpoint] = useState(
    profile?.deviceAuthorizationEndpoint ?? '',
  );
  // Authorization code
  const [redirectUri, setRedirectUri] = useState(profile?.redirectUri ?? '');
  const [postLogoutRedirectUri, setPostLogoutRedirectUri] = useState(
    profile?.postLogoutRedirectUri ?? '',
  );
  const [pkce, setPkce] = useState<PkceMode>(profile?.pkce ?? 'S256');
  const [authorizeParams, setAuthorizeParams] = useState(paramLines(profile?.authorizeParams));
  // Password grant
  const [username, setUsername] = useState(profile?.username ?? '');
  const [password, setPassword] = useState('');
  const [removePassword, setRemovePassword] = useState(false);
  // Client authentication
  const [method, setMethod] = useState<AuthMethod>(profile?.auth.method ?? 'private_key_jwt');
  const [alg, setAlg] = useState<Alg>(profile?.auth.alg ?? 'RS384');
  const [keyId, setKeyId] = useState(profile?.auth.keyId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  const [sendClientId, setSendClientId] = useState(profile?.auth.sendClientId ?? false);
  const [server, setServer] = useState<ServerId | ''>(profile?.server ?? '');
  const [introspectionToken, setIntrospectionToken] = useState('');
  const [removeIntrospectionToken, setRemoveIntrospectionToken] = useState(false);
  // Registration metadata
  const [applicationType, setApplicationType] = useState(
    profile?.registration?.applicationType ?? '',
  );
  const [clientName, setClientName] = useState(profile?.registration?.clientName ?? '');
  const [contacts, setContacts] = useState((profile?.registration?.contacts ?? []).join(', '));
  const [keyDelivery, setKeyDelivery] = useState<'' | 'jwks_uri' | 'jwks'>(
    profile?.registration?.keyDelivery ?? '',
  );
  const [jwksUri, setJwksUri] = useState(profile?.jwksUri ?? '');
  const [resourcePath, setResourcePath] = useState(profile?.resourcePath ?? DEFAULT_RESOURCE_PATH);

  const sendClientIdId = useId();
  const hasSecret = profile?.auth.hasClientSecret ?? false;
  const hasPassword = profile?.hasPassword ?? false;
  const hmac = method === 'client_secret_jwt';
  const usesSecret = method.startsWith('client_secret');
  const keyOptions = [
    { value: '', label: keys.length ? '— no key —' : '— no keys yet (see Keys) —' },
    ...keys
      .filter((k) => k.hasPrivateKey)
      .map((k) => ({ value: k.id, label: `${k.kid} (${k.alg}, ${k.kind})` })),
  ];
  if (keyId && !keys.some((k) => k.id === keyId)) {
    keyOptions.push({ value: keyId, label: `${profile?.auth.kid ?? keyId} (key not found)` });
  }
  const appTypeOptions = APPLICATION_TYPES.some((o) => o.value === applicationType)
    ? APPLICATION_TYPES
    : [...APPLICATION_TYPES, { value: applicationType, label: applicationType }];
  const endpointsSet = [
    tokenEndpoint,
    authorizationEndpoint,
    registrationEndpoint,
    introspectionEndpoint,
    revocationEndpoint,
    userinfoEndpoint,
    endSessionEndpoint,
  ].some((v) => v.trim());

  function onKeyChange(id: string) {
    setKeyId(id);
    const key = keys.find((k) => k.id === id);
    if (key && !hmac) setAlg(key.alg);
  }

  function onMethodChange(m: AuthMethod) {
    setMethod(m);
    if (m === 'client_secret_jwt' && !isHmac(alg)) setAlg('HS256');
    if (m !== 'client_secret_jwt' && isHmac(alg)) {
      setAlg(keys.find((k) => k.id === keyId)?.alg ?? 'RS384');
    }
  }

  function onFlowChange(f: FlowKind) {
    setFlow(f);
    // A scope the user typed stays; a preset (or nothing) follows the flow.
    if (isPreset(scope)) setScope(SCOPE_PRESETS[f][0]!.scope);
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
    const contactList = contacts
      .split(/[\s,;]+/)
      .map((c) => c.trim())
      .filter(Boolean);
    const registration = Object.fromEntries(
      Object.entries({
        ...base?.registration,
        applicationType: optional(applicationType),
        clientName: optional(clientName),
        contacts: contactList.length ? contactList : undefined,
        keyDelivery: keyDelivery || undefined,
      }).filter(([, v]) => v !== undefined),
    ) as NonNullable<ProfileInput['registration']>;
    const params = parseParamLines(authorizeParams);
    const input: ProfileInput = {
      ...base,
      name: name.trim(),
      group: optional(group),
      environment: optional(environment),
      flow,
      fhirBaseUrl: optional(fhirBaseUrl),
      issuer: optional(issuer),
      tokenEndpoint: optional(tokenEndpoint),
      authorizationEndpoint: optional(authorizationEndpoint),
      registrationEndpoint: optional(registrationEndpoint),
      introspectionEndpoint: optional(introspectionEndpoint),
      revocationEndpoint: optional(revocationEndpoint),
      userinfoEndpoint: optional(userinfoEndpoint),
      endSessionEndpoint: optional(endSessionEndpoint),
      deviceAuthorizationEndpoint: optional(deviceAuthorizationEndpoint),
      jwksUri: optional(jwksUri),
      clientId: clientId.trim(),
      scope: scope.trim(),
      redirectUri: optional(redirectUri),
      postLogoutRedirectUri: optional(postLogoutRedirectUri),
      pkce: flow === 'authorization-code' || base?.pkce ? pkce : undefined,
      authorizeParams: params.length ? params : undefined,
      username: optional(username),
      registration: Object.keys(registration).length ? registration : undefined,
      resourcePath: optional(resourcePath),
      server: server || undefined,
      auth: {
        ...base?.auth,
        method,
        alg,
        keyId: keyId || undefined,
        kid,
        sendClientId: (method === 'private_key_jwt' || hmac) && sendClientId ? true : undefined,
      },
    };
    if (profile) input.id = profile.id;
    if (clientSecret) input.auth.clientSecret = clientSecret;
    else if (removeSecret) input.auth.clientSecret = '';
    if (password) input.password = password;
    else if (removePassword) input.password = '';
    if (introspectionToken) input.introspectionToken = introspectionToken;
    else if (removeIntrospectionToken) input.introspectionToken = '';
    const saved = await saveProfile(input);
    const refused = useApp.getState().ops.saveProfile?.error;
    const atFields = refused?.fields ? fieldErrorsOf(refused.fields) : {};
    setErrors(atFields);
    if (Object.keys(atFields).length) {
      // Every refused field is shown at its place: no banner with the parser's paths as well.
      if (
        refused!.fields!.every((f) =>
          FIELD_LABELS.some(([p]) => f.path === p || f.path.startsWith(`${p}.`)),
        )
      )
        dismissError('saveProfile');
      setFocusInvalid((n) => n + 1);
    }
    if (saved) {
      setIntrospectionToken('');
      setRemoveIntrospectionToken(false);
      setClientSecret('');
      setRemoveSecret(false);
      setPassword('');
      setRemovePassword(false);
    }
  }

  return (
    <form
      ref={formRef}
      className="card form"
      onSubmit={onSubmit}
      aria-label="Profile settings"
      noValidate
    >
      <h3>{profile ? `Edit “${profile.name}”` : 'New profile'}</h3>
      <PresetDefaults vendor={profile?.vendor} flow={flow} />
      <div className="grid-2">
        <TextField
          label="Profile name"
          value={name}
          onChange={setName}
          required
          error={err('Profile name')}
        />
        <SelectField
          label="Flow"
          error={err('Flow')}
          value={flow}
          onChange={onFlowChange}
          options={FLOW_KINDS.map((f) => ({ value: f, label: FLOW_LABELS[f] }))}
          hint={FLOW_HINTS[flow]}
        />
        <TextField
          label="FHIR base URL"
          error={err('FHIR base URL')}
          value={fhirBaseUrl}
          onChange={setFhirBaseUrl}
          type="url"
          mono
          placeholder="https://ehr.example.com/fhir/r4"
        />
        <TextField
          label="Issuer"
          error={err('Issuer')}
          value={issuer}
          onChange={setIssuer}
          type="url"
          mono
          placeholder="https://auth.example.com"
          hint="Authorization server issuer; optional when the FHIR base URL is enough for discovery."
        />
        <TextField
          label="Client ID"
          error={err('Client ID')}
          value={clientId}
          onChange={setClientId}
          mono
          placeholder="empty until registered"
        />
      </div>
      <TextField
        label="Scope"
        error={err('Scope')}
        value={scope}
        onChange={setScope}
        mono
        hint={
          flow === 'backend-services'
            ? 'Space-separated, e.g. system/*.rs or system/Patient.rs system/Observation.rs'
            : 'Space-separated; openid for an id_token, offline_access for a refresh token.'
        }
      />
      <ScopePresets flow={flow} onPick={setScope} />
      <div className="grid-2">
        <TextField
          label="Group"
          value={group}
          onChange={setGroup}
          placeholder="e.g. Acme EHR"
          hint="Environments of one server (sandbox, production) share a group and its settings."
          error={err('Group')}
        />
        <TextField
          label="Environment"
          value={environment}
          onChange={setEnvironment}
          placeholder="e.g. sandbox, production"
          error={err('Environment')}
        />
      </div>

      {flowShows(flow, 'browser-sign-in') && (
        <fieldset className="fieldset">
          <legend>Browser sign-in</legend>
          <TextField
            label="Redirect URI"
            error={err('Redirect URI')}
            value={redirectUri}
            onChange={setRedirectUri}
            mono
            placeholder="empty = loopback listener on 127.0.0.1 with a random port (RFC 8252)"
            hint="Empty or http://127.0.0.1[:port]/…: the app listens for the redirect once. Anything else (a registered https URL, oauth-flow-debugger://callback): you paste the redirect URL back."
          />
          <TextField
            label="Post-logout redirect URI"
            error={err('Post-logout redirect URI')}
            value={postLogoutRedirectUri}
            onChange={setPostLogoutRedirectUri}
            mono
            placeholder="optional, e.g. https://app.example.com/logged-out"
            hint="Sent with Log out (with a fresh state) so the server sends the browser back there; registered with the client as post_logout_redirect_uris."
          />
          <div className="grid-2">
            <div>
              <SelectField
                label="PKCE"
                error={err('PKCE')}
                value={pkce}
                onChange={setPkce}
                options={PKCE_OPTIONS}
                hint="S256: a fresh verifier per sign-in; only its hash goes through the browser."
              />
              {PKCE_WARNINGS[pkce] && (
                <p className="notice notice-warning" role="note">
                  {PKCE_WARNINGS[pkce]}
                </p>
              )}
            </div>
            <TextField
              label="Extra authorize parameters"
              error={err('Extra authorize parameters')}
              value={authorizeParams}
              onChange={setAuthorizeParams}
              multiline
              rows={2}
              mono
              placeholder={'launch=xyz\nprompt=login'}
              hint="One name=value per line (state and redirect_uri are always the app’s own)."
            />
          </div>
        </fieldset>
      )}

      {flowShows(flow, 'device-sign-in') && (
        <fieldset className="fieldset">
          <legend>Device sign-in (RFC 8628)</legend>
          <TextField
            label="Device authorization endpoint"
            error={err('Device authorization endpoint')}
            value={deviceAuthorizationEndpoint}
            onChange={setDeviceAuthorizationEndpoint}
            type="url"
            mono
            placeholder="discovered (device_authorization_endpoint)"
            hint="Where the app asks for the user code. Empty: taken from the server’s metadata."
          />
          <p className="hint">
            No redirect URI and no PKCE: the user signs in on another device while this app polls
            the token endpoint. Devices are usually public clients — Auth method <code>none</code> —
            unless the server gave this client a secret or a key.
          </p>
        </fieldset>
      )}

      {flowShows(flow, 'resource-owner') && (
        <fieldset className="fieldset">
          <legend>Resource owner (password grant)</legend>
          <p className="notice notice-warning" role="note">
            RFC 9700 forbids the password grant; use it only to test servers that still offer it.
          </p>
          <div className="grid-2">
            <TextField
              label="Username"
              error={err('Username')}
              value={username}
              onChange={setUsername}
              autoComplete="off"
            />
            <SecretField
              label="Password"
              error={err('Password')}
              value={password}
              onChange={setPassword}
              stored={hasPassword}
              needsReentry={profile?.needsReentry?.includes('password') ?? false}
              remove={removePassword}
              onRemove={setRemovePassword}
              hint="The user’s password, sent as {{password}}."
            />
          </div>
        </fieldset>
      )}

      <fieldset className="fieldset">
        <legend>Client authentication</legend>
        <div className="grid-2">
          <SelectField
            label="Auth method"
            error={err('Auth method')}
            value={method}
            onChange={onMethodChange}
            options={AUTH_METHODS}
            hint={
              method === 'none' && flow === 'device-code'
                ? 'Public client: only client_id is sent with the device code (no PKCE in this flow).'
                : METHOD_HINTS[method]
            }
          />
          {(method === 'private_key_jwt' || hmac) && (
            <SelectField<Alg>
              label="Signing algorithm"
              error={err('Signing algorithm')}
              value={alg}
              onChange={setAlg}
              options={hmac ? HMAC_ALGS : SIGNING_ALGS}
              hint={
                hmac
                  ? 'HMAC with the client secret as the key.'
                  : 'SMART servers must accept RS384 or ES384.'
              }
            />
          )}
          {method === 'private_key_jwt' && (
            <SelectField
              label="Signing key"
              error={err('Signing key')}
              value={keyId}
              onChange={onKeyChange}
              options={keyOptions}
              hint="Sets the kid of the assertion."
            />
          )}
          {(method === 'private_key_jwt' || hmac) && (
            <div className="check">
              <input
                id={sendClientIdId}
                type="checkbox"
                checked={sendClientId}
                onChange={(e) => setSendClientId(e.target.checked)}
              />
              <label htmlFor={sendClientIdId}>
                Send client_id with the assertion{' '}
                <span className="hint">(RFC 7521 makes it optional; some servers require it)</span>
              </label>
            </div>
          )}
          {(usesSecret || hasSecret) && (
            <SecretField
              label="Client secret"
              error={err('Client secret')}
              value={clientSecret}
              onChange={setClientSecret}
              stored={hasSecret}
              needsReentry={profile?.needsReentry?.includes('clientSecret') ?? false}
              remove={removeSecret}
              onRemove={setRemoveSecret}
              hint="Used with client_secret_basic, client_secret_post and client_secret_jwt."
            />
          )}
        </div>
      </fieldset>

      <details
        className="disclosure"
        open={endpointsSet || ENDPOINT_LABELS.some((l) => errors[l]) || undefined}
      >
        <summary>Endpoints (discovered when empty)</summary>
        <div className="grid-2">
          <TextField
            label="Authorization endpoint"
            error={err('Authorization endpoint')}
            value={authorizationEndpoint}
            onChange={setAuthorizationEndpoint}
            type="url"
            mono
            placeholder="discovered"
          />
          <TextField
            label="Token endpoint"
            error={err('Token endpoint')}
            value={tokenEndpoint}
            onChange={setTokenEndpoint}
            type="url"
            mono
            placeholder="discovered"
          />
          <TextField
            label="Registration endpoint"
            error={err('Registration endpoint')}
            value={registrationEndpoint}
            onChange={setRegistrationEndpoint}
            type="url"
            mono
            placeholder="discovered"
            hint="OpenEMR: https://host/oauth2/{site}/registration"
          />
          <TextField
            label="Introspection endpoint"
            error={err('Introspection endpoint')}
            value={introspectionEndpoint}
            onChange={setIntrospectionEndpoint}
            type="url"
            mono
            placeholder="discovered"
          />
          <SecretField
            label="Introspection Bearer token"
            error={err('Introspection Bearer token')}
            value={introspectionToken}
            onChange={setIntrospectionToken}
            stored={profile?.hasIntrospectionToken ?? false}
            needsReentry={profile?.needsReentry?.includes('introspectionToken') ?? false}
            remove={removeIntrospectionToken}
            onRemove={setRemoveIntrospectionToken}
            hint="RFC 7662 §2.1: authenticates introspection with this token instead of the client's credentials."
          />
          <SelectField<ServerId | ''>
            label="Server software"
            error={err('Server software')}
            value={server}
            onChange={setServer}
            options={SERVER_OPTIONS}
            hint="Its error phrases are read first. Detected from the URLs when left on Detect."
          />
          <TextField
            label="Revocation endpoint"
            error={err('Revocation endpoint')}
            value={revocationEndpoint}
            onChange={setRevocationEndpoint}
            type="url"
            mono
            placeholder="discovered"
          />
          <TextField
            label="Userinfo endpoint"
            error={err('Userinfo endpoint')}
            value={userinfoEndpoint}
            onChange={setUserinfoEndpoint}
            type="url"
            mono
            placeholder="discovered"
          />
          <TextField
            label="End session endpoint"
            error={err('End session endpoint')}
            value={endSessionEndpoint}
            onChange={setEndSessionEndpoint}
            type="url"
            mono
            placeholder="discovered"
          />
        </div>
      </details>

      <details
        className="disclosure"
        open={REGISTRATION_LABELS.some((l) => errors[l]) || undefined}
      >
        <summary>Registration metadata (for dynamic registration)</summary>
        <div className="grid-2">
          <SelectField
            label="Application type"
            error={err('Application type')}
            value={applicationType}
            onChange={setApplicationType}
            options={appTypeOptions}
          />
          <TextField
            label="Client name"
            error={err('Client name')}
            value={clientName}
            onChange={setClientName}
            placeholder={name || 'the profile name'}
          />
          <TextField
            label="Contacts"
            error={err('Contacts')}
            value={contacts}
            onChange={setContacts}
            placeholder="admin@example.com, dev@example.com"
            hint="Email addresses, separated by commas."
          />
          <SelectField
            label="Key delivery"
            error={err('Key delivery')}
            value={keyDelivery}
            onChange={setKeyDelivery}
            options={KEY_DELIVERY}
            hint="How private_key_jwt clients register their public key."
          />
          <TextField
            label="Your JWKS URL"
            error={err('Your JWKS URL')}
            value={jwksUri}
            onChange={setJwksUri}
            type="url"
            mono
            placeholder="https://app.example.com/.well-known/jwks.json"
            hint="Where the server fetches your public keys (jwks_uri). Keys → Host the JWKS can serve one on 127.0.0.1."
          />
        </div>
      </details>

      <TextField
        label="Resource path"
        error={err('Resource path')}
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

export function ProfileStep() {
  const profiles = useApp((s) => s.profiles);
  const storage = useApp((s) => s.storage);
  const selectProfile = useApp((s) => s.selectProfile);
  const active = useActiveProfile();

  return (
    <StepSection
      id="profile"
      title="Profile"
      intro="Which server you talk to, which flow you run, and who you are to it: client ID, auth method and key."
    >
      {storage?.warning && !storage.workspace.canProtect && (
        <div className="notice notice-warning" role="note">
          {storage.warning}
        </div>
      )}
      {storage && storage.notices.length > 0 && (
        <div className="notice notice-info" role="note" aria-label="Store">
          {storage.notices.map((n) => (
            <p key={n}>{n}</p>
          ))}
        </div>
      )}
      {storage && storage.quarantined.length > 0 && (
        <div className="notice notice-warning" role="note">
          Unreadable store files were moved aside: {storage.quarantined.join(', ')}
        </div>
      )}
      <UndoDelete />
      <div className="toolbar">
        {profiles.length > 0 && <ProfileList profiles={profiles} />}
        <button type="button" className="btn btn-secondary" onClick={() => selectProfile(null)}>
          New profile
        </button>
      </div>
      <NewFromPreset />
      {profiles.length === 0 && (
        <p className="empty">
          No profiles yet — start the practice server below, or fill in the form and press Save
          profile.
        </p>
      )}
      {profiles.length === 0 && <PracticeServer empty />}
      <ProfileForm key={active?.id ?? 'new'} profile={active} />
      {active && <ProfileTools profile={active} />}
      <ImportProfile />
      {profiles.length > 0 && <PracticeServer />}
      <WorkspaceBackup />
    </StepSection>
  );
}
