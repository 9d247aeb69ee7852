import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import type { ProfileFile } from '../../shared/profile-file.js';
import type { PracticeFlavour } from '../../shared/types.js';
import { LAUNCH_ENCOUNTER, LAUNCH_PATIENT } from './fhir-data.js';
import type { PracticeUser } from './sign-in.js';
import { LAUNCH_SCOPES, USER_SCOPES, startSmartServer } from './smart-server.js';
import { FLAVOUR_NAMES, FLAVOUR_SOURCES } from './sources.js';
import { startAidboxSim } from './simulators/aidbox.js';
import { startEpicSim } from './simulators/epic.js';
import { startKeycloakSim } from './simulators/keycloak.js';
import { startOpenEmrSim } from './simulators/openemr.js';
import { startOracleHealthSim } from './simulators/oracle-health.js';

export const PRACTICE_FLAVOURS: readonly PracticeFlavour[] = [
  'standard',
  'openemr',
  'oracle-health',
  'epic',
  'aidbox',
  'keycloak',
];

/** The documented demo sign-in (README "Practice server"): not a secret, and the only one accepted. */
export const DEMO_USER: PracticeUser = { login: 'demo', password: 'practice' };

/** A client key the practice server generated at start; its public half is registered. */
export interface PracticeKey {
  /** File name stem: `<name>.pem` beside the profiles. */
  name: string;
  alg: 'RS384' | 'ES384';
  /** RFC 7638 thumbprint, as the engine computes it. */
  kid: string;
  /** PKCS#8 PEM of the private key. */
  pem: string;
  publicJwk: JWK;
}

/**
 * One ready client: the profile file to use it (its key named by `key`, a PracticeKey name, not
 * yet a path: readyProfiles turns it into one).
 */
export interface PracticeClient {
  /** File name stem: `<name>.profile.json`. */
  name: string;
  profile: ProfileFile;
  key?: string;
}

export interface PracticeServer {
  flavour: PracticeFlavour;
  /** "Practice server (simulating Epic)": a vendor flavour is a simulation, never the vendor. */
  label: string;
  sources: string[];
  issuer: string;
  /** Empty for a flavour with no FHIR server (Keycloak is an authorization server only). */
  fhirBase: string;
  user: PracticeUser;
  clients: PracticeClient[];
  keys: PracticeKey[];
  close(): Promise<void>;
}

async function practiceKey(name: string, alg: 'RS384' | 'ES384'): Promise<PracticeKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    name,
    alg,
    kid,
    pem: await exportPKCS8(privateKey),
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
  };
}

const secret = () => randomBytes(24).toString('base64url');

/** private_key_jwt with a practice key. */
const keyAuth = (k: PracticeKey): ProfileFile['auth'] => ({
  method: 'private_key_jwt',
  alg: k.alg,
  kid: k.kid,
});

/** The interactive SMART scopes of the practice apps (launch patient, patient/ data, refresh). */
const APP_SCOPE = 'openid fhirUser launch/patient patient/*.rs offline_access';

async function startStandard(port: number | undefined): Promise<Omit<PracticeServer, 'label'>> {
  const rs = await practiceKey('practice-backend-rs384', 'RS384');
  const es = await practiceKey('practice-backend-es384', 'ES384');
  const appSecret = secret();
  const interactive = [...LAUNCH_SCOPES, ...USER_SCOPES].join(' ');
  const server = await startSmartServer({
    ...(port ? { port } : {}),
    users: [DEMO_USER],
    sampleData: true,
    launchContext: { patient: LAUNCH_PATIENT, encounter: LAUNCH_ENCOUNTER },
    // A class reads its tokens for a while: an hour, as many servers do.
    accessTokenLifetime: 3600,
    // RFC 8628 §3.2 interval, as Keycloak and Entra send (oidc-provider sends none: 5 s waits).
    deviceInterval: 2,
    clients: [
      {
        client_id: rs.name,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS384',
        jwks: { keys: [rs.publicJwk] },
      },
      {
        client_id: es.name,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES384',
        jwks: { keys: [es.publicJwk] },
      },
      {
        // Native: a loopback redirect without a port matches any port (RFC 8252 §7.3).
        client_id: 'practice-confidential',
        application_type: 'native',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: appSecret,
        redirect_uris: ['http://127.0.0.1/callback', 'oauth-flow-debugger://callback'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
      {
        client_id: 'practice-public',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback', 'oauth-flow-debugger://callback'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
      {
        client_id: 'practice-device',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        scope: interactive,
      },
    ],
  });
  const base = { vendor: 'smart-v2', fhirBaseUrl: server.fhirBase };
  const clients: PracticeClient[] = [
    {
      name: 'backend-rs384',
      key: rs.name,
      profile: {
        ...base,
        name: 'Practice: backend services (RS384)',
        flow: 'backend-services',
        clientId: rs.name,
        scope: 'system/*.rs',
        resourcePath: 'Patient',
        auth: keyAuth(rs),
      },
    },
    {
      name: 'backend-es384',
      key: es.name,
      profile: {
        ...base,
        name: 'Practice: backend services (ES384)',
        flow: 'backend-services',
        clientId: es.name,
        scope: 'system/Patient.rs system/Observation.rs',
        resourcePath: `Observation?patient=${LAUNCH_PATIENT}`,
        auth: keyAuth(es),
      },
    },
    {
      name: 'confidential-app',
      profile: {
        ...base,
        name: 'Practice: confidential app (code + PKCE)',
        flow: 'authorization-code',
        clientId: 'practice-confidential',
        scope: APP_SCOPE,
        pkce: 'S256',
        resourcePath: `Patient/${LAUNCH_PATIENT}`,
        auth: { method: 'client_secret_basic', clientSecret: appSecret },
      },
    },
    {
      name: 'public-app',
      profile: {
        ...base,
        name: 'Practice: public app (PKCE)',
        flow: 'authorization-code',
        clientId: 'practice-public',
        scope: APP_SCOPE,
        pkce: 'S256',
        resourcePath: `Observation?patient=${LAUNCH_PATIENT}`,
        auth: { method: 'none' },
      },
    },
    {
      name: 'device',
      profile: {
        ...base,
        name: 'Practice: device sign-in',
        flow: 'device-code',
        clientId: 'practice-device',
        scope: 'openid fhirUser offline_access user/*.rs',
        resourcePath: 'Encounter',
        auth: { method: 'none' },
      },
    },
    {
      name: 'registration',
      key: rs.name,
      profile: {
        ...base,
        name: 'Practice: dynamic registration',
        flow: 'backend-services',
        registrationEndpoint: server.registrationEndpoint,
        clientId: '',
        scope: 'system/*.rs',
        resourcePath: 'Patient',
        registration: { clientName: 'Practice registered app', keyDelivery: 'jwks' },
        auth: keyAuth(rs),
      },
    },
  ];
  return {
    flavour: 'standard',
    sources: FLAVOUR_SOURCES.standard,
    issuer: server.issuer,
    fhirBase: server.fhirBase,
    user: DEMO_USER,
    clients,
    keys: [rs, es],
    close: () => server.close(),
  };
}

/** A backend-services client on a vendor simulator, registered with a fresh key or secret. */
async function startVendor(
  flavour: Exclude<PracticeFlavour, 'standard'>,
  port: number | undefined,
): Promise<Omit<PracticeServer, 'label'>> {
  const opts = port ? { port } : {};
  const key = await practiceKey(`practice-${flavour}`, 'RS384');
  const jwks = { keys: [key.publicJwk] };
  const common = {
    flavour,
    sources: FLAVOUR_SOURCES[flavour],
    user: DEMO_USER,
  };
  const backend = (
    profile: Omit<ProfileFile, 'name' | 'flow' | 'vendor' | 'auth'> & {
      auth?: ProfileFile['auth'];
    },
  ): PracticeClient => ({
    name: `${flavour}-backend`,
    ...(profile.auth ? {} : { key: key.name }),
    profile: {
      name: `Practice (${FLAVOUR_NAMES[flavour]} simulation): backend services`,
      vendor: flavour,
      flow: 'backend-services',
      ...profile,
      auth: profile.auth ?? keyAuth(key),
    },
  });
  /** A simulator with one key-signed backend client on its FHIR base (most flavours). */
  const keyed = (
    sim: { urls: { issuer: string; fhirBase: string }; close(): Promise<void> },
    clientId: string,
  ) => ({
    ...common,
    issuer: sim.urls.issuer,
    fhirBase: sim.urls.fhirBase,
    clients: [backend({ fhirBaseUrl: sim.urls.fhirBase, clientId, scope: 'system/Patient.read' })],
    keys: [key],
    close: () => sim.close(),
  });
  switch (flavour) {
    case 'epic': {
      const sim = await startEpicSim(opts);
      const id = 'practice-epic-np';
      // JKU (a JWK Set URL) is what Epic asks of new backend apps [EPIC-DEV].
      sim.addApp({
        nonProductionClientId: id,
        productionClientId: 'practice-epic-prod',
        jwksUri: sim.clientJwksUrl(id),
      });
      sim.setClientJwks(id, jwks);
      return keyed(sim, id);
    }
    case 'openemr': {
      const sim = await startOpenEmrSim(opts);
      sim.addClient({ clientId: 'practice-openemr', jwks });
      return keyed(sim, 'practice-openemr');
    }
    case 'oracle-health': {
      const sim = await startOracleHealthSim(opts);
      sim.addClient({ clientId: 'practice-oracle-health', jwks });
      return keyed(sim, 'practice-oracle-health');
    }
    case 'aidbox': {
      const sim = await startAidboxSim(opts);
      const value = secret();
      // Aidbox's Client resource with a secret; FHIR reads need an AccessPolicy too [AB-CCG].
      sim.putClient({ id: 'practice-aidbox', secret: value, grant_types: ['client_credentials'] });
      sim.grantAccessPolicy('practice-aidbox');
      return {
        ...common,
        issuer: sim.urls.base,
        fhirBase: sim.urls.fhirBase,
        clients: [
          backend({
            fhirBaseUrl: sim.urls.fhirBase,
            tokenEndpoint: sim.urls.tokenEndpoint,
            clientId: 'practice-aidbox',
            scope: 'system/*.read',
            auth: { method: 'client_secret_basic', clientSecret: value },
          }),
        ],
        keys: [],
        close: () => sim.close(),
      };
    }
    case 'keycloak': {
      const sim = await startKeycloakSim(opts);
      sim.putClient({
        clientId: 'practice-keycloak',
        authenticator: 'client-jwt',
        jwksUrl: sim.clientJwksUrl('practice-keycloak'),
        signingAlg: 'RS384',
      });
      sim.setClientJwks('practice-keycloak', jwks);
      return {
        ...common,
        issuer: sim.urls.issuer,
        fhirBase: '',
        clients: [
          backend({ issuer: sim.urls.issuer, clientId: 'practice-keycloak', scope: 'profile' }),
        ],
        keys: [key],
        close: () => sim.close(),
      };
    }
  }
}

/**
 * Starts the practice server on 127.0.0.1 (port 0: a free one), fully offline: 'standard' is a
 * SMART App Launch 2 + OpenID Connect server on oidc-provider with sample FHIR data, the demo user
 * and ready clients; a vendor flavour starts that vendor's simulator with one ready client,
 * labelled as a simulation with its sources.
 */
export async function startPractice(
  opts: { port?: number; flavour?: PracticeFlavour } = {},
): Promise<PracticeServer> {
  const flavour = opts.flavour ?? 'standard';
  if (!PRACTICE_FLAVOURS.includes(flavour)) throw new Error(`Unknown practice flavour ${flavour}.`);
  const started =
    flavour === 'standard' ? await startStandard(opts.port) : await startVendor(flavour, opts.port);
  return {
    ...started,
    label:
      flavour === 'standard'
        ? 'Practice server (SMART App Launch 2 + OpenID Connect)'
        : `Practice server (simulating ${FLAVOUR_NAMES[flavour]})`,
  };
}

/** One file to write: a profile (JSON) or a private key (PEM, mode 0600). */
export interface ReadyFile {
  fileName: string;
  text: string;
}

/**
 * The running server's ready profiles as profile files (shared/profile-file.ts; `$schema` names
 * the schema file written beside them) and their private keys: each profile's
 * auth.privateKeyPath is its key's file name, relative to the profile (the CLI resolves it so).
 */
export function readyProfiles(
  server: PracticeServer,
  opts: { schema?: string } = {},
): { profiles: (ReadyFile & { profile: ProfileFile })[]; keys: ReadyFile[] } {
  const keyFile = (name: string) => `${name}.pem`;
  return {
    profiles: server.clients.map((c) => {
      const profile: ProfileFile = {
        ...(opts.schema ? { $schema: opts.schema } : {}),
        ...c.profile,
        auth: { ...c.profile.auth, ...(c.key ? { privateKeyPath: keyFile(c.key) } : {}) },
      };
      return {
        fileName: `${c.name}.profile.json`,
        profile,
        text: `${JSON.stringify(profile, null, 2)}\n`,
      };
    }),
    keys: server.keys.map((k) => ({ fileName: keyFile(k.name), text: k.pem })),
  };
}
