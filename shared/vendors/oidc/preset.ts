// The generic OpenID Connect / OAuth 2.0 preset: what any such server offers, with sources.
import { SIGNING_ALGS } from '../../types.js';
import type { VendorPreset } from '../preset-types.js';
import { PKCE_OAUTH } from '../smart-common.js';
import { src } from '../sources.js';

export const oidc: VendorPreset = {
  id: 'oidc',
  smart: false,
  title: 'OpenID Connect / OAuth 2.0 (generic)',
  description:
    'Any OAuth 2.0 / OpenID Connect server: endpoints from the issuer’s openid-configuration or RFC 8414 metadata.',
  source: src('RFC8414', 'RFC6749'),
  params: [
    {
      name: 'issuer',
      kind: 'url',
      pathAllowed: true,
      label: 'Issuer',
      example: 'https://auth.example.org',
      hint: 'The issuer exactly as the server names it (no /.well-known/…).',
      mistakes: [
        {
          pattern: '/\\.well-known/',
          message: 'Issuer is the issuer URL itself, without /.well-known/….',
        },
      ],
      source: src('RFC8414'),
    },
  ],
  endpoints: {
    issuer: {
      value: '{issuer}',
      why: 'Metadata is discovered from the issuer; the document’s issuer must equal it.',
      source: src('RFC8414'),
    },
  },
  discovery: [
    {
      kind: 'openid-configuration',
      value: '{issuer}/.well-known/openid-configuration',
      why: 'OpenID Connect discovery, appended to the issuer.',
      source: src('RFC8414'),
    },
    {
      kind: 'oauth-authorization-server',
      value: '{issuer.origin}/.well-known/oauth-authorization-server{issuer.path}',
      why: 'RFC 8414 inserts the well-known part between host and issuer path.',
      source: src('RFC8414'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'client_secret_basic',
        why: 'The RFC 8414 default token_endpoint_auth_method; RFC 6749 prefers Basic over the body.',
        source: src('RFC8414', 'RFC6749'),
      },
      acceptedMethods: {
        value: [
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'client_secret_jwt',
        ],
        why: 'Whatever token_endpoint_auth_methods_supported lists.',
        source: src('RFC8414'),
      },
      scope: {
        value: '',
        why: 'No standard scope for client_credentials; the server decides.',
        source: src('RFC6749'),
      },
    },
    'authorization-code': {
      method: {
        value: 'client_secret_basic',
        why: 'The RFC 8414 / RFC 7591 default; choose none for a public client.',
        source: src('RFC8414', 'RFC7591'),
      },
      acceptedMethods: {
        value: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
        why: 'Whatever token_endpoint_auth_methods_supported lists.',
        source: src('RFC8414'),
      },
      scope: {
        value: 'openid profile email offline_access',
        why: 'OpenID Connect sign-in with a refresh token.',
        source: src('RFC6749'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS256',
      why: 'The common default; check token_endpoint_auth_signing_alg_values_supported.',
      source: src('RFC8414'),
    },
    accepted: {
      value: SIGNING_ALGS,
      why: 'Whatever the server advertises (never none).',
      source: src('RFC8414', 'RFC7523'),
    },
  },
  pkce: PKCE_OAUTH,
  assertionAud: {
    value: 'token-endpoint',
    why: 'aud must identify the authorization server; the token endpoint URL may be used.',
    source: src('RFC7523'),
  },
  tokenLifetimes: [],
  setupSteps: [
    {
      title: 'Register exact redirect URIs',
      detail:
        'Redirect URIs are compared by exact string (only the loopback port may vary for native apps).',
      flows: ['authorization-code'],
      source: src('RFC9700', 'RFC6749'),
    },
  ],
  knownBugs: [],
  errorShapes: [
    {
      id: 'oauth-invalid-client',
      error: 'invalid_client',
      meaning:
        'Client authentication failed; 401 with WWW-Authenticate when the client used the Authorization header.',
      fix: 'Check the client id, secret and auth method the client was registered with.',
      source: src('RFC6749'),
    },
    {
      id: 'oauth-invalid-grant',
      error: 'invalid_grant',
      meaning: 'Code reused or expired, redirect_uri differs, or the PKCE verifier does not match.',
      fix: 'Use the exact redirect_uri, a fresh code, and the verifier of this sign-in.',
      ruleIds: ['A1'],
      source: src('RFC6749', 'RFC7636'),
    },
  ],
};
