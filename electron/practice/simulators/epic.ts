import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  CLIENT_ASSERTION_TYPE,
  basicCredentials,
  bearer,
  checkAssertion,
  fhirBundle,
  json,
  startBackend,
  startFront,
  type Jwks,
  type SimRequest,
  type SimResponse,
} from './sim-core.js';

/**
 * Epic simulator. Sources: VENDORS.md §4.3 and rules E1-E6 ([EPIC-OIDC] discovery, [EPIC-GO]
 * [EPIC-VOLC] null description, [EPIC-MIRROR] non-production vs production ids and user mapping,
 * [EPIC-DEV][EPIC-CHG] JKU, [EPIC-CFHIR] Basic encoding, [EPIC-ERR] OperationOutcome codes).
 * Epic's own troubleshooting text was not readable (VENDORS.md §8): most rules here are [C].
 */

export interface EpicSwitches {
  /** Static (uploaded) public keys still accepted. Off since Feb 2026 in the sandbox [EPIC-DEV] (E3). */
  staticKeysAccepted: boolean;
  /** E6: the mapped Epic user may not read this data → 403 OperationOutcome 4118 [EPIC-ERR]. */
  userAuthorized: boolean;
  /**
   * Discovery advertises the client auth fields (methods, signing algs, client-confidential-
   * asymmetric), as Epic documents [EPIC-OIDC]. Off: a server that does not (G13; Inferno only
   * warns) [INF-BULK-DISC]; a test device, not a documented Epic behaviour.
   */
  discoveryAuthFields: boolean;
  /**
   * E4: client ids whose organisation overrides the endpoints for that client. Discovery answers
   * them only when the request carries `Epic-Client-ID: <id>` (community note [EPIC-COMM]); their
   * token endpoint is `{origin}/override/{id}/oauth2/token`, and the generic one refuses them with
   * Epic's null-description invalid_client (INF: what the generic endpoint answers is not
   * documented). Empty by default.
   */
  clientEndpointOverrides: string[];
}

export interface EpicApp {
  /** One registration yields both ids [EPIC-MIRROR]. */
  nonProductionClientId: string;
  productionClientId: string;
  /** JWK Set URL (JKU), required for new backend apps [EPIC-DEV]. */
  jwksUri?: string;
  /** Static public key upload (retired for new apps). */
  jwks?: Jwks;
  /** Backend apps of a secret kind (E5). */
  secret?: string;
  /** Registration changes take a while to sync (E1: "waiting for registration sync") [C]. */
  synced: boolean;
  /** Customer environments: the ECSA maps the client to an Epic user (E2) [EPIC-MIRROR]. */
  userMapped: boolean;
  scope: string;
}

export interface EpicSim {
  urls: {
    base: string;
    issuer: string;
    tokenEndpoint: string;
    authorizeEndpoint: string;
    fhirBase: string;
    openidConfiguration: string;
  };
  environment: 'non-production' | 'production';
  switches: EpicSwitches;
  apps: EpicApp[];
  addApp(
    a: Partial<EpicApp> & { nonProductionClientId: string; productionClientId: string },
  ): EpicApp;
  clientJwksUrl(clientId: string): string;
  setClientJwks(clientId: string, jwks: Jwks): void;
  close(): Promise<void>;
}

/** Epic's answer to every client authentication failure [EPIC-GO][EPIC-VOLC]. */
export const EPIC_INVALID_CLIENT = { error: 'invalid_client', error_description: null };

const SCOPES = ['system/Patient.read', 'system/Observation.read', 'system/Patient.rs'];

export async function startEpicSim(
  opts: {
    environment?: 'non-production' | 'production';
    switches?: Partial<EpicSwitches>;
    port?: number;
  } = {},
): Promise<EpicSim> {
  const front = await startFront(opts.port);
  const base = `${front.origin}/interconnect-fhir-oauth`;
  const issuer = `${base}/oauth2`;
  const environment = opts.environment ?? 'non-production';
  // INF: Epic backend token lifetime (commonly 3600 s for backend apps) is not in the sources; 300 used.
  const backend = await startBackend({ issuer, ttl: 300 });
  const switches: EpicSwitches = {
    staticKeysAccepted: environment === 'production',
    userAuthorized: true,
    discoveryAuthFields: true,
    clientEndpointOverrides: [],
    ...opts.switches,
  };
  const apps: EpicApp[] = [];
  const seenJtis = new Set<string>();
  const urls = {
    base,
    issuer,
    tokenEndpoint: `${issuer}/token`,
    authorizeEndpoint: `${issuer}/authorize`,
    fhirBase: `${base}/api/FHIR/R4`,
    openidConfiguration: `${issuer}/.well-known/openid-configuration`,
  };
  const discovery = {
    issuer,
    authorization_endpoint: urls.authorizeEndpoint,
    token_endpoint: urls.tokenEndpoint,
    jwks_uri: `${issuer}/k`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
    ],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384', 'RS256'],
    grant_types_supported: [
      'authorization_code',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ],
    response_types_supported: ['code'],
    scopes_supported: SCOPES,
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-ehr',
      'launch-standalone',
      'client-public',
      'client-confidential-symmetric',
      'client-confidential-asymmetric',
      'permission-v1',
      'permission-v2',
    ],
  };
  /** The per-client OAuth base of an overridden client (E4). */
  const overrideBase = (id: string) => `${front.origin}/override/${encodeURIComponent(id)}/oauth2`;
  /** The discovery document as served now (G13 switch; E4 per-client override). */
  const advertised = (req?: SimRequest) => {
    const id = String(req?.headers['epic-client-id'] ?? '');
    if (id && switches.clientEndpointOverrides.includes(id))
      return {
        ...discovery,
        authorization_endpoint: `${overrideBase(id)}/authorize`,
        token_endpoint: `${overrideBase(id)}/token`,
      };
    if (switches.discoveryAuthFields) return discovery;
    const {
      token_endpoint_auth_methods_supported: _m,
      token_endpoint_auth_signing_alg_values_supported: _a,
      ...rest
    } = discovery;
    return {
      ...rest,
      capabilities: discovery.capabilities.filter((c) => c !== 'client-confidential-asymmetric'),
    };
  };
  /** The app and whether the id is this environment's one. */
  const findApp = (id: string) => {
    const app = apps.find((a) => a.nonProductionClientId === id || a.productionClientId === id);
    if (!app) return undefined;
    const ownId = environment === 'production' ? app.productionClientId : app.nonProductionClientId;
    return { app, rightEnvironment: ownId === id };
  };
  const refuse = () => json(400, EPIC_INVALID_CLIENT);

  const token = async (req: SimRequest, overriddenFor?: string): Promise<SimResponse> => {
    const f = req.form;
    // E4: an overridden client is served only at its own token endpoint.
    const caller = basicCredentials(req.headers);
    const sub = (() => {
      try {
        return String(decodeJwt(f.get('client_assertion') ?? '').sub ?? '');
      } catch {
        return '';
      }
    })();
    const callerId = caller && caller !== 'malformed' ? caller.id : sub;
    if (
      (switches.clientEndpointOverrides.includes(callerId) ? callerId : undefined) !== overriddenFor
    )
      return refuse();
    if (!req.contentType.includes('x-www-form-urlencoded'))
      return json(400, { error: 'invalid_request', error_description: null });
    if (f.get('grant_type') !== 'client_credentials')
      return json(400, { error: 'unsupported_grant_type', error_description: null });
    let app: EpicApp;
    const basic = basicCredentials(req.headers);
    if (basic) {
      // E5: Epic compares the Basic id:secret as sent, without URL-decoding [EPIC-CFHIR] (community).
      const found = basic === 'malformed' ? undefined : findApp(basic.id);
      if (
        !found ||
        !found.rightEnvironment ||
        basic === 'malformed' ||
        found.app.secret !== basic.secret
      )
        return refuse();
      app = found.app;
    } else {
      if (f.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) return refuse();
      const outcome = await checkAssertion(f.get('client_assertion') ?? '', {
        // RS384 documented; ES256/ES384 reported for JKU apps [EPIC-TYPES][EPIC-NANGO] (checked below).
        algs: ['RS384', 'ES256', 'ES384'],
        audiences: [overriddenFor ? `${overrideBase(overriddenFor)}/token` : urls.tokenEndpoint],
        leeway: 0,
        // exp ≤ 5 min [EPIC-TYPES]; INF: Epic's clock tolerance is unknown (VENDORS.md §8), 0 used.
        maxLifetime: 300,
        jkuMustMatchRegistered: true,
        seenJtis,
        findClient: (id) => {
          const found = findApp(id);
          // A production id against the non-production server (or the reverse) is unknown here (E1).
          if (!found || !found.rightEnvironment) return undefined;
          const a = found.app;
          if (a.jwksUri) return { jwksUri: a.jwksUri };
          if (a.jwks && switches.staticKeysAccepted) return { jwks: a.jwks };
          return {};
        },
      });
      if (!outcome.ok) return refuse();
      app = findApp(outcome.clientId)!.app;
      const alg = decodeProtectedHeader(f.get('client_assertion') ?? '').alg;
      if (alg !== 'RS384' && !app.jwksUri) return refuse();
    }
    if (!app.synced) return refuse();
    // E2 (INF shape): unmapped client in a customer environment.
    if (environment === 'production' && !app.userMapped) return refuse();
    const requested = (f.get('scope') ?? '').split(' ').filter(Boolean);
    const allowed = new Set(app.scope.split(' '));
    const granted = requested.filter((s) => allowed.has(s));
    const id = environment === 'production' ? app.productionClientId : app.nonProductionClientId;
    const tk = await backend.issue(id, (granted.length ? granted : [...allowed]).join(' '));
    return json(
      200,
      {
        access_token: tk.access_token,
        token_type: 'Bearer',
        expires_in: tk.expires_in,
        scope: tk.scope,
      },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  };

  const fhir = async (req: SimRequest, rest: string): Promise<SimResponse> => {
    if (rest === '.well-known/smart-configuration') return json(200, advertised(req));
    if (rest === 'metadata')
      return json(200, {
        resourceType: 'CapabilityStatement',
        status: 'active',
        fhirVersion: '4.0.1',
        kind: 'instance',
      });
    const tok = bearer(req.headers);
    const rec = tok ? await backend.lookup(tok) : undefined;
    if (!rec)
      return json(
        401,
        { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'security' }] },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
    if (!switches.userAuthorized)
      // E6: numeric OperationOutcome code 4118 [EPIC-ERR]. INF: the coding system OID.
      return json(403, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'fatal',
            code: 'forbidden',
            details: {
              coding: [
                {
                  system: 'urn:oid:1.2.840.114350.1.13.0.1.7.2.657369',
                  code: '4118',
                  display: 'User not authorized for request.',
                },
              ],
              text: 'User not authorized for request.',
            },
          },
        ],
      });
    return fhirBundle(rest.split(/[/?]/)[0] ?? '');
  };

  front.handle = async (req) => {
    const p = req.url.pathname;
    if (p === '/interconnect-fhir-oauth/oauth2/.well-known/openid-configuration')
      return json(200, advertised(req));
    if (p === '/interconnect-fhir-oauth/oauth2/token' && req.method === 'POST') return token(req);
    const o = /^\/override\/([^/]+)\/oauth2\/token$/.exec(p);
    if (
      o &&
      req.method === 'POST' &&
      switches.clientEndpointOverrides.includes(decodeURIComponent(o[1]!))
    )
      return token(req, decodeURIComponent(o[1]!));
    if (p === '/interconnect-fhir-oauth/oauth2/k') return json(200, backend.jwks);
    const fhirPrefix = '/interconnect-fhir-oauth/api/FHIR/R4/';
    if (p.startsWith(fhirPrefix)) return fhir(req, p.slice(fhirPrefix.length));
    return json(404, { error: 'not_found' });
  };

  return {
    urls,
    environment,
    switches,
    apps,
    addApp: (a) => {
      const full: EpicApp = { synced: true, userMapped: true, scope: SCOPES.join(' '), ...a };
      apps.push(full);
      return full;
    },
    clientJwksUrl: front.clientJwksUrl,
    setClientJwks: front.setClientJwks,
    close: async () => {
      await front.close();
      await backend.close();
    },
  };
}
