/**
 * Every dialect row is data with a source and a test: an answer carrying the row's words (made
 * from its own pattern) goes through the one diagnosis with the server named, and the row's cause
 * must come out of it, resting on the server's words (or, for a catch-all row, among the causes it
 * documents).
 */
import { describe, expect, it } from 'vitest';
import { CAUSE_CODES } from '../codes.js';
import { diagnose } from '../pipeline.js';
import { DIALECTS } from './index.js';
import { isGenericText, matchDialects } from './match.js';
import { readAnswer } from '../statement.js';
import { SERVER_IDS, SERVER_NAMES, type DialectRow, type Endpoint } from './types.js';

const first = <T>(v: T | readonly T[] | undefined): T | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v[0] as T) : (v as T);

/** Splits at top-level `|` (outside groups and classes). */
function topLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cls = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\') {
      cur += ch + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (cls) {
      if (ch === ']') cls = false;
    } else if (ch === '[') cls = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** A text the pattern matches, for the literal-like patterns rows use; undefined if none found. */
export function sample(re: RegExp): string | undefined {
  // Escaped characters stand for themselves: kept aside while groups and classes are unfolded.
  const kept: string[] = [];
  let s = topLevel(re.source)[0]!.replace(/\\([^dwsbWDSB])/g, (_m, ch: string) => {
    kept.push(ch);
    return `«${kept.length - 1}»`;
  });
  s = s.replace(/^\^/, '').replace(/\$$/, '');
  for (let i = 0; i < 12; i++) {
    const next = s.replace(
      /\((\?:)?([^()]*)\)([?*]?)(\+?)/g,
      (_m, _nc, inner: string, q: string) => (q ? '' : (topLevel(inner)[0] ?? '')),
    );
    if (next === s) break;
    s = next;
  }
  s = s
    .replace(/\[\^[^\]]*\][*+?]?/g, 'x')
    .replace(/\[\\?(.)[^\]]*\]([*+?]|\{\d+(,\d*)?\})?/g, '$1')
    .replace(/\\d([+*?]|\{\d+(,\d*)?\})?/g, '1')
    .replace(/\\w([+*?]|\{\d+(,\d*)?\})?/g, 'x')
    .replace(/\\s([+*?]|\{\d+(,\d*)?\})?/g, ' ')
    .replace(/\\W([+*?]|\{\d+(,\d*)?\})?/g, ' ')
    .replace(/\\b/g, '')
    .replace(/\.\*\??/g, '')
    .replace(/\.\+\??/g, 'x')
    .replace(/\\(.)/g, '$1')
    .replace(/([^\\])[?*]/g, '$1')
    .replace(/([^\\])\+/g, '$1')
    .replace(/«(\d+)»/g, (_m, i: string) => kept[Number(i)]!);
  // Servers' words are trimmed when read: a pattern ending in a space needs what follows it.
  if (/\s$/.test(s)) s += 'x';
  const flags = re.flags.replace('g', '');
  return new RegExp(re.source, flags).test(s) ? s : undefined;
}

/** The answer a row describes: its status, error code, words and vendor code. */
function answerFor(row: DialectRow) {
  const m = row.match;
  const error = first(m.error);
  const text = m.text ? sample(m.text) : undefined;
  const vc =
    typeof m.vendorCode === 'string'
      ? m.vendorCode
      : m.vendorCode
        ? sample(m.vendorCode)
        : undefined;
  const status = first(m.status) ?? (error === 'invalid_client' ? 401 : 400);
  const body = JSON.stringify({
    ...(error ? { error } : {}),
    ...(text || vc ? { error_description: [vc, text].filter(Boolean).join(': ') } : {}),
    ...(vc
      ? { error_uri: `https://as.example.com/errors/${encodeURIComponent(vc)}`, errorCode: vc }
      : {}),
  });
  return { status, body, complete: (!m.text || !!text) && (!m.vendorCode || !!vc) };
}

describe('the dialects', () => {
  it('cover every server id, once, each with rows and the name pickers show', () => {
    expect(DIALECTS.map((d) => d.id).sort()).toEqual([...SERVER_IDS].sort());
    for (const d of DIALECTS) {
      expect(d.rows.length, d.id).toBeGreaterThan(0);
      expect(SERVER_NAMES[d.id]).toBe(d.name);
    }
  });

  const rows = DIALECTS.flatMap((d) => d.rows.map((row, i) => ({ d, row, i })));
  it.each(rows.map((r) => [`${r.d.id} #${r.i} ${r.row.code}`, r] as const))(
    '%s',
    (_name, { d, row }) => {
      // Data with a source: a documentation URL, or a repository file at a version.
      expect(CAUSE_CODES).toContain(row.code);
      expect(row.source).toMatch(/https?:\/\/\S+|^[\w.-]+\/[\w.-]+ \S+@\S+/);
      expect(row.means).not.toMatch(/undefined|\bO\d+-|\bG-[a-z]/);
      expect(row.means.length).toBeGreaterThan(10);
      if (row.candidates) expect(row.generic, 'candidates belong to a catch-all row').toBe(true);
      // Patterns stay linear: no quantified group that itself holds a quantifier.
      for (const re of [row.match.text, row.match.vendorCode])
        if (re instanceof RegExp) expect(re.source).not.toMatch(/\([^()]*[+*][^()]*\)[+*]/);
      const a = answerFor(row);
      expect(
        a.complete,
        `no sample text for ${String(row.match.text ?? row.match.vendorCode)}`,
      ).toBe(true);
      const endpoint: Endpoint = first(row.match.endpoint) ?? 'token';
      const authMethod = row.match.authMethod?.[0];
      // The row itself matches its answer…
      const st = readAnswer({ status: a.status, headers: [], body: a.body }).statement;
      const hits = matchDialects([d], st, {
        endpoint,
        ...(authMethod ? { authMethod } : {}),
        server: d.id,
      });
      expect(hits.map((h) => h.row)).toContain(row);
      // …and the diagnosis names its cause from it.
      const diag = diagnose({
        endpoint,
        url: 'https://as.example.com/endpoint',
        ...(authMethod ? { authMethod } : {}),
        server: d.id,
        response: {
          status: a.status,
          headers: [['content-type', 'application/json']],
          body: a.body,
        },
      });
      const named = diag.findings.filter((f) => f.code === row.code);
      expect(named.length, diag.findings.map((f) => f.code).join(', ')).toBeGreaterThan(0);
      if (!row.generic && (row.match.text || row.match.vendorCode))
        expect(named.some((f) => f.basis === 'server')).toBe(true);
    },
  );

  it('a phrase every server uses counts only for its own server', () => {
    expect(isGenericText(/client authentication failed/i)).toBe(true);
    expect(isGenericText(/The OAuth client was not found/i)).toBe(false);
  });
});
