/**
 * The state of each step as the rail marks it, derived from the store alone (pure): not used by
 * the profile (with the reason), failed (the last attempt was refused or failed), stale (done, but
 * an input it rests on changed since), done, or nothing yet. Every mark carries its words, for
 * screen readers and the rail's hover text, and says what it rests on.
 */
import type { AuthMethod, FlowKind, ProfileView } from '../../../shared/types.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import type { AppError } from '../../../shared/result.js';
import { FLOW_SHORT } from '../flow-ui.js';
import type { OpKey } from './ops.js';
import { railSteps, STEPS, type Step, type StepId } from './steps.js';
import type { AppState } from './types.js';

export type StepMark = 'done' | 'failed' | 'stale' | 'not-used' | 'none';

export interface StepStatus {
  mark: StepMark;
  /** The mark in words (empty for none): "Done: …", "Failed: …", "Stale: …", "Not used: …". */
  text: string;
}

/** The part of the store the marks are derived from. */
export type StepStatusInput = Pick<
  AppState,
  | 'ops'
  | 'profiles'
  | 'activeProfileId'
  | 'discovery'
  | 'keys'
  | 'jwksHost'
  | 'registrationResult'
  | 'assertion'
  | 'overrides'
  | 'authFlow'
  | 'deviceFlow'
  | 'draft'
  | 'tokenResult'
  | 'tokenSet'
  | 'tokenOp'
  | 'resource'
  | 'inspectReport'
>;

/** The operations each step runs: an error on any of them is that step's failed attempt. */
const STEP_OPS: Record<StepId, readonly OpKey[]> = {
  profile: ['saveProfile', 'importProfile'],
  discovery: ['discover'],
  scopes: [],
  keys: ['generateKey', 'importKey', 'applyKeyToProfile'],
  registration: [
    'prepareRegistration',
    'sendRegistration',
    'readRegistration',
    'updateRegistration',
    'deleteRegistration',
  ],
  assertion: ['buildAssertion'],
  authorize: ['startAuthorization', 'completeAuthorization'],
  device: ['startDeviceAuthorization'],
  'token-request': ['prepareTokenRequest', 'sendTokenRequest'],
  tokens: [
    'refreshTokens',
    'introspectAccess',
    'introspectRefresh',
    'revokeAccess',
    'revokeRefresh',
    'callUserinfo',
    'endSession',
  ],
  resource: ['callResource'],
  inspector: ['inspect'],
};

/**
 * The calls made for the active profile (its server, its client): their errors belong to it and
 * are forgotten when another profile is chosen. Profile, Keys and Inspector are not per profile.
 */
export const PROFILE_OPS: readonly OpKey[] = (Object.keys(STEP_OPS) as StepId[])
  .filter((id) => id !== 'profile' && id !== 'keys' && id !== 'inspector')
  .flatMap((id) => STEP_OPS[id]);

const NONE: StepStatus = { mark: 'none', text: '' };
const done = (what: string): StepStatus => ({ mark: 'done', text: `Done: ${what}` });
const failed = (what: string): StepStatus => ({ mark: 'failed', text: `Failed: ${what}` });
const stale = (what: string): StepStatus => ({ mark: 'stale', text: `Stale: ${what}` });

/** How each auth method authenticates, in words that end "…so …" in the reasons below. */
const METHOD_WORDS: Record<AuthMethod, string> = {
  none: 'none (a public client: no secret, nothing signed)',
  client_secret_basic: 'client_secret_basic (the secret in the Authorization header)',
  client_secret_post: 'client_secret_post (the secret in the form body)',
  client_secret_jwt: 'client_secret_jwt (an assertion signed with the client secret, no key pair)',
  private_key_jwt: 'private_key_jwt',
};

/**
 * Why the profile's flow does not use this step, or null when it does. Rests on the profile's
 * flow and auth method, and for Registration on discovery (no registration_endpoint advertised).
 */
export function notUsedReason(
  id: StepId,
  profile: ProfileView | null,
  discovery: StepStatusInput['discovery'] = null,
): string | null {
  if (!profile) return null;
  const flow: FlowKind = effectiveFlow(profile);
  const method = profile.auth.method;
  const signIn = `this profile runs the ${FLOW_SHORT[flow]} flow, which`;
  switch (id) {
    case 'keys':
      return method === 'private_key_jwt'
        ? null
        : `Not used: this profile authenticates with ${METHOD_WORDS[method]}. Keys sign private_key_jwt assertions: choose that auth method in Profile to use one.`;
    case 'assertion':
      return method === 'private_key_jwt' || method === 'client_secret_jwt'
        ? null
        : `Not used: this profile authenticates with ${METHOD_WORDS[method]}, which sends no client assertion. Assertions are for private_key_jwt and client_secret_jwt.`;
    case 'authorize':
      return flow === 'authorization-code'
        ? null
        : `Not used: ${signIn} signs no one in through the browser. Authorize is for the authorization code flow.`;
    case 'device':
      return flow === 'device-code'
        ? null
        : `Not used: ${signIn} does not sign in on another device. Device sign-in is for the device code flow.`;
    case 'registration':
      return !profile.registrationEndpoint &&
        discovery &&
        discovery.documents.some((d) => d.ok) &&
        !discovery.registrationEndpoint
        ? 'Not used: the server’s discovery documents name no registration_endpoint, so it offers no dynamic registration (RFC 7591 §3). Register the client at the server (its admin console), or enter a registration endpoint in Profile.'
        : null;
    default:
      return null;
  }
}

const activeProfile = (s: StepStatusInput): ProfileView | null =>
  s.profiles.find((p) => p.id === s.activeProfileId) ?? null;

/** The step's last failed operation, unless it was cancelled (a cancel is no failure). */
function opError(s: StepStatusInput, id: StepId): AppError | null {
  for (const key of STEP_OPS[id]) {
    const e = s.ops[key]?.error;
    if (e && e.code !== 'CANCELLED') return e;
  }
  return null;
}

const httpWords = (status: number | undefined) =>
  status === undefined ? 'no answer' : `HTTP ${status}`;

/** The first finding's cause code, for a refused answer's words. */
function firstCause(findings: { code: string }[]): string {
  const f = findings[0];
  return f ? ` (${f.code})` : '';
}

/** Which of the named fields differ between two objects (compared as JSON). */
function changed<T extends object>(was: T, now: T, fields: (keyof T)[]): string[] {
  return fields
    .filter((f) => JSON.stringify(was[f]) !== JSON.stringify(now[f]))
    .map((f) => String(f));
}

const list = (names: string[]) => names.join(', ');

/** The base a discovery document URL starts with: the FHIR base, before any .well-known part. */
function discoveryMatches(p: ProfileView, urls: string[]): boolean {
  const base = p.fhirBaseUrl?.split('/.well-known/')[0]?.replace(/\/+$/, '');
  let issuerOrigin: string | null = null;
  try {
    issuerOrigin = p.issuer ? new URL(p.issuer).origin : null;
  } catch {
    issuerOrigin = null;
  }
  return urls.some(
    (u) => (base && u.startsWith(`${base}/`)) || (issuerOrigin && u.startsWith(issuerOrigin)),
  );
}

const param = (params: [string, string][], name: string) => params.find(([n]) => n === name)?.[1];

function statusOf(id: StepId, s: StepStatusInput, p: ProfileView): StepStatus {
  const reason = notUsedReason(id, p, s.discovery);
  if (reason) return { mark: 'not-used', text: reason };
  const error = opError(s, id);
  if (error) return failed(error.message);
  switch (id) {
    case 'profile':
      return done(`profile ${p.name} is saved`);

    case 'discovery': {
      const d = s.discovery;
      if (!d) return NONE;
      const ok = d.documents.filter((doc) => doc.ok);
      if (ok.length === 0) return failed('no discovery document could be read');
      if (
        !discoveryMatches(
          p,
          d.documents.map((doc) => doc.url),
        )
      )
        return stale(
          'the profile’s FHIR base URL or issuer changed since the discovery; run it again',
        );
      return done(`${ok.length} discovery document${ok.length === 1 ? '' : 's'} read`);
    }

    case 'scopes': {
      const n = p.scope.trim().split(/\s+/).filter(Boolean).length;
      return n ? done(`${n} scope${n === 1 ? '' : 's'} in the profile`) : NONE;
    }

    case 'keys': {
      if (!p.auth.keyId) return NONE;
      const key = s.keys.find((k) => k.id === p.auth.keyId);
      if (!key) return failed('the profile’s key is not among the keys held here');
      if (!key.hasPrivateKey || key.privateKey)
        return failed(`the private part of key ${key.kid} cannot be used here`);
      return done(`key ${key.kid} signs for the profile`);
    }

    case 'registration': {
      const r = s.registrationResult;
      if (r && !r.ok)
        return failed(`the server refused (${httpWords(r.status)})${firstCause(r.findings)}`);
      if (s.jwksHost?.staleProfiles.some((x) => x.profileId === p.id))
        return stale(
          'the registered jwks_uri is no longer served by this app; update the registration',
        );
      if (r && r.action === 'delete') return NONE;
      if (r) {
        const diff = changed(
          { ...r.profile, method: r.profile.auth.method, key: r.profile.auth.keyId },
          { ...p, method: p.auth.method, key: p.auth.keyId },
          ['flow', 'redirectUri', 'scope', 'jwksUri', 'method', 'key'],
        );
        if (diff.length)
          return stale(
            `the profile’s ${list(diff)} changed since the registration; update it or register again`,
          );
        return done(
          r.action === 'register'
            ? 'the client is registered'
            : `registration ${r.action === 'read' ? 'read back' : 'updated'}`,
        );
      }
      return p.hasRegistrationToken ? done('the client was registered from this app') : NONE;
    }

    case 'assertion': {
      const a = s.assertion;
      if (!a) return NONE;
      // Fields the user overrode on purpose are not compared with the profile.
      const pinned = { ...s.overrides?.header, ...s.overrides?.claims };
      const diff: string[] = [];
      if (!('iss' in pinned) && a.claims.iss !== p.clientId) diff.push('client_id (iss)');
      if (!('kid' in pinned) && p.auth.kid && a.header.kid !== p.auth.kid) diff.push('key (kid)');
      if (!('alg' in pinned) && p.auth.alg && a.header.alg !== p.auth.alg) diff.push('alg');
      if (diff.length)
        return stale(`the profile’s ${list(diff)} changed since the assertion was built`);
      return done('assertion built');
    }

    case 'authorize': {
      const f = s.authFlow?.profileId === p.id ? s.authFlow : null;
      if (!f) return NONE;
      if (f.status === 'failed' || f.status === 'timed-out')
        return failed(
          f.status === 'timed-out'
            ? 'no redirect came back in time'
            : 'the sign-in was refused or its checks failed',
        );
      if (f.status === 'waiting' || f.status === 'cancelled') return NONE;
      const diff: string[] = [];
      if (param(f.params, 'client_id') !== p.clientId) diff.push('client_id');
      if ((param(f.params, 'scope') ?? '') !== p.scope.trim()) diff.push('scope');
      if (p.redirectUri && f.redirectUri !== p.redirectUri) diff.push('redirect URI');
      if (diff.length) return stale(`the profile’s ${list(diff)} changed since the sign-in`);
      return done(
        f.status === 'done' ? 'signed in, tokens received' : 'authorization code received',
      );
    }

    case 'device': {
      const f = s.deviceFlow?.profileId === p.id ? s.deviceFlow : null;
      if (!f) return NONE;
      if (f.status === 'done') {
        if (p.deviceAuthorizationEndpoint && f.url !== p.deviceAuthorizationEndpoint)
          return stale('the profile’s device endpoint changed since the sign-in');
        return done('signed in on the other device');
      }
      if (f.status === 'waiting' || f.status === 'cancelled') return NONE;
      return failed(`the device sign-in ended: ${f.status}`);
    }

    case 'token-request': {
      const r = s.tokenResult;
      if (r && !r.ok)
        return failed(`the server refused (${httpWords(r.status)})${firstCause(r.findings)}`);
      const viaSignIn = [s.authFlow, s.deviceFlow].find(
        (f) => f?.profileId === p.id && f.token?.ok,
      );
      if (!r) return viaSignIn ? done('the sign-in step exchanged the code for tokens') : NONE;
      const d = s.draft;
      if (d && !d.broken) {
        const diff: string[] = [];
        const clientId = param(d.params, 'client_id');
        if (clientId !== undefined && clientId !== p.clientId) diff.push('client_id');
        const scope = param(d.params, 'scope');
        if (scope !== undefined && scope !== p.scope.trim()) diff.push('scope');
        const endpoint = p.tokenEndpoint ?? s.discovery?.tokenEndpoint;
        if (endpoint && d.url !== endpoint) diff.push('token endpoint');
        if (diff.length)
          return stale(`the profile’s ${list(diff)} changed since the request was sent`);
      }
      return done('the server issued tokens');
    }

    case 'tokens': {
      const t = s.tokenSet?.profileId === p.id ? s.tokenSet : null;
      const op = s.tokenOp;
      if (t && op && op.action !== 'logout' && !op.result.ok)
        return failed(`the last ${op.action} was refused (${httpWords(op.result.status)})`);
      if (!t) return NONE;
      if (t.revoked.includes('access_token')) return stale('the access token was revoked');
      return done('tokens held for this session');
    }

    case 'resource': {
      const r = s.resource;
      if (!r) return NONE;
      if (!r.ok) return failed(`the resource server refused (${httpWords(r.status)})`);
      // The answer rests on the token sent: revoked or no longer held, it may not be the answer now.
      const t = s.tokenSet?.profileId === p.id ? s.tokenSet : null;
      const sent = r.tokenUsed ?? 'access_token';
      if (!t) return stale('the token it sent is no longer held; send it again with new tokens');
      if (sent === 'access_token' && t.revoked.includes('access_token'))
        return stale('the access token it sent was revoked since');
      return done(`the resource server answered (${httpWords(r.status)})`);
    }

    case 'inspector':
      return s.inspectReport ? done('a diagnosis is shown') : NONE;
  }
}

/** The mark of one step for the active profile (no profile: only the Profile step's failure). */
export function stepStatus(id: StepId, s: StepStatusInput): StepStatus {
  const p = activeProfile(s);
  if (p) return statusOf(id, s, p);
  const error = id === 'profile' ? opError(s, id) : null;
  return error ? failed(error.message) : NONE;
}

/** The rail's steps for the active profile with their marks, in rail order. */
export function railStatuses(s: StepStatusInput): { step: Step; status: StepStatus }[] {
  const p = activeProfile(s);
  return railSteps(p ? effectiveFlow(p) : undefined).map((step) => ({
    step,
    status: stepStatus(step.id, s),
  }));
}

/**
 * The steps the active profile uses, in rail order: what next / previous step moves through
 * (a not-used step is skipped).
 */
export function usedSteps(s: StepStatusInput): Step[] {
  const p = activeProfile(s);
  return STEPS.filter((step) => {
    if (!p) return step.id !== 'device' && step.id !== 'authorize';
    return notUsedReason(step.id, p, s.discovery) === null;
  });
}
