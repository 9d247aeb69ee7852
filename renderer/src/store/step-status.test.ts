import { describe, expect, it } from 'vitest';
import type {
  AssertionView,
  AuthMethod,
  DiscoveryResult,
  FlowKind,
  ProfileView,
  RegistrationResult,
  TokenRequestDraft,
  TokenResult,
} from '../../../shared/types.js';
import {
  notUsedReason,
  railStatuses,
  stepStatus,
  usedSteps,
  type StepStatusInput,
} from './step-status.js';
import { railSteps, stepNumber, STEPS } from './steps.js';

const profile = (over: Partial<ProfileView> = {}, method: AuthMethod = 'private_key_jwt') =>
  ({
    id: 'p1',
    name: 'Sandbox',
    flow: 'backend-services',
    fhirBaseUrl: 'https://ehr.example/fhir',
    clientId: 'client-1',
    scope: 'system/Patient.rs',
    hasPassword: false,
    hasRegistrationToken: false,
    hasIntrospectionToken: false,
    auth: { method, hasClientSecret: false, keyId: 'k1', kid: 'kid-1', alg: 'RS384' },
    ...over,
  }) as ProfileView;

/** A store with one active profile and nothing run yet. */
const state = (p: ProfileView | null, over: Partial<StepStatusInput> = {}): StepStatusInput => ({
  ops: {},
  profiles: p ? [p] : [],
  activeProfileId: p?.id ?? null,
  discovery: null,
  keys: [],
  jwksHost: null,
  registrationResult: null,
  assertion: null,
  overrides: undefined,
  authFlow: null,
  deviceFlow: null,
  draft: null,
  tokenResult: null,
  tokenSet: null,
  tokenOp: null,
  resource: null,
  inspectReport: null,
  ...over,
});

const discovery = (over: Partial<DiscoveryResult> = {}): DiscoveryResult => ({
  documents: [
    {
      kind: 'smart-configuration',
      url: 'https://ehr.example/fhir/.well-known/smart-configuration',
      ok: true,
      status: 200,
      fields: [],
      exchangeId: 'x1',
    },
  ],
  tokenEndpoint: 'https://ehr.example/token',
  findings: [],
  ...over,
});

describe('step numbers', () => {
  it('orders by dependency and keeps every number whatever the flow', () => {
    expect(STEPS.map((s) => s.id).slice(0, 6)).toEqual([
      'profile',
      'discovery',
      'scopes',
      'keys',
      'registration',
      'assertion',
    ]);
    const flows: FlowKind[] = ['backend-services', 'authorization-code', 'device-code', 'password'];
    for (const flow of flows) {
      const rail = railSteps(flow);
      expect(rail.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(rail.find((s) => s.id === 'token-request')?.n).toBe(8);
    }
    expect(railSteps('device-code')[6]!.id).toBe('device');
    expect(railSteps('authorization-code')[6]!.id).toBe('authorize');
    expect(stepNumber('device')).toBe(stepNumber('authorize'));
  });
});

describe('notUsedReason', () => {
  it('names the auth method for Keys and Client assertion', () => {
    for (const m of ['none', 'client_secret_basic', 'client_secret_post'] as const) {
      const p = profile({}, m);
      expect(notUsedReason('keys', p)).toContain(`authenticates with ${m}`);
      expect(notUsedReason('assertion', p)).toContain(`authenticates with ${m}`);
    }
    // client_secret_jwt signs an assertion with the secret: no key pair, but an assertion.
    const hmac = profile({}, 'client_secret_jwt');
    expect(notUsedReason('keys', hmac)).toContain('no key pair');
    expect(notUsedReason('assertion', hmac)).toBeNull();
    expect(notUsedReason('keys', profile())).toBeNull();
    expect(notUsedReason('assertion', profile())).toBeNull();
  });

  it('keeps each sign-in step to its flow', () => {
    expect(notUsedReason('authorize', profile())).toContain('backend services flow');
    expect(notUsedReason('device', profile())).toContain('Device sign-in is for the device code');
    const auth = profile({ flow: 'authorization-code' }, 'none');
    expect(notUsedReason('authorize', auth)).toBeNull();
    expect(notUsedReason('device', auth)).toContain('auth code flow');
    // A redirect URI and no flow named: the authorization code flow (effectiveFlow).
    expect(
      notUsedReason('authorize', profile({ flow: undefined, redirectUri: 'x:/cb' })),
    ).toBeNull();
  });

  it('drops Registration only when discovery read the server and found no endpoint', () => {
    const p = profile();
    expect(notUsedReason('registration', p, null)).toBeNull();
    expect(notUsedReason('registration', p, discovery())).toContain('no registration_endpoint');
    expect(
      notUsedReason('registration', p, discovery({ registrationEndpoint: 'https://ehr/reg' })),
    ).toBeNull();
    expect(
      notUsedReason('registration', profile({ registrationEndpoint: 'https://r' }), discovery()),
    ).toBeNull();
    const unread = discovery();
    unread.documents[0]!.ok = false;
    expect(notUsedReason('registration', p, unread)).toBeNull();
  });

  it('is used by everything when there is no profile', () => {
    expect(STEPS.map((s) => notUsedReason(s.id, null)).filter(Boolean)).toEqual([]);
  });
});

describe('stepStatus', () => {
  it('is done, then stale when the input it rests on changes', () => {
    const p = profile();
    const s = state(p, { discovery: discovery() });
    expect(stepStatus('discovery', s)).toEqual({
      mark: 'done',
      text: 'Done: 1 discovery document read',
    });
    const moved = profile({ fhirBaseUrl: 'https://other.example/fhir' });
    expect(stepStatus('discovery', { ...s, profiles: [moved] }).mark).toBe('stale');
  });

  it('marks the last failed attempt, and not a cancelled one', () => {
    const p = profile();
    const error = { code: 'NETWORK_ERROR' as const, message: 'Nothing answered.' };
    const s = state(p, { ops: { discover: { busy: false, error } } });
    expect(stepStatus('discovery', s)).toEqual({
      mark: 'failed',
      text: 'Failed: Nothing answered.',
    });
    const cancelled = { code: 'CANCELLED' as const, message: 'Cancelled.' };
    expect(
      stepStatus('discovery', state(p, { ops: { discover: { busy: false, error: cancelled } } }))
        .mark,
    ).toBe('none');
  });

  it('marks a refused token request failed with its status and cause', () => {
    const refused = {
      ok: false,
      status: 401,
      findings: [{ code: 'INVALID_CLIENT' }],
    } as unknown as TokenResult;
    expect(stepStatus('token-request', state(profile(), { tokenResult: refused }))).toEqual({
      mark: 'failed',
      text: 'Failed: the server refused (HTTP 401) (INVALID_CLIENT)',
    });
  });

  it('marks a sent token request stale when the profile’s scope changed', () => {
    const draft = {
      url: 'https://ehr.example/token',
      params: [
        ['grant_type', 'client_credentials'],
        ['scope', 'system/Patient.rs'],
      ],
    } as unknown as TokenRequestDraft;
    const ok = { ok: true, status: 200, findings: [] } as unknown as TokenResult;
    const s = state(profile({ tokenEndpoint: 'https://ehr.example/token' }), {
      draft,
      tokenResult: ok,
    });
    expect(stepStatus('token-request', s).mark).toBe('done');
    const wider = profile({ tokenEndpoint: 'https://ehr.example/token', scope: 'system/*.rs' });
    expect(stepStatus('token-request', { ...s, profiles: [wider] })).toEqual({
      mark: 'stale',
      text: 'Stale: the profile’s scope changed since the request was sent',
    });
  });

  it('marks an assertion stale for another client_id, unless iss was overridden', () => {
    const a = {
      header: { alg: 'RS384', kid: 'kid-1' },
      claims: { iss: 'client-1', sub: 'client-1' },
    } as unknown as AssertionView;
    const s = state(profile({ clientId: 'client-2' }), { assertion: a });
    expect(stepStatus('assertion', s).text).toContain('client_id (iss)');
    expect(stepStatus('assertion', { ...s, overrides: { claims: { iss: 'client-1' } } }).mark).toBe(
      'done',
    );
  });

  it('marks a registration stale when the profile’s jwks_uri changed since', () => {
    const p = profile();
    const r = {
      action: 'register',
      ok: true,
      profile: p,
      findings: [],
    } as unknown as RegistrationResult;
    const s = state(p, { registrationResult: r });
    expect(stepStatus('registration', s).mark).toBe('done');
    const hosted = profile({ jwksUri: 'http://127.0.0.1:4000/jwks.json' });
    expect(stepStatus('registration', { ...s, profiles: [hosted] }).text).toBe(
      'Stale: the profile’s jwksUri changed since the registration; update it or register again',
    );
  });

  it('puts not used before everything else', () => {
    const p = profile({}, 'client_secret_basic');
    const error = { code: 'KEY_INVALID' as const, message: 'Bad key.' };
    expect(
      stepStatus('keys', state(p, { ops: { generateKey: { busy: false, error } } })).mark,
    ).toBe('not-used');
  });
});

describe('railStatuses and usedSteps', () => {
  it('lists the numbered rail with the marks, and the used steps to move through', () => {
    const p = profile({ flow: 'authorization-code' }, 'none');
    const rows = railStatuses(state(p));
    expect(rows.map((r) => r.step.id)).toContain('authorize');
    expect(rows.filter((r) => r.status.mark === 'not-used').map((r) => r.step.id)).toEqual([
      'keys',
      'assertion',
    ]);
    expect(rows.find((r) => r.step.id === 'profile')?.status.mark).toBe('done');
    expect(usedSteps(state(p)).map((s) => s.id)).not.toContain('keys');
    expect(usedSteps(state(p)).map((s) => s.id)).toContain('authorize');
    expect(usedSteps(state(null)).map((s) => s.id)).not.toContain('device');
  });
});
