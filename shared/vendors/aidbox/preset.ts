// The Aidbox preset: endpoints, defaults, lifetimes, setup, known bugs and errors, with sources.
import { SIGNING_ALGS } from '../../types.js';
import type { VendorPreset } from '../preset-types.js';
import { PKCE_SMART, smartDiscovery } from '../smart-common.js';
import { src } from '../sources.js';

export const aidbox: VendorPreset = {
  id: 'aidbox',
  server: 'aidbox',
  smart: true,
  title: 'Aidbox',
  description:
    'Aidbox (Health Samurai): token at {base}/auth/token with Basic, a JSON body or a JWT assertion; a Client needs an AccessPolicy before any FHIR call succeeds.',
  source: src('AB-CCG', 'AB-BS'),
  params: [
    {
      name: 'base',
      kind: 'url',
      pathAllowed: true,
      label: 'Aidbox base URL',
      example: 'https://example.aidbox.app',
      hint: 'The Aidbox instance URL, without /fhir or /auth.',
      mistakes: [
        {
          pattern: '/(fhir|auth)(/|$)',
          message: 'Aidbox base URL is the instance URL, without /fhir or /auth/token.',
        },
      ],
      source: src('AB-CCG'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: '{base}/fhir',
      why: 'Aidbox’s FHIR API is under /fhir.',
      source: src('AB-BS'),
      inferred: true,
    },
    tokenEndpoint: {
      value: '{base}/auth/token',
      why: 'POST /auth/token: form with Basic, or a JSON body with client_id/client_secret.',
      source: src('AB-CCG', 'AB-BS'),
    },
  },
  discovery: [smartDiscovery('{base}/fhir', src('AB-BS', 'HL7-CONF'))],
  flows: {
    'backend-services': {
      method: {
        value: 'client_secret_basic',
        why: 'The client credentials tutorial sends the Client secret in an HTTP Basic header.',
        source: src('AB-CCG'),
      },
      acceptedMethods: {
        value: ['client_secret_basic', 'private_key_jwt'],
        why: 'Basic (or a JSON body) with the secret; private_key_jwt when client_assertion_types is set on the Client.',
        source: src('AB-CCG', 'AB-BS'),
      },
      scope: {
        value: 'system/*.read',
        why: 'The SMART backend services example Client has scope system/*.read.',
        source: src('AB-BS'),
      },
    },
    'authorization-code': {
      method: {
        value: 'none',
        why: 'A SMART public app signs in with PKCE and no secret.',
        source: src('HL7-LAUNCH'),
        inferred: true,
      },
      acceptedMethods: {
        value: ['none', 'client_secret_basic', 'private_key_jwt'],
        why: 'SMART client types; check the server’s smart-configuration.',
        source: src('HL7-CONF'),
        inferred: true,
      },
      scope: {
        value: 'openid fhirUser launch/patient patient/*.read',
        why: 'A standalone patient app with SMART v1 scopes, as the backend example uses v1.',
        source: src('HL7-SCOPES', 'AB-CCG'),
        inferred: true,
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'SMART default; Aidbox verifies with the key from the Client’s jwks_uri.',
      source: src('AB-BS', 'HL7-ASYM'),
      inferred: true,
    },
    accepted: {
      value: SIGNING_ALGS,
      why: 'Whatever the key in the Client’s JWKS supports.',
      source: src('AB-BS'),
      inferred: true,
    },
  },
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'token-endpoint',
    why: 'The token URL ({base}/auth/token), as SMART requires.',
    source: src('HL7-ASYM', 'AB-BS'),
    inferred: true,
  },
  tokenLifetimes: [
    {
      what: 'access-token',
      text: 'The default token is opaque and the response may omit expires_in; set token_format: jwt and access_token_expiration on the Client.',
      source: src('AB-CCG'),
    },
    {
      what: 'access-token',
      flow: 'backend-services',
      seconds: 300,
      text: 'The backend services example sets access_token_expiration: 300 and returns refresh_token: null.',
      source: src('AB-BS'),
    },
  ],
  setupSteps: [
    {
      title: 'Create the Client resource',
      detail:
        'PUT /Client/{id} with a secret and grant_types: [client_credentials] (or authorization_code).',
      source: src('AB-CCG'),
    },
    {
      title: 'Link an AccessPolicy to the Client',
      detail:
        'Without an AccessPolicy linked to the Client every FHIR call answers 403, even with a valid token.',
      source: src('AB-CCG', 'AB-BS'),
    },
    {
      title: 'Allow JWT assertions',
      detail:
        'For private_key_jwt set auth.client_credentials.client_assertion_types and a jwks_uri Aidbox can reach.',
      flows: ['backend-services'],
      source: src('AB-BS'),
    },
    {
      title: 'Ask for JWT tokens with a lifetime',
      detail: 'auth.client_credentials.token_format: jwt, access_token_expiration, refresh_token.',
      source: src('AB-CCG'),
    },
  ],
  knownBugs: [],
  errorShapes: [
    {
      id: 'aidbox-no-access-policy',
      status: 403,
      meaning: 'The token is fine but no AccessPolicy links the Client.',
      fix: 'Create an AccessPolicy with link: [{resourceType: Client, id}].',
      ruleIds: ['AB1'],
      source: src('AB-CCG', 'AB-BS'),
    },
  ],
  traits: {
    sessionRevoke: {
      why: 'Aidbox has no RFC 7009 revocation or end_session endpoint: each token has a Session resource, and DELETE /Session with the token as Bearer closes it (AB5).',
      source: src('AB-CCG'),
    },
  },
};
