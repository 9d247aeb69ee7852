import type { Finding } from './diagnosis-codes.js';

/** JSON-only domain types shared by every host. Secrets never appear here unmasked. */

export type AuthMethod = 'private_key_jwt' | 'client_secret_basic' | 'client_secret_post' | 'none';
export const AUTH_METHODS: readonly AuthMethod[] = [
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
  'none',
];

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

/** A profile as the renderer sees it: the client secret is only ever a hint. */
export interface ProfileView {
  id: string;
  name: string;
  vendor?: string;
  fhirBaseUrl?: string;
  issuer?: string;
  tokenEndpoint?: string;
  jwksUri?: string;
  clientId: string;
  scope: string;
  auth: {
    method: AuthMethod;
    alg?: SigningAlg;
    kid?: string;
    /** Id of a key held by the engine (generated or imported in this app). */
    keyId?: string;
    privateKeyPath?: string;
    hasClientSecret: boolean;
  };
  tls?: { caPath?: string; allowSelfSigned?: boolean };
  resourcePath?: string;
}

/** What the renderer sends to save a profile; clientSecret is write-only. */
export interface ProfileInput extends Omit<ProfileView, 'id' | 'auth'> {
  id?: string;
  auth: Omit<ProfileView['auth'], 'hasClientSecret'> & {
    /** New secret; omit to keep the stored one, empty string to remove it. */
    clientSecret?: string;
  };
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
}

export type HeaderList = [name: string, value: string][];

/** One HTTP request/response as recorded by the engine (secrets masked). */
export interface HttpExchange {
  id: string;
  step: string;
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
    code: 'NETWORK_ERROR' | 'TLS_UNTRUSTED' | 'TIMEOUT' | 'BODY_TOO_LARGE';
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
}

export interface DiscoveryResult {
  documents: DiscoveryDocument[];
  tokenEndpoint?: string;
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

export interface TokenRequestDraft {
  id: string;
  method: 'POST';
  url: string;
  headers: HeaderList;
  /** Form parameters; secret values appear as {{client_assertion}} / {{client_secret}}. */
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
  findings: Finding[];
}

export interface TokenResult {
  ok: boolean;
  exchangeId: string;
  status?: number;
  /** Parsed body with token values masked. */
  body?: Record<string, unknown>;
  nonJsonPrefix?: string;
  tokenType?: string;
  expiresIn?: number;
  receivedAt: string;
  scopeDiff?: ScopeDiff;
  accessToken?: TokenView;
  findings: Finding[];
}

export interface ResourceResult {
  ok: boolean;
  exchangeId: string;
  status?: number;
  headers: HeaderList;
  body: string;
  pretty?: string;
  findings: Finding[];
}

export interface StorageInfo {
  backend: string;
  secretsPersisted: boolean;
  warning?: string;
  /** Store files that were unreadable and moved aside at start. */
  quarantined: string[];
}

export type { Finding };
