import { refreshFailureFindings } from '../../../shared/diagnosis/grant.js';
import { AppFailure } from '../../../shared/result.js';
import type { GrantHandler } from './types.js';

/** RFC 6749 §6: new tokens for the held (or a given) refresh token. */
export const refreshToken: GrantHandler = {
  grant: 'refresh_token',
  step: 'Refresh',
  secretParams: ['refresh_token'],
  async params({ c, p, refreshToken }) {
    const value = refreshToken ?? c.tokenSet.heldFor(p.id)?.refreshToken;
    if (!value)
      throw new AppFailure(
        'NOT_FOUND',
        'No refresh token is held for this profile.',
        'Use "Refresh" to see why none was issued, or authorize again asking for offline_access.',
      );
    // No scope: the new tokens keep the granted scope (RFC 6749 §6); add one only to narrow it.
    return {
      params: [['refresh_token', '{{refresh_token}}']],
      fill: new Map([['refresh_token', value]]),
      notes: [],
    };
  },
  answerFindings({ c, sent, ok, error, said }) {
    const value = sent.find(([n]) => n === 'refresh_token')?.[1];
    if (ok || !value) return [];
    const rotatedAwayAt = c.s.usedRefreshTokens.get(value);
    const revokedAt = c.s.revokedValues.get(value);
    return refreshFailureFindings({
      ...(error ? { error } : {}),
      said,
      ...(rotatedAwayAt ? { rotatedAwayAt } : {}),
      ...(revokedAt ? { revokedAt } : {}),
    });
  },
  requestedScope: (_p, prev) => prev?.grantedScope ?? prev?.requestedScope ?? '',
  refreshExpected: false,
};
