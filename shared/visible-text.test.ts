import { describe, expect, it } from 'vitest';
import {
  hasInvisible,
  invisibleMarker,
  invisibleName,
  revealInvisible,
  revealInvisibleString,
  type VisibleSegment,
} from './visible-text.js';

const join = (segs: VisibleSegment[]) =>
  segs.map((s) => ('text' in s ? s.text : String.fromCodePoint(s.hidden))).join('');

describe('revealInvisible', () => {
  it('leaves ordinary text as one segment, and the empty string as none', () => {
    const text = 'invalid_client: "secret" is wrong\n\tsee https://example.com/a?b=c\r\n';
    expect(revealInvisible(text)).toEqual([{ text }]);
    expect(revealInvisible('')).toEqual([]);
    expect(hasInvisible(text)).toBe(false);
    expect(revealInvisibleString(text)).toBe(text);
  });

  it('leaves Arabic and Hebrew letters, emoji and accents alone: only controls are revealed', () => {
    const text = 'مرحبا שלום café 👍🏽 ❤️ 日本語 e\u0301 a\u00A0b';
    expect(revealInvisible(text)).toEqual([{ text }]);
    expect(revealInvisible('שלום\u202Eabc')).toEqual([
      { text: 'שלום' },
      { hidden: 0x202e, name: 'RIGHT-TO-LEFT OVERRIDE' },
      { text: 'abc' },
    ]);
  });

  it('reveals a right-to-left override in a filename-looking error', () => {
    const text = 'file invoice\u202Egpj.exe rejected';
    expect(revealInvisible(text)).toEqual([
      { text: 'file invoice' },
      { hidden: 0x202e, name: 'RIGHT-TO-LEFT OVERRIDE' },
      { text: 'gpj.exe rejected' },
    ]);
    expect(revealInvisibleString(text)).toBe('file invoice⟨U+202E⟩gpj.exe rejected');
  });

  it('covers every bidi control, zero-width and format character asked for', () => {
    const cps = [
      0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f,
      0x061c, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x180e, 0x2061, 0x2062, 0x2063,
      0x2064, 0xe0000, 0xe0001, 0xe0041, 0xe007f,
    ];
    for (const cp of cps) {
      const segs = revealInvisible(`a${String.fromCodePoint(cp)}b`);
      expect(segs, invisibleMarker(cp)).toEqual([
        { text: 'a' },
        { hidden: cp, name: invisibleName(cp) },
        { text: 'b' },
      ]);
    }
    expect(invisibleName(0x200b)).toBe('ZERO WIDTH SPACE');
    expect(invisibleName(0x2067)).toBe('RIGHT-TO-LEFT ISOLATE');
    expect(invisibleName(0xad)).toBe('SOFT HYPHEN');
  });

  it('reveals C0 and C1 controls but keeps tab, line feed and carriage return', () => {
    expect(revealInvisible('a\u0000b\u001Bc\u007Fd\u0085e\u009Ff')).toEqual([
      { text: 'a' },
      { hidden: 0, name: 'NULL' },
      { text: 'b' },
      { hidden: 0x1b, name: 'ESCAPE' },
      { text: 'c' },
      { hidden: 0x7f, name: 'DELETE' },
      { text: 'd' },
      { hidden: 0x85, name: 'NEXT LINE' },
      { text: 'e' },
      { hidden: 0x9f, name: 'CONTROL CHARACTER (C1)' },
      { text: 'f' },
    ]);
    expect(revealInvisible('a\tb\nc\r\n')).toEqual([{ text: 'a\tb\nc\r\n' }]);
  });

  it('reveals astral tag characters whole (surrogate pairs are never split)', () => {
    // "hi" written in tag characters, as in prompt-injection payloads hidden in text.
    const hidden = '\u{E0068}\u{E0069}';
    const text = `ok${hidden}😀`;
    const segs = revealInvisible(text);
    expect(segs).toEqual([
      { text: 'ok' },
      { hidden: 0xe0068, name: 'TAG LATIN SMALL LETTER H' },
      { hidden: 0xe0069, name: 'TAG LATIN SMALL LETTER I' },
      { text: '😀' },
    ]);
    expect(revealInvisibleString(text)).toBe('ok⟨U+E0068⟩⟨U+E0069⟩😀');
    for (const s of segs) {
      if ('text' in s) expect(/\p{Cs}/u.test(s.text)).toBe(false);
    }
    // A lone surrogate is left as it is, not taken for half of a tag character.
    expect(revealInvisible('x\uDB40y')).toEqual([{ text: 'x\uDB40y' }]);
  });

  it('gives back the text exactly when the segments are joined', () => {
    const text = '\u202E\u200Bstart\u2066mid\u2069\u{E0041}\uFEFFend\u0000';
    expect(join(revealInvisible(text))).toBe(text);
    expect(revealInvisibleString(text)).toBe(
      '⟨U+202E⟩⟨U+200B⟩start⟨U+2066⟩mid⟨U+2069⟩⟨U+E0041⟩⟨U+FEFF⟩end⟨U+0000⟩',
    );
  });

  it('gives a large body with nothing hidden back as one segment (its speed: npm run bench)', () => {
    const text = '{"a":"b"}'.repeat(100_000);
    expect(revealInvisible(text)).toEqual([{ text }]);
    const marked = `${text}\u202e${text}`;
    expect(revealInvisible(marked)).toEqual([
      { text },
      { hidden: 0x202e, name: 'RIGHT-TO-LEFT OVERRIDE' },
      { text },
    ]);
  });
});
