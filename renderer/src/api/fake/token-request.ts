// Token request area: the editable draft of a token request and sending it.
import { finding } from '../../../../shared/diagnosis/catalog.js';
import type { Finding } from '../../../../shared/diagnosis/codes.js';
import { effectiveFlow } from '../../../../shared/oauth/flow.js';
import type {
  AssertionView,
  GrantType,
  ProfileView,
  TokenRequestDraft,
} from '../../../../shared/types.js';
import { assertionFor } from './assertion.js';
import type { FakeContext } from './context.js';
import { fail, json, notFound, ok } from './helpers.js';
import { issue, pushTokens, redeemCode, refresh, tokenResultOf } from './token-issuer.js';
import type { FakeHandlers } from './types.js';

const defaultGrant = (p: ProfileView): GrantType =>
  effectiveFlow(p) === 'authorization-code'
    ? 'authorization_code'
    : effectiveFlow(p) === 'password'
      ? 'password'
      : 'client_credentials';

/** Handlers of the token request step; the drafts they share live as long as the fake. */
export function tokenRequestHandlers(
  ctx: FakeContext,
): Pick<FakeHandlers, 'prepareTokenRequest' | 'sendTokenRequest'> {
  const { state, next, record, profileById, tokenUrlOf } = ctx;
  const drafts = new Map<
    string,
    TokenRequestDraft & { profileId: string; compact: string | undefined }
  >();

  return {
    prepareTokenRequest: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const grant = input.grant ?? defaultGrant(p);
      const headers: [string, string][] = [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['accept', 'application/json'],
      ];
      const params: [string, string][] = [['grant_type', grant]];
      const preflight: Finding[] = [];
      if (grant === 'client_credentials' || grant === 'password') params.push(['scope', p.scope]);
      if (grant === 'authorization_code') {
        if (!state.code || state.code.profileId !== p.id) {
          return fail(
            'SECRET_UNAVAILABLE',
            'No authorization code has been received for this profile.',
            'Run the Authorize step first (untick "Exchange the code automatically" to redeem it here).',
          );
        }
        params.push(
          ['code', '{{code}}'],
          ['redirect_uri', p.redirectUri ?? 'http://127.0.0.1:49200/callback'],
          ['code_verifier', '{{code_verifier}}'],
        );
      }
      if (grant === 'refresh_token') {
        if (!state.held?.refresh) {
          return fail(
            'SECRET_UNAVAILABLE',
            'No refresh token is held for this session.',
            'Ask for offline_access in the scope and sign in again.',
          );
        }
        params.push(['refresh_token', '{{refresh_token}}']);
      }
      if (grant === 'password') {
        params.push(['username', p.username ?? ''], ['password', '{{password}}']);
        preflight.push(
          finding('GRANT_INSECURE', 'grant_type=password sends the user’s password to the client.'),
        );
      }
      let assertion: AssertionView | undefined;
      let compact: string | undefined;
      switch (p.auth.method) {
        case 'private_key_jwt':
        case 'client_secret_jwt': {
          const built = assertionFor(ctx, p, input.overrides);
          assertion = built.view;
          compact = built.compact;
          state.lastAssertion = compact;
          preflight.push(...built.view.lint);
          params.push(
            ['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
            ['client_assertion', '{{client_assertion}}'],
          );
          break;
        }
        case 'client_secret_basic':
          headers.push(['authorization', 'Basic {{client_secret_basic}}']);
          break;
        case 'client_secret_post':
          params.push(['client_id', p.clientId], ['client_secret', '{{client_secret}}']);
          break;
        default:
          params.push(['client_id', p.clientId]);
      }
      const draft: TokenRequestDraft = {
        id: next('draft'),
        grant,
        method: 'POST',
        url: tokenUrlOf(p),
        headers,
        params,
        preflight,
        ...(assertion ? { assertion } : {}),
      };
      drafts.set(draft.id, { ...draft, profileId: p.id, compact });
      return ok(draft);
    },
    sendTokenRequest: (input) => {
      const draft = drafts.get(input.draftId);
      if (!draft) return notFound(`Draft ${input.draftId}`);
      const p = profileById(draft.profileId);
      if (!p) return notFound(`Profile ${draft.profileId}`);
      if (draft.grant === 'authorization_code') return redeemCode(ctx, p);
      if (draft.grant === 'refresh_token') return refresh(ctx, p, false);
      const url = input.edits?.url ?? draft.url;
      const params = input.edits?.params ?? draft.params;
      const scope = params.find(([n]) => n === 'scope')?.[1] ?? '';
      const requested = scope.split(' ').filter(Boolean);
      const granted =
        draft.grant === 'client_credentials'
          ? requested.filter((s) => !s.startsWith('system/Observation'))
          : requested;
      const { held, body } = issue(ctx, p, draft.grant, granted.join(' '));
      const ex = record({
        step: 'token',
        request: {
          method: 'POST',
          url,
          headers: input.edits?.headers ?? draft.headers,
          body: params.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&'),
        },
        response: json(200, body),
        durationMs: 231,
      });
      pushTokens(ctx);
      const findings: Finding[] = [];
      if (draft.grant === 'password') {
        findings.push(
          finding('GRANT_INSECURE', 'The token was obtained with grant_type=password.'),
        );
      }
      if (requested.some((s) => !granted.includes(s))) {
        findings.push(
          finding(
            'SCOPE_NARROWED',
            `Requested "${scope}" but was granted "${granted.join(' ')}".`,
            {
              severity: 'warning',
            },
          ),
        );
      }
      return ok(tokenResultOf(held, draft.grant, ex.id, body, requested, findings));
    },
  };
}
