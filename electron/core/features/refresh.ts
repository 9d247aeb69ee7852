import type { DebuggerApi } from '../../../shared/api/contract.js';
import { finding } from '../../../shared/diagnosis/index.js';
import type { TokenResult } from '../../../shared/types.js';
import { refreshNotIssuedFinding } from '../../../shared/diagnosis/grant.js';
import { accessExpiresAt, autoRefreshAt } from '../token-set.js';
import { type StoredProfile, guard } from '../model.js';
import type { Core } from '../core.js';
import { systemTimer } from '../ports.js';

/** Refreshing the held tokens: by hand, automatically before expiry, one at a time. */
export class Refresh {
  constructor(private readonly c: Core) {}

  private get timer() {
    return this.c.ports.timer ?? systemTimer;
  }

  stopAutoRefresh() {
    if (this.c.s.auto.timer) this.timer.cancel(this.c.s.auto.timer);
    delete this.c.s.auto.timer;
    delete this.c.s.auto.nextAt;
  }

  /** Arms the refresh timer for the held tokens: ~30 s before expiry, or at 80% of a short life. */
  armAutoRefresh() {
    this.stopAutoRefresh();
    const h = this.c.s.tokens;
    if (!this.c.s.auto.enabled || !h || h.profileId !== this.c.s.auto.profileId) return;
    if (!h.refreshToken || h.revoked.length) return;
    const expiresAt = accessExpiresAt(h);
    if (expiresAt === undefined) return;
    const at = autoRefreshAt(h.receivedAt, expiresAt);
    const delay = Math.min(Math.max(0, at - this.c.ports.clock.now()), 2 ** 31 - 1);
    // On the Timer port: the system one never keeps a CLI or test process alive.
    this.c.s.auto.timer = this.timer.after(delay, () => void this.autoRefreshNow(h.profileId));
    this.c.s.auto.nextAt = at;
  }

  private async autoRefreshNow(profileId: string) {
    delete this.c.s.auto.timer;
    delete this.c.s.auto.nextAt;
    try {
      // Success replaces the set and re-arms the timer; a refused refresh is recorded and not retried.
      await this.refreshOnce(this.c.profiles.mustProfile(profileId), undefined, true);
    } catch {
      // The refresh could not even be prepared (profile or secret gone): no next time is shown.
      this.c.tokenSet.emitTokens();
    }
  }

  /** One refresh per profile at a time: a manual refresh during an automatic one joins it. */
  refreshOnce(
    p: StoredProfile,
    refreshToken: string | undefined,
    automatic: boolean,
  ): Promise<TokenResult> {
    if (this.c.s.refreshing?.profileId === p.id && !refreshToken)
      return this.c.s.refreshing.promise;
    const run = async () => {
      const { draft } = await this.c.tokenRequests.prepareDraft(
        p,
        'refresh_token',
        refreshToken ? { refreshToken } : {},
      );
      try {
        return await this.c.tokenRequests.sendDraft(draft, undefined, automatic);
      } finally {
        this.c.s.drafts.delete(draft.id);
      }
    };
    const promise = run().finally(() => {
      if (this.c.s.refreshing?.promise === promise) this.c.s.refreshing = undefined;
    });
    this.c.s.refreshing = { profileId: p.id, promise };
    return promise;
  }

  /** Nothing to refresh with: REFRESH_NOT_ISSUED, and nothing is sent. */
  private noRefreshToken(p: StoredProfile): TokenResult {
    const held = this.c.tokenSet.heldFor(p.id);
    const f = held
      ? {
          ...refreshNotIssuedFinding(held.requestedScope, held.grantedScope),
          severity: 'error' as const,
        }
      : finding(
          'REFRESH_NOT_ISSUED',
          'No tokens are held for this profile in this session (tokens are kept in memory only, so a restart forgets them).',
          {
            fix: 'Authorize (asking for offline_access) to get a refresh token, or pass one to refresh with.',
          },
        );
    const evidence = held
      ? `The ${held.grant} response held for this profile had no refresh_token. ${f.evidence}`
      : f.evidence;
    return {
      grant: 'refresh_token',
      ok: false,
      exchangeId: '',
      receivedAt: new Date(this.c.ports.clock.now()).toISOString(),
      refreshToken: { issued: false, note: `Not issued: ${evidence}` },
      findings: [{ ...f, evidence }],
    };
  }

  refreshTokens(input: Parameters<DebuggerApi['refreshTokens']>[0]) {
    return guard(async (): Promise<TokenResult> => {
      const p = this.c.profiles.mustProfile(input.profileId);
      if (!input.refreshToken && !this.c.tokenSet.heldFor(p.id)?.refreshToken)
        return this.noRefreshToken(p);
      return this.refreshOnce(p, input.refreshToken, false);
    });
  }

  setAutoRefresh(input: Parameters<DebuggerApi['setAutoRefresh']>[0]) {
    return guard(async () => {
      this.c.profiles.mustProfile(input.profileId);
      this.stopAutoRefresh();
      this.c.s.auto = { enabled: input.enabled, profileId: input.profileId };
      this.armAutoRefresh();
      this.c.tokenSet.emitTokens();
      const nextAt = this.c.s.auto.nextAt;
      return {
        enabled: input.enabled,
        ...(nextAt !== undefined ? { nextAt: new Date(nextAt).toISOString() } : {}),
      };
    });
  }
}
