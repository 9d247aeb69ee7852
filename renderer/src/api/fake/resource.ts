// Resource area: a FHIR request with the held token, refreshing once when it has expired.
import { finding } from '../../../../shared/diagnosis/catalog.js';
import type { FakeContext } from './context.js';
import { FAKE_FHIR_BASE } from './fixtures.js';
import { fail, notFound, ok } from './helpers.js';
import { refresh } from './token-issuer.js';
import type { FakeHandlers } from './types.js';

/** Handler of the resource step. */
export function resourceHandlers(ctx: FakeContext): Pick<FakeHandlers, 'callResource'> {
  const { state, record, profileById } = ctx;
  return {
    callResource: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const which = input.token ?? 'access_token';
      if (which === 'id_token' && !state.held?.id) {
        return fail(
          'SECRET_UNAVAILABLE',
          'There is no id_token in this session.',
          'Sign in with openid in the scope, or send the access token.',
        );
      }
      const url = `${p.fhirBaseUrl ?? FAKE_FHIR_BASE}/${input.path.replace(/^\//, '')}`;
      const request = {
        method: 'GET',
        url,
        headers: [
          ['authorization', `Bearer {{${which}}}`],
          ['accept', 'application/fhir+json'],
        ] as [string, string][],
      };
      let retried = false;
      const expired =
        which === 'access_token' && !!state.held && state.held.expiresAt <= Date.now();
      if (expired) {
        const unauthorized = JSON.stringify({
          resourceType: 'OperationOutcome',
          issue: [{ code: 'expired' }],
        });
        const first = record({
          step: 'resource',
          request,
          response: {
            status: 401,
            statusText: 'Unauthorized',
            headers: [['www-authenticate', 'Bearer error="invalid_token"']],
            body: unauthorized,
            bodyBytes: unauthorized.length,
            truncated: false,
          },
        });
        if (!input.refreshOnExpiry || !state.held?.refresh) {
          return ok({
            ok: false,
            exchangeId: first.id,
            status: 401,
            headers: [['www-authenticate', 'Bearer error="invalid_token"']],
            body: unauthorized,
            tokenUsed: which,
            findings: [finding('TOKEN_EXPIRED', 'The access token expired before this request.')],
          });
        }
        const r = refresh(ctx, p, false);
        if (!r.ok || !r.value.ok) {
          return ok({
            ok: false,
            exchangeId: first.id,
            status: 401,
            headers: [],
            body: unauthorized,
            tokenUsed: which,
            findings: r.ok
              ? r.value.findings
              : [finding('TOKEN_EXPIRED', 'Expired; refresh failed.')],
          });
        }
        retried = true;
      }
      const body = JSON.stringify({
        resourceType: 'Bundle',
        type: 'searchset',
        total: 1,
        entry: [{ resource: { resourceType: 'Patient', id: 'example' } }],
      });
      const headers: [string, string][] = [['content-type', 'application/fhir+json']];
      const ex = record({
        step: 'resource',
        request,
        response: {
          status: 200,
          statusText: 'OK',
          headers,
          body,
          bodyBytes: body.length,
          truncated: false,
        },
      });
      return ok({
        ok: true,
        exchangeId: ex.id,
        status: 200,
        headers,
        body,
        pretty: JSON.stringify(JSON.parse(body), null, 2),
        ...(input.token || state.held ? { tokenUsed: which } : {}),
        ...(retried ? { retriedAfterRefresh: true } : {}),
        findings: [],
      });
    },
  };
}
