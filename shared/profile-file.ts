import { z } from 'zod';
import { redirectUriSchema } from './api/inputs.js';
import { SERVER_IDS } from './diagnosis/dialects/types.js';
import { AUTH_METHODS, FLOW_KINDS, HMAC_ALGS, PKCE_MODES, SIGNING_ALGS } from './types.js';
import type { AuthMethod, FlowKind, HmacAlg, PkceMode, SigningAlg } from './types.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL.' });
const endpoint = (what: string) => httpUrl.optional().describe(`${what}; discovered when omitted.`);

/** The profile file people exchange and the CLI reads (documented by profile.schema.json). */
export const profileFileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('A name for the profile.'),
    group: z
      .string()
      .optional()
      .describe('Environment group, e.g. "Acme EHR": its profiles can share settings.'),
    environment: z
      .string()
      .optional()
      .describe('The environment within the group, e.g. "sandbox" or "production".'),
    vendor: z
      .string()
      .optional()
      .describe(
        'Vendor preset id: openemr, oracle-health, epic, aidbox, keycloak, smart-v2, smart-v1, oidc.',
      ),
    server: z
      .enum(SERVER_IDS)
      .optional()
      .describe(
        "The authorization server's software, so its error phrases are read first: " +
          SERVER_IDS.join(', ') +
          '. Detected from the issuer where possible.',
      ),
    flow: z
      .enum(FLOW_KINDS as [FlowKind, ...FlowKind[]])
      .optional()
      .describe(
        'backend-services (client_credentials, the default), authorization-code, or password (legacy; RFC 9700 forbids it).',
      ),
    fhirBaseUrl: httpUrl
      .optional()
      .describe('FHIR base URL; {fhirBaseUrl}/.well-known/smart-configuration is discovered.'),
    issuer: httpUrl
      .optional()
      .describe(
        'Authorization server issuer; its openid-configuration / RFC 8414 metadata is discovered.',
      ),
    tokenEndpoint: endpoint('Token endpoint'),
    authorizationEndpoint: endpoint('Authorization endpoint'),
    deviceAuthorizationEndpoint: endpoint('Device authorization endpoint'),
    registrationEndpoint: endpoint(
      'RFC 7591 registration endpoint (OpenEMR: {site address}/oauth2/{site}/registration)',
    ),
    introspectionEndpoint: endpoint('RFC 7662 introspection endpoint'),
    revocationEndpoint: endpoint('RFC 7009 revocation endpoint'),
    userinfoEndpoint: endpoint('OpenID userinfo endpoint'),
    endSessionEndpoint: endpoint('OpenID RP-initiated logout endpoint'),
    jwksUri: httpUrl
      .optional()
      .describe("The client's registered JWKS URL (used to check the kid)."),
    clientId: z
      .string()
      .default('')
      .describe('client_id issued by the server (empty until registration).'),
    scope: z
      .string()
      .default('')
      .describe('Space-separated scopes, e.g. "system/*.rs" or "openid fhirUser launch/patient".'),
    redirectUri: redirectUriSchema
      .optional()
      .describe(
        'Redirect URI. Omitted: an RFC 8252 loopback listener on http://127.0.0.1:{random port}/callback. A loopback URL with a port uses that port; anything else (https, oauth-flow-debugger://callback) means pasting the redirect URL back.',
      ),
    postLogoutRedirectUri: redirectUriSchema
      .optional()
      .describe(
        'Where the server sends the browser after Log out (OIDC RP-Initiated Logout 1.0), with a fresh state; registered as post_logout_redirect_uris.',
      ),
    pkce: z
      .enum(PKCE_MODES as [PkceMode, ...PkceMode[]])
      .optional()
      .describe('PKCE method: S256 (default), plain (warned; SMART forbids it) or off.'),
    responseType: z.string().optional().describe('response_type; defaults to "code".'),
    authorizeParams: z
      .array(z.tuple([z.string(), z.string()]))
      .optional()
      .describe('Extra authorize parameters, e.g. [["launch","xyz"],["prompt","login"]].'),
    username: z.string().optional().describe('Resource owner for the legacy password grant.'),
    password: z
      .string()
      .optional()
      .describe('Password for the legacy password grant (never exported by the app).'),
    introspectionToken: z
      .string()
      .optional()
      .describe(
        'A Bearer token for the introspection endpoint (RFC 7662 §2.1), used instead of client authentication (never exported by the app).',
      ),
    registration: z
      .object({
        applicationType: z
          .string()
          .optional()
          .describe('application_type: web / native (RFC 7591), private / public (OpenEMR).'),
        clientName: z.string().optional(),
        contacts: z.array(z.string()).optional(),
        clientUri: httpUrl.optional().describe('RFC 7592 registration_client_uri.'),
        keyDelivery: z
          .enum(['jwks_uri', 'jwks'])
          .optional()
          .describe('Register the key by jwks_uri (default when jwksUri is set) or by value.'),
      })
      .strict()
      .optional(),
    resourcePath: z
      .string()
      .optional()
      .describe('FHIR path for the resource request, e.g. "Patient?_count=1".'),
    auth: z
      .object({
        method: z.enum(AUTH_METHODS as [AuthMethod, ...AuthMethod[]]),
        alg: z
          .enum([...SIGNING_ALGS, ...HMAC_ALGS] as [
            SigningAlg | HmacAlg,
            ...(SigningAlg | HmacAlg)[],
          ])
          .optional()
          .describe(
            'Assertion alg: RS/PS/ES for private_key_jwt, HS256/384/512 for client_secret_jwt.',
          ),
        kid: z
          .string()
          .optional()
          .describe('kid header; defaults to the key’s RFC 7638 thumbprint.'),
        privateKeyPath: z
          .string()
          .optional()
          .describe('Path to the private key PEM (PKCS#8, PKCS#1 or SEC1) or JWK file.'),
        clientSecret: z
          .string()
          .optional()
          .describe('Client secret (avoid committing it; never exported by the app).'),
        sendClientId: z
          .boolean()
          .optional()
          .describe(
            'Also send client_id in the body with a client assertion (RFC 7521 makes it optional; some servers require it).',
          ),
      })
      .strict(),
    tls: z
      .object({
        caPath: z.string().optional().describe('PEM file of extra CA certificates to trust.'),
        allowSelfSigned: z
          .boolean()
          .optional()
          .describe('Accept any certificate (test servers only).'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ProfileFile = z.infer<typeof profileFileSchema>;

/** JSON Schema of the profile file, generated from the parser so the two cannot drift. */
export function profileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(profileFileSchema, { io: 'input' }),
    title: 'OAuth Flow Debugger profile',
  };
}
