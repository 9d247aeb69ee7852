// The generic SMART App Launch 2 preset: what any SMART v2 server offers, with sources.
import type { VendorPreset } from '../preset-types.js';
import { PKCE_SMART, SMART_ALGS, SMART_ERRORS, smartDiscovery } from '../smart-common.js';
import { src } from '../sources.js';

export const smartV2: VendorPreset = {
  id: 'smart-v2',
  smart: true,
  title: 'SMART App Launch 2 (generic)',
  description:
    'Any SMART 2.x server: endpoints from {fhirBaseUrl}/.well-known/smart-configuration, private_key_jwt with RS384/ES384, v2 scopes (cruds).',
  source: src('HL7-CONF', 'HL7-ASYM'),
  params: [
    {
      name: 'fhirBaseUrl',
      kind: 'url',
      pathAllowed: true,
      label: 'FHIR base URL',
      example: 'https://ehr.example.org/fhir/r4',
      hint: 'The FHIR base; discovery appends /.well-known/smart-configuration.',
      mistakes: [
        {
          pattern: '/\\.well-known/',
          message: 'FHIR base URL is the base itself, without /.well-known/smart-configuration.',
        },
        {
          pattern: '/metadata/?$',
          message: 'FHIR base URL is the base itself, without /metadata.',
        },
      ],
      source: src('HL7-CONF'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: '{fhirBaseUrl}',
      why: 'Every other endpoint is discovered from its smart-configuration.',
      source: src('HL7-CONF'),
    },
  },
  discovery: [smartDiscovery('{fhirBaseUrl}', src('HL7-CONF'))],
  flows: {
    'backend-services': {
      method: {
        value: 'private_key_jwt',
        why: 'SMART Backend Services authenticate with an asymmetric client assertion.',
        source: src('HL7-BS', 'HL7-ASYM'),
      },
      acceptedMethods: {
        value: ['private_key_jwt'],
        why: 'client-confidential-asymmetric is the backend services profile.',
        source: src('HL7-BS'),
      },
      scope: {
        value: 'system/*.rs',
        why: 'v2 system scope: read and search everything pre-authorized.',
        source: src('HL7-SCOPES', 'HL7-BS'),
      },
    },
    'authorization-code': {
      method: {
        value: 'none',
        why: 'A public app (client-public) with PKCE; confidential apps use Basic or private_key_jwt.',
        source: src('HL7-CONF', 'HL7-LAUNCH'),
      },
      acceptedMethods: {
        value: ['none', 'client_secret_basic', 'private_key_jwt'],
        why: 'client-public, client-confidential-symmetric (Basic), client-confidential-asymmetric.',
        source: src('HL7-CONF', 'HL7-SYM', 'HL7-ASYM'),
      },
      scope: {
        value: 'openid fhirUser launch/patient patient/*.rs offline_access',
        why: 'Standalone patient launch with v2 scopes and a refresh token.',
        source: src('HL7-SCOPES', 'HL7-LAUNCH'),
      },
    },
  },
  algs: SMART_ALGS,
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'token-endpoint',
    why: 'aud is the token URL the JWT is POSTed to, compared exactly.',
    source: src('HL7-ASYM'),
  },
  tokenLifetimes: [
    {
      what: 'assertion-exp',
      seconds: 300,
      text: 'exp SHALL be no more than 5 minutes in the future.',
      source: src('HL7-ASYM'),
    },
    {
      what: 'access-token',
      flow: 'backend-services',
      seconds: 300,
      text: 'Backend tokens: "The recommended value is 300, for a five-minute token lifetime."',
      source: src('HL7-BS'),
    },
  ],
  setupSteps: [
    {
      title: 'Register your JWKS',
      detail: 'A JWKS URL is strongly preferred (rotation); a JWK Set by value is discouraged.',
      flows: ['backend-services'],
      source: src('HL7-ASYM'),
    },
    {
      title: 'Pre-authorize the scopes',
      detail: 'The server checks requested scopes against those pre-authorized for the client.',
      flows: ['backend-services'],
      source: src('HL7-BS'),
    },
    {
      title: 'Register exact redirect URIs',
      detail: 'Fully specified redirect URIs; the token request must repeat the same one.',
      flows: ['authorization-code'],
      source: src('HL7-LAUNCH'),
    },
  ],
  knownBugs: [],
  errorShapes: SMART_ERRORS,
};
