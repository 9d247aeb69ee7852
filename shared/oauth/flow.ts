import { DEVICE_CODE_GRANT, type FlowKind, type GrantType } from '../types.js';

/**
 * The flow a profile uses: the one it names, else the authorization code flow when it has a
 * redirect URI (only that flow has one), else backend services. Registration, the token request
 * and the authorize step all read it from here, so they agree.
 */
export function effectiveFlow(p: { flow?: FlowKind; redirectUri?: string }): FlowKind {
  return p.flow ?? (p.redirectUri ? 'authorization-code' : 'backend-services');
}

/** The grant_type of each flow's token request (the engine's grant modules serve these). */
export const FLOW_GRANT: Readonly<Record<FlowKind, GrantType>> = {
  'backend-services': 'client_credentials',
  'authorization-code': 'authorization_code',
  'device-code': DEVICE_CODE_GRANT,
  password: 'password',
};

/** The grant a profile's token request uses when none is chosen: its flow's. */
export function defaultGrantOf(p: { flow?: FlowKind; redirectUri?: string }): GrantType {
  return FLOW_GRANT[effectiveFlow(p)];
}
