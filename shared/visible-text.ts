/**
 * Hostile text made visible. Text from servers and customers (error_description, JWT claims,
 * discovery values, HAR contents, response bodies) can carry characters that draw nothing or
 * reorder what is drawn: bidi controls (U+202E makes "gpj.exe" read "exe.jpg"), zero-width
 * characters, tag characters (invisible ASCII), control characters. `revealInvisible` splits
 * such text into ordinary runs and markers, so the UI can show each hidden character as
 * `⟨U+202E⟩` with its name. Letters of right-to-left scripts (Arabic, Hebrew) are ordinary text:
 * only the controls are revealed.
 */

export type VisibleSegment = { text: string } | { hidden: number; name: string };

const C0_NAMES = [
  'NULL',
  'START OF HEADING',
  'START OF TEXT',
  'END OF TEXT',
  'END OF TRANSMISSION',
  'ENQUIRY',
  'ACKNOWLEDGE',
  'BELL',
  'BACKSPACE',
  'CHARACTER TABULATION',
  'LINE FEED',
  'LINE TABULATION',
  'FORM FEED',
  'CARRIAGE RETURN',
  'SHIFT OUT',
  'SHIFT IN',
  'DATA LINK ESCAPE',
  'DEVICE CONTROL ONE',
  'DEVICE CONTROL TWO',
  'DEVICE CONTROL THREE',
  'DEVICE CONTROL FOUR',
  'NEGATIVE ACKNOWLEDGE',
  'SYNCHRONOUS IDLE',
  'END OF TRANSMISSION BLOCK',
  'CANCEL',
  'END OF MEDIUM',
  'SUBSTITUTE',
  'ESCAPE',
  'INFORMATION SEPARATOR FOUR',
  'INFORMATION SEPARATOR THREE',
  'INFORMATION SEPARATOR TWO',
  'INFORMATION SEPARATOR ONE',
];

const NAMES: Record<number, string> = {
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0xad: 'SOFT HYPHEN',
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x061c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x206a: 'INHIBIT SYMMETRIC SWAPPING',
  0x206b: 'ACTIVATE SYMMETRIC SWAPPING',
  0x206c: 'INHIBIT ARABIC FORM SHAPING',
  0x206d: 'ACTIVATE ARABIC FORM SHAPING',
  0x206e: 'NATIONAL DIGIT SHAPES',
  0x206f: 'NOMINAL DIGIT SHAPES',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfff9: 'INTERLINEAR ANNOTATION ANCHOR',
  0xfffa: 'INTERLINEAR ANNOTATION SEPARATOR',
  0xfffb: 'INTERLINEAR ANNOTATION TERMINATOR',
  0xe0001: 'LANGUAGE TAG',
  0xe0020: 'TAG SPACE',
  0xe007f: 'CANCEL TAG',
};

/**
 * Every character revealed, as inclusive code point ranges: C0/C1 controls but \t \n \r (they
 * lay out visibly), soft hyphen, combining grapheme joiner, bidi marks and controls, zero-width
 * characters, invisible operators, Hangul fillers, the BOM, interlinear annotation controls and
 * tag characters (astral: read by code point, so their surrogate pairs stay together). U+00A0 (a
 * space that looks like one) and U+FE0F and the other variation selectors (emoji need them) are
 * left alone. A table of numbers, not a regular expression: a character class of controls and
 * lone combining marks is what the regex lint rules rightly distrust.
 */
const HIDDEN_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x08],
  [0x0b, 0x0c],
  [0x0e, 0x1f],
  [0x7f, 0x9f],
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x2064],
  [0x2066, 0x206f],
  [0x3164, 0x3164],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff9, 0xfffb],
  [0xe0000, 0xe007f],
];

const isHidden = (cp: number) => HIDDEN_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);

/** Each hidden character of the text: where it starts (UTF-16 index) and its code point. */
function* hiddenChars(text: string): Generator<{ at: number; cp: number; length: number }> {
  for (let at = 0; at < text.length;) {
    const cp = text.codePointAt(at)!;
    const length = cp > 0xffff ? 2 : 1;
    if (isHidden(cp)) yield { at, cp, length };
    at += length;
  }
}

/** The Unicode name of a revealed character (a plain description for unnamed ones). */
export function invisibleName(cp: number): string {
  if (cp < 0x20) return C0_NAMES[cp]!;
  const named = NAMES[cp];
  if (named) return named;
  if (cp >= 0x80 && cp <= 0x9f) return 'CONTROL CHARACTER (C1)';
  if (cp >= 0xe0021 && cp <= 0xe007e) {
    const c = String.fromCharCode(cp - 0xe0000);
    if (c >= 'a' && c <= 'z') return `TAG LATIN SMALL LETTER ${c.toUpperCase()}`;
    if (c >= 'A' && c <= 'Z') return `TAG LATIN CAPITAL LETTER ${c}`;
    if (c >= '0' && c <= '9') return `TAG DIGIT ${c}`;
    return `TAG CHARACTER '${c}'`;
  }
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'TAG CHARACTER (UNASSIGNED)';
  return 'INVISIBLE CHARACTER';
}

/** `U+202E`, `U+E0041`: at least four hex digits, upper case. */
export function codepointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The marker shown in place of a hidden character: `⟨U+202E⟩`. */
export function invisibleMarker(cp: number): string {
  return `⟨${codepointLabel(cp)}⟩`;
}

/** Whether the text holds any character `revealInvisible` would reveal. */
export function hasInvisible(text: string): boolean {
  return !hiddenChars(text).next().done;
}

/**
 * The text as ordinary runs and hidden characters, in order. Joining the runs and the hidden
 * characters (`String.fromCodePoint(hidden)`) gives back the text exactly. Text with nothing
 * hidden is one segment (none for the empty string).
 */
export function revealInvisible(text: string): VisibleSegment[] {
  if (!hasInvisible(text)) return text ? [{ text }] : [];
  const out: VisibleSegment[] = [];
  let last = 0;
  for (const { at, cp, length } of hiddenChars(text)) {
    if (at > last) out.push({ text: text.slice(last, at) });
    out.push({ hidden: cp, name: invisibleName(cp) });
    last = at + length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The text with each hidden character written as `⟨U+XXXX⟩`: for copy and export contexts
 * where the reader must see what is there (not where the exact bytes are needed). */
export function revealInvisibleString(text: string): string {
  return revealInvisible(text)
    .map((seg) => ('text' in seg ? seg.text : invisibleMarker(seg.hidden)))
    .join('');
}
