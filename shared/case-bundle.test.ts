import { describe, expect, it } from 'vitest';
import {
  buildCaseBundle,
  bundleFileName,
  bundleHar,
  caseBundleSchema,
  clockOffsetOf,
  parseCaseBundle,
  type CaseBundle,
} from './case-bundle.js';
import { readEvidence } from './evidence.js';
import { inspectEvidence } from './inspect.js';
import type { HttpExchange } from './types.js';

const TOKEN_URL = 'http://127.0.0.1:43063/token';
const IAT = 1_800_000_000;

// A refused backend-services token request as the recorder kept it (a real run's shape: the
// assertion masked with its mark, the server's Date two seconds ahead of the local clock).
const refused: HttpExchange = {
  id: 'x1',
  step: 'Token request',
  runId: 'r1',
  profileId: 'p1',
  startedAt: new Date(IAT * 1000).toISOString(),
  durationMs: 20,
  request: {
    method: 'POST',
    url: TOKEN_URL,
    headers: [['content-type', 'application/x-www-form-urlencoded']],
    body: 'grant_type=client_credentials&scope=system%2FPatient.rs&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={{client_assertion}}',
  },
  response: {
    status: 401,
    statusText: 'Unauthorized',
    headers: [
      ['content-type', 'application/json; charset=utf-8'],
      ['date', new Date((IAT + 2) * 1000).toUTCString()],
    ],
    body: '{"error":"invalid_client","error_description":"client authentication failed"}',
    bodyBytes: 80,
    truncated: false,
  },
  marks: { '{{client_assertion}}': { length: 649, sha256: 'e663d2ed' } },
  curl: "curl -X POST 'http://127.0.0.1:43063/token'",
};

function bundle(): CaseBundle {
  return buildCaseBundle({
    createdAt: '2026-12-02T04:00:00.000Z',
    app: { name: 'OAuth Flow Debugger', version: '0.1.0' },
    os: 'linux 6.1 x64',
    clockOffsetSec: clockOffsetOf([refused]),
    run: {
      id: 'r1',
      profileId: 'p1',
      profileName: 'backend',
      flow: 'token',
      startedAt: refused.startedAt,
    },
    profile: { name: 'backend', fhirBaseUrl: 'http://127.0.0.1:43063/fhir', clientId: 'rs-client' },
    exchanges: [refused],
    tokens: [
      {
        exchangeId: 'x1',
        kind: 'client_assertion',
        mark: { length: 649, sha256: 'e663d2ed' },
        header: { alg: 'RS384', kid: 'k1', typ: 'JWT' },
        claims: {
          iss: 'rs-client',
          sub: 'rs-client',
          aud: 'https://wrong.example/token',
          jti: 'j1',
          iat: IAT,
          exp: IAT + 300,
        },
      },
    ],
    findings: [
      {
        code: 'ASSERTION_AUD_MISMATCH',
        severity: 'error',
        basis: 'check',
        title: 'aud is not the token endpoint',
        evidence: 'aud is https://wrong.example/token',
        fix: 'Set aud to the token endpoint.',
      },
    ],
  });
}

describe('case bundle', () => {
  it('round trips through JSON and its schema', () => {
    const b = bundle();
    expect(b.format).toBe('oauth-flow-debugger-case');
    expect(b.version).toBe(1);
    expect(parseCaseBundle(JSON.parse(JSON.stringify(b)))).toEqual(b);
    expect(caseBundleSchema.safeParse({ ...b, tokens: [{ kind: 'x' }] }).success).toBe(false);
    expect(bundleFileName(b)).toBe('oauth-flow-debugger-case-token-2027-01-15T08-00-00.json');
  });

  it('says what is wrong with a bundle it cannot read, and a newer version', () => {
    const b = bundle();
    expect(() => parseCaseBundle({ ...b, run: { id: 1 } })).toThrow(/run\.\w+ is not as version 1/);
    expect(() => parseCaseBundle({ ...b, version: 2 })).toThrow(
      /version 2; this app reads version 1/,
    );
  });

  it('clock offset: server Date minus the local clock, null without a Date', () => {
    expect(clockOffsetOf([refused])).toBe(2);
    expect(
      clockOffsetOf([{ ...refused, response: { ...refused.response!, headers: [] } }]),
    ).toBeNull();
  });

  it('the Inspector reads it: the masked assertion is linted from its decoded claims', async () => {
    const ev = readEvidence([{ text: JSON.stringify(bundle()), name: 'case.json' }]);
    expect(ev.items[0]!.summary).toMatch(/^Case bundle of run "token" \(backend\)/);
    const a = ev.jwts.find((j) => j.role === 'client_assertion')!;
    expect(a.masked).toBe(true);
    const report = await inspectEvidence(ev, {}, { verifications: new Map(), nowSec: IAT });
    expect(report.refused).toBe(true);
    const codes = report.findings.map((f) => f.code);
    expect(codes).toContain('ASSERTION_AUD_MISMATCH');
    // A candidate of the server's invalid_client at most, never a failed check of the stand-in.
    const sig = report.findings.find((f) => f.code === 'ASSERTION_SIGNATURE_INVALID');
    expect(sig?.basis ?? 'inference').not.toBe('check');
    expect(codes).not.toContain('REQUEST_MALFORMED');
    expect(report.jwts[0]!.verification.status).toBe('unchecked');
    expect(report.notes.join(' ')).toContain(
      'Masked in the export, cannot be checked: client_assertion',
    );
    expect(report.report).toContain('Case bundle of run "token"');
  });

  it('bundleHar is a redacted HAR of the run with the decoded assertion, no signature', () => {
    const har = bundleHar(bundle());
    expect(har.log.pages[0]!.id).toBe('r1');
    const e = har.log.entries[0]!;
    expect(e.request.postData?.text).toContain('{{client_assertion;len=649;sha256=e663d2ed}}');
    expect(e._assertion?.claims.aud).toBe('https://wrong.example/token');
  });
});
