/** Epic diagnosis rules (VENDORS.md §6.5: E1–E6). */
import { src } from '../../presets.js';
import { basicCredentials, said, succeededBefore, type VendorRule } from '../rule-context.js';

/** 6.5 Epic: failed token answers. */
export const EPIC_TOKEN_RULES: readonly VendorRule[] = [
  {
    id: 'E3',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-null-description',
    when: (c) =>
      c.profile.authMethod === 'private_key_jwt' && !c.profile.jwksUri && !c.assertion?.header.jku,
    code: 'ASSERTION_KID_NOT_FOUND',
    likelihood: 72,
    title: 'Epic finds no key for this kid: static key uploads are retired',
    evidence: (c) =>
      `${said(c)} The profile has no JWK Set URL (JKU) and the assertion no jku; Epic no longer accepts static public-key uploads for backend apps (sandbox since Feb 2026), so kid ${String(c.assertion?.header.kid ?? '')} is not found.`,
    fix: 'Host your public keys at a JWK Set URL, register it on the app (non-production and production), and set it as the profile JWKS URL.',
    source: src('EPIC-DEV', 'EPIC-CHG'),
  },
  {
    id: 'E1-synced',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-null-description',
    when: succeededBefore,
    code: 'CLIENT_DISABLED',
    likelihood: 68,
    title: 'The app registration changed or is not synced',
    evidence: (c) =>
      `${said(c)} The same client id got a token from ${c.request.url} earlier in this run and the assertion passes every local check, so the registration changed server-side (not yet synced, keys or license changed).`,
    fix: 'Wait for the registration to sync (changes take time to reach the environment); check the app is active and its keys/JKU are set for this environment.',
    source: src('EPIC-GO', 'EPIC-VOLC', 'EPIC-MIRROR'),
  },
  {
    id: 'E1-client',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-null-description',
    when: (c) => !succeededBefore(c),
    code: 'CLIENT_UNKNOWN',
    likelihood: 66,
    title: 'Client id of the other environment (non-production vs production)',
    evidence: (c) =>
      `${said(c)} The assertion passes every local check; the commonest cause is iss/sub = ${c.profile.clientId ?? ''} being the production client id used against non-production (or the reverse), or a registration not yet synced.`,
    fix: 'Use the client id of this environment (the app page shows a Non-Production and a Production Client ID) in iss and sub.',
    source: src('EPIC-MIRROR', 'EPIC-NANGO', 'EPIC-GO'),
  },
  {
    id: 'E2',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-null-description',
    when: (c) =>
      !succeededBefore(c) &&
      c.earlier.some((e) => e.ok && e.url !== c.request.url && /\/oauth2\/token$/.test(e.url)),
    code: 'CLIENT_DISABLED',
    likelihood: 70,
    title: 'Works in another Epic environment, refused here: the app is not active for this one',
    evidence: (c) => {
      const there = [...c.earlier]
        .reverse()
        .find((e) => e.ok && e.url !== c.request.url && /\/oauth2\/token$/.test(e.url))!;
      return `${said(c)} Earlier in this run ${there.clientId ?? 'a client'} got a token from ${there.url}, and the assertion to ${c.request.url} passes every local check. In a customer (production) environment the organisation must download and activate the app, its administrator (ECSA) must map client ${c.profile.clientId ?? ''} to an Epic user, and the app's production key / JKU must be set for the license; the sandbox needs none of that.`;
    },
    fix: 'Ask the customer organisation to activate the app and map its client id to an Epic user; check the production client id is used and the production JWK Set URL is set on the app.',
    source: src('EPIC-MIRROR', 'EPIC-DEV'),
  },
  {
    id: 'E5',
    vendors: ['epic'],
    phase: 'response',
    shape: 'epic-secret-basic',
    when: (c) => /%[0-9A-F]{2}/i.test(basicCredentials(c) ?? ''),
    code: 'CLIENT_SECRET_INVALID',
    likelihood: 90,
    title: 'Basic credentials were URL-encoded; Epic compares them as sent',
    evidence: (c) =>
      `${said(c)} The Basic header holds %-encoded characters (the id/secret were form-encoded per RFC 6749 §2.3.1); Epic compares them unencoded.`,
    fix: 'Build Basic from the raw client_id:secret (no URL-encoding) for Epic.',
  },
];

/** Failed resource calls (6.5 E6). */
export const EPIC_RESOURCE_RULES: readonly VendorRule[] = [
  {
    id: 'E6',
    vendors: ['epic'],
    phase: 'resource',
    shape: 'epic-operation-outcome',
    when: (c) => (c.response?.status ?? 0) >= 400,
    code: 'RESOURCE_FORBIDDEN',
    likelihood: 95,
    title: 'Epic refused the user behind the client (OperationOutcome)',
    evidence: (c) => {
      const t = c.response!.text;
      const what = t.includes('4118')
        ? '4118: the Epic user mapped to this client is not authorized'
        : 'a Break-the-Glass restriction (4130/4131)';
      return `HTTP ${c.response!.status} from ${c.request.url} with OperationOutcome ${what}. The token is fine: this is not an OAuth problem.`;
    },
  },
];
