/** Rules of every vendor or of several: the request checked against itself, generic fallbacks. */
import { src } from '../presets.js';
import {
  audList,
  claim,
  exportEvidence,
  expectedAudiences,
  flowOf,
  param,
  resourceType,
  scopeCovers,
  unaskedTypes,
  type VendorRule,
} from './rule-context.js';

/** 6.1 generic: the request checked against itself and the preset (client_id, auth method, aud). */
export const COMMON_REQUEST_RULES: readonly VendorRule[] = [
  {
    id: 'G11',
    vendors: 'all',
    phase: 'request',
    when: (c) => {
      const id = param(c, 'client_id');
      const sub = claim(c, 'sub');
      return id !== undefined && sub !== undefined && id !== sub;
    },
    code: 'ASSERTION_ISS_SUB_MISMATCH',
    likelihood: 85,
    title: 'client_id parameter differs from the assertion sub',
    evidence: (c) =>
      `The body carries client_id=${param(c, 'client_id')} but the assertion sub is ${String(claim(c, 'sub'))}.`,
    fix: 'Send client_id equal to sub (the client_id the server issued), or leave client_id out.',
    source: src('RFC7523', 'KC-ABSJWT'),
  },
  {
    id: 'G-method',
    vendors: ['openemr', 'oracle-health', 'epic', 'aidbox'],
    phase: 'request',
    when: (c) => {
      const flow = flowOf(c.request.grant);
      const accepted = flow ? c.preset?.flows[flow]?.acceptedMethods.value : undefined;
      return !!accepted && !accepted.includes(c.profile.authMethod as never);
    },
    code: 'AUTH_METHOD_MISMATCH',
    likelihood: 85,
    title: 'This vendor does not accept this client authentication method for the flow',
    evidence: (c) => {
      const flow = flowOf(c.request.grant)!;
      const d = c.preset!.flows[flow]!.acceptedMethods;
      return `${c.preset!.title} accepts ${d.value.join(', ')} for ${flow}; the request uses ${c.profile.authMethod}. ${d.why}`;
    },
    fix: (c) => {
      const flow = flowOf(c.request.grant)!;
      return `Set auth.method to one of ${c.preset!.flows[flow]!.acceptedMethods.value.join(', ')}.`;
    },
    source: src('HL7-BS', 'OE-CCG', 'CER-AUTH', 'AB-CCG'),
  },
  {
    id: 'G-aud',
    // Certain for OpenEMR (source code) and Keycloak (validator); Oracle Health's rule is inferred.
    vendors: ['openemr', 'keycloak'],
    phase: 'request',
    when: (c) => {
      const aud = audList(c);
      if (!aud.length) return false;
      const expected = expectedAudiences(c);
      return !aud.some((a) => expected.includes(a));
    },
    code: 'ASSERTION_AUD_MISMATCH',
    likelihood: 85,
    evidence: (c) =>
      `aud is ${audList(c).join(', ')}; ${c.preset!.title} expects ${expectedAudiences(c).join(' or ')} (${c.preset!.assertionAud.why})`,
    fix: (c) => `Set aud to ${expectedAudiences(c)[0]}.`,
    source: src('HL7-ASYM', 'OE-AC', 'ORCL-F2', 'KC-JWTVAL'),
  },
];

/** A failed resource call whose granted scope does not cover the resource type (G5). */
export const COMMON_RESOURCE_RULES: readonly VendorRule[] = [
  {
    id: 'G5',
    basis: 'check',
    vendors: 'all',
    phase: 'resource',
    when: (c) => {
      const type = resourceType(c.request.url);
      return c.response?.status === 403 && !!type && !!c.grantedScope && !scopeCovers(c, type);
    },
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 90,
    title: 'The granted scope does not cover this resource type',
    evidence: (c) =>
      `HTTP 403 for ${resourceType(c.request.url)!} at ${c.request.url}; the token's granted scope is "${c.grantedScope!}", which has no read/search scope for ${resourceType(c.request.url)!} (the server may have granted less than was requested).`,
    fix: (c) =>
      `Request a scope for ${resourceType(c.request.url)!} (e.g. system/${resourceType(c.request.url)!}.rs) and check that the answer's scope includes it; if the server narrows it, the client is not allowed that scope.`,
    source: src('HL7-BS', 'HL7-SCOPES'),
  },
];

/** A bulk export whose answer holds types it did not ask for, on any server (after OpenEMR O10). */
export const COMMON_EXPORT_RULES: readonly VendorRule[] = [
  {
    id: 'G-export-type',
    basis: 'check',
    vendors: 'all',
    phase: 'resource-success',
    severity: 'warning',
    when: (c) => unaskedTypes(c).length > 0,
    code: 'BULK_TYPE_IGNORED',
    likelihood: 60,
    evidence: exportEvidence,
    source: src('OE-ISS8668'),
  },
];

/** A revoked token the resource server still accepts, on any server (after Aidbox AB5). */
export const COMMON_REVOCATION_RULES: readonly VendorRule[] = [
  {
    id: 'G-revoked',
    basis: 'history',
    vendors: 'all',
    phase: 'resource-success',
    when: (c) => !!c.revokedAt,
    code: 'TOKEN_STILL_ACTIVE',
    likelihood: 80,
    evidence: (c) =>
      `HTTP ${c.response!.status} from ${c.request.url} with a token revoked in this session at ${c.revokedAt!}: the revocation answer was 200, but the resource server still accepts the token (RFC 7009 §2.2 answers 200 also for a token the server did not revoke; self-contained JWT access tokens often stay valid until exp).`,
    source: src('RFC7009'),
  },
];
