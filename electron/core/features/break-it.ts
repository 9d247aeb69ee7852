import { randomBytes } from 'node:crypto';
import { generateKeyPair, type CryptoKey, type KeyObject } from 'jose';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import { BREAKS, breakInfo, breaksFor } from '../../../shared/diagnosis/glossary.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import { AppFailure } from '../../../shared/result.js';
import type { BreakName, BrokenOnPurpose, GrantType } from '../../../shared/types.js';
import type { Draft, PendingCode, StoredProfile } from '../model.js';

/**
 * Break-it mode (issue 12 §3): one deliberate mistake, made where the request is built and sent
 * to the real server, so the server's real answer and the diagnosis can be read against the
 * cause the mistake should produce. Nothing here tunes the diagnosis: `judge` only compares.
 *
 * Where each break applies:
 * - assertion (aud, exp, jti-reuse, alg, kid, iss-sub): `breakAssertion`, in makeAssertion;
 * - token request params (scope for client_credentials; verifier, redirect-uri at the code
 *   exchange): `breakParams`, in prepareDraft;
 * - authorize request (scope) and callback (state): `breakAuthorize`, in AuthorizationFlows.start.
 */

/** A made-up audience: certainly not the token endpoint. */
export const WRONG_AUD = 'https://wrong.example/token';
/** A kid no server has. */
export const UNKNOWN_KID = 'break-it-unknown-kid';
/** Write-all scopes, when discovery lists no scope to choose from. */
export const NOT_ALLOWED_SCOPE = { system: 'system/*.cruds', user: 'user/*.cruds' } as const;

/**
 * A scope the client is unlikely to be allowed: one the server lists (so it is not dropped as
 * unknown) of the grant's kind that the profile does not request, a wildcard first; else a
 * write-all scope. Whether the client may have it is the server's answer to read.
 */
export function notAllowedScope(
  kind: 'system' | 'user',
  requested: string,
  supported: string[] | undefined,
): string {
  const asked = new Set(requested.split(/\s+/));
  const fits = (s: string) => (kind === 'system' ? /^system\// : /^(patient|user)\//).test(s);
  const candidates = (supported ?? []).filter((s) => fits(s) && !asked.has(s));
  return candidates.find((s) => s.includes('*')) ?? candidates[0] ?? NOT_ALLOWED_SCOPE[kind];
}

/** Breaks that change the authorize request or its callback (the rest wait for the exchange). */
const AT_AUTHORIZE: BreakName[] = ['state', 'scope'];

/** The draft a break was made in, and the pending code whose exchange should carry one. */
const draftBreaks = new WeakMap<Draft, BrokenOnPurpose>();
const pendingBreaks = new WeakMap<PendingCode, BreakName>();
/** The last jti sent per profile, per session (jti-reuse reuses it). */
const lastJtis = new WeakMap<object, Map<string, string>>();

/** What was broken, before the answer: name, what changed in words, the expected cause. */
export function broken(name: BreakName, what: string): BrokenOnPurpose {
  return { name, what, expected: breakInfo(name).expected };
}

/**
 * Refuses a break that does not fit the request (an assertion break without an assertion, a
 * code-flow break on client_credentials), saying which breaks do.
 */
export function assertBreakApplies(
  name: BreakName,
  p: StoredProfile,
  at: 'token' | 'authorize',
  grant?: GrantType,
): void {
  const flow = at === 'authorize' ? 'authorization-code' : effectiveFlow(p);
  const fits = breaksFor({
    flow: grant === 'authorization_code' ? 'authorization-code' : flow,
    authMethod: p.auth.method,
    ...(p.pkce ? { pkce: p.pkce } : {}),
    at,
  }).map((b) => b.name);
  // An exchange-side break (verifier, redirect-uri, assertion) is fine on startAuthorization:
  // it is made when the code is redeemed.
  if (at === 'authorize')
    fits.push(
      ...breaksFor({
        flow: 'authorization-code',
        authMethod: p.auth.method,
        ...(p.pkce ? { pkce: p.pkce } : {}),
        at: 'token',
      })
        .map((b) => b.name)
        .filter((n) => n !== 'scope'),
    );
  if (fits.includes(name)) return;
  throw new AppFailure(
    'INVALID_INPUT',
    `Break "${name}" does not apply to this ${at === 'authorize' ? 'authorization' : 'token request'} (${p.auth.method}, ${grant ?? flow}).`,
    fits.length
      ? `Breaks that apply here: ${[...new Set(fits)].join(', ')}.`
      : 'No break applies to this profile’s request.',
  );
}

/** Remembers the jti sent for a profile (the session object keys the map). */
export function rememberJti(session: object, profileId: string, jti: string): void {
  let m = lastJtis.get(session);
  if (!m) lastJtis.set(session, (m = new Map()));
  m.set(profileId, jti);
}

/**
 * Changes a client assertion for an assertion break, before it is signed. Returns what was
 * changed in words, and another signing key when the alg break needs one (an EC key signs only
 * its own curve's alg, so "another alg" is signed with a throwaway RSA key).
 */
export async function breakAssertion(
  name: BreakName,
  a: {
    header: Record<string, unknown>;
    claims: Record<string, unknown>;
    now: number;
    hmac: boolean;
    /** The key's kind: RSA, EC or OKP (undefined for HMAC). */
    keyKind?: string;
    session: object;
    profileId: string;
    acceptedAlgs?: string[];
  },
): Promise<{ what: string; key?: CryptoKey | KeyObject } | undefined> {
  const { header, claims } = a;
  switch (name) {
    case 'aud':
      claims.aud = WRONG_AUD;
      return { what: `aud is ${WRONG_AUD}, not the token endpoint.` };
    case 'exp':
      claims.iat = a.now - 900;
      claims.exp = a.now - 600;
      return { what: 'exp is 10 minutes in the past (iat 15 minutes).' };
    case 'jti-reuse': {
      const last = lastJtis.get(a.session)?.get(a.profileId);
      if (!last)
        throw new AppFailure(
          'INVALID_INPUT',
          'jti-reuse reuses the jti of the last assertion sent for this profile, and none was sent yet.',
          'Send one token request first, then break jti-reuse.',
        );
      claims.jti = last;
      return { what: `jti ${last.slice(0, 8)}… is the one of the last assertion sent.` };
    }
    case 'kid':
      header.kid = UNKNOWN_KID;
      return { what: `kid is "${UNKNOWN_KID}", a key the server does not have.` };
    case 'iss-sub':
      claims.sub = `${String(claims.iss)}-not-the-client`;
      return { what: `sub is "${String(claims.sub)}", not iss (the client_id).` };
    case 'alg':
      return breakAlg(a);
    default:
      return undefined;
  }
}

async function breakAlg(a: {
  header: Record<string, unknown>;
  hmac: boolean;
  keyKind?: string;
  acceptedAlgs?: string[];
}): Promise<{ what: string; key?: CryptoKey | KeyObject }> {
  const was = String(a.header.alg);
  const pick = (family: string[]) =>
    family.find((x) => x !== was && !a.acceptedAlgs?.includes(x)) ?? family.find((x) => x !== was)!;
  if (a.hmac) {
    const alg = pick(['HS512', 'HS384', 'HS256']);
    a.header.alg = alg;
    return { what: `signed with ${alg}, not ${was}.` };
  }
  const alg = pick(['RS256', 'PS256', 'RS512', 'RS384']);
  a.header.alg = alg;
  if (a.keyKind === 'RSA') return { what: `signed with ${alg}, not the registered ${was}.` };
  const { privateKey } = await generateKeyPair(alg);
  return {
    what: `signed with ${alg} (a throwaway RSA key: the ${a.keyKind ?? 'client'} key cannot sign it), not the registered ${was}.`,
    key: privateKey,
  };
}

/**
 * Changes the token request's parameters for a params break (scope, verifier, redirect-uri).
 * Secret values stay in `fill` (a wrong verifier is still a verifier).
 */
export function breakParams(
  name: BreakName,
  grant: GrantType,
  params: [string, string][],
  fill: Map<string, string>,
  scopesSupported?: string[],
): string | undefined {
  const set = (k: string, v: string) => {
    const i = params.findIndex(([n]) => n === k);
    if (i >= 0) params[i] = [k, v];
    else params.push([k, v]);
  };
  const get = (k: string) => params.find(([n]) => n === k)?.[1];
  if (name === 'scope' && grant !== 'authorization_code') {
    const kind = grant === 'client_credentials' ? 'system' : 'user';
    const extra = notAllowedScope(kind, get('scope') ?? '', scopesSupported);
    set('scope', [get('scope'), extra].filter(Boolean).join(' '));
    return `scope adds ${extra}, which this profile does not request (the client is likely not allowed it).`;
  }
  if (name === 'verifier' && fill.has('code_verifier')) {
    fill.set('code_verifier', randomBytes(32).toString('base64url'));
    return 'code_verifier is a fresh random one, not the one behind the code_challenge.';
  }
  if (name === 'redirect-uri' && get('redirect_uri')) {
    const u = new URL(get('redirect_uri')!);
    u.pathname = `${u.pathname.replace(/\/$/, '')}/other`;
    set('redirect_uri', u.toString());
    return `redirect_uri is ${u.toString()}, not the one sent on the authorize request.`;
  }
  return undefined;
}

/**
 * Changes the authorize request for an authorize-side break: the scope, or the state the app
 * will expect on the callback (the request itself carries the real state, so the server
 * answers normally and the app's own STATE_MISMATCH check fires).
 */
export function breakAuthorize(
  name: BreakName,
  params: [string, string][],
  scopesSupported?: string[],
): { what: string; expectedState?: string } | undefined {
  if (name === 'state')
    return {
      what: 'the app expects another state than the one sent, as if the callback belonged to another sign-in.',
      expectedState: randomBytes(32).toString('base64url'),
    };
  if (name === 'scope') {
    const i = params.findIndex(([n]) => n === 'scope');
    const was = i >= 0 ? params[i]![1] : '';
    const extra = notAllowedScope('user', was, scopesSupported);
    const scope = [was, extra].filter(Boolean).join(' ');
    if (i >= 0) params[i] = ['scope', scope];
    else params.push(['scope', scope]);
    return {
      what: `scope adds ${extra}, which this profile does not request (the client is likely not allowed it).`,
    };
  }
  return undefined;
}

/** Whether a break is made on the authorize request (else at the exchange). */
export const breaksAtAuthorize = (name: BreakName) => AT_AUTHORIZE.includes(name);

/** The code exchange of a broken flow carries the flow's exchange-side break. */
export function markPending(pending: PendingCode, name: BreakName): void {
  pendingBreaks.set(pending, name);
}

export const pendingBreak = (pending: PendingCode | undefined): BreakName | undefined =>
  pending ? pendingBreaks.get(pending) : undefined;

export function markDraft(draft: Draft, b: BrokenOnPurpose): void {
  draftBreaks.set(draft, b);
}

export const draftBreak = (draft: Draft): BrokenOnPurpose | undefined => draftBreaks.get(draft);

/**
 * After the answer: the cause the diagnosis named first, and whether it is the expected one.
 * A request the server accepted names nothing (the mistake went through).
 */
export function judge(b: BrokenOnPurpose, findings: Finding[]): BrokenOnPurpose {
  const named = findings[0]?.code;
  return {
    name: b.name,
    what: b.what,
    expected: b.expected,
    ...(named ? { named } : {}),
    matched: named === b.expected,
  };
}

export { BREAKS };
