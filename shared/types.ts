import type { Finding } from './diagnosis/codes.js';
import type { Endpoint, ServerId } from './diagnosis/dialects/types.js';
import type { BrokenOnPurpose } from './types-support.js';
import type { ProfileMeta } from './types-profiles.js';
import type { ProfileTls } from './types-settings.js';
import type { SentAssertion } from './types-requests.js';
import type { TokenStatuses } from './types-tokens.js';

/** JSON-only domain types shared by every host. Secrets never appear here unmasked. */

export type AuthMethod =
  'private_key_jwt' | 'client_secret_jwt' | 'client_secret_basic' | 'client_secret_post' | 'none';
export const AUTH_METHODS: readonly AuthMethod[] = [
  'private_key_jwt',
  'client_secret_jwt',
  'client_secret_basic',
  'client_secret_post',
  'none',
];

/**
 * Which flow a profile runs: SMART Backend Services, the authorization code flow, the device
 * authorization grant (RFC 8628), or the legacy password grant.
 */
export type FlowKind = 'backend-services' | 'authorization-code' | 'device-code' | 'password';
export const FLOW_KINDS: readonly FlowKind[] = [
  'backend-services',
  'authorization-code',
  'device-code',
  'password',
];

/** RFC 8628 §3.4: the grant_type of the device access token request. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export type GrantType =
  | 'client_credentials'
  | 'authorization_code'
  | 'refresh_token'
  | 'password'
  | typeof DEVICE_CODE_GRANT;
export const GRANT_TYPES: readonly GrantType[] = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'password',
  DEVICE_CODE_GRANT,
];

/** PKCE choice: S256 always unless the user explicitly picks plain (warned) or off (to test a server). */
export type PkceMode = 'S256' | 'plain' | 'off';
export const PKCE_MODES: readonly PkceMode[] = ['S256', 'plain', 'off'];

/** HMAC algorithms for client_secret_jwt assertions. */
export type HmacAlg = 'HS256' | 'HS384' | 'HS512';
export const HMAC_ALGS: readonly HmacAlg[] = ['HS256', 'HS384', 'HS512'];

export type SigningAlg =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';
export const SIGNING_ALGS: readonly SigningAlg[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];

export type KeyKind = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'EC-P-256' | 'EC-P-384' | 'EC-P-521';
export const KEY_KINDS: readonly KeyKind[] = [
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
  'EC-P-256',
  'EC-P-384',
  'EC-P-521',
];

/** A profile as the renderer sees it: secrets are only ever flags (hasClientSecret, ...). */
export interface ProfileView extends ProfileMeta {
  id: string;
  name: string;
  vendor?: string;
  /**
   * The authorization server's software (a dialect id: keycloak, entra, okta…), so its error
   * phrases are read first; detected from discovery or the issuer where possible.
   */
  server?: ServerId;
  /** Defaults to backend-services. */
  flow?: FlowKind;
  fhirBaseUrl?: string;
  issuer?: string;
  tokenEndpoint?: string;
  authorizationEndpoint?: string;
  /** RFC 8628 device_authorization_endpoint (else from discovery). */
  deviceAuthorizationEndpoint?: string;
  registrationEndpoint?: string;
  introspectionEndpoint?: string;
  revocationEndpoint?: string;
  userinfoEndpoint?: string;
  endSessionEndpoint?: string;
  jwksUri?: string;
  clientId: string;
  scope: string;
  /**
   * Where the authorization response comes back. Omitted: an RFC 8252 loopback listener on
   * http://127.0.0.1:{random port}/callback. A loopback URL with a port: that port. Anything else
   * (a registered https URL, oauth-flow-debugger://callback): the user pastes the redirect URL.
   */
  redirectUri?: string;
  /**
   * Where the server sends the browser after Log out (OIDC RP-Initiated Logout 1.0 §2), sent
   * with a fresh state; registered with the client as post_logout_redirect_uris.
   */
  postLogoutRedirectUri?: string;
  /** Defaults to S256. */
  pkce?: PkceMode;
  /** Defaults to "code". */
  responseType?: string;
  /** Extra authorize parameters, e.g. [["launch", "xyz"], ["prompt", "login"]]. */
  authorizeParams?: [string, string][];
  /** Resource owner for the legacy password grant; the password is a secret (hasPassword). */
  username?: string;
  hasPassword: boolean;
  /** RFC 7591 metadata used to build a registration request. */
  registration?: {
    applicationType?: string;
    clientName?: string;
    contacts?: string[];
    /** Set from the server's answer (RFC 7592 management). */
    clientUri?: string;
    /** jwks_uri (default when the profile has jwksUri) or jwks by value from the profile's key. */
    keyDelivery?: 'jwks_uri' | 'jwks';
  };
  /** The server's RFC 7592 registration_access_token is stored (encrypted). */
  hasRegistrationToken: boolean;
  /** A Bearer token for the introspection endpoint (RFC 7662 §2.1) is stored (encrypted). */
  hasIntrospectionToken: boolean;
  /**
   * Stored secrets that cannot be decrypted now (a damaged value, another machine's): each needs
   * to be entered again; the rest of the profile is intact.
   */
  needsReentry?: ('clientSecret' | 'password' | 'registrationToken' | 'introspectionToken')[];
  auth: {
    method: AuthMethod;
    /** Signing alg (private_key_jwt) or HMAC alg (client_secret_jwt). */
    alg?: SigningAlg | HmacAlg;
    kid?: string;
    /** Id of a key held by the engine (generated or imported in this app). */
    keyId?: string;
    privateKeyPath?: string;
    hasClientSecret: boolean;
    /**
     * Send client_id in the body beside a client assertion: RFC 7521 makes it optional, and
     * some servers require it.
     */
    sendClientId?: boolean;
  };
  tls?: ProfileTls;
  /** Seconds to wait for an answer for this profile (overrides the app setting). */
  requestTimeoutSec?: number;
  resourcePath?: string;
}

/** What the renderer sends to save a profile; secrets are write-only. */
export interface ProfileInput extends Omit<
  ProfileView,
  | 'id'
  | 'auth'
  | 'hasPassword'
  | 'hasRegistrationToken'
  | 'hasIntrospectionToken'
  | 'needsReentry'
  | 'createdAt'
  | 'lastUsedAt'
> {
  id?: string;
  auth: Omit<ProfileView['auth'], 'hasClientSecret'> & {
    /** New secret; omit to keep the stored one, empty string to remove it. */
    clientSecret?: string;
  };
  /** Password grant: omit to keep the stored one, empty string to remove it. */
  password?: string;
  /** Introspection Bearer token: omit to keep the stored one, empty string to remove it. */
  introspectionToken?: string;
}

export interface KeyInfo {
  id: string;
  kid: string;
  alg: SigningAlg;
  kty: 'RSA' | 'EC';
  /** e.g. RSA-2048, EC-P-384 */
  kind: string;
  thumbprint: string;
  publicJwk: Record<string, unknown>;
  createdAt: string;
  source: 'generated' | 'imported';
  /** False for a public key imported only to verify. */
  hasPrivateKey: boolean;
  /**
   * The private key is stored but cannot be read now: 'needs-reentry' (it does not decrypt, e.g. a
   * damaged value or another machine's), 'locked' (the workspace is not unlocked yet).
   */
  privateKey?: 'needs-reentry' | 'locked';
}

export type HeaderList = [name: string, value: string][];

/**
 * What stands in for one masked secret: its length and the first 8 hex digits of its SHA-256, so
 * two exports can be compared (same value, same mark) without the value.
 */
export interface SecretMark {
  length: number;
  sha256: string;
}

/**
 * One run: the exchanges of one attempt at a flow for one profile (a sign-in, a device
 * authorization, a backend-services token request and what followed it).
 */
export interface RunView {
  id: string;
  profileId?: string;
  profileName?: string;
  /** What began it: 'authorization-code', 'device-code', 'registration', or the profile's flow. */
  flow: string;
  startedAt: string;
  /**
   * On the oldest run listed: what the bounded saved timeline (100 runs, 5,000 exchanges) has
   * dropped before it, for the note "N older exchanges dropped".
   */
  droppedBefore?: { runs: number; exchanges: number };
}

/**
 * The "exchanges" event: the change since the previous push (see shared/exchanges-push.ts), or
 * the whole list (`all`) after a clear or when that is shorter.
 */
export interface ExchangesPush {
  /** How many exchanges the engine holds after this change. */
  total: number;
  /** The receiver may have missed changes (a reconnect): it lists the exchanges again. */
  stale?: boolean;
  all?: HttpExchange[];
  /** Ids dropped since the previous push (the saved timeline's bounds). */
  removed?: string[];
  /** The id of the last exchange the receiver should already hold, before `appended`. */
  after?: string;
  appended?: HttpExchange[];
}

/** One HTTP request/response as recorded by the engine (secrets masked). */
export interface HttpExchange {
  id: string;
  step: string;
  /** The run it belongs to (absent: no profile, e.g. a token decoded against a JWKS URL). */
  runId?: string;
  profileId?: string;
  /**
   * 'front': a hop the browser made, not the engine (the authorize redirect, the callback); its
   * response is what the app saw of it.
   */
  channel?: 'front';
  /** Per placeholder in this exchange ({{client_assertion}}…): the masked value's mark. */
  marks?: Record<string, SecretMark>;
  startedAt: string;
  durationMs: number;
  request: { method: string; url: string; headers: HeaderList; body?: string };
  response?: {
    status: number;
    statusText: string;
    headers: HeaderList;
    body: string;
    bodyBytes: number;
    truncated: boolean;
    /** A Location header that was not followed. */
    redirectNotFollowed?: string;
  };
  error?: {
    code: 'NETWORK_ERROR' | 'TLS_UNTRUSTED' | 'TIMEOUT' | 'BODY_TOO_LARGE' | 'CANCELLED';
    message: string;
  };
  tls?: { allowSelfSigned?: boolean; customCa?: boolean; warning?: string };
  /** curl command reproducing the request, secrets replaced with placeholders. */
  curl: string;
}

export interface DiscoveryField {
  name: string;
  value: unknown;
  status: 'present' | 'missing-required' | 'missing-recommended' | 'optional';
  note?: string;
}

export interface DiscoveryDocument {
  kind: 'smart-configuration' | 'openid-configuration' | 'oauth-authorization-server';
  url: string;
  ok: boolean;
  status?: number;
  fields: DiscoveryField[];
  exchangeId: string;
  error?: string;
  /** The server redirected the request (each hop is in the timeline): the URL it ended at. */
  redirectedTo?: string;
}

export interface DiscoveryResult {
  documents: DiscoveryDocument[];
  tokenEndpoint?: string;
  authorizationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  registrationEndpoint?: string;
  introspectionEndpoint?: string;
  revocationEndpoint?: string;
  userinfoEndpoint?: string;
  endSessionEndpoint?: string;
  /** RFC 9207: the server sends iss on every authorization response. */
  issParameterSupported?: boolean;
  codeChallengeMethods?: string[];
  jwksUri?: string;
  issuer?: string;
  authMethods?: string[];
  signingAlgs?: string[];
  scopesSupported?: string[];
  capabilities?: string[];
  findings: Finding[];
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Signature segment length in characters (never the value when it is a secret). */
  signatureLength: number;
}

export interface ClaimExplanation {
  name: string;
  value: unknown;
  meaning: string;
  /** ISO date for time claims. */
  date?: string;
}

export interface Verification {
  status: 'verified' | 'failed' | 'unchecked' | 'unsigned';
  message: string;
  kid?: string;
  jwksUrl?: string;
}

export interface AssertionView {
  id: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** header.claims.[signature masked] */
  masked: string;
  explained: ClaimExplanation[];
  lint: Finding[];
}

export interface AssertionOverrides {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

export interface InspectInput {
  jwt: string;
  jwks?: string;
  jwksUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  acceptedAlgs?: string[];
}

export interface InspectResult {
  decoded: DecodedJwt;
  explained: ClaimExplanation[];
  verification: Verification;
  findings: Finding[];
}

/** What a pasted or dropped piece of evidence turned out to be. */
export type EvidenceKind =
  | 'jwt'
  | 'har'
  | 'curl'
  | 'http-request'
  | 'http-response'
  | 'token-request-body'
  | 'error-body'
  | 'token-response'
  | 'jwks'
  | 'authorize-url'
  | 'redirect-url'
  | 'text';

/** One Inspector item (a HAR can be large); the web host accepts 2 MB per call. */
export const MAX_EVIDENCE = 1536 * 1024;

/** Inspector input: what a customer sent (JWTs, request bodies, error bodies, curl, HAR). */
export interface InspectEvidenceInput {
  /** The authorization server's software (a dialect id), when known. */
  server?: ServerId;
  items: { text: string; name?: string }[];
  /** Vendor preset id (shared/vendors/<id>/preset.ts) whose rules and facts the diagnosis uses. */
  preset?: string;
  /** The client's public keys, pasted, or a URL to fetch them from. */
  jwks?: string;
  jwksUrl?: string;
  /** The token URL the customer called, when the evidence does not say. */
  tokenUrl?: string;
  clientId?: string;
  /** HTTP status of the pasted error body, when it is not in the evidence. */
  status?: number;
  /** Which HAR entry to diagnose (index in log.entries); default: the last failed token request. */
  harEntry?: number;
}

export interface EvidenceSummary {
  name: string;
  kind: EvidenceKind;
  /** One line: what was read from it. */
  summary: string;
}

export type InspectedJwtRole = 'client_assertion' | 'access_token' | 'id_token' | 'jwt';

export interface InspectedJwt {
  role: InspectedJwtRole;
  /** Where it was found ("client_assertion in the request body", "item 1"). */
  from: string;
  decoded: DecodedJwt;
  explained: ClaimExplanation[];
  verification: Verification;
  findings: Finding[];
}

/** The exchange put back together from the evidence; every secret replaced by a placeholder. */
export interface InspectedExchange {
  request?: {
    method: string;
    url?: string;
    headers: HeaderList;
    params: [string, string][];
    /** True when no request was given and it was assumed from a lone assertion. */
    assumed?: boolean;
  };
  response?: {
    status?: number;
    /** True when the status was not in the evidence and was inferred from the error. */
    statusAssumed?: boolean;
    headers: HeaderList;
    body: string;
  };
  /** The front channel: the parameters of the redirect back to the app (codes masked). */
  redirect?: [string, string][];
}

export interface HarEntrySummary {
  index: number;
  method: string;
  url: string;
  status: number;
  tokenRequest: boolean;
  /** What the entry is: a token request, the authorize request or the redirect back, … */
  kind: Endpoint | 'other';
  /** A refusal: HTTP 4xx/5xx (or no answer), or an error= redirect. */
  failed: boolean;
}

export interface InspectReport {
  items: EvidenceSummary[];
  preset?: { id: string; title: string };
  /** What was diagnosed: the token endpoint's answer, the authorize redirect, a resource call… */
  endpoint?: Endpoint;
  /** The server refused (a 4xx/5xx, an error redirect): never a success, always with findings. */
  refused: boolean;
  /** The server's own words named the cause. */
  stated: boolean;
  exchange?: InspectedExchange;
  harEntries?: HarEntrySummary[];
  harEntry?: number;
  jwts: InspectedJwt[];
  /** The time exp, iat and clock skew were judged at, and where it came from. */
  evaluatedAt: { time: string; from: 'server-date' | 'har' | 'assertion-iat' | 'now' };
  /** The diagnosis, most likely cause first. */
  findings: Finding[];
  /** What the diagnosis had to assume or could not check, and what to add. */
  notes: string[];
  /** A Markdown report to hand back, with every secret masked. */
  report: string;
  /**
   * inspectFile: the large HAR read from disk or an upload. harEntries and harEntry count only the
   * kept entries; `originalIndex[i]` is kept entry i's index in the file's log.entries.
   */
  largeFile?: LargeHarSummary;
}

/** What inspectFile read of a large HAR, and what it skipped as not OAuth/OIDC/FHIR traffic. */
export interface LargeHarSummary {
  name: string;
  bytes: number;
  entries: number;
  kept: number;
  skipped: number;
  originalIndex: number[];
  /** The id that names this file again (another entry, other options), when read by one. */
  uploadId?: string;
}

export interface TokenRequestDraft {
  id: string;
  /** Break-it mode: the mistake made in this request on purpose. */
  broken?: BrokenOnPurpose;
  grant: GrantType;
  method: 'POST';
  url: string;
  headers: HeaderList;
  /**
   * Form parameters; secret values appear as placeholders the engine fills in when sending:
   * {{client_assertion}}, {{client_secret}}, {{code}}, {{code_verifier}}, {{refresh_token}},
   * {{password}}.
   */
  params: [string, string][];
  preflight: Finding[];
  assertion?: AssertionView;
}

export interface TokenRequestEdits {
  url?: string;
  headers?: HeaderList;
  params?: [string, string][];
}

export interface ScopeDiff {
  requested: string[];
  granted: string[];
  missing: string[];
  extra: string[];
}

/** One id_token check (OpenID Connect Core 3.1.3.7); a failed check is also an ID_TOKEN_INVALID finding. */
export interface IdTokenCheck {
  name:
    'signature' | 'iss' | 'aud' | 'azp' | 'nonce' | 'exp' | 'nbf' | 'iat' | 'at_hash' | 'c_hash';
  ok: boolean;
  detail: string;
}

export interface TokenView {
  kind: 'access_token' | 'id_token';
  format: 'jwt' | 'opaque';
  /** Masked value: first and last characters only. */
  masked: string;
  length: number;
  decoded?: DecodedJwt;
  explained: ClaimExplanation[];
  verification: Verification;
  expiresAt?: string;
  /** id_token only: each validation check with its outcome. */
  checks?: IdTokenCheck[];
  findings: Finding[];
}

/** What the token response said about the refresh token, compared with the one held before. */
export interface RefreshTokenInfo {
  issued: boolean;
  masked?: string;
  length?: number;
  /** A refresh response returned a new refresh token (rotation). */
  rotated?: boolean;
  /** Masked previous refresh token, when this response replaced or kept one. */
  previousMasked?: string;
  /** Plain words: "rotated", "kept the previous one (server returned none)", "not issued: ...". */
  note: string;
}

export interface TokenResult {
  ok: boolean;
  exchangeId: string;
  /** Break-it mode: the mistake sent on purpose, and whether the diagnosis named its cause. */
  broken?: BrokenOnPurpose;
  status?: number;
  /** Parsed body with token values masked. */
  body?: Record<string, unknown>;
  nonJsonPrefix?: string;
  tokenType?: string;
  expiresIn?: number;
  receivedAt: string;
  scopeDiff?: ScopeDiff;
  grant: GrantType;
  accessToken?: TokenView;
  idToken?: TokenView;
  refreshToken?: RefreshTokenInfo;
  /** SMART launch context from the token response: patient, encounter, fhirUser, tenant, ... */
  launchContext?: Record<string, unknown>;
  /** The client assertion this Send carried (fresh, or the pinned one re-sent). */
  assertion?: SentAssertion;
  findings: Finding[];
}

export type TokenKind = 'access_token' | 'id_token' | 'refresh_token';

export interface RefreshRecord {
  at: string;
  ok: boolean;
  automatic: boolean;
  exchangeId: string;
  rotated: boolean;
  previousMasked?: string;
  newMasked?: string;
  findings: Finding[];
}

/** The tokens held for the session (pushed as the "tokens" event whenever they change). */
export interface TokenSetView {
  profileId: string;
  grant: GrantType;
  receivedAt: string;
  expiresAt?: string;
  scope?: string;
  accessToken: TokenView;
  idToken?: TokenView;
  refreshToken?: { masked: string; length: number };
  launchContext?: Record<string, unknown>;
  autoRefresh: { enabled: boolean; nextAt?: string };
  refreshes: RefreshRecord[];
  /** Tokens revoked in this session (RFC 7009). */
  revoked: TokenKind[];
  /** The server's word on each token, re-checked after a revoke or a failed use. */
  serverStatus?: TokenStatuses;
  /** Requested vs granted scope of the response these tokens came from, and what it means. */
  scopeDiff?: ScopeDiff;
  scopeNotes?: Finding[];
}

/** Introspection (RFC 7662), revocation (RFC 7009) or userinfo: one call and its diagnosis. */
export interface TokenOpResult {
  op: 'introspect' | 'revoke' | 'userinfo';
  ok: boolean;
  exchangeId: string;
  status?: number;
  /** Parsed body, token values masked. */
  body?: Record<string, unknown>;
  /** Introspection: the "active" member. */
  active?: boolean;
  /** After a revoke or a refused use: the held tokens' status, re-checked at the server. */
  rechecked?: TokenStatuses;
  findings: Finding[];
}

export interface EndSessionResult {
  /** The logout URL (id_token_hint masked). */
  url: string;
  /** True when the engine opened it in the system browser itself. */
  opened: boolean;
  /** Tokens are forgotten locally after logout. */
  cleared: boolean;
  /**
   * id_token_hint: sent (in the URL the engine opened), handed off (in the URL behind `handoff`),
   * left out (the URL shown has none), none held.
   */
  idTokenHint?: 'sent' | 'handoff' | 'left-out' | 'none';
  /**
   * Web host: a one-time path on this app's own address ("/handoff/<id>", valid for 2 minutes)
   * that redirects the browser to the logout URL with its id_token_hint. The page opens it; the
   * id_token itself never reaches the page.
   */
  handoff?: string;
  /** The post_logout_redirect_uri and the state sent with it (OIDC RP-Initiated Logout 1.0 §2). */
  postLogoutRedirectUri?: string;
  state?: string;
  /** Why the URL lacks id_token_hint, when it does. */
  note?: string;
}

export interface ResourceResult {
  ok: boolean;
  exchangeId: string;
  status?: number;
  headers: HeaderList;
  body: string;
  pretty?: string;
  /** Which token was sent. */
  tokenUsed?: 'access_token' | 'id_token';
  /** The first call got 401 with an expired token; the engine refreshed and called again. */
  retriedAfterRefresh?: boolean;
  findings: Finding[];
}

// --- Registration (RFC 7591 / 7592) ---------------------------------------------------------------

/** Something the user must do outside the protocol (an admin enables the client, ...). */
export interface NextStep {
  title: string;
  detail: string;
  source?: string;
}

export interface RegistrationDraft {
  url: string;
  method: 'POST';
  /** Pretty JSON metadata built from the profile; editable. */
  body: string;
  preflight: Finding[];
}

export interface RegistrationResult {
  action: 'register' | 'read' | 'update' | 'delete';
  ok: boolean;
  exchangeId: string;
  status?: number;
  /** Parsed answer, secrets masked. */
  body?: Record<string, unknown>;
  /** Profile fields updated from the answer (client_id, client_secret, ...). */
  stored: string[];
  profile: ProfileView;
  nextSteps: NextStep[];
  findings: Finding[];
}

// --- Authorization code ---------------------------------------------------------------------------

export type AuthorizationStatus =
  'waiting' | 'received' | 'exchanging' | 'done' | 'failed' | 'cancelled' | 'timed-out';

export interface AuthorizationCheck {
  name: 'state' | 'iss' | 'error' | 'code' | 'probe';
  ok: boolean;
  detail: string;
}

/** One authorization code flow, pushed as the "authorization" event on every change. */
export interface AuthorizationFlowView {
  id: string;
  profileId: string;
  /** Break-it mode: the mistake made in this flow on purpose. */
  broken?: BrokenOnPurpose;
  status: AuthorizationStatus;
  startedAt: string;
  /** When the loopback listener gives up. */
  expiresAt: string;
  /** The authorize URL given to the browser. */
  url: string;
  params: [string, string][];
  redirectUri: string;
  mode: 'loopback' | 'paste';
  /** The RFC 8252 listener: 127.0.0.1 only, one request, then closed. */
  listener?: { port: number; open: boolean };
  pkce: { method: PkceMode; challenge?: string };
  /** The engine opened the system browser itself (Electron, CLI); otherwise the UI opens a tab. */
  opened: boolean;
  /** Exchange the code as soon as the checks pass (otherwise the Token request step does it). */
  autoExchange: boolean;
  callback?: {
    receivedAt: string;
    /** 'probe': the engine's own GET of the authorize URL was answered with an error redirect. */
    via: 'loopback' | 'paste' | 'custom-scheme' | 'probe';
    /** Query parameters of the redirect, the code masked. */
    params: [string, string][];
  };
  checks: AuthorizationCheck[];
  preflight: Finding[];
  findings: Finding[];
  token?: TokenResult;
}

// --- Device authorization grant (RFC 8628) -------------------------------------------------------

/**
 * waiting: polling the token endpoint while the user signs in elsewhere; done: tokens received;
 * denied: the user refused (access_denied); expired: the device code ran out (expired_token, or
 * its expires_in passed here); failed: the server refused the device authorization request or a
 * poll for another reason; cancelled: stopped here; timed-out: the local --timeout passed.
 */
export type DeviceFlowStatus =
  'waiting' | 'done' | 'denied' | 'expired' | 'failed' | 'cancelled' | 'timed-out';

/** One device authorization, pushed as the "device" event on every change. */
export interface DeviceFlowView {
  id: string;
  profileId: string;
  status: DeviceFlowStatus;
  startedAt: string;
  /** The device authorization endpoint the request went to. */
  url: string;
  /** The recorded device authorization request (POST url). */
  exchangeId?: string;
  /** What the user types at verificationUri (shown to the user, not a secret). */
  userCode?: string;
  verificationUri?: string;
  /** The URI with the user code in it (for a QR code), when the server sends one. */
  verificationUriComplete?: string;
  /** When the device code expires (from expires_in). */
  expiresAt?: string;
  /** Seconds between polls: the server's interval (default 5, RFC 8628 §3.2), +5 per slow_down. */
  intervalSec: number;
  polls: number;
  slowDowns: number;
  /** The last poll's answer: the error code (authorization_pending, slow_down…) or "tokens". */
  lastAnswer?: string;
  lastPollAt?: string;
  nextPollAt?: string;
  findings: Finding[];
  /** The token response that ended the flow (tokens, or the refusal). */
  token?: TokenResult;
}

// --- JWKS hosting ---------------------------------------------------------------------------------

export interface JwksHostView {
  url: string;
  port: number;
  kids: string[];
  /** Fetched back through the engine right after starting. */
  reachable: boolean;
  exchangeId?: string;
  note: string;
  /** The port remembered for these keys (chosen once, kept across restarts) was used again. */
  rememberedPort: boolean;
  /**
   * Profiles whose jwks_uri names another loopback JWKS URL for these keys (an earlier port):
   * the server that registered them still fetches the old URL.
   */
  staleProfiles: { profileId: string; name: string; jwksUri: string }[];
}

/** How this workspace keeps its secrets (client secrets, private keys, registration tokens). */
export interface WorkspaceView {
  /**
   * 'os': the OS keychain (desktop, safeStorage). 'passphrase': encrypted with the workspace
   * passphrase. 'session': in memory only, chosen by the user. 'undecided': first start, nothing
   * chosen yet (secrets are kept in memory meanwhile).
   */
  protection: 'os' | 'passphrase' | 'session' | 'undecided';
  /** Protected by a passphrase not entered yet: no secret can be read or saved until unlocked. */
  locked: boolean;
  /** This host can protect the workspace with a passphrase (web host and CLI). */
  canProtect: boolean;
  /** Unlocked from the OFD_PASSPHRASE environment variable. */
  fromEnvironment: boolean;
  /** Something the user must know (e.g. OFD_PASSPHRASE does not open this workspace). */
  notice?: string;
}

export interface StorageInfo {
  backend: string;
  secretsPersisted: boolean;
  warning?: string;
  /** Store files that were unreadable and moved aside at start. */
  quarantined: string[];
  /** What opening the store did that the user should know (restored from .bak, migrated…). */
  notices: string[];
  /**
   * Why the store is read-only (a migration failed, or the file is from a newer version): the app
   * works, nothing it changes is saved (STORE_READ_ONLY).
   */
  readOnly?: string;
  workspace: WorkspaceView;
}

export type { Finding };

// Support and teaching (issue 12): the practice server, exports, run diff, break it.
export * from './types-support.js';
export * from './types-profiles.js';
export * from './types-settings.js';
export * from './types-requests.js';
export * from './types-tokens.js';
