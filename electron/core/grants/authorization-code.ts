import { finding } from '../../../shared/diagnosis/catalog.js';
import type { CauseCode, Finding } from '../../../shared/diagnosis/codes.js';
import { codeExchangeFindings } from '../../../shared/diagnosis/grant.js';
import { AppFailure } from '../../../shared/result.js';
import type { GrantHandler } from './types.js';

/** RFC 6749 §4.1.3 with RFC 7636 PKCE: redeems the code the Authorize step received. */
export const authorizationCode: GrantHandler = {
  grant: 'authorization_code',
  step: 'Token request',
  secretParams: ['code', 'code_verifier'],
  registers: { grantTypes: ['authorization_code', 'refresh_token'], responseTypes: ['code'] },
  async params({ c, p }) {
    const pending = c.s.pendingCodes.get(p.id);
    if (!pending)
      throw new AppFailure(
        'NOT_FOUND',
        'No authorization code has been received for this profile.',
        'Authorize first (Authorize step).',
      );
    // RFC 6749 §4.1.3: redirect_uri exactly as in the authorize request.
    const params: [string, string][] = [
      ['code', '{{code}}'],
      ['redirect_uri', pending.redirectUri],
    ];
    const fill = new Map([['code', pending.code]]);
    if (pending.codeVerifier !== undefined) {
      params.push(['code_verifier', '{{code_verifier}}']);
      fill.set('code_verifier', pending.codeVerifier);
    }
    const notes: Finding[] = [];
    if (pending.redeemed)
      notes.push(
        finding(
          'CODE_INVALID',
          'This authorization code was already sent in a token request; the server will refuse it a second time.',
          {
            severity: 'warning',
            title: 'Authorization code already used',
            fix: 'Authorize again to get a new code.',
          },
        ),
      );
    return { params, fill, notes, pending };
  },
  answerFindings({ draft, sent, ok, error, said, wasRedeemed }) {
    if (!draft.pending) return [];
    return codeExchangeFindings({
      pending: draft.pending,
      wasRedeemed,
      sent,
      ok,
      ...(error ? { error } : {}),
      said,
    });
  },
  ruledOut({ draft, sent }) {
    // What was compared with the authorization and found fine is no candidate cause.
    if (!draft.pending) return [];
    const get = (k: string) => sent.find(([n]) => n === k)?.[1];
    const out: CauseCode[] = [];
    if (get('redirect_uri') === draft.pending.redirectUri) out.push('REDIRECT_URI_MISMATCH');
    if (
      draft.pending.codeVerifier === undefined ||
      get('code_verifier') === draft.pending.codeVerifier
    )
      out.push('PKCE_MISMATCH');
    return out;
  },
  requestedScope: (p) => p.scope,
  refreshExpected: true,
};
