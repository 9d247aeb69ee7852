import type { Result } from '../result.js';
import type { AppSettings, AppSettingsInput } from '../types-settings.js';
import type {
  AssertionOverrides,
  AssertionView,
  AuthorizationFlowView,
  BreakName,
  DeviceFlowView,
  DiffSide,
  DiscoveryResult,
  ExchangesPush,
  EndSessionResult,
  GrantType,
  HarExport,
  HttpExchange,
  InspectEvidenceInput,
  InspectInput,
  InspectReport,
  InspectResult,
  JwksHostView,
  KeyInfo,
  KeyKind,
  PracticeFlavour,
  PracticeServerView,
  ProfileImportInput,
  ProfileInput,
  ProfileView,
  RegistrationDraft,
  RegistrationResult,
  ResourceResult,
  RunDiff,
  RunView,
  SigningAlg,
  StorageInfo,
  TokenKind,
  TokenOpResult,
  TokenRequestCheck,
  TokenRequestDraft,
  TokenRequestEdits,
  TokenResult,
  TokenSetView,
  TokenView,
} from '../types.js';

/**
 * THE contract between the renderer (or CLI) and the engine. Every host adapter (ipcMain,
 * preload, web host, HTTP client, fake) is generated from API_METHODS; nothing else names a
 * channel. Payloads are plain JSON; failures are Result values with stable codes.
 */
export interface DebuggerApi {
  getStorageInfo(): Promise<Result<StorageInfo>>;
  /** Opens a passphrase-protected workspace (PASSPHRASE_WRONG, nothing changed, when wrong). */
  unlockWorkspace(input: { passphrase: string }): Promise<Result<StorageInfo>>;
  /** Encrypts the workspace's secrets with this passphrase from now on (web host and CLI). */
  protectWorkspace(input: { passphrase: string }): Promise<Result<StorageInfo>>;
  /** An explicit choice: secrets in memory only, lost when the process stops. */
  keepSecretsForSession(): Promise<Result<StorageInfo>>;
  /** "Forgot the passphrase": the old store file is kept aside, its secrets dropped. */
  startNewWorkspace(): Promise<Result<{ storage: StorageInfo; keptAside?: string }>>;
  /** The whole workspace (profiles, keys, secrets) as one file encrypted with the passphrase given. */
  exportWorkspace(input: {
    passphrase: string;
  }): Promise<Result<{ text: string; profiles: number; keys: number; secrets: number }>>;
  /** Adds a backup's profiles, keys and secrets; ids already here are skipped and named. */
  importWorkspace(input: {
    text: string;
    passphrase: string;
  }): Promise<Result<{ profiles: number; keys: number; secrets: number; skipped: string[] }>>;
  listProfiles(): Promise<Result<ProfileView[]>>;
  saveProfile(input: ProfileInput): Promise<Result<ProfileView>>;
  /**
   * Deletes the profile and its secrets; undoId brings both back with restoreProfile (held in
   * memory for this session only).
   */
  deleteProfile(id: string): Promise<Result<{ deleted: string; undoId: string }>>;
  /** The profile file format (JSON Schema'd), without secrets. */
  exportProfile(id: string): Promise<Result<{ json: string }>>;
  /**
   * A profile file (its text, or on the desktop the main process's file dialog). A profile with
   * the same name, or the same server and client ID, is a CONFLICT naming it unless onConflict
   * says rename or replace; error.conflict.pendingId decides on it without reading it again.
   */
  importProfile(input: string | ProfileImportInput): Promise<Result<ProfileView>>;
  /**
   * The profile file with the stored client secret in it (the CLI's register --out), written to a
   * file chosen by the user (mode 0600). Only the path comes back: no secret crosses the contract.
   */
  exportProfileFile(input: {
    profileId: string;
    /** The CLI names the file; a page never does (it asks for the dialog). */
    path?: string;
    /** Desktop: the main process's save dialog chooses the file. */
    dialog?: true;
    /** Default true: the stored client secret goes into the file. */
    includeSecret?: boolean;
  }): Promise<Result<{ path: string; clientSecret: boolean }>>;
  /** Brings back a deleted profile and its secrets (deleteProfile's undoId, this session only). */
  restoreProfile(input: { undoId: string }): Promise<Result<ProfileView>>;
  /** A copy of the profile under a new name; its secrets are copied in the engine. */
  duplicateProfile(input: { profileId: string; name?: string }): Promise<Result<ProfileView>>;
  /** Copies the profile's shared settings (SHARED_GROUP_SETTINGS) to the others of its group. */
  applyToEnvironments(input: { profileId: string }): Promise<Result<{ updated: ProfileView[] }>>;

  discover(target: {
    fhirBaseUrl?: string;
    issuer?: string;
    profileId?: string;
  }): Promise<Result<DiscoveryResult>>;

  listKeys(): Promise<Result<KeyInfo[]>>;
  generateKey(input: { kind: KeyKind; alg: SigningAlg; kid?: string }): Promise<Result<KeyInfo>>;
  /**
   * A new key, or with replaceKeyId the private part of that key again (it needs re-entry): then
   * only the key with the same thumbprint is taken, and the key keeps its id.
   */
  importKey(input: {
    text: string;
    alg?: SigningAlg;
    kid?: string;
    replaceKeyId?: string;
  }): Promise<Result<KeyInfo>>;
  deleteKey(id: string): Promise<Result<{ deleted: string }>>;
  exportJwks(keyIds: string[]): Promise<Result<{ jwks: string }>>;
  /**
   * Writes the private key as PKCS#8 PEM (mode 0600). An existing file is left as it is
   * (FILE_EXISTS: it may be the key registered with a server) unless `overwrite` is true.
   */
  exportPrivateKey(input: {
    keyId: string;
    path: string;
    overwrite?: boolean;
  }): Promise<Result<{ path: string }>>;

  buildAssertion(input: {
    profileId: string;
    overrides?: AssertionOverrides;
    /** Checks only (live pre-flight of edits): the assertion is not kept for reveal or sending. */
    preview?: boolean;
  }): Promise<Result<AssertionView>>;
  inspectAssertion(input: InspectInput): Promise<Result<InspectResult>>;
  /**
   * The Inspector: reads what a customer sent (JWTs, request and error bodies, raw HTTP, curl,
   * HAR), verifies signatures against a given JWKS, puts the exchange back together and
   * diagnoses it with a vendor preset's rules. Nothing is sent to the customer's server.
   */
  inspect(input: InspectEvidenceInput): Promise<Result<InspectReport>>;

  /** RFC 7591 metadata built from the profile (and its key), for the user to edit. */
  prepareRegistration(input: { profileId: string }): Promise<Result<RegistrationDraft>>;
  /** Sends the (edited) registration; stores client_id, secret and RFC 7592 handles in the profile. */
  sendRegistration(input: {
    profileId: string;
    body: string;
    url?: string;
  }): Promise<Result<RegistrationResult>>;
  /** RFC 7592: read (GET), update (PUT body) or delete the registration. */
  manageRegistration(input: {
    profileId: string;
    action: 'read' | 'update' | 'delete';
    body?: string;
  }): Promise<Result<RegistrationResult>>;

  /**
   * Starts an authorization code flow: PKCE, state, nonce, SMART aud; opens the RFC 8252 loopback
   * listener (mode "loopback") and the system browser when the host can (open).
   */
  startAuthorization(input: {
    profileId: string;
    mode?: 'loopback' | 'paste';
    open?: boolean;
    autoExchange?: boolean;
    timeoutSec?: number;
    /** Break-it mode: make this one mistake on purpose ('verifier', 'redirect-uri', 'state', 'scope'). */
    break?: BreakName;
  }): Promise<Result<AuthorizationFlowView>>;
  /** The paste fallback and custom-scheme redirects: the full redirect URL the browser ended on. */
  completeAuthorization(input: {
    flowId: string;
    redirectUrl: string;
  }): Promise<Result<AuthorizationFlowView>>;
  cancelAuthorization(input: { flowId: string }): Promise<Result<AuthorizationFlowView>>;
  getAuthorization(input: { flowId: string }): Promise<Result<AuthorizationFlowView>>;

  /**
   * RFC 8628: sends the device authorization request, then polls the token endpoint in the
   * engine (interval, slow_down, authorization_pending) until tokens, a refusal, expiry, the
   * local timeout or cancel. Every change is pushed as the "device" event.
   */
  startDeviceAuthorization(input: {
    profileId: string;
    timeoutSec?: number;
  }): Promise<Result<DeviceFlowView>>;
  cancelDeviceAuthorization(input: { flowId: string }): Promise<Result<DeviceFlowView>>;
  getDeviceAuthorization(input: { flowId: string }): Promise<Result<DeviceFlowView>>;

  /** grant defaults from the profile's flow; authorization_code uses the last received code. */
  prepareTokenRequest(input: {
    profileId: string;
    grant?: GrantType;
    overrides?: AssertionOverrides;
    /** Break-it mode: make this one mistake on purpose in the request (and its assertion). */
    break?: BreakName;
  }): Promise<Result<TokenRequestDraft>>;
  sendTokenRequest(input: {
    draftId: string;
    edits?: TokenRequestEdits;
    /**
     * Re-send the draft's assertion as it is (same jti, iat, exp). Without it every Send signs a
     * fresh assertion; a pin is kept on the draft until a Send without it.
     */
    pinAssertion?: boolean;
  }): Promise<Result<TokenResult>>;
  /** The pre-flight checks of a draft with the user's edits, as Send would run them now (no request). */
  checkTokenRequest(input: {
    draftId: string;
    edits?: TokenRequestEdits;
    pinAssertion?: boolean;
  }): Promise<Result<TokenRequestCheck>>;

  /** Decodes a pasted token, or the current access token when `token` is omitted. */
  decodeToken(input: {
    token?: string;
    jwksUrl?: string;
    jwks?: string;
  }): Promise<Result<TokenView>>;

  /** The tokens held for the session, or null. */
  getTokenSet(): Promise<Result<{ tokens: TokenSetView | null }>>;
  /** refresh_token grant with the held refresh token (or one given, for the CLI). */
  refreshTokens(input: { profileId: string; refreshToken?: string }): Promise<Result<TokenResult>>;
  /** Refresh automatically shortly before the access token expires. */
  setAutoRefresh(input: {
    profileId: string;
    enabled: boolean;
  }): Promise<Result<{ enabled: boolean; nextAt?: string }>>;
  /**
   * RFC 7662; `token` overrides the held one (CLI). `bearer` authenticates the call with a Bearer
   * token (§2.1) instead of client authentication; otherwise the profile's stored introspection
   * token is used when it has one.
   */
  introspectToken(input: {
    profileId: string;
    which: 'access_token' | 'refresh_token';
    token?: string;
    bearer?: string;
  }): Promise<Result<TokenOpResult>>;
  /** RFC 7009; `token` overrides the held one (CLI). */
  revokeToken(input: {
    profileId: string;
    which: 'access_token' | 'refresh_token';
    token?: string;
  }): Promise<Result<TokenOpResult>>;
  callUserinfo(input: { profileId: string; token?: string }): Promise<Result<TokenOpResult>>;
  /** RP-initiated logout at end_session_endpoint; forgets the tokens locally. */
  endSession(input: {
    profileId: string;
    open?: boolean;
    /**
     * The page opens the logout page itself (web host): hand it a one-time local path
     * (`handoff`) that carries id_token_hint to the browser, instead of the token.
     */
    handoff?: boolean;
    /** A post-logout redirect URI registered for the client (OIDC RP-Initiated Logout 1.0 §2). */
    postLogoutRedirectUri?: string;
  }): Promise<Result<EndSessionResult>>;

  callResource(input: {
    profileId: string;
    path: string;
    token?: 'access_token' | 'id_token';
    /** On 401 with an expired token and a refresh token held: refresh, then call again once. */
    refreshOnExpiry?: boolean;
  }): Promise<Result<ResourceResult>>;

  /** Serves the public JWKS of the given keys (or the profile's key) on a loopback URL. */
  hostJwks(input: {
    keyIds?: string[];
    profileId?: string;
    port?: number;
  }): Promise<Result<JwksHostView>>;
  stopJwksHost(): Promise<Result<{ stopped: boolean }>>;
  getJwksHost(): Promise<Result<{ host: JwksHostView | null }>>;

  /** Explicit user action: the raw value of a held token or the last assertion. */
  revealSecret(input: { kind: TokenKind | 'client_assertion' }): Promise<Result<{ value: string }>>;

  listExchanges(): Promise<Result<HttpExchange[]>>;
  /**
   * The exchanges in pages, oldest first, from the one after `after` (NOT_FOUND when it is gone:
   * start again): the page lists a saved timeline of thousands without one long task.
   */
  listExchangesPage(input: {
    after?: string;
    limit?: number;
  }): Promise<Result<{ exchanges: HttpExchange[]; total: number; more: boolean }>>;
  /** The runs the exchanges belong to (HttpExchange.runId), oldest first. */
  listRuns(): Promise<Result<RunView[]>>;
  /** Clears the timeline (also the saved one); undoId brings it back with restoreExchanges. */
  clearExchanges(): Promise<Result<{ cleared: number; undoId?: string }>>;
  restoreExchanges(input: { undoId: string }): Promise<Result<{ restored: number }>>;

  /**
   * HAR 1.2 of the given runs (default: the whole timeline), front channel included. Redacted
   * unless `redacted: false`: each secret is a marker with its length and a short hash.
   */
  exportHar(input: { runIds?: string[]; redacted?: boolean }): Promise<Result<HarExport>>;
  /** One file holding a run: exchanges, decoded tokens, findings, the profile without secrets. */
  exportBundle(input: { runId: string }): Promise<Result<{ text: string; fileName: string }>>;
  /** What changed between two runs (or exported HARs / bundles); secrets by their marks. */
  diffRuns(input: { a: DiffSide; b: DiffSide }): Promise<Result<RunDiff>>;
  /** Explicit reveal: a curl command for the exchange with the real values, for replay. */
  runnableCurl(input: { exchangeId: string }): Promise<Result<{ curl: string; holds: string[] }>>;
  /**
   * Aborts the engine's requests in flight (the profile's, or all): each is recorded as a
   * CANCELLED exchange and the call that waited on it returns CANCELLED.
   */
  cancelRequests(input: { profileId?: string }): Promise<Result<{ cancelled: number }>>;

  /** The practice server (SMART + OIDC on oidc-provider, offline), with ready profiles. */
  startPracticeServer(input: {
    flavour?: PracticeFlavour;
    port?: number;
  }): Promise<Result<PracticeServerView>>;
  stopPracticeServer(): Promise<Result<{ stopped: boolean }>>;
  getPracticeServer(): Promise<Result<{ server: PracticeServerView | null }>>;

  /**
   * The Inspector on a large HAR file (up to 200 MB), read as a stream: entries that are not
   * OAuth/OIDC/FHIR traffic are skipped and counted (report.largeFile). `path` only from the CLI;
   * a page names an uploadId (a web host upload, or report.largeFile.uploadId), never a path.
   * `dialog`: the Electron main process asks the user for the file first (its own dialog).
   */
  inspectFile(
    input: { path?: string; uploadId?: string; dialog?: boolean } & Omit<
      InspectEvidenceInput,
      'items'
    >,
  ): Promise<Result<InspectReport>>;

  /** App settings (timeout, clock-skew tolerance, proxy, theme); the proxy password never returns. */
  getSettings(): Promise<Result<AppSettings>>;
  /** Changes the settings given (the rest stay); bad values are INVALID_INPUT, said per field. */
  saveSettings(input: AppSettingsInput): Promise<Result<AppSettings>>;
}

/** Pushed snapshots: a missed event can never desynchronise the UI. */
export interface DebuggerEvents {
  /** What changed in the timeline since the previous push (listExchanges gives the whole list). */
  exchanges: ExchangesPush;
  authorization: AuthorizationFlowView;
  device: DeviceFlowView;
  tokens: TokenSetView | null;
}

export type ApiMethod = keyof DebuggerApi;
export type EventName = keyof DebuggerEvents;

export interface DebuggerBridge extends DebuggerApi {
  on<E extends EventName>(event: E, listener: (payload: DebuggerEvents[E]) => void): () => void;
  /** Web host only: streams a large file to UPLOAD_PATH (not a JSON body); the uploadId for inspectFile. */
  uploadFile?(file: UploadableFile, opts?: UploadOptions): Promise<Result<UploadedFile>>;
}

/** A File (renderer): what uploadFile needs of it. */
export type UploadableFile = Blob & { readonly name: string };

export interface UploadOptions {
  onProgress?(sent: number, total: number): void;
  signal?: AbortSignal;
}

/** A file the host holds for inspectFile: an upload, or the file chosen in the dialog. */
export interface UploadedFile {
  uploadId: string;
  name: string;
  bytes: number;
}

/** The most a large HAR file may weigh (upload bound, and the engine's own check). */
export const MAX_HAR_FILE = 200 * 1024 * 1024;

/** Web host: POST the file's bytes here (per-run token header, X-File-Name), answered with a Result<UploadedFile>. */
export const UPLOAD_PATH = '/upload';

export const API_METHODS = [
  'getStorageInfo',
  'unlockWorkspace',
  'protectWorkspace',
  'keepSecretsForSession',
  'startNewWorkspace',
  'exportWorkspace',
  'importWorkspace',
  'listProfiles',
  'saveProfile',
  'deleteProfile',
  'exportProfile',
  'importProfile',
  'exportProfileFile',
  'restoreProfile',
  'duplicateProfile',
  'applyToEnvironments',
  'discover',
  'listKeys',
  'generateKey',
  'importKey',
  'deleteKey',
  'exportJwks',
  'exportPrivateKey',
  'buildAssertion',
  'inspectAssertion',
  'inspect',
  'prepareRegistration',
  'sendRegistration',
  'manageRegistration',
  'startAuthorization',
  'completeAuthorization',
  'cancelAuthorization',
  'getAuthorization',
  'startDeviceAuthorization',
  'cancelDeviceAuthorization',
  'getDeviceAuthorization',
  'prepareTokenRequest',
  'sendTokenRequest',
  'checkTokenRequest',
  'decodeToken',
  'getTokenSet',
  'refreshTokens',
  'setAutoRefresh',
  'introspectToken',
  'revokeToken',
  'callUserinfo',
  'endSession',
  'callResource',
  'hostJwks',
  'stopJwksHost',
  'getJwksHost',
  'revealSecret',
  'listExchanges',
  'listExchangesPage',
  'listRuns',
  'clearExchanges',
  'restoreExchanges',
  'exportHar',
  'exportBundle',
  'diffRuns',
  'runnableCurl',
  'cancelRequests',
  'startPracticeServer',
  'stopPracticeServer',
  'getPracticeServer',
  'inspectFile',
  'getSettings',
  'saveSettings',
] as const satisfies readonly ApiMethod[];

type Unlisted = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
/** Fails to compile when a method of DebuggerApi is missing from API_METHODS. */
export const apiMethodsComplete: [Unlisted] extends [never] ? true : never = true;

export const EVENT_NAMES = [
  'exchanges',
  'authorization',
  'device',
  'tokens',
] as const satisfies readonly EventName[];

export const invokeChannel = (m: ApiMethod) => `api:${m}` as const;
export const eventChannel = (e: EventName) => `event:${e}` as const;

/** Web host wire format: POST /api/:method with {args}, header below carries the per-run token. */
export const WEB_TOKEN_HEADER = 'x-ofd-token';
