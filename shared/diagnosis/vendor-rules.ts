/**
 * Vendor diagnosis rules as data (VENDORS.md §6: O1–O13, C1–C8, E1–E6, AB1–AB5, K1–K10, G11).
 * Each rule names the presets it applies to, the error shape it recognises (from the preset's
 * errorShapes, so the wire facts live in one place), an extra condition, the cause code, a
 * likelihood used for ranking, the evidence pointing at the exact field, and its sources.
 *
 * Likelihood scale (higher = more likely the cause of the observed failure):
 *   95  the server's own words name the cause (Keycloak messages, Cerner URNs, OpenEMR hints)
 *   85  a vendor fact contradicts what was sent (OpenEMR aud from the Site Address, RS384 only)
 *   80  a definite local finding (pre-flight lint errors: aud, exp, jti, kid, jku, JWKS fetch)
 *   60–75  the vendor's most likely cause for an answer that carries no detail (Epic null
 *       description, OpenEMR "Client authentication failed")
 *   50  generic guesses (e.g. the ASSERTION_SIGNATURE_INVALID inference in diagnose.ts)
 */
import type { Basis, CauseCode, Finding } from './codes.js';
import { finding } from './catalog.js';
import {
  getPreset,
  src,
  type ErrorShape,
  type PresetId,
  type Sources,
  type VendorPreset,
} from '../presets.js';
import { parseBodyTolerantly } from '../tolerant-json.js';
import type { FlowKind, HeaderList } from '../types.js';

/** Likelihood of a definite pre-flight (local) finding; vendor inferences rank below it. */
export const LOCAL_LIKELIHOOD = 80;
/** Likelihood of a generic guess. */
export const GENERIC_LIKELIHOOD = 50;
/** Vendor findings at or above this lead even the engine's grant-specific findings. */
export const STRONG_LIKELIHOOD = 90;

/** Oracle Health error_uri, decoded: the URN and the client / tenant query parameters. */
export interface CernerErrorUri {
  urn?: string;
  /** `unknown` means the server could not identify the client at all [ORCL-F1]. */
  client?: string;
  tenant?: string;
}

/** Everything a rule may look at. */
export interface DiagnosisContext {
  preset?: VendorPreset;
  profile: {
    vendor?: string;
    authMethod: string;
    alg?: string;
    clientId?: string;
    jwksUri?: string;
    issuer?: string;
  };
  /** The request as sent (secrets filled in: never copy values into evidence). */
  request: {
    url: string;
    headers: HeaderList;
    params: [string, string][];
    grant?: string;
  };
  /** The response as received; absent before sending (pre-flight rules). */
  response?: {
    status: number;
    headers: HeaderList;
    date?: string;
    wwwAuthenticate?: string;
    text: string;
    /** Text before the JSON (PHP notices). */
    prefix?: string;
    json?: Record<string, unknown>;
    error?: string;
    /** null when sent as JSON null (Epic), undefined when absent. */
    errorDescription?: string | null;
    /** error_description, or OpenEMR's `hint` when it has none. */
    message: string;
    errorUri?: string;
    cerner?: CernerErrorUri;
  };
  /** The decoded client assertion, when one was sent. */
  assertion?: { header: Record<string, unknown>; claims: Record<string, unknown> };
  discovery?: { tokenEndpoint?: string; issuer?: string; signingAlgs?: string[] };
  /** Earlier token requests of this run (most recent last). */
  earlier: { url: string; clientId?: string; ok: boolean }[];
  /** Local findings of the pre-flight lint. */
  preflight: Finding[];
  /** What was called: the token endpoint (default), a resource server or the registration endpoint. */
  target?: 'token' | 'resource' | 'registration';
  /** Registration calls: the client metadata as sent (RFC 7591). */
  registration?: Record<string, unknown>;
  /** Resource calls: the scope granted with the token used. */
  grantedScope?: string;
  /** The token answer was a success (only 'success' rules run then). */
  succeeded?: boolean;
  /** Resource calls: when the token sent was revoked (or its session closed) in this session. */
  revokedAt?: string;
}

export interface VendorRule {
  /** VENDORS.md §6 id, with a suffix when one row has several causes ('O1-aud'). */
  id: string;
  /** Preset ids it applies to; 'all' = any profile, with or without a preset. */
  vendors: readonly PresetId[] | 'all';
  /**
   * 'request': checked before sending (and again on the answer); 'response': on a failed token
   * answer; 'success': on a successful token answer (notes, never errors); 'resource': on a
   * failed resource (FHIR) call; 'resource-success': on a successful resource call (what came
   * back is not what was asked, or should not have come back at all); 'registration': on a failed
   * registration (RFC 7591) answer.
   */
  phase: 'request' | 'response' | 'success' | 'resource' | 'resource-success' | 'registration';
  /** Severity of the finding (default 'error'; 'success' rules use 'info' or 'warning'). */
  severity?: 'error' | 'warning' | 'info';
  /** An error shape id of the preset that the response must match. */
  shape?: string;
  when: (c: DiagnosisContext) => boolean;
  code: CauseCode;
  likelihood: number;
  evidence: (c: DiagnosisContext) => string;
  title?: string;
  fix?: string | ((c: DiagnosisContext) => string);
  /** Defaults to the matched shape's sources. */
  source?: Sources;
  /** What the finding rests on; derived from the phase and likelihood when absent (basisOf). */
  basis?: Basis;
}

/** A finding with the likelihood it was ranked by, and what it rests on. */
export interface RankedFinding {
  finding: Finding;
  likelihood: number;
  ruleId: string;
  basis: Basis;
}

/**
 * What a rule rests on, unless it says: a rule of every vendor that compares the request with
 * itself is a check; one that reads the answer with likelihood 90+ reads the server's own words;
 * the rest are vendor facts (what this vendor is documented to do).
 */
function basisOf(rule: VendorRule): Basis {
  if (rule.basis) return rule.basis;
  if (rule.phase === 'request') return rule.vendors === 'all' ? 'check' : 'vendor';
  if (rule.phase === 'success') return 'vendor';
  return rule.likelihood >= 90 ? 'server' : 'vendor';
}

// --- helpers over the context --------------------------------------------------------------------

const param = (c: DiagnosisContext, name: string) =>
  c.request.params.find(([n]) => n === name)?.[1];
const authz = (c: DiagnosisContext) =>
  c.request.headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1] ?? '';
const bearerJwt = (c: DiagnosisContext) =>
  /^bearer\s+[\w-]+\.[\w-]+\.[\w-]*$/i.test(authz(c).trim());
const claim = (c: DiagnosisContext, name: string) => c.assertion?.claims[name];
const sentAlg = (c: DiagnosisContext) =>
  typeof c.assertion?.header.alg === 'string' ? c.assertion.header.alg : c.profile.alg;
const audList = (c: DiagnosisContext): string[] => {
  const aud = claim(c, 'aud');
  return Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)];
};
const saidOf = (c: DiagnosisContext) => {
  const r = c.response;
  if (!r) return '';
  const parts = [`HTTP ${r.status}`, r.error, r.message].filter(Boolean);
  if (r.errorDescription === null) parts.push('error_description: null');
  if (r.cerner?.urn) parts.push(`error_uri URN ${r.cerner.urn}`);
  if (r.cerner?.client) parts.push(`client=${r.cerner.client}`);
  return parts.join(' — ');
};
const succeededBefore = (c: DiagnosisContext) =>
  c.earlier.some((e) => e.ok && e.clientId === c.profile.clientId && e.url === c.request.url);
const flowOf = (grant: string | undefined): FlowKind | undefined =>
  grant === 'client_credentials'
    ? 'backend-services'
    : grant === 'authorization_code' || grant === 'refresh_token'
      ? 'authorization-code'
      : grant === 'password'
        ? 'password'
        : undefined;
const basicCredentials = (c: DiagnosisContext): string | undefined => {
  const m = /^basic\s+(\S+)/i.exec(authz(c));
  if (!m) return undefined;
  try {
    return atob(m[1]!);
  } catch {
    return undefined;
  }
};

/** The FHIR resource type a resource URL addresses (last capitalised path segment), if any. */
const resourceType = (url: string): string | undefined => {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  return path
    .split('/')
    .reverse()
    .find((seg) => /^[A-Z][A-Za-z]+$/.test(seg));
};
/** Whether the granted scope lets the token read or search this resource type (v1 or v2). */
const scopeCovers = (c: DiagnosisContext, type: string): boolean =>
  (c.grantedScope ?? '').split(/\s+/).some((s) => {
    const m = /^(?:system|user|patient)\/([A-Za-z]+|\*)\.([^?]+)/.exec(s);
    if (!m || (m[1] !== type && m[1] !== '*')) return false;
    return m[2] === 'read' || m[2] === '*' || (/^c?r?u?d?s?$/.test(m[2]!) && /[rs]/.test(m[2]!));
  });

/** The `_type` list of a bulk export: from the URL called, else from the manifest's `request`. */
const exportTypes = (c: DiagnosisContext): string[] | undefined => {
  const of = (u: unknown) => {
    if (typeof u !== 'string') return undefined;
    try {
      const v = new URL(u).searchParams.get('_type');
      return v ? [...new Set(v.split(',').map((t) => t.trim()))].filter(Boolean) : undefined;
    } catch {
      return undefined;
    }
  };
  return of(c.request.url) ?? of(c.response?.json?.request);
};
/**
 * Resource types a successful answer holds: a bulk manifest's output[].type (FHIR Bulk Data), a
 * Bundle's matched entries, or the resourceType of each NDJSON line.
 */
const returnedTypes = (c: DiagnosisContext): string[] => {
  const j = c.response?.json;
  const types: unknown[] = [];
  if (j && Array.isArray(j.output))
    for (const o of j.output as unknown[]) types.push((o as { type?: unknown } | null)?.type);
  else if (j?.resourceType === 'Bundle' && Array.isArray(j.entry)) {
    for (const e of j.entry as {
      resource?: { resourceType?: unknown };
      search?: { mode?: unknown };
    }[])
      if (!e?.search?.mode || e.search.mode === 'match') types.push(e?.resource?.resourceType);
  } else if (!j)
    for (const line of (c.response?.text ?? '').split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      try {
        types.push((JSON.parse(line) as { resourceType?: unknown }).resourceType);
      } catch {
        // not NDJSON
      }
    }
  return [...new Set(types.filter((t): t is string => typeof t === 'string' && t !== ''))];
};
/** Types in the answer that the request's `_type` did not ask for. */
const unaskedTypes = (c: DiagnosisContext): string[] => {
  const asked = exportTypes(c);
  return asked ? returnedTypes(c).filter((t) => !asked.includes(t)) : [];
};
const exportEvidence = (c: DiagnosisContext) => {
  const asked = exportTypes(c)!;
  const uncovered = c.grantedScope ? asked.filter((t) => !scopeCovers(c, t)) : [];
  return `The request asked for _type=${asked.join(',')}, but the answer from ${c.request.url} holds ${unaskedTypes(c).join(', ')} as well.${
    c.grantedScope
      ? ` The token's granted scope "${c.grantedScope}" ${uncovered.length ? `does not cover ${uncovered.join(', ')}` : `covers ${asked.join(', ')}`}.`
      : ''
  }`;
};
/** The OpenEMR Site Address (incl. webroot) behind an /oauth2/{site}/… URL. */
const openEmrRoot = (url: string) => url.replace(/\/oauth2\/[^/]+\/[^/]*$/, '');

/**
 * The aud values the vendor accepts for this request, from the preset's aud rule: the URL POSTed
 * to (SMART), the Site Address form discovery advertises (OpenEMR), the advertised token endpoint
 * (Oracle Health), or also the realm issuer (Keycloak).
 */
export function expectedAudiences(c: DiagnosisContext): string[] {
  const rule = c.preset?.assertionAud.value ?? 'token-endpoint';
  const d = c.discovery;
  const list =
    rule === 'openemr-site-address'
      ? [d?.tokenEndpoint ?? (d?.issuer ? `${d.issuer.replace(/\/+$/, '')}/token` : c.request.url)]
      : rule === 'advertised-token-endpoint'
        ? [d?.tokenEndpoint ?? c.request.url]
        : rule === 'issuer-or-token'
          ? [c.request.url, d?.tokenEndpoint, d?.issuer ?? c.profile.issuer]
          : [c.request.url];
  return [...new Set(list.filter((v): v is string => !!v))];
}

/** Decodes an Oracle Health error_uri: `…/errors/{urn}/instances/{id}?client=…&tenant=…`. */
export function decodeCernerErrorUri(uri: string): CernerErrorUri | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    decoded = uri;
  }
  const urn = /urn:cerner:error:[^/?#\s]+/.exec(decoded)?.[0];
  if (!urn && !/[?&]client=/.test(decoded)) return undefined;
  const q = (name: string) => new RegExp(`[?&]${name}=([^&#\\s]*)`).exec(decoded)?.[1];
  const client = q('client');
  const tenant = q('tenant');
  return {
    ...(urn ? { urn } : {}),
    ...(client ? { client } : {}),
    ...(tenant ? { tenant } : {}),
  };
}

/** Whether the response matches one of the preset's documented error shapes. */
export function matchesShape(c: DiagnosisContext, s: ErrorShape): boolean {
  const r = c.response;
  if (!r) return false;
  if (s.status !== undefined && r.status !== s.status) return false;
  if (s.error !== undefined && r.error !== s.error) return false;
  if (s.description === null && r.errorDescription !== null) return false;
  if (typeof s.description === 'string' && !(r.errorDescription ?? '').startsWith(s.description))
    return false;
  if (s.descriptionIncludes && !r.message.includes(s.descriptionIncludes)) return false;
  if (s.errorUriUrn && !(r.cerner?.urn ?? '').startsWith(s.errorUriUrn)) return false;
  if (s.bodyIncludes && !s.bodyIncludes.some((t) => r.text.includes(t))) return false;
  if (s.bodyPrefixPattern && !new RegExp(s.bodyPrefixPattern).test(r.prefix ?? r.text))
    return false;
  if (s.wwwAuthenticate && !(r.wwwAuthenticate ?? '').includes(s.wwwAuthenticate)) return false;
  return true;
}

// --- the rules ----------------------------------------------------------------------------------

const always = () => true;
const said = (c: DiagnosisContext) => `The server answered ${saidOf(c)}.`;

/** Every rule, in the order they are listed in VENDORS.md §6. */
export const VENDOR_RULES: readonly VendorRule[] = [
  // 6.1 generic
  {
    id: 'G11',
    vendors: 'all',
    phase: 'request',
    when: (c) => {
      const id = param(c, 'client_id');
      const sub = claim(c, 'sub');
      return id !== undefined && sub !== undefined && id !== sub;
    },
    code: 'ASSERTION_ISS_SUB_MISMATCH',
    likelihood: 85,
    title: 'client_id parameter differs from the assertion sub',
    evidence: (c) =>
      `The body carries client_id=${param(c, 'client_id')} but the assertion sub is ${String(claim(c, 'sub'))}.`,
    fix: 'Send client_id equal to sub (the client_id the server issued), or leave client_id out.',
    source: src('RFC7523', 'KC-ABSJWT'),
  },
  {
    id: 'G-method',
    vendors: ['openemr', 'oracle-health', 'epic', 'aidbox'],
    phase: 'request',
    when: (c) => {
      const flow = flowOf(c.request.grant);
      const accepted = flow ? c.preset?.flows[flow]?.acceptedMethods.value : undefined;
      return !!accepted && !accepted.includes(c.profile.authMethod as never);
    },
    code: 'AUTH_METHOD_MISMATCH',
    likelihood: 85,
    title: 'This vendor does not accept this client authentication method for the flow',
    evidence: (c) => {
      const flow = flowOf(c.request.grant)!;
      const d = c.preset!.flows[flow]!.acceptedMethods;
      return `${c.preset!.title} accepts ${d.value.join(', ')} for ${flow}; the request uses ${c.profile.authMethod}. ${d.why}`;
    },
    fix: (c) => {
      const flow = flowOf(c.request.grant)!;
      return `Set auth.method to one of ${c.preset!.flows[flow]!.acceptedMethods.value.join(', ')}.`;
    },
    source: src('HL7-BS', 'OE-CCG', 'CER-AUTH', 'AB-CCG'),
  },
  {
    id: 'G-aud',
    // Certain for OpenEMR (source code) and Keycloak (validator); Oracle Health's rule is inferred.
    vendors: ['openemr', 'keycloak'],
    phase: 'request',
    when: (c) => {
      const aud = audList(c);
      if (!aud.length) return false;
      const expected = expectedAudiences(c);
      return !aud.some((a) => expected.includes(a));
    },
    code: 'ASSERTION_AUD_MISMATCH',
    likelihood: 85,
    evidence: (c) =>
      `aud is ${audList(c).join(', ')}; ${c.preset!.title} expects ${expectedAudiences(c).join(' or ')} (${c.preset!.assertionAud.why})`,
    fix: (c) => `Set aud to ${expectedAudiences(c)[0]}.`,
    source: src('HL7-ASYM', 'OE-AC', 'ORCL-F2', 'KC-JWTVAL'),
  },
  // 6.3 OpenEMR
  {
    id: 'O1-alg',
    vendors: ['openemr'],
    phase: 'request',
    when: (c) => {
      const alg = sentAlg(c);
      return !!c.assertion && !!alg && !c.preset!.algs.accepted.value.includes(alg as never);
    },
    code: 'ASSERTION_ALG_NOT_ACCEPTED',
    likelihood: 85,
    evidence: (c) =>
      `The assertion is signed ${sentAlg(c)}; OpenEMR verifies ${c.preset!.algs.accepted.value.join(', ')} only (RsaSha384Signer).`,
    fix: 'Sign the assertion with an RSA key and alg RS384.',
    source: src('OE-CCG'),
  },
  {
    id: 'O1-disabled',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-client-auth-failed',
    when: (c) => !!c.assertion,
    code: 'CLIENT_DISABLED',
    likelihood: 65,
    evidence: (c) =>
      `${said(c)} The assertion passed every local check (aud, RS384, iss/sub, exp, jti, kid), and OpenEMR gives this same answer for a client that is registered but not enabled — new clients start disabled.`,
    fix: 'An OpenEMR admin enables the client: Administration → System → API Clients → Edit → Enable. If it is enabled, check the registered JWKS holds this key.',
    source: src('OE-CCG', 'OE-SMART', 'OE-ISS12303'),
  },
  {
    id: 'O2',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-assertion-type',
    when: always,
    code: 'AUTH_METHOD_MISMATCH',
    likelihood: 95,
    title: 'OpenEMR client_credentials needs a private_key_jwt assertion',
    evidence: (c) =>
      `${said(c)} client_assertion_type was ${param(c, 'client_assertion_type') ?? 'not sent'} (auth method ${c.profile.authMethod}); OpenEMR's client_credentials accepts only a jwt-bearer assertion.`,
  },
  {
    id: 'O3',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-invalid-scope',
    when: (c) =>
      !c.preflight.some((f) => f.code === 'SCOPE_INVALID_FOR_GRANT' && f.severity === 'error'),
    code: 'SCOPE_NOT_ALLOWED',
    likelihood: 75,
    evidence: (c) =>
      `${said(c)} Requested scope "${param(c, 'scope') ?? ''}". ${/system\//.test(param(c, 'scope') ?? '') ? 'system/ scopes exist only when "Enable OpenEMR FHIR System Scopes" is on (off by default), and only if registered on the client.' : 'The scope is not registered on the client.'}`,
  },
  {
    id: 'O4',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-php-notice',
    when: (c) => !!c.response?.prefix,
    code: 'NON_JSON_RESPONSE',
    // The JSON after the notice was read: when it names an error, that error (and what the
    // request shows) is the cause, and the notice is noise to clean up.
    likelihood: 60,
    title: 'A PHP notice was printed before the JSON',
    evidence: (c) =>
      `The body starts with ${c.response!.prefix!.length} characters of PHP output before the JSON: "${c.response!.prefix!.slice(0, 80).trim()}".`,
  },
  {
    id: 'O5',
    vendors: ['openemr'],
    phase: 'response',
    when: (c) => c.response?.status === 404 && /API is disabled/i.test(c.response.text),
    code: 'ENDPOINT_NOT_FOUND',
    likelihood: 95,
    title: 'OpenEMR API is disabled',
    evidence: (c) => `HTTP 404 from ${c.request.url}: "${c.response!.text.slice(0, 100)}".`,
    fix: 'Administration → Config → Connectors: enable the Standard REST API and the Standard FHIR REST API, and set the Site Address.',
    source: src('OE-AUTHN', 'OE-FHIRRM'),
  },
  {
    id: 'O12',
    vendors: ['openemr'],
    phase: 'response',
    shape: 'openemr-password-grant-off',
    when: (c) => c.request.grant === 'password',
    code: 'GRANT_NOT_ALLOWED',
    likelihood: 95,
    title: 'OpenEMR has the password grant switched off',
    evidence: (c) => `${said(c)} "Enable OAuth2 Password Grant" is off by default in OpenEMR.`,
    fix: 'Use the authorization code flow; for testing only, enable the OAuth2 password grant in Administration → Config → Connectors.',
  },
  {
    id: 'O7',
    vendors: ['openemr'],
    phase: 'response',
    when: (c) =>
      c.request.grant === 'client_credentials' && c.response?.error === 'unauthorized_client',
    code: 'GRANT_NOT_ALLOWED',
    likelihood: 92,
    title: 'The OpenEMR client record lacks client_credentials (grant types not saved)',
    evidence: (c) =>
      `${said(c)} OpenEMR keeps the grant types of the client record, and a client registered through /registration is saved with authorization_code only: the grant_types sent are not stored (#8547, 7.0.3).`,
    fix: 'Check the grant types of the client in Administration → System → API Clients and add client_credentials, or upgrade OpenEMR past the #8547 fix; registering again does not help.',
    source: src('OE-ISS8547', 'OE-AC'),
  },
  {
    id: 'O11',
    vendors: ['openemr'],
    phase: 'response',
    when: (c) =>
      c.request.grant === 'authorization_code' &&
      c.response?.error === 'invalid_client' &&
      /Client authentication failed/i.test(c.response.message) &&
      param(c, 'redirect_uri') !== undefined,
    code: 'REDIRECT_URI_MISMATCH',
    likelihood: 90,
    title: 'OpenEMR says "Client authentication failed" for a redirect_uri it does not know',
    evidence: (c) =>
      `${said(c)} The code exchange sent redirect_uri=${param(c, 'redirect_uri')!}. OpenEMR (league/oauth2-server validateRedirectUri) answers invalid_client "Client authentication failed" when the redirect_uri is not one registered on the client, not only for a wrong secret (#6644).`,
    fix: (c) =>
      `Register ${param(c, 'redirect_uri')!} byte-for-byte on the client (Administration → System → API Clients), or send the redirect_uri that is registered. Swagger UI sends ${openEmrRoot(c.request.url)}/swagger/oauth2-redirect.html: register that URI to authorize from Swagger.`,
    source: src('OE-ISS6644', 'OE-API'),
  },
  // Registration answers (6.3 O6)
  {
    id: 'O6',
    vendors: ['openemr'],
    phase: 'registration',
    when: (c) => {
      const jwks = c.registration?.jwks;
      return !!jwks && typeof jwks === 'object' && (c.response?.status ?? 0) >= 400;
    },
    code: 'CLIENT_METADATA_INVALID',
    likelihood: 95,
    title: 'OpenEMR fails on jwks sent by value (bug #8958)',
    evidence: (c) =>
      `HTTP ${c.response!.status} from ${c.request.url} to a registration that sent jwks as a JSON object; OpenEMR 7.0.3 reads jwks as a string and fails on the object (#8958).${c.response!.text ? ` Answer: "${c.response!.text.slice(0, 100).trim()}".` : ''}`,
    fix: 'Register with jwks_uri instead (publish the public JWKS, e.g. with the JWKS hosting step, and set the profile JWKS URL), or upgrade OpenEMR past the #8958 fix.',
    source: src('OE-ISS8958'),
  },
  // 6.4 Oracle Health
  {
    id: 'C1',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-authorization-header',
    when: bearerJwt,
    code: 'ASSERTION_IN_AUTH_HEADER',
    likelihood: 95,
    evidence: (c) =>
      `${said(c)} The assertion went in "Authorization: Bearer …"; Oracle Health reads only Basic there, so it could not identify the client (client=unknown).`,
  },
  {
    id: 'C1-basic',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-authorization-header',
    when: (c) => !bearerJwt(c),
    code: 'CLIENT_SECRET_INVALID',
    likelihood: 85,
    title: 'The Authorization header could not be read',
    evidence: (c) =>
      `${said(c)} The Authorization header is not a valid Basic base64(client_id:secret).`,
    fix: 'Send Authorization: Basic base64(client_id:secret) built from the system account.',
  },
  {
    id: 'C2-body',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-client-credentials',
    when: (c) => c.response?.cerner?.client === 'unknown' && !!param(c, 'client_secret'),
    code: 'AUTH_METHOD_MISMATCH',
    likelihood: 95,
    title: 'Oracle Health reads the system account secret only from HTTP Basic',
    evidence: (c) =>
      `${said(c)} The secret was sent in the form body (client_secret_post); Oracle Health did not find client credentials (client=unknown).`,
    fix: 'Use client_secret_basic: Authorization: Basic base64(client_id:secret), nothing in the body.',
    source: src('CER-AUTH', 'CER-SPEC'),
  },
  {
    id: 'C2-unknown',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-client-credentials',
    when: (c) => c.response?.cerner?.client === 'unknown' && !param(c, 'client_secret'),
    code: 'CLIENT_UNKNOWN',
    likelihood: 90,
    evidence: (c) =>
      `${said(c)} client=unknown in error_uri: Oracle Health does not know client_id ${c.profile.clientId ?? ''} in tenant ${c.response!.cerner!.tenant ?? '(none)'}.`,
    fix: 'Copy the client id of the system account from Cerner Central System Accounts; check the tenant in the token URL.',
  },
  {
    id: 'C2-secret',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-client-credentials',
    when: (c) => !!c.response?.cerner?.client && c.response.cerner.client !== 'unknown',
    code: 'CLIENT_SECRET_INVALID',
    likelihood: 90,
    evidence: (c) =>
      `${said(c)} client=${c.response!.cerner!.client} in error_uri: the client is known, so the secret is wrong or was rotated.`,
    fix: 'Verify or rotate the secret in Cerner Central System Accounts and store the new one.',
  },
  {
    id: 'C3',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-invalid-signature',
    when: always,
    code: 'ASSERTION_SIGNATURE_INVALID',
    likelihood: 75,
    evidence: (c) =>
      `${said(c)} The JWKS registered on the system account does not verify this assertion (kid ${String(c.assertion?.header.kid ?? '(none)')}, alg ${sentAlg(c) ?? '?'}).`,
    fix: 'Register the public key (JWKS) on the system account in Cerner Central, sign with that key, RS384 or ES384.',
  },
  {
    id: 'C4',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-code-invalid-or-expired',
    when: always,
    code: 'CODE_INVALID',
    likelihood: 95,
    evidence: said,
  },
  {
    id: 'C5',
    vendors: ['oracle-health'],
    phase: 'response',
    shape: 'cerner-denied-by-server',
    when: always,
    code: 'AUTHORIZATION_DENIED',
    likelihood: 95,
    evidence: said,
  },
  // 6.5 Epic
  {
    id: 'E3',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-null-description',
    when: (c) =>
      c.profile.authMethod === 'private_key_jwt' && !c.profile.jwksUri && !c.assertion?.header.jku,
    code: 'ASSERTION_KID_NOT_FOUND',
    likelihood: 72,
    title: 'Epic finds no key for this kid: static key uploads are retired',
    evidence: (c) =>
      `${said(c)} The profile has no JWK Set URL (JKU) and the assertion no jku; Epic no longer accepts static public-key uploads for backend apps (sandbox since Feb 2026), so kid ${String(c.assertion?.header.kid ?? '')} is not found.`,
    fix: 'Host your public keys at a JWK Set URL, register it on the app (non-production and production), and set it as the profile JWKS URL.',
    source: src('EPIC-DEV', 'EPIC-CHG'),
  },
  {
    id: 'E1-synced',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-null-description',
    when: succeededBefore,
    code: 'CLIENT_DISABLED',
    likelihood: 68,
    title: 'The app registration changed or is not synced',
    evidence: (c) =>
      `${said(c)} The same client id got a token from ${c.request.url} earlier in this run and the assertion passes every local check, so the registration changed server-side (not yet synced, keys or license changed).`,
    fix: 'Wait for the registration to sync (changes take time to reach the environment); check the app is active and its keys/JKU are set for this environment.',
    source: src('EPIC-GO', 'EPIC-VOLC', 'EPIC-MIRROR'),
  },
  {
    id: 'E1-client',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-null-description',
    when: (c) => !succeededBefore(c),
    code: 'CLIENT_UNKNOWN',
    likelihood: 66,
    title: 'Client id of the other environment (non-production vs production)',
    evidence: (c) =>
      `${said(c)} The assertion passes every local check; the commonest cause is iss/sub = ${c.profile.clientId ?? ''} being the production client id used against non-production (or the reverse), or a registration not yet synced.`,
    fix: 'Use the client id of this environment (the app page shows a Non-Production and a Production Client ID) in iss and sub.',
    source: src('EPIC-MIRROR', 'EPIC-NANGO', 'EPIC-GO'),
  },
  {
    id: 'E2',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-null-description',
    when: (c) =>
      !succeededBefore(c) &&
      c.earlier.some((e) => e.ok && e.url !== c.request.url && /\/oauth2\/token$/.test(e.url)),
    code: 'CLIENT_DISABLED',
    likelihood: 70,
    title: 'Works in another Epic environment, refused here: the app is not active for this one',
    evidence: (c) => {
      const there = [...c.earlier]
        .reverse()
        .find((e) => e.ok && e.url !== c.request.url && /\/oauth2\/token$/.test(e.url))!;
      return `${said(c)} Earlier in this run ${there.clientId ?? 'a client'} got a token from ${there.url}, and the assertion to ${c.request.url} passes every local check. In a customer (production) environment the organisation must download and activate the app, its administrator (ECSA) must map client ${c.profile.clientId ?? ''} to an Epic user, and the app's production key / JKU must be set for the license; the sandbox needs none of that.`;
    },
    fix: 'Ask the customer organisation to activate the app and map its client id to an Epic user; check the production client id is used and the production JWK Set URL is set on the app.',
    source: src('EPIC-MIRROR', 'EPIC-DEV'),
  },
  {
    id: 'E5',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-secret-basic',
    when: (c) => /%[0-9A-F]{2}/i.test(basicCredentials(c) ?? ''),
    code: 'CLIENT_SECRET_INVALID',
    likelihood: 90,
    title: 'Basic credentials were URL-encoded; Epic compares them as sent',
    evidence: (c) =>
      `${said(c)} The Basic header holds %-encoded characters (the id/secret were form-encoded per RFC 6749 §2.3.1); Epic compares them unencoded.`,
    fix: 'Build Basic from the raw client_id:secret (no URL-encoding) for Epic.',
  },
  // 6.6 Aidbox
  {
    id: 'AB2-grant',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) => c.response?.error === 'unauthorized_client',
    code: 'GRANT_NOT_ALLOWED',
    likelihood: 90,
    evidence: (c) =>
      `${said(c)} The Client resource's grant_types does not list ${c.request.grant ?? 'this grant'}.`,
    fix: (c) =>
      `Add "${c.request.grant ?? 'client_credentials'}" to grant_types of Client/${c.profile.clientId ?? ''}.`,
    source: src('AB-CCG'),
  },
  {
    id: 'AB2-scope',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) =>
      c.response?.error === 'invalid_scope' &&
      c.request.grant === 'client_credentials' &&
      /(^|\s)(patient|user)\//.test(param(c, 'scope') ?? ''),
    code: 'SCOPE_INVALID_FOR_GRANT',
    likelihood: 90,
    evidence: (c) =>
      `${said(c)} scope "${param(c, 'scope') ?? ''}" holds patient/ or user/ scopes; an Aidbox smart-app may use only system/ scopes with client_credentials.`,
    fix: 'Request system/ scopes for client_credentials.',
    source: src('AB-CCG'),
  },
  {
    id: 'AB2-unknown',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) =>
      c.response?.error === 'invalid_client' && /unknown client/i.test(c.response.message),
    code: 'CLIENT_UNKNOWN',
    likelihood: 90,
    evidence: said,
    source: src('AB-CCG'),
  },
  {
    id: 'AB2-secret',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) =>
      c.response?.error === 'invalid_client' &&
      /client_secret|credentials/i.test(c.response.message) &&
      c.profile.authMethod.startsWith('client_secret'),
    code: 'CLIENT_SECRET_INVALID',
    likelihood: 85,
    evidence: (c) => `${said(c)} Compare with the secret of Client/${c.profile.clientId ?? ''}.`,
    source: src('AB-CCG'),
  },
  {
    id: 'AB3',
    vendors: ['aidbox'],
    phase: 'response',
    when: (c) =>
      c.response?.error === 'invalid_client' &&
      !!param(c, 'client_assertion') &&
      !/unknown client/i.test(c.response.message),
    code: 'AUTH_METHOD_MISMATCH',
    likelihood: 70,
    title: 'The Aidbox Client is not set up for JWT assertions',
    evidence: (c) =>
      `${said(c)} The assertion passes every local check; Aidbox accepts client_assertion only when the Client lists the jwt-bearer type in auth.client_credentials.client_assertion_types.`,
    fix: 'On the Client resource set auth.client_credentials.client_assertion_types: [urn:ietf:params:oauth:client-assertion-type:jwt-bearer] and a reachable jwks_uri.',
    source: src('AB-BS', 'AB-CCG'),
  },
  // Successful answers: what the vendor documents about the tokens (6.3 O13, 6.4 C8, 6.6 AB4)
  {
    id: 'O13',
    vendors: ['openemr'],
    phase: 'success',
    when: (c) => typeof c.response?.json?.expires_in === 'number',
    code: 'TOKEN_LIFETIME',
    severity: 'info',
    likelihood: 50,
    title: 'OpenEMR token lifetime: trust expires_in, not the docs',
    evidence: (c) =>
      `expires_in is ${String(c.response!.json!.expires_in)} s. OpenEMR's docs (Nov 2025) say 60 s for client_credentials; the code issues PT300S (AuthorizationController), and authorization-code tokens live 1 h.`,
    fix: 'Schedule renewal from expires_in of each answer; do not hard-code 60 s or 300 s.',
    source: src('OE-AUTHN', 'OE-AC'),
  },
  {
    id: 'C8',
    vendors: ['oracle-health'],
    phase: 'success',
    when: (c) => typeof c.response?.json?.expires_in === 'number',
    code: 'TOKEN_LIFETIME',
    severity: 'info',
    likelihood: 50,
    title: 'Oracle Health tokens live about 10 minutes; refresh is throttled',
    evidence: (c) =>
      `expires_in is ${String(c.response!.json!.expires_in)} s (Oracle Health documents ~570 s). Refreshing more often than once a minute may be throttled, a refresh answer carries no new refresh token, and offline_access refresh needs Basic client credentials.`,
    fix: 'Renew shortly before expires_in runs out (not in a tight loop); keep the first refresh token; use client_secret_basic for offline_access refreshes.',
    source: src('CER-AUTH'),
  },
  {
    id: 'AB4',
    vendors: ['aidbox'],
    phase: 'success',
    when: (c) =>
      c.response?.json?.expires_in === undefined &&
      typeof c.response?.json?.access_token === 'string' &&
      !c.response.json.access_token.includes('.'),
    code: 'TOKEN_RESPONSE_INVALID',
    severity: 'warning',
    likelihood: 50,
    title: 'Aidbox opaque token: no expires_in, no refresh token',
    evidence: () =>
      'The access token is opaque (the Aidbox default) and the answer has no expires_in and no refresh_token, so its lifetime is unknown to the client.',
    fix: 'On the Client resource set auth.client_credentials.token_format: jwt and access_token_expiration (and refresh_token: true if refresh is wanted).',
    source: src('AB-CCG', 'AB-BS'),
  },
  // Resource calls (6.3 O9, 6.4 C6/C7, 6.5 E6, 6.6 AB1)
  {
    id: 'G5',
    basis: 'check',
    vendors: 'all',
    phase: 'resource',
    when: (c) => {
      const type = resourceType(c.request.url);
      return c.response?.status === 403 && !!type && !!c.grantedScope && !scopeCovers(c, type);
    },
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 90,
    title: 'The granted scope does not cover this resource type',
    evidence: (c) =>
      `HTTP 403 for ${resourceType(c.request.url)!} at ${c.request.url}; the token's granted scope is "${c.grantedScope!}", which has no read/search scope for ${resourceType(c.request.url)!} (the server may have granted less than was requested).`,
    fix: (c) =>
      `Request a scope for ${resourceType(c.request.url)!} (e.g. system/${resourceType(c.request.url)!}.rs) and check that the answer's scope includes it; if the server narrows it, the client is not allowed that scope.`,
    source: src('HL7-BS', 'HL7-SCOPES'),
  },
  {
    id: 'AB1',
    vendors: ['aidbox'],
    phase: 'resource',
    shape: 'aidbox-no-access-policy',
    when: always,
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 95,
    title: 'No Aidbox AccessPolicy lets this Client read',
    evidence: (c) =>
      `HTTP 403 from ${c.request.url} with a token Aidbox accepted: a new Client has no access until an AccessPolicy links Client/${c.profile.clientId ?? ''}.`,
  },
  {
    id: 'E6',
    vendors: ['epic'],
    phase: 'resource',
    shape: 'epic-operation-outcome',
    when: (c) => (c.response?.status ?? 0) >= 400,
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 95,
    title: 'Epic refused the user behind the client (OperationOutcome)',
    evidence: (c) => {
      const t = c.response!.text;
      const what = t.includes('4118')
        ? '4118: the Epic user mapped to this client is not authorized'
        : 'a Break-the-Glass restriction (4130/4131)';
      return `HTTP ${c.response!.status} from ${c.request.url} with OperationOutcome ${what}. The token is fine: this is not an OAuth problem.`;
    },
  },
  {
    id: 'C6',
    vendors: ['oracle-health'],
    phase: 'resource',
    when: (c) =>
      c.response?.status === 401 &&
      /tenant-mismatch/.test(`${c.response.wwwAuthenticate ?? ''} ${c.response.text}`),
    code: 'TOKEN_AUDIENCE_MISMATCH',
    likelihood: 95,
    title: 'Token minted for another Oracle Health tenant or host',
    evidence: (c) =>
      `HTTP 401 tenant-mismatch from ${c.request.url}${c.response!.wwwAuthenticate ? ` (WWW-Authenticate: ${c.response!.wwwAuthenticate})` : ''}: the token came from another tenant's or host's token endpoint.`,
    fix: 'Get the token from the token_endpoint advertised by this FHIR base (its .well-known/smart-configuration).',
    source: src('ORCL-F4', 'CER-WK'),
  },
  {
    id: 'C7',
    vendors: ['oracle-health'],
    phase: 'resource',
    when: (c) => c.response?.status === 403 && /\$export/.test(c.request.url),
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 95,
    title: 'App not authorized for bulk data in this tenant',
    evidence: (c) =>
      `HTTP 403 for ${c.request.url}: bulk $export is not authorized for this app, tenant or group.`,
    fix: 'Ask the organisation to authorize the app for Millennium Bulk Data in this tenant (and group).',
    source: src('CER-BULK'),
  },
  {
    id: 'O9',
    vendors: ['openemr'],
    phase: 'resource',
    when: (c) =>
      (c.response?.status === 401 || c.response?.status === 403) &&
      /\/apis\/[^/]+\/api\//.test(c.request.url) &&
      /(^|\s)system\//.test(c.grantedScope ?? ''),
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 85,
    title: 'OpenEMR standard API refuses system-scope tokens',
    evidence: (c) =>
      `HTTP ${c.response!.status} from the standard API (${c.request.url}) with a system/ token: OpenEMR did not allow system scopes for api:oemr (#8556, fixed 2025-07).`,
    fix: 'Use the FHIR API (/apis/{site}/fhir), or upgrade OpenEMR past the #8556 fix.',
    source: src('OE-ISS8556'),
  },
  // Successful resource calls (6.3 O10, 6.6 AB5)
  {
    id: 'O10',
    basis: 'check',
    vendors: ['openemr'],
    phase: 'resource-success',
    severity: 'warning',
    when: (c) => unaskedTypes(c).length > 0,
    code: 'BULK_TYPE_IGNORED',
    likelihood: 90,
    title: 'OpenEMR ignored _type and exported the other permitted types (#8668)',
    evidence: (c) =>
      `${exportEvidence(c)} OpenEMR 7.0.3 answers a _type outside the token's scopes with the other resources the token may read instead of refusing (#8668, open).`,
    fix: 'Check _type against the granted scope before exporting: request a token with a scope for each type in _type (e.g. system/Observation.read), or drop the uncovered types. Do not use this export as the filtered one.',
    source: src('OE-ISS8668'),
  },
  {
    id: 'G-export-type',
    basis: 'check',
    vendors: 'all',
    phase: 'resource-success',
    severity: 'warning',
    when: (c) => unaskedTypes(c).length > 0,
    code: 'BULK_TYPE_IGNORED',
    likelihood: 60,
    evidence: exportEvidence,
    source: src('OE-ISS8668'),
  },
  {
    id: 'AB5',
    basis: 'history',
    vendors: ['aidbox'],
    phase: 'resource-success',
    when: (c) => !!c.revokedAt,
    code: 'TOKEN_STILL_ACTIVE',
    likelihood: 95,
    title: 'Aidbox: the Session of this token is still open',
    evidence: (c) =>
      `HTTP ${c.response!.status} from ${c.request.url} with a token revoked in this session at ${c.revokedAt!}: Aidbox keeps a token valid until its Session resource is closed, and the revocation used did not close it.`,
    fix: 'Close the Session: DELETE /Session with the token in Authorization: Bearer (the Revoke action does this for Aidbox profiles without a revocation endpoint), then check the token gets 401.',
    source: src('AB-CCG'),
  },
  {
    id: 'G-revoked',
    basis: 'history',
    vendors: 'all',
    phase: 'resource-success',
    when: (c) => !!c.revokedAt,
    code: 'TOKEN_STILL_ACTIVE',
    likelihood: 80,
    evidence: (c) =>
      `HTTP ${c.response!.status} from ${c.request.url} with a token revoked in this session at ${c.revokedAt!}: the revocation answer was 200, but the resource server still accepts the token (RFC 7009 §2.2 answers 200 also for a token the server did not revoke; self-contained JWT access tokens often stay valid until exp).`,
    source: src('RFC7009'),
  },
  // 6.7 Keycloak (the messages are the validator's own: likelihood 95)
  ...(
    [
      ['K1', 'kc-service-accounts-off', 'GRANT_NOT_ALLOWED'],
      ['K1-bearer', 'kc-bearer-only', 'GRANT_NOT_ALLOWED'],
      ['K2', 'kc-public-client', 'AUTH_METHOD_MISMATCH'],
      ['K3-unknown', 'kc-unknown-client', 'CLIENT_UNKNOWN'],
      ['K3-secret', 'kc-wrong-secret', 'CLIENT_SECRET_INVALID'],
      ['K4', 'kc-assertion-type-missing', 'AUTH_METHOD_MISMATCH'],
      ['G11-kc', 'kc-client-id-sub', 'ASSERTION_ISS_SUB_MISMATCH'],
      ['K5', 'kc-invalid-audience', 'ASSERTION_AUD_MISMATCH'],
      ['K6', 'kc-token-reuse', 'ASSERTION_JTI_REUSED'],
      ['K7', 'kc-invalid-alg', 'ASSERTION_ALG_NOT_ACCEPTED'],
      ['K9-exp', 'kc-exp-too-far', 'ASSERTION_EXP_TOO_FAR'],
      ['K9', 'kc-issued-in-future', 'CLOCK_SKEW'],
    ] as const
  ).map(([id, shape, code]): VendorRule => ({
    id,
    vendors: ['keycloak'],
    phase: 'response',
    shape,
    when: always,
    code,
    likelihood: 95,
    evidence: (c) => kcEvidence(c, code),
  })),
  {
    id: 'K8-kid',
    vendors: ['keycloak'],
    phase: 'response',
    shape: 'kc-public-key',
    when: (c) => c.preflight.some((f) => f.code === 'ASSERTION_KID_NOT_FOUND'),
    code: 'ASSERTION_KID_NOT_FOUND',
    likelihood: 95,
    evidence: (c) =>
      `${said(c)} kid ${String(c.assertion?.header.kid ?? '')} is not in the client's JWKS, so Keycloak has no key to load.`,
  },
  {
    id: 'K8',
    vendors: ['keycloak'],
    phase: 'response',
    shape: 'kc-public-key',
    when: (c) => !c.preflight.some((f) => f.code === 'ASSERTION_KID_NOT_FOUND'),
    code: 'JWKS_UNREACHABLE',
    likelihood: 92,
    evidence: (c) =>
      `${said(c)} Keycloak could not load the client's key from ${c.profile.jwksUri ?? 'its JWKS URL or imported certificate'}.`,
  },
  {
    id: 'K10',
    vendors: ['keycloak'],
    phase: 'response',
    shape: 'kc-legacy-prefix-404',
    when: (c) => /\/realms\//.test(c.request.url),
    code: 'ENDPOINT_NOT_FOUND',
    likelihood: 95,
    title: 'Keycloak /auth prefix mismatch',
    evidence: (c) =>
      /\/auth\/realms\//.test(c.request.url)
        ? `HTTP 404 from ${c.request.url}: Keycloak 17+ serves realms without the /auth prefix.`
        : `HTTP 404 from ${c.request.url}: a Keycloak before 17 (or with the legacy context path) serves realms under /auth.`,
    fix: (c) =>
      /\/auth\/realms\//.test(c.request.url)
        ? `Drop /auth: ${c.request.url.replace('/auth/realms/', '/realms/')}.`
        : `Add /auth: ${c.request.url.replace('/realms/', '/auth/realms/')}.`,
  },
];

function kcEvidence(c: DiagnosisContext, code: CauseCode): string {
  const a = c.assertion;
  const extra: Partial<Record<CauseCode, string>> = {
    ASSERTION_AUD_MISMATCH: `aud ${audList(c).join(', ')}; this realm accepts ${expectedAudiences(c).join(' or ')}.`,
    ASSERTION_ALG_NOT_ACCEPTED: `The assertion is signed ${sentAlg(c) ?? '?'}; the client's "token endpoint auth signing alg" differs.`,
    ASSERTION_JTI_REUSED: `jti ${String(a?.claims.jti ?? '')} was already used.`,
    CLOCK_SKEW: `iat ${String(a?.claims.iat ?? '')} is ahead of the server clock by more than Keycloak's 15 s skew.`,
    ASSERTION_ISS_SUB_MISMATCH: `client_id=${param(c, 'client_id') ?? ''}, sub=${String(a?.claims.sub ?? '')}.`,
    AUTH_METHOD_MISMATCH: `The request used ${c.profile.authMethod}.`,
  };
  return `${said(c)}${extra[code] ? ` ${extra[code]}` : ''}`;
}

function applies(rule: VendorRule, vendor: string | undefined): boolean {
  return (
    rule.vendors === 'all' || (!!vendor && (rule.vendors as readonly string[]).includes(vendor))
  );
}

function sourceText(s: Sources): string {
  return s.map((r) => r.url).join('; ');
}

/**
 * Evaluates the rules: before sending (`phase: 'request'` rules only, no response in the context),
 * or on a failed answer (both phases). Most likely first.
 */
export function vendorFindings(c: DiagnosisContext): RankedFinding[] {
  const vendor = c.preset?.id ?? c.profile.vendor;
  const out: RankedFinding[] = [];
  for (const rule of VENDOR_RULES) {
    if (!applies(rule, vendor)) continue;
    const target = c.target ?? 'token';
    const ruleTarget =
      rule.phase === 'resource' || rule.phase === 'resource-success'
        ? 'resource'
        : rule.phase === 'registration'
          ? 'registration'
          : 'token';
    if (ruleTarget !== target) continue;
    if (rule.phase !== 'request' && !c.response) continue;
    // Success rules only on a successful answer; failure rules never on one.
    if ((rule.phase === 'success' || rule.phase === 'resource-success') !== !!c.succeeded) continue;
    let shape: ErrorShape | undefined;
    if (rule.shape) {
      shape = c.preset?.errorShapes.find((s) => s.id === rule.shape);
      if (!shape || !matchesShape(c, shape)) continue;
    }
    if (!rule.when(c)) continue;
    const source = rule.source ?? shape?.source;
    const fix = typeof rule.fix === 'function' ? rule.fix(c) : (rule.fix ?? shape?.fix);
    const basis = basisOf(rule);
    out.push({
      ruleId: rule.id,
      likelihood: rule.likelihood,
      basis,
      finding: finding(rule.code, rule.evidence(c), {
        basis,
        severity: rule.severity ?? 'error',
        ...(rule.title ? { title: rule.title } : {}),
        ...(fix ? { fix } : {}),
        ...(source ? { source: sourceText(source) } : {}),
      }),
    });
  }
  // One finding per code: the most likely rule's.
  const seen = new Set<CauseCode>();
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.likelihood - a.f.likelihood || a.i - b.i)
    .map(({ f }) => f)
    .filter((f) => (seen.has(f.finding.code) ? false : (seen.add(f.finding.code), true)));
}

/** What a server answered on its own (no token request): the vendor's rules read this context. */
export interface Answer {
  vendor?: string;
  clientId?: string;
  url: string;
  status: number;
  headers: HeaderList;
  body: string;
  json?: Record<string, unknown>;
}

/** The diagnosis context of an answer that is not a token request's (resource, registration…). */
export function answerContext(x: Answer): DiagnosisContext {
  const preset = presetFor(x.vendor);
  const parsed = x.json ? { json: x.json } : parseBodyTolerantly(x.body);
  return {
    ...(preset ? { preset } : {}),
    profile: {
      ...(x.vendor ? { vendor: x.vendor } : {}),
      authMethod: '',
      ...(x.clientId ? { clientId: x.clientId } : {}),
    },
    request: { url: x.url, headers: [], params: [] },
    response: responseContext({
      status: x.status,
      headers: x.headers,
      text: x.body,
      ...(parsed.json ? { json: parsed.json } : {}),
      ...('prefix' in parsed && parsed.prefix ? { prefix: parsed.prefix } : {}),
    }),
    earlier: [],
    preflight: [],
  };
}

/**
 * Vendor findings for a resource (FHIR) call, most likely first: why a failed call failed, or
 * (succeeded) what is wrong with an answer that worked.
 */
export function resourceFindings(
  x: Answer & { grantedScope?: string; succeeded?: boolean; revokedAt?: string },
): Finding[] {
  return vendorFindings({
    ...answerContext(x),
    target: 'resource',
    ...(x.grantedScope ? { grantedScope: x.grantedScope } : {}),
    ...(x.succeeded ? { succeeded: true } : {}),
    ...(x.revokedAt ? { revokedAt: x.revokedAt } : {}),
  }).map((r) => r.finding);
}

/** Vendor findings for a failed registration (RFC 7591) answer, most likely first. */
export function registrationFindings(
  x: Omit<Answer, 'clientId'> & { metadata: Record<string, unknown> },
): Finding[] {
  return vendorFindings({
    ...answerContext(x),
    target: 'registration',
    registration: x.metadata,
  }).map((r) => r.finding);
}

/** The context's response part, parsed tolerantly from what was received. */
export function responseContext(r: {
  status: number;
  headers: HeaderList;
  text: string;
  json?: Record<string, unknown>;
  prefix?: string;
}): NonNullable<DiagnosisContext['response']> {
  const h = (n: string) => r.headers.find(([k]) => k.toLowerCase() === n)?.[1];
  const j = r.json;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const errorDescription =
    j && 'error_description' in j
      ? j.error_description === null
        ? null
        : str(j.error_description)
      : undefined;
  const errorUri = str(j?.error_uri);
  const cerner = errorUri ? decodeCernerErrorUri(errorUri) : undefined;
  const date = h('date');
  const www = h('www-authenticate');
  const error = str(j?.error);
  return {
    status: r.status,
    headers: r.headers,
    text: r.text,
    ...(r.prefix ? { prefix: r.prefix } : {}),
    ...(j ? { json: j } : {}),
    ...(error ? { error } : {}),
    ...(errorDescription !== undefined ? { errorDescription } : {}),
    message: (errorDescription ?? '') || (str(j?.hint) ?? '') || (str(j?.message) ?? ''),
    ...(errorUri ? { errorUri } : {}),
    ...(cerner ? { cerner } : {}),
    ...(date ? { date } : {}),
    ...(www ? { wwwAuthenticate: www } : {}),
  };
}

/** The preset a profile's vendor names, if any. */
export function presetFor(vendor: string | undefined): VendorPreset | undefined {
  return getPreset(vendor);
}
