// issue 11 §3: property tests of everything that parses outside input. Each parser either gives
// its result or refuses with a documented failure (AppFailure, or a "Not read: …" note); any
// other exception (a TypeError, a RangeError…) is a bug. 10,000 runs each.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AS_FIELDS,
  SMART_FIELDS,
  authFieldFindings,
  checkFields,
} from '../../shared/diagnosis/discovery-rules.js';
import { parseCurl, readEvidence } from '../../shared/evidence.js';
import { decodeForDisplay } from '../../shared/jwt-view.js';
import { AppFailure } from '../../shared/result.js';
import { parseBodyTolerantly } from '../../shared/tolerant-json.js';
import { pemArmor } from '../testing/fixtures/pem.js';
import { importKey } from './keys.js';
import { parseProfileFile } from './model.js';
import { testEngine } from './test-helpers.js';

const RUNS = { numRuns: 10_000 };
const now = new Date('2026-12-01T00:00:00Z');

/** Runs f; a thrown AppFailure is a refusal, anything else fails the property. */
async function refusesCleanly(f: () => unknown): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    if (e instanceof AppFailure) return true;
    throw e;
  }
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');
const json = fc.jsonValue({ maxDepth: 3 });
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary' }),
);

/** Three segments: JSON or not, base64url or not, with stray dots and padding now and then. */
const jwtLike = fc.oneof(
  fc
    .tuple(json, json, fc.string())
    .map(([h, c, s]) => `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(c))}.${b64url(s)}`),
  fc.tuple(text, text, text).map(([a, b, c]) => `${a}.${b}.${c}`),
  fc.tuple(json, text).map(([h, rest]) => `eyJ${b64url(JSON.stringify(h)).slice(3)}.${rest}`),
  fc.array(fc.base64String(), { minLength: 1, maxLength: 6 }).map((p) => p.join('.')),
);

/** HAR-shaped JSON with random entries, requests, responses, headers and bodies. */
const header = fc.record({
  name: fc.oneof(
    fc.constantFrom('content-type', 'authorization', 'location', 'www-authenticate'),
    fc.string(),
  ),
  value: fc.oneof(fc.string(), jwtLike),
});
const harEntry = fc.record(
  {
    request: fc.record(
      {
        method: fc.oneof(fc.constantFrom('GET', 'POST'), fc.string()),
        url: fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string()),
        headers: fc.array(header, { maxLength: 5 }),
        postData: fc.record(
          {
            mimeType: fc.string(),
            text: fc.oneof(
              fc.string(),
              jwtLike,
              json.map((j) => JSON.stringify(j)),
            ),
          },
          { requiredKeys: [] },
        ),
        queryString: fc.array(fc.record({ name: fc.string(), value: fc.string() }), {
          maxLength: 3,
        }),
      },
      { requiredKeys: [] },
    ),
    response: fc.record(
      {
        status: fc.oneof(fc.integer({ min: -1, max: 999 }), fc.string() as fc.Arbitrary<unknown>),
        headers: fc.array(header, { maxLength: 5 }),
        content: fc.record(
          {
            mimeType: fc.string(),
            text: fc.oneof(
              fc.string(),
              json.map((j) => JSON.stringify(j)),
            ),
          },
          { requiredKeys: [] },
        ),
        redirectURL: fc.string(),
      },
      { requiredKeys: [] },
    ),
    startedDateTime: fc.string(),
  },
  { requiredKeys: [] },
);
const har = fc.oneof(
  fc
    .array(harEntry, { maxLength: 4 })
    .map((entries) => JSON.stringify({ log: { version: '1.2', entries } })),
  json.map((j) => JSON.stringify({ log: j })),
);

const curl = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'curl',
        '-X',
        'POST',
        '-H',
        '-d',
        '--data-urlencode',
        '-u',
        '--url',
        '\\\n',
        "'",
        '"',
        '$',
        '`',
      ),
      fc.webUrl(),
      fc.string(),
      fc.string().map((s) => `'${s}'`),
      fc.string().map((s) => `"${s}"`),
    ),
    { maxLength: 12 },
  )
  .map((parts) => `curl ${parts.join(' ')}`);

const rawHttp = fc
  .tuple(
    fc.oneof(
      fc.constantFrom('POST /token HTTP/1.1', 'HTTP/1.1 400 Bad Request', 'GET / HTTP/2'),
      fc.string(),
    ),
    fc.array(
      fc.tuple(fc.string(), fc.string()).map(([n, v]) => `${n}: ${v}`),
      { maxLength: 6 },
    ),
    fc.oneof(
      fc.string(),
      json.map((j) => JSON.stringify(j)),
    ),
  )
  .map(([start, headers, body]) => [start, ...headers, '', body].join('\r\n'));

const callback = fc
  .tuple(
    fc.webUrl(),
    fc.array(
      fc.tuple(
        fc.constantFrom('code', 'state', 'iss', 'error', 'error_description', 'error_uri'),
        fc.string(),
      ),
      { maxLength: 6 },
    ),
    fc.boolean(),
  )
  .map(
    ([base, params, fragment]) =>
      `${base}${fragment ? '#' : '?'}${new URLSearchParams(params).toString()}`,
  );

/** Every kind of pasted evidence, and garbage. */
const evidence = fc.oneof(
  jwtLike,
  har,
  curl,
  rawHttp,
  callback,
  json.map((j) => JSON.stringify(j)),
  text,
);

describe('property: parsers of outside input never throw anything undocumented', () => {
  it('JWTs: decodeForDisplay decodes or refuses with an AppFailure', async () => {
    await fc.assert(
      fc.asyncProperty(jwtLike, (jwt) => refusesCleanly(() => decodeForDisplay(jwt))),
      RUNS,
    );
  });

  it('JWK / JWKS / PEM text: importKey imports or refuses with an AppFailure', async () => {
    const jwk = fc.record(
      {
        kty: fc.oneof(fc.constantFrom('RSA', 'EC', 'OKP', 'oct'), fc.string()),
        crv: fc.oneof(fc.constantFrom('P-256', 'P-384', 'Ed25519'), fc.string()),
        n: fc.base64String(),
        e: fc.constantFrom('AQAB', ''),
        x: fc.base64String(),
        y: fc.base64String(),
        d: fc.base64String(),
        kid: fc.string(),
      },
      { requiredKeys: [] },
    );
    const keyText = fc.oneof(
      jwk.map((k) => JSON.stringify(k)),
      fc.array(jwk, { maxLength: 3 }).map((keys) => JSON.stringify({ keys })),
      fc.base64String().map((b) => pemArmor('PRIVATE KEY', b)),
      fc
        .tuple(
          fc.constantFrom('PUBLIC KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'CERTIFICATE'),
          fc.base64String(),
        )
        .map(([t, b]) => pemArmor(t, b)),
      text,
    );
    await fc.assert(
      fc.asyncProperty(keyText, (t) =>
        refusesCleanly(() => importKey(t, undefined, undefined, now)),
      ),
      RUNS,
    );
  });

  it('discovery documents: the field checks and auth findings read any JSON object', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(
            fc.constantFrom(...[...SMART_FIELDS, ...AS_FIELDS].map((r) => r.name)),
            fc.string(),
          ),
          json,
        ),
        (doc) => {
          checkFields(doc, SMART_FIELDS);
          checkFields(doc, AS_FIELDS);
          authFieldFindings(doc, 'https://ehr.example/.well-known/smart-configuration');
          return true;
        },
      ),
      RUNS,
    );
  });

  it('answer bodies: parseBodyTolerantly reads any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          text,
          json.map((j) => JSON.stringify(j)),
          har,
        ),
        (t) => !!parseBodyTolerantly(t),
      ),
      RUNS,
    );
  });

  it('curl commands: parseCurl reads or refuses with an Error that says why', () => {
    fc.assert(
      fc.property(curl, (c) => {
        try {
          parseCurl(c);
        } catch (e) {
          // A refusal names what is wrong; a TypeError or RangeError is a bug.
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).constructor).toBe(Error);
          expect((e as Error).message.length).toBeGreaterThan(0);
        }
        return true;
      }),
      RUNS,
    );
  });

  it('pasted evidence of every kind (JWT, HAR, curl, raw HTTP, callback URL, JSON, text): readEvidence never throws', () => {
    fc.assert(
      fc.property(
        fc.array(evidence, { minLength: 1, maxLength: 3 }),
        fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        (items, harEntry) => {
          const e = readEvidence(
            items.map((text) => ({ text })),
            harEntry,
          );
          return e.items.length === items.length;
        },
      ),
      RUNS,
    );
  });

  it('profile files: parseProfileFile parses or refuses with an AppFailure', async () => {
    const profile = fc.record(
      {
        name: fc.oneof(fc.string(), json),
        flow: fc.oneof(
          fc.constantFrom('backend-services', 'authorization-code', 'device-code', 'password'),
          fc.string(),
        ),
        fhirBaseUrl: fc.oneof(fc.webUrl(), fc.string()),
        clientId: fc.oneof(fc.string(), json),
        scope: fc.string(),
        redirectUri: fc.oneof(fc.webUrl(), fc.string()),
        auth: fc.oneof(
          fc.record(
            {
              method: fc.oneof(
                fc.constantFrom('private_key_jwt', 'none', 'client_secret_basic'),
                fc.string(),
              ),
              alg: fc.string(),
              privateKeyPath: fc.string(),
            },
            { requiredKeys: [] },
          ),
          json,
        ),
        authorizeParams: fc.oneof(
          fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 3 }),
          json,
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          profile.map((p) => JSON.stringify(p)),
          text,
        ),
        (t) => refusesCleanly(() => parseProfileFile(t)),
      ),
      RUNS,
    );
  });

  it('the Inspector end to end: every answer is a report or a named refusal, never INTERNAL', async () => {
    const engine = testEngine();
    await fc.assert(
      fc.asyncProperty(fc.array(evidence, { minLength: 1, maxLength: 2 }), async (items) => {
        const r = await engine.inspect({ items: items.map((text) => ({ text })) });
        return r.ok || r.error.code !== 'INTERNAL';
      }),
      { numRuns: 10_000 },
    );
  });
});
