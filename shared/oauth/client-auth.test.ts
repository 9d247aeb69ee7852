import { describe, expect, it } from 'vitest';
import { CLIENT_ASSERTION_TYPE } from '../diagnosis/assertion-lint.js';
import { base64Utf8, basicCredentials, clientAuthPlan, formEncode } from './client-auth.js';

/** Decodes what basicCredentials built, as a server does: base64, split at ":", form-decode. */
function serverReads(credentials: string): [string, string] {
  const bytes = Uint8Array.from(atob(credentials), (c) => c.charCodeAt(0));
  const text = new TextDecoder().decode(bytes);
  const at = text.indexOf(':');
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return [decode(text.slice(0, at)), decode(text.slice(at + 1))];
}

describe('client_secret_basic (RFC 6749 §2.3.1, RFC 7617)', () => {
  it('puts a placeholder in the Authorization header and the credentials in fill', () => {
    const plan = clientAuthPlan({ method: 'client_secret_basic', clientId: 'app', secret: 's3' });
    expect(plan.headers).toEqual([['authorization', 'Basic {{client_secret_basic}}']]);
    expect(plan.params).toEqual([]);
    expect([...plan.fill.keys()]).toEqual(['client_secret_basic']);
    // The RFC 7617 §2 example shape: base64("app:s3").
    expect(plan.fill.get('client_secret_basic')).toBe(btoa('app:s3'));
  });

  it('form-encodes id and secret before base64, so ":" and spaces survive (§2.3.1)', () => {
    const id = 'my client:1';
    const secret = 'p@ss:w rd+/=';
    const c = basicCredentials(id, secret);
    expect(atob(c)).toBe('my+client%3A1:p%40ss%3Aw+rd%2B%2F%3D');
    expect(serverReads(c)).toEqual([id, secret]);
  });

  it('encodes non-ASCII characters as UTF-8 (no btoa range error)', () => {
    const secret = 'clé-秘密-🔑';
    expect(serverReads(basicCredentials('ä', secret))).toEqual(['ä', secret]);
    expect(base64Utf8('é')).toBe('w6k=');
  });

  it('matches the form encoding of the request body (Appendix B)', () => {
    expect(formEncode('a b&c=d')).toBe('a+b%26c%3Dd');
  });
});

describe('client_secret_post (RFC 6749 §2.3.1)', () => {
  it('sends client_id and a client_secret placeholder in the body', () => {
    const plan = clientAuthPlan({ method: 'client_secret_post', clientId: 'app', secret: 'x' });
    expect(plan.headers).toEqual([]);
    expect(plan.params).toEqual([
      ['client_id', 'app'],
      ['client_secret', '{{client_secret}}'],
    ]);
    expect(plan.fill.get('client_secret')).toBe('x');
  });
});

describe('none: a public client (RFC 6749 §2.1, §3.2.1)', () => {
  it('sends only client_id, and no secret at all', () => {
    const plan = clientAuthPlan({ method: 'none', clientId: 'public-app' });
    expect(plan).toEqual({ headers: [], params: [['client_id', 'public-app']], fill: new Map() });
  });
});

describe('assertions: private_key_jwt (RFC 7523 §2.2) and client_secret_jwt (OIDC Core §9)', () => {
  for (const method of ['private_key_jwt', 'client_secret_jwt'] as const) {
    it(`${method}: client_assertion_type and a client_assertion placeholder (RFC 7521 §4.2)`, () => {
      const plan = clientAuthPlan({ method, clientId: 'app', assertion: 'a.b.c' });
      expect(plan.headers).toEqual([]);
      expect(plan.params).toEqual([
        ['client_assertion_type', CLIENT_ASSERTION_TYPE],
        ['client_assertion', '{{client_assertion}}'],
      ]);
      expect(plan.fill.get('client_assertion')).toBe('a.b.c');
    });
  }

  it('adds client_id (optional per RFC 7521 §4.2) only when asked and known', () => {
    const asked = clientAuthPlan({
      method: 'private_key_jwt',
      clientId: 'app',
      assertion: 'a.b.c',
      sendClientId: true,
    });
    expect(asked.params[0]).toEqual(['client_id', 'app']);
    const noId = clientAuthPlan({
      method: 'private_key_jwt',
      clientId: '',
      assertion: 'a.b.c',
      sendClientId: true,
    });
    expect(noId.params.map(([n]) => n)).toEqual(['client_assertion_type', 'client_assertion']);
  });

  it('never puts a secret value in a header or parameter (placeholders only)', () => {
    for (const plan of [
      clientAuthPlan({ method: 'client_secret_basic', clientId: 'app', secret: 'SECRET' }),
      clientAuthPlan({ method: 'client_secret_post', clientId: 'app', secret: 'SECRET' }),
      clientAuthPlan({ method: 'client_secret_jwt', clientId: 'app', assertion: 'SECRET' }),
    ])
      expect(JSON.stringify([plan.headers, plan.params])).not.toMatch(/SECRET|U0VDUkVU/);
  });
});
