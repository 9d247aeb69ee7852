// The generic SMART v1 / Bulk Data 1.0 preset: the SMART v2 preset with the v1-era differences.
import type { VendorPreset } from '../preset-types.js';
import { smartDiscovery } from '../smart-common.js';
import { smartV2 } from '../smart-v2/preset.js';
import { src } from '../sources.js';

export const smartV1: VendorPreset = {
  ...smartV2,
  id: 'smart-v1',
  smart: true,
  title: 'SMART v1 / Bulk Data 1.0 (generic)',
  description:
    'A SMART 1.x / Bulk Data v1 server: smart-configuration or the CapabilityStatement oauth-uris extension, private_key_jwt with RS384, v1 scopes (.read/.write).',
  source: src('BULK-V1-AUTH', 'HL7-CONF'),
  discovery: [
    smartDiscovery('{fhirBaseUrl}', src('HL7-CONF')),
    {
      kind: 'capability-statement',
      value: '{fhirBaseUrl}/metadata',
      why: '1.x-era servers put authorize/token URLs in the CapabilityStatement oauth-uris extension.',
      source: src('HL7-CONF'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'private_key_jwt',
        why: 'The v1 backend services guide authenticates with a signed JWT.',
        source: src('BULK-V1-AUTH'),
      },
      acceptedMethods: {
        value: ['private_key_jwt'],
        why: 'v1 backend services define only the JWT assertion.',
        source: src('BULK-V1-AUTH'),
      },
      scope: {
        value: 'system/*.read',
        why: 'v1 system scope for a bulk read of everything.',
        source: src('BULK-V1-AUTH'),
      },
    },
    'authorization-code': {
      method: {
        value: 'none',
        why: 'A public app with PKCE.',
        source: src('HL7-LAUNCH'),
      },
      acceptedMethods: {
        value: ['none', 'client_secret_basic', 'private_key_jwt'],
        why: 'Public, symmetric (Basic) and asymmetric clients.',
        source: src('HL7-CONF', 'HL7-SYM'),
      },
      scope: {
        value: 'openid fhirUser launch/patient patient/*.read offline_access',
        why: 'Standalone patient launch with v1 scopes and a refresh token.',
        source: src('HL7-SCOPES', 'HL7-LAUNCH'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'v1 examples use RS384 (and “EC384”, meaning ES384).',
      source: src('BULK-V1-AUTH'),
    },
    accepted: {
      value: ['RS384', 'ES384'],
      why: 'The v1 guide names RS384 and ES384.',
      source: src('BULK-V1-AUTH'),
    },
  },
  assertionAud: {
    value: 'token-endpoint',
    why: 'aud is the token URL.',
    source: src('BULK-V1-AUTH'),
  },
  tokenLifetimes: [
    {
      what: 'assertion-exp',
      seconds: 300,
      text: 'exp no more than 5 minutes in the future.',
      source: src('BULK-V1-AUTH'),
    },
  ],
};
