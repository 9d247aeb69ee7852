import { describe, expect, it } from 'vitest';
import { ok } from '../../shared/result.js';
import { CANCELLED_MESSAGE, InFlight } from './in-flight.js';

describe('InFlight', () => {
  it('cancels only the named profile’s requests, and all without a name', () => {
    const f = new InFlight();
    const a = f.begin('a');
    const b = f.begin('b');
    const none = f.begin();
    expect(f.cancel('a')).toBe(1);
    expect([a.cancelled(), b.cancelled(), none.cancelled()]).toEqual([true, false, false]);
    expect(f.cancel()).toBe(2);
    expect(b.signal.aborted && none.signal.aborted).toBe(true);
    expect(f.count()).toBe(0);
  });

  it('an ended request is no longer cancellable', () => {
    const f = new InFlight();
    const a = f.begin('a');
    a.end();
    expect(f.cancel()).toBe(0);
    expect(a.cancelled()).toBe(false);
  });

  it('a call with a cancelled request returns CANCELLED, and sends nothing more', async () => {
    const f = new InFlight();
    let later: boolean | undefined;
    const r = await f.call(async () => {
      f.begin('p');
      f.cancel('p');
      later = f.begin('p').cancelled();
      return ok('the feature read the failure as an answer');
    });
    expect(later).toBe(true);
    expect(r).toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: CANCELLED_MESSAGE, fix: expect.any(String) },
    });
    // Outside the call, requests stand on their own again.
    expect(f.begin('p').cancelled()).toBe(false);
  });

  it('a call without a cancel keeps its Result', async () => {
    const f = new InFlight();
    expect(await f.call(async () => ok(1))).toEqual({ ok: true, value: 1 });
  });
});
