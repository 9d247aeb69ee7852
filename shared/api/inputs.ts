import { SERVER_IDS } from '../diagnosis/dialects/types.js';
import { z } from 'zod';
import type { ApiMethod, DebuggerApi } from './contract.js';
import { PRESET_IDS } from '../presets.js';
import {
  AUTH_METHODS,
  FLOW_KINDS,
  MAX_EVIDENCE,
  GRANT_TYPES,
  HMAC_ALGS,
  KEY_KINDS,
  PKCE_MODES,
  SIGNING_ALGS,
} from '../types.js';

import { MAX_CA_PEM, TIMEOUT_RANGE, settingsProblems } from '../types-settings.js';

/** Caps on pasted or sent text so no input can freeze a host (SECURITY.md section 7, item 9). */
export const MAX_TEXT = 256 * 1024;

const text = z.string().max(MAX_TEXT, `Too long: at most ${MAX_TEXT / 1024} KB is accepted.`);
const shortText = z.string().max(4096);
/** A workspace or backup passphrase: never empty; its length rules are the engine's. */
const passphrase = z.string().min(1, 'Enter the passphrase.').max(1024);
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
const alg = z.enum(SIGNING_ALGS);
const hmacAlg = z.enum(HMAC_ALGS);
const flowKind = z.enum(FLOW_KINDS);
const grantType = z.enum(GRANT_TYPES);
const pkceMode = z.enum(PKCE_MODES);
/** A redirect URI: absolute, no fragment (RFC 6749 §3.1.2); custom schemes allowed (RFC 8252 §7.1). */
export const redirectUriSchema = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return !u.hash && /^[a-z][a-z0-9+.-]*:$/.test(u.protocol);
    } catch {
      return false;
    }
  }, 'Must be an absolute URI without a #fragment, e.g. http://127.0.0.1:8765/callback');
const authMethod = z.enum(AUTH_METHODS);
const keyKind = z.enum(KEY_KINDS);
const jsonObject = z.record(z.string(), z.unknown());
const headerList = z.array(z.tuple([shortText, text])).max(100);
const paramList = z.array(z.tuple([shortText, text])).max(100);
const tokenEdits = z
  .object({ url: url.optional(), headers: headerList.optional(), params: paramList.optional() })
  .optional();

export const profileInputSchema = z.object({
  id: id.optional(),
  name: z.string().min(1, 'A profile needs a name.').max(200),
  group: z.string().max(200).optional(),
  environment: z.string().max(200).optional(),
  vendor: shortText.optional(),
  server: z.enum(SERVER_IDS).optional(),
  flow: flowKind.optional(),
  fhirBaseUrl: optUrl,
  issuer: optUrl,
  tokenEndpoint: optUrl,
  authorizationEndpoint: optUrl,
  deviceAuthorizationEndpoint: optUrl,
  registrationEndpoint: optUrl,
  introspectionEndpoint: optUrl,
  revocationEndpoint: optUrl,
  userinfoEndpoint: optUrl,
  endSessionEndpoint: optUrl,
  jwksUri: optUrl,
  clientId: z.string().max(1000).default(''),
  scope: z.string().max(8000).default(''),
  redirectUri: z.preprocess((v) => (v === '' ? undefined : v), redirectUriSchema.optional()),
  postLogoutRedirectUri: z.preprocess(
    (v) => (v === '' ? undefined : v),
    redirectUriSchema.optional(),
  ),
  pkce: pkceMode.optional(),
  responseType: shortText.optional(),
  authorizeParams: paramList.optional(),
  username: shortText.optional(),
  password: z.string().max(4096).optional(),
  introspectionToken: z.string().max(16384).optional(),
  registration: z
    .object({
      applicationType: shortText.optional(),
      clientName: shortText.optional(),
      contacts: z.array(shortText).max(20).optional(),
      clientUri: optUrl,
      keyDelivery: z.enum(['jwks_uri', 'jwks']).optional(),
    })
    .optional(),
  auth: z.object({
    method: authMethod,
    alg: z.union([alg, hmacAlg]).optional(),
    kid: shortText.optional(),
    keyId: id.optional(),
    privateKeyPath: shortText.optional(),
    clientSecret: z.string().max(4096).optional(),
    sendClientId: z.boolean().optional(),
  }),
  tls: z
    .object({
      caPath: shortText.optional(),
      caPem: z
        .string()
        .max(MAX_CA_PEM, `The CA file is too large: at most ${MAX_CA_PEM / 1024} KB.`)
        .optional(),
      caName: shortText.optional(),
      allowSelfSigned: z.boolean().optional(),
    })
    .optional(),
  requestTimeoutSec: z
    .number()
    .int('Request timeout must be a whole number of seconds.')
    .min(TIMEOUT_RANGE.min, `Request timeout must be at least ${TIMEOUT_RANGE.min} second.`)
    .max(TIMEOUT_RANGE.max, `Request timeout must be at most ${TIMEOUT_RANGE.max} seconds.`)
    .optional(),
  resourcePath: shortText.optional(),
});

const tokenWhich = z.enum(['access_token', 'refresh_token']);

const overrides = z
  .object({ header: jsonObject.optional(), claims: jsonObject.optional() })
  .optional();

/** A run of this session, or an exported HAR or case bundle (read by the engine, not sent). */
const diffSide = z.union([
  z.object({ runId: id }),
  z.object({
    text: z.string().max(1536 * 1024, 'Too long: at most 1.5 MB is compared here.'),
    name: z.string().max(300).optional(),
  }),
]);

const breakName = z
  .enum([
    'aud',
    'exp',
    'jti-reuse',
    'alg',
    'kid',
    'iss-sub',
    'scope',
    'verifier',
    'redirect-uri',
    'state',
  ])
  .optional();

/** App settings: the shapes here, the ranges and URL rules in words (shared/types-settings.ts). */
const settingsInput = z
  .object({
    requestTimeoutSec: z.number().optional(),
    clockSkewSec: z.number().optional(),
    proxy: z
      .object({
        mode: z.enum(['system', 'none', 'custom']),
        url: z.string().max(2048).optional(),
        username: z.string().max(256).optional(),
        password: z.string().max(1024).optional(),
      })
      .optional(),
    theme: z.enum(['light', 'dark', 'system']).optional(),
  })
  .superRefine((v, ctx) => {
    const where: Record<string, (string | number)[]> = {
      requestTimeoutSec: ['requestTimeoutSec'],
      clockSkewSec: ['clockSkewSec'],
      proxyUrl: ['proxy', 'url'],
      proxyUsername: ['proxy', 'username'],
    };
    for (const [field, message] of Object.entries(settingsProblems(v)))
      ctx.addIssue({ code: 'custom', path: where[field] ?? [], message });
  });

/** A parser per method whose output is the method's parameters. */
export type Parsers = { [M in ApiMethod]: z.ZodType<Parameters<DebuggerApi[M]>> };

/**
 * A and B name the same keys, and so does every object or array element nested in them. z.object
 * drops the keys it does not name, so a field the contract has and the parser lacks would vanish
 * from the input without a word; assignability alone does not see that.
 */
export type SameKeys<A, B> = [A] extends [never]
  ? [B] extends [never]
    ? true
    : false
  : [B] extends [never]
    ? false
    : [A] extends [readonly unknown[]]
      ? [B] extends [readonly unknown[]]
        ? [A['length'], B['length']] extends [B['length'], A['length']]
          ? SameKeys<A[number], B[number]>
          : false
        : false
      : [A] extends [object]
        ? [B] extends [object]
          ? [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
            ? false extends {
                [K in keyof A & keyof B]-?: SameKeys<NonNullable<A[K]>, NonNullable<B[K]>>;
              }[keyof A & keyof B]
              ? false
              : true
            : false
          : false
        : [B] extends [object]
          ? false
          : true;

/** True when parser S fits method M exactly: its output is assignable to M's parameters, key for key. */
export type ParserFits<M extends ApiMethod, S extends z.ZodType> = [z.output<S>] extends [
  Parameters<DebuggerApi[M]>,
]
  ? SameKeys<z.output<S>, Parameters<DebuggerApi[M]>>
  : false;

/** The methods whose parser does not fit (never when every one does). */
export type MisfitParsers<T extends Record<ApiMethod, z.ZodType>> = {
  [M in ApiMethod]: ParserFits<M, T[M]> extends true ? never : M;
}[ApiMethod];

/**
 * One parser per method, checked without casts: a missing parser, or one whose output is not the
 * method's parameters (a wrong type, a missing or extra field at any depth), fails to compile.
 * A parser may still narrow a value (preset: a known preset id where the contract says string).
 */
export const API_INPUTS = {
  getStorageInfo: z.tuple([]),
  unlockWorkspace: z.tuple([z.object({ passphrase })]),
  protectWorkspace: z.tuple([z.object({ passphrase })]),
  keepSecretsForSession: z.tuple([]),
  startNewWorkspace: z.tuple([]),
  exportWorkspace: z.tuple([z.object({ passphrase })]),
  importWorkspace: z.tuple([z.object({ text, passphrase })]),
  listProfiles: z.tuple([]),
  saveProfile: z.tuple([profileInputSchema]),
  deleteProfile: z.tuple([id]),
  exportProfile: z.tuple([id]),
  importProfile: z.tuple([
    z.union([
      text,
      z
        .object({
          json: text.optional(),
          dialog: z.literal(true).optional(),
          pendingId: id.optional(),
          onConflict: z.enum(['ask', 'rename', 'replace']).optional(),
          name: z.string().min(1, 'A profile needs a name.').max(200).optional(),
        })
        .refine(
          (v) => [v.json, v.dialog, v.pendingId].filter((x) => x !== undefined).length === 1,
          { message: 'Give the profile file: its text (json), dialog, or a pendingId.' },
        ),
    ]),
  ]),
  exportProfileFile: z.tuple([
    z
      .object({
        profileId: id,
        path: z.string().min(1).max(4096).optional(),
        dialog: z.literal(true).optional(),
        includeSecret: z.boolean().optional(),
      })
      .refine((v) => (v.path === undefined) !== (v.dialog === undefined), {
        message: 'Give where to write the file: a path, or dialog.',
      }),
  ]),
  restoreProfile: z.tuple([z.object({ undoId: id })]),
  duplicateProfile: z.tuple([
    z.object({ profileId: id, name: z.string().min(1).max(200).optional() }),
  ]),
  applyToEnvironments: z.tuple([z.object({ profileId: id })]),
  discover: z.tuple([z.object({ fhirBaseUrl: optUrl, issuer: optUrl, profileId: id.optional() })]),
  listKeys: z.tuple([]),
  generateKey: z.tuple([z.object({ kind: keyKind, alg, kid: shortText.optional() })]),
  importKey: z.tuple([
    z.object({ text, alg: alg.optional(), kid: shortText.optional(), replaceKeyId: id.optional() }),
  ]),
  deleteKey: z.tuple([id]),
  exportJwks: z.tuple([z.array(id).max(100)]),
  exportPrivateKey: z.tuple([
    z.object({
      keyId: id,
      path: z.string().min(1).max(4096),
      overwrite: z.boolean().optional(),
    }),
  ]),
  buildAssertion: z.tuple([
    z.object({ profileId: id, overrides, preview: z.boolean().optional() }),
  ]),
  inspectAssertion: z.tuple([
    z.object({
      jwt: text,
      jwks: text.optional(),
      jwksUrl: optUrl,
      tokenUrl: optUrl,
      clientId: shortText.optional(),
      acceptedAlgs: z.array(shortText).max(20).optional(),
    }),
  ]),
  inspect: z.tuple([
    z.object({
      items: z
        .array(
          z.object({
            text: z
              .string()
              .max(
                MAX_EVIDENCE,
                `Too long: at most ${MAX_EVIDENCE / 1024} KB per item. For a HAR, save only the failing requests (DevTools: right-click the request → Copy as HAR).`,
              ),
            name: shortText.optional(),
          }),
        )
        .min(1, 'Paste or drop at least one piece of evidence.')
        .max(10),
      preset: z.preprocess((v) => (v === '' ? undefined : v), z.enum(PRESET_IDS).optional()),
      jwks: text.optional(),
      jwksUrl: optUrl,
      tokenUrl: optUrl,
      clientId: shortText.optional(),
      status: z.number().int().min(100).max(599).optional(),
      harEntry: z.number().int().min(0).max(100000).optional(),
      server: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SERVER_IDS).optional()),
    }),
  ]),
  prepareRegistration: z.tuple([z.object({ profileId: id })]),
  sendRegistration: z.tuple([z.object({ profileId: id, body: text, url: url.optional() })]),
  manageRegistration: z.tuple([
    z.object({
      profileId: id,
      action: z.enum(['read', 'update', 'delete']),
      body: text.optional(),
    }),
  ]),
  startAuthorization: z.tuple([
    z.object({
      profileId: id,
      mode: z.enum(['loopback', 'paste']).optional(),
      open: z.boolean().optional(),
      autoExchange: z.boolean().optional(),
      timeoutSec: z.number().int().min(5).max(3600).optional(),
      break: breakName,
    }),
  ]),
  completeAuthorization: z.tuple([z.object({ flowId: id, redirectUrl: z.string().max(16384) })]),
  cancelAuthorization: z.tuple([z.object({ flowId: id })]),
  getAuthorization: z.tuple([z.object({ flowId: id })]),
  startDeviceAuthorization: z.tuple([
    z.object({ profileId: id, timeoutSec: z.number().int().min(1).max(3600).optional() }),
  ]),
  cancelDeviceAuthorization: z.tuple([z.object({ flowId: id })]),
  getDeviceAuthorization: z.tuple([z.object({ flowId: id })]),
  prepareTokenRequest: z.tuple([
    z.object({ profileId: id, grant: grantType.optional(), overrides, break: breakName }),
  ]),
  sendTokenRequest: z.tuple([
    z.object({ draftId: id, edits: tokenEdits, pinAssertion: z.boolean().optional() }),
  ]),
  checkTokenRequest: z.tuple([
    z.object({ draftId: id, edits: tokenEdits, pinAssertion: z.boolean().optional() }),
  ]),
  decodeToken: z.tuple([
    z.object({ token: text.optional(), jwksUrl: optUrl, jwks: text.optional() }),
  ]),
  getTokenSet: z.tuple([]),
  refreshTokens: z.tuple([z.object({ profileId: id, refreshToken: text.optional() })]),
  setAutoRefresh: z.tuple([z.object({ profileId: id, enabled: z.boolean() })]),
  introspectToken: z.tuple([
    z.object({
      profileId: id,
      which: tokenWhich,
      token: text.optional(),
      bearer: text.optional(),
    }),
  ]),
  revokeToken: z.tuple([z.object({ profileId: id, which: tokenWhich, token: text.optional() })]),
  callUserinfo: z.tuple([z.object({ profileId: id, token: text.optional() })]),
  endSession: z.tuple([
    z.object({
      profileId: id,
      open: z.boolean().optional(),
      handoff: z.boolean().optional(),
      postLogoutRedirectUri: z.preprocess(
        (v) => (v === '' ? undefined : v),
        redirectUriSchema.optional(),
      ),
    }),
  ]),
  callResource: z.tuple([
    z.object({
      profileId: id,
      path: z.string().max(4096),
      token: z.enum(['access_token', 'id_token']).optional(),
      refreshOnExpiry: z.boolean().optional(),
    }),
  ]),
  hostJwks: z.tuple([
    z.object({
      keyIds: z.array(id).max(100).optional(),
      profileId: id.optional(),
      port: z.number().int().min(0).max(65535).optional(),
    }),
  ]),
  stopJwksHost: z.tuple([]),
  getJwksHost: z.tuple([]),
  revealSecret: z.tuple([
    z.object({
      kind: z.enum(['access_token', 'id_token', 'refresh_token', 'client_assertion']),
    }),
  ]),
  listExchanges: z.tuple([]),
  listExchangesPage: z.tuple([
    z.object({ after: id.optional(), limit: z.number().int().min(1).max(5000).optional() }),
  ]),
  listRuns: z.tuple([]),
  clearExchanges: z.tuple([]),
  restoreExchanges: z.tuple([z.object({ undoId: id })]),
  exportHar: z.tuple([
    z.object({ runIds: z.array(id).max(1000).optional(), redacted: z.boolean().optional() }),
  ]),
  exportBundle: z.tuple([z.object({ runId: id })]),
  diffRuns: z.tuple([z.object({ a: diffSide, b: diffSide })]),
  runnableCurl: z.tuple([z.object({ exchangeId: id })]),
  cancelRequests: z.tuple([z.object({ profileId: id.optional() })]),
  startPracticeServer: z.tuple([
    z.object({
      flavour: z
        .enum(['standard', 'openemr', 'oracle-health', 'epic', 'aidbox', 'keycloak'])
        .optional(),
      port: z.number().int().min(0).max(65535).optional(),
    }),
  ]),
  stopPracticeServer: z.tuple([]),
  getPracticeServer: z.tuple([]),
  inspectFile: z.tuple([
    z
      .object({
        path: z.string().min(1).max(4096).optional(),
        uploadId: z
          .string()
          .regex(/^[0-9a-f]{32}$/, 'Not an upload id: open the HAR file again.')
          .optional(),
        dialog: z.literal(true).optional(),
        preset: z.preprocess((v) => (v === '' ? undefined : v), z.enum(PRESET_IDS).optional()),
        jwks: text.optional(),
        jwksUrl: optUrl,
        tokenUrl: optUrl,
        clientId: shortText.optional(),
        status: z.number().int().min(100).max(599).optional(),
        harEntry: z.number().int().min(0).max(1000000).optional(),
        server: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SERVER_IDS).optional()),
      })
      .refine((v) => [v.path, v.uploadId, v.dialog].filter((x) => x !== undefined).length === 1, {
        message: 'Give the HAR file: a path, an uploadId, or dialog.',
      }),
  ]),
  getSettings: z.tuple([]),
  saveSettings: z.tuple([settingsInput]),
} satisfies Parsers;

/** Fails to compile, naming the methods, when a parser does not fit its method (see ParserFits). */
export const apiInputsFit: [MisfitParsers<typeof API_INPUTS>] extends [never]
  ? true
  : MisfitParsers<typeof API_INPUTS> = true;

/**
 * Describes a zod failure in one line a person can act on: the field by its name ("auth.method"),
 * without the position of the argument in the call ("0."), which means nothing to anyone.
 */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = typeof i.path[0] === 'number' ? i.path.slice(1) : i.path;
      return path.length ? `${path.join('.')}: ${i.message}` : i.message;
    })
    .join('; ');
}
