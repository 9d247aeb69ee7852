/**
 * What guided mode says before and after each hop of a flow, as data (STYLE 13): what is sent,
 * why, the specification section it follows, and what the answer means. Adding a hop is a row
 * here; hops.test.ts checks that every hop has its texts and at least one source.
 */
import { DEVICE_CODE_GRANT, type GrantType } from '../types.js';

export type HopId =
  | 'discovery'
  | 'registration'
  | 'authorize'
  | 'callback'
  | 'token:client_credentials'
  | 'token:authorization_code'
  | 'token:refresh_token'
  | 'token:device_code'
  | 'token:password'
  | 'device-authorization'
  | 'introspection'
  | 'revocation'
  | 'userinfo'
  | 'resource'
  | 'end-session';

/** A specification section: its name as people cite it, and where to read it. */
export interface HopSource {
  cite: string;
  url: string;
}

export interface HopText {
  /** Short name of the hop ("Token request (client credentials)"). */
  title: string;
  /** What goes over the wire, in plain words. */
  sends: string;
  /** Why the flow needs this hop. */
  why: string;
  /** The sections the request follows, most specific first. */
  sources: HopSource[];
  /** What a successful answer means for the flow. */
  onSuccess: string;
  /** What a refusal usually means, before the findings say more. */
  onFailure: string;
}

const RFC = (n: number, section: string, anchor: string): HopSource => ({
  cite: `RFC ${n} §${section}`,
  url: `https://www.rfc-editor.org/rfc/rfc${n}#section-${anchor}`,
});

/** SMART sections by page (the page's own headings name the section). */
const SMART = (page: string, section: string): HopSource => ({
  cite: `SMART App Launch 2, ${section}`,
  url: `https://hl7.org/fhir/smart-app-launch/${page}.html`,
});

const OIDC_CORE = (section: string, anchor: string, name: string): HopSource => ({
  cite: `OpenID Connect Core 1.0 §${section} (${name})`,
  url: `https://openid.net/specs/openid-connect-core-1_0.html#${anchor}`,
});

export const HOPS: Record<HopId, HopText> = {
  discovery: {
    title: 'Discovery',
    sends:
      'A plain GET, with no credentials, for the server’s configuration: /.well-known/smart-configuration under the FHIR base, and the OpenID or OAuth metadata under the issuer.',
    why: 'The app should not hard-code endpoints. The configuration names the authorization and token endpoints, the client authentication methods and signing algorithms the server accepts, and the SMART capabilities it supports.',
    sources: [
      SMART('conformance', 'Conformance: SMART configuration'),
      RFC(8414, '3', '3'),
      {
        cite: 'OpenID Connect Discovery 1.0 §4',
        url: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig',
      },
    ],
    onSuccess:
      'The server published its configuration: the later steps use the endpoints and capabilities it lists.',
    onFailure:
      'No usable configuration at that address: check the FHIR base URL (SMART puts the document under it) or enter the endpoints by hand.',
  },
  registration: {
    title: 'Dynamic client registration',
    sends:
      'A POST of JSON client metadata to the registration endpoint: the client’s name, grant types, redirect URIs, token endpoint auth method and, for private_key_jwt, the public key (jwks or jwks_uri).',
    why: 'Before a server issues tokens it must know the client. Open registration lets the app introduce itself instead of waiting for an administrator.',
    sources: [RFC(7591, '3.1', '3.1'), RFC(7591, '3.2.1', '3.2.1')],
    onSuccess:
      'The server created a client: its client_id (and a client_secret for a confidential client) is stored in the profile.',
    onFailure:
      'The server refused the metadata (invalid_client_metadata, invalid_redirect_uri…) or does not allow open registration.',
  },
  authorize: {
    title: 'Authorization request (browser)',
    sends:
      'Nothing from the app itself: the browser opens the authorize endpoint with client_id, redirect_uri, scope, a fresh state and nonce, the aud (the FHIR base), and the PKCE code_challenge — the SHA-256 hash of a verifier that stays in this app.',
    why: 'The user signs in and consents at the server, never in the app. state ties the answer to this request; PKCE makes a stolen code useless without the verifier.',
    sources: [
      SMART('app-launch', 'App Launch: Obtain authorization code'),
      RFC(6749, '4.1.1', '4.1.1'),
      RFC(7636, '4.3', '4.3'),
      OIDC_CORE('3.1.2.1', 'AuthRequest', 'Authentication Request'),
    ],
    onSuccess:
      'The browser is at the server’s sign-in page; the server answers through a redirect.',
    onFailure:
      'The server refused the request before any sign-in (an unknown client, a redirect URI it does not know, a scope it rejects).',
  },
  callback: {
    title: 'Authorization response (callback)',
    sends:
      'The server sends the browser back to the redirect URI with code and state (and iss), or with error; the app’s one-time loopback listener receives it.',
    why: 'This is where the app learns the outcome of the sign-in. It must check that state is the one it sent, and iss when present, before it uses the code.',
    sources: [
      RFC(6749, '4.1.2', '4.1.2'),
      RFC(6749, '10.12', '10.12'),
      {
        cite: 'RFC 9207 §2 (iss in the authorization response)',
        url: 'https://www.rfc-editor.org/rfc/rfc9207#section-2',
      },
      RFC(8252, '7.3', '7.3'),
    ],
    onSuccess:
      'A code came back with the right state: it can be redeemed once, within a short time, at the token endpoint.',
    onFailure:
      'The redirect carried an error (the user cancelled, consent was refused), or its state or iss did not match: the code must not be used.',
  },
  'token:client_credentials': {
    title: 'Token request (client credentials)',
    sends:
      'A POST to the token endpoint with grant_type=client_credentials, the scope, and client_assertion: a short-lived JWT signed with the client’s private key (iss and sub are the client_id, aud is the token endpoint, a unique jti, exp at most 5 minutes ahead).',
    why: 'A backend service has no user. It proves who it is by signing the assertion; the server checks the signature against the public key registered for the client.',
    sources: [
      SMART('backend-services', 'Backend Services: Obtaining an access token'),
      RFC(6749, '4.4.2', '4.4.2'),
      RFC(7523, '2.2', '2.2'),
      RFC(7523, '3', '3'),
    ],
    onSuccess:
      'The server issued an access token for the scopes it granted (compare them with the ones asked for).',
    onFailure:
      'Usually invalid_client (the assertion: key, kid, aud, exp, jti) or invalid_scope: the findings name the likely cause.',
  },
  'token:authorization_code': {
    title: 'Token request (authorization code)',
    sends:
      'A POST to the token endpoint with grant_type=authorization_code, the code from the callback, the same redirect_uri, the client_id (and client authentication for a confidential client), and the PKCE code_verifier.',
    why: 'The code alone is not a token. Redeeming it at the back channel, with the verifier only this app knows, proves the app that started the sign-in is the one finishing it.',
    sources: [
      SMART('app-launch', 'App Launch: Obtain access token'),
      RFC(6749, '4.1.3', '4.1.3'),
      RFC(7636, '4.5', '4.5'),
      OIDC_CORE('3.1.3.1', 'TokenRequest', 'Token Request'),
    ],
    onSuccess:
      'The server issued an access token, and with openid an id_token; with offline_access or online_access, a refresh token. SMART adds the launch context (patient, encounter).',
    onFailure:
      'Usually invalid_grant: the code was used already, expired, or the verifier or redirect_uri does not match the authorize request.',
  },
  'token:refresh_token': {
    title: 'Token request (refresh)',
    sends:
      'A POST to the token endpoint with grant_type=refresh_token and the refresh token (and client authentication for a confidential client), optionally a narrower scope.',
    why: 'Access tokens are short-lived. A refresh token gets a new one without the user signing in again.',
    sources: [SMART('app-launch', 'App Launch: Refresh access token'), RFC(6749, '6', '6')],
    onSuccess:
      'A new access token; the server may also rotate the refresh token, and the old one then stops working.',
    onFailure:
      'Usually invalid_grant: the refresh token expired, was revoked, or was already rotated.',
  },
  'token:device_code': {
    title: 'Token request (device code)',
    sends:
      'A POST to the token endpoint with grant_type=urn:ietf:params:oauth:grant-type:device_code, the device_code and the client_id, repeated at the interval the server gave.',
    why: 'The device cannot see the sign-in happening elsewhere, so it asks again until the user has finished or refused.',
    sources: [RFC(8628, '3.4', '3.4'), RFC(8628, '3.5', '3.5')],
    onSuccess: 'The user signed in on the other device: the server issued the tokens.',
    onFailure:
      'authorization_pending and slow_down mean wait and ask again; access_denied means the user refused, expired_token that the code ran out.',
  },
  'token:password': {
    title: 'Token request (password)',
    sends:
      'A POST to the token endpoint with grant_type=password, the user’s username and password, and the scope.',
    why: 'Only to test old servers: the user’s password passes through the client, which is why current guidance forbids this grant.',
    sources: [
      RFC(6749, '4.3.2', '4.3.2'),
      {
        cite: 'RFC 9700 §2.4 (the password grant MUST NOT be used)',
        url: 'https://www.rfc-editor.org/rfc/rfc9700#section-2.4',
      },
    ],
    onSuccess: 'The server accepted the password and issued tokens.',
    onFailure:
      'invalid_grant (wrong credentials) or unsupported_grant_type: many servers disable this grant.',
  },
  'device-authorization': {
    title: 'Device authorization request',
    sends:
      'A POST to the device authorization endpoint with the client_id and the scope (and client authentication for a confidential client).',
    why: 'A device without a browser asks for a short user code and a page where the user types it on a phone or computer.',
    sources: [RFC(8628, '3.1', '3.1'), RFC(8628, '3.2', '3.2')],
    onSuccess:
      'The server gave a device_code (kept by the app), a user_code and the verification URI to show the user, and the polling interval.',
    onFailure:
      'The server refused the client or the scope, or does not support the device grant for this client.',
  },
  introspection: {
    title: 'Token introspection',
    sends:
      'A POST to the introspection endpoint with the token, authenticated as the client (or with a bearer token the server allows).',
    why: 'An opaque token says nothing by itself; introspection asks the server whether it is active, for which client and scopes, and until when.',
    sources: [RFC(7662, '2.1', '2.1'), RFC(7662, '2.2', '2.2')],
    onSuccess:
      'The answer’s active member says whether the token is still good; when true, it carries its scope, client and expiry.',
    onFailure:
      'The server refused the caller (401): introspection needs client authentication the server accepts.',
  },
  revocation: {
    title: 'Token revocation',
    sends:
      'A POST to the revocation endpoint with the token and a token_type_hint, authenticated as the client.',
    why: 'Ending access on purpose: after revocation the server refuses the token (and, for a refresh token, usually the tokens issued with it).',
    sources: [RFC(7009, '2.1', '2.1'), RFC(7009, '2.2', '2.2')],
    onSuccess:
      'HTTP 200: the server no longer accepts the token (it answers 200 even for a token it did not know).',
    onFailure: 'The server refused the caller, or does not support revoking this kind of token.',
  },
  userinfo: {
    title: 'UserInfo request',
    sends: 'A GET to the userinfo endpoint with the access token as a Bearer token.',
    why: 'OpenID Connect’s way to read the signed-in user’s claims; the sub must match the id_token’s.',
    sources: [OIDC_CORE('5.3', 'UserInfo', 'UserInfo Endpoint'), RFC(6750, '2.1', '2.1')],
    onSuccess: 'The claims about the user the access token allows (sub, and profile or fhirUser).',
    onFailure:
      '401 with a WWW-Authenticate header: the token is missing, expired, or lacks the openid scope.',
  },
  resource: {
    title: 'FHIR resource request',
    sends:
      'A GET to the FHIR server with the access token in the Authorization header (Bearer) and Accept: application/fhir+json.',
    why: 'The point of the whole flow: the resource server checks the token and its scopes before answering.',
    sources: [
      SMART('app-launch', 'App Launch: App accesses clinical data via FHIR API'),
      RFC(6750, '2.1', '2.1'),
      {
        cite: 'FHIR R4 RESTful API: read and search',
        url: 'https://hl7.org/fhir/R4/http.html',
      },
    ],
    onSuccess: 'The FHIR server accepted the token and answered with the resources asked for.',
    onFailure:
      'The FHIR server did not answer with data: 401 means the token is missing, expired or not for this server, 403 that it lacks the scope, 404 that the path or resource does not exist.',
  },
  'end-session': {
    title: 'Log out (end session)',
    sends:
      'The browser opens the end_session_endpoint with id_token_hint and post_logout_redirect_uri; the app forgets its tokens.',
    why: 'Signing out of the app alone leaves the session at the server; RP-initiated logout ends it there too.',
    sources: [
      {
        cite: 'OpenID Connect RP-Initiated Logout 1.0 §2',
        url: 'https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout',
      },
    ],
    onSuccess: 'The server ended the session; the next sign-in asks for the password again.',
    onFailure: 'The server has no end_session_endpoint, or refused the id_token_hint.',
  },
};

export const HOP_IDS = Object.keys(HOPS) as HopId[];

const TOKEN_HOP: Record<GrantType, HopId> = {
  client_credentials: 'token:client_credentials',
  authorization_code: 'token:authorization_code',
  refresh_token: 'token:refresh_token',
  password: 'token:password',
  [DEVICE_CODE_GRANT]: 'token:device_code',
};

/** The token request hop of a grant. */
export const tokenHop = (grant: GrantType): HopId => TOKEN_HOP[grant];

/**
 * The hop an exchange belongs to, from its recorded step name (electron/core step labels), or
 * undefined for steps guided mode has nothing to say about (JWKS fetches, probes).
 */
export function hopOfStep(step: string, grant?: GrantType): HopId | undefined {
  const s = step.toLowerCase();
  if (s.startsWith('discovery')) return 'discovery';
  if (s.startsWith('registration')) return 'registration';
  if (s === 'authorize (browser)') return 'authorize';
  if (s.startsWith('callback')) return 'callback';
  if (s === 'device authorization') return 'device-authorization';
  if (s === 'device poll') return 'token:device_code';
  if (s === 'refresh') return 'token:refresh_token';
  if (s === 'token request') return grant ? tokenHop(grant) : undefined;
  if (s === 'introspection') return 'introspection';
  if (s === 'revocation') return 'revocation';
  if (s === 'userinfo') return 'userinfo';
  if (s === 'resource request') return 'resource';
  return undefined;
}
