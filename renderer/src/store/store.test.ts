import { describe, expect, it } from 'vitest';
import type { TokenRequestDraft } from '../../../shared/types.js';
import { changedFields, parseJsonObject } from './assertion.js';
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
