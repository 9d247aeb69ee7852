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
};

/** The steps the rail shows for a profile's flow (no profile: backend services). */
export function stepsForFlow(flow: FlowKind = 'backend-services'): Step[] {
  return STEPS.filter((s) => ONLY_FOR[s.id]?.includes(flow) ?? true);
}

export const stepTitle = (id: StepId): string => STEPS.find((s) => s.id === id)?.title ?? id;
