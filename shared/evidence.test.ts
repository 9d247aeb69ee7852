import { describe, expect, it } from 'vitest';
import { parseCurl, readEvidence, readEvidenceItem, requestParams } from './evidence.js';
import { inferJwtRole, inspectEvidence, maskUrl } from './inspect.js';

// Unsigned test JWTs: only their shape matters to the reader.
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (header: object, claims: object) => `${b64(header)}.${b64(claims)}.c2ln`;
const ASSERTION = jwt(
  { alg: 'RS384', kid: 'k1', typ: 'JWT' },
  { iss: 'app', sub: 'app', aud: 'https://as/token', jti: '1', exp: 2 },
);

describe('curl', () => {
  it('reads a Chrome "Copy as cURL (bash)" command with line continuations', () => {
    const r = parseCurl(
      `curl 'https://ehr.example/token' \\\n  -H 'accept: application/json' \\\n  -H 'content-type: application/x-www-form-urlencoded' \\\n  --data-raw 'grant_type=client_credentials&client_id=a%20b'`,
    );
    expect(r.method).toBe('POST');
    expect(r.url).toBe('https://ehr.example/token');
    expect(r.headers).toContainEqual(['content-type', 'application/x-www-form-urlencoded']);
    expect(requestParams(r)).toEqual([
      ['grant_type', 'client_credentials'],
      ['client_id', 'a b'],
    ]);
  });

  it('reads -XPOST, -u, repeated -d, --data-urlencode and skips options it does not need', () => {
    const r = parseCurl(
      `curl -s -XPOST -u 'id:s3cret' -o /dev/null --max-time 5 -d grant_type=client_credentials --data-urlencode 'scope=system/Patient.read system/Observation.read' "https://as.example/t"`,
    );
    expect(r.method).toBe('POST');
    expect(r.url).toBe('https://as.example/t');
    expect(r.headers).toContainEqual(['Authorization', `Basic ${btoa('id:s3cret')}`]);
    expect(requestParams(r)).toEqual([
      ['grant_type', 'client_credentials'],
      ['scope', 'system/Patient.read system/Observation.read'],
    ]);
    expect(r.headers).toContainEqual(['Content-Type', 'application/x-www-form-urlencoded']);
  });

  it('notes a body read from a file, and a GET with -G puts data in the query', () => {
    const f = parseCurl(`curl https://as/t -d @body.txt`);
    expect(f.notes[0]).toMatch(/read from a file \(@body.txt\)/);
    const g = parseCurl(`curl -G https://fhir/Patient -d _count=1`);
    expect(g).toMatchObject({ method: 'GET', url: 'https://fhir/Patient?_count=1' });
    expect(g.body).toBeUndefined();
  });

  it('refuses text that is not a curl command, and Windows cmd quoting with what to copy instead', () => {
    expect(() => parseCurl('wget https://x')).toThrow(/does not start with curl/);
    expect(() => parseCurl('curl ^"https://as/t^" -H ^"accept: */*^"')).toThrow(
      /Copy as cURL \(bash\)/,
    );
  });
});

describe('one item', () => {
  it('tells the kinds apart', () => {
    const kinds = [
      ASSERTION,
      `curl https://a/t -d grant_type=client_credentials`,
      'POST /oauth2/default/token HTTP/1.1\nHost: emr.example\n\ngrant_type=client_credentials',
      'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic\n\n{"error":"invalid_client"}',
      `grant_type=client_credentials&client_assertion=${ASSERTION}`,
      '{"grant_type":"client_credentials","client_id":"a","client_secret":"b"}',
      '{"error":"invalid_client","error_description":null}',
      '{"access_token":"x","token_type":"Bearer"}',
      '{"keys":[]}',
      'Deprecated: something in /var/www/x.php on line 3\n{"error":"invalid_client"}',
      '<html><body>Bad gateway</body></html>',
      'Bad Request: the server said the request failed',
    ].map((t) => readEvidenceItem(t, 'x').kind);
    expect(kinds).toEqual([
      'jwt',
      'curl',
      'http-request',
      'http-response',
      'token-request-body',
      'token-request-body',
      'error-body',
      'token-response',
      'jwks',
      'error-body',
      'error-body',
      'text',
    ]);
  });

  it('plain text with no word of a server refusal is not OAuth evidence, and says what is', () => {
    expect(() => readEvidenceItem('hello world', 'x')).toThrow(
      /not OAuth evidence \("hello world"\)\. Accepted: a JWT, a token request body, .* a HAR file/,
    );
  });

  it('a raw request takes its URL from the Host header (https assumed)', () => {
    const p = readEvidenceItem(
      'POST /oauth2/default/token HTTP/1.1\r\nHost: emr.example:8443\r\nAuthorization: Basic YTpi\r\n\r\ngrant_type=client_credentials',
      'x',
    );
    expect(p.request).toMatchObject({
      method: 'POST',
      url: 'https://emr.example:8443/oauth2/default/token',
      body: 'grant_type=client_credentials',
    });
  });

  it('a Bearer JWT on a token request is a (misplaced) client assertion', () => {
    const p = readEvidenceItem(
      `curl https://as/t -H 'Authorization: Bearer ${ASSERTION}' -d grant_type=client_credentials`,
      'x',
    );
    expect(p.jwts).toEqual([expect.objectContaining({ jwt: ASSERTION, role: 'client_assertion' })]);
  });
});

describe('HAR', () => {
  const entry = (method: string, url: string, body: string | undefined, status: number) => ({
    startedDateTime: '2026-11-20T10:00:00.000Z',
    request: {
      method,
      url,
      headers: [
        { name: ':authority', value: 'as' },
        { name: 'content-type', value: 'application/x-www-form-urlencoded' },
      ],
      ...(body ? { postData: { mimeType: 'application/x-www-form-urlencoded', text: body } } : {}),
    },
    response: {
      status,
      headers: [{ name: 'date', value: 'Fri, 20 Nov 2026 10:00:01 GMT' }],
      content: { text: status < 300 ? '{"access_token":"t"}' : '{"error":"invalid_client"}' },
    },
  });
  const har = (...entries: unknown[]) => JSON.stringify({ log: { version: '1.2', entries } });

  it('picks the last failed token request, drops pseudo-headers, lists every entry', () => {
    const text = har(
      entry('GET', 'https://fhir/metadata', undefined, 200),
      entry('POST', 'https://as/token', 'grant_type=client_credentials&client_id=a', 401),
      entry('POST', 'https://as/token', 'grant_type=client_credentials&client_id=b', 200),
      entry('GET', 'https://fhir/Patient', undefined, 403),
    );
    const e = readEvidence([{ text, name: 'x.har' }]);
    expect(e.harEntry).toBe(1);
    expect(e.harEntries?.map((x) => x.tokenRequest)).toEqual([false, true, true, false]);
    expect(e.request?.headers.map(([n]) => n)).toEqual(['content-type']);
    expect(e.response?.status).toBe(401);
    expect(e.harTime).toBe('2026-11-20T10:00:00.000Z');
    // An explicit choice wins; one out of range says the range.
    expect(readEvidence([{ text }], 3).response?.status).toBe(403);
    expect(readEvidence([{ text }], 9).items[0]!.summary).toMatch(/entries 0 to 3; 9 is not one/);
  });

  const page = (url: string, status: number, body: string, headers: [string, string][] = []) => ({
    startedDateTime: '2026-11-20T10:00:00.000Z',
    request: { method: 'GET', url, headers: [] },
    response: {
      status,
      headers: headers.map(([name, value]) => ({ name, value })),
      content: { text: body },
    },
  });

  it('picks the failing exchange whatever its kind: a sign-in that ended in an error= redirect', async () => {
    const text = har(
      page('https://app/index.html', 200, '<html></html>'),
      page(
        'https://as/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp%2Fcb&state=s1',
        302,
        '',
        [['location', 'https://app/cb?error=invalid_client&state=s1']],
      ),
      page('https://app/cb?error=invalid_client&state=s1', 200, '<html>Sign-in failed</html>'),
      page('https://app/favicon.ico', 404, ''),
    );
    const e = readEvidence([{ text, name: 'sign-in.har' }]);
    expect(e.front).toBe(true);
    expect(e.harEntries?.filter((x) => x.failed).map((x) => x.index)).toEqual([1, 2]);
    expect(e.harEntries?.[1]?.kind).toBe('authorize');
    expect(e.flow.callback).toContainEqual(['error', 'invalid_client']);
    const r = await inspectEvidence(e, {}, { verifications: new Map(), nowSec: 1_800_000_000 });
    expect(r.endpoint).toBe('authorize');
    expect(r.refused).toBe(true);
    expect(r.findings[0]!.code).toBe('CLIENT_UNKNOWN');
    expect(r.exchange?.redirect).toContainEqual(['error', 'invalid_client']);
  });

  it('an error page at the authorization server, served with 200, is the failing entry', async () => {
    const text = har(
      page('https://app/', 200, '<html></html>'),
      page(
        'https://login.microsoftonline.com/t/oauth2/v2.0/authorize?response_type=code&client_id=a&redirect_uri=https%3A%2F%2Fapp%2Fx',
        200,
        "<html><body><div>Sorry, but we're having trouble signing you in.</div><div>AADSTS50011: The redirect URI 'https://app/x' specified in the request does not match the redirect URIs configured for the application 'a'.</div></body></html>",
      ),
    );
    const e = readEvidence([{ text }]);
    expect(e.harEntry).toBe(1);
    const r = await inspectEvidence(e, {}, { verifications: new Map(), nowSec: 1_800_000_000 });
    expect(r.findings[0]).toMatchObject({ code: 'REDIRECT_URI_MISMATCH', basis: 'server' });
  });

  it('with no token request in it, a failed resource call is the one diagnosed', () => {
    const text = har(
      page('https://fhir/metadata', 200, '{}'),
      page('https://fhir/r4/Patient', 403, '{"resourceType":"OperationOutcome","issue":[]}'),
    );
    const e = readEvidence([{ text }]);
    expect(e.harEntry).toBe(1);
    expect(e.harEntries?.[1]).toMatchObject({ kind: 'resource', failed: true });
  });

  it('a HAR-looking file with the wrong structure says where', () => {
    const e = readEvidence([{ text: '{"log":{"entries":[{"request":{}}]}}' }]);
    expect(e.items[0]).toMatchObject({ kind: 'text' });
    expect(e.items[0]!.summary).toMatch(/Not read: .*HAR/);
  });
});

describe('merging', () => {
  it('a body and a separate response make one exchange; the same JWT is listed once with its role', () => {
    const e = readEvidence([
      { text: ASSERTION },
      { text: `grant_type=client_credentials&client_assertion=${ASSERTION}` },
      { text: '{"error":"invalid_client"}' },
    ]);
    expect(e.jwts).toHaveLength(1);
    expect(e.jwts[0]!.role).toBe('client_assertion');
    expect(e.request?.method).toBe('POST');
    expect(e.response?.body).toBe('{"error":"invalid_client"}');
    expect(e.items.map((i) => i.name)).toEqual(['item 1', 'item 2', 'item 3']);
  });

  it('a cut-off or encrypted JWT is not read, and says how to fix it', () => {
    const cut = readEvidence([{ text: ASSERTION.split('.').slice(0, 2).join('.') }]);
    expect(cut.items[0]!.summary).toMatch(/has 2 dot-separated segments, not 3: copy the whole/);
    expect(cut.response).toBeUndefined();
    const jwe = readEvidence([{ text: 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d' }]);
    expect(jwe.items[0]!.summary).toMatch(/encrypted JWT \(JWE/);
  });

  it('an empty item is listed as not read, not dropped', () => {
    const e = readEvidence([{ text: ' ', name: 'blank.txt' }, { text: ASSERTION }]);
    expect(e.items[0]).toEqual({
      name: 'blank.txt',
      kind: 'text',
      summary: 'Not read: It is empty.',
    });
  });
});

describe('JWT roles from claims', () => {
  it('infers assertion, id token and access token', () => {
    const d = (claims: object, header: object = { alg: 'RS256' }) => ({
      header: header as Record<string, unknown>,
      claims: claims as Record<string, unknown>,
      signatureLength: 4,
    });
    expect(inferJwtRole(d({ iss: 'a', sub: 'a', aud: 'x', jti: '1' }))).toBe('client_assertion');
    expect(inferJwtRole(d({ iss: 'as', sub: 'u', aud: 'a', nonce: 'n' }))).toBe('id_token');
    expect(inferJwtRole(d({ iss: 'as', sub: 'u', scope: 'x' }))).toBe('access_token');
    expect(inferJwtRole(d({ iss: 'as' }, { alg: 'RS256', typ: 'at+jwt' }))).toBe('access_token');
    expect(inferJwtRole(d({ iss: 'as', sub: 'u' }))).toBe('jwt');
  });
});

describe('masking', () => {
  it('masks codes and tokens in URLs (query and fragment), and leaves other URLs as they are', () => {
    expect(maskUrl('https://app/cb?code=abc123&state=s1')).toBe(
      'https://app/cb?code={{code}}&state=s1',
    );
    expect(maskUrl('https://app/cb#access_token=tok123&token_type=Bearer')).toBe(
      'https://app/cb#access_token={{access_token}}&token_type=Bearer',
    );
    expect(maskUrl('https://fhir/Patient?_count=1')).toBe('https://fhir/Patient?_count=1');
  });

  it('a HAR with the redirect carrying the code shows no code anywhere', async () => {
    const text = JSON.stringify({
      log: {
        entries: [
          {
            request: {
              method: 'GET',
              url: 'https://app/cb?code=secret-code-1&state=s',
              headers: [],
            },
            response: { status: 200, headers: [], content: { text: '' } },
          },
          {
            request: {
              method: 'POST',
              url: 'https://as/token',
              headers: [],
              postData: { text: 'grant_type=authorization_code&code=other-code-2&client_id=a' },
            },
            response: { status: 400, headers: [], content: { text: '{"error":"invalid_grant"}' } },
          },
        ],
      },
    });
    const r = await inspectEvidence(
      readEvidence([{ text }]),
      {},
      { verifications: new Map(), nowSec: 0 },
    );
    const all = JSON.stringify(r);
    expect(all).not.toContain('secret-code-1');
    expect(all).not.toContain('other-code-2');
    // The code sent is not the one on the redirect (the callback entry precedes it).
    expect(r.findings[0]!.code).toBe('CODE_INVALID');
    expect(r.findings[0]!.evidence).toMatch(/not the one on the redirect/);
  });
});

describe('authorization code context', () => {
  it('pasted authorize and redirect URLs are read as the flow around the token request', () => {
    const e = readEvidence([
      {
        text: 'https://as/authorize?response_type=code&client_id=a&redirect_uri=https%3A%2F%2Fapp%2Fcb&state=s1&code_challenge=x&code_challenge_method=S256',
      },
      { text: 'https://app/cb?code=c1&state=s2' },
    ]);
    expect(e.items.map((i) => i.kind)).toEqual(['authorize-url', 'redirect-url']);
    expect(e.flow.authorize).toContainEqual(['redirect_uri', 'https://app/cb']);
    expect(e.flow.callback).toContainEqual(['state', 's2']);
  });
});

describe('JWTs that cannot be decoded', () => {
  it('are named in the notes, not dropped silently', async () => {
    const bad = `${b64({ alg: 'RS384' })}.bm90IGpzb24.c2ln`; // claims segment is not JSON
    const r = await inspectEvidence(
      readEvidence([{ text: bad }, { text: '{"error":"invalid_client"}' }]),
      {},
      { verifications: new Map(), nowSec: 0 },
    );
    expect(r.jwts).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/The JWT in item 1 could not be decoded: The claims segment/);
  });
});

describe('notes', () => {
  it('point at the jku the assertion names when no JWKS was given', async () => {
    const jwt = `${b64({ alg: 'RS384', kid: 'k1', typ: 'JWT', jku: 'https://app.example/jwks.json' })}.${b64({ iss: 'a', sub: 'a', aud: 'https://as/token', jti: '1', exp: 2 })}.c2ln`;
    const r = await inspectEvidence(
      readEvidence([{ text: jwt }]),
      {},
      { verifications: new Map(), nowSec: 0 },
    );
    expect(r.notes.join(' ')).toMatch(
      /jku https:\/\/app.example\/jwks.json\): give that as the JWKS URL/,
    );
  });
});
