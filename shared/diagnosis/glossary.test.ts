import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog.js';
import { CAUSE_CODES } from './codes.js';
import {
  BREAKS,
  GLOSSARY,
  breaksFor,
  glossaryEntry,
  glossaryMarkdown,
  searchGlossary,
} from './glossary.js';

describe('glossary', () => {
  it('has a page for every cause code, each with meaning, why, fix and a source', () => {
    expect(GLOSSARY.map((g) => g.code)).toEqual([...CAUSE_CODES]);
    for (const g of GLOSSARY) {
      expect(g.meaning.length, g.code).toBeGreaterThan(10);
      expect(g.why.length, g.code).toBeGreaterThan(0);
      for (const w of g.why) expect(w.trim().length, g.code).toBeGreaterThan(5);
      expect(g.fix.length, g.code).toBeGreaterThan(10);
      expect(g.sources.length, g.code).toBeGreaterThan(0);
      for (const s of g.sources) expect(s.trim(), g.code).not.toBe('');
      expect(g.title).toBe(CATALOG[g.code].title);
    }
  });

  it('links every break to the page of the cause it should produce', () => {
    for (const b of BREAKS) expect(glossaryEntry(b.expected)?.tryIt).toBe(b.name);
    expect(glossaryEntry('NOT_A_CODE')).toBeUndefined();
  });

  it('searches code, title and meaning; every word must match', () => {
    expect(searchGlossary('aud mismatch').map((g) => g.code)).toContain('ASSERTION_AUD_MISMATCH');
    expect(searchGlossary('pkce_mismatch').map((g) => g.code)).toEqual(['PKCE_MISMATCH']);
    expect(searchGlossary('verifier').map((g) => g.code)).toContain('PKCE_MISMATCH');
    expect(searchGlossary('zzz-nothing')).toEqual([]);
    expect(searchGlossary('  ')).toHaveLength(GLOSSARY.length);
  });

  it('lists the breaks that fit each flow', () => {
    const names = (p: Parameters<typeof breaksFor>[0]) => breaksFor(p).map((b) => b.name);
    expect(names({ flow: 'backend-services', authMethod: 'private_key_jwt', at: 'token' })).toEqual(
      ['aud', 'exp', 'jti-reuse', 'alg', 'kid', 'iss-sub', 'scope'],
    );
    expect(
      names({ flow: 'backend-services', authMethod: 'client_secret_basic', at: 'token' }),
    ).toEqual(['scope']);
    expect(names({ flow: 'authorization-code', authMethod: 'none', at: 'authorize' })).toEqual([
      'scope',
      'verifier',
      'redirect-uri',
      'state',
    ]);
    expect(
      names({ flow: 'authorization-code', authMethod: 'none', pkce: 'off', at: 'authorize' }),
    ).toEqual(['scope', 'redirect-uri', 'state']);
  });

  it('CAUSES.md is what `npm run glossary` writes (run it after changing the data)', () => {
    const committed = readFileSync(new URL('./CAUSES.md', import.meta.url), 'utf8');
    expect(committed).toBe(glossaryMarkdown());
    for (const code of CAUSE_CODES) expect(committed).toContain(`### \`${code}\``);
  });
});
