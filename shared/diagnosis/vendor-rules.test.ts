import { describe, expect, it } from 'vitest';
import { CAUSE_CODES } from './codes.js';
import { PRESETS, PRESET_IDS } from '../presets.js';
import {
  decodeCernerErrorUri,
  expectedAudiences,
  resourceFindings,
  responseContext,
  VENDOR_RULES,
  vendorFindings,
  type DiagnosisContext,
} from './vendor-rules.js';

const base = (over: Partial<DiagnosisContext> = {}): DiagnosisContext => ({
  profile: { authMethod: 'private_key_jwt', clientId: 'c1' },
  request: { url: 'https://as.example/token', headers: [], params: [] },
  earlier: [],
  preflight: [],
  ...over,
});

describe('vendor rules as data', () => {
  it('every rule names known presets, a known code, an existing error shape and a source', () => {
    const ids = new Set<string>();
    for (const r of VENDOR_RULES) {
      expect(ids.has(r.id), r.id).toBe(false);
      ids.add(r.id);
      expect(CAUSE_CODES).toContain(r.code);
      if (r.vendors !== 'all') for (const v of r.vendors) expect(PRESET_IDS).toContain(v);
      if (r.shape) {
        expect(r.vendors, r.id).not.toBe('all');
        for (const v of r.vendors as readonly string[])
          expect(
            PRESETS[v as keyof typeof PRESETS].errorShapes.map((s) => s.id),
            `${r.id} → ${r.shape}`,
          ).toContain(r.shape);
      } else expect(r.source, r.id).toBeDefined();
    }
  });
});

describe('wording with missing inputs', () => {
  // Every rule's evidence and fix, rendered from a context that holds as little as possible (no
  // assertion, no discovery, no parameters, no response words): what a user reads never shows
  // "undefined", an internal rule id, or a raw object.
  const bare = (preset?: (typeof PRESETS)[keyof typeof PRESETS]): DiagnosisContext => ({
    ...(preset ? { preset } : {}),
    profile: { authMethod: 'private_key_jwt' },
    request: { url: 'https://as.example/token', headers: [], params: [] },
    response: responseContext({ status: 400, headers: [], text: '' }),
    earlier: [],
    preflight: [],
  });
  it.each(VENDOR_RULES.map((r) => [r.id, r] as const))('%s', (_id, r) => {
    const vendor = r.vendors === 'all' ? undefined : r.vendors[0];
    const c = bare(vendor ? PRESETS[vendor] : undefined);
    // Only what can be shown is rendered: a rule whose condition fails here never shows.
    let applies: boolean;
    try {
      applies = r.when(c);
    } catch {
      applies = false;
    }
    if (!applies) return;
    let evidence: string;
    try {
      evidence = r.evidence(c);
    } catch (e) {
      // A rule only runs when its condition holds; one that needs more than the bare context
      // must say so by its condition failing on it, not by throwing at render time.
      expect(r.when(c), `${r.id} throws: ${(e as Error).message}`).toBe(false);
      return;
    }
    const fix =
      typeof r.fix === 'function'
        ? (() => {
            try {
              return r.fix(c);
            } catch {
              return '';
            }
          })()
        : (r.fix ?? '');
    for (const text of [evidence, fix, r.title ?? ''])
      expect(text, r.id).not.toMatch(
        /undefined|\[object Object\]|\bNaN\b|\b[OCEGK]\d{1,2}-[a-z]+\b|\bAB\d-[a-z]+\b|\bG-[a-z]+\b/,
      );
    // Sources are links a reader can open, not the citation tags of the research notes.
    for (const f of vendorFindings(c).filter((x) => x.ruleId === r.id))
      expect(f.finding.source ?? '', r.id).not.toMatch(/\[[A-Z][A-Z0-9]*(-[A-Z0-9]+)+\]/);
  });
});

describe('decodeCernerErrorUri', () => {
  it('reads the URN, client and tenant from an encoded error_uri', () => {
    const uri =
      'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-client-credentials/instances/1f?client=unknown&tenant=t-1';
    expect(decodeCernerErrorUri(uri)).toEqual({
      urn: 'urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials',
      client: 'unknown',
      tenant: 't-1',
    });
    expect(decodeCernerErrorUri('https://example.org/help')).toBeUndefined();
  });
});

describe('vendorFindings', () => {
  it('OpenEMR: aud built from the Site Address that discovery advertises, and RS384 only (before sending)', () => {
    const ctx = base({
      preset: PRESETS.openemr,
      request: { url: 'http://127.0.0.1:9/oauth2/default/token', headers: [], params: [] },
      discovery: { tokenEndpoint: 'https://emr.example.org/openemr/oauth2/default/token' },
      assertion: {
        header: { alg: 'RS256' },
        claims: { aud: 'http://127.0.0.1:9/oauth2/default/token', sub: 'c1' },
      },
    });
    expect(expectedAudiences(ctx)).toEqual([
      'https://emr.example.org/openemr/oauth2/default/token',
    ]);
    const codes = vendorFindings(ctx).map((f) => f.finding.code);
    expect(codes).toEqual(['ASSERTION_AUD_MISMATCH', 'ASSERTION_ALG_NOT_ACCEPTED']);
  });

  it('Epic null description: the static-key cause leads when no JKU is set, else the client id', () => {
    const response = responseContext({
      status: 400,
      headers: [],
      text: '{"error":"invalid_client","error_description":null}',
      json: { error: 'invalid_client', error_description: null },
    });
    const noJku = vendorFindings(
      base({ preset: PRESETS.epic, response, assertion: { header: {}, claims: {} } }),
    );
    expect(noJku[0]?.finding.code).toBe('ASSERTION_KID_NOT_FOUND');
    const jku = vendorFindings(
      base({
        preset: PRESETS.epic,
        profile: { authMethod: 'private_key_jwt', clientId: 'c1', jwksUri: 'https://app/jwks' },
        response,
      }),
    );
    expect(jku[0]?.finding.code).toBe('CLIENT_UNKNOWN');
    // A description that is not null is not the E1 shape.
    const other = responseContext({
      status: 400,
      headers: [],
      text: '',
      json: { error: 'invalid_client', error_description: 'bad' },
    });
    expect(vendorFindings(base({ preset: PRESETS.epic, response: other }))).toEqual([]);
  });

  it('rules of one vendor never fire for another', () => {
    const response = responseContext({
      status: 400,
      headers: [],
      text: '',
      json: { error: 'invalid_client', error_description: 'Token reuse detected' },
    });
    expect(vendorFindings(base({ preset: PRESETS.keycloak, response }))[0]?.finding.code).toBe(
      'ASSERTION_JTI_REUSED',
    );
    expect(vendorFindings(base({ preset: PRESETS.openemr, response }))).toEqual([]);
    expect(vendorFindings(base({ response }))).toEqual([]);
  });

  it('resource calls: Aidbox 403 names the AccessPolicy; no vendor, no finding', () => {
    const x = { url: 'http://ab/fhir/Patient', status: 403, headers: [], body: '{}' };
    const f = resourceFindings({ ...x, vendor: 'aidbox', clientId: 'ab-1' });
    expect(f.map((v) => v.code)).toEqual(['RESOURCE_FORBIDDEN']);
    expect(f[0]!.evidence).toContain('Client/ab-1');
    expect(f[0]!.source).toContain('client-credentials-grant.md');
    expect(resourceFindings(x)).toEqual([]);
  });
});
