import type { Result } from './result.js';
import type {
  AssertionOverrides,
  AssertionView,
  DiscoveryResult,
  HttpExchange,
  InspectInput,
  InspectResult,
  KeyInfo,
  KeyKind,
  ProfileInput,
  ProfileView,
  ResourceResult,
  SigningAlg,
  StorageInfo,
  TokenRequestDraft,
  TokenRequestEdits,
  TokenResult,
  TokenView,
} from './types.js';

/**
 * THE contract between the renderer (or CLI) and the engine. Every host adapter (ipcMain,
 * preload, web host, HTTP client, fake) is generated from API_METHODS; nothing else names a
 * channel. Payloads are plain JSON; failures are Result values with stable codes.
 */
export interface DebuggerApi {
  getStorageInfo(): Promise<Result<StorageInfo>>;
  listProfiles(): Promise<Result<ProfileView[]>>;
  saveProfile(input: ProfileInput): Promise<Result<ProfileView>>;
  deleteProfile(id: string): Promise<Result<{ deleted: string }>>;
  /** The profile file format (JSON Schema'd), without secrets. */
  exportProfile(id: string): Promise<Result<{ json: string }>>;
  importProfile(json: string): Promise<Result<ProfileView>>;

  discover(target: {
    fhirBaseUrl?: string;
    issuer?: string;
    profileId?: string;
  }): Promise<Result<DiscoveryResult>>;

  listKeys(): Promise<Result<KeyInfo[]>>;
  generateKey(input: { kind: KeyKind; alg: SigningAlg; kid?: string }): Promise<Result<KeyInfo>>;
  importKey(input: { text: string; alg?: SigningAlg; kid?: string }): Promise<Result<KeyInfo>>;
  deleteKey(id: string): Promise<Result<{ deleted: string }>>;
  exportJwks(keyIds: string[]): Promise<Result<{ jwks: string }>>;
  /** Writes the private key as PKCS#8 PEM to a file chosen by the user (mode 0600). */
  exportPrivateKey(input: { keyId: string; path: string }): Promise<Result<{ path: string }>>;

  buildAssertion(input: {
    profileId: string;
    overrides?: AssertionOverrides;
  }): Promise<Result<AssertionView>>;
  inspectAssertion(input: InspectInput): Promise<Result<InspectResult>>;

  prepareTokenRequest(input: {
    profileId: string;
    overrides?: AssertionOverrides;
  }): Promise<Result<TokenRequestDraft>>;
  sendTokenRequest(input: {
    draftId: string;
    edits?: TokenRequestEdits;
  }): Promise<Result<TokenResult>>;

  /** Decodes a pasted token, or the current access token when `token` is omitted. */
  decodeToken(input: {
    token?: string;
    jwksUrl?: string;
    jwks?: string;
  }): Promise<Result<TokenView>>;

  callResource(input: { profileId: string; path: string }): Promise<Result<ResourceResult>>;

  /** Explicit user action: the raw value of the current access token or last assertion. */
  revealSecret(input: {
    kind: 'access_token' | 'client_assertion';
  }): Promise<Result<{ value: string }>>;

  listExchanges(): Promise<Result<HttpExchange[]>>;
  clearExchanges(): Promise<Result<{ cleared: number }>>;
}

/** Pushed snapshots: a missed event can never desynchronise the UI. */
export interface DebuggerEvents {
  exchanges: HttpExchange[];
}

export type ApiMethod = keyof DebuggerApi;
export type EventName = keyof DebuggerEvents;

export interface DebuggerBridge extends DebuggerApi {
  on<E extends EventName>(event: E, listener: (payload: DebuggerEvents[E]) => void): () => void;
}

export const API_METHODS = [
  'getStorageInfo',
  'listProfiles',
  'saveProfile',
  'deleteProfile',
  'exportProfile',
  'importProfile',
  'discover',
  'listKeys',
  'generateKey',
  'importKey',
  'deleteKey',
  'exportJwks',
  'exportPrivateKey',
  'buildAssertion',
  'inspectAssertion',
  'prepareTokenRequest',
  'sendTokenRequest',
  'decodeToken',
  'callResource',
  'revealSecret',
  'listExchanges',
  'clearExchanges',
] as const satisfies readonly ApiMethod[];

type Unlisted = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
/** Fails to compile when a method of DebuggerApi is missing from API_METHODS. */
export const apiMethodsComplete: [Unlisted] extends [never] ? true : never = true;

export const EVENT_NAMES = ['exchanges'] as const satisfies readonly EventName[];

export const invokeChannel = (m: ApiMethod) => `api:${m}` as const;
export const eventChannel = (e: EventName) => `event:${e}` as const;

/** Web host wire format: POST /api/:method with {args}, header below carries the per-run token. */
export const WEB_TOKEN_HEADER = 'x-ofd-token';
