import type { Finding } from '../../../shared/diagnosis/codes.js';
import { finding, rankFindings } from '../../../shared/diagnosis/index.js';
import { diagnose } from '../../../shared/diagnosis/pipeline.js';
import type { ServerId } from '../../../shared/diagnosis/dialects/types.js';
import { maskSecret } from '../../../shared/jwt-view.js';
import type { SecretMap } from '../../../shared/redact.js';
import { AppFailure } from '../../../shared/result.js';
import { parseBodyTolerantly } from '../../../shared/tolerant-json.js';
import {
  AUTH_METHODS,
  HMAC_ALGS,
  type AuthMethod,
  type DiscoveryResult,
  type HeaderList,
  type NextStep,
  type ProfileView,
  type RegistrationDraft,
  type RegistrationResult,
} from '../../../shared/types.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import { getPreset, sourceText } from '../../../shared/presets.js';
import { flowGrant } from '../grants/index.js';
import { LOOPBACK_REDIRECT, isLoopbackRedirect } from '../../../shared/oauth/redirect-uri.js';
import type { StoredProfile, profileSecret } from '../model.js';
import type { HttpRecorder, SendResult } from '../http.js';
import { publicJwks, type EngineKey } from '../keys.js';
import type { Ports } from '../ports.js';

type SecretName = keyof typeof profileSecret;

/** What registration needs from the engine. */
export interface RegistrationDeps {
  ports: Ports;
  http: HttpRecorder;
  profile(id: string): StoredProfile;
  view(p: StoredProfile): Promise<ProfileView>;
  discovery(p: StoredProfile): Promise<DiscoveryResult | undefined>;
  update(id: string, patch: Partial<StoredProfile>): StoredProfile;
  setSecret(id: string, which: SecretName, value?: string): Promise<void>;
  secret(id: string, which: SecretName): Promise<string | undefined>;
  /** The profile's key (engine key or key file), for jwks by value; undefined when none. */
  profileKey(p: StoredProfile): Promise<EngineKey | undefined>;
}

type Json = Record<string, unknown>;
type Action = RegistrationResult['action'];

/** RFC 7592 §2.2: these come from the server and MUST NOT be sent in an update. */
const SERVER_ONLY_FIELDS = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
];

/** Masks the secrets of a registration answer. */
function maskRegistration(json: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(json))
    out[k] =
      typeof v === 'string' && (k === 'client_secret' || k === 'registration_access_token')
        ? maskSecret(v)
        : v;
  return out;
}

function parseJsonObject(text: string): Json {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new AppFailure(
      'JSON_INVALID',
      `The registration body is not valid JSON: ${(e as Error).message}.`,
      'Fix the JSON (or prepare the registration again to start from the profile).',
    );
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new AppFailure(
      'JSON_INVALID',
      'The registration body must be a JSON object.',
      'Send client metadata as {"redirect_uris": [...], ...} (RFC 7591 §2).',
    );
  return v as Json;
}

const scopes = (s: unknown) => (typeof s === 'string' ? s.split(/\s+/).filter(Boolean) : []);

/** Local checks on client metadata before it is sent (RFC 7591 §2, vendor quirks). */
export function lintMetadata(meta: Json, vendor?: string): Finding[] {
  const out: Finding[] = [];
  if (meta.jwks !== undefined && meta.jwks_uri !== undefined)
    out.push(
      finding('CLIENT_METADATA_INVALID', 'Both jwks and jwks_uri are present.', {
        title: 'jwks and jwks_uri must not both be sent',
        fix: 'Keep one: jwks_uri (preferred, lets you rotate keys) or jwks by value.',
        source: 'RFC 7591 §2',
      }),
    );
  const uris = meta.redirect_uris;
  if (uris !== undefined && !(Array.isArray(uris) && uris.every((u) => typeof u === 'string')))
    out.push(
      finding('CLIENT_METADATA_INVALID', 'redirect_uris is not an array of strings.', {
        fix: 'Send "redirect_uris": ["http://127.0.0.1/callback"].',
        source: 'RFC 7591 §2',
      }),
    );
  else
    for (const u of (uris as string[] | undefined) ?? []) {
      let url: URL | undefined;
      try {
        url = new URL(u);
      } catch {
        url = undefined;
      }
      if (!url || url.hash || u.includes('#'))
        out.push(
          finding(
            'CLIENT_METADATA_INVALID',
            `"${u}" is ${url ? 'an URI with a #fragment' : 'not an absolute URI'}.`,
            {
              title: 'Redirect URI not acceptable',
              fix: 'Use an absolute URI without #fragment: https, a loopback http://127.0.0.1/callback, or a private-use scheme.',
              source: 'RFC 6749 §3.1.2; RFC 8252 §7',
            },
          ),
        );
      else if (url.protocol === 'http:' && !isLoopbackRedirect(u))
        out.push(
          finding('REDIRECT_URI_MISMATCH', `"${u}" is plain http on a non-loopback host.`, {
            severity: 'warning',
            title: 'Redirect URI without TLS',
            fix: 'Use https, or a loopback redirect (http://127.0.0.1/callback).',
            source: 'RFC 9700 §2.1; RFC 6749 §3.1.2.1',
          }),
        );
    }
  const grants = Array.isArray(meta.grant_types) ? meta.grant_types.map(String) : [];
  if (grants.includes('authorization_code') && !(Array.isArray(uris) && uris.length))
    out.push(
      finding(
        'CLIENT_METADATA_INVALID',
        'grant_types has authorization_code but no redirect_uris.',
        {
          fix: 'Add the redirect URI (http://127.0.0.1/callback for the loopback listener).',
          source: 'RFC 7591 §2',
        },
      ),
    );
  if (
    meta.token_endpoint_auth_method === 'private_key_jwt' &&
    meta.jwks === undefined &&
    meta.jwks_uri === undefined
  )
    out.push(
      finding('CLIENT_METADATA_INVALID', 'private_key_jwt without jwks or jwks_uri.', {
        title: 'No public key for private_key_jwt',
        fix: 'Choose a key in the profile (Keys step) to send jwks by value, or enter the JWKS URL (jwks_uri) where your public key is published.',
        source: 'RFC 7591 §2; SMART client-confidential-asymmetric',
      }),
    );
  if (meta.token_endpoint_auth_method === 'none' && grants.includes('client_credentials'))
    out.push(
      finding('AUTH_METHOD_MISMATCH', 'client_credentials with token_endpoint_auth_method none.', {
        fix: 'client_credentials needs a confidential client: use private_key_jwt (SMART backend services).',
        source: 'RFC 6749 §4.4',
      }),
    );
  if (grants.includes('client_credentials'))
    for (const s of scopes(meta.scope).filter((x) => /^(patient|user)\//.test(x)))
      out.push(
        finding('SCOPE_INVALID_FOR_GRANT', `${s} is requested for a client_credentials client.`, {
          severity: 'warning',
        }),
      );
  // What this server's registration does differently (its preset's registration traits).
  const preset = getPreset(vendor);
  const traits = preset?.traits?.registration;
  if (preset && traits?.jwksByValue && meta.jwks !== undefined)
    out.push(
      finding('CLIENT_METADATA_INVALID', `jwks by value is sent to ${preset.title}.`, {
        severity: 'warning',
        title: traits.jwksByValue.title,
        fix: traits.jwksByValue.fix,
        source: sourceText(traits.jwksByValue.source),
      }),
    );
  const types = traits?.applicationTypes;
  if (
    preset &&
    types &&
    typeof meta.application_type === 'string' &&
    ![types.confidential, types.public].includes(meta.application_type)
  )
    out.push(
      finding(
        'CLIENT_METADATA_INVALID',
        `application_type "${meta.application_type}" is sent to ${preset.title}.`,
        {
          severity: 'warning',
          fix: `${preset.title} expects application_type "${types.confidential}" (confidential) or "${types.public}".`,
          source: sourceText(types.source),
        },
      ),
    );
  return out;
}

/**
 * A registration endpoint answer (RFC 7591 §3.2.2, RFC 7592 §2), through the one diagnosis; what
 * only this module knows (which RFC 7592 action it was) joins as the server's answer read here.
 */
function diagnoseRegistration(
  action: Action,
  url: string,
  sent: SendResult,
  preflight: Finding[],
  vendor: { id?: string; metadata?: Json; server?: ServerId; clientId?: string },
): { ok: boolean; json?: Json; findings: Finding[] } {
  const { exchange, raw } = sent;
  const parsed = raw ? parseBodyTolerantly(raw.body) : undefined;
  const json = parsed?.json;
  const status = raw?.status ?? 0;
  const ok =
    !!raw &&
    (action === 'delete'
      ? status === 204 || status === 200
      : status >= 200 &&
        status < 300 &&
        !!json &&
        (action !== 'register' || typeof json.client_id === 'string'));
  const extra: Finding[] = [];
  if (raw && !ok) {
    if ((status === 404 || status === 405) && action !== 'register')
      extra.push(
        finding(
          'ENDPOINT_NOT_FOUND',
          `HTTP ${status} from ${url}: the server may not support RFC 7592 client management.`,
          { basis: 'server' },
        ),
      );
    else if (status === 401 || status === 403)
      extra.push(
        action === 'register'
          ? finding('REGISTRATION_NOT_OPEN', `HTTP ${status} from the registration endpoint.`, {
              basis: 'server',
              fix: 'This server needs an initial access token or an administrator to register clients: register in its admin console and enter the client_id in the profile.',
              source: 'RFC 7591 §3',
            })
          : finding('CLIENT_UNKNOWN', `HTTP ${status} to the RFC 7592 ${action} request.`, {
              basis: 'server',
              title: 'Registration access token rejected',
              fix: 'The token is wrong or the client was deleted (RFC 7592 answers 401 for both): register again.',
              source: 'RFC 7592 §2',
            }),
      );
    else if (status >= 200 && status < 300)
      extra.push(
        finding('CLIENT_METADATA_INVALID', `HTTP ${status} without a client_id in the answer.`, {
          basis: 'server',
          title: 'Unexpected registration answer',
        }),
      );
  }
  const d = diagnose({
    endpoint: 'registration',
    url,
    ...(raw ? { response: { status, headers: raw.headers, body: raw.body } } : {}),
    ...(!raw && exchange.error ? { transportError: exchange.error } : {}),
    findings: [...preflight, ...extra],
    ...(vendor.server ? { server: vendor.server } : {}),
    ...(vendor.metadata ? { registration: vendor.metadata } : {}),
    vendor: {
      profile: {
        ...(vendor.id ? { vendor: vendor.id } : {}),
        authMethod: '',
        ...(vendor.clientId ? { clientId: vendor.clientId } : {}),
      },
      earlier: [],
    },
  });
  // A delete answered 204 with no body is the success RFC 7592 §2.3 describes.
  const findings =
    ok && action === 'delete'
      ? d.findings.filter((f) => f.code !== 'NON_JSON_RESPONSE')
      : d.findings;
  return { ok, ...(json ? { json } : {}), findings };
}

/** Dynamic client registration (RFC 7591) and management (RFC 7592) for a profile. */
export class Registrations {
  constructor(private readonly deps: RegistrationDeps) {}

  private async endpoint(p: StoredProfile): Promise<string> {
    if (p.registrationEndpoint) return p.registrationEndpoint;
    const d = await this.deps.discovery(p).catch(() => undefined);
    if (d?.registrationEndpoint) return d.registrationEndpoint;
    throw new AppFailure(
      'INVALID_INPUT',
      'No registration endpoint: the profile has none and discovery did not find one.',
      getPreset(p.vendor)?.traits?.registration?.endpointHint?.fix ??
        'Enter the registration endpoint in the profile, or register the client in the server’s admin console and enter its client_id.',
    );
  }

  /** RFC 7591 metadata from the profile (and its key). */
  async prepare(profileId: string): Promise<RegistrationDraft> {
    const p = this.deps.profile(profileId);
    const url = await this.endpoint(p);
    const flow = effectiveFlow(p);
    const method: AuthMethod = p.auth.method;
    const preflight: Finding[] = [];
    // The profile's redirect URI is registered whatever the flow; the code flow without one
    // registers the loopback listener's.
    const redirect =
      p.redirectUri ?? (flow === 'authorization-code' ? LOOPBACK_REDIRECT : undefined);
    const nativeRedirect =
      !!redirect && (isLoopbackRedirect(redirect) || !/^https?:/i.test(redirect));
    const types = getPreset(p.vendor)?.traits?.registration?.applicationTypes;
    const applicationType =
      p.registration?.applicationType ??
      (types
        ? method === 'none'
          ? types.public
          : types.confidential
        : nativeRedirect
          ? 'native'
          : 'web');
    const meta: Json = {
      application_type: applicationType,
      client_name: p.registration?.clientName ?? p.name,
      ...(redirect ? { redirect_uris: [redirect] } : {}),
      ...(p.postLogoutRedirectUri ? { post_logout_redirect_uris: [p.postLogoutRedirectUri] } : {}),
      token_endpoint_auth_method: method,
      // The grant module of the flow says what a client of it registers.
      grant_types: flowGrant(flow).registers?.grantTypes ?? [],
      response_types: flowGrant(flow).registers?.responseTypes ?? [],
      ...(p.scope.trim() ? { scope: p.scope.trim() } : {}),
      ...(p.registration?.contacts?.length ? { contacts: p.registration.contacts } : {}),
    };
    if (method === 'private_key_jwt') {
      const delivery = p.registration?.keyDelivery ?? (p.jwksUri ? 'jwks_uri' : 'jwks');
      const key = await this.deps.profileKey(p).catch(() => undefined);
      if (delivery === 'jwks_uri') {
        if (p.jwksUri) meta.jwks_uri = p.jwksUri;
        else
          preflight.push(
            finding(
              'CLIENT_METADATA_INVALID',
              'Key delivery is jwks_uri but the profile has no JWKS URL.',
              {
                title: 'No JWKS URL to register',
                fix: 'Enter the JWKS URL in the profile (the JWKS hosting step serves one on this machine), or switch key delivery to jwks by value.',
              },
            ),
          );
      } else if (key) meta.jwks = publicJwks([key]);
      meta.token_endpoint_auth_signing_alg = p.auth.alg ?? key?.info.alg ?? 'RS384';
    } else if (method === 'client_secret_jwt') {
      meta.token_endpoint_auth_signing_alg =
        p.auth.alg && (HMAC_ALGS as readonly string[]).includes(p.auth.alg) ? p.auth.alg : 'HS256';
    }
    preflight.push(...lintMetadata(meta, p.vendor));
    return {
      url,
      method: 'POST',
      body: JSON.stringify(meta, null, 2),
      preflight: rankFindings(preflight),
    };
  }

  private async request(
    p: StoredProfile,
    req: { method: string; url: string; headers: HeaderList; body?: string },
    secrets: SecretMap,
  ) {
    return this.deps.http.send(req, {
      step: 'Registration',
      secrets,
      ...(p.tls ? { tls: p.tls } : {}),
      ...this.deps.ports.http,
    });
  }

  /** Stores what the server answered: client_id, secret, RFC 7592 handles, auth method. */
  private async store(p: StoredProfile, json: Json): Promise<string[]> {
    const stored: string[] = [];
    const patch: Partial<StoredProfile> = {};
    if (typeof json.client_id === 'string' && json.client_id !== p.clientId) {
      patch.clientId = json.client_id;
      stored.push('clientId');
    }
    const secret = typeof json.client_secret === 'string' ? json.client_secret : undefined;
    const had = await this.deps.secret(p.id, 'clientSecret');
    if (secret && secret !== had) {
      await this.deps.setSecret(p.id, 'clientSecret', secret);
      stored.push('clientSecret');
    }
    const rat =
      typeof json.registration_access_token === 'string'
        ? json.registration_access_token
        : undefined;
    if (rat && rat !== (await this.deps.secret(p.id, 'registrationToken'))) {
      await this.deps.setSecret(p.id, 'registrationToken', rat);
      stored.push('registrationAccessToken');
    }
    const uri =
      typeof json.registration_client_uri === 'string' ? json.registration_client_uri : undefined;
    if (uri && uri !== p.registration?.clientUri) {
      patch.registration = { ...p.registration, clientUri: uri };
      stored.push('registrationClientUri');
    }
    const m = json.token_endpoint_auth_method;
    if (
      typeof m === 'string' &&
      (AUTH_METHODS as readonly string[]).includes(m) &&
      m !== p.auth.method
    ) {
      patch.auth = { ...p.auth, method: m as AuthMethod };
      stored.push('auth.method');
    }
    if (Object.keys(patch).length) this.deps.update(p.id, patch);
    return stored;
  }

  /** Things to do outside the protocol after a registration (VENDORS.md §4.1). */
  private nextSteps(p: StoredProfile, sent: Json, answer: Json, findings: Finding[]): NextStep[] {
    const steps: NextStep[] = [];
    const requested = scopes(sent.scope);
    const granted = typeof answer.scope === 'string' ? scopes(answer.scope) : undefined;
    const dropped = granted ? requested.filter((s) => !granted.includes(s)) : [];
    // The server's own steps (its preset's registration traits), each when it applies.
    const grants = Array.isArray(sent.grant_types) ? sent.grant_types.map(String) : [];
    for (const step of getPreset(p.vendor)?.traits?.registration?.nextSteps ?? []) {
      const prefix = step.whenScope;
      if (prefix !== undefined && !requested.some((s) => s.startsWith(prefix))) continue;
      if (step.whenGrant !== undefined && !grants.includes(step.whenGrant)) continue;
      const droppedHere = prefix !== undefined && dropped.some((s) => s.startsWith(prefix));
      steps.push({
        title: step.title,
        detail: `${step.detail}${droppedHere && step.whenDropped ? step.whenDropped : ''}`,
        source: sourceText(step.source),
      });
    }
    if (dropped.length) {
      steps.push({
        title: 'Scopes dropped by the server',
        detail: `Requested but not registered: ${dropped.join(' ')}. Ask the server administrator to allow them, or remove them from the profile.`,
        source: 'RFC 7591 §3.2.1',
      });
      findings.push(
        finding(
          'SCOPE_NARROWED',
          `Registered scope "${granted!.join(' ')}" lacks ${dropped.join(' ')}.`,
        ),
      );
    }
    const exp = answer.client_secret_expires_at;
    if (typeof exp === 'number' && exp > 0) {
      const when = new Date(exp * 1000).toISOString();
      const past = exp * 1000 <= this.deps.ports.clock.now();
      steps.push({
        title: past ? 'The client secret has expired' : 'The client secret expires',
        detail: `client_secret_expires_at is ${when}; ${past ? 'register again to get a new one' : 'register again or update the registration before then'}.`,
        source: 'RFC 7591 §3.2.1',
      });
    }
    return steps;
  }

  /** Sends the (edited) registration and stores the new client in the profile. */
  async send(input: {
    profileId: string;
    body: string;
    url?: string;
  }): Promise<RegistrationResult> {
    const p = this.deps.profile(input.profileId);
    const meta = parseJsonObject(input.body);
    const url = input.url ?? (await this.endpoint(p));
    const preflight = lintMetadata(meta, p.vendor);
    const secrets: SecretMap = new Map();
    const sent = await this.request(
      p,
      {
        method: 'POST',
        url,
        headers: [
          ['content-type', 'application/json'],
          ['accept', 'application/json'],
        ],
        body: JSON.stringify(meta),
      },
      secrets,
    );
    return this.finish('register', p, sent, url, meta, preflight);
  }

  private async finish(
    action: Action,
    p: StoredProfile,
    sent: SendResult,
    url: string,
    meta: Json | undefined,
    preflight: Finding[],
  ): Promise<RegistrationResult> {
    const d = diagnoseRegistration(action, url, sent, preflight, {
      ...(p.vendor ? { id: p.vendor } : {}),
      ...(meta ? { metadata: meta } : {}),
      ...(p.server ? { server: p.server } : {}),
      ...(p.clientId ? { clientId: p.clientId } : {}),
    });
    let stored: string[] = [];
    let nextSteps: NextStep[] = [];
    const findings = [...d.findings];
    if (d.ok && action === 'delete') stored = await this.forget(p);
    else if (d.ok && d.json) {
      stored = await this.store(p, d.json);
      if (action !== 'read') nextSteps = this.nextSteps(p, meta ?? {}, d.json, findings);
    }
    return {
      action,
      ok: d.ok,
      exchangeId: sent.exchange.id,
      ...(sent.raw ? { status: sent.raw.status } : {}),
      ...(d.json ? { body: maskRegistration(d.json) } : {}),
      stored,
      profile: await this.deps.view(this.deps.profile(p.id)),
      nextSteps,
      findings: d.ok ? rankFindings(findings) : findings,
    };
  }

  /** After an RFC 7592 delete the client no longer exists: forget its id, secret and handles. */
  private async forget(p: StoredProfile): Promise<string[]> {
    const stored: string[] = [];
    if (p.clientId) stored.push('clientId');
    if (await this.deps.secret(p.id, 'clientSecret')) stored.push('clientSecret');
    if (await this.deps.secret(p.id, 'registrationToken')) stored.push('registrationAccessToken');
    if (p.registration?.clientUri) stored.push('registrationClientUri');
    await this.deps.setSecret(p.id, 'clientSecret', '');
    await this.deps.setSecret(p.id, 'registrationToken', '');
    const { clientUri: _gone, ...registration } = p.registration ?? {};
    this.deps.update(p.id, {
      clientId: '',
      registration: Object.keys(registration).length ? registration : undefined,
    } as Partial<StoredProfile>);
    return stored;
  }

  /** RFC 7592: read, update or delete the registration with the registration access token. */
  async manage(input: {
    profileId: string;
    action: 'read' | 'update' | 'delete';
    body?: string;
  }): Promise<RegistrationResult> {
    const p = this.deps.profile(input.profileId);
    const url = p.registration?.clientUri;
    if (!url)
      throw new AppFailure(
        'NOT_FOUND',
        'The profile has no registration_client_uri, so the registration cannot be managed.',
        'Register the client in this app first; the server must support RFC 7592 (it then returns registration_client_uri).',
      );
    const token = await this.deps.secret(p.id, 'registrationToken');
    if (!token)
      throw new AppFailure(
        'SECRET_UNAVAILABLE',
        'No registration access token is stored for this profile.',
        'Register again (secrets are kept for the session only unless a passphrase or the OS keychain is available).',
      );
    const secrets: SecretMap = new Map([[token, '{{registration_access_token}}']]);
    const headers: HeaderList = [
      ['accept', 'application/json'],
      ['authorization', `Bearer ${token}`],
    ];
    let meta: Json | undefined;
    let body: string | undefined;
    let preflight: Finding[] = [];
    if (input.action === 'update') {
      if (!input.body)
        throw new AppFailure(
          'INVALID_INPUT',
          'An update needs the edited registration JSON.',
          'Read the registration, edit the JSON, then update.',
        );
      meta = parseJsonObject(input.body);
      for (const f of SERVER_ONLY_FIELDS) delete meta[f];
      meta.client_id ??= p.clientId;
      // The shown client_secret is masked: send the stored one (RFC 7592 §2.2 allows it) or none.
      if ('client_secret' in meta) {
        const s = await this.deps.secret(p.id, 'clientSecret');
        if (s) {
          meta.client_secret = s;
          secrets.set(s, '{{client_secret}}');
        } else delete meta.client_secret;
      }
      preflight = lintMetadata(meta, p.vendor);
      body = JSON.stringify(meta);
      headers.unshift(['content-type', 'application/json']);
    }
    const method = input.action === 'read' ? 'GET' : input.action === 'update' ? 'PUT' : 'DELETE';
    const sent = await this.request(
      p,
      { method, url, headers, ...(body !== undefined ? { body } : {}) },
      secrets,
    );
    return this.finish(input.action, p, sent, url, meta, preflight);
  }
}
