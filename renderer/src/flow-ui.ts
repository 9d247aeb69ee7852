/**
 * What the UI says about each flow and grant, as data: adding a grant is a module in
 * electron/core/grants/ plus its rows here (each table is a Record, so a missing row fails to
 * compile). The flow's grant itself is shared/oauth/flow.ts FLOW_GRANT.
 */
import { DEVICE_CODE_GRANT, type FlowKind, type GrantType } from '../../shared/types.js';

/** Flows by name, in the profile form and the preset picker. */
export const FLOW_LABELS: Record<FlowKind, string> = {
  'backend-services': 'SMART Backend Services (client credentials)',
  'authorization-code': 'Authorization code (user login)',
  'device-code': 'Device code (RFC 8628)',
  password: 'Password grant (legacy)',
};

/** One line on what each flow is for, under the flow picker. */
export const FLOW_HINTS: Record<FlowKind, string> = {
  'backend-services': 'A server-to-server client: no user, a signed assertion gets the token.',
  'authorization-code':
    'A user signs in at the server in the system browser; PKCE protects the code.',
  'device-code':
    'For TVs, CLIs and other devices without a browser: the user signs in on another device with a short code while the app polls for the token.',
  password: 'The app sends a user’s password to the token endpoint. Only to test old servers.',
};

/** Short names (the profile list, the scope presets). */
export const FLOW_SHORT: Record<FlowKind, string> = {
  'backend-services': 'backend services',
  'authorization-code': 'auth code',
  'device-code': 'device code',
  password: 'password',
};

/** Scopes people start from, per flow (SMART v2 unless said otherwise). */
export const SCOPE_PRESETS: Record<FlowKind, { label: string; scope: string }[]> = {
  'backend-services': [
    { label: 'Read everything', scope: 'system/*.rs' },
    { label: 'Patients and observations', scope: 'system/Patient.rs system/Observation.rs' },
    { label: 'Read everything (SMART v1)', scope: 'system/*.read' },
  ],
  'authorization-code': [
    {
      label: 'Patient app (standalone)',
      scope: 'openid fhirUser launch/patient patient/*.rs offline_access',
    },
    {
      label: 'Clinician app (EHR launch)',
      scope: 'openid fhirUser launch user/*.rs offline_access',
    },
    { label: 'OpenID Connect sign-in', scope: 'openid profile email offline_access' },
  ],
  'device-code': [
    { label: 'OpenID with refresh', scope: 'openid offline_access' },
    { label: 'OpenID profile', scope: 'openid profile email offline_access' },
    { label: 'SMART user access', scope: 'openid fhirUser offline_access user/*.rs' },
  ],
  password: [
    { label: 'User access with refresh', scope: 'openid offline_access user/*.rs' },
    { label: 'OpenEMR API', scope: 'openid offline_access api:oemr api:fhir user/Patient.rs' },
  ],
};

/** Grants as the Token request step names them (what the request redeems). */
export const GRANT_LABELS: Record<GrantType, string> = {
  client_credentials: 'Client credentials (backend services)',
  authorization_code: 'Authorization code (the last code received)',
  refresh_token: 'Refresh token (the one held)',
  password: 'Password (legacy, insecure)',
  [DEVICE_CODE_GRANT]: 'Device code (RFC 8628, the device sign-in’s code)',
};

/** Grants as the Scopes step names them (what kinds of scope fit). */
export const GRANT_SCOPE_LABELS: Record<GrantType, string> = {
  client_credentials: 'client_credentials (backend services)',
  authorization_code: 'authorization_code (app launch, user signs in)',
  refresh_token: 'refresh_token',
  password: 'password (legacy)',
  [DEVICE_CODE_GRANT]: 'device_code (RFC 8628, user signs in on another device)',
};
