import type { CauseCode } from '../codes.js';

/** The servers whose error dialect is known (one file each in this folder). */
export const SERVER_IDS = [
  'entra',
  'okta',
  'auth0',
  'keycloak',
  'spring-authorization-server',
  'duende',
  'cognito',
  'google',
  'hydra',
  'forgerock',
  'glewlwyd',
  'oauthlib',
  'authlib',
  'medplum',
  'oidc-provider',
  'epic',
  'oracle-health',
  'openemr',
  'aidbox',
  'smart-launcher',
] as const;
export type ServerId = (typeof SERVER_IDS)[number];

/** Display names (each dialect's `name`; dialects.test.ts keeps them equal), for pickers. */
export const SERVER_NAMES: Record<ServerId, string> = {
  entra: 'Microsoft Entra ID',
  okta: 'Okta',
  auth0: 'Auth0',
  keycloak: 'Keycloak',
  'spring-authorization-server': 'Spring Authorization Server',
  duende: 'Duende IdentityServer',
  cognito: 'Amazon Cognito',
  google: 'Google',
  hydra: 'Ory Hydra',
  forgerock: 'ForgeRock AM / PingAM',
  glewlwyd: 'Glewlwyd',
  oauthlib: 'oauthlib / django-oauth-toolkit',
  authlib: 'Authlib',
  medplum: 'Medplum',
  'oidc-provider': 'node oidc-provider',
  epic: 'Epic on FHIR',
  'oracle-health': 'Oracle Health (Cerner Millennium)',
  openemr: 'OpenEMR',
  aidbox: 'Aidbox (Health Samurai)',
  'smart-launcher': 'SMART Health IT launcher',
};

/** Where an answer came from: the endpoint called, or the front channel of the authorize step. */
export const ENDPOINTS = [
  'token',
  'authorize',
  'introspection',
  'revocation',
  'registration',
  'userinfo',
  'resource',
  'end_session',
  'discovery',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** Token endpoint client authentication methods (RFC 7591 §2 names). */
export type ClientAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/**
 * One documented phrase or code of a server, and the cause it names. Every field given in `match`
 * must match the answer. A row is data: what the server says, what that means, and where that is
 * written down (a documentation URL, or a source file at a version).
 */
export interface DialectRow {
  match: {
    /** HTTP status of the answer (front-channel redirects have none). */
    status?: number | readonly number[];
    /** The OAuth `error` code (case-insensitive), from the JSON body, the redirect or WWW-Authenticate. */
    error?: string | readonly string[];
    /**
     * Tested against the server's words: error_description, hint, message, detail, the
     * WWW-Authenticate error_description, or the visible text of an error page.
     */
    text?: RegExp;
    /** A vendor code anywhere in the answer: AADSTS700016, an Oracle Health error_uri URN, E0000011. */
    vendorCode?: string | RegExp;
    /** Only for answers from these endpoints. */
    endpoint?: Endpoint | readonly Endpoint[];
    /** Only when the request used one of these client authentication methods. */
    authMethod?: readonly ClientAuthMethod[];
  };
  code: CauseCode;
  /**
   * The text is the server's catch-all for several causes (e.g. "Client authentication failed",
   * or a text listing "unknown client, no client authentication included, or unsupported
   * authentication method"): `code` is then only the likeliest of them, and the local evidence
   * ranks the candidates.
   */
  generic?: boolean;
  /**
   * For a generic row: the causes the server documents this answer for, most likely first. They
   * become the candidates (with the server's `means` as evidence), before the usual ones for the
   * auth method.
   */
  candidates?: readonly CauseCode[];
  /** What the server's words mean, in plain words, for the evidence line. */
  means: string;
  /** The fix, when it is more specific than the cause code's default. */
  fix?: string;
  /** Documentation URL, or "owner/repo path@version" of the source that emits the text. */
  source: string;
  /** The server versions that use this wording (servers reword their messages). */
  versions?: string;
}

/** A server's dialect: how to recognise the server, and its rows. */
export interface Dialect {
  id: ServerId;
  /** Display name ("Microsoft Entra ID"). */
  name: string;
  /** Recognises the server from its issuer or a discovered endpoint URL, where that is possible. */
  hosts?: RegExp;
  rows: readonly DialectRow[];
}
