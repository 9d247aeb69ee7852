/** Where the input parser's refusals show in the profile form: its field labels by path. */

/** The form's label for each field path the input parser names (longest prefix wins). */
export const FIELD_LABELS: [path: string, label: string][] = [
  ['name', 'Profile name'],
  ['group', 'Group'],
  ['environment', 'Environment'],
  ['flow', 'Flow'],
  ['fhirBaseUrl', 'FHIR base URL'],
  ['issuer', 'Issuer'],
  ['clientId', 'Client ID'],
  ['scope', 'Scope'],
  ['redirectUri', 'Redirect URI'],
  ['postLogoutRedirectUri', 'Post-logout redirect URI'],
  ['pkce', 'PKCE'],
  ['authorizeParams', 'Extra authorize parameters'],
  ['deviceAuthorizationEndpoint', 'Device authorization endpoint'],
  ['username', 'Username'],
  ['password', 'Password'],
  ['auth.method', 'Auth method'],
  ['auth.alg', 'Signing algorithm'],
  ['auth.keyId', 'Signing key'],
  ['auth.clientSecret', 'Client secret'],
  ['authorizationEndpoint', 'Authorization endpoint'],
  ['tokenEndpoint', 'Token endpoint'],
  ['registrationEndpoint', 'Registration endpoint'],
  ['introspectionEndpoint', 'Introspection endpoint'],
  ['introspectionToken', 'Introspection Bearer token'],
  ['server', 'Server software'],
  ['revocationEndpoint', 'Revocation endpoint'],
  ['userinfoEndpoint', 'Userinfo endpoint'],
  ['endSessionEndpoint', 'End session endpoint'],
  ['registration.applicationType', 'Application type'],
  ['registration.clientName', 'Client name'],
  ['registration.contacts', 'Contacts'],
  ['registration.keyDelivery', 'Key delivery'],
  ['jwksUri', 'Your JWKS URL'],
  ['resourcePath', 'Resource path'],
];

/** Field errors by label ("FHIR base URL: Must be …"); paths no field shows are left out. */
export function fieldErrorsOf(fields: { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const hit = FIELD_LABELS.find(([p]) => f.path === p || f.path.startsWith(`${p}.`));
    if (hit && !out[hit[1]]) out[hit[1]] = `${hit[1]}: ${f.message}`;
  }
  return out;
}

export const ENDPOINT_LABELS = [
  'Authorization endpoint',
  'Token endpoint',
  'Registration endpoint',
  'Introspection endpoint',
  'Introspection Bearer token',
  'Server software',
  'Revocation endpoint',
  'Userinfo endpoint',
  'End session endpoint',
];
export const REGISTRATION_LABELS = [
  'Application type',
  'Client name',
  'Contacts',
  'Key delivery',
  'Your JWKS URL',
];
