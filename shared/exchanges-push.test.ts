import { describe, expect, it } from 'vitest';
import { applyExchangesPush, exchangesPush } from './exchanges-push.js';
import type { HttpExchange } from './types.js';

const ex = (id: string): HttpExchange => ({
  id,
  step: 'Token request',
  startedAt: '2026-12-02T00:00:00.000Z',
  durationMs: 1,
  request: { method: 'POST', url: 'https://as.example/token', headers: [] },
  curl: '',
});
const list = (...ids: string[]) => ids.map(ex);
const ids = (xs: readonly HttpExchange[] | undefined) => xs?.map((x) => x.id);

describe('exchanges push', () => {
  it('sends only what was appended, and the receiver ends with the same list', () => {
    const before = list('a', 'b', 'c');
    const now = list('a', 'b', 'c', 'd');
    const push = exchangesPush(['a', 'b', 'c'], now);
    expect(push).toEqual({ total: 4, after: 'c', appended: [now[3]] });
    expect(ids(applyExchangesPush(before, push))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('names the exchanges the bounds dropped from the start', () => {
    const now = list('b', 'c', 'd', 'e');
    const push = exchangesPush(['a', 'b', 'c', 'd'], now);
    expect(push.removed).toEqual(['a']);
    expect(ids(push.appended)).toEqual(['e']);
    expect(ids(applyExchangesPush(list('a', 'b', 'c', 'd'), push))).toEqual(ids(now));
  });

  it('sends the whole list after a clear, a restore in front, or a large cut', () => {
    expect(exchangesPush(['a', 'b'], [])).toEqual({ total: 0, all: [] });
    const restored = list('x', 'a', 'b');
    expect(ids(exchangesPush(['a', 'b'], restored).all)).toEqual(['x', 'a', 'b']);
    expect(exchangesPush(['a', 'b', 'c', 'd'], list('d')).all).toBeDefined();
  });

  it('a receiver that missed a push says so instead of showing a wrong list', () => {
    const push = exchangesPush(['a', 'b', 'c'], list('a', 'b', 'c', 'd'));
    // Missed the push that added c: the counts do not add up.
    expect(applyExchangesPush(list('a', 'b'), push)).toBeUndefined();
    // Holds as many, but not the same last one (missed a removal and an addition).
    expect(applyExchangesPush(list('z', 'b', 'x'), push)).toBeUndefined();
    // Nothing yet (the push came before the first listing).
    expect(applyExchangesPush([], push)).toBeUndefined();
  });

  it('the first push to an empty receiver appends from nothing', () => {
    const push = exchangesPush([], list('a'));
    expect(push).toEqual({ total: 1, appended: [ex('a')] });
    expect(ids(applyExchangesPush([], push))).toEqual(['a']);
  });
});
