import type { FlowKind } from '../../../shared/types.js';

/**
 * The steps of the flow, in rail order: by dependency. Keys comes before Registration (the
 * registration metadata carries the public key, as jwks or jwks_uri) and Registration before
 * Client assertion (the assertion's iss and sub are the client_id the registration returns).
 * `n` is the step's number in the rail: fixed, so it never shifts when the flow changes.
 * Authorize and Device sign-in share number 7: a flow signs the user in one way or the other.
 * Titles are also the region names (h2) of each step.
 */
export const STEPS = [
  { id: 'profile', title: 'Profile', n: 1 },
  { id: 'discovery', title: 'Discovery', n: 2 },
  { id: 'scopes', title: 'Scopes', n: 3 },
  { id: 'keys', title: 'Keys', n: 4 },
  { id: 'registration', title: 'Registration', n: 5 },
  { id: 'assertion', title: 'Client assertion', n: 6 },
  { id: 'authorize', title: 'Authorize', n: 7 },
  { id: 'device', title: 'Device sign-in', n: 7 },
  { id: 'token-request', title: 'Token request', n: 8 },
  { id: 'tokens', title: 'Tokens', n: 9 },
  { id: 'resource', title: 'Resource request', n: 10 },
  { id: 'inspector', title: 'Inspector', n: 11 },
] as const;

export type StepId = (typeof STEPS)[number]['id'];
export type Step = (typeof STEPS)[number];

/** Steps that only make sense for some flows; every other step is shown for all of them. */
const ONLY_FOR: Partial<Record<StepId, readonly FlowKind[]>> = {
  authorize: ['authorization-code'],
  device: ['device-code'],
};

/** True when the flow has this step at all (Authorize and Device sign-in belong to one flow each). */
export const flowHasStep = (flow: FlowKind, id: StepId): boolean =>
  ONLY_FOR[id]?.includes(flow) ?? true;

/** The steps of a profile's flow, in rail order (no profile: backend services). */
export function stepsForFlow(flow: FlowKind = 'backend-services'): Step[] {
  return STEPS.filter((s) => flowHasStep(flow, s.id));
}

/**
 * What the rail lists for a flow: one entry per number, always the same numbers. Number 7 is the
 * flow's sign-in step: Device sign-in for the device flow, otherwise Authorize (shown as not used
 * by flows that sign no user in, so the numbers after it stay put).
 */
export function railSteps(flow: FlowKind = 'backend-services'): Step[] {
  const signIn: StepId = flow === 'device-code' ? 'device' : 'authorize';
  return STEPS.filter((s) => s.n !== 7 || s.id === signIn);
}

export const stepTitle = (id: StepId): string => STEPS.find((s) => s.id === id)?.title ?? id;

/** The rail number of a step. */
export const stepNumber = (id: StepId): number => STEPS.find((s) => s.id === id)?.n ?? 0;

/**
 * Profile form sections that only some flows use, like the steps above; every other field of the
 * form is shown for all flows.
 */
const SECTION_ONLY_FOR = {
  /** Redirect URI, PKCE and extra authorize parameters. */
  'browser-sign-in': ['authorization-code'],
  /** Username and password of the resource owner. */
  'resource-owner': ['password'],
  /** The device authorization endpoint (RFC 8628 §3.1). */
  'device-sign-in': ['device-code'],
} as const satisfies Record<string, readonly FlowKind[]>;

export type ProfileSection = keyof typeof SECTION_ONLY_FOR;

/** True when the profile form shows this section for the flow. */
export const flowShows = (flow: FlowKind, section: ProfileSection): boolean =>
  (SECTION_ONLY_FOR[section] as readonly FlowKind[]).includes(flow);
