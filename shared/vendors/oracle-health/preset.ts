// The Oracle Health (Cerner) preset: endpoints, defaults, setup, bugs and errors, with sources.
import type { VendorPreset } from '../preset-types.js';
import { PKCE_SMART, smartDiscovery } from '../smart-common.js';
import { src } from '../sources.js';

const CER_AUTH = 'https://authorization.cerner.com/tenants/{tenant}';
const CER_PROFILE = `${CER_AUTH}/protocols/oauth2/profiles/smart-v1`;
const CER_URN = 'urn:cerner:error:authorization-server:';

export const oracleHealth: VendorPreset = {
  id: 'oracle-health',
  server: 'oracle-health',
  smart: true,
  title: 'Oracle Health (Cerner)',
  description:
    'Oracle Health Millennium: tenant paths on authorization.cerner.com; system accounts with Basic secrets or JWT assertions; errors carry an error_uri URN instead of a description.',
  source: src('CER-AUTH', 'CER-WK'),
  params: [
    {
      name: 'tenant',
      kind: 'text',
      label: 'Tenant',
      example: 'ec2458f2-1e24-41c8-b71b-0e701af7583d',
      pattern: '^[A-Za-z0-9-]+$',
      patternMessage: 'Tenant is the tenant id (a UUID): letters, digits and dashes only.',
      hint: 'The Millennium tenant id; the sandbox tenant is ec2458f2-1e24-41c8-b71b-0e701af7583d.',
      mistakes: [
        {
          pattern: '^https?:',
          message: 'Tenant is the tenant id only (a UUID), not a URL.',
        },
      ],
      source: src('CER-BULK', 'CER-WK'),
    },
    {
      name: 'fhirHost',
      kind: 'text',
      label: 'FHIR host',
      example: 'fhir-ehr-code.cerner.com',
      default: 'fhir-ehr-code.cerner.com',
      pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
      patternMessage: 'FHIR host is a host name only, e.g. fhir-ehr-code.cerner.com.',
      hint: 'Host of the FHIR server: fhir-ehr-code.cerner.com (sandbox, provider), fhir-myrecord.cerner.com (patients).',
      mistakes: [
        {
          pattern: '^https?://',
          message:
            'FHIR host is a host name only: remove https:// and any path, e.g. fhir-ehr-code.cerner.com.',
        },
      ],
      source: src('CER-WK', 'ORCL-F4'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: 'https://{fhirHost}/r4/{tenant}',
      why: 'R4 base on the FHIR host, per tenant.',
      source: src('CER-BULK', 'CER-WK'),
    },
    issuer: {
      value: CER_AUTH,
      why: 'Issuer advertised by the sandbox smart-configuration.',
      source: src('CER-WK'),
    },
    tokenEndpoint: {
      value: `${CER_AUTH}/hosts/{fhirHost}/protocols/oauth2/profiles/smart-v1/token`,
      why: 'The form smart-configuration advertises (with /hosts/{fhirHost}/); the docs also show a tenant-only form. POST to the advertised one and use the same string as aud.',
      source: src('CER-WK', 'CER-AUTH', 'ORCL-F2'),
    },
    authorizationEndpoint: {
      value: `${CER_PROFILE}/personas/provider/authorize`,
      why: 'Provider persona; patient apps use …/personas/patient/authorize. Authorize needs aud = FHIR base.',
      source: src('CER-WK', 'CER-AUTH'),
    },
    introspectionEndpoint: {
      value: 'https://authorization.cerner.com/tokeninfo',
      why: 'Token info endpoint advertised by smart-configuration.',
      source: src('CER-WK'),
    },
    revocationEndpoint: {
      value: `${CER_PROFILE}/token/revoke`,
      why: 'Revocation endpoint advertised by smart-configuration.',
      source: src('CER-WK'),
    },
  },
  discovery: [
    smartDiscovery('https://{fhirHost}/r4/{tenant}', src('CER-WK', 'HL7-CONF')),
    {
      kind: 'capability-statement',
      value: 'https://{fhirHost}/r4/{tenant}/metadata',
      why: 'Cerner docs still describe the CapabilityStatement oauth-uris extension (deprecated in SMART 2).',
      source: src('CER-AUTH', 'HL7-CONF'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'client_secret_basic',
        why: 'A system account’s id and secret go in an HTTP Basic header; no secret in the body.',
        source: src('CER-AUTH', 'CER-SPEC'),
      },
      acceptedMethods: {
        value: ['client_secret_basic', 'private_key_jwt'],
        why: 'smart-configuration lists client_secret_basic and private_key_jwt (JWT preferred for Bulk Data).',
        source: src('CER-WK', 'CER-AUTH'),
      },
      scope: {
        value: 'system/Patient.read system/Observation.read',
        why: 'System scopes of the app registration; v1 and v2 forms are both listed.',
        source: src('CER-WK', 'CER-AUTH'),
      },
    },
    'authorization-code': {
      method: {
        value: 'client_secret_basic',
        why: 'Confidential apps authenticate with Basic; offline_access refresh also needs Basic credentials.',
        source: src('CER-AUTH', 'HL7-SYM'),
      },
      acceptedMethods: {
        value: ['client_secret_basic', 'private_key_jwt', 'none'],
        why: 'Basic or JWT for confidential apps, none for public apps (PKCE).',
        source: src('CER-WK', 'CER-AUTH'),
      },
      scope: {
        value: 'openid fhirUser user/Patient.read user/Observation.read',
        why: 'Provider persona scopes; offline_access is not available to the provider persona.',
        source: src('CER-AUTH', 'HL7-SCOPES'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'smart-configuration lists RS384 and ES384.',
      source: src('CER-WK'),
    },
    accepted: {
      value: ['RS384', 'ES384'],
      why: 'token_endpoint_auth_signing_alg_values_supported of the sandbox.',
      source: src('CER-WK'),
    },
  },
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'advertised-token-endpoint',
    why: 'Use the token_endpoint string from the FHIR server’s smart-configuration for both the POST and aud (which form Cerner checks is not documented).',
    source: src('HL7-ASYM', 'CER-WK', 'ORCL-F2'),
    inferred: true,
  },
  tokenLifetimes: [
    {
      what: 'access-token',
      seconds: 570,
      text: 'Access tokens last about 570 s; refreshing more than once a minute may be throttled.',
      source: src('CER-AUTH'),
    },
    {
      what: 'refresh-token',
      flow: 'authorization-code',
      text: 'The refresh response does not return a new refresh token; offline_access refresh needs Basic client credentials.',
      source: src('CER-AUTH'),
    },
  ],
  setupSteps: [
    {
      title: 'Register the app in code Console',
      detail:
        'Type “System” (backend) or privacy “Confidential”; a system account (client id + secret) is issued.',
      source: src('CER-AUTH'),
    },
    {
      title: 'Register the JWKS on the system account',
      detail:
        'For JWT client auth, set up the JWKS in Cerner Central → System Account Management before the first request.',
      flows: ['backend-services'],
      source: src('CER-AUTH'),
    },
    {
      title: 'Ask the organisation to enable the app',
      detail: 'Until the tenant enables the app, grants are denied-by-server.',
      source: src('CER-AUTH', 'CER-SPEC'),
    },
  ],
  knownBugs: [
    {
      id: 'PR #909',
      kind: 'doc-error',
      title: 'Draft docs said JWT auth uses Authorization: Bearer',
      affects: 'draft of the authorization docs (removed before merge)',
      status: 'fixed',
      symptom:
        'A JWT sent as Authorization: Bearer gets 401 invalid_client, …invalid-authorization-header, client=unknown.',
      workaround: 'Send the assertion in the form body (client_assertion_type + client_assertion).',
      ruleIds: ['C1'],
      source: src('CER-PR909', 'ORCL-F1'),
    },
  ],
  errorShapes: [
    {
      id: 'cerner-invalid-authorization-header',
      status: 401,
      error: 'invalid_client',
      errorUriUrn: `${CER_URN}oauth2:token:invalid-authorization-header`,
      bodyIncludes: ['client=unknown'],
      meaning:
        'The Authorization header could not be read: a JWT sent as Bearer, or a malformed Basic header. client=unknown: the client was not identified at all.',
      fix: 'Send client_assertion in the form body; Basic = base64(id:secret).',
      ruleIds: ['C1'],
      source: src('ORCL-F1', 'GIST-CER', 'CER-PR909'),
    },
    {
      id: 'cerner-invalid-client-credentials',
      errorUriUrn: `${CER_URN}oauth2:token:invalid-client-credentials`,
      meaning: 'Wrong or rotated system-account secret, wrong client id, or app not provisioned.',
      fix: 'Verify or rotate the secret in System Accounts; confirm the app type.',
      ruleIds: ['C2'],
      source: src('ORCL-F3', 'CER-AUTH'),
    },
    {
      id: 'cerner-invalid-signature',
      errorUriUrn: `${CER_URN}client-assertion:jwt-bearer:invalid-signature`,
      meaning:
        'JWKS not registered on the system account, kid mismatch, wrong key or alg, or a token URL form mismatch in aud.',
      fix: 'Check the JWKS in Cerner Central, the kid, RS384/ES384, and aud = the advertised token URL.',
      ruleIds: ['C3'],
      source: src('ORCL-F2', 'CER-AUTH'),
    },
    {
      id: 'cerner-code-invalid-or-expired',
      errorUriUrn: `${CER_URN}oauth2:token:code-invalid-or-expired`,
      meaning: 'The authorization code was reused or expired.',
      fix: 'Restart the authorization.',
      ruleIds: ['C4'],
      source: src('CER-AUTH'),
    },
    {
      id: 'cerner-denied-by-server',
      error: 'access_denied',
      errorUriUrn: `${CER_URN}oauth2:grant:denied-by-server`,
      meaning: 'The organisation has not enabled the app, or the user lacks rights.',
      fix: 'Open the error_uri; ask the organisation to enable the app.',
      ruleIds: ['C5'],
      source: src('CER-AUTH', 'CER-SPEC'),
    },
    {
      id: 'cerner-tenant-mismatch',
      status: 401,
      bodyIncludes: ['tenant-mismatch'],
      meaning: 'The token was minted for another tenant or host than the FHIR base used.',
      fix: 'Use the token endpoint advertised by that FHIR base.',
      ruleIds: ['C6'],
      source: src('ORCL-F4'),
    },
    {
      id: 'cerner-invalid-token',
      status: 401,
      wwwAuthenticate: 'error="invalid_token"',
      meaning: 'The FHIR server refused the access token.',
      fix: 'Get a new token for this tenant and host.',
      source: src('CER-AUTH'),
    },
  ],
};
