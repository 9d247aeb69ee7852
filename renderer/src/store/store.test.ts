import { describe, expect, it } from 'vitest';
import type { AuthorizationFlowView, TokenRequestDraft } from '../../../shared/types.js';
import { changedFields } from './assertion.js';
import { parseJsonObject } from './util.js';
import { isNewerFlow } from './authorization.js';
import { draftEdits } from './token-request.js';

describe('changedFields', () => {
  it('keeps only changed or added fields; removed ones become null', () => {
    expect(
      changedFields(
        { iss: 'a', aud: 'x', exp: 1, jti: 'j' },
        { iss: 'a', aud: 'y', exp: 1, extra: [1] },
      ),
    ).toEqual({ aud: 'y', extra: [1], jti: null });
  });
});

describe('parseJsonObject', () => {
  it('accepts objects only', () => {
    expect(parseJsonObject('{"a":1}', 'X')).toEqual({ value: { a: 1 } });
    expect(parseJsonObject('[1]', 'X')).toEqual({ error: 'X must be a JSON object ({ … }).' });
    expect('error' in parseJsonObject('{', 'X')).toBe(true);
  });
});

describe('draftEdits', () => {
  const draft: TokenRequestDraft = {
    id: 'd1',
    grant: 'client_credentials',
    method: 'POST',
    url: 'https://as/token',
    headers: [['accept', 'application/json']],
    params: [['grant_type', 'client_credentials']],
    preflight: [],
  };

  it('is undefined when nothing changed', () => {
    expect(draftEdits(draft, 'https://as/token', draft.headers, draft.params)).toBeUndefined();
  });

  it('carries each edited part and drops rows without a name', () => {
    expect(
      draftEdits(draft, ' https://as/token2 ', draft.headers, [
        ['grant_type', 'client_credentials'],
        ['', 'ignored'],
        ['scope', 'system/*.rs'],
      ]),
    ).toEqual({
      url: 'https://as/token2',
      params: [
        ['grant_type', 'client_credentials'],
        ['scope', 'system/*.rs'],
      ],
    });
  });
});

describe('isNewerFlow', () => {
  const flow = (id: string, status: AuthorizationFlowView['status'], startedAt: string) =>
    ({ id, status, startedAt }) as AuthorizationFlowView;

  it('never moves a flow backwards, and lets a later flow replace an earlier one', () => {
    const t1 = '2025-01-01T10:00:00.000Z';
    const t2 = '2025-01-01T10:05:00.000Z';
    expect(isNewerFlow(null, flow('a', 'waiting', t1))).toBe(true);
    expect(isNewerFlow(flow('a', 'waiting', t1), flow('a', 'done', t1))).toBe(true);
    expect(isNewerFlow(flow('a', 'done', t1), flow('a', 'exchanging', t1))).toBe(false);
    expect(isNewerFlow(flow('a', 'done', t1), flow('b', 'waiting', t2))).toBe(true);
    expect(isNewerFlow(flow('b', 'waiting', t2), flow('a', 'done', t1))).toBe(false);
  });
});
