import { createPublicKey, randomBytes, randomUUID, type JsonWebKey } from 'node:crypto';
import { CompactSign, compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { DebuggerApi } from '../../shared/api.js';
import {
  lintAssertion,
  lintTokenRequest,
  CLIENT_ASSERTION_TYPE,
} from '../../shared/assertion-lint.js';
import type { Finding } from '../../shared/diagnosis-codes.js';
import {
  diagnoseTokenResponse,
  lintTokenResponse,
  scopeDiff,
  transportFinding,
} from '../../shared/diagnose.js';
import {
  AS_FIELDS,
  SMART_FIELDS,
  checkFields,
  discoveryUrls,
} from '../../shared/discovery-rules.js';
import { finding, rankFindings } from '../../shared/findings.js';
import {
  decodeForDisplay,
  explainClaims,
  looksLikeJwt,
  maskJwtSignature,
  maskSecret,
} from '../../shared/jwt-view.js';
import { profileFileSchema } from '../../shared/profile-file.js';
import { collectResponseSecrets, type SecretMap } from '../../shared/redact.js';
import { AppFailure, err, ok, type Result } from '../../shared/result.js';
import { parseBodyTolerantly } from '../../shared/tolerant-json.js';
import type {
  AssertionOverrides,
  AssertionView,
  DiscoveryDocument,
  DiscoveryResult,
  HeaderList,
  InspectInput,
  InspectResult,
  KeyInfo,
  ProfileInput,
  ProfileView,
  ResourceResult,
  TokenRequestDraft,
  TokenResult,
  TokenView,
  Verification,
} from '../../shared/types.js';
import { HttpRecorder, type TlsOptions } from './http.js';
import { generateKey, importKey, privatePem, publicJwks, type EngineKey } from './keys.js';
import type { Ports } from './ports.js';

interface StoredProfile extends Omit<ProfileView, 'auth'> {
  auth: Omit<ProfileView['auth'], 'hasClientSecret'>;
}

interface Draft {
  id: string;
  profileId: string;
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

interface CurrentToken {
  value: string;
  receivedAt: number;
  expiresIn?: number;
  requestedScope: string;
  grantedScope?: string;
  jwksUri?: string;
  tls?: TlsOptions;
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
  private lastAssertion?: string;
  /** Server JWKS by URL for token verification; refetched once when a kid is not found. */
  private jwksCache = new Map<string, JSONWebKeySet>();
  private token?: CurrentToken;
  private loaded: Promise<void>;

  constructor(private readonly ports: Ports) {
    this.http = new HttpRecorder((all) => ports.events.emit('exchanges', all));
    this.loaded = this.loadKeys();
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

  private async view(p: StoredProfile): Promise<ProfileView> {
    const secret = await this.ports.secrets
      .get(`profile:${p.id}:clientSecret`)
      .catch(() => undefined);
    return { ...p, auth: { ...p.auth, hasClientSecret: !!secret } };
  }

  private mustProfile(id: string): StoredProfile {
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
      const id = input.id ?? randomUUID();
      const stored: StoredProfile = stripUndefined({ ...input, id, auth: stripUndefined(auth) });
      const all = this.storedProfiles().filter((p) => p.id !== id);
      all.push(stored);
      this.ports.store.set(PROFILES, all);
      if (clientSecret !== undefined) {
        if (clientSecret === '') await this.ports.secrets.delete(`profile:${id}:clientSecret`);
        else await this.ports.secrets.set(`profile:${id}:clientSecret`, clientSecret);
      }
      this.discovery.delete(id);
      return this.view(stored);
    });
  }

  deleteProfile(id: string) {
    return guard(async () => {
      this.mustProfile(id);
      this.ports.store.set(
        PROFILES,
        this.storedProfiles().filter((p) => p.id !== id),
      );
      await this.ports.secrets.delete(`profile:${id}:clientSecret`);
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
        fhirBaseUrl: p.fhirBaseUrl,
        issuer: p.issuer,
        tokenEndpoint: p.tokenEndpoint,
        jwksUri: p.jwksUri,
        clientId: p.clientId,
        scope: p.scope,
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
      const fhirBaseUrl = target.fhirBaseUrl ?? p?.fhirBaseUrl;
      const issuer = target.issuer ?? p?.issuer;
      if (!fhirBaseUrl && !issuer)
        throw new AppFailure(
          'INVALID_INPUT',
          'Nothing to discover: the profile has neither a FHIR base URL nor an issuer.',
          'Enter the FHIR base URL (for SMART) or the issuer (for OpenID/OAuth) in the profile.',
        );
      const res = await this.runDiscovery({ fhirBaseUrl, issuer }, p?.tls);
      if (p) this.discovery.set(p.id, res);
      return res;
    });
  }

  private async fetchJson(url: string, step: string, tls?: TlsOptions) {
    const r = await this.http.send(
      { method: 'GET', url, headers: [['accept', 'application/json']] },
      { step, ...(tls ? { tls } : {}), ...this.ports.http },
    );
    const parsed = r.raw ? parseBodyTolerantly(r.raw.body) : undefined;
    return { r, parsed };
  }

  private async runDiscovery(
    target: { fhirBaseUrl?: string; issuer?: string },
    tls?: TlsOptions,
  ): Promise<DiscoveryResult> {
    const documents: DiscoveryDocument[] = [];
    const findings: Finding[] = [];
    const merged: Record<string, unknown> = {};
    const fetchDoc = async (kind: DiscoveryDocument['kind'], url: string) => {
      const { r, parsed } = await this.fetchJson(url, 'Discovery', tls);
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
      if (ex?.error) findings.unshift(transportFinding(ex.error, ex.request.url));
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
    const d = await this.runDiscovery({ fhirBaseUrl: p.fhirBaseUrl, issuer: p.issuer }, p.tls);
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
      const k = await importKey(text, p.auth.alg, p.auth.kid, new Date(this.ports.clock.now()));
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

  private async makeAssertion(
    p: StoredProfile,
    tokenUrl: string,
    discovery: DiscoveryResult | undefined,
    overrides?: AssertionOverrides,
  ): Promise<{ jwt: string; view: AssertionView; signingKeyKid: string; keyContext: KeyContext }> {
    const key = await this.signingKey(p);
    const now = this.nowSec;
    const alg = p.auth.alg ?? key.info.alg;
    const header: Record<string, unknown> = { alg, kid: p.auth.kid ?? key.info.kid, typ: 'JWT' };
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
        .sign(key.privateKey!);
    } catch (e) {
      throw new AppFailure(
        'KEY_INVALID',
        `Cannot sign with alg ${String(header.alg)}: ${(e as Error).message}.`,
        `Use an alg that fits the key (${key.info.kind}): ${key.info.alg}.`,
      );
    }
    const keyContext = await this.clientKeyContext(p);
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
        signingKeyKid: key.info.kid,
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
    return { jwt, view, signingKeyKid: key.info.kid, keyContext };
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

  prepareTokenRequest(input: { profileId: string; overrides?: AssertionOverrides }) {
    return guard(async (): Promise<TokenRequestDraft> => {
      const p = this.mustProfile(input.profileId);
      const { url, discovery } = await this.tokenEndpointFor(p);
      const headers: HeaderList = [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['accept', 'application/json'],
      ];
      const params: [string, string][] = [['grant_type', 'client_credentials']];
      if (p.scope) params.push(['scope', p.scope]);
      const fill = new Map<string, string>();
      let assertion: AssertionView | undefined;
      let signing: Draft['signing'];
      const secret = await this.ports.secrets
        .get(`profile:${p.id}:clientSecret`)
        .catch(() => undefined);
      const needSecret = () => {
        if (!secret)
          throw new AppFailure(
            'SECRET_UNAVAILABLE',
            'The profile has no client secret stored.',
            'Enter the client secret in the Profile step.',
          );
        return secret;
      };
      switch (p.auth.method) {
        case 'private_key_jwt': {
          const made = await this.makeAssertion(p, url, discovery, input.overrides);
          fill.set('client_assertion', made.jwt);
          assertion = made.view;
          signing = { kid: made.signingKeyKid, keyContext: made.keyContext };
          params.push(
            ['client_assertion_type', CLIENT_ASSERTION_TYPE],
            ['client_assertion', '{{client_assertion}}'],
          );
          break;
        }
        case 'client_secret_basic': {
          const s = needSecret();
          // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
          const basic = Buffer.from(`${formEncode(p.clientId)}:${formEncode(s)}`).toString(
            'base64',
          );
          fill.set('client_secret_basic', basic);
          headers.push(['authorization', 'Basic {{client_secret_basic}}']);
          break;
        }
        case 'client_secret_post':
          fill.set('client_secret', needSecret());
          params.push(['client_id', p.clientId], ['client_secret', '{{client_secret}}']);
          break;
        case 'none':
          params.push(['client_id', p.clientId]);
          break;
      }
      const draft: Draft = {
        id: randomUUID(),
        profileId: p.id,
        url,
        headers,
        params,
        fill,
        ...(assertion ? { assertion } : {}),
        ...(signing ? { signing } : {}),
      };
      this.drafts.set(draft.id, draft);
      const preflight = rankFindings([
        ...(assertion?.lint ?? []),
        ...lintTokenRequest({ params, headers, authMethod: p.auth.method }),
      ]);
      return {
        id: draft.id,
        method: 'POST',
        url,
        headers,
        params,
        preflight,
        ...(assertion ? { assertion } : {}),
      };
    });
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
      const p = this.mustProfile(draft.profileId);
      const discovery = this.discovery.get(p.id);
      const url = input.edits?.url ?? draft.url;
      const fillIn = (s: string) =>
        s.replace(/\{\{(\w+)\}\}/g, (m, name: string) => draft.fill.get(name) ?? m);
      const headers: HeaderList = (input.edits?.headers ?? draft.headers).map(([n, v]) => [
        n,
        fillIn(v),
      ]);
      const params: [string, string][] = (input.edits?.params ?? draft.params).map(([n, v]) => [
        n,
        fillIn(v),
      ]);
      const body = new URLSearchParams(params).toString();
      const secrets: SecretMap = new Map([...draft.fill].map(([name, v]) => [v, `{{${name}}}`]));

      // Lint what is actually sent: the assertion may have been edited or moved to a header.
      const now = this.nowSec;
      const sentJwt =
        params.find(([n]) => n === 'client_assertion')?.[1] ??
        /^bearer\s+(\S+)/i.exec(
          headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1] ?? '',
        )?.[1];
      const preflight: Finding[] = lintTokenRequest({ params, headers, authMethod: p.auth.method });
      let jti: string | undefined;
      if (sentJwt && looksLikeJwt(sentJwt)) {
        const d = decodeForDisplay(sentJwt);
        jti = typeof d.claims.jti === 'string' ? d.claims.jti : undefined;
        // The registered JWKS was fetched when the request was prepared; it is not fetched again.
        const keyContext = draft.signing?.keyContext ?? (await this.clientKeyContext(p));
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
            ...(draft.signing ? { signingKeyKid: draft.signing.kid } : {}),
          }),
        );
      }
      const { exchange, raw } = await this.http.send(
        { method: 'POST', url, headers, body },
        { step: 'Token request', secrets, ...(p.tls ? { tls: p.tls } : {}), ...this.ports.http },
      );
      if (jti) this.sentJtis.add(jti);
      if (sentJwt) this.lastAssertion = sentJwt;
      const diag = diagnoseTokenResponse({
        authMethod: p.auth.method,
        url,
        headers,
        params,
        preflight,
        ...(discovery?.tokenEndpoint ? { discoveredTokenEndpoint: discovery.tokenEndpoint } : {}),
        localNow: now,
        ...(exchange.error && !raw ? { transportError: exchange.error } : {}),
        ...(raw ? { status: raw.status, responseHeaders: raw.headers, body: raw.body } : {}),
      });
      const json = diag.parsed.json;
      collectResponseSecrets(json, secrets);
      const result: TokenResult = {
        ok: diag.ok,
        exchangeId: exchange.id,
        receivedAt: new Date(this.ports.clock.now()).toISOString(),
        findings: diag.findings,
        ...(raw ? { status: raw.status } : {}),
        ...(json ? { body: maskBody(json) } : {}),
        ...(diag.parsed.prefix ? { nonJsonPrefix: diag.parsed.prefix } : {}),
      };
      if (diag.ok && json) {
        const requested = params.find(([n]) => n === 'scope')?.[1] ?? '';
        const granted = typeof json.scope === 'string' ? json.scope : undefined;
        result.tokenType = String(json.token_type ?? '');
        if (typeof json.expires_in === 'number') result.expiresIn = json.expires_in;
        result.scopeDiff = scopeDiff(requested, granted);
        const extra = lintTokenResponse(json, raw!.headers);
        if (result.scopeDiff.missing.length)
          extra.push(
            finding(
              'SCOPE_NARROWED',
              `Requested ${result.scopeDiff.missing.join(' ')} but it was not granted (granted: ${granted ?? '(none)'}).`,
            ),
          );
        this.token = {
          value: String(json.access_token),
          receivedAt: this.ports.clock.now(),
          ...(result.expiresIn !== undefined ? { expiresIn: result.expiresIn } : {}),
          requestedScope: requested,
          ...(granted ? { grantedScope: granted } : {}),
          ...(discovery?.jwksUri ? { jwksUri: discovery.jwksUri } : {}),
          ...(p.tls ? { tls: p.tls } : {}),
        };
        result.accessToken = await this.tokenView(
          this.token.value,
          { jwksUrl: discovery?.jwksUri },
          this.token,
        );
        result.findings = rankFindings([...result.findings, ...extra]);
      }
      return result;
    });
  }

  // --- Tokens -------------------------------------------------------------

  private async tokenView(
    token: string,
    src: { jwksUrl?: string | undefined; jwks?: string | undefined },
    current?: CurrentToken,
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
      if (!this.token)
        throw new AppFailure(
          'NOT_FOUND',
          'No access token yet.',
          'Send a token request first, or paste a token to decode.',
        );
      return this.tokenView(
        this.token.value,
        { jwksUrl: input.jwksUrl ?? this.token.jwksUri, jwks: input.jwks },
        this.token,
      );
    });
  }

  revealSecret(input: { kind: 'access_token' | 'client_assertion' }) {
    return guard(async () => {
      const value = input.kind === 'access_token' ? this.token?.value : this.lastAssertion;
      if (!value)
        throw new AppFailure(
          'NOT_FOUND',
          `No ${input.kind.replace('_', ' ')} in this session yet.`,
        );
      return { value };
    });
  }

  // --- Resource request ---------------------------------------------------

  callResource(input: { profileId: string; path: string }) {
    return guard(async (): Promise<ResourceResult> => {
      const p = this.mustProfile(input.profileId);
      if (!p.fhirBaseUrl)
        throw new AppFailure(
          'INVALID_INPUT',
          'The profile has no FHIR base URL.',
          'Enter the FHIR base URL in the Profile step.',
        );
      if (!this.token)
        throw new AppFailure(
          'NOT_FOUND',
          'No access token yet.',
          'Get a token in the Token request step first.',
        );
      const path = input.path.trim().replace(/^\/+/, '') || 'metadata';
      const url = /^https?:\/\//.test(path) ? path : `${p.fhirBaseUrl.replace(/\/+$/, '')}/${path}`;
      const secrets: SecretMap = new Map([[this.token.value, '{{access_token}}']]);
      const { exchange, raw } = await this.http.send(
        {
          method: 'GET',
          url,
          headers: [
            ['accept', 'application/fhir+json, application/json'],
            ['authorization', `Bearer ${this.token.value}`],
          ],
        },
        { step: 'Resource request', secrets, ...(p.tls ? { tls: p.tls } : {}), ...this.ports.http },
      );
      const findings: Finding[] = [];
      if (!raw) {
        findings.push(transportFinding(exchange.error!, url));
        return { ok: false, exchangeId: exchange.id, headers: [], body: '', findings };
      }
      const status = raw.status;
      const www = raw.headers.find(([n]) => n.toLowerCase() === 'www-authenticate')?.[1];
      const expired =
        this.token.expiresIn !== undefined &&
        this.ports.clock.now() > this.token.receivedAt + this.token.expiresIn * 1000;
      if (status === 401) {
        if (expired)
          findings.push(
            finding(
              'TOKEN_EXPIRED',
              `HTTP 401 and the token expired at ${new Date(this.token.receivedAt + (this.token.expiresIn ?? 0) * 1000).toISOString()}.`,
            ),
          );
        else
          findings.push(
            finding(
              'TOKEN_AUDIENCE_MISMATCH',
              `HTTP 401 with a token that has not expired${www ? ` (WWW-Authenticate: ${www})` : ''}: the resource server does not accept tokens from this authorization server or for this audience.`,
              { severity: 'error' },
            ),
          );
      } else if (status === 403) {
        findings.push(
          finding(
            'RESOURCE_FORBIDDEN',
            `HTTP 403${www ? ` (WWW-Authenticate: ${www})` : ''}; granted scope: ${this.token.grantedScope ?? '(not returned)'}.`,
          ),
        );
      } else if (status === 404 || status === 405) {
        findings.push(finding('ENDPOINT_NOT_FOUND', `HTTP ${status} for ${url}.`));
      } else if (status >= 500) {
        findings.push(finding('SERVER_ERROR', `HTTP ${status} from ${url}.`));
      }
      const parsed = parseBodyTolerantly(raw.body);
      return {
        ok: status >= 200 && status < 300,
        exchangeId: exchange.id,
        status,
        headers: exchange.response!.headers,
        body: exchange.response!.body,
        ...(parsed.json ? { pretty: JSON.stringify(parsed.json, null, 2) } : {}),
        findings,
      };
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
async function verifyWith(
  jwt: string,
  jwks: JSONWebKeySet,
  jwksUrl?: string,
): Promise<Verification> {
  const where = jwksUrl ? ` from ${jwksUrl}` : '';
  try {
    const set = createLocalJWKSet(jwks);
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

function applyOverrides(target: Record<string, unknown>, over?: Record<string, unknown>) {
  if (!over) return;
  for (const [k, v] of Object.entries(over)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    if (v === null) delete target[k];
    else target[k] = v;
  }
}

/** Masks token values in a token response body. */
function maskBody(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json))
    out[k] = typeof v === 'string' && /(^|_)token$|secret/.test(k) ? maskSecret(v) : v;
  return out;
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
