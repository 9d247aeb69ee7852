import { z } from 'zod';
import { AUTH_METHODS, SIGNING_ALGS } from './types.js';
import type { AuthMethod, SigningAlg } from './types.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL.' });

/** The profile file people exchange and the CLI reads (documented by profile.schema.json). */
export const profileFileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('A name for the profile.'),
    vendor: z
      .string()
      .optional()
      .describe(
        'Vendor preset id: openemr, oracle-health, epic, aidbox, keycloak, smart-v2, smart-v1, oidc.',
      ),
    fhirBaseUrl: httpUrl
      .optional()
      .describe('FHIR base URL; {fhirBaseUrl}/.well-known/smart-configuration is discovered.'),
    issuer: httpUrl
      .optional()
      .describe(
        'Authorization server issuer; its openid-configuration / RFC 8414 metadata is discovered.',
      ),
    tokenEndpoint: httpUrl.optional().describe('Token endpoint; discovered when omitted.'),
    jwksUri: httpUrl
      .optional()
      .describe("The client's registered JWKS URL (used to check the kid)."),
    clientId: z.string().describe('client_id issued by the server.'),
    scope: z.string().describe('Space-separated scopes, e.g. "system/*.rs".'),
    resourcePath: z
      .string()
      .optional()
      .describe('FHIR path for the resource request, e.g. "Patient?_count=1".'),
    auth: z
      .object({
        method: z.enum(AUTH_METHODS as [AuthMethod, ...AuthMethod[]]),
        alg: z.enum(SIGNING_ALGS as [SigningAlg, ...SigningAlg[]]).optional(),
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
