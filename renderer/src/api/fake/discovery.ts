// Discovery area: a canned .well-known/smart-configuration and what the engine reads from it.
import { finding } from '../../../../shared/diagnosis/catalog.js';
import type { DiscoveryResult } from '../../../../shared/types.js';
import type { FakeContext } from './context.js';
import {
  FAKE_AUTHORIZE_URL,
  FAKE_FHIR_BASE,
  FAKE_ISSUER,
  FAKE_JWKS_URL,
  FAKE_REGISTRATION_URL,
  FAKE_TOKEN_URL,
} from './fixtures.js';
import { ok } from './helpers.js';
import type { FakeHandlers } from './types.js';

/** Handler of the discovery step. */
export function discoveryHandlers(ctx: FakeContext): Pick<FakeHandlers, 'discover'> {
  const { record, profileById } = ctx;
  return {
    discover: (target) => {
      const p = target.profileId ? profileById(target.profileId) : undefined;
      const base = target.fhirBaseUrl ?? p?.fhirBaseUrl ?? FAKE_FHIR_BASE;
      const url = `${base}/.well-known/smart-configuration`;
      const doc = {
        issuer: FAKE_ISSUER,
        token_endpoint: FAKE_TOKEN_URL,
        authorization_endpoint: FAKE_AUTHORIZE_URL,
        registration_endpoint: FAKE_REGISTRATION_URL,
        jwks_uri: FAKE_JWKS_URL,
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
        token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
        scopes_supported: ['system/*.rs', 'system/Patient.rs', 'system/Observation.rs'],
        capabilities: ['client-confidential-asymmetric', 'permission-v2'],
      };
      const ex = record({
        step: 'discovery',
        request: { method: 'GET', url, headers: [['accept', 'application/json']] },
        response: {
          status: 200,
          statusText: 'OK',
          headers: [['content-type', 'application/json']],
          body: JSON.stringify(doc, null, 2),
          bodyBytes: 512,
          truncated: false,
        },
      });
      const result: DiscoveryResult = {
        documents: [
          {
            kind: 'smart-configuration',
            url,
            ok: true,
            status: 200,
            exchangeId: ex.id,
            fields: [
              { name: 'issuer', value: doc.issuer, status: 'present' },
              { name: 'token_endpoint', value: doc.token_endpoint, status: 'present' },
              { name: 'jwks_uri', value: doc.jwks_uri, status: 'present' },
              {
                name: 'token_endpoint_auth_methods_supported',
                value: doc.token_endpoint_auth_methods_supported,
                status: 'present',
              },
              {
                name: 'token_endpoint_auth_signing_alg_values_supported',
                value: doc.token_endpoint_auth_signing_alg_values_supported,
                status: 'present',
              },
              { name: 'grant_types_supported', value: undefined, status: 'missing-recommended' },
              { name: 'scopes_supported', value: doc.scopes_supported, status: 'optional' },
            ],
          },
        ],
        tokenEndpoint: doc.token_endpoint,
        authorizationEndpoint: doc.authorization_endpoint,
        registrationEndpoint: doc.registration_endpoint,
        jwksUri: doc.jwks_uri,
        issuer: doc.issuer,
        authMethods: doc.token_endpoint_auth_methods_supported,
        signingAlgs: doc.token_endpoint_auth_signing_alg_values_supported,
        scopesSupported: doc.scopes_supported,
        capabilities: doc.capabilities,
        findings: [
          finding(
            'DISCOVERY_INCOMPLETE',
            'grant_types_supported is missing from .well-known/smart-configuration.',
            { severity: 'warning' },
          ),
        ],
      };
      return ok(result);
    },
  };
}
