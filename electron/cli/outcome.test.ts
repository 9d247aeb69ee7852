import { describe, expect, it } from 'vitest';
import { tokenOutcome } from './flows.js';

describe('the token outcome the CLI prints', () => {
  it('never says "refused" for a 2xx: a 200 without a usable access_token says so', () => {
    expect(tokenOutcome({ ok: true, status: 200 })).toBe('success');
    expect(tokenOutcome({ ok: false, status: 200 })).toBe(
      'answered, but with no usable access_token',
    );
    expect(tokenOutcome({ ok: false, status: 400 })).toBe('refused');
    expect(tokenOutcome({ ok: false })).toBe('no answer');
  });
});
