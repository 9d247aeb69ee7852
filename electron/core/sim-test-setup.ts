/**
 * Setup shared by the vendor simulator suites (simulators.test.ts: the raw answers;
 * vendor-diagnosis.test.ts: the top-1 cause): the keys, the clients each simulator registers, the
 * default profile for them, and one prepare + send token helper.
 */
import type { JWK } from 'jose';
import type { AidboxSim } from '../testing/simulators/aidbox.js';
import type { EpicSim } from '../testing/simulators/epic.js';
import type { KeycloakSim } from '../testing/simulators/keycloak.js';
import type { OpenEmrSim } from '../testing/simulators/openemr.js';
import type { OracleHealthSim } from '../testing/simulators/oracle-health.js';
import type { Jwks } from '../testing/simulators/sim-core.js';
import type {
  AssertionOverrides,
  HttpExchange,
  KeyInfo,
  ProfileInput,
  TokenResult,
} from '../../shared/types.js';
import type { Engine } from './engine.js';
import { must, recordedExchanges } from './test-helpers.js';

/** A key held by the engine: its id (for profiles), kid and public JWK (for registrations). */
export type SimKey = Pick<KeyInfo, 'id' | 'kid' | 'publicJwk'>;
/** RS384 (the default), RS256, ES384, and a second RS384 key no client registers. */
export interface SimKeys {
  rs: SimKey;
  rs256: SimKey;
  es: SimKey;
  other: SimKey;
}
/** Assertion header/claim overrides for prepareTokenRequest. */
export type Overrides = AssertionOverrides;
/** Changes the prepared token request in place before it is sent. */
export type Edit = (d: {
  url: string;
  headers: [string, string][];
  params: [string, string][];
}) => void;
/** A profile to save; the name defaults to the client id. */
export type ProfileDraft = Omit<ProfileInput, 'name'> & { name?: string };

/** Generates the four keys the suites sign with. */
export async function simKeys(engine: Engine): Promise<SimKeys> {
  return {
    rs: must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' })),
    rs256: must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS256' })),
    es: must(await engine.generateKey({ kind: 'EC-P-384', alg: 'ES384' })),
    other: must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' })),
  };
}

/** A JWKS of the keys' public halves. */
export const jwks = (...keys: SimKey[]): Jwks => ({ keys: keys.map((k) => k.publicJwk as JWK) });

/** private_key_jwt with an engine key (RS384 unless told). */
export const pk = (keyId: string, alg = 'RS384') =>
  ({ method: 'private_key_jwt', keyId, alg }) as ProfileInput['auth'];

/** Saves a profile named after its client id ('p' when the id is empty) unless it has a name. */
export async function saveProfile(engine: Engine, p: ProfileDraft) {
  return must(await engine.saveProfile({ name: p.clientId || 'p', ...p } as ProfileInput));
}

/** Prepares a token request, lets `edit` change the draft (sent as edits), sends it. */
export async function sendToken(
  engine: Engine,
  profileId: string,
  o: { overrides?: Overrides | undefined; edit?: Edit | undefined; grant?: 'password' } = {},
): Promise<TokenResult> {
  const draft = must(
    await engine.prepareTokenRequest({
      profileId,
      ...(o.overrides ? { overrides: o.overrides } : {}),
      ...(o.grant ? { grant: o.grant } : {}),
    }),
  );
  const edits = {
    url: draft.url,
    headers: draft.headers.map((h) => [...h] as [string, string]),
    params: draft.params.map((p) => [...p] as [string, string]),
  };
  o.edit?.(edits);
  return must(await engine.sendTokenRequest({ draftId: draft.id, ...(o.edit ? { edits } : {}) }));
}

/** The exchange the engine recorded for a token result (throws when there is none). */
export function recordedExchange(engine: Engine, r: TokenResult): HttpExchange {
  const ex = recordedExchanges(engine).find((e) => e.id === r.exchangeId);
  if (!ex) throw new Error('exchange not recorded');
  return ex;
}

// --- Clients registered on each simulator, and the profile that uses the first one ---------------

/** OpenEMR: oe-backend (JWKS by value: `byValue`) and oe-hosted (JWKS URL serving `hosted`). */
export function setUpOpenEmrClients(sim: OpenEmrSim, byValue: SimKey[], hosted: SimKey) {
  sim.addClient({ clientId: 'oe-backend', jwks: jwks(...byValue) });
  sim.addClient({ clientId: 'oe-hosted', jwksUri: sim.clientJwksUrl('oe-hosted') });
  sim.setClientJwks('oe-hosted', jwks(hosted));
}

/** oe-backend with private_key_jwt (RS384) for system/Patient.read. */
export const openEmrProfile = (sim: OpenEmrSim, key: SimKey): ProfileDraft => ({
  vendor: 'openemr',
  fhirBaseUrl: sim.urls.fhirBase,
  clientId: 'oe-backend',
  scope: 'system/Patient.read',
  auth: pk(key.id),
});

/** Oracle Health: cer-jwt (JWKS by value: `keys`) and cer-secret (system account secret). */
export function setUpOracleHealthClients(sim: OracleHealthSim, keys: SimKey[]) {
  sim.addClient({ clientId: 'cer-jwt', jwks: jwks(...keys) });
  sim.addClient({ clientId: 'cer-secret', secret: 'system-account-secret' });
}

/** cer-jwt with private_key_jwt (RS384) for system/Patient.read. */
export const oracleHealthProfile = (sim: OracleHealthSim, key: SimKey): ProfileDraft => ({
  vendor: 'oracle-health',
  fhirBaseUrl: sim.urls.fhirBase,
  clientId: 'cer-jwt',
  scope: 'system/Patient.read',
  auth: pk(key.id),
});

/** Epic: epic-np/epic-prod (JKU serving `key`), epic-static-np (static upload), epic-secret. */
export function setUpEpicApps(sim: EpicSim, key: SimKey) {
  sim.addApp({
    nonProductionClientId: 'epic-np',
    productionClientId: 'epic-prod',
    jwksUri: sim.clientJwksUrl('epic-np'),
  });
  sim.setClientJwks('epic-np', jwks(key));
  sim.addApp({
    nonProductionClientId: 'epic-static-np',
    productionClientId: 'epic-static-prod',
    jwks: jwks(key),
  });
  sim.addApp({
    nonProductionClientId: 'epic-secret',
    productionClientId: 'epic-secret-prod',
    secret: 'a+b/c=d',
  });
}

/** epic-np with private_key_jwt (RS384) for system/Patient.read. */
export const epicProfile = (sim: EpicSim, key: SimKey): ProfileDraft => ({
  vendor: 'epic',
  fhirBaseUrl: sim.urls.fhirBase,
  clientId: 'epic-np',
  scope: 'system/Patient.read',
  auth: pk(key.id),
});

/** Aidbox secret Clients: ab-basic (client_credentials), ab-code (code only), ab-smart. */
export function setUpAidboxSecretClients(sim: AidboxSim) {
  sim.putClient({ id: 'ab-basic', secret: 'ab-secret-1', grant_types: ['client_credentials'] });
  sim.putClient({ id: 'ab-code', secret: 'ab-secret-2', grant_types: ['authorization_code'] });
  sim.putClient({
    id: 'ab-smart',
    secret: 'ab-secret-3',
    type: 'smart-app',
    grant_types: ['client_credentials'],
  });
}

/** ab-basic with its secret in HTTP Basic for system/*.read. */
export const aidboxProfile = (sim: AidboxSim): ProfileDraft => ({
  vendor: 'aidbox',
  fhirBaseUrl: sim.urls.fhirBase,
  tokenEndpoint: sim.urls.tokenEndpoint,
  clientId: 'ab-basic',
  scope: 'system/*.read',
  auth: { method: 'client_secret_basic', clientSecret: 'ab-secret-1' },
});

/** Keycloak: kc-secret, kc-public, kc-jwt (RS384, JWKS URL serving `jwtKeys`), kc-broken. */
export function setUpKeycloakClients(sim: KeycloakSim, jwtKeys: SimKey[]) {
  sim.putClient({ clientId: 'kc-secret', secret: 'kc-secret-value' });
  sim.putClient({ clientId: 'kc-public', publicClient: true });
  sim.putClient({
    clientId: 'kc-jwt',
    authenticator: 'client-jwt',
    jwksUrl: sim.clientJwksUrl('kc-jwt'),
    signingAlg: 'RS384',
  });
  sim.setClientJwks('kc-jwt', jwks(...jwtKeys));
  sim.putClient({
    clientId: 'kc-broken',
    authenticator: 'client-jwt',
    jwksUrl: sim.clientJwksUrl('kc-broken'),
  });
  sim.breakClientJwks('kc-broken');
}

/** kc-secret with its secret in HTTP Basic for `profile`. */
export const keycloakProfile = (sim: KeycloakSim): ProfileDraft => ({
  vendor: 'keycloak',
  issuer: sim.urls.issuer,
  clientId: 'kc-secret',
  scope: 'profile',
  auth: { method: 'client_secret_basic', clientSecret: 'kc-secret-value' },
});
