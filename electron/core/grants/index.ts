/**
 * The grant registry: one module per grant type. Adding a grant is one module here (plus its
 * UI fields and a test); the Record type makes a GrantType without a handler fail to compile.
 */
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import { DEVICE_CODE_GRANT, type FlowKind, type GrantType } from '../../../shared/types.js';
import { authorizationCode } from './authorization-code.js';
import { clientCredentials } from './client-credentials.js';
import { deviceCode } from './device-code.js';
import { password } from './password.js';
import { refreshToken } from './refresh-token.js';
import type { GrantHandler } from './types.js';

/** Every grant type's module, keyed by its grant_type (grants.test.ts checks the keys match). */
export const GRANTS: Readonly<Record<GrantType, GrantHandler>> = {
  client_credentials: clientCredentials,
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  password,
  [DEVICE_CODE_GRANT]: deviceCode,
};

export function grantHandler(grant: GrantType): GrantHandler {
  return GRANTS[grant];
}

/** The grant of each flow's token request. */
export function flowGrant(flow: FlowKind): GrantHandler {
  const h = Object.values(GRANTS).find((g) => g.flow === flow);
  if (!h) throw new Error(`No grant module serves the ${flow} flow.`);
  return h;
}

/** The grant a profile's token request uses by default: its flow's. */
export function defaultGrant(p: { flow?: FlowKind; redirectUri?: string }): GrantType {
  return flowGrant(effectiveFlow(p)).grant;
}

export type { GrantHandler } from './types.js';
