// Canned data of the fake engine: the example server's URLs, a key and two profiles.
import type { KeyInfo, ProfileView } from '../../../../shared/types.js';

export const FAKE_TOKEN_URL = 'https://auth.example-ehr.com/oauth2/token';
export const FAKE_FHIR_BASE = 'https://fhir.example-ehr.com/r4';
export const FAKE_JWKS_URL = 'https://auth.example-ehr.com/oauth2/jwks';
export const FAKE_ISSUER = 'https://auth.example-ehr.com';
export const FAKE_AUTHORIZE_URL = 'https://auth.example-ehr.com/oauth2/authorize';
export const FAKE_REGISTRATION_URL = 'https://auth.example-ehr.com/oauth2/register';

export const FAKE_KEY: KeyInfo = {
  id: 'key-1',
  kid: 'oZ4cJ1QmX8y3hF0tN2wQp6vR9sK5aLdE7uB1iYc0gTs',
  alg: 'RS384',
  kty: 'RSA',
  kind: 'RSA-2048',
  thumbprint: 'oZ4cJ1QmX8y3hF0tN2wQp6vR9sK5aLdE7uB1iYc0gTs',
  publicJwk: {
    kty: 'RSA',
    n: 'u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw',
    e: 'AQAB',
    kid: 'oZ4cJ1QmX8y3hF0tN2wQp6vR9sK5aLdE7uB1iYc0gTs',
    alg: 'RS384',
    use: 'sig',
  },
  createdAt: '2025-01-15T09:30:00.000Z',
  source: 'generated',
  hasPrivateKey: true,
};

export const FAKE_PROFILE: ProfileView = {
  id: 'profile-1',
  name: 'Example EHR sandbox',
  fhirBaseUrl: FAKE_FHIR_BASE,
  issuer: FAKE_ISSUER,
  tokenEndpoint: FAKE_TOKEN_URL,
  clientId: 'backend-client-7f3a',
  scope: 'system/Patient.rs system/Observation.rs',
  hasPassword: false,
  hasRegistrationToken: false,
  hasIntrospectionToken: false,
  auth: {
    method: 'private_key_jwt',
    alg: 'RS384',
    kid: FAKE_KEY.kid,
    keyId: FAKE_KEY.id,
    hasClientSecret: false,
  },
  resourcePath: 'Patient?_count=1',
};

/** A SMART standalone-launch profile (public client, PKCE, loopback redirect). */
export const FAKE_AUTH_PROFILE: ProfileView = {
  id: 'profile-auth',
  name: 'Patient app (authorization code)',
  flow: 'authorization-code',
  fhirBaseUrl: FAKE_FHIR_BASE,
  issuer: FAKE_ISSUER,
  clientId: 'patient-app-91c2',
  scope: 'openid fhirUser launch/patient patient/*.rs offline_access',
  pkce: 'S256',
  hasPassword: false,
  hasRegistrationToken: false,
  hasIntrospectionToken: false,
  auth: { method: 'none', hasClientSecret: false },
  resourcePath: 'Patient?_count=1',
};
