import { describe, expect, it } from 'vitest';
import { scopeDiff } from './diagnosis/token-response.js';
import {
  checkScopes,
  convertScopes,
  covers,
  diffScopes,
  parseScope,
  parseScopes,
  SMART_SCOPE_URI_PREFIX,
} from './scopes.js';

const GRANULAR =
  'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory';
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('parseScope', () => {
  it('parses SMART v1 scopes and maps their permissions to cruds letters', () => {
    const t = parseScope('patient/Observation.read');
    expect(t).toMatchObject({
      kind: 'resource',
      context: 'patient',
      resource: 'Observation',
      version: 1,
      v1Action: 'read',
      permissions: ['r', 's'],
      problems: [],
    });
    expect(t.explanation).toBe('Read and search the patient’s Observations');
    expect(parseScope('user/*.write')).toMatchObject({
      context: 'user',
      resource: '*',
      permissions: ['c', 'u', 'd'],
    });
    expect(parseScope('user/*.write').explanation).toBe(
      'Create, update and delete every resource type the signed-in user may access',
    );
    expect(parseScope('system/*.*')).toMatchObject({
      version: 1,
      v1Action: '*',
      permissions: ['c', 'r', 'u', 'd', 's'],
    });
  });

  it('parses SMART v2 scopes', () => {
    const t = parseScope('system/Patient.rs');
    expect(t).toMatchObject({ version: 2, permissions: ['r', 's'], problems: [] });
    expect(t.explanation).toBe(
      'Read and search all Patients the client is pre-authorized for (backend, no user)',
    );
    expect(parseScope('patient/*.cruds').explanation).toBe(
      'Create, read, update, delete and search all of the patient’s data (every resource type)',
    );
    expect(parseScope('user/MedicationRequest.c').permissions).toEqual(['c']);
    expect(parseScope('patient/AllergyIntolerance.s').explanation).toContain(
      'Search the patient’s AllergyIntolerances',
    );
    expect(parseScope('system/Binary.r').explanation).toContain('all Binaries');
  });

  it('parses granular v2 constraints and explains them', () => {
    const t = parseScope(GRANULAR);
    expect(t.problems).toEqual([]);
    expect(t.constraints).toEqual([
      ['category', 'http://terminology.hl7.org/CodeSystem/observation-category|laboratory'],
    ]);
    expect(t.explanation).toBe('Read and search the patient’s Observations in category laboratory');
    const two = parseScope('user/Observation.rs?category=vital-signs&code=http://loinc.org|8867-4');
    expect(two.constraints).toHaveLength(2);
    expect(two.explanation).toContain('in category vital-signs and where code is 8867-4');
  });

  it.each([
    ['patient/Observation.dus', 'patient/Observation.uds', 'out of order'],
    ['patient/Observation.rsc', 'patient/Observation.crs', 'out of order'],
    ['system/Patient.rsx', 'system/Patient.rs', 'x is not a permission letter'],
    ['system/Patient.RS', 'system/Patient.rs', 'lowercase'],
    ['system/Patient.rrs', 'system/Patient.rs', 'repeat'],
  ])('flags %s as SCOPE_SYNTAX with the corrected form', (raw, fixed, why) => {
    const t = parseScope(raw);
    expect(codes(t.problems)).toEqual(['SCOPE_SYNTAX']);
    expect(t.problems[0]?.evidence).toContain(why);
    expect(t.problems[0]?.fix).toBe(`Write ${fixed}.`);
    expect(t.normalized).toBe(fixed);
  });

  it('flags a v2 suffix without any permission letter as an error', () => {
    const t = parseScope('patient/Observation.xyz');
    expect(t.problems[0]).toMatchObject({ code: 'SCOPE_SYNTAX', severity: 'error' });
    expect(t.permissions).toBeUndefined();
    expect(parseScope('patient/Observation.').problems[0]?.severity).toBe('error');
  });

  it('flags capitals in the context, the resource type and names', () => {
    const a = parseScope('Patient/Observation.rs');
    expect(codes(a.problems)).toEqual(['SCOPE_SYNTAX']);
    expect(a.problems[0]?.fix).toBe('Write patient/Observation.rs.');
    expect(a.context).toBe('patient');
    const b = parseScope('System/*.read');
    expect(b.problems[0]?.evidence).toContain('lowercase: system/');
    const c = parseScope('patient/observation.read');
    expect(c.problems[0]?.fix).toContain('Observation');
    expect(c.normalized).toBe('patient/Observation.read');
    const d = parseScope('OpenID');
    expect(d).toMatchObject({ kind: 'identity', normalized: 'openid' });
    expect(d.problems[0]?.fix).toBe('Write openid exactly.');
    expect(parseScope('Launch/Patient').problems[0]?.code).toBe('SCOPE_SYNTAX');
    expect(parseScope('system/Patient.READ').problems[0]?.fix).toBe(
      'Write system/Patient.read (lowercase).',
    );
  });

  it('flags a constraint on a v1 scope', () => {
    const t = parseScope('patient/Observation.read?category=laboratory');
    expect(t.problems[0]?.evidence).toContain('only in SMART v2');
    expect(t.problems[0]?.fix).toBe('Write patient/Observation.rs?category=laboratory.');
  });

  it('reads the URI form', () => {
    const t = parseScope(`${SMART_SCOPE_URI_PREFIX}patient/*.read`);
    expect(t).toMatchObject({
      uriForm: true,
      kind: 'resource',
      context: 'patient',
      resource: '*',
      normalized: 'patient/*.read',
    });
    expect(covers(t, parseScope('patient/Observation.rs'))).toBe(true);
  });

  it('names launch, identity and refresh scopes', () => {
    const [launch, lp, le, openid, fhirUser, profile, offline, online] = parseScopes(
      'launch launch/patient launch/encounter openid fhirUser profile offline_access online_access',
    );
    expect(launch).toMatchObject({ kind: 'launch', problems: [] });
    expect(launch?.explanation).toContain('EHR launch');
    expect(lp?.explanation).toContain('pick a patient');
    expect(le?.explanation).toContain('encounter');
    expect(openid?.kind).toBe('identity');
    expect(fhirUser?.explanation).toContain('fhirUser in the id_token');
    expect(profile?.kind).toBe('identity');
    expect(offline).toMatchObject({ kind: 'refresh' });
    expect(offline?.explanation).toContain('after the user signs out');
    expect(online?.explanation).toContain('only while');
  });

  it('keeps vendor and unknown scopes as other', () => {
    const [oemr, fhir, site, unknown] = parseScopes('api:oemr api:fhir site:default read:all');
    expect(oemr).toMatchObject({ kind: 'other', problems: [] });
    expect(oemr?.explanation).toContain('OpenEMR');
    expect(fhir?.explanation).toContain('FHIR API');
    expect(site?.explanation).toContain('"default"');
    expect(unknown?.explanation).toContain('Not a SMART scope');
    const bulk = parseScope('system/Patient.$export');
    expect(bulk).toMatchObject({ kind: 'resource', operation: '$export', problems: [] });
    expect(bulk.explanation).toContain('$export operation on Patient');
  });

  it('flags a v1 scope when the server advertises only permission-v2, and the reverse', () => {
    const v1 = parseScope('system/*.read', { capabilities: ['permission-v2'] });
    expect(v1.problems[0]).toMatchObject({ code: 'SCOPE_SYNTAX', severity: 'warning' });
    expect(v1.problems[0]?.fix).toBe('Use the v2 form system/*.rs.');
    expect(
      parseScope('system/*.read', { capabilities: ['permission-v1', 'permission-v2'] }).problems,
    ).toEqual([]);
    const v2 = parseScope('system/*.rs', { capabilities: ['permission-v1'] });
    expect(v2.problems[0]).toMatchObject({ code: 'SCOPE_SYNTAX', severity: 'error' });
    expect(v2.problems[0]?.fix).toBe('Use the v1 form system/*.read.');
  });
});

describe('covers (wildcards, letters, constraints)', () => {
  const c = (a: string, b: string) => covers(parseScope(a), parseScope(b));
  it('decides whether one scope allows everything another does', () => {
    expect(c('system/*.rs', 'system/Patient.rs')).toBe(true);
    expect(c('system/*.rs', 'system/Patient.r')).toBe(true);
    expect(c('system/*.read', 'system/Patient.rs')).toBe(true);
    expect(c('system/Patient.rs', 'system/*.rs')).toBe(false);
    expect(c('system/*.rs', 'patient/Patient.rs')).toBe(false);
    expect(c('system/*.rs', 'system/Patient.cruds')).toBe(false);
    expect(c('patient/Observation.rs', GRANULAR)).toBe(true);
    expect(c(GRANULAR, 'patient/Observation.rs')).toBe(false);
    expect(c('openid', 'openid')).toBe(true);
    expect(c('system/*.$export', 'system/Patient.$export')).toBe(true);
  });
});

describe('checkScopes', () => {
  it('flags patient/ and user/ scopes with client_credentials first, with the system/ fix', () => {
    const f = checkScopes({
      scope: 'system/Patient.rs patient/Observation.rs user/*.read',
      grant: 'client_credentials',
    });
    expect(codes(f)).toEqual([
      'SCOPE_INVALID_FOR_GRANT',
      'SCOPE_INVALID_FOR_GRANT',
      'SCOPE_SYNTAX',
    ]);
    expect(f[0]).toMatchObject({ severity: 'error' });
    expect(f[0]?.evidence).toContain('patient/Observation.rs');
    expect(f[0]?.fix).toContain('system/Observation.rs');
    expect(f[1]?.fix).toContain('system/*.read');
    // the mix of v1 and v2 is noted
    expect(f[2]?.severity).toBe('info');
  });

  it('flags launch, openid and offline_access with client_credentials as warnings', () => {
    const f = checkScopes({
      scope: 'system/Patient.rs launch openid offline_access',
      grant: 'client_credentials',
    });
    expect(codes(f)).toEqual([
      'SCOPE_INVALID_FOR_GRANT',
      'SCOPE_INVALID_FOR_GRANT',
      'SCOPE_INVALID_FOR_GRANT',
    ]);
    expect(f.every((x) => x.severity === 'warning')).toBe(true);
    expect(checkScopes({ scope: 'system/Patient.rs', grant: 'client_credentials' })).toEqual([]);
  });

  it('warns about system/ scopes in the authorization code flow', () => {
    const f = checkScopes({
      scope: 'openid fhirUser launch/patient system/Patient.rs',
      grant: 'authorization_code',
    });
    expect(f[0]).toMatchObject({ code: 'SCOPE_INVALID_FOR_GRANT', severity: 'warning' });
    expect(f[0]?.fix).toContain('user/Patient.rs');
    expect(
      checkScopes({
        scope: 'openid fhirUser launch/patient patient/*.rs',
        grant: 'authorization_code',
      }),
    ).toEqual([]);
  });

  it('checks scopes_supported, letting a listed wildcard cover a request', () => {
    const scopesSupported = ['system/*.rs', 'launch/patient', 'openid'];
    expect(
      checkScopes({
        scope: 'system/Patient.rs system/Observation.r',
        grant: 'client_credentials',
        scopesSupported,
      }),
    ).toEqual([]);
    const f = checkScopes({
      scope: 'system/Patient.cruds system/Observation.rs',
      grant: 'client_credentials',
      scopesSupported,
    });
    expect(codes(f)).toEqual(['SCOPE_NOT_ALLOWED']);
    expect(f[0]).toMatchObject({ severity: 'warning' });
    expect(f[0]?.evidence).toContain('system/Patient.cruds is not in scopes_supported');
    expect(f[0]?.fix).toContain('system/*.rs');
    expect(f[0]?.fix).toContain('only examples');
  });

  it('notes when scopes_supported lists only the other SMART version', () => {
    const f = checkScopes({
      scope: 'system/Patient.rs',
      grant: 'client_credentials',
      scopesSupported: ['system/*.read'],
    });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: 'SCOPE_SYNTAX', severity: 'info' });
    expect(f[0]?.evidence).toContain('only SMART v1');
  });

  it('checks the scope version against permission-v1 / permission-v2', () => {
    const v2only = checkScopes({
      scope: 'system/Patient.read',
      grant: 'client_credentials',
      capabilities: ['permission-v2'],
    });
    expect(codes(v2only)).toEqual(['SCOPE_SYNTAX']);
    expect(v2only[0]?.fix).toContain('system/Patient.rs');
    const v1only = checkScopes({
      scope: 'system/Observation.rs?category=laboratory',
      grant: 'client_credentials',
      capabilities: ['permission-v1'],
    });
    expect(v1only[0]).toMatchObject({ code: 'SCOPE_SYNTAX', severity: 'error' });
    expect(v1only[0]?.fix).toContain('system/Observation.read');
    expect(v1only[0]?.fix).toContain('widens');
  });

  it('warns about offline_access without permission-offline and notes missing launch contexts', () => {
    const f = checkScopes({
      scope: 'launch launch/patient openid patient/*.rs offline_access',
      grant: 'authorization_code',
      capabilities: ['permission-v2', 'permission-patient', 'sso-openid-connect'],
    });
    expect(f[0]).toMatchObject({ code: 'SCOPE_NOT_ALLOWED', severity: 'warning' });
    expect(f[0]?.evidence).toContain('offline_access');
    expect(f[0]?.title).toContain('permission-offline');
    const infos = f.slice(1);
    expect(infos.map((x) => x.severity)).toEqual(['info', 'info']);
    expect(infos.map((x) => x.title).join(' ')).toContain('context-standalone-patient');
    expect(infos.map((x) => x.evidence).join(' ')).toContain('launch-ehr or a context-ehr-*');
    expect(
      checkScopes({
        scope: 'launch launch/patient openid patient/*.rs offline_access',
        grant: 'authorization_code',
        capabilities: [
          'permission-v2',
          'permission-patient',
          'permission-offline',
          'sso-openid-connect',
          'context-ehr-patient',
          'context-standalone-patient',
        ],
      }),
    ).toEqual([]);
  });

  it('flags set problems: fhirUser without openid, repeats, empty scope', () => {
    const f = checkScopes({
      scope: 'fhirUser patient/*.read patient/*.rs',
      grant: 'authorization_code',
    });
    expect(f[0]?.evidence).toContain('fhirUser is requested without openid');
    expect(f.map((x) => x.evidence).join(' ')).toContain(
      'requested twice (also as patient/*.read)',
    );
    expect(codes(checkScopes({ scope: '  ', grant: 'client_credentials' }))).toEqual([
      'SCOPE_SYNTAX',
    ]);
    expect(checkScopes({ scope: '', grant: 'refresh_token' })).toEqual([]);
  });

  it('puts syntax errors of every token in the findings', () => {
    const f = checkScopes({ scope: 'system/Patient.dus', grant: 'client_credentials' });
    expect(codes(f)).toEqual(['SCOPE_SYNTAX']);
    expect(f[0]?.fix).toBe('Write system/Patient.uds.');
  });
});

describe('convertScopes', () => {
  it('converts v1 to v2 exactly and leaves other scopes alone', () => {
    const c = convertScopes(
      'openid launch/patient patient/*.read user/Observation.write system/*.* api:oemr',
      2,
    );
    expect(c.text).toBe(
      'openid launch/patient patient/*.rs user/Observation.cud system/*.cruds api:oemr',
    );
    expect(c.items.map((i) => i.change)).toEqual([
      'unchanged',
      'unchanged',
      'exact',
      'exact',
      'exact',
      'unchanged',
    ]);
  });

  it('converts v2 to v1 where exact', () => {
    const c = convertScopes('patient/*.rs user/Observation.cud system/*.cruds', 1);
    expect(c.text).toBe('patient/*.read user/Observation.write system/*.*');
    expect(c.items.every((i) => i.change === 'exact' && !i.note)).toBe(true);
  });

  it('converts v2 to the nearest wider v1 scope with a note', () => {
    const c = convertScopes(`patient/Observation.r system/Patient.c user/*.cr ${GRANULAR}`, 1);
    expect(c.text).toBe(
      'patient/Observation.read system/Patient.write user/*.* patient/Observation.read',
    );
    expect(c.items.map((i) => i.change)).toEqual(['widens', 'widens', 'widens', 'widens']);
    expect(c.items[0]?.note).toContain('also allows search');
    expect(c.items[1]?.note).toContain('also allows update and delete');
    expect(c.items[3]?.note).toContain('cannot express in category laboratory');
  });

  it('keeps the URI form and granular constraints, and fixes v2 spelling when converting to v2', () => {
    const c = convertScopes(
      `${SMART_SCOPE_URI_PREFIX}patient/*.read ${GRANULAR} system/Patient.sr`,
      2,
    );
    expect(c.text).toBe(`${SMART_SCOPE_URI_PREFIX}patient/*.rs ${GRANULAR} system/Patient.rs`);
    expect(c.items[1]?.change).toBe('unchanged');
    expect(c.items[2]?.note).toContain('corrected');
  });

  it('round-trips exact scopes', () => {
    const text = 'patient/*.read user/Observation.write system/*.*';
    expect(convertScopes(convertScopes(text, 2).text, 1).text).toBe(text);
  });
});

describe('diffScopes', () => {
  it('reports a wildcard narrowed to one resource and fewer permissions', () => {
    const d = diffScopes('patient/*.cruds openid', 'patient/Observation.rs openid');
    expect(d.missing).toEqual([]);
    expect(d.extra).toEqual([]);
    expect(d.narrowed).toEqual([
      {
        requested: 'patient/*.cruds',
        granted: ['patient/Observation.rs'],
        explanation:
          'patient/*.cruds was granted as patient/Observation.rs: only Observation instead of every resource type and without create, update and delete.',
      },
    ]);
    expect(d.summary).toContain(d.narrowed[0]?.explanation);
  });

  it('treats a v1 scope granted in its v2 form as granted', () => {
    const d = diffScopes('system/*.read', 'system/*.rs');
    expect(d).toMatchObject({ missing: [], extra: [], narrowed: [] });
    expect(d.equivalent).toEqual([{ requested: 'system/*.read', granted: 'system/*.rs' }]);
    expect(d.summary[0]).toBe('Everything requested was granted.');
  });

  it('accepts a grant in pieces and lists missing, extra and wider scopes', () => {
    expect(
      diffScopes('system/Patient.cruds', 'system/Patient.rs system/Patient.cud'),
    ).toMatchObject({
      missing: [],
      narrowed: [],
      extra: [],
    });
    const d = diffScopes(
      'patient/Observation.rs offline_access launch/patient',
      'patient/*.rs launch/patient fhirUser',
    );
    expect(d.missing).toEqual(['offline_access']);
    expect(d.extra).toEqual(['patient/*.rs', 'fhirUser']);
    expect(d.summary).toContain(
      'patient/*.rs was granted, wider than the requested patient/Observation.rs.',
    );
    expect(d.summary).toContain('Not granted at all: offline_access.');
  });

  it('reports a granular constraint added by the server', () => {
    const d = diffScopes('patient/Observation.rs', GRANULAR);
    expect(d.narrowed[0]?.explanation).toContain('only in category laboratory');
  });

  it('treats an absent granted scope as granted as requested (RFC 6749 §5.1)', () => {
    const d = diffScopes('system/Patient.rs', undefined);
    expect(d.missing).toEqual([]);
    expect(d.summary[0]).toContain('returned no scope');
  });

  it('backs scopeDiff (the engine view): narrowed counts as missing, equivalents do not', () => {
    expect(scopeDiff('system/*.read system/Binary.rs', 'system/*.rs system/Patient.rs')).toEqual({
      requested: ['system/*.read', 'system/Binary.rs'],
      granted: ['system/*.rs', 'system/Patient.rs'],
      missing: [],
      extra: [],
    });
    expect(scopeDiff('patient/*.rs', 'patient/Observation.rs').missing).toEqual(['patient/*.rs']);
  });
});
