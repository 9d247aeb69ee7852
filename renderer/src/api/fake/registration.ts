// Registration area: dynamic client registration (RFC 7591) and its management (RFC 7592).
import { finding } from '../../../../shared/diagnosis/catalog.js';
import type { Finding } from '../../../../shared/diagnosis/codes.js';
import { effectiveFlow } from '../../../../shared/oauth/flow.js';
import type { NextStep, ProfileView, RegistrationResult } from '../../../../shared/types.js';
import type { FakeContext } from './context.js';
import { FAKE_REGISTRATION_URL } from './fixtures.js';
import { fail, json, maskToken, notFound, nowSec, ok } from './helpers.js';
import type { FakeHandlers } from './types.js';

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

function updateProfile(
  { state }: FakeContext,
  p: ProfileView,
  patch: Partial<ProfileView>,
): ProfileView {
  const updated = { ...p, ...patch };
  state.profiles[state.profiles.indexOf(p)] = updated;
  return updated;
}

function registrationBody({ state }: FakeContext, p: ProfileView): Record<string, unknown> {
  const flow = effectiveFlow(p);
  const grants =
    flow === 'authorization-code'
      ? ['authorization_code', 'refresh_token']
      : flow === 'password'
        ? ['password', 'refresh_token']
        : ['client_credentials'];
  const key = state.keys.find((k) => k.id === p.auth.keyId);
  const delivery = p.registration?.keyDelivery ?? (p.jwksUri ? 'jwks_uri' : 'jwks');
  return {
    application_type:
      p.registration?.applicationType ?? (flow === 'authorization-code' ? 'native' : 'web'),
    client_name: p.registration?.clientName ?? p.name,
    ...(flow === 'authorization-code'
      ? { redirect_uris: [p.redirectUri ?? 'http://127.0.0.1/callback'] }
      : {}),
    token_endpoint_auth_method: p.auth.method,
    grant_types: grants,
    ...(flow === 'authorization-code' ? { response_types: ['code'] } : {}),
    scope: p.scope,
    ...(p.registration?.contacts?.length ? { contacts: p.registration.contacts } : {}),
    ...(p.auth.method === 'private_key_jwt'
      ? delivery === 'jwks_uri' && p.jwksUri
        ? { jwks_uri: p.jwksUri }
        : key
          ? { jwks: { keys: [key.publicJwk] } }
          : {}
      : {}),
  };
}

function registrationNextSteps(p: ProfileView, meta: Record<string, unknown>): NextStep[] {
  const steps: NextStep[] = [];
  const scope = typeof meta.scope === 'string' ? meta.scope : '';
  if (p.vendor === 'openemr' || /system\//.test(scope)) {
    steps.push({
      title: 'An administrator must enable the new client',
      detail:
        'New clients start disabled: Admin → System → API Clients → Edit → Enable. Until then token requests fail with invalid_client.',
      source: 'OpenEMR API_README.md, "Registration"',
    });
  }
  if (/system\//.test(scope)) {
    steps.push({
      title: 'Switch on system scopes',
      detail:
        "Switch on 'Enable OpenEMR FHIR System Scopes' (Admin → Config → Connectors); while it is off system/ scopes are dropped.",
    });
  }
  return steps;
}

function registrationResult(
  { profileById }: FakeContext,
  p: ProfileView,
  action: RegistrationResult['action'],
  status: number,
  exId: string,
  body: Record<string, unknown> | undefined,
  stored: string[],
  nextSteps: NextStep[] = [],
  findings: Finding[] = [],
): RegistrationResult {
  return {
    action,
    ok: status < 300,
    exchangeId: exId,
    status,
    ...(body ? { body } : {}),
    stored,
    profile: profileById(p.id)!,
    nextSteps,
    findings,
  };
}

/** Handlers of the registration step: prepare, send, and read/update/delete the registration. */
export function registrationHandlers(
  ctx: FakeContext,
): Pick<FakeHandlers, 'prepareRegistration' | 'sendRegistration' | 'manageRegistration'> {
  const { state, record, profileById } = ctx;
  return {
    prepareRegistration: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const body = registrationBody(ctx, p);
      const preflight: Finding[] = [];
      if (p.auth.method === 'private_key_jwt' && !body.jwks && !body.jwks_uri) {
        preflight.push(
          finding('CLIENT_METADATA_INVALID', 'private_key_jwt without jwks or jwks_uri.', {
            title: 'No public key for private_key_jwt',
            fix: 'Choose a key in the Keys step (Use in profile), or set your JWKS URL in the profile.',
          }),
        );
      }
      return ok({
        url: p.registrationEndpoint ?? FAKE_REGISTRATION_URL,
        method: 'POST',
        body: JSON.stringify(body, null, 2),
        preflight,
      });
    },
    sendRegistration: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      let meta: Record<string, unknown>;
      try {
        meta = JSON.parse(input.body) as Record<string, unknown>;
      } catch (e) {
        return fail(
          'JSON_INVALID',
          `The registration is not valid JSON (${(e as Error).message}).`,
          'Correct the JSON in the editor and send it again.',
        );
      }
      const url = input.url ?? p.registrationEndpoint ?? FAKE_REGISTRATION_URL;
      const request = {
        method: 'POST',
        url,
        headers: [
          ['content-type', 'application/json'],
          ['accept', 'application/json'],
        ] as [string, string][],
        body: JSON.stringify(meta),
      };
      const uris = Array.isArray(meta.redirect_uris) ? (meta.redirect_uris as string[]) : [];
      const bad = uris.find((u) => u.includes('#'));
      if (bad) {
        const answer = {
          error: 'invalid_redirect_uri',
          error_description: 'redirect_uris must not contain fragments',
        };
        const ex = record({
          step: 'registration',
          request,
          response: json(400, answer, 'Bad Request'),
        });
        return ok(
          registrationResult(
            ctx,
            p,
            'register',
            400,
            ex.id,
            answer,
            [],
            [],
            [finding('CLIENT_METADATA_INVALID', `invalid_redirect_uri: ${bad} has a #fragment.`)],
          ),
        );
      }
      const clientId = `fake-client-${++state.seq}`;
      const method = String(meta.token_endpoint_auth_method ?? p.auth.method);
      const secret = SECRET_METHODS.has(method);
      const answer = {
        ...meta,
        client_id: clientId,
        client_id_issued_at: nowSec(),
        ...(secret
          ? {
              client_secret: maskToken(`cs-${clientId}-abcdefghijklmnop`),
              client_secret_expires_at: 0,
            }
          : {}),
        registration_access_token: maskToken(`rat-${clientId}-abcdefghijklmnop`),
        registration_client_uri: `${url}/${clientId}`,
      };
      const ex = record({ step: 'registration', request, response: json(201, answer, 'Created') });
      const updated = updateProfile(ctx, p, {
        clientId,
        hasRegistrationToken: true,
        registration: { ...p.registration, clientUri: `${url}/${clientId}` },
        auth: { ...p.auth, hasClientSecret: secret || p.auth.hasClientSecret },
      });
      const stored = [
        'clientId',
        ...(secret ? ['clientSecret'] : []),
        'registrationAccessToken',
        'registrationClientUri',
      ];
      return ok(
        registrationResult(
          ctx,
          updated,
          'register',
          201,
          ex.id,
          answer,
          stored,
          registrationNextSteps(updated, meta),
        ),
      );
    },
    manageRegistration: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const url = p.registration?.clientUri;
      if (!url || !p.hasRegistrationToken) {
        return fail(
          'SECRET_UNAVAILABLE',
          'No registration access token is stored for this profile.',
          'Register the client in this app first; the server must support RFC 7592.',
        );
      }
      const headers: [string, string][] = [
        ['accept', 'application/json'],
        ['authorization', 'Bearer {{registration_access_token}}'],
      ];
      const current = {
        ...registrationBody(ctx, p),
        client_id: p.clientId,
        registration_client_uri: url,
      };
      if (input.action === 'read') {
        const ex = record({
          step: 'registration',
          request: { method: 'GET', url, headers },
          response: json(200, current),
        });
        return ok(registrationResult(ctx, p, 'read', 200, ex.id, current, []));
      }
      if (input.action === 'update') {
        let meta: Record<string, unknown>;
        try {
          meta = JSON.parse(input.body ?? '') as Record<string, unknown>;
        } catch (e) {
          return fail(
            'JSON_INVALID',
            `The registration is not valid JSON (${(e as Error).message}).`,
            'Correct the JSON in the editor and update again.',
          );
        }
        const answer = { ...meta, client_id: p.clientId, registration_client_uri: url };
        const ex = record({
          step: 'registration',
          request: {
            method: 'PUT',
            url,
            headers: [['content-type', 'application/json'], ...headers],
            body: JSON.stringify(meta),
          },
          response: json(200, answer),
        });
        return ok(registrationResult(ctx, p, 'update', 200, ex.id, answer, []));
      }
      const ex = record({
        step: 'registration',
        request: { method: 'DELETE', url, headers },
        response: json(204, undefined, 'No Content'),
      });
      const { clientUri: _gone, ...registration } = p.registration ?? {};
      const updated = updateProfile(ctx, p, {
        clientId: '',
        hasRegistrationToken: false,
        hasIntrospectionToken: false,
        registration,
        auth: { ...p.auth, hasClientSecret: false },
      });
      return ok(
        registrationResult(ctx, updated, 'delete', 204, ex.id, undefined, [
          'clientId',
          ...(p.auth.hasClientSecret ? ['clientSecret'] : []),
          'registrationAccessToken',
          'registrationClientUri',
        ]),
      );
    },
  };
}
