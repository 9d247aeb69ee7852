import type { FlowKind } from '../types.js';

/**
 * The flow a profile uses: the one it names, else the authorization code flow when it has a
 * redirect URI (only that flow has one), else backend services. Registration, the token request
 * and the authorize step all read it from here, so they agree.
 */
export function effectiveFlow(p: { flow?: FlowKind; redirectUri?: string }): FlowKind {
  return p.flow ?? (p.redirectUri ? 'authorization-code' : 'backend-services');
}
