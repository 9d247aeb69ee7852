/** What vendor rules are written with: the context they read, the rule shape, the helpers. */
import type { Basis, CauseCode, Finding } from '../diagnosis/codes.js';
import type { ErrorShape, PresetId, Sources, VendorPreset } from '../presets.js';
import type { FlowKind, HeaderList } from '../types.js';

/*
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

// --- helpers over the context --------------------------------------------------------------------

/** The value of a form parameter as sent. */
export const param = (c: DiagnosisContext, name: string) =>
  c.request.params.find(([n]) => n === name)?.[1];
/** The Authorization header as sent ('' when absent). */
export const authz = (c: DiagnosisContext) =>
  c.request.headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1] ?? '';
/** Whether the Authorization header carries a JWT as a Bearer token. */
export const bearerJwt = (c: DiagnosisContext) =>
  /^bearer\s+[\w-]+\.[\w-]+\.[\w-]*$/i.test(authz(c).trim());
/** A claim of the client assertion, when one was sent. */
export const claim = (c: DiagnosisContext, name: string) => c.assertion?.claims[name];
/** The alg the assertion was signed with (else the profile's). */
export const sentAlg = (c: DiagnosisContext) =>
  typeof c.assertion?.header.alg === 'string' ? c.assertion.header.alg : c.profile.alg;
/** The assertion's aud, as a list. */
export const audList = (c: DiagnosisContext): string[] => {
  const aud = claim(c, 'aud');
  return Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)];
};
/** What the server answered, in a few words (status, error, message, Cerner error_uri). */
const saidOf = (c: DiagnosisContext) => {
  const r = c.response;
  if (!r) return '';
  const parts = [`HTTP ${r.status}`, r.error, r.message].filter(Boolean);
  if (r.errorDescription === null) parts.push('error_description: null');
  if (r.cerner?.urn) parts.push(`error_uri URN ${r.cerner.urn}`);
  if (r.cerner?.client) parts.push(`client=${r.cerner.client}`);
  return parts.join(' — ');
};
/** Whether this client got a token from this URL earlier in the run. */
export const succeededBefore = (c: DiagnosisContext) =>
  c.earlier.some((e) => e.ok && e.clientId === c.profile.clientId && e.url === c.request.url);
/** The flow a grant type belongs to. */
export const flowOf = (grant: string | undefined): FlowKind | undefined =>
  grant === 'client_credentials'
    ? 'backend-services'
    : grant === 'authorization_code' || grant === 'refresh_token'
      ? 'authorization-code'
      : grant === 'password'
        ? 'password'
        : undefined;
/** The decoded Basic credentials (client_id:secret), if any. */
export const basicCredentials = (c: DiagnosisContext): string | undefined => {
  const m = /^basic\s+(\S+)/i.exec(authz(c));
  if (!m) return undefined;
  try {
    return atob(m[1]!);
  } catch {
    return undefined;
  }
};

/** The FHIR resource type a resource URL addresses (last capitalised path segment), if any. */
export const resourceType = (url: string): string | undefined => {
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
export const scopeCovers = (c: DiagnosisContext, type: string): boolean =>
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
export const unaskedTypes = (c: DiagnosisContext): string[] => {
  const asked = exportTypes(c);
  return asked ? returnedTypes(c).filter((t) => !asked.includes(t)) : [];
};
/** Evidence for an export whose answer holds types its `_type` did not ask for. */
export const exportEvidence = (c: DiagnosisContext) => {
  const asked = exportTypes(c)!;
  const uncovered = c.grantedScope ? asked.filter((t) => !scopeCovers(c, t)) : [];
  return `The request asked for _type=${asked.join(',')}, but the answer from ${c.request.url} holds ${unaskedTypes(c).join(', ')} as well.${
    c.grantedScope
      ? ` The token's granted scope "${c.grantedScope}" ${uncovered.length ? `does not cover ${uncovered.join(', ')}` : `covers ${asked.join(', ')}`}.`
      : ''
  }`;
};

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

/** A condition that always holds (the error shape alone decides). */
export const always = () => true;
/** Evidence that repeats what the server answered. */
export const said = (c: DiagnosisContext) => `The server answered ${saidOf(c)}.`;
