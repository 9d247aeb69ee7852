/** The steps of the flow, in rail order. Titles are also the region names (h2) of each step. */
export const STEPS = [
  { id: 'profile', title: 'Profile' },
  { id: 'discovery', title: 'Discovery' },
  { id: 'keys', title: 'Keys' },
  { id: 'assertion', title: 'Client assertion' },
  { id: 'token-request', title: 'Token request' },
  { id: 'tokens', title: 'Tokens' },
  { id: 'resource', title: 'Resource request' },
  { id: 'inspector', title: 'Inspector' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];

export const stepTitle = (id: StepId): string => STEPS.find((s) => s.id === id)?.title ?? id;
