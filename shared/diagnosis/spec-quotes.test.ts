import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quote, SPEC_QUOTES, type SpecQuoteId } from './spec-quotes.js';
import { lintTokenResponse } from './token-response.js';

const passages = (
  JSON.parse(
    readFileSync(new URL('../../e2e/fixtures/spec/passages.json', import.meta.url), 'utf8'),
  ) as { passages: { source: string; text: string }[] }
).passages;

describe('spec quotes', () => {
  it.each(Object.keys(SPEC_QUOTES) as SpecQuoteId[])('%s is word for word in its source', (id) => {
    const q = SPEC_QUOTES[id];
    const url = /\((https?:\/\/[^)]+)\)/.exec(q.source)?.[1];
    const passage = passages.find((p) => p.source === url);
    expect(passage, `no stored passage of ${url}`).toBeTruthy();
    expect(passage!.text).toContain(q.text);
  });

  it('each token-response rule quotes its spec, and only SMART profiles get SMART’s rules', () => {
    const long = { access_token: 'a', token_type: 'Bearer', expires_in: 3600, refresh_token: 'r' };
    const smart = lintTokenResponse(long, [], 'client_credentials', true);
    const byQuote = (id: SpecQuoteId) => smart.find((f) => f.evidence.includes(quote(id)));
    for (const id of [
      'smartExpiresIn',
      'smartScope',
      'rfcNoRefreshForClientCredentials',
      'rfcNoStore',
    ] as const) {
      expect(byQuote(id), id).toBeTruthy();
      expect(byQuote(id)!.source).toBe(SPEC_QUOTES[id].source);
    }
    expect(smart.map((f) => f.evidence).join(' ')).not.toMatch(/SHOULD NOT exceed/);
    const plain = lintTokenResponse(long, [], 'client_credentials', false);
    expect(plain.some((f) => f.evidence.includes(quote('smartExpiresIn')))).toBe(false);
    expect(plain.some((f) => f.evidence.includes(quote('smartScope')))).toBe(false);
    // RFC 6749 holds for every server.
    expect(plain.some((f) => f.evidence.includes(quote('rfcNoRefreshForClientCredentials')))).toBe(
      true,
    );
  });
});
