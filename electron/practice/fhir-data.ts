/**
 * The practice server's sample FHIR R4 data (made up, no real person) and the small FHIR endpoint
 * over it: read by id and search by patient, with SMART scopes checked (SMART App Launch 2
 * §Scopes: patient/ scopes reach only the launch patient's compartment; user/ and system/ reach
 * everything the user or client may see, here all of it).
 */

type Resource = { resourceType: string; id: string } & Record<string, unknown>;

const patient = (id: string, family: string, given: string, gender: string, birthDate: string) => ({
  resourceType: 'Patient',
  id,
  active: true,
  name: [{ use: 'official', family, given: [given] }],
  gender,
  birthDate,
});

const encounter = (id: string, patientId: string, start: string, text: string) => ({
  resourceType: 'Encounter',
  id,
  status: 'finished',
  class: {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    code: 'AMB',
    display: 'ambulatory',
  },
  type: [{ text }],
  subject: { reference: `Patient/${patientId}` },
  period: { start, end: start.replace('T09', 'T10') },
});

const observation = (
  id: string,
  patientId: string,
  encounterId: string,
  loinc: [string, string],
  value: { value: number; unit: string; code: string },
  effective: string,
) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  category: [
    {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/observation-category',
          code: 'vital-signs',
        },
      ],
    },
  ],
  code: { coding: [{ system: 'http://loinc.org', code: loinc[0], display: loinc[1] }] },
  subject: { reference: `Patient/${patientId}` },
  encounter: { reference: `Encounter/${encounterId}` },
  effectiveDateTime: effective,
  valueQuantity: { ...value, system: 'http://unitsofmeasure.org' },
});

/** The launch patient of the practice server (patient/ scopes are limited to this one). */
export const LAUNCH_PATIENT = 'pat-1';
export const LAUNCH_ENCOUNTER = 'enc-1';

/** Three patients, their encounters and vital signs; the demo user is Practitioner/demo. */
export const SAMPLE_DATA: Resource[] = [
  patient('pat-1', 'Rivera', 'Ana', 'female', '1984-03-12'),
  patient('pat-2', 'Okafor', 'Chidi', 'male', '1979-11-02'),
  patient('pat-3', 'Lindqvist', 'Maja', 'female', '2001-06-25'),
  {
    resourceType: 'Practitioner',
    id: 'demo',
    active: true,
    name: [{ family: 'Demo', given: ['Dana'], prefix: ['Dr.'] }],
  },
  encounter('enc-1', 'pat-1', '2026-01-14T09:00:00Z', 'Annual check-up'),
  encounter('enc-2', 'pat-1', '2026-03-02T09:30:00Z', 'Follow-up'),
  encounter('enc-3', 'pat-2', '2026-02-20T09:15:00Z', 'Blood pressure review'),
  encounter('enc-4', 'pat-3', '2026-04-08T09:45:00Z', 'Sports physical'),
  observation(
    'obs-1',
    'pat-1',
    'enc-1',
    ['8867-4', 'Heart rate'],
    { value: 68, unit: 'beats/minute', code: '/min' },
    '2026-01-14T09:10:00Z',
  ),
  observation(
    'obs-2',
    'pat-1',
    'enc-1',
    ['29463-7', 'Body weight'],
    { value: 64.2, unit: 'kg', code: 'kg' },
    '2026-01-14T09:12:00Z',
  ),
  observation(
    'obs-3',
    'pat-1',
    'enc-2',
    ['8310-5', 'Body temperature'],
    { value: 36.8, unit: 'Cel', code: 'Cel' },
    '2026-03-02T09:35:00Z',
  ),
  observation(
    'obs-4',
    'pat-2',
    'enc-3',
    ['8480-6', 'Systolic blood pressure'],
    { value: 142, unit: 'mm[Hg]', code: 'mm[Hg]' },
    '2026-02-20T09:20:00Z',
  ),
  observation(
    'obs-5',
    'pat-3',
    'enc-4',
    ['8867-4', 'Heart rate'],
    { value: 54, unit: 'beats/minute', code: '/min' },
    '2026-04-08T09:50:00Z',
  ),
];

/** The patient a resource belongs to (its compartment), or undefined (Practitioner). */
function patientOf(r: Resource): string | undefined {
  if (r.resourceType === 'Patient') return r.id;
  const ref = (r.subject as { reference?: string } | undefined)?.reference;
  return ref?.startsWith('Patient/') ? ref.slice('Patient/'.length) : undefined;
}

/** What a FHIR call answered: a status and a JSON body (plus the challenge of a refusal). */
export interface FhirAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const outcome = (status: number, code: string, diagnostics: string, error?: string) => ({
  status,
  body: {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics }],
  },
  ...(error ? { headers: { 'www-authenticate': `Bearer error="${error}"` } } : {}),
});

/** True when `scope` grants reading `type` (SMART v2 .rs/.r, v1 .read, or a * wildcard). */
function grants(scope: string, kind: string, type: string): boolean {
  const m = new RegExp(`^${kind}/(\\*|${type})\\.(\\w+)$`).exec(scope);
  if (!m) return false;
  return m[2] === 'read' || m[2] === '*' || /^c?r/.test(m[2]!);
}

/**
 * Answers GET {fhirBase}/{path} for a token with these scopes: `Type/id` (read) or `Type?patient=`
 * / `Type?subject=Patient/…` / `Type` (search). patient/ scopes see only `launchPatient`'s data.
 */
export function answerFhir(
  path: string,
  query: URLSearchParams,
  scopes: string[],
  launchPatient: string,
  fhirBase: string,
  data: Resource[] = SAMPLE_DATA,
): FhirAnswer {
  const [type = '', id, extra] = path.split('/');
  if (!type || extra !== undefined || !/^[A-Z][A-Za-z]+$/.test(type))
    return outcome(404, 'not-found', `No route ${path} on this practice FHIR server.`);
  const wide = ['system', 'user'].some((k) => scopes.some((s) => grants(s, k, type)));
  const narrow = scopes.some((s) => grants(s, 'patient', type));
  if (!wide && !narrow)
    return outcome(
      403,
      'forbidden',
      `The token's scopes do not allow reading ${type} (ask for e.g. system/${type}.rs, user/${type}.rs or patient/${type}.rs).`,
      'insufficient_scope',
    );
  const visible = (r: Resource) => wide || patientOf(r) === launchPatient;
  const ofType = data.filter((r) => r.resourceType === type);
  if (id) {
    const r = ofType.find((x) => x.id === id);
    if (!r) return outcome(404, 'not-found', `${type}/${id} is not on this practice server.`);
    if (!visible(r))
      return outcome(
        403,
        'forbidden',
        `patient/ scopes reach only the launch patient (Patient/${launchPatient}); ${type}/${id} belongs to another patient.`,
        'insufficient_scope',
      );
    return { status: 200, body: r };
  }
  const wanted = query.get('patient') ?? query.get('subject') ?? query.get('_id');
  const wantedId = wanted?.replace(/^Patient\//, '');
  const found = ofType.filter(
    (r) =>
      visible(r) &&
      (wantedId === undefined ||
        (query.has('_id') ? r.id === wantedId : patientOf(r) === wantedId)),
  );
  return {
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      total: found.length,
      link: [{ relation: 'self', url: `${fhirBase}/${path}${query.size ? `?${query}` : ''}` }],
      entry: found.map((r) => ({
        fullUrl: `${fhirBase}/${r.resourceType}/${r.id}`,
        resource: r,
        search: { mode: 'match' },
      })),
    },
  };
}
