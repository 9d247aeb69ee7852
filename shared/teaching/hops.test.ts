import { describe, expect, it } from 'vitest';
import { GRANT_TYPES } from '../types.js';
import { HOPS, HOP_IDS, hopOfStep, tokenHop } from './hops.js';

const SPEC = /^(RFC \d{4} §[\d.]+|SMART App Launch 2, |OpenID Connect |FHIR R4 )/;

describe('guided mode texts', () => {
  it('has every hop of every flow', () => {
    expect(HOP_IDS.sort()).toEqual(
      [
        'authorize',
        'callback',
        'device-authorization',
        'discovery',
        'end-session',
        'introspection',
        'registration',
        'resource',
        'revocation',
        'token:authorization_code',
        'token:client_credentials',
        'token:device_code',
        'token:password',
        'token:refresh_token',
        'userinfo',
      ].sort(),
    );
  });

  it.each(HOP_IDS)('%s has an explanation, a source and the meaning of its answer', (id) => {
    const hop = HOPS[id];
    expect(hop.title.trim()).not.toBe('');
    // Sentences, not placeholders.
    for (const text of [hop.sends, hop.why, hop.onSuccess, hop.onFailure])
      expect(text.trim().split(/\s+/).length).toBeGreaterThan(5);
    expect(hop.sources.length).toBeGreaterThan(0);
    for (const s of hop.sources) {
      expect(s.cite).toMatch(SPEC);
      expect(new URL(s.url).protocol).toBe('https:');
    }
  });

  it('gives each grant its token hop', () => {
    const hops = GRANT_TYPES.map(tokenHop);
    expect(new Set(hops).size).toBe(GRANT_TYPES.length);
    for (const h of hops) expect(HOPS[h].title).toMatch(/^Token request/);
  });

  it('finds the hop of a recorded step', () => {
    expect(hopOfStep('Discovery (redirected)')).toBe('discovery');
    expect(hopOfStep('Callback (loopback)')).toBe('callback');
    expect(hopOfStep('Token request', 'client_credentials')).toBe('token:client_credentials');
    expect(hopOfStep('Token request')).toBeUndefined();
    expect(hopOfStep('Device poll')).toBe('token:device_code');
    expect(hopOfStep('Resource request')).toBe('resource');
    expect(hopOfStep('JWKS hosting')).toBeUndefined();
  });
});
