// Pieces several presets share: PKCE facts, SMART algorithms, SMART error shapes, SMART discovery.
import type { DiscoveryDoc, ErrorShape, Fact, Template, VendorPreset } from './preset-types.js';
import { src, type Sources } from './sources.js';

export const PKCE_SMART: Fact<'S256'> = {
  value: 'S256',
  why: 'SMART servers SHALL support S256 and SHALL NOT support plain; a fresh verifier per sign-in.',
  source: src('HL7-LAUNCH', 'RFC7636'),
};
export const PKCE_OAUTH: Fact<'S256'> = {
  value: 'S256',
  why: 'RFC 9700: clients should use S256, the only method that does not expose the verifier.',
  source: src('RFC9700', 'RFC7636'),
};

export const SMART_ALGS: VendorPreset['algs'] = {
  default: {
    value: 'RS384',
    why: 'SMART clients SHALL support RS384 and ES384; servers validate at least one, RS384 is the common one.',
    source: src('HL7-ASYM'),
  },
  accepted: {
    value: ['RS384', 'ES384'],
    why: 'The two algorithms SMART names; the server’s token_endpoint_auth_signing_alg_values_supported is final.',
    source: src('HL7-ASYM', 'HL7-CONF'),
  },
};

export const SMART_ERRORS: readonly ErrorShape[] = [
  {
    id: 'smart-invalid-client',
    error: 'invalid_client',
    meaning:
      'Any client authentication failure: aud, exp, jti, kid, signature, alg or iss/sub (400 or 401).',
    fix: 'Decode the assertion and compare aud with the exact token URL, exp ≤ now + 300 s, a fresh jti, a kid in the registered JWKS.',
    ruleIds: ['G1'],
    source: src('HL7-ASYM', 'RFC6749'),
  },
  {
    id: 'smart-invalid-scope',
    error: 'invalid_scope',
    meaning: 'A requested scope is not pre-authorized for the client, or is the wrong kind.',
    fix: 'Request system/ scopes the client was registered for; compare with scopes_supported.',
    ruleIds: ['G4'],
    source: src('HL7-BS', 'HL7-SCOPES'),
  },
  {
    id: 'pkce-required',
    error: 'invalid_request',
    descriptionIncludes: 'code challenge',
    meaning: 'The server requires PKCE and the authorize request had no code_challenge.',
    fix: 'Send an S256 code_challenge.',
    ruleIds: ['A2'],
    source: src('RFC7636', 'HL7-LAUNCH'),
  },
];

/** Discovery templates every SMART-on-FHIR base offers. */
export const smartDiscovery = (fhir: Template, tags: Sources): DiscoveryDoc => ({
  kind: 'smart-configuration',
  value: `${fhir}/.well-known/smart-configuration`,
  why: 'SMART discovery: appended to the FHIR base URL, JSON regardless of Accept.',
  source: tags,
});
