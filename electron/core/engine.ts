import {
  createPublicKey,
  createSecretKey,
  randomBytes,
  randomUUID,
  type JsonWebKey,
} from 'node:crypto';
import {
  CompactSign,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
} from 'jose';
import type { DebuggerApi } from '../../shared/api.js';
import {
  lintAssertion,
  lintTokenRequest,
  CLIENT_ASSERTION_TYPE,
} from '../../shared/diagnosis/assertion-lint.js';
import type { CauseCode, Finding } from '../../shared/diagnosis/codes.js';
import { diagnose } from '../../shared/diagnosis/pipeline.js';
import { readAnswer } from '../../shared/diagnosis/statement.js';
import {
  lintTokenResponse,
  scopeDiff,
  transportFinding,
  vendorPreflight,
  type VendorAttempt,
} from '../../shared/diagnosis/token-response.js';
import {
  AS_FIELDS,
  SMART_FIELDS,
  authFieldFindings,
  checkFields,
  clientOverrideFindings,
  discoveryUrls,
  epicClientId,
} from '../../shared/diagnosis/discovery-rules.js';
import { finding, rankFindings } from '../../shared/diagnosis/index.js';
import {
  decodeForDisplay,
  explainClaims,
  looksLikeJwt,
  maskJwtSignature,
  maskSecret,
} from '../../shared/jwt-view.js';
import { readEvidence } from '../../shared/evidence.js';
import { inspectEvidence, unreadableEvidence } from '../../shared/inspect.js';
import { profileFileSchema } from '../../shared/profile-file.js';
import { getPreset } from '../../shared/presets.js';
import { effectiveFlow } from '../../shared/oauth/flow.js';
import { collectResponseSecrets, type SecretMap } from '../../shared/redact.js';
import { AppFailure, err, ok, type Result } from '../../shared/result.js';
import { parseBodyTolerantly } from '../../shared/tolerant-json.js';
import type {
  AssertionOverrides,
  AssertionView,
  AuthorizationFlowView,
  DiscoveryDocument,
  EndSessionResult,
  TokenSetView,
  DiscoveryResult,
  HeaderList,
  InspectEvidenceInput,
  InspectInput,
  InspectReport,
  InspectResult,
  KeyInfo,
  ProfileInput,
  ProfileView,
  PkceMode,
  ResourceResult,
  SigningAlg,
  GrantType,
  RefreshRecord,
  TokenKind,
  TokenRequestDraft,
  TokenRequestEdits,
  TokenResult,
  TokenView,
  Verification,
} from '../../shared/types.js';
import { SIGNING_ALGS } from '../../shared/types.js';
import { AuthorizationFlows } from './authorize.js';
import {
  codeExchangeFindings,
  grantRefusalFindings,
  refreshFailureFindings,
  refreshNotIssuedFinding,
} from '../../shared/diagnosis/grant.js';
import { HttpRecorder, type TlsOptions } from './http.js';
import { idTokenView } from './id-token.js';
import { JwksHost } from './jwks-host.js';
import { generateKey, importKey, privatePem, publicJwks, type EngineKey } from './keys.js';
import type { Ports } from './ports.js';
import { Registrations } from './registration.js';
import {
  endSessionUrl,
  aidboxSessionUrl,
  closeSession,
  introspect,
  maskTokens,
  needEndpoint,
  revoke,
  userinfo,
  type ClientAuth,
  type KnownState,
  type OpContext,
} from './token-ops.js';
import {
  accessExpiresAt,
  autoRefreshAt,
  launchContextOf,
  refreshTokenInfo,
  tokenSetView,
  type HeldTokens,
} from './token-set.js';

export interface StoredProfile extends Omit<
  ProfileView,
  'auth' | 'hasPassword' | 'hasRegistrationToken' | 'hasIntrospectionToken'
> {
  auth: Omit<ProfileView['auth'], 'hasClientSecret'>;
}

/**
 * An authorization code whose callback passed the state and issuer checks, waiting to be redeemed.
 * Written by the authorization flow, read by prepareTokenRequest({grant: 'authorization_code'}).
 */
export interface PendingCode {
  flowId: string;
  code: string;
  /** The redirect_uri sent in the authorize request (the token request must repeat it). */
  redirectUri: string;
  codeVerifier?: string;
  pkce: PkceMode;
  nonce?: string;
  state: string;
  /** Issuer expected in the id_token. */
  issuer?: string;
  /** Set once a token request carried this code (a second use is CODE_INVALID). */
  redeemed: boolean;
}

/** Secret references of a profile in the SecretStore. */
export const profileSecret = {
  clientSecret: (id: string) => `profile:${id}:clientSecret`,
  password: (id: string) => `profile:${id}:password`,
  registrationToken: (id: string) => `profile:${id}:registrationAccessToken`,
  introspectionToken: (id: string) => `profile:${id}:introspectionToken`,
};

interface Draft {
  id: string;
  profileId: string;
  grant: GrantType;
  /** authorization_code: the code being redeemed (what is sent is compared with it). */
  pending?: PendingCode;
  url: string;
  headers: HeaderList;
  params: [string, string][];
  /** placeholder name -> secret value */
  fill: Map<string, string>;
  assertion?: AssertionView;
  /** The key that signed the assertion and what the server will check it against. */
  signing?: { kid: string; keyContext: KeyContext };
}

/** The client's registered JWKS as the server will see it, and what fetching it found. */
interface KeyContext {
  lintInput: { jwksKids?: string[]; registeredJku?: string };
  findings: Finding[];
}

const PROFILES = 'profiles';
const KEYS = 'keys';

/** Turns a thrown AppFailure into an error Result; anything else is a bug and is reported as INTERNAL. */
async function guard<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (e) {
    if (e instanceof AppFailure) return err(e.code, e.message, e.fix);
    return err(
      'INTERNAL',
      `Unexpected error: ${(e as Error).message}`,
      'Please report this with the timeline (secrets are masked).',
    );
  }
}

/** The engine: plain Node, reached only through DebuggerApi. */
export class Engine implements DebuggerApi {
  readonly http: HttpRecorder;
  private keys = new Map<string, EngineKey>();
  private fileKeys = new Map<string, EngineKey>();
  private discovery = new Map<string, DiscoveryResult>();
  private drafts = new Map<string, Draft>();
  private sentJtis = new Set<string>();
  /** Token requests of this run, for the vendor rules ("it worked earlier with this client"). */
  private tokenHistory: VendorAttempt['earlier'] = [];
  private lastAssertion?: string;
  /** Server JWKS by URL for token verification; refetched once when a kid is not found. */
  private jwksCache = new Map<string, JSONWebKeySet>();
  /** The tokens held for the session: memory only, never persisted (see HeldTokens). */
  private tokens?: HeldTokens;
  private auto: {
    enabled: boolean;
    profileId?: string;
    timer?: ReturnType<typeof setTimeout>;
    nextAt?: number;
  } = { enabled: false };
  /** The refresh in flight: a second request for the same profile joins it. */
  private refreshing?: { profileId: string; promise: Promise<TokenResult> };
  /** Refresh tokens the server rotated away in this session -> when they were redeemed. */
  private usedRefreshTokens = new Map<string, string>();
  /** Token values revoked in this session -> when. */
  private revokedValues = new Map<string, string>();
  /** Latest authorization code per profile id (see PendingCode). */
  readonly pendingCodes = new Map<string, PendingCode>();
  private loaded: Promise<void>;

  private readonly authz: AuthorizationFlows;
  private readonly registrations: Registrations;
  private readonly jwksHost: JwksHost;

  constructor(private readonly ports: Ports) {
    this.http = new HttpRecorder((all) => ports.events.emit('exchanges', all));
    this.loaded = this.loadKeys();
    const discovery = (p: StoredProfile) => this.discoveryFor(p);
    const profile = (id: string) => this.mustProfile(id);
    this.authz = new AuthorizationFlows({
      ports,
      probe: async (p, url) => {
        const { exchange, raw } = await this.http.send(
          { method: 'GET', url, headers: [['accept', 'text/html, application/json']] },
          { step: 'Authorize (probe)', ...(p.tls ? { tls: p.tls } : {}), ...this.ports.http },
        );
        return raw
          ? { status: raw.status, headers: raw.headers, body: raw.body }
          : {
              error: exchange.error ?? { code: 'NETWORK_ERROR', message: 'No answer.' },
            };
      },
      profile,
      discovery,
      pendingCodes: this.pendingCodes,
      exchange: async (profileId) => {
        const req: Parameters<DebuggerApi['prepareTokenRequest']>[0] = {
          profileId,
          grant: 'authorization_code',
        };
        const draft = await this.prepareTokenRequest(req);
        return draft.ok ? this.sendTokenRequest({ draftId: draft.value.id }) : draft;
      },
    });
    this.registrations = new Registrations({
      ports,
      http: this.http,
      profile,
      discovery,
      view: (p) => this.view(p),
      update: (id, patch) => this.updateStoredProfile(id, patch),
      setSecret: (id, which, value) => this.setProfileSecret(id, which, value),
      secret: (id, which) => this.profileSecretValue(id, which),
      profileKey: (p) => this.profileKey(p),
    });
    this.jwksHost = new JwksHost({ ports, http: this.http });
  }

  private get nowSec() {
    return Math.floor(this.ports.clock.now() / 1000);
  }

  // --- Keys ---------------------------------------------------------------

  private async loadKeys() {
    const infos = (this.ports.store.get(KEYS) as KeyInfo[] | undefined) ?? [];
    for (const info of infos) {
      const pem = await this.ports.secrets.get(`key:${info.id}`).catch(() => undefined);
      try {
        const k = pem
          ? await importKey(pem, info.alg, info.kid, new Date(info.createdAt))
          : undefined;
        const publicKey =
          k?.publicKey ?? createPublicKey({ key: info.publicJwk as JsonWebKey, format: 'jwk' });
        this.keys.set(info.id, {
          info: { ...info, hasPrivateKey: !!k?.privateKey },
          publicKey,
          ...(k?.privateKey ? { privateKey: k.privateKey } : {}),
        });
      } catch {
        // A key that no longer parses keeps its public metadata only.
        continue;
      }
    }
  }

  private async persistKey(k: EngineKey) {
    this.keys.set(k.info.id, k);
    if (k.privateKey) await this.ports.secrets.set(`key:${k.info.id}`, await privatePem(k));
    this.ports.store.set(
      KEYS,
      [...this.keys.values()].map((x) => x.info),
    );
  }

  listKeys() {
    return guard(async () => {
      await this.loaded;
      return [...this.keys.values()].map((k) => k.info);
    });
  }

  generateKey(input: Parameters<DebuggerApi['generateKey']>[0]) {
    return guard(async () => {
      await this.loaded;
      const k = await generateKey(
        input.kind,
        input.alg,
        input.kid,
        new Date(this.ports.clock.now()),
      );
      await this.persistKey(k);
      return k.info;
    });
  }

  importKey(input: Parameters<DebuggerApi['importKey']>[0]) {
    return guard(async () => {
      await this.loaded;
      const k = await importKey(input.text, input.alg, input.kid, new Date(this.ports.clock.now()));
      await this.persistKey(k);
      return k.info;
    });
  }

  deleteKey(id: string) {
    return guard(async () => {
      await this.loaded;
      if (!this.keys.delete(id)) throw new AppFailure('NOT_FOUND', 'No such key.');
      await this.ports.secrets.delete(`key:${id}`);
      this.ports.store.set(
        KEYS,
        [...this.keys.values()].map((x) => x.info),
      );
      return { deleted: id };
    });
  }

  exportJwks(keyIds: string[]) {
    return guard(async () => {
      await this.loaded;
      const ks = keyIds.length ? keyIds.map((id) => this.mustKey(id)) : [...this.keys.values()];
      return { jwks: JSON.stringify(publicJwks(ks), null, 2) };
    });
  }

  exportPrivateKey(input: { keyId: string; path: string }) {
    return guard(async () => {
      await this.loaded;
      const pem = await privatePem(this.mustKey(input.keyId));
      await this.ports.files.writePrivate(input.path, pem);
      return { path: input.path };
    });
  }

  private mustKey(id: string): EngineKey {
    const k = this.keys.get(id);
    if (!k)
      throw new AppFailure(
        'NOT_FOUND',
        `No key with id ${id}.`,
        'Generate or import a key in the Keys step.',
      );
    return k;
  }

  // --- Profiles -----------------------------------------------------------

  private storedProfiles(): StoredProfile[] {
    return (this.ports.store.get(PROFILES) as StoredProfile[] | undefined) ?? [];
  }

  /** A stored secret of a profile, or undefined when absent or unreadable. */
  async profileSecretValue(
    id: string,
    which: keyof typeof profileSecret,
  ): Promise<string | undefined> {
    return this.ports.secrets.get(profileSecret[which](id)).catch(() => undefined);
  }

  private async view(p: StoredProfile): Promise<ProfileView> {
    const [secret, password, regToken, introToken] = await Promise.all([
      this.profileSecretValue(p.id, 'clientSecret'),
      this.profileSecretValue(p.id, 'password'),
      this.profileSecretValue(p.id, 'registrationToken'),
      this.profileSecretValue(p.id, 'introspectionToken'),
    ]);
    return {
      ...p,
      hasPassword: !!password,
      hasRegistrationToken: !!regToken,
      hasIntrospectionToken: !!introToken,
      auth: { ...p.auth, hasClientSecret: !!secret },
    };
  }

  mustProfile(id: string): StoredProfile {
    const p = this.storedProfiles().find((x) => x.id === id);
    if (!p)
      throw new AppFailure(
        'NOT_FOUND',
        `No profile with id ${id}.`,
        'Create or select a profile in the Profile step.',
      );
    return p;
  }

  listProfiles() {
    return guard(async () => Promise.all(this.storedProfiles().map((p) => this.view(p))));
  }

  saveProfile(input: ProfileInput) {
    return guard(async () => {
      const { clientSecret, ...auth } = input.auth;
      const { password, introspectionToken, ...rest } = input;
      const id = input.id ?? randomUUID();
      const stored: StoredProfile = stripUndefined({ ...rest, id, auth: stripUndefined(auth) });
      const all = this.storedProfiles().filter((p) => p.id !== id);
      all.push(stored);
      this.ports.store.set(PROFILES, all);
      await this.setProfileSecret(id, 'clientSecret', clientSecret);
      await this.setProfileSecret(id, 'password', password);
      await this.setProfileSecret(id, 'introspectionToken', introspectionToken);
      this.discovery.delete(id);
      return this.view(stored);
    });
  }

  /** undefined keeps the stored value, '' removes it. */
  async setProfileSecret(id: string, which: keyof typeof profileSecret, value?: string) {
    if (value === undefined) return;
    if (value === '') await this.ports.secrets.delete(profileSecret[which](id));
    else await this.ports.secrets.set(profileSecret[which](id), value);
  }

  /** Replaces stored (non-secret) fields of a profile, e.g. after registration. */
  updateStoredProfile(id: string, patch: Partial<StoredProfile>): StoredProfile {
    const current = this.mustProfile(id);
    const next = stripUndefined({ ...current, ...patch, id });
    this.ports.store.set(PROFILES, [...this.storedProfiles().filter((p) => p.id !== id), next]);
    return next;
  }

  deleteProfile(id: string) {
    return guard(async () => {
      this.mustProfile(id);
      this.ports.store.set(
        PROFILES,
        this.storedProfiles().filter((p) => p.id !== id),
      );
      for (const ref of Object.values(profileSecret)) await this.ports.secrets.delete(ref(id));
      return { deleted: id };
    });
  }

  exportProfile(id: string) {
    return guard(async () => {
      const p = this.mustProfile(id);
      // The client secret and engine key ids never leave in an export.
      const { keyId: _keyId, ...auth } = p.auth;
      const file = stripUndefined({
        name: p.name,
        vendor: p.vendor,
        server: p.server,
        flow: p.flow,
        fhirBaseUrl: p.fhirBaseUrl,
        issuer: p.issuer,
        tokenEndpoint: p.tokenEndpoint,
        authorizationEndpoint: p.authorizationEndpoint,
        registrationEndpoint: p.registrationEndpoint,
        introspectionEndpoint: p.introspectionEndpoint,
        revocationEndpoint: p.revocationEndpoint,
        userinfoEndpoint: p.userinfoEndpoint,
        endSessionEndpoint: p.endSessionEndpoint,
        jwksUri: p.jwksUri,
        clientId: p.clientId,
        scope: p.scope,
        redirectUri: p.redirectUri,
        pkce: p.pkce,
        responseType: p.responseType,
        authorizeParams: p.authorizeParams,
        username: p.username,
        registration: p.registration,
        resourcePath: p.resourcePath,
        auth: stripUndefined(auth),
        tls: p.tls,
      });
      return { json: JSON.stringify(file, null, 2) };
    });
  }

  importProfile(json: string) {
    return guard(async () => {
      const input = parseProfileFile(json);
      const r = await this.saveProfile(input);
      if (!r.ok) throw new AppFailure(r.error.code, r.error.message, r.error.fix);
      return r.value;
    });
  }

  getStorageInfo() {
    return guard(async () => ({
      backend: this.ports.secrets.info.backend,
      secretsPersisted: this.ports.secrets.info.persisted,
      ...(this.ports.secrets.info.warning ? { warning: this.ports.secrets.info.warning } : {}),
      quarantined: this.ports.quarantined ?? [],
    }));
  }

  // --- Discovery ----------------------------------------------------------

  discover(target: { fhirBaseUrl?: string; issuer?: string; profileId?: string }) {
    return guard(async () => {
      const p = target.profileId ? this.mustProfile(target.profileId) : undefined;
      // A full well-known URL is accepted: its base is the FHIR base or the issuer.
      const given = wellKnownBase(target.fhirBaseUrl ?? p?.fhirBaseUrl, target.issuer ?? p?.issuer);
      const fhirBaseUrl = given.fhirBaseUrl;
      const issuer = given.issuer;
      if (!fhirBaseUrl && !issuer)
        throw new AppFailure(
          'INVALID_INPUT',
          'Nothing to discover: the profile has neither a FHIR base URL nor an issuer.',
          'Enter the FHIR base URL (for SMART) or the issuer (for OpenID/OAuth) in the profile.',
        );
      const res = await this.runDiscovery({ fhirBaseUrl, issuer }, p?.tls, epicClientId(p));
      if (p) this.discovery.set(p.id, res);
      return res;
    });
  }

  /**
   * GETs a metadata document. Redirects are followed (up to 3; a metadata GET carries no
   * credentials), each hop recorded in the timeline, and the final URL returned.
   */
  private async fetchJson(url: string, step: string, tls?: TlsOptions, extra: HeaderList = []) {
    let at = url;
    let r = await this.http.send(
      { method: 'GET', url: at, headers: [['accept', 'application/json'], ...extra] },
      { step, ...(tls ? { tls } : {}), ...this.ports.http },
    );
    const hops: { from: string; to: string; status: number }[] = [];
    for (let i = 0; i < 3 && r.raw && r.raw.status >= 300 && r.raw.status < 400; i++) {
      const location = r.raw.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
      if (!location) break;
      const to = new URL(location, at).toString();
      hops.push({ from: at, to, status: r.raw.status });
      at = to;
      r = await this.http.send(
        { method: 'GET', url: at, headers: [['accept', 'application/json'], ...extra] },
        { step: `${step} (redirected)`, ...(tls ? { tls } : {}), ...this.ports.http },
      );
    }
    const parsed = r.raw ? parseBodyTolerantly(r.raw.body) : undefined;
    return { r, parsed, hops, finalUrl: at };
  }

  /**
   * Discovery. `clientId` (Epic profiles) is sent as Epic-Client-ID, so that per-client endpoint
   * overrides apply, and the first document is fetched once more without it to compare (E4).
   */
  private async runDiscovery(
    target: { fhirBaseUrl?: string; issuer?: string },
    tls?: TlsOptions,
    clientId?: string,
  ): Promise<DiscoveryResult> {
    const documents: DiscoveryDocument[] = [];
    const findings: Finding[] = [];
    const merged: Record<string, unknown> = {};
    const clientHeader: HeaderList = clientId ? [['epic-client-id', clientId]] : [];
    let firstGood: { url: string; json: Record<string, unknown> } | undefined;
    const goodDocs: Record<string, unknown>[] = [];
    let smartUrl: string | undefined;
    const fetchDoc = async (kind: DiscoveryDocument['kind'], url: string) => {
      const { r, parsed, hops, finalUrl } = await this.fetchJson(
        url,
        'Discovery',
        tls,
        clientHeader,
      );
      for (const h of hops)
        findings.push(
          finding(
            'DISCOVERY_INCOMPLETE',
            `${h.from} answered HTTP ${h.status} with Location ${h.to}; the document was read there.`,
            {
              basis: 'server',
              severity: 'info',
              title: 'Discovery was redirected',
              fix: 'Use the final URL (or its base) in the profile, so no request depends on the redirect.',
              source: 'RFC 8414 §3; SMART App Launch (.well-known/smart-configuration)',
            },
          ),
        );
      const status = r.raw?.status;
      const json = parsed?.json;
      const good = !!json && status !== undefined && status >= 200 && status < 300;
      const doc: DiscoveryDocument = {
        kind,
        url,
        ok: good,
        ...(status !== undefined ? { status } : {}),
        fields: good
          ? checkFields(json, kind === 'smart-configuration' ? SMART_FIELDS : AS_FIELDS)
          : [],
        exchangeId: r.exchange.id,
        ...(finalUrl !== url ? { redirectedTo: finalUrl } : {}),
      };
      if (!good) {
        doc.error = r.exchange.error
          ? r.exchange.error.message
          : status === 404
            ? 'Not found (404).'
            : parsed?.kind !== 'json'
              ? `HTTP ${status}, body is not JSON.`
              : `HTTP ${status}.`;
      }
      documents.push(doc);
      if (good) {
        firstGood ??= { url, json };
        goodDocs.push(json);
        for (const [k, v] of Object.entries(json)) if (merged[k] === undefined) merged[k] = v;
        const missing = doc.fields
          .filter((f) => f.status === 'missing-required')
          .map((f) => f.name);
        if (missing.length)
          findings.push(
            finding(
              'DISCOVERY_INCOMPLETE',
              `${kind} at ${url} lacks required ${missing.join(', ')}.`,
            ),
          );
        if (kind === 'smart-configuration') {
          smartUrl = url;
          const methods = json.code_challenge_methods_supported;
          if (Array.isArray(methods) && methods.includes('plain'))
            findings.push(
              finding(
                'DISCOVERY_INCOMPLETE',
                'code_challenge_methods_supported includes "plain"; SMART forbids it.',
                { title: 'PKCE plain advertised' },
              ),
            );
        }
        if (
          kind !== 'smart-configuration' &&
          target.issuer &&
          json.issuer !== undefined &&
          String(json.issuer).replace(/\/$/, '') !== target.issuer.replace(/\/$/, '')
        )
          findings.push(
            finding(
              'DISCOVERY_INCOMPLETE',
              `${kind} issuer is "${String(json.issuer)}", expected "${target.issuer}".`,
              { title: 'Issuer in metadata differs from the one used to find it' },
            ),
          );
      }
      return json;
    };
    const urls = discoveryUrls(target);
    // (The auth fields are judged on every document together, after all are read: a field the
    // OpenID document advertises is advertised, whatever the smart-configuration omits.)
    let smart: Record<string, unknown> | undefined;
    for (const u of urls.filter((x) => x.kind === 'smart-configuration'))
      smart = await fetchDoc(u.kind, u.url);
    const issuer = target.issuer ?? (typeof smart?.issuer === 'string' ? smart.issuer : undefined);
    if (issuer) {
      const asUrls = discoveryUrls({ issuer });
      const results = await Promise.all(asUrls.map((u) => fetchDoc(u.kind, u.url)));
      if (!target.fhirBaseUrl && results.every((x) => !x))
        findings.push(
          finding(
            'DISCOVERY_INCOMPLETE',
            `Neither ${asUrls.map((u) => u.url).join(' nor ')} returned metadata.`,
            { title: 'No authorization server metadata found' },
          ),
        );
    }
    if (smartUrl) {
      const union: Record<string, unknown> = {};
      for (const k of [
        'token_endpoint_auth_methods_supported',
        'token_endpoint_auth_signing_alg_values_supported',
        'capabilities',
      ]) {
        const lists = goodDocs.filter((d) => Array.isArray(d[k])).map((d) => d[k] as unknown[]);
        if (lists.length) union[k] = [...new Set(lists.flat().map(String))];
      }
      findings.push(...authFieldFindings(union, smartUrl));
    }
    if (clientId && firstGood) {
      // E4: the same document without Epic-Client-ID; a difference is a per-client override.
      const generic = await this.fetchJson(
        firstGood.url,
        'Discovery (without Epic-Client-ID)',
        tls,
      );
      const json = generic.parsed?.json;
      const status = generic.r.raw?.status ?? 0;
      if (json && status >= 200 && status < 300)
        findings.push(
          ...clientOverrideFindings({
            clientId,
            url: firstGood.url,
            perClient: firstGood.json,
            generic: json,
          }),
        );
    }
    if (
      smart &&
      typeof merged.token_endpoint === 'string' &&
      typeof smart.token_endpoint === 'string' &&
      merged.token_endpoint !== smart.token_endpoint
    )
      findings.push(
        finding(
          'DISCOVERY_INCOMPLETE',
          `smart-configuration says token_endpoint ${smart.token_endpoint}, the other document ${String(merged.token_endpoint)}.`,
          { title: 'Documents disagree on the token endpoint' },
        ),
      );
    if (documents.every((d) => !d.ok)) {
      const ex = this.http.exchanges.find((e) => e.id === documents[0]?.exchangeId);
      // What the server said when it refused the documents (a tenant or realm it does not know).
      const said = documents
        .map((d) => this.http.exchanges.find((e) => e.id === d.exchangeId))
        .filter((e) => !!e?.response && e.response.status >= 400)
        .flatMap((e) =>
          diagnose({
            endpoint: 'discovery',
            url: e!.request.url,
            response: {
              status: e!.response!.status,
              headers: e!.response!.headers,
              body: e!.response!.body,
            },
          }).findings.filter(
            (f) =>
              f.basis === 'server' && f.severity === 'error' && f.code !== 'ENDPOINT_NOT_FOUND',
          ),
        );
      if (ex?.error) findings.unshift(transportFinding(ex.error, ex.request.url));
      else if (said.length) findings.unshift(...said.slice(0, 3));
      else
        findings.unshift(
          finding(
            'DISCOVERY_INCOMPLETE',
            `No discovery document could be read (${documents.map((d) => `${d.url}: ${d.error}`).join('; ')}).`,
            { severity: 'error', title: 'Discovery failed' },
          ),
        );
    }
    const arr = (k: string) =>
      Array.isArray(merged[k]) ? (merged[k] as unknown[]).map(String) : undefined;
    const str = (k: string) =>
      typeof (smart?.[k] ?? merged[k]) === 'string' ? String(smart?.[k] ?? merged[k]) : undefined;
    return stripUndefined({
      documents,
      tokenEndpoint: str('token_endpoint'),
      authorizationEndpoint: str('authorization_endpoint'),
      registrationEndpoint: str('registration_endpoint'),
      introspectionEndpoint: str('introspection_endpoint'),
      revocationEndpoint: str('revocation_endpoint'),
      userinfoEndpoint: str('userinfo_endpoint'),
      endSessionEndpoint: str('end_session_endpoint'),
      issParameterSupported:
        merged.authorization_response_iss_parameter_supported === true ? true : undefined,
      codeChallengeMethods: arr('code_challenge_methods_supported'),
      jwksUri: str('jwks_uri'),
      issuer: str('issuer'),
      authMethods: arr('token_endpoint_auth_methods_supported'),
      signingAlgs: arr('token_endpoint_auth_signing_alg_values_supported'),
      scopesSupported: arr('scopes_supported'),
      capabilities: Array.isArray(smart?.capabilities)
        ? (smart.capabilities as unknown[]).map(String)
        : undefined,
      findings: rankFindings(findings),
    }) as DiscoveryResult;
  }

  /** Discovery for a profile, run once per profile and kept for the session. */
  private async discoveryFor(p: StoredProfile): Promise<DiscoveryResult | undefined> {
    const hit = this.discovery.get(p.id);
    if (hit) return hit;
    if (!p.fhirBaseUrl && !p.issuer) return undefined;
    const d = await this.runDiscovery(
      { fhirBaseUrl: p.fhirBaseUrl, issuer: p.issuer },
      p.tls,
      epicClientId(p),
    );
    this.discovery.set(p.id, d);
    return d;
  }

  private async tokenEndpointFor(
    p: StoredProfile,
  ): Promise<{ url: string; discovery?: DiscoveryResult }> {
    const discovery = await this.discoveryFor(p).catch(() => undefined);
    const url = p.tokenEndpoint ?? discovery?.tokenEndpoint;
    if (!url)
      throw new AppFailure(
        'INVALID_INPUT',
        'No token endpoint: the profile has none and discovery did not find one.',
        'Enter the token endpoint in the profile, or a FHIR base URL / issuer whose discovery document lists it.',
      );
    return { url, ...(discovery ? { discovery } : {}) };
  }

  // --- Client assertion ---------------------------------------------------

  private async signingKey(p: StoredProfile): Promise<EngineKey> {
    await this.loaded;
    if (p.auth.keyId) {
      const k = this.mustKey(p.auth.keyId);
      if (!k.privateKey)
        throw new AppFailure(
          'SECRET_UNAVAILABLE',
          `Key ${k.info.kid} has no private part in this session.`,
          'Re-import the private key (secrets are session-only unless a passphrase or OS keychain is available).',
        );
      return k;
    }
    if (p.auth.privateKeyPath) {
      const hit = this.fileKeys.get(
        p.auth.privateKeyPath + (p.auth.kid ?? '') + (p.auth.alg ?? ''),
      );
      if (hit) return hit;
      let text: string;
      try {
        text = await this.ports.files.readText(p.auth.privateKeyPath);
      } catch (e) {
        throw new AppFailure(
          'FILE_ERROR',
          `Cannot read private key file ${p.auth.privateKeyPath}: ${(e as Error).message}.`,
          'Check auth.privateKeyPath in the profile.',
        );
      }
      const k = await importKey(
        text,
        asSigningAlg(p.auth.alg),
        p.auth.kid,
        new Date(this.ports.clock.now()),
      );
      if (!k.privateKey)
        throw new AppFailure(
          'KEY_INVALID',
          `${p.auth.privateKeyPath} holds a public key; signing needs the private key.`,
          'Point auth.privateKeyPath at the private key PEM.',
        );
      this.fileKeys.set(p.auth.privateKeyPath + (p.auth.kid ?? '') + (p.auth.alg ?? ''), k);
      return k;
    }
    throw new AppFailure(
      'KEY_INVALID',
      'The profile has no signing key.',
      'Generate or import a key in the Keys step and choose it in the profile (or set auth.privateKeyPath).',
    );
  }

  /**
   * A client assertion (RFC 7523): signed with the profile's private key (private_key_jwt) or, for
   * client_secret_jwt, with the client secret as the HMAC key (HS256 unless auth.alg says HS384/512).
   */
  private async makeAssertion(
    p: StoredProfile,
    tokenUrl: string,
    discovery: DiscoveryResult | undefined,
    overrides?: AssertionOverrides,
  ): Promise<{ jwt: string; view: AssertionView; signingKeyKid?: string; keyContext: KeyContext }> {
    const hmac = p.auth.method === 'client_secret_jwt';
    const key = hmac ? undefined : await this.signingKey(p);
    const secret = hmac ? await this.needClientSecret(p) : undefined;
    const now = this.nowSec;
    const alg = hmac ? (p.auth.alg ?? 'HS256') : (p.auth.alg ?? key!.info.alg);
    if (hmac && !/^HS(256|384|512)$/.test(alg))
      throw new AppFailure(
        'INVALID_INPUT',
        `client_secret_jwt signs with the client secret, so alg ${alg} cannot be used.`,
        'Set auth.alg to HS256 (default), HS384 or HS512 in the profile.',
      );
    const header: Record<string, unknown> = hmac
      ? { alg, typ: 'JWT' }
      : { alg, kid: p.auth.kid ?? key!.info.kid, typ: 'JWT' };
    const claims: Record<string, unknown> = {
      iss: p.clientId,
      sub: p.clientId,
      aud: tokenUrl,
      exp: now + 300,
      iat: now,
      jti: randomBytes(16).toString('hex'),
    };
    applyOverrides(header, overrides?.header);
    applyOverrides(claims, overrides?.claims);
    let jwt: string;
    try {
      jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
        .setProtectedHeader(header as { alg: string })
        .sign(hmac ? createSecretKey(Buffer.from(secret!, 'utf8')) : key!.privateKey!);
    } catch (e) {
      throw new AppFailure(
        'KEY_INVALID',
        `Cannot sign with alg ${String(header.alg)}: ${(e as Error).message}.`,
        hmac
          ? 'client_secret_jwt needs an HMAC alg: HS256, HS384 or HS512.'
          : `Use an alg that fits the key (${key!.info.kind}): ${key!.info.alg}.`,
      );
    }
    const keyContext: KeyContext = hmac
      ? { lintInput: {}, findings: [] }
      : await this.clientKeyContext(p);
    const lint: Finding[] = [
      ...lintAssertion({
        header,
        claims,
        tokenUrl,
        clientId: p.clientId,
        ...(discovery?.signingAlgs ? { acceptedAlgs: discovery.signingAlgs } : {}),
        ...keyContext.lintInput,
        now,
        sentJtis: this.sentJtis,
        smart: this.smartProfile(p, discovery),
        ...(key ? { signingKeyKid: key.info.kid } : { hmac: true }),
      }),
      ...keyContext.findings,
    ];
    const view: AssertionView = {
      id: randomUUID(),
      header,
      claims,
      masked: maskJwtSignature(jwt),
      explained: explainClaims(claims, now),
      lint: rankFindings(lint),
    };
    return { jwt, view, ...(key ? { signingKeyKid: key.info.kid } : {}), keyContext };
  }

  /**
   * What the server will use to check the assertion: the kids at the client's registered JWKS URL
   * (fetched like the server would; a failure is JWKS_UNREACHABLE) and that URL for the jku check.
   */
  private async clientKeyContext(p: StoredProfile): Promise<KeyContext> {
    const findings: Finding[] = [];
    if (!p.jwksUri) return { lintInput: {}, findings };
    const jwks = await this.loadJwks({ jwksUrl: p.jwksUri }, 'Client assertion', findings, p.tls);
    const lintInput = {
      registeredJku: p.jwksUri,
      ...(jwks ? { jwksKids: jwks.keys.map((k) => String(k.kid ?? '')) } : {}),
    };
    return { lintInput, findings };
  }

  buildAssertion(input: { profileId: string; overrides?: AssertionOverrides }) {
    return guard(async () => {
      const p = this.mustProfile(input.profileId);
      const { url, discovery } = await this.tokenEndpointFor(p);
      const { jwt, view } = await this.makeAssertion(p, url, discovery, input.overrides);
      this.lastAssertion = jwt;
      return view;
    });
  }

  inspectAssertion(input: InspectInput) {
    return guard(async (): Promise<InspectResult> => {
      const decoded = decodeForDisplay(input.jwt);
      const now = this.nowSec;
      let verification: Verification = {
        status: 'unchecked',
        message: 'No JWKS given: signature not checked.',
      };
      let jwksKids: string[] | undefined;
      const findings: Finding[] = [];
      const jwks = await this.loadJwks(input, 'Inspector', findings);
      if (jwks) {
        jwksKids = jwks.keys.map((k) => String(k.kid ?? ''));
        verification = await verifyWith(input.jwt, jwks, input.jwksUrl);
        if (verification.status === 'failed' && !findings.length) {
          const kid = decoded.header.kid;
          if (!(typeof kid === 'string' && !jwksKids.includes(kid)))
            findings.push(finding('ASSERTION_SIGNATURE_INVALID', verification.message));
        }
      }
      findings.unshift(
        ...lintAssertion({
          header: decoded.header,
          claims: decoded.claims,
          ...(input.tokenUrl ? { tokenUrl: input.tokenUrl } : {}),
          ...(input.clientId ? { clientId: input.clientId } : {}),
          ...(input.acceptedAlgs ? { acceptedAlgs: input.acceptedAlgs } : {}),
          ...(jwksKids ? { jwksKids } : {}),
          now,
        }),
      );
      return {
        decoded,
        explained: explainClaims(decoded.claims, now),
        verification,
        findings: rankFindings(findings),
      };
    });
  }

  inspect(input: InspectEvidenceInput) {
    return guard(async (): Promise<InspectReport> => {
      const evidence = readEvidence(input.items, input.harEntry);
      const unreadable = unreadableEvidence(evidence);
      if (unreadable) throw new AppFailure(unreadable.code, unreadable.message, unreadable.fix);
      const jwksFindings: Finding[] = [];
      const jwksText = input.jwks ?? evidence.jwks;
      const jwks = await this.loadJwks(
        {
          ...(jwksText ? { jwks: jwksText } : {}),
          ...(input.jwksUrl ? { jwksUrl: input.jwksUrl } : {}),
        },
        'Inspector',
        jwksFindings,
      );
      const verifications = new Map<string, Verification>();
      if (jwks)
        for (const j of evidence.jwts)
          verifications.set(j.jwt, await verifyWith(j.jwt, jwks, input.jwksUrl));
      return await inspectEvidence(evidence, input, {
        verifications,
        ...(jwks ? { jwksKids: jwks.keys.map((k) => String(k.kid ?? '')) } : {}),
        jwksFindings,
        nowSec: this.nowSec,
      });
    });
  }

  /** Loads a JWKS from pasted text or a URL (recorded), adding JWKS_UNREACHABLE when it fails. */
  private async loadJwks(
    input: { jwks?: string; jwksUrl?: string; cache?: boolean; wantKid?: string },
    step: string,
    findings: Finding[],
    tls?: TlsOptions,
  ): Promise<JSONWebKeySet | undefined> {
    if (input.jwks) {
      let v: unknown;
      try {
        v = JSON.parse(input.jwks);
      } catch (e) {
        throw new AppFailure(
          'JWKS_INVALID',
          `The JWKS is not valid JSON: ${(e as Error).message}.`,
          'Paste a JWK Set: {"keys":[{...}]}.',
        );
      }
      if (!v || typeof v !== 'object' || !Array.isArray((v as { keys?: unknown }).keys)) {
        if (v && typeof v === 'object' && 'kty' in v)
          return { keys: [v as JSONWebKeySet['keys'][number]] };
        throw new AppFailure(
          'JWKS_INVALID',
          'The JWKS has no "keys" array.',
          'Paste a JWK Set: {"keys":[{...}]}.',
        );
      }
      return v as JSONWebKeySet;
    }
    if (input.jwksUrl) {
      const cached = this.jwksCache.get(input.jwksUrl);
      if (cached && (!input.wantKid || cached.keys.some((k) => k.kid === input.wantKid)))
        return cached;
      const { r, parsed } = await this.fetchJson(input.jwksUrl, step, tls);
      const keys = parsed?.json?.keys;
      if (!r.raw || r.raw.status >= 300 || !Array.isArray(keys)) {
        findings.push(
          finding(
            'JWKS_UNREACHABLE',
            r.exchange.error
              ? `${input.jwksUrl}: ${r.exchange.error.message}`
              : `${input.jwksUrl} answered HTTP ${r.raw?.status} ${Array.isArray(keys) ? '' : 'without a "keys" array'}.`,
          ),
        );
        return undefined;
      }
      const jwks = parsed!.json as unknown as JSONWebKeySet;
      if (input.cache) this.jwksCache.set(input.jwksUrl, jwks);
      return jwks;
    }
    return undefined;
  }

  // --- Token request ------------------------------------------------------

  prepareTokenRequest(input: Parameters<DebuggerApi['prepareTokenRequest']>[0]) {
    return guard(async (): Promise<TokenRequestDraft> => {
      const p = this.mustProfile(input.profileId);
      const grant = input.grant ?? defaultGrant(p);
      const prepared = await this.prepareDraft(
        p,
        grant,
        input.overrides ? { overrides: input.overrides } : {},
      );
      return prepared.view;
    });
  }

  private async needClientSecret(p: StoredProfile): Promise<string> {
    const secret = await this.profileSecretValue(p.id, 'clientSecret');
    if (!secret)
      throw new AppFailure(
        'SECRET_UNAVAILABLE',
        'The profile has no client secret stored.',
        'Enter the client secret in the Profile step.',
      );
    return secret;
  }

  /**
   * Client authentication by profile.auth.method, the same for the token, introspection and
   * revocation endpoints. Secret values are in `fill`; headers and params carry placeholders.
   * Assertions are audienced to the token endpoint (tokenUrl, or the profile's when omitted).
   */
  private async clientAuth(
    p: StoredProfile,
    tokenUrl: string | undefined,
    discovery: DiscoveryResult | undefined,
    overrides?: AssertionOverrides,
  ): Promise<ClientAuth & { assertion?: AssertionView; signing?: Draft['signing']; jwt?: string }> {
    const headers: HeaderList = [];
    const params: [string, string][] = [];
    const fill = new Map<string, string>();
    switch (p.auth.method) {
      case 'private_key_jwt':
      case 'client_secret_jwt': {
        const aud = tokenUrl ?? (await this.tokenEndpointFor(p)).url;
        const made = await this.makeAssertion(p, aud, discovery, overrides);
        fill.set('client_assertion', made.jwt);
        // RFC 7521 §4.2 makes client_id optional beside an assertion; some servers require it.
        if (p.auth.sendClientId && p.clientId) params.push(['client_id', p.clientId]);
        params.push(
          ['client_assertion_type', CLIENT_ASSERTION_TYPE],
          ['client_assertion', '{{client_assertion}}'],
        );
        return {
          headers,
          params,
          fill,
          assertion: made.view,
          jwt: made.jwt,
          ...(made.signingKeyKid
            ? { signing: { kid: made.signingKeyKid, keyContext: made.keyContext } }
            : {}),
        };
      }
      case 'client_secret_basic': {
        const s = await this.needClientSecret(p);
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
        const basic = Buffer.from(`${formEncode(p.clientId)}:${formEncode(s)}`).toString('base64');
        fill.set('client_secret_basic', basic);
        headers.push(['authorization', 'Basic {{client_secret_basic}}']);
        break;
      }
      case 'client_secret_post':
        fill.set('client_secret', await this.needClientSecret(p));
        params.push(['client_id', p.clientId], ['client_secret', '{{client_secret}}']);
        break;
      case 'none':
        params.push(['client_id', p.clientId]);
        break;
    }
    return { headers, params, fill };
  }

  /** Builds and keeps a token request for a grant; secret values stay in the draft's fill map. */
  private async prepareDraft(
    p: StoredProfile,
    grant: GrantType,
    opts: { overrides?: AssertionOverrides; refreshToken?: string } = {},
  ): Promise<{ view: TokenRequestDraft; draft: Draft }> {
    const { url, discovery } = await this.tokenEndpointFor(p);
    const params: [string, string][] = [['grant_type', grant]];
    const fill = new Map<string, string>();
    const notes: Finding[] = [];
    let pending: PendingCode | undefined;
    let refreshToken: string | undefined;
    switch (grant) {
      case 'client_credentials':
        if (p.scope) params.push(['scope', p.scope]);
        break;
      case 'authorization_code':
        pending = this.pendingCodes.get(p.id);
        if (!pending)
          throw new AppFailure(
            'NOT_FOUND',
            'No authorization code has been received for this profile.',
            'Authorize first (Authorize step).',
          );
        // RFC 6749 §4.1.3: redirect_uri exactly as in the authorize request.
        params.push(['code', '{{code}}'], ['redirect_uri', pending.redirectUri]);
        fill.set('code', pending.code);
        if (pending.codeVerifier !== undefined) {
          params.push(['code_verifier', '{{code_verifier}}']);
          fill.set('code_verifier', pending.codeVerifier);
        }
        if (pending.redeemed)
          notes.push(
            finding(
              'CODE_INVALID',
              'This authorization code was already sent in a token request; the server will refuse it a second time.',
              {
                severity: 'warning',
                title: 'Authorization code already used',
                fix: 'Authorize again to get a new code.',
              },
            ),
          );
        break;
      case 'refresh_token':
        refreshToken = opts.refreshToken ?? this.heldFor(p.id)?.refreshToken;
        if (!refreshToken)
          throw new AppFailure(
            'NOT_FOUND',
            'No refresh token is held for this profile.',
            'Use "Refresh" to see why none was issued, or authorize again asking for offline_access.',
          );
        // No scope: the new tokens keep the granted scope (RFC 6749 §6); add one only to narrow it.
        params.push(['refresh_token', '{{refresh_token}}']);
        fill.set('refresh_token', refreshToken);
        break;
      case 'password': {
        if (!p.username)
          throw new AppFailure(
            'INVALID_INPUT',
            'The profile has no username for the password grant.',
            'Enter the username in the Profile step.',
          );
        const password = await this.profileSecretValue(p.id, 'password');
        if (!password)
          throw new AppFailure(
            'SECRET_UNAVAILABLE',
            'The profile has no password stored.',
            'Enter the password in the Profile step (it is kept with the other secrets).',
          );
        params.push(['username', p.username], ['password', '{{password}}']);
        fill.set('password', password);
        if (p.scope) params.push(['scope', p.scope]);
        notes.push(
          finding(
            'GRANT_INSECURE',
            `grant_type=password hands the password of ${p.username} to this client; RFC 9700 §2.4 says it MUST NOT be used.`,
          ),
        );
        break;
      }
    }
    const auth = await this.clientAuth(p, url, discovery, opts.overrides);
    for (const [k, v] of auth.fill) fill.set(k, v);
    params.push(...auth.params);
    const headers: HeaderList = [
      ['content-type', 'application/x-www-form-urlencoded'],
      ['accept', 'application/json'],
      ...auth.headers,
    ];
    const draft: Draft = {
      id: randomUUID(),
      profileId: p.id,
      grant,
      url,
      headers,
      params,
      fill,
      ...(auth.assertion ? { assertion: auth.assertion } : {}),
      ...(auth.signing ? { signing: auth.signing } : {}),
      ...(pending ? { pending } : {}),
    };
    this.drafts.set(draft.id, draft);
    const lint = [
      ...notes,
      ...(auth.assertion?.lint ?? []),
      ...lintTokenRequest({ params, headers, authMethod: p.auth.method, grant }),
    ];
    const preflight = rankFindings([
      ...lint,
      ...vendorPreflight({
        url,
        headers,
        params,
        preflight: lint,
        vendor: this.vendorAttempt(p, grant, discovery, auth.assertion),
      }),
    ]);
    return {
      draft,
      view: {
        id: draft.id,
        grant,
        method: 'POST',
        url,
        headers,
        params,
        preflight,
        ...(auth.assertion ? { assertion: auth.assertion } : {}),
      },
    };
  }

  sendTokenRequest(input: Parameters<DebuggerApi['sendTokenRequest']>[0]) {
    return guard(async (): Promise<TokenResult> => {
      const draft = this.drafts.get(input.draftId);
      if (!draft)
        throw new AppFailure(
          'NOT_FOUND',
          'This prepared request is gone (the app restarted or it was already replaced).',
          'Press "Prepare request" again.',
        );
      return this.sendDraft(draft, input.edits, false);
    });
  }

  /** What the vendor rules (shared/vendor-rules.ts) need to know about the profile and run. */
  /**
   * A SMART profile: a FHIR base, a SMART preset, or a smart-configuration found. SMART's rules
   * (assertion kid/typ/jti and 5-minute exp, token lifetimes, scope in the answer) apply only then.
   */
  private smartProfile(p: StoredProfile, discovery?: DiscoveryResult): boolean {
    return (
      !!p.fhirBaseUrl ||
      !!getPreset(p.vendor)?.smart ||
      !!discovery?.documents.some((d) => d.kind === 'smart-configuration' && d.ok)
    );
  }

  private vendorAttempt(
    p: StoredProfile,
    grant: GrantType,
    discovery: DiscoveryResult | undefined,
    assertion: { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined,
  ): VendorAttempt {
    return {
      profile: {
        ...(p.vendor ? { vendor: p.vendor } : {}),
        authMethod: p.auth.method,
        ...(p.auth.alg ? { alg: p.auth.alg } : {}),
        ...(p.clientId ? { clientId: p.clientId } : {}),
        ...(p.jwksUri ? { jwksUri: p.jwksUri } : {}),
        ...(p.issuer ? { issuer: p.issuer } : {}),
      },
      grant,
      ...(assertion ? { assertion: { header: assertion.header, claims: assertion.claims } } : {}),
      ...(discovery
        ? {
            discovery: {
              ...(discovery.tokenEndpoint ? { tokenEndpoint: discovery.tokenEndpoint } : {}),
              ...(discovery.issuer ? { issuer: discovery.issuer } : {}),
              ...(discovery.signingAlgs ? { signingAlgs: discovery.signingAlgs } : {}),
            },
          }
        : {}),
      earlier: [...this.tokenHistory],
    };
  }

  /** Sends a draft (with the user's edits), diagnoses the answer and updates the held tokens. */
  private async sendDraft(
    draft: Draft,
    edits: TokenRequestEdits | undefined,
    automatic: boolean,
  ): Promise<TokenResult> {
    const p = this.mustProfile(draft.profileId);
    const discovery = this.discovery.get(p.id);
    const grant = draft.grant;
    const url = edits?.url ?? draft.url;
    const fillIn = (s: string) =>
      s.replace(/\{\{(\w+)\}\}/g, (m, name: string) => draft.fill.get(name) ?? m);
    const headers: HeaderList = (edits?.headers ?? draft.headers).map(([n, v]) => [n, fillIn(v)]);
    const params: [string, string][] = (edits?.params ?? draft.params).map(([n, v]) => [
      n,
      fillIn(v),
    ]);
    const get = (k: string) => params.find(([n]) => n === k)?.[1];
    const body = new URLSearchParams(params).toString();
    const secrets: SecretMap = new Map([...draft.fill].map(([name, v]) => [v, `{{${name}}}`]));
    // A value typed into the draft in place of a placeholder is just as secret.
    for (const k of ['code', 'code_verifier', 'refresh_token', 'password', 'client_secret']) {
      const v = get(k);
      if (v && !secrets.has(v)) secrets.set(v, `{{${k}}}`);
    }

    // Lint what is actually sent: the assertion may have been edited or moved to a header.
    const now = this.nowSec;
    const sentJwt =
      get('client_assertion') ??
      /^bearer\s+(\S+)/i.exec(
        headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1] ?? '',
      )?.[1];
    const preflight: Finding[] = lintTokenRequest({
      params,
      headers,
      authMethod: p.auth.method,
      grant,
      url,
    });
    if (grant === 'password')
      preflight.push(
        finding('GRANT_INSECURE', 'grant_type=password sends the user password to the client.'),
      );
    let jti: string | undefined;
    let sentAssertion:
      { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined;
    if (sentJwt && looksLikeJwt(sentJwt)) {
      const d = decodeForDisplay(sentJwt);
      sentAssertion = d;
      jti = typeof d.claims.jti === 'string' ? d.claims.jti : undefined;
      const hmac = p.auth.method === 'client_secret_jwt';
      // The registered JWKS was fetched when the request was prepared; it is not fetched again.
      const keyContext: KeyContext = hmac
        ? { lintInput: {}, findings: [] }
        : (draft.signing?.keyContext ?? (await this.clientKeyContext(p)));
      preflight.push(...keyContext.findings);
      preflight.push(
        ...lintAssertion({
          header: d.header,
          claims: d.claims,
          tokenUrl: url,
          clientId: p.clientId,
          ...(discovery?.signingAlgs ? { acceptedAlgs: discovery.signingAlgs } : {}),
          ...keyContext.lintInput,
          now,
          sentJtis: this.sentJtis,
          smart: this.smartProfile(p, discovery),
          ...(draft.signing ? { signingKeyKid: draft.signing.kid } : {}),
          ...(hmac ? { hmac } : {}),
        }),
      );
    }
    const vendor = this.vendorAttempt(p, grant, discovery, sentAssertion);
    preflight.push(...vendorPreflight({ url, headers, params, preflight, vendor }));
    const wasRedeemed = draft.pending?.redeemed ?? false;
    const { exchange, raw } = await this.http.send(
      { method: 'POST', url, headers, body },
      {
        step: grant === 'refresh_token' ? 'Refresh' : 'Token request',
        secrets,
        ...(p.tls ? { tls: p.tls } : {}),
        ...this.ports.http,
      },
    );
    if (draft.pending) draft.pending.redeemed = true;
    if (jti) this.sentJtis.add(jti);
    if (sentJwt) this.lastAssertion = sentJwt;
    // What the engine knows about this grant (the authorization, earlier uses of the refresh
    // token) joins the checks; the one diagnosis ranks them with the server's words.
    const answer = raw
      ? readAnswer({ status: raw.status, headers: raw.headers, body: raw.body })
      : undefined;
    const said = answer?.statement.said ?? 'no answer';
    const error = answer?.statement.error;
    const answeredOk =
      !!raw &&
      raw.status >= 200 &&
      raw.status < 300 &&
      typeof answer?.statement.json?.access_token === 'string';
    const sentRefresh = grant === 'refresh_token' ? get('refresh_token') : undefined;
    const specific: Finding[] = [];
    if (raw) {
      if (draft.pending)
        specific.push(
          ...codeExchangeFindings({
            pending: draft.pending,
            wasRedeemed,
            sent: params,
            ok: answeredOk,
            ...(error ? { error } : {}),
            said,
          }),
        );
      if (!answeredOk && sentRefresh) {
        const rotatedAwayAt = this.usedRefreshTokens.get(sentRefresh);
        const revokedAt = this.revokedValues.get(sentRefresh);
        specific.push(
          ...refreshFailureFindings({
            ...(error ? { error } : {}),
            said,
            ...(rotatedAwayAt ? { rotatedAwayAt } : {}),
            ...(revokedAt ? { revokedAt } : {}),
          }),
        );
      }
      if (!answeredOk) specific.push(...grantRefusalFindings(grant, error, said));
    }
    // What was compared with the authorization and found fine is no candidate cause.
    const ruledOut: CauseCode[] = [];
    if (draft.pending) {
      if (get('redirect_uri') === draft.pending.redirectUri) ruledOut.push('REDIRECT_URI_MISMATCH');
      if (
        draft.pending.codeVerifier === undefined ||
        get('code_verifier') === draft.pending.codeVerifier
      )
        ruledOut.push('PKCE_MISMATCH');
    }
    const diag = diagnose({
      endpoint: 'token',
      url,
      ruledOut,
      headers,
      params,
      authMethod: p.auth.method,
      grant,
      ...(sentAssertion ? { assertion: sentAssertion } : {}),
      findings: [...preflight, ...specific],
      ...(p.server ? { server: p.server } : {}),
      ...(discovery?.tokenEndpoint ? { discoveredTokenEndpoint: discovery.tokenEndpoint } : {}),
      localNow: now,
      ...(exchange.error && !raw ? { transportError: exchange.error } : {}),
      ...(raw ? { response: { status: raw.status, headers: raw.headers, body: raw.body } } : {}),
      vendor,
    });
    this.tokenHistory.push({ url, ok: diag.ok, ...(p.clientId ? { clientId: p.clientId } : {}) });
    if (this.tokenHistory.length > 100) this.tokenHistory.shift();
    const json = diag.statement.json;
    collectResponseSecrets(json, secrets);
    const result: TokenResult = {
      grant,
      ok: diag.ok,
      exchangeId: exchange.id,
      receivedAt: new Date(this.ports.clock.now()).toISOString(),
      findings: diag.findings,
      ...(raw ? { status: raw.status } : {}),
      ...(json ? { body: maskTokens(json) } : {}),
      ...(diag.parsed?.prefix ? { nonJsonPrefix: diag.parsed.prefix } : {}),
    };
    const accepted =
      diag.ok && json && raw ? await this.acceptTokens(p, draft, json, raw, params, result) : false;
    if (grant === 'refresh_token' && this.tokens?.profileId === p.id) {
      const record: RefreshRecord = {
        at: result.receivedAt,
        ok: result.ok,
        automatic,
        exchangeId: result.exchangeId,
        rotated: !!result.refreshToken?.rotated,
        ...(sentRefresh ? { previousMasked: maskSecret(sentRefresh) } : {}),
        ...(result.refreshToken?.rotated && result.refreshToken.masked
          ? { newMasked: result.refreshToken.masked }
          : {}),
        findings: result.findings,
      };
      this.tokens.refreshes = [...this.tokens.refreshes, record];
    }
    if (accepted) this.armAutoRefresh();
    if (accepted || grant === 'refresh_token') this.emitTokens();
    return result;
  }

  /** A successful token response becomes the held token set (memory only); fills in the result. */
  private async acceptTokens(
    p: StoredProfile,
    draft: Draft,
    json: Record<string, unknown>,
    raw: { headers: HeaderList },
    params: [string, string][],
    result: TokenResult,
  ): Promise<boolean> {
    const grant = draft.grant;
    const prev = this.heldFor(p.id);
    const get = (k: string) => params.find(([n]) => n === k)?.[1];
    const requested =
      get('scope') ??
      (grant === 'refresh_token'
        ? (prev?.grantedScope ?? prev?.requestedScope ?? '')
        : grant === 'authorization_code'
          ? p.scope
          : '');
    const granted = typeof json.scope === 'string' ? json.scope : undefined;
    result.tokenType = String(json.token_type ?? '');
    if (typeof json.expires_in === 'number') result.expiresIn = json.expires_in;
    result.scopeDiff = scopeDiff(requested, granted);
    const extra = lintTokenResponse(json, raw.headers, grant, this.smartProfile(p));
    const accessToken = String(json.access_token);
    const idToken = typeof json.id_token === 'string' && json.id_token ? json.id_token : undefined;
    const issued =
      typeof json.refresh_token === 'string' && json.refresh_token ? json.refresh_token : undefined;
    // Some servers (oidc-provider without prompt=consent) issue a refresh token but leave
    // offline_access out of the granted scope: that is offline access granted, not narrowed.
    const offline = ['offline_access', 'online_access'];
    const silentOffline = issued ? result.scopeDiff.missing.filter((s) => offline.includes(s)) : [];
    const narrowed = result.scopeDiff.missing.filter((s) => !silentOffline.includes(s));
    if (narrowed.length)
      extra.push(
        finding(
          'SCOPE_NARROWED',
          `Requested ${narrowed.join(' ')} but it was not granted (granted: ${granted ?? '(none)'}).`,
        ),
      );
    if (silentOffline.length)
      extra.push(
        finding(
          'SCOPE_NARROWED',
          `${silentOffline.join(' ')} is not in the granted scope, but a refresh token was issued: the server grants offline access without listing the scope.`,
          {
            severity: 'info',
            title: `${silentOffline.join(' ')} granted implicitly`,
            fix: 'Nothing to fix; the refresh token shows the access was granted.',
          },
        ),
      );
    const sentRefresh = grant === 'refresh_token' ? get('refresh_token') : undefined;
    const discovery = this.discovery.get(p.id);
    const jwksUri = discovery?.jwksUri;
    const issuer = draft.pending?.issuer ?? prev?.issuer ?? discovery?.issuer ?? p.issuer;
    const nonce = draft.pending
      ? draft.pending.nonce
      : grant === 'refresh_token'
        ? prev?.nonce
        : undefined;
    const receivedAt = this.ports.clock.now();
    const timing = {
      receivedAt,
      ...(result.expiresIn !== undefined ? { expiresIn: result.expiresIn } : {}),
      ...(p.tls ? { tls: p.tls } : {}),
    };
    const accessView = await this.tokenView(accessToken, { jwksUrl: jwksUri }, timing);
    const idView = idToken
      ? await this.checkIdToken(idToken, p, {
          ...(issuer ? { issuer } : {}),
          ...(nonce !== undefined ? { nonce } : {}),
          refreshed: grant === 'refresh_token',
          accessToken,
          ...(jwksUri ? { jwksUri } : {}),
        })
      : undefined;
    const launchContext = launchContextOf(json, idView?.decoded?.claims);
    const notIssued =
      grant === 'authorization_code' || grant === 'password'
        ? refreshNotIssuedFinding(requested, granted)
        : undefined;
    if (!issued && notIssued) extra.push(notIssued);
    result.refreshToken = refreshTokenInfo(
      grant,
      issued,
      sentRefresh,
      notIssued?.evidence ??
        'client_credentials responses carry none (SMART backend services get a new token instead).',
    );
    if (grant === 'refresh_token' && sentRefresh && issued && issued !== sentRefresh)
      this.usedRefreshTokens.set(sentRefresh, new Date(receivedAt).toISOString());
    const refreshToken = issued ?? sentRefresh;
    this.tokens = {
      ...timing,
      profileId: p.id,
      grant,
      accessToken,
      ...(idToken ? { idToken } : {}),
      ...(refreshToken ? { refreshToken } : {}),
      requestedScope: requested,
      ...(granted !== undefined ? { grantedScope: granted } : {}),
      ...(launchContext ? { launchContext } : {}),
      ...(jwksUri ? { jwksUri } : {}),
      ...(issuer ? { issuer } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
      accessView,
      ...(idView ? { idView } : {}),
      refreshes: grant === 'refresh_token' ? [...(prev?.refreshes ?? [])] : [],
      revoked: [],
    };
    result.accessToken = accessView;
    if (idView) result.idToken = idView;
    if (launchContext) result.launchContext = launchContext;
    // OIDC Core 3.1.3.7: a client must reject a response whose id_token fails validation.
    const idFindings = idView?.findings ?? [];
    if (idFindings.some((f) => f.severity === 'error')) result.ok = false;
    result.findings = rankFindings([...idFindings, ...result.findings, ...extra]);
    return true;
  }

  /** Validates an id_token against the server JWKS (fetched once per session, refetched for a new kid). */
  private async checkIdToken(
    idToken: string,
    p: StoredProfile,
    x: {
      issuer?: string;
      nonce?: string;
      refreshed: boolean;
      accessToken: string;
      jwksUri?: string;
    },
  ): Promise<TokenView> {
    const findings: Finding[] = [];
    let kid: string | undefined;
    try {
      const k = decodeForDisplay(idToken).header.kid;
      if (typeof k === 'string') kid = k;
    } catch {
      // Malformed: idTokenView reports it.
    }
    const jwks = x.jwksUri
      ? await this.loadJwks(
          { jwksUrl: x.jwksUri, cache: true, ...(kid ? { wantKid: kid } : {}) },
          'Tokens',
          findings,
          p.tls,
        )
      : undefined;
    const view = await idTokenView(idToken, {
      clientId: p.clientId,
      ...(x.issuer ? { issuer: x.issuer } : {}),
      ...(x.nonce !== undefined ? { nonce: x.nonce } : {}),
      refreshed: x.refreshed,
      accessToken: x.accessToken,
      now: this.nowSec,
      ...(jwks ? { jwks } : {}),
      ...(x.jwksUri ? { jwksUrl: x.jwksUri } : {}),
    });
    return findings.length
      ? { ...view, findings: rankFindings([...view.findings, ...findings]) }
      : view;
  }

  // --- Tokens -------------------------------------------------------------

  private async tokenView(
    token: string,
    src: { jwksUrl?: string | undefined; jwks?: string | undefined },
    current?: { receivedAt: number; expiresIn?: number; tls?: TlsOptions },
  ): Promise<TokenView> {
    const now = this.nowSec;
    const findings: Finding[] = [];
    const base = { kind: 'access_token' as const, masked: maskSecret(token), length: token.length };
    let expiresAt: string | undefined;
    if (current?.expiresIn !== undefined)
      expiresAt = new Date(current.receivedAt + current.expiresIn * 1000).toISOString();
    if (!looksLikeJwt(token)) {
      // Something JWT-shaped that does not decode is a copy/paste error, not an opaque token.
      if (/^eyJ/.test(token) || token.split('.').length === 3) decodeForDisplay(token);
      return {
        ...base,
        format: 'opaque',
        explained: [],
        verification: {
          status: 'unchecked',
          message: 'Opaque token: only the server can read it (use introspection).',
        },
        ...(expiresAt ? { expiresAt } : {}),
        findings,
      };
    }
    const decoded = decodeForDisplay(token);
    if (typeof decoded.claims.exp === 'number') {
      expiresAt = new Date(decoded.claims.exp * 1000).toISOString();
      if (decoded.claims.exp <= now)
        findings.push(
          finding(
            'TOKEN_EXPIRED',
            `exp ${expiresAt} is ${now - decoded.claims.exp} s in the past.`,
          ),
        );
    }
    let verification: Verification = {
      status: 'unchecked',
      message: 'No JWKS URL known: signature not checked.',
    };
    if (decoded.header.alg === 'none')
      verification = {
        status: 'unsigned',
        message: 'alg "none": the token is unsigned and must not be trusted.',
      };
    else {
      const wantKid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
      const jwks = await this.loadJwks(
        {
          ...(src.jwks ? { jwks: src.jwks } : {}),
          ...(src.jwksUrl ? { jwksUrl: src.jwksUrl, cache: true } : {}),
          ...(wantKid ? { wantKid } : {}),
        },
        'Tokens',
        findings,
        current?.tls,
      );
      if (jwks) {
        verification = await verifyWith(token, jwks, src.jwksUrl);
        if (verification.status === 'failed')
          findings.push(finding('TOKEN_SIGNATURE_INVALID', verification.message));
      }
    }
    return {
      ...base,
      format: 'jwt',
      decoded,
      explained: explainClaims(decoded.claims, now),
      verification,
      ...(expiresAt ? { expiresAt } : {}),
      findings: rankFindings(findings),
    };
  }

  decodeToken(input: { token?: string; jwksUrl?: string; jwks?: string }) {
    return guard(async () => {
      if (input.token) return this.tokenView(input.token.trim(), input);
      if (!this.tokens)
        throw new AppFailure(
          'NOT_FOUND',
          'No access token yet.',
          'Send a token request first, or paste a token to decode.',
        );
      return this.tokenView(
        this.tokens.accessToken,
        { jwksUrl: input.jwksUrl ?? this.tokens.jwksUri, jwks: input.jwks },
        this.tokens,
      );
    });
  }

  revealSecret(input: Parameters<DebuggerApi['revealSecret']>[0]) {
    return guard(async () => {
      const t = this.tokens;
      const value =
        input.kind === 'access_token'
          ? t?.accessToken
          : input.kind === 'id_token'
            ? t?.idToken
            : input.kind === 'refresh_token'
              ? t?.refreshToken
              : this.lastAssertion;
      if (!value)
        throw new AppFailure(
          'NOT_FOUND',
          `No ${input.kind.replace('_', ' ')} in this session yet.`,
        );
      return { value };
    });
  }

  // --- Resource request ---------------------------------------------------

  callResource(input: Parameters<DebuggerApi['callResource']>[0]) {
    return guard(async (): Promise<ResourceResult> => {
      const p = this.mustProfile(input.profileId);
      if (!p.fhirBaseUrl)
        throw new AppFailure(
          'INVALID_INPUT',
          'The profile has no FHIR base URL.',
          'Enter the FHIR base URL in the Profile step.',
        );
      if (!this.tokens)
        throw new AppFailure(
          'NOT_FOUND',
          'No access token yet.',
          'Get a token in the Token request step first.',
        );
      const which = input.token ?? 'access_token';
      const path = input.path.trim().replace(/^\/+/, '') || 'metadata';
      const url = /^https?:\/\//.test(path) ? path : `${p.fhirBaseUrl.replace(/\/+$/, '')}/${path}`;
      const first = await this.resourceOnce(p, url, which);
      const held = this.tokens;
      if (
        first.status === 401 &&
        which === 'access_token' &&
        input.refreshOnExpiry &&
        held?.refreshToken &&
        this.isExpired(held)
      ) {
        const refreshed = await this.refreshOnce(p, undefined, false);
        if (!refreshed.ok)
          return { ...first, findings: rankFindings([...first.findings, ...refreshed.findings]) };
        return { ...(await this.resourceOnce(p, url, which)), retriedAfterRefresh: true };
      }
      return first;
    });
  }

  private isExpired(h: HeldTokens): boolean {
    const at = accessExpiresAt(h);
    return at !== undefined && this.ports.clock.now() >= at;
  }

  /** One resource call with the held access token or id_token. */
  private async resourceOnce(
    p: StoredProfile,
    url: string,
    which: 'access_token' | 'id_token',
  ): Promise<ResourceResult> {
    const held = this.tokens!;
    const token = which === 'id_token' ? held.idToken : held.accessToken;
    if (!token)
      throw new AppFailure(
        'NOT_FOUND',
        'No id_token is held.',
        'Authorize with the openid scope to get an id_token, or send the access token.',
      );
    const secrets: SecretMap = new Map([[token, `{{${which}}}`]]);
    const { exchange, raw } = await this.http.send(
      {
        method: 'GET',
        url,
        headers: [
          ['accept', 'application/fhir+json, application/json'],
          ['authorization', `Bearer ${token}`],
        ],
      },
      { step: 'Resource request', secrets, ...(p.tls ? { tls: p.tls } : {}), ...this.ports.http },
    );
    const resourceVendor = {
      profile: {
        ...(p.vendor ? { vendor: p.vendor } : {}),
        authMethod: p.auth.method,
        ...(p.clientId ? { clientId: p.clientId } : {}),
      },
      earlier: [],
    };
    if (!raw) {
      return {
        ok: false,
        exchangeId: exchange.id,
        headers: [],
        body: '',
        tokenUsed: which,
        findings: diagnose({
          endpoint: 'resource',
          url,
          ...(exchange.error ? { transportError: exchange.error } : {}),
        }).findings,
      };
    }
    const status = raw.status;
    const expiresAt =
      which === 'id_token'
        ? held.idView?.expiresAt
          ? Date.parse(held.idView.expiresAt)
          : undefined
        : accessExpiresAt(held);
    const nowMs = this.ports.clock.now();
    const expired = expiresAt !== undefined && nowMs >= expiresAt;
    // What this session knows of the token joins the server's answer in the one diagnosis.
    const known: Finding[] = [];
    if (status === 401) {
      if (expired)
        known.push(
          finding(
            'TOKEN_EXPIRED',
            `The ${which.replace('_', ' ')} expired at ${new Date(expiresAt!).toISOString()}.`,
          ),
        );
      else if (held.revoked.includes(which as TokenKind))
        known.push(
          finding('TOKEN_INACTIVE', `The ${which.replace('_', ' ')} was revoked in this session.`, {
            basis: 'history',
            title: 'The token was revoked',
          }),
        );
      else if (which === 'id_token')
        known.push(
          finding(
            'TOKEN_AUDIENCE_MISMATCH',
            'An id_token was sent: it is addressed to the client (aud = client_id), not to the resource server; most servers accept only access tokens.',
            { severity: 'error', fix: 'Send the access token to the resource server.' },
          ),
        );
    }
    const revokedAt = this.revokedValues.get(token);
    const diag = diagnose({
      endpoint: 'resource',
      url,
      headers: [['authorization', `Bearer {{${which}}}`]],
      response: { status, headers: raw.headers, body: raw.body },
      findings: known,
      ...(p.server ? { server: p.server } : {}),
      vendor: resourceVendor,
      resource: {
        ...(held.grantedScope ? { grantedScope: held.grantedScope } : {}),
        ...(revokedAt ? { revokedAt } : {}),
        ...(expiresAt !== undefined ? { expiresAt: Math.floor(expiresAt / 1000) } : {}),
        at: Math.floor(nowMs / 1000),
      },
    });
    const findings = diag.findings;
    const parsed = parseBodyTolerantly(raw.body);
    return {
      ok: status >= 200 && status < 300,
      exchangeId: exchange.id,
      status,
      headers: exchange.response!.headers,
      body: exchange.response!.body,
      ...(parsed.json ? { pretty: JSON.stringify(parsed.json, null, 2) } : {}),
      tokenUsed: which,
      findings,
    };
  }

  // --- Registration (RFC 7591 / 7592) ---------------------------------------

  prepareRegistration(input: { profileId: string }) {
    return guard(() => this.registrations.prepare(input.profileId));
  }
  sendRegistration(input: { profileId: string; body: string; url?: string }) {
    return guard(() => this.registrations.send(input));
  }
  manageRegistration(input: Parameters<DebuggerApi['manageRegistration']>[0]) {
    return guard(() => this.registrations.manage(input));
  }

  // --- Authorization code (front half: authorize URL, loopback listener, callback checks) ---

  startAuthorization(input: Parameters<DebuggerApi['startAuthorization']>[0]) {
    return guard(() => this.authz.start(input));
  }
  completeAuthorization(input: { flowId: string; redirectUrl: string }) {
    return guard(() => this.authz.complete(input));
  }
  cancelAuthorization(input: { flowId: string }) {
    return guard(() => this.authz.cancel(input.flowId));
  }
  getAuthorization(input: { flowId: string }) {
    return guard(async () => this.authz.get(input.flowId));
  }
  /** Resolves when the flow ends (CLI); rejects with AppFailure for an unknown flow. */
  waitForAuthorization(flowId: string): Promise<AuthorizationFlowView> {
    return this.authz.wait(flowId);
  }
  /** A custom-scheme redirect from the OS: completes the waiting flow whose state it carries. */
  completeAuthorizationFromRedirect(redirectUrl: string) {
    return guard(() => this.authz.completeFromRedirect(redirectUrl));
  }

  // --- JWKS hosting ---------------------------------------------------------

  /** The profile's key (engine key or key file), or undefined. */
  private async profileKey(p: StoredProfile): Promise<EngineKey | undefined> {
    await this.loaded;
    if (p.auth.keyId) return this.keys.get(p.auth.keyId);
    if (p.auth.privateKeyPath) return this.signingKey(p);
    return undefined;
  }

  hostJwks(input: Parameters<DebuggerApi['hostJwks']>[0]) {
    return guard(async () => {
      await this.loaded;
      let keys: EngineKey[];
      if (input.keyIds?.length) keys = input.keyIds.map((id) => this.mustKey(id));
      else if (input.profileId) {
        const k = await this.profileKey(this.mustProfile(input.profileId));
        if (!k)
          throw new AppFailure(
            'KEY_INVALID',
            'The profile has no key to publish.',
            'Choose a key in the profile (Keys step) or set auth.privateKeyPath.',
          );
        keys = [k];
      } else keys = [...this.keys.values()];
      return this.jwksHost.start(keys, input.port ?? 0);
    });
  }
  stopJwksHost() {
    return guard(async () => ({ stopped: await this.jwksHost.stop() }));
  }
  getJwksHost() {
    return guard(async () => ({ host: this.jwksHost.view() }));
  }

  // --- Tokens over time: the held set, refresh, introspection, revocation, userinfo, logout ---
  // Tokens live in engine memory only (HeldTokens): nothing here is persisted or exported.

  private heldFor(profileId: string): HeldTokens | undefined {
    return this.tokens?.profileId === profileId ? this.tokens : undefined;
  }

  private tokenSetSnapshot(): TokenSetView | null {
    const h = this.tokens;
    if (!h) return null;
    const on = this.auto.enabled && this.auto.profileId === h.profileId;
    return tokenSetView(h, {
      enabled: on,
      ...(on && this.auto.nextAt !== undefined
        ? { nextAt: new Date(this.auto.nextAt).toISOString() }
        : {}),
    });
  }

  private emitTokens() {
    this.ports.events.emit('tokens', this.tokenSetSnapshot());
  }

  private stopAutoRefresh() {
    if (this.auto.timer) clearTimeout(this.auto.timer);
    delete this.auto.timer;
    delete this.auto.nextAt;
  }

  /** Arms the refresh timer for the held tokens: ~30 s before expiry, or at 80% of a short life. */
  private armAutoRefresh() {
    this.stopAutoRefresh();
    const h = this.tokens;
    if (!this.auto.enabled || !h || h.profileId !== this.auto.profileId) return;
    if (!h.refreshToken || h.revoked.length) return;
    const expiresAt = accessExpiresAt(h);
    if (expiresAt === undefined) return;
    const at = autoRefreshAt(h.receivedAt, expiresAt);
    const delay = Math.min(Math.max(0, at - this.ports.clock.now()), 2 ** 31 - 1);
    const timer = setTimeout(() => void this.autoRefreshNow(h.profileId), delay);
    // The timer never keeps a CLI or test process alive.
    timer.unref();
    this.auto.timer = timer;
    this.auto.nextAt = at;
  }

  private async autoRefreshNow(profileId: string) {
    delete this.auto.timer;
    delete this.auto.nextAt;
    try {
      // Success replaces the set and re-arms the timer; a refused refresh is recorded and not retried.
      await this.refreshOnce(this.mustProfile(profileId), undefined, true);
    } catch {
      // The refresh could not even be prepared (profile or secret gone): no next time is shown.
      this.emitTokens();
    }
  }

  /** One refresh per profile at a time: a manual refresh during an automatic one joins it. */
  private refreshOnce(
    p: StoredProfile,
    refreshToken: string | undefined,
    automatic: boolean,
  ): Promise<TokenResult> {
    if (this.refreshing?.profileId === p.id && !refreshToken) return this.refreshing.promise;
    const run = async () => {
      const { draft } = await this.prepareDraft(
        p,
        'refresh_token',
        refreshToken ? { refreshToken } : {},
      );
      try {
        return await this.sendDraft(draft, undefined, automatic);
      } finally {
        this.drafts.delete(draft.id);
      }
    };
    const promise = run().finally(() => {
      if (this.refreshing?.promise === promise) this.refreshing = undefined;
    });
    this.refreshing = { profileId: p.id, promise };
    return promise;
  }

  /** Nothing to refresh with: REFRESH_NOT_ISSUED, and nothing is sent. */
  private noRefreshToken(p: StoredProfile): TokenResult {
    const held = this.heldFor(p.id);
    const f = held
      ? {
          ...refreshNotIssuedFinding(held.requestedScope, held.grantedScope),
          severity: 'error' as const,
        }
      : finding(
          'REFRESH_NOT_ISSUED',
          'No tokens are held for this profile in this session (tokens are kept in memory only, so a restart forgets them).',
          {
            fix: 'Authorize (asking for offline_access) to get a refresh token, or pass one to refresh with.',
          },
        );
    const evidence = held
      ? `The ${held.grant} response held for this profile had no refresh_token. ${f.evidence}`
      : f.evidence;
    return {
      grant: 'refresh_token',
      ok: false,
      exchangeId: '',
      receivedAt: new Date(this.ports.clock.now()).toISOString(),
      refreshToken: { issued: false, note: `Not issued: ${evidence}` },
      findings: [{ ...f, evidence }],
    };
  }

  getTokenSet() {
    return guard(async () => ({ tokens: this.tokenSetSnapshot() }));
  }

  refreshTokens(input: Parameters<DebuggerApi['refreshTokens']>[0]) {
    return guard(async (): Promise<TokenResult> => {
      const p = this.mustProfile(input.profileId);
      if (!input.refreshToken && !this.heldFor(p.id)?.refreshToken) return this.noRefreshToken(p);
      return this.refreshOnce(p, input.refreshToken, false);
    });
  }

  setAutoRefresh(input: Parameters<DebuggerApi['setAutoRefresh']>[0]) {
    return guard(async () => {
      this.mustProfile(input.profileId);
      this.stopAutoRefresh();
      this.auto = { enabled: input.enabled, profileId: input.profileId };
      this.armAutoRefresh();
      this.emitTokens();
      const nextAt = this.auto.nextAt;
      return {
        enabled: input.enabled,
        ...(nextAt !== undefined ? { nextAt: new Date(nextAt).toISOString() } : {}),
      };
    });
  }

  /** The held token of a kind, or NOT_FOUND with the fix. */
  private heldValue(profileId: string, which: 'access_token' | 'refresh_token'): string {
    const h = this.heldFor(profileId);
    const v = which === 'access_token' ? h?.accessToken : h?.refreshToken;
    if (!v)
      throw new AppFailure(
        'NOT_FOUND',
        `No ${which.replace('_', ' ')} is held for this profile.`,
        which === 'refresh_token'
          ? 'Get tokens with offline_access first (or pass the token to use).'
          : 'Get a token first (Token request step), or pass the token to use.',
      );
    return v;
  }

  /** What this session knows about a token (expired, revoked) to explain the server's answer. */
  private knownState(token: string): KnownState {
    const out: KnownState = {};
    const revokedAt = this.revokedValues.get(token);
    if (revokedAt) out.revokedAt = revokedAt;
    const h = this.tokens;
    if (h && token === h.accessToken && this.isExpired(h))
      out.expiredAt = new Date(accessExpiresAt(h)!).toISOString();
    return out;
  }

  private opContext(p: StoredProfile, discovery: DiscoveryResult | undefined): OpContext {
    return {
      http: this.http,
      sendOpts: { ...(p.tls ? { tls: p.tls } : {}), ...this.ports.http },
      authMethod: p.auth.method,
      nowSec: this.nowSec,
      ...(p.server ? { server: p.server } : {}),
      clientAuth: async () => {
        const a = await this.clientAuth(p, undefined, discovery);
        if (a.jwt) {
          this.lastAssertion = a.jwt;
          const jti = a.assertion?.claims.jti;
          if (typeof jti === 'string') this.sentJtis.add(jti);
        }
        return a;
      },
    };
  }

  introspectToken(input: Parameters<DebuggerApi['introspectToken']>[0]) {
    return guard(async () => {
      const p = this.mustProfile(input.profileId);
      const discovery = await this.discoveryFor(p).catch(() => undefined);
      const url = needEndpoint(
        p.introspectionEndpoint ?? discovery?.introspectionEndpoint,
        'introspectionEndpoint',
        'introspection_endpoint',
      );
      const token = input.token ?? this.heldValue(p.id, input.which);
      const bearer = input.bearer ?? (await this.profileSecretValue(p.id, 'introspectionToken'));
      return introspect(
        this.opContext(p, discovery),
        url,
        token,
        input.which,
        this.knownState(token),
        bearer,
      );
    });
  }

  revokeToken(input: Parameters<DebuggerApi['revokeToken']>[0]) {
    return guard(async () => {
      const p = this.mustProfile(input.profileId);
      const discovery = await this.discoveryFor(p).catch(() => undefined);
      const revocation = p.revocationEndpoint ?? discovery?.revocationEndpoint;
      const token = input.token ?? this.heldValue(p.id, input.which);
      if (!revocation && p.vendor === 'aidbox') {
        // Aidbox has no RFC 7009 endpoint: a token ends when its Session is closed (AB5 [AB-CCG]).
        if (input.which !== 'access_token')
          throw new AppFailure(
            'INVALID_INPUT',
            'Aidbox has no revocation endpoint: tokens end when their Session is closed.',
            'Revoke the access token: the debugger closes its Session (DELETE /Session).',
          );
        const session = needEndpoint(
          aidboxSessionUrl(p.fhirBaseUrl, p.tokenEndpoint ?? discovery?.tokenEndpoint),
          'fhirBaseUrl',
          'Aidbox base URL',
        );
        const r = await closeSession(this.opContext(p, discovery), session, token);
        if (r.ok) this.markRevoked(token);
        return r;
      }
      const url = needEndpoint(revocation, 'revocationEndpoint', 'revocation_endpoint');
      const r = await revoke(this.opContext(p, discovery), url, token, input.which);
      if (r.ok) this.markRevoked(token);
      return r;
    });
  }

  /** Marks a revoked token in the held set; automatic refresh stops with it. */
  private markRevoked(token: string) {
    this.revokedValues.set(token, new Date(this.ports.clock.now()).toISOString());
    const h = this.tokens;
    if (!h) return;
    const kinds: TokenKind[] = [];
    if (token === h.accessToken) kinds.push('access_token');
    if (token === h.refreshToken) kinds.push('refresh_token');
    if (!kinds.length) return;
    h.revoked = [...new Set([...h.revoked, ...kinds])];
    this.stopAutoRefresh();
    this.auto.enabled = false;
    this.emitTokens();
  }

  callUserinfo(input: Parameters<DebuggerApi['callUserinfo']>[0]) {
    return guard(async () => {
      const p = this.mustProfile(input.profileId);
      const discovery = await this.discoveryFor(p).catch(() => undefined);
      const url = needEndpoint(
        p.userinfoEndpoint ?? discovery?.userinfoEndpoint,
        'userinfoEndpoint',
        'userinfo_endpoint',
      );
      const token = input.token ?? this.heldValue(p.id, 'access_token');
      return userinfo(this.opContext(p, discovery), url, token, this.knownState(token));
    });
  }

  endSession(input: Parameters<DebuggerApi['endSession']>[0]) {
    return guard(async (): Promise<EndSessionResult> => {
      const p = this.mustProfile(input.profileId);
      const discovery = await this.discoveryFor(p).catch(() => undefined);
      if (!p.endSessionEndpoint && !discovery?.endSessionEndpoint && p.vendor === 'aidbox')
        throw new AppFailure(
          'INVALID_INPUT',
          'Aidbox has no end_session_endpoint, and forgetting the tokens here would leave them valid: each token stays valid until its Session is closed.',
          'Use Revoke on the access token: for Aidbox the debugger closes its Session (DELETE /Session).',
        );
      const endpoint = needEndpoint(
        p.endSessionEndpoint ?? discovery?.endSessionEndpoint,
        'endSessionEndpoint',
        'end_session_endpoint',
      );
      const clientId = p.clientId ? { clientId: p.clientId } : {};
      const browser = input.open ? this.ports.browser : undefined;
      const idToken = browser ? this.heldFor(p.id)?.idToken : undefined;
      let shown = endSessionUrl(endpoint, clientId).url;
      let opened = false;
      if (browser) {
        const withHint = endSessionUrl(endpoint, {
          ...clientId,
          ...(idToken ? { idTokenHint: idToken } : {}),
        });
        try {
          await browser.open(withHint.url);
          opened = true;
          shown = withHint.shown;
        } catch {
          // Not opened: the plain URL (no id_token in it) is shown for the user to open.
        }
      }
      // The tokens are forgotten locally whatever the server does with the logout.
      this.tokens = undefined;
      this.stopAutoRefresh();
      this.auto.enabled = false;
      this.emitTokens();
      return { url: shown, opened, cleared: true };
    });
  }

  // --- Timeline -----------------------------------------------------------

  listExchanges() {
    return guard(async () => [...this.http.exchanges]);
  }

  clearExchanges() {
    return guard(async () => ({ cleared: this.http.clear() }));
  }
}

/** Verifies a compact JWS against a JWKS with jose and says with which key. */
const localSets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

async function verifyWith(
  jwt: string,
  jwks: JSONWebKeySet,
  jwksUrl?: string,
): Promise<Verification> {
  const where = jwksUrl ? ` from ${jwksUrl}` : '';
  // An HMAC (HS*) signature is keyed with a secret the server holds: no JWKS has that key, so a
  // client cannot verify it. That is not a failed signature (RFC 7518 §3.2).
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(jwt).alg;
  } catch {
    alg = undefined;
  }
  if (typeof alg === 'string' && /^HS(256|384|512)$/.test(alg))
    return {
      status: 'unchecked',
      message: `Signed with ${alg}, an HMAC keyed with a secret the server holds: not verifiable by a client (a JWKS holds no such key). The server that issued it can check it (introspection).`,
    };
  try {
    // One key set per JWKS object: jose caches the imported keys inside it.
    let set = localSets.get(jwks);
    if (!set) localSets.set(jwks, (set = createLocalJWKSet(jwks)));
    let usedKid: string | undefined;
    await compactVerify(jwt, async (header, token) => {
      const key = await set(header, token);
      usedKid =
        header.kid ??
        jwks.keys.find((k) => k.kty === (header.alg.startsWith('ES') ? 'EC' : 'RSA'))?.kid;
      return key;
    });
    return {
      status: 'verified',
      message: `Signature verified with key ${usedKid ?? '(no kid)'}${where}.`,
      ...(usedKid ? { kid: usedKid } : {}),
      ...(jwksUrl ? { jwksUrl } : {}),
    };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg =
      code === 'ERR_JWKS_NO_MATCHING_KEY'
        ? `No key in the JWKS${where} matches this token's kid/alg.`
        : code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
          ? `Several keys in the JWKS${where} match; kids must be unique.`
          : code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
            ? `Signature does not verify with the matching key${where}.`
            : `Could not verify: ${(e as Error).message}.`;
    return { status: 'failed', message: msg, ...(jwksUrl ? { jwksUrl } : {}) };
  }
}

/**
 * The FHIR base and the issuer a target names, when it is given as a full well-known URL
 * (…/.well-known/smart-configuration, …/.well-known/openid-configuration, or the RFC 8414 form
 * {origin}/.well-known/oauth-authorization-server{path}).
 */
export function wellKnownBase(
  fhirBaseUrl: string | undefined,
  issuer: string | undefined,
): { fhirBaseUrl?: string; issuer?: string } {
  let fhir = fhirBaseUrl;
  let iss = issuer;
  for (const v of [fhirBaseUrl, issuer]) {
    if (!v) continue;
    const m =
      /^(.*?)\/\.well-known\/(smart-configuration|openid-configuration|oauth-authorization-server)(\/[^?#]*)?\/?$/.exec(
        v,
      );
    if (!m) continue;
    const base = m[1]!;
    if (m[2] === 'smart-configuration') {
      if (v === issuer) iss = undefined;
      fhir = base;
    } else {
      if (v === fhirBaseUrl) fhir = undefined;
      iss = m[2] === 'oauth-authorization-server' ? `${base}${m[3] ?? ''}` : base;
    }
  }
  return { ...(fhir ? { fhirBaseUrl: fhir } : {}), ...(iss ? { issuer: iss } : {}) };
}

/** The grant a profile's flow uses by default. */
function defaultGrant(p: StoredProfile): GrantType {
  const flow = effectiveFlow(p);
  return flow === 'authorization-code'
    ? 'authorization_code'
    : flow === 'password'
      ? 'password'
      : 'client_credentials';
}

/** The profile's alg when it names a signature algorithm (not an HMAC one). */
function asSigningAlg(alg: ProfileView['auth']['alg']): SigningAlg | undefined {
  return alg && (SIGNING_ALGS as readonly string[]).includes(alg) ? (alg as SigningAlg) : undefined;
}

function applyOverrides(target: Record<string, unknown>, over?: Record<string, unknown>) {
  if (!over) return;
  for (const [k, v] of Object.entries(over)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    if (v === null) delete target[k];
    else target[k] = v;
  }
}

function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Parses a profile file (JSON) into a ProfileInput, with errors that say which field. */
export function parseProfileFile(json: string): ProfileInput {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new AppFailure(
      'JSON_INVALID',
      `The profile is not valid JSON: ${(e as Error).message}.`,
      'Check the file against profile.schema.json.',
    );
  }
  const r = profileFileSchema.safeParse(raw);
  if (!r.success) {
    const msg = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new AppFailure(
      'PROFILE_INVALID',
      `The profile file is not valid: ${msg}.`,
      'Fix the fields named above; the format is documented in profile.schema.json.',
    );
  }
  const { $schema: _s, ...rest } = r.data;
  return rest as ProfileInput;
}
