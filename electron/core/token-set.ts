import type { Finding } from '../../shared/diagnosis/codes.js';
import { maskSecret } from '../../shared/jwt-view.js';
import type {
  ScopeDiff,
  TokenStatuses,
  GrantType,
  RefreshRecord,
  RefreshTokenInfo,
  TokenKind,
  TokenSetView,
  TokenView,
} from '../../shared/types.js';
import type { TlsOptions } from './http.js';

/**
 * The tokens the engine holds for the session. They live in memory only: nothing here is ever
 * written to the store, the secret store or an export, and they are gone when the engine stops.
 * The renderer sees them only through TokenSetView (masked) and the explicit revealSecret action.
 */
export interface HeldTokens {
  profileId: string;
  grant: GrantType;
  /** Milliseconds (engine clock) when the token response arrived. */
  receivedAt: number;
  expiresIn?: number;
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  requestedScope: string;
  grantedScope?: string;
  launchContext?: Record<string, unknown>;
  /** Server JWKS URL (discovery jwks_uri) for token and id_token signatures. */
  jwksUri?: string;
  tls?: TlsOptions;
  /** Expected id_token issuer and the nonce of the original authorize request (for refreshes). */
  issuer?: string;
  nonce?: string;
  accessView: TokenView;
  idView?: TokenView;
  refreshes: RefreshRecord[];
  revoked: TokenKind[];
  /** The server's word on each token after a revoke or a failed use (TokenCalls.recheck). */
  serverStatus?: TokenStatuses;
  scopeDiff?: ScopeDiff;
  scopeNotes?: Finding[];
}

/** SMART launch context members of a token response (SMART App Launch, "launch context"). */
const LAUNCH_FIELDS = [
  'patient',
  'encounter',
  'need_patient_banner',
  'smart_style_url',
  'tenant',
  'intent',
  'fhirContext',
];

/** The SMART launch context of a token response; fhirUser comes from the id_token claims. */
export function launchContextOf(
  body: Record<string, unknown>,
  idClaims?: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const k of LAUNCH_FIELDS) if (body[k] !== undefined) out[k] = body[k];
  const fhirUser = idClaims?.fhirUser ?? body.fhirUser;
  if (fhirUser !== undefined) out.fhirUser = fhirUser;
  return Object.keys(out).length ? out : undefined;
}

/** When the access token expires (ms), from expires_in or the JWT exp. */
export function accessExpiresAt(h: HeldTokens): number | undefined {
  if (h.expiresIn !== undefined) return h.receivedAt + h.expiresIn * 1000;
  return h.accessView.expiresAt ? Date.parse(h.accessView.expiresAt) : undefined;
}

/** About 30 s before expiry, or at 80% of the lifetime when the token lives under 2.5 minutes. */
export function autoRefreshAt(receivedAt: number, expiresAt: number): number {
  const lifetime = expiresAt - receivedAt;
  return lifetime > 150_000 ? expiresAt - 30_000 : receivedAt + Math.floor(lifetime * 0.8);
}

/** The masked snapshot pushed as the "tokens" event. */
export function tokenSetView(
  h: HeldTokens,
  autoRefresh: { enabled: boolean; nextAt?: string },
): TokenSetView {
  const expiresAt = accessExpiresAt(h);
  return {
    profileId: h.profileId,
    grant: h.grant,
    receivedAt: new Date(h.receivedAt).toISOString(),
    ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
    ...(h.grantedScope !== undefined ? { scope: h.grantedScope } : {}),
    accessToken: h.accessView,
    ...(h.idView ? { idToken: h.idView } : {}),
    ...(h.refreshToken
      ? { refreshToken: { masked: maskSecret(h.refreshToken), length: h.refreshToken.length } }
      : {}),
    ...(h.launchContext ? { launchContext: h.launchContext } : {}),
    autoRefresh,
    refreshes: h.refreshes,
    revoked: h.revoked,
    ...(h.serverStatus ? { serverStatus: h.serverStatus } : {}),
    ...(h.scopeDiff ? { scopeDiff: h.scopeDiff } : {}),
    ...(h.scopeNotes?.length ? { scopeNotes: h.scopeNotes } : {}),
  };
}

/** What a token response said about the refresh token, compared with the one held before. */
export function refreshTokenInfo(
  grant: GrantType,
  issued: string | undefined,
  previous: string | undefined,
  whyNot: string,
): RefreshTokenInfo {
  const shape = issued ? { masked: maskSecret(issued), length: issued.length } : {};
  if (grant === 'refresh_token') {
    const prev = previous ? { previousMasked: maskSecret(previous) } : {};
    if (issued && previous && issued !== previous)
      return {
        issued: true,
        rotated: true,
        ...shape,
        ...prev,
        note: 'Rotated: the server returned a new refresh token; the previous one must not be used again.',
      };
    if (issued)
      return {
        issued: true,
        rotated: false,
        ...shape,
        ...prev,
        note: 'The server returned the same refresh token (no rotation).',
      };
    return {
      issued: false,
      rotated: false,
      ...prev,
      note: 'Kept the previous refresh token (the server returned none, so it stays valid).',
    };
  }
  if (issued) return { issued: true, ...shape, note: 'Issued.' };
  return { issued: false, note: `Not issued: ${whyNot}` };
}
