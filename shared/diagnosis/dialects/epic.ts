import type { Dialect } from './types.js';

const SPECS = 'https://fhir.epic.com/Specifications';

/**
 * Epic on FHIR (fhir.epic.com sandbox and customer Interconnect servers): the token endpoint
 * answers `invalid_client` / `invalid_grant` / `invalid_request` with `"error_description": null`,
 * so most causes have no words to match; rows cover what Epic does say: the FHIR OperationOutcome
 * codes published at fhir.epic.com/Specifications, the WWW-Authenticate of its FHIR server and the
 * MyChart authorize error page.
 */
export const epic: Dialect = {
  id: 'epic',
  name: 'Epic on FHIR',
  hosts: /fhir\.epic\.com|epichosted\.com|\/interconnect-[a-z0-9-]*oauth/i,
  rows: [
    {
      match: { status: 401, endpoint: 'resource' },
      code: 'TOKEN_INVALID',
      generic: true,
      candidates: ['TOKEN_INVALID', 'REQUEST_MALFORMED', 'TOKEN_EXPIRED'],
      means:
        'Epic answers a FHIR call it will not serve with a bare 401: an expired or invalid access token, or (for some APIs) a request without the Epic-Client-ID header naming the app.',
      source: `${SPECS}; https://github.com/krishnan-venki/amplify-vite-react-template`,
    },
    {
      match: { status: 401, text: /the access token provided is not valid/i, endpoint: 'resource' },
      code: 'TOKEN_INVALID',
      means:
        'The Epic FHIR server refused the access token (expired, revoked, or issued by another Epic environment).',
      source:
        'https://github.com/krishnan-venki/amplify-vite-react-template/blob/9452c40b8d935be278ca648e6e6ea25b37a42e2c/lambda/epic-oauth/INVALID_TOKEN_DEBUG.md',
    },
    {
      match: { text: /user not authorized for request/i, endpoint: 'resource' },
      code: 'RESOURCE_FORBIDDEN',
      means:
        "Epic code 4118: the authenticated user may not see this data (for example another patient's records).",
      source: SPECS,
    },
    {
      match: {
        text: /break-the-glass security does not authorize you|must break the glass|must break-the-glass/i,
        endpoint: 'resource',
      },
      code: 'RESOURCE_FORBIDDEN',
      means:
        'Epic codes 4130/4131/4134: the patient or record is protected by Break-the-Glass and the user has not broken the glass.',
      fix: 'This is an access rule of the organization, not an OAuth problem: the user needs a reason recorded in Epic or another user.',
      source: SPECS,
    },
    {
      match: { text: /please try again tomorrow/i, endpoint: 'resource' },
      code: 'RATE_LIMITED',
      means: 'Epic code 4135: the maximum number of document queries for the day has been reached.',
      source: SPECS,
    },
    {
      match: { text: /an unexpected internal error has occurred/i, endpoint: 'resource' },
      code: 'SERVER_ERROR',
      means: 'Epic code 59177: an internal error occurred while processing the FHIR interaction.',
      source: SPECS,
    },
    {
      match: { text: /an error has occurred\.? *the request is invalid/i, endpoint: 'authorize' },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'Epic refused the authorize request before sign-in; most often redirect_uri is not exactly a registered one (also a wrong client_id, aud or scope).',
      fix: 'Compare redirect_uri, client_id (non-production vs production), aud and scopes with the app registration on fhir.epic.com.',
      source: 'https://github.com/cfu288/mere-medical/issues/256',
    },
    {
      match: { text: /session id for cached search results has expired/i, endpoint: 'resource' },
      code: 'REQUEST_MALFORMED',
      means:
        'Epic code 4113: the paging session of an earlier search expired; repeat the search instead of following the old next link.',
      source: SPECS,
    },
  ],
};
