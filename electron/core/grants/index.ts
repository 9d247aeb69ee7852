/**
 * The grant registry: one module per grant type. Adding a grant is one module here (plus its
 * UI fields and a test); the Record type makes a GrantType without a handler fail to compile.
 */
import { defaultGrantOf, FLOW_GRANT } from '../../../shared/oauth/flow.js';
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

/** The grant module of each flow's token request (shared/oauth/flow.ts FLOW_GRANT). */
export function flowGrant(flow: FlowKind): GrantHandler {
  return GRANTS[FLOW_GRANT[flow]];
}

/** The grant a profile's token request uses by default: its flow's. */
export const defaultGrant = defaultGrantOf;

export type { GrantHandler } from './types.js';
