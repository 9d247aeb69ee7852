import type { Dialect } from './types.js';

const AB_SCOPES =
  'HealthSamurai/aidbox-docs docs/access-control/authorization/smart-on-fhir/smart-scopes-for-limiting-access.md@00ad29aabcf6f222ce50ddf877f45ee90cbc7c30';
const AB_POLICIES =
  'HealthSamurai/aidbox-docs docs/access-control/authorization/access-policies.md@a6735bbbd38a91de6023fdc40b3fcf333197b062';

/**
 * Health Samurai Aidbox: resource refusals are FHIR OperationOutcome resources ("forbidden" /
 * "Forbidden"); texts from the Aidbox docs (SMART scopes, AccessPolicy). Its token endpoint's
 * error texts are not in the public docs consulted, so no rows claim them.
 */
export const aidbox: Dialect = {
  id: 'aidbox',
  name: 'Aidbox (Health Samurai)',
  hosts: /\baidbox\.app\b|\/\/aidbox[.:/]/i,
  rows: [
    {
      match: { status: 403, text: /^Forbidden$/i, endpoint: 'resource' },
      code: 'RESOURCE_FORBIDDEN',
      means:
        'Aidbox refused the request (OperationOutcome "forbidden"): no AccessPolicy allows it for this client or user, or the token’s SMART scopes do not cover this resource type and interaction.',
      fix: 'Link an AccessPolicy to the Client (e.g. engine: allow, link: [{resourceType: Client, id}]) or request a scope that covers this resource and interaction.',
      source: AB_SCOPES,
      versions: '≥ 2411 (SMART scope enforcement)',
    },
    {
      match: { status: 403, endpoint: 'resource' },
      code: 'RESOURCE_FORBIDDEN',
      means:
        'Aidbox answers 403 when every AccessPolicy evaluates to false, and denies everything when no AccessPolicy exists; a valid token alone does not grant access.',
      fix: 'Create an AccessPolicy linked to the Client (or User) that allows this request; debug with the x-debug: policy header or __debug=policy in dev mode.',
      source: AB_POLICIES,
    },
  ],
};
