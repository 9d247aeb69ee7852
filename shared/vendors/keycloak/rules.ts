/** Keycloak diagnosis rules (VENDORS.md §6.7: K1–K10). */
import type { CauseCode } from '../../diagnosis/codes.js';
import {
  always,
  audList,
  expectedAudiences,
  param,
  said,
  sentAlg,
  type DiagnosisContext,
  type VendorRule,
} from '../rule-context.js';

/** 6.7 Keycloak: failed token answers. */
export const KEYCLOAK_RULES: readonly VendorRule[] = [
  // 6.7 Keycloak (the messages are the validator's own: likelihood 95)
  ...(
    [
      ['K1', 'kc-service-accounts-off', 'GRANT_NOT_ALLOWED'],
      ['K1-bearer', 'kc-bearer-only', 'GRANT_NOT_ALLOWED'],
      ['K2', 'kc-public-client', 'AUTH_METHOD_MISMATCH'],
      ['K3-unknown', 'kc-unknown-client', 'CLIENT_UNKNOWN'],
      ['K3-secret', 'kc-wrong-secret', 'CLIENT_SECRET_INVALID'],
      ['K4', 'kc-assertion-type-missing', 'AUTH_METHOD_MISMATCH'],
      ['G11-kc', 'kc-client-id-sub', 'ASSERTION_ISS_SUB_MISMATCH'],
      ['K5', 'kc-invalid-audience', 'ASSERTION_AUD_MISMATCH'],
      ['K6', 'kc-token-reuse', 'ASSERTION_JTI_REUSED'],
      ['K7', 'kc-invalid-alg', 'ASSERTION_ALG_NOT_ACCEPTED'],
      ['K9-exp', 'kc-exp-too-far', 'ASSERTION_EXP_TOO_FAR'],
      ['K9', 'kc-issued-in-future', 'CLOCK_SKEW'],
    ] as const
  ).map(([id, shape, code]): VendorRule => ({
    id,
    vendors: ['keycloak'],
    phase: 'response',
    shape,
    when: always,
    code,
    likelihood: 95,
    evidence: (c) => kcEvidence(c, code),
  })),
  {
    id: 'K8-kid',
    vendors: ['keycloak'],
    phase: 'response',
    shape: 'kc-public-key',
    when: (c) => c.preflight.some((f) => f.code === 'ASSERTION_KID_NOT_FOUND'),
    code: 'ASSERTION_KID_NOT_FOUND',
    likelihood: 95,
    evidence: (c) =>
      `${said(c)} kid ${String(c.assertion?.header.kid ?? '')} is not in the client's JWKS, so Keycloak has no key to load.`,
  },
  {
    id: 'K8',
    vendors: ['keycloak'],
    phase: 'response',
    shape: 'kc-public-key',
    when: (c) => !c.preflight.some((f) => f.code === 'ASSERTION_KID_NOT_FOUND'),
    code: 'JWKS_UNREACHABLE',
    likelihood: 92,
    evidence: (c) =>
      `${said(c)} Keycloak could not load the client's key from ${c.profile.jwksUri ?? 'its JWKS URL or imported certificate'}.`,
  },
  {
    id: 'K10',
    vendors: ['keycloak'],
    phase: 'response',
    shape: 'kc-legacy-prefix-404',
    when: (c) => /\/realms\//.test(c.request.url),
    code: 'ENDPOINT_NOT_FOUND',
    likelihood: 95,
    title: 'Keycloak /auth prefix mismatch',
    evidence: (c) =>
      /\/auth\/realms\//.test(c.request.url)
        ? `HTTP 404 from ${c.request.url}: Keycloak 17+ serves realms without the /auth prefix.`
        : `HTTP 404 from ${c.request.url}: a Keycloak before 17 (or with the legacy context path) serves realms under /auth.`,
    fix: (c) =>
      /\/auth\/realms\//.test(c.request.url)
        ? `Drop /auth: ${c.request.url.replace('/auth/realms/', '/realms/')}.`
        : `Add /auth: ${c.request.url.replace('/realms/', '/auth/realms/')}.`,
  },
];

function kcEvidence(c: DiagnosisContext, code: CauseCode): string {
  const a = c.assertion;
  const extra: Partial<Record<CauseCode, string>> = {
    ASSERTION_AUD_MISMATCH: `aud ${audList(c).join(', ')}; this realm accepts ${expectedAudiences(c).join(' or ')}.`,
    ASSERTION_ALG_NOT_ACCEPTED: `The assertion is signed ${sentAlg(c) ?? '?'}; the client's "token endpoint auth signing alg" differs.`,
    ASSERTION_JTI_REUSED: `jti ${String(a?.claims.jti ?? '')} was already used.`,
    CLOCK_SKEW: `iat ${String(a?.claims.iat ?? '')} is ahead of the server clock by more than Keycloak's 15 s skew.`,
    ASSERTION_ISS_SUB_MISMATCH: `client_id=${param(c, 'client_id') ?? ''}, sub=${String(a?.claims.sub ?? '')}.`,
    AUTH_METHOD_MISMATCH: `The request used ${c.profile.authMethod}.`,
  };
  return `${said(c)}${extra[code] ? ` ${extra[code]}` : ''}`;
}
