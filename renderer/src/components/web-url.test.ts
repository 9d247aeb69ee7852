import { describe, expect, it } from 'vitest';
import { webUrl } from './web-url.js';

describe('webUrl', () => {
  it('passes http(s) addresses and refuses every other scheme', () => {
    expect(webUrl('https://auth.example/logout?x=1')).toBe('https://auth.example/logout?x=1');
    expect(webUrl('http://127.0.0.1:8080/device')).toBe('http://127.0.0.1:8080/device');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'ms-settings:',
      'not a url',
      '',
      undefined,
    ]) {
      expect(webUrl(bad), String(bad)).toBeUndefined();
    }
  });
});
