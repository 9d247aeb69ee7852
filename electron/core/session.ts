/** The session's state: what this run holds and remembers, in memory only, shared by the features. */
import type { JSONWebKeySet } from 'jose';
import type { VendorAttempt } from '../../shared/diagnosis/token-response.js';
import type { DiscoveryResult, TokenResult } from '../../shared/types.js';
import type { EngineKey } from './keys.js';
import type { DeviceFlow, Draft, PendingCode } from './model.js';
import type { TimerHandle } from './ports.js';
import type { HeldTokens } from './token-set.js';

export class Session {
  /** Keys by id: stored ones, and those read from a profile's private key file (fileKeys). */
  readonly keys = new Map<string, EngineKey>();
  readonly fileKeys = new Map<string, EngineKey>();
  /** Discovery per profile id, run once and kept for the session. */
  readonly discovery = new Map<string, DiscoveryResult>();
  /** Token request drafts by id, until sent. */
  readonly drafts = new Map<string, Draft>();
  /** Every jti sent in this run (a second use is ASSERTION_JTI_REUSED). */
  readonly sentJtis = new Set<string>();
  /** Token requests of this run, for the vendor rules ("it worked earlier with this client"). */
  readonly tokenHistory: VendorAttempt['earlier'] = [];
  lastAssertion?: string;
  /** Server JWKS by URL for token verification; refetched once when a kid is not found. */
  readonly jwksCache = new Map<string, JSONWebKeySet>();
  /** The tokens held for the session: memory only, never persisted (see HeldTokens). */
  tokens?: HeldTokens;
  auto: {
    enabled: boolean;
    profileId?: string;
    timer?: TimerHandle;
    nextAt?: number;
  } = { enabled: false };
  /** The refresh in flight: a second request for the same profile joins it. */
  refreshing?: { profileId: string; promise: Promise<TokenResult> };
  /** Refresh tokens the server rotated away in this session -> when they were redeemed. */
  readonly usedRefreshTokens = new Map<string, string>();
  /** Token values revoked in this session -> when. */
  readonly revokedValues = new Map<string, string>();
  /**
   * Logout URLs with their id_token_hint, for a host whose page opens the browser (web host): the
   * page gets a one-time local address (/handoff/<id>) that redirects there, never the token.
   */
  readonly handoffs = new Map<string, { url: string; expiresAt: number }>();
  /** Device authorizations (RFC 8628) by id. */
  readonly deviceFlows = new Map<string, DeviceFlow>();
  /** Latest authorization code per profile id (see PendingCode). */
  readonly pendingCodes = new Map<string, PendingCode>();
}
