// The shape of a vendor preset: ids, sourced facts, parameters, endpoints, flows, bugs, errors.
import type { ServerId } from '../diagnosis/dialects/types.js';
import type { AuthMethod, FlowKind, SigningAlg } from '../types.js';
import type { Sources } from './sources.js';

export const PRESET_IDS = [
  'openemr',
  'oracle-health',
  'epic',
  'aidbox',
  'keycloak',
  'smart-v2',
  'smart-v1',
  'oidc',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** A statement with its reason and citations. `inferred` marks what VENDORS.md calls INF. */
export interface Fact<T> {
  value: T;
  why: string;
  source: Sources;
  inferred?: boolean;
}

interface ParamBase {
  /** Placeholder name used in templates: {name}. */
  name: string;
  label: string;
  example: string;
  /** Shown under the input: what to type and the usual mistakes. */
  hint: string;
  source: Sources;
}

/** A parameter the user gives when creating a profile from a preset. */
export type PresetParam =
  | (ParamBase & {
      kind: 'url';
      /** false: scheme, host and port only. */
      pathAllowed: boolean;
      default?: string;
      /** Common wrong values (regex source, tested case-insensitively) and what to do instead. */
      mistakes?: readonly { pattern: string; message: string }[];
    })
  | (ParamBase & {
      kind: 'text';
      /** Regex source the whole value must match. */
      pattern: string;
      patternMessage: string;
      default?: string;
      mistakes?: readonly { pattern: string; message: string }[];
    })
  | (ParamBase & {
      kind: 'boolean';
      default: boolean;
      /** Text a template gets for {name} when true ('' when false). */
      insert: string;
    });

/** Profile fields a preset can fill from a template. */
export const ENDPOINT_FIELDS = [
  'fhirBaseUrl',
  'issuer',
  'tokenEndpoint',
  'authorizationEndpoint',
  'registrationEndpoint',
  'introspectionEndpoint',
  'revocationEndpoint',
  'userinfoEndpoint',
  'endSessionEndpoint',
] as const;
export type EndpointField = (typeof ENDPOINT_FIELDS)[number];

/** A URL template: {param} is a parameter; {param.origin} / {param.path} split a URL parameter. */
export type Template = string;

export type DiscoveryKind =
  | 'smart-configuration'
  | 'openid-configuration'
  | 'oauth-authorization-server'
  | 'capability-statement';

export interface DiscoveryDoc extends Fact<Template> {
  kind: DiscoveryKind;
}

/** Defaults for one flow. */
export interface FlowDefaults {
  method: Fact<AuthMethod>;
  acceptedMethods: Fact<readonly AuthMethod[]>;
  scope: Fact<string>;
}

/**
 * What the client assertion's aud must be: the exact token endpoint (SMART), OpenEMR's token URL
 * built from its configured Site Address, Keycloak's issuer or token URL, or the token endpoint
 * the FHIR server advertises (Oracle Health).
 */
export type AudRule =
  'token-endpoint' | 'openemr-site-address' | 'issuer-or-token' | 'advertised-token-endpoint';

export interface TokenLifetime {
  what: 'access-token' | 'refresh-token' | 'assertion-exp' | 'clock-skew';
  flow?: FlowKind;
  /** Seconds, when a number is known. */
  seconds?: number;
  text: string;
  source: Sources;
  inferred?: boolean;
}

export interface SetupStep {
  title: string;
  detail: string;
  /** Only for these flows (all flows when absent). */
  flows?: readonly FlowKind[];
  source: Sources;
}

export interface KnownBug {
  /** Issue or PR number, or a short id for a documented change. */
  id: string;
  kind: 'bug' | 'behaviour-change' | 'doc-error';
  title: string;
  /** Versions or dates affected, as the source says it. */
  affects: string;
  status: 'open' | 'fixed' | 'closed' | 'in effect';
  fixedBy?: string;
  symptom: string;
  workaround: string;
  /** VENDORS.md section 6 rule ids this explains. */
  ruleIds?: readonly string[];
  source: Sources;
}

/** How a server's refusal looks on the wire, so the diagnosis can recognise it. */
export interface ErrorShape {
  id: string;
  /** HTTP status, when the source states it. */
  status?: number;
  /** OAuth `error` value. */
  error?: string;
  /** Exact error_description; null = sent as JSON null. */
  description?: string | null;
  /** A part of error_description (messages that vary a little between versions). */
  descriptionIncludes?: string;
  /** URN inside error_uri (Oracle Health). */
  errorUriUrn?: string;
  /** Text somewhere in the body (FHIR OperationOutcome codes, non-OAuth errors). */
  bodyIncludes?: readonly string[];
  /** Regex source for text before the JSON (PHP notices). */
  bodyPrefixPattern?: string;
  /** Part of the WWW-Authenticate header. */
  wwwAuthenticate?: string;
  meaning: string;
  fix: string;
  /** VENDORS.md section 6 rule ids. */
  ruleIds?: readonly string[];
  source: Sources;
}

/** A step to take outside the protocol after a dynamic registration (RFC 7591). */
export interface RegistrationNextStep {
  title: string;
  detail: string;
  /** Only when the registration asks for a scope that starts with this (e.g. "system/"). */
  whenScope?: string;
  /** Only when the registration asks for this grant type. */
  whenGrant?: string;
  /** Added to detail when the server dropped a `whenScope` scope from the registration. */
  whenDropped?: string;
  source: Sources;
}

/**
 * What a server does differently that the flow code acts on, each trait named by what it does
 * (habit 13): the engine and the diagnosis read a trait, never `vendor === '<id>'`.
 */
export interface VendorTraits {
  /**
   * Tokens live in a server-side Session and end only when it is closed, by DELETE {base}/Session
   * with the token as Bearer. Revoke does that when no RFC 7009 endpoint is known (access tokens
   * only), and a logout without an end_session_endpoint is refused: forgetting the tokens locally
   * would leave them valid.
   */
  sessionRevoke?: { why: string; source: Sources };
  /**
   * Discovery answers per client: the request names the client in this header (its value is the
   * profile's client_id), and the generic answer is fetched once more to compare.
   */
  perClientDiscovery?: { header: string; why: string; source: Sources; inferred?: boolean };
  /** What dynamic client registration (RFC 7591) does differently at this server. */
  registration?: {
    /** Where the registration endpoint is, told when the profile has none and discovery none. */
    endpointHint?: { fix: string; source: Sources };
    /** The application_type values the server takes, for a public and a confidential client. */
    applicationTypes?: { public: string; confidential: string; why: string; source: Sources };
    /** jwks by value may be refused: what to register instead. */
    jwksByValue?: { title: string; fix: string; source: Sources };
    /** Things an administrator or the user must do after a registration. */
    nextSteps?: readonly RegistrationNextStep[];
  };
}

/** A vendor preset: everything the app knows about one kind of server. */
export interface VendorPreset {
  id: PresetId;
  /** A SMART on FHIR server: SMART's rules (aud on authorize, token lifetimes, scopes) apply. */
  smart: boolean;
  /** The server software the preset stands for: its dialect reads the answers as known. */
  server?: ServerId;
  title: string;
  description: string;
  source: Sources;
  params: readonly PresetParam[];
  endpoints: Partial<Record<EndpointField, Fact<Template>>>;
  discovery: readonly DiscoveryDoc[];
  /** Flows the preset supports, with their defaults. */
  flows: Partial<Record<FlowKind, FlowDefaults>>;
  algs: { default: Fact<SigningAlg>; accepted: Fact<readonly SigningAlg[]> };
  pkce: Fact<'S256'>;
  assertionAud: Fact<AudRule>;
  tokenLifetimes: readonly TokenLifetime[];
  setupSteps: readonly SetupStep[];
  knownBugs: readonly KnownBug[];
  errorShapes: readonly ErrorShape[];
  /** Behaviour the flows act on (session revocation, per-client discovery, registration). */
  traits?: VendorTraits;
}
