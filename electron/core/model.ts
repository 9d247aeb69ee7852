/** The engine's stored shapes (profiles, pending codes, drafts) and the small pure helpers its features share. */
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import type { Finding } from '../../shared/diagnosis/codes.js';
import { profileFileSchema } from '../../shared/profile-file.js';
import { AppFailure, err, ok, type Result } from '../../shared/result.js';
import type { TimerHandle } from './ports.js';
import type {
  AssertionOverrides,
  AssertionView,
  DeviceFlowView,
  HeaderList,
  ProfileInput,
  ProfileView,
  PkceMode,
  SigningAlg,
  GrantType,
  Verification,
} from '../../shared/types.js';
import { SIGNING_ALGS } from '../../shared/types.js';

export interface StoredProfile extends Omit<
  ProfileView,
  'auth' | 'hasPassword' | 'hasRegistrationToken' | 'hasIntrospectionToken'
> {
  auth: Omit<ProfileView['auth'], 'hasClientSecret'>;
}

/**
 * An authorization code whose callback passed the state and issuer checks, waiting to be redeemed.
 * Written by the authorization flow, read by prepareTokenRequest({grant: 'authorization_code'}).
 */
export interface PendingCode {
  flowId: string;
  code: string;
  /** The redirect_uri sent in the authorize request (the token request must repeat it). */
  redirectUri: string;
  codeVerifier?: string;
  pkce: PkceMode;
  nonce?: string;
  state: string;
  /** Issuer expected in the id_token. */
  issuer?: string;
  /** Set once a token request carried this code (a second use is CODE_INVALID). */
  redeemed: boolean;
}

/** Secret references of a profile in the SecretStore. */
export const profileSecret = {
  clientSecret: (id: string) => `profile:${id}:clientSecret`,
  password: (id: string) => `profile:${id}:password`,
  registrationToken: (id: string) => `profile:${id}:registrationAccessToken`,
  introspectionToken: (id: string) => `profile:${id}:introspectionToken`,
};

export interface Draft {
  id: string;
  profileId: string;
  grant: GrantType;
  /** authorization_code: the code being redeemed (what is sent is compared with it). */
  pending?: PendingCode;
  url: string;
  headers: HeaderList;
  params: [string, string][];
  /** placeholder name -> secret value */
  fill: Map<string, string>;
  assertion?: AssertionView;
  /** The key that signed the assertion and what the server will check it against. */
  signing?: { kid: string; keyContext: KeyContext };
  /** The assertion edits it was prepared with: each Send signs a fresh assertion with them. */
  overrides?: AssertionOverrides;
  /** The user pinned the assertion: Send re-sends it as it is (same jti). */
  pinned?: boolean;
}

/** A device authorization (RFC 8628) in this session: what the UI sees, and the device code it does not. */
export interface DeviceFlow {
  view: DeviceFlowView;
  deviceCode?: string;
  timer?: TimerHandle;
  /** Local deadline (timeoutSec), ms. */
  deadline?: number;
  /** The poll in flight. */
  polling?: Promise<void>;
  /** Called once when the flow ends (the CLI waits on it). */
  waiters: ((view: DeviceFlowView) => void)[];
}

/** The client's registered JWKS as the server will see it, and what fetching it found. */
export interface KeyContext {
  lintInput: { jwksKids?: string[]; registeredJku?: string };
  findings: Finding[];
}

export const PROFILES = 'profiles';
export const KEYS = 'keys';

/** Turns a thrown AppFailure into an error Result; anything else is a bug and is reported as INTERNAL. */
export async function guard<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (e) {
    if (e instanceof AppFailure) return err(e.code, e.message, e.fix);
    return err(
      'INTERNAL',
      `Unexpected error: ${(e as Error).message}`,
      'Please report this with the timeline (secrets are masked).',
    );
  }
}

/** Verifies a compact JWS against a JWKS with jose and says with which key. */
const localSets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

export async function verifyWith(
  jwt: string,
  jwks: JSONWebKeySet,
  jwksUrl?: string,
): Promise<Verification> {
  const where = jwksUrl ? ` from ${jwksUrl}` : '';
  // An HMAC (HS*) signature is keyed with a secret the server holds: no JWKS has that key, so a
  // client cannot verify it. That is not a failed signature (RFC 7518 §3.2).
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(jwt).alg;
  } catch {
    alg = undefined;
  }
  if (typeof alg === 'string' && /^HS(256|384|512)$/.test(alg))
    return {
      status: 'unchecked',
      message: `Signed with ${alg}, an HMAC keyed with a secret the server holds: not verifiable by a client (a JWKS holds no such key). The server that issued it can check it (introspection).`,
    };
  try {
    // One key set per JWKS object: jose caches the imported keys inside it.
    let set = localSets.get(jwks);
    if (!set) localSets.set(jwks, (set = createLocalJWKSet(jwks)));
    let usedKid: string | undefined;
    await compactVerify(jwt, async (header, token) => {
      const key = await set(header, token);
      usedKid =
        header.kid ??
        jwks.keys.find((k) => k.kty === (header.alg.startsWith('ES') ? 'EC' : 'RSA'))?.kid;
      return key;
    });
    return {
      status: 'verified',
      message: `Signature verified with key ${usedKid ?? '(no kid)'}${where}.`,
      ...(usedKid ? { kid: usedKid } : {}),
      ...(jwksUrl ? { jwksUrl } : {}),
    };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg =
      code === 'ERR_JWKS_NO_MATCHING_KEY'
        ? `No key in the JWKS${where} matches this token's kid/alg.`
        : code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
          ? `Several keys in the JWKS${where} match; kids must be unique.`
          : code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
            ? `Signature does not verify with the matching key${where}.`
            : `Could not verify: ${(e as Error).message}.`;
    return { status: 'failed', message: msg, ...(jwksUrl ? { jwksUrl } : {}) };
  }
}

/**
 * The FHIR base and the issuer a target names, when it is given as a full well-known URL
 * (…/.well-known/smart-configuration, …/.well-known/openid-configuration, or the RFC 8414 form
 * {origin}/.well-known/oauth-authorization-server{path}).
 */
export function wellKnownBase(
  fhirBaseUrl: string | undefined,
  issuer: string | undefined,
): { fhirBaseUrl?: string; issuer?: string } {
  let fhir = fhirBaseUrl;
  let iss = issuer;
  for (const v of [fhirBaseUrl, issuer]) {
    if (!v) continue;
    const m =
      /^(.*?)\/\.well-known\/(smart-configuration|openid-configuration|oauth-authorization-server)(\/[^?#]*)?\/?$/.exec(
        v,
      );
    if (!m) continue;
    const base = m[1]!;
    if (m[2] === 'smart-configuration') {
      if (v === issuer) iss = undefined;
      fhir = base;
    } else {
      if (v === fhirBaseUrl) fhir = undefined;
      iss = m[2] === 'oauth-authorization-server' ? `${base}${m[3] ?? ''}` : base;
    }
  }
  return { ...(fhir ? { fhirBaseUrl: fhir } : {}), ...(iss ? { issuer: iss } : {}) };
}

/** The grant a profile's flow uses by default. */
/** The profile's alg when it names a signature algorithm (not an HMAC one). */
export function asSigningAlg(alg: ProfileView['auth']['alg']): SigningAlg | undefined {
  return alg && (SIGNING_ALGS as readonly string[]).includes(alg) ? (alg as SigningAlg) : undefined;
}

export function applyOverrides(target: Record<string, unknown>, over?: Record<string, unknown>) {
  if (!over) return;
  for (const [k, v] of Object.entries(over)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    if (v === null) delete target[k];
    else target[k] = v;
  }
}

export function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Parses a profile file (JSON) into a ProfileInput, with errors that say which field. */
export function parseProfileFile(json: string): ProfileInput {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new AppFailure(
      'JSON_INVALID',
      `The profile is not valid JSON: ${(e as Error).message}.`,
      'Check the file against profile.schema.json.',
    );
  }
  const r = profileFileSchema.safeParse(raw);
  if (!r.success) {
    const msg = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new AppFailure(
      'PROFILE_INVALID',
      `The profile file is not valid: ${msg}.`,
      'Fix the fields named above; the format is documented in profile.schema.json.',
    );
  }
  const { $schema: _s, ...rest } = r.data;
  return rest as ProfileInput;
}
