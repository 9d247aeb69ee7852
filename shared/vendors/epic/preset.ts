// The Epic preset: endpoints, defaults, lifetimes, setup, known bugs and errors, with sources.
import type { VendorPreset } from '../preset-types.js';
import { PKCE_SMART, smartDiscovery } from '../smart-common.js';
import { src } from '../sources.js';

export const epic: VendorPreset = {
  id: 'epic',
  server: 'epic',
  smart: true,
  title: 'Epic',
  description:
    'Epic on FHIR: {base}/oauth2/token and {base}/api/FHIR/R4. Backend Systems apps sign RS384 assertions, use the non-production or production client id of the environment, and need a JWK Set URL.',
  source: src('EPIC-OIDC', 'EPIC-MIRROR'),
  params: [
    {
      name: 'base',
      kind: 'url',
      pathAllowed: true,
      label: 'Epic base URL',
      example: 'https://fhir.epic.com/interconnect-fhir-oauth',
      default: 'https://fhir.epic.com/interconnect-fhir-oauth',
      hint: 'The part before /oauth2 and /api/FHIR; the sandbox is https://fhir.epic.com/interconnect-fhir-oauth. Customer bases are in open.epic.com’s endpoint directory.',
      mistakes: [
        {
          pattern: '/(oauth2|api/fhir)(/|$)',
          message:
            'Epic base URL is the part before /oauth2 or /api/FHIR, e.g. https://fhir.epic.com/interconnect-fhir-oauth.',
        },
      ],
      source: src('EPIC-OIDC', 'EPIC-AE-AUTH'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: '{base}/api/FHIR/R4',
      why: 'R4 FHIR base under the Epic base (STU3 and DSTU2 sit beside it).',
      source: src('EPIC-AE-AUTH', 'EPIC-OIDC'),
    },
    issuer: {
      value: '{base}/oauth2',
      why: 'The OAuth base whose openid-configuration Epic serves.',
      source: src('EPIC-OIDC'),
    },
    tokenEndpoint: {
      value: '{base}/oauth2/token',
      why: 'Token endpoint of the environment; aud must be exactly this URL.',
      source: src('EPIC-OIDC', 'EPIC-TYPES'),
    },
    authorizationEndpoint: {
      value: '{base}/oauth2/authorize',
      why: 'Authorization endpoint; aud (the FHIR base) is required on authorize.',
      source: src('EPIC-OIDC', 'EPIC-MIRROR-ST'),
    },
  },
  discovery: [
    smartDiscovery('{base}/api/FHIR/R4', src('EPIC-AE-AUTH', 'HL7-CONF')),
    {
      kind: 'openid-configuration',
      value: '{base}/oauth2/.well-known/openid-configuration',
      why: 'Epic’s OpenID Connect discovery (auth methods, grants, capabilities).',
      source: src('EPIC-OIDC'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'private_key_jwt',
        why: 'Backend Systems apps authenticate with a signed JWT (SMART Backend Services).',
        source: src('EPIC-MIRROR', 'EPIC-TYPES'),
      },
      acceptedMethods: {
        value: ['private_key_jwt'],
        why: 'client_credentials for Backend Systems apps uses the JWT assertion.',
        source: src('EPIC-MIRROR', 'EPIC-OIDC'),
      },
      scope: {
        value: 'system/Patient.read',
        why: 'Epic grants the APIs selected on the app; system/Patient.read is the usual first test.',
        source: src('EPIC-MIRROR', 'HL7-SCOPES'),
      },
    },
    'authorization-code': {
      method: {
        value: 'none',
        why: 'A public app signs in with PKCE and no secret; confidential apps switch to a method from the discovery list.',
        source: src('EPIC-MIRROR-ST', 'HL7-LAUNCH'),
      },
      acceptedMethods: {
        value: ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'],
        why: 'openid-configuration lists client_secret_post, client_secret_basic and private_key_jwt.',
        source: src('EPIC-OIDC', 'EPIC-MIRROR-ST'),
      },
      scope: {
        value: 'openid fhirUser launch/patient patient/Patient.read',
        why: 'Standalone patient launch with SMART v1 scopes; Epic also advertises permission-v2.',
        source: src('EPIC-MIRROR-ST', 'EPIC-OIDC'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'RS384 is the documented and sample algorithm.',
      source: src('EPIC-TYPES', 'EPIC-GIST'),
    },
    accepted: {
      value: ['RS384', 'ES256', 'ES384'],
      why: 'RS384 documented; ES256/ES384 reported for JKU-registered apps.',
      source: src('EPIC-TYPES', 'EPIC-NANGO'),
    },
  },
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'token-endpoint',
    why: 'aud must be exactly the token endpoint of that environment (sandbox and customer URLs differ).',
    source: src('EPIC-TYPES', 'EPIC-GO'),
  },
  tokenLifetimes: [
    {
      what: 'assertion-exp',
      seconds: 300,
      text: 'The assertion exp must be at most 5 minutes in the future.',
      source: src('EPIC-TYPES', 'EPIC-GO'),
    },
  ],
  setupSteps: [
    {
      title: 'Register as Backend Systems',
      detail:
        'One registration yields a non-production (sandbox) and a production client id; use the one of the environment in iss/sub.',
      flows: ['backend-services'],
      source: src('EPIC-MIRROR', 'EPIC-NANGO'),
    },
    {
      title: 'Host your JWKS (JKU)',
      detail:
        'Static public-key uploads are being retired; Backend Systems apps need a JWK Set URL when enabled for a customer (from 2026-02-23).',
      flows: ['backend-services'],
      source: src('EPIC-DEV', 'EPIC-CHG'),
    },
    {
      title: 'Customer maps the client to an Epic user',
      detail:
        'In customer environments the ECSA maps the client id to an Epic user before tokens are issued (not needed in the sandbox).',
      flows: ['backend-services'],
      source: src('EPIC-MIRROR'),
    },
    {
      title: 'Select the APIs and wait for sync',
      detail: 'An app without APIs selected, or not yet synced, is refused.',
      source: src('EPIC-GO'),
    },
  ],
  knownBugs: [
    {
      id: 'jku-2026',
      kind: 'behaviour-change',
      title: 'Static backend keys retired in favour of JWK Set URLs',
      affects:
        'sandbox from Aug 2025 / Feb 2026; customers from 2026-02-23 (new), May 2026 (upgraded)',
      status: 'in effect',
      symptom: 'A new backend app cannot upload a static key; the key is not found.',
      workaround: 'Host a JWKS and register its URL (JKU).',
      ruleIds: ['E3'],
      source: src('EPIC-DEV', 'EPIC-CHG'),
    },
  ],
  errorShapes: [
    {
      id: 'epic-null-description',
      error: 'invalid_client',
      description: null,
      meaning:
        'Any assertion problem: sandbox vs production client id, key/JKU not registered or not synced, kid not in the JKU, alg, exp > 5 min, reused jti, aud not the token URL.',
      fix: 'Check iss/sub = the client id of this environment, the kid in your JKU, RS384, a fresh jti, aud = the token URL.',
      ruleIds: ['E1'],
      source: src('EPIC-GO', 'EPIC-VOLC'),
    },
    {
      id: 'epic-secret-basic',
      error: 'invalid_client',
      meaning:
        'A secret client refused with Basic: URL-encoded id/secret, non-form body, redirect mismatch.',
      fix: 'Do not URL-encode the id and secret; send a form body; use the exact redirect URI.',
      ruleIds: ['E5'],
      source: src('EPIC-CFHIR'),
    },
    {
      id: 'epic-operation-outcome',
      bodyIncludes: ['4118', '4130', '4131'],
      meaning:
        'FHIR OperationOutcome codes: 4118 user not authorized, 4130/4131 Break-the-Glass — not an OAuth problem.',
      fix: 'Check the user mapping and permissions at the organisation.',
      ruleIds: ['E6'],
      source: src('EPIC-ERR'),
    },
  ],
  traits: {
    perClientDiscovery: {
      header: 'Epic-Client-ID',
      why: 'Epic customers may override endpoints per client; discovery answers with them only when the request names the client (E4).',
      source: src('EPIC-COMM'),
      inferred: true,
    },
  },
};
