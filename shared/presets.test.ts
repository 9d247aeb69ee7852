import { describe, expect, it } from 'vitest';
import { profileInputSchema } from './api/inputs.js';
import {
  expectedAssertionAudiences,
  explainProfileDefaults,
  PRESET_IDS,
  PRESET_LIST,
  PRESETS,
  presetDiscoveryUrls,
  presetFlows,
  presetParamErrors,
  PresetParamsError,
  profileFromPreset,
  SOURCES,
  type PresetId,
  type PresetParamValues,
  type Sources,
  type VendorPreset,
} from './presets.js';

/** Every parameter at its example value. */
const exampleParams = (p: VendorPreset): PresetParamValues =>
  Object.fromEntries(
    p.params.map((x) => [x.name, x.kind === 'boolean' ? x.default : x.example] as const),
  );

const OE = { siteAddress: 'https://emr.example.org/openemr', site: 'default' };
const KC = { host: 'https://sso.example.org', realm: 'smart' };
const CERNER_SANDBOX = 'ec2458f2-1e24-41c8-b71b-0e701af7583d';

function expectSources(where: string, source: Sources | undefined) {
  expect(source, `${where} has a source`).toBeDefined();
  expect(source!.length, `${where} has a source`).toBeGreaterThan(0);
  for (const s of source!) {
    expect(Object.values(SOURCES), `${where}: ${s.tag} is a known source`).toContain(s);
    expect(s.url, `${where}: ${s.tag}`).toMatch(/^https?:\/\/\S+$/);
  }
}

describe('vendor presets', () => {
  it('has exactly the preset ids of DESIGN.md, in order', () => {
    expect(PRESET_IDS).toEqual([
      'openemr',
      'oracle-health',
      'epic',
      'aidbox',
      'keycloak',
      'smart-v2',
      'smart-v1',
      'oidc',
    ]);
    expect(PRESET_LIST.map((p) => p.id)).toEqual(PRESET_IDS);
    for (const id of PRESET_IDS) expect(PRESETS[id].id).toBe(id);
  });

  it('gives every fact a source with a tag and a URL', () => {
    for (const p of PRESET_LIST) {
      expectSources(`${p.id}`, p.source);
      expect(p.title && p.description).toBeTruthy();
      for (const x of p.params) expectSources(`${p.id} param ${x.name}`, x.source);
      for (const [f, t] of Object.entries(p.endpoints)) expectSources(`${p.id} ${f}`, t.source);
      expect(p.discovery.length).toBeGreaterThan(0);
      for (const d of p.discovery) expectSources(`${p.id} discovery ${d.value}`, d.source);
      expect(presetFlows(p.id)).toEqual(
        expect.arrayContaining(['backend-services', 'authorization-code']),
      );
      for (const [flow, d] of Object.entries(p.flows)) {
        expectSources(`${p.id} ${flow} method`, d.method.source);
        expectSources(`${p.id} ${flow} accepted methods`, d.acceptedMethods.source);
        expectSources(`${p.id} ${flow} scope`, d.scope.source);
        expect(d.acceptedMethods.value).toContain(d.method.value);
      }
      expectSources(`${p.id} default alg`, p.algs.default.source);
      expectSources(`${p.id} accepted algs`, p.algs.accepted.source);
      expect(p.algs.accepted.value).toContain(p.algs.default.value);
      expectSources(`${p.id} pkce`, p.pkce.source);
      expectSources(`${p.id} aud`, p.assertionAud.source);
      for (const l of p.tokenLifetimes) expectSources(`${p.id} lifetime ${l.text}`, l.source);
      for (const s of p.setupSteps) expectSources(`${p.id} setup ${s.title}`, s.source);
      for (const b of p.knownBugs) expectSources(`${p.id} bug ${b.id}`, b.source);
      for (const e of p.errorShapes) expectSources(`${p.id} error ${e.id}`, e.source);
    }
  });

  it('builds, for every preset and flow at the example parameters, a profile the saveProfile parser accepts', () => {
    for (const p of PRESET_LIST) {
      const params = exampleParams(p);
      expect(presetParamErrors(p.id, params), p.id).toEqual({});
      for (const flow of presetFlows(p.id)) {
        const input = profileFromPreset(p.id, params, flow);
        const parsed = profileInputSchema.safeParse(input);
        expect(parsed.success, `${p.id} ${flow}: ${parsed.error?.message ?? ''}`).toBe(true);
        expect(input).toMatchObject({ vendor: p.id, flow, pkce: 'S256' });
        expect(input.auth.method).toBe(p.flows[flow]!.method.value);
        expect(input.scope).toBe(p.flows[flow]!.scope.value);
        // Every filled URL is a real URL without a leftover placeholder.
        for (const v of Object.values(input))
          if (typeof v === 'string') expect(v).not.toMatch(/[{}]/);
      }
      for (const d of presetDiscoveryUrls(p.id, params)) expect(() => new URL(d.url)).not.toThrow();
    }
  });

  it('fills OpenEMR endpoints from the Site Address (webroot kept) and the site, RS384 only', () => {
    const input = profileFromPreset('openemr', OE, 'backend-services');
    expect(input).toMatchObject({
      vendor: 'openemr',
      tokenEndpoint: 'https://emr.example.org/openemr/oauth2/default/token',
      fhirBaseUrl: 'https://emr.example.org/openemr/apis/default/fhir',
      registrationEndpoint: 'https://emr.example.org/openemr/oauth2/default/registration',
      authorizationEndpoint: 'https://emr.example.org/openemr/oauth2/default/authorize',
      issuer: 'https://emr.example.org/openemr/oauth2/default',
      auth: { method: 'private_key_jwt', alg: 'RS384' },
    });
    expect(PRESETS.openemr.algs.accepted.value).toEqual(['RS384']);
    expect(PRESETS.openemr.assertionAud.value).toBe('openemr-site-address');
    // A trailing slash and a second site do not break the paths; the site defaults to "default".
    const other = profileFromPreset(
      'openemr',
      { siteAddress: 'https://emr.example.org/', site: 'clinic2' },
      'authorization-code',
    );
    expect(other.tokenEndpoint).toBe('https://emr.example.org/oauth2/clinic2/token');
    expect(other.auth.method).toBe('client_secret_post');
    expect(
      profileFromPreset('openemr', { siteAddress: 'https://emr.example.org' }, 'backend-services')
        .tokenEndpoint,
    ).toBe('https://emr.example.org/oauth2/default/token');
    expect(expectedAssertionAudiences('openemr', OE)).toEqual([
      'https://emr.example.org/openemr/oauth2/default/token',
    ]);
    expect(presetFlows('openemr')).toContain('password');
  });

  it('fills Keycloak realm paths with and without the legacy /auth prefix', () => {
    const modern = profileFromPreset('keycloak', KC, 'backend-services');
    expect(modern).toMatchObject({
      issuer: 'https://sso.example.org/realms/smart',
      tokenEndpoint: 'https://sso.example.org/realms/smart/protocol/openid-connect/token',
      introspectionEndpoint:
        'https://sso.example.org/realms/smart/protocol/openid-connect/token/introspect',
      revocationEndpoint: 'https://sso.example.org/realms/smart/protocol/openid-connect/revoke',
    });
    expect(modern.fhirBaseUrl).toBeUndefined();
    const legacy = profileFromPreset(
      'keycloak',
      { ...KC, legacyAuthPrefix: true },
      'backend-services',
    );
    expect(legacy).toMatchObject({
      issuer: 'https://sso.example.org/auth/realms/smart',
      tokenEndpoint: 'https://sso.example.org/auth/realms/smart/protocol/openid-connect/token',
      authorizationEndpoint:
        'https://sso.example.org/auth/realms/smart/protocol/openid-connect/auth',
    });
    expect(presetDiscoveryUrls('keycloak', { ...KC, legacyAuthPrefix: true })[0]!.url).toBe(
      'https://sso.example.org/auth/realms/smart/.well-known/openid-configuration',
    );
    // Keycloak accepts the issuer as aud as well as the token URL.
    expect(expectedAssertionAudiences('keycloak', KC)).toEqual(
      expect.arrayContaining([modern.issuer, modern.tokenEndpoint]),
    );
  });

  it('fills Oracle Health tenant paths on the authorization and FHIR hosts', () => {
    const input = profileFromPreset(
      'oracle-health',
      { tenant: CERNER_SANDBOX, fhirHost: 'fhir-ehr-code.cerner.com' },
      'backend-services',
    );
    expect(input).toMatchObject({
      fhirBaseUrl: `https://fhir-ehr-code.cerner.com/r4/${CERNER_SANDBOX}`,
      issuer: `https://authorization.cerner.com/tenants/${CERNER_SANDBOX}`,
      tokenEndpoint: `https://authorization.cerner.com/tenants/${CERNER_SANDBOX}/hosts/fhir-ehr-code.cerner.com/protocols/oauth2/profiles/smart-v1/token`,
      revocationEndpoint: `https://authorization.cerner.com/tenants/${CERNER_SANDBOX}/protocols/oauth2/profiles/smart-v1/token/revoke`,
      auth: { method: 'client_secret_basic' },
    });
    expect(presetDiscoveryUrls('oracle-health', { tenant: CERNER_SANDBOX })[0]!.url).toBe(
      `https://fhir-ehr-code.cerner.com/r4/${CERNER_SANDBOX}/.well-known/smart-configuration`,
    );
    expect(
      PRESETS['oracle-health'].errorShapes.some((e) =>
        e.errorUriUrn?.startsWith('urn:cerner:error:authorization-server:'),
      ),
    ).toBe(true);
  });

  it('puts the RFC 8414 well-known part between host and issuer path', () => {
    expect(presetDiscoveryUrls('oidc', { issuer: 'https://as.example/tenant1' })).toEqual([
      {
        kind: 'openid-configuration',
        url: 'https://as.example/tenant1/.well-known/openid-configuration',
      },
      {
        kind: 'oauth-authorization-server',
        url: 'https://as.example/.well-known/oauth-authorization-server/tenant1',
      },
    ]);
  });

  it('names the parameter in every message about a missing or bad value', () => {
    const cases: [PresetId, PresetParamValues, string, RegExp][] = [
      ['openemr', {}, 'siteAddress', /Site Address is required/],
      [
        'openemr',
        { siteAddress: 'emr.example.org' },
        'siteAddress',
        /Site Address must be an absolute/,
      ],
      [
        'openemr',
        { siteAddress: 'https://emr.example.org/oauth2/default/token' },
        'siteAddress',
        /Site Address is the base of the install/,
      ],
      ['openemr', { ...OE, site: 'a/b' }, 'site', /Site is the multisite id/],
      ['oracle-health', { tenant: 'https://x' }, 'tenant', /Tenant is the tenant id/],
      [
        'oracle-health',
        { tenant: CERNER_SANDBOX, fhirHost: 'https://fhir-ehr-code.cerner.com/r4' },
        'fhirHost',
        /FHIR host is a host name only/,
      ],
      [
        'keycloak',
        { host: 'https://sso.example.org/auth', realm: 'r' },
        'host',
        /tick “Legacy \/auth prefix”/,
      ],
      [
        'keycloak',
        { host: 'https://sso.example.org/x', realm: 'r' },
        'host',
        /Keycloak host is scheme, host and port only/,
      ],
      ['keycloak', { host: KC.host }, 'realm', /Realm is required/],
      ['keycloak', { host: KC.host, realm: 'a/b' }, 'realm', /Realm is the realm name only/],
      [
        'epic',
        { base: 'https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token' },
        'base',
        /Epic base URL is the part before/,
      ],
      ['aidbox', { base: 'ftp://box.example' }, 'base', /Aidbox base URL must start with https/],
      [
        'smart-v2',
        { fhirBaseUrl: 'https://x.example/fhir?x=1' },
        'fhirBaseUrl',
        /FHIR base URL must not have a \?query/,
      ],
      [
        'oidc',
        { issuer: 'https://as.example/.well-known/openid-configuration' },
        'issuer',
        /Issuer is the issuer URL itself/,
      ],
    ];
    for (const [id, params, name, message] of cases) {
      const errors = presetParamErrors(id, params);
      expect(errors[name], `${id} ${name}`).toMatch(message);
    }
    // The Epic base defaults to the sandbox; nothing else is required.
    expect(presetParamErrors('epic', {})).toEqual({});
    expect(() => profileFromPreset('openemr', {}, 'backend-services')).toThrow(PresetParamsError);
    expect(() => profileFromPreset('epic', {}, 'password')).toThrow(/no password defaults/);
  });

  it('explains each default with a reason and a source', () => {
    const rows = explainProfileDefaults('openemr', 'backend-services');
    const byField = Object.fromEntries(rows.map((r) => [r.field, r]));
    expect(byField.tokenEndpoint!.value).toBe('{siteAddress}/oauth2/{site}/token');
    expect(byField['auth.alg']).toMatchObject({ value: 'RS384' });
    expect(byField['auth.alg']!.source[0].tag).toBe('OE-CCG');
    expect(byField['auth.method']!.value).toBe('private_key_jwt');
    expect(byField['assertion.aud']!.value).toBe('openemr-site-address');
    for (const r of rows) {
      expect(r.why.length, r.field).toBeGreaterThan(10);
      expectSources(r.field, r.source);
    }
    const code = explainProfileDefaults('smart-v2', 'authorization-code').map((r) => r.field);
    expect(code).toContain('pkce');
    expect(code).not.toContain('auth.alg');
  });
});
