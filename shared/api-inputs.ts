import { z } from 'zod';
import type { DebuggerApi } from './api.js';
import { AUTH_METHODS, KEY_KINDS, SIGNING_ALGS } from './types.js';
import type { AuthMethod, KeyKind, SigningAlg } from './types.js';

/** Caps on pasted or sent text so no input can freeze a host (SECURITY.md section 7, item 9). */
export const MAX_TEXT = 256 * 1024;

const text = z.string().max(MAX_TEXT, `Too long: at most ${MAX_TEXT / 1024} KB is accepted.`);
const shortText = z.string().max(4096);
const url = z
  .string()
  .max(4096)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'Must be an absolute http(s) URL, e.g. https://ehr.example.com/fhir');
const optUrl = z.preprocess((v) => (v === '' ? undefined : v), url.optional());
const id = z.string().min(1).max(200);
const alg = z.enum(SIGNING_ALGS as [SigningAlg, ...SigningAlg[]]);
const authMethod = z.enum(AUTH_METHODS as [AuthMethod, ...AuthMethod[]]);
const keyKind = z.enum(KEY_KINDS as [KeyKind, ...KeyKind[]]);
const jsonObject = z.record(z.string(), z.unknown());
const headerList = z.array(z.tuple([shortText, text])).max(100);
const paramList = z.array(z.tuple([shortText, text])).max(100);

export const profileInputSchema = z.object({
  id: id.optional(),
  name: z.string().min(1, 'A profile needs a name.').max(200),
  vendor: shortText.optional(),
  fhirBaseUrl: optUrl,
  issuer: optUrl,
  tokenEndpoint: optUrl,
  jwksUri: optUrl,
  clientId: z.string().max(1000).default(''),
  scope: z.string().max(8000).default(''),
  auth: z.object({
    method: authMethod,
    alg: alg.optional(),
    kid: shortText.optional(),
    keyId: id.optional(),
    privateKeyPath: shortText.optional(),
    clientSecret: z.string().max(4096).optional(),
  }),
  tls: z
    .object({ caPath: shortText.optional(), allowSelfSigned: z.boolean().optional() })
    .optional(),
  resourcePath: shortText.optional(),
});

const overrides = z
  .object({ header: jsonObject.optional(), claims: jsonObject.optional() })
  .optional();

type Parsers = { [M in keyof DebuggerApi]: z.ZodType<Parameters<DebuggerApi[M]>> };

/** One parser per method: a method without a parser fails to compile. */
export const API_INPUTS: Parsers = {
  getStorageInfo: z.tuple([]),
  listProfiles: z.tuple([]),
  saveProfile: z.tuple([profileInputSchema]) as unknown as Parsers['saveProfile'],
  deleteProfile: z.tuple([id]),
  exportProfile: z.tuple([id]),
  importProfile: z.tuple([text]),
  discover: z.tuple([
    z.object({ fhirBaseUrl: optUrl, issuer: optUrl, profileId: id.optional() }),
  ]) as unknown as Parsers['discover'],
  listKeys: z.tuple([]),
  generateKey: z.tuple([z.object({ kind: keyKind, alg, kid: shortText.optional() })]),
  importKey: z.tuple([z.object({ text, alg: alg.optional(), kid: shortText.optional() })]),
  deleteKey: z.tuple([id]),
  exportJwks: z.tuple([z.array(id).max(100)]),
  exportPrivateKey: z.tuple([z.object({ keyId: id, path: z.string().min(1).max(4096) })]),
  buildAssertion: z.tuple([z.object({ profileId: id, overrides })]),
  inspectAssertion: z.tuple([
    z.object({
      jwt: text,
      jwks: text.optional(),
      jwksUrl: optUrl,
      tokenUrl: optUrl,
      clientId: shortText.optional(),
      acceptedAlgs: z.array(shortText).max(20).optional(),
    }),
  ]) as unknown as Parsers['inspectAssertion'],
  prepareTokenRequest: z.tuple([z.object({ profileId: id, overrides })]),
  sendTokenRequest: z.tuple([
    z.object({
      draftId: id,
      edits: z
        .object({
          url: url.optional(),
          headers: headerList.optional(),
          params: paramList.optional(),
        })
        .optional(),
    }),
  ]),
  decodeToken: z.tuple([
    z.object({ token: text.optional(), jwksUrl: optUrl, jwks: text.optional() }),
  ]) as unknown as Parsers['decodeToken'],
  callResource: z.tuple([z.object({ profileId: id, path: z.string().max(4096) })]),
  revealSecret: z.tuple([z.object({ kind: z.enum(['access_token', 'client_assertion']) })]),
  listExchanges: z.tuple([]),
  clearExchanges: z.tuple([]),
};

/** Describes a zod failure in one line a person can act on. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
