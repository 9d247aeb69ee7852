import { describe, expect, it } from 'vitest';
import { LOOPBACK_REDIRECT, isLoopbackRedirect } from './redirect-uri.js';

describe('loopback redirect URIs (RFC 8252 §7.3)', () => {
  it('accepts http on 127.0.0.1, [::1] and localhost, with or without a port', () => {
    for (const uri of [
      LOOPBACK_REDIRECT,
      'http://127.0.0.1:8765/callback',
      'http://[::1]:9000/cb',
      'http://localhost/callback',
    ])
      expect(isLoopbackRedirect(uri), uri).toBe(true);
  });

  it('refuses https, other hosts, custom schemes and text that is not a URI', () => {
    for (const uri of [
      'https://127.0.0.1/callback',
      'http://127.0.0.2/callback',
      'http://example.com/callback',
      'com.example.app:/callback',
      'not a uri',
    ])
      expect(isLoopbackRedirect(uri), uri).toBe(false);
  });
});
