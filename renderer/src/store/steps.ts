import type { FlowKind } from '../../../shared/types.js';

/** The steps of the flow, in rail order. Titles are also the region names (h2) of each step. */
export const STEPS = [
  { id: 'profile', title: 'Profile' },
  { id: 'discovery', title: 'Discovery' },
  { id: 'scopes', title: 'Scopes' },
  { id: 'registration', title: 'Registration' },
  { id: 'keys', title: 'Keys' },
  { id: 'assertion', title: 'Client assertion' },
  { id: 'authorize', title: 'Authorize' },
  { id: 'device', title: 'Device sign-in' },
  { id: 'token-request', title: 'Token request' },
  { id: 'tokens', title: 'Tokens' },
  { id: 'resource', title: 'Resource request' },
  { id: 'inspector', title: 'Inspector' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];
export type Step = (typeof STEPS)[number];

/** Steps that only make sense for some flows; every other step is shown for all of them. */
const ONLY_FOR: Partial<Record<StepId, readonly FlowKind[]>> = {
  authorize: ['authorization-code'],
  device: ['device-code'],
};

/** The steps the rail shows for a profile's flow (no profile: backend services). */
export function stepsForFlow(flow: FlowKind = 'backend-services'): Step[] {
  return STEPS.filter((s) => ONLY_FOR[s.id]?.includes(flow) ?? true);
}

export const stepTitle = (id: StepId): string => STEPS.find((s) => s.id === id)?.title ?? id;

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
