import { jsonDepthOver } from './json-guard.js';

/** The deepest JSON body that is parsed (SECURITY.md §7 item 9: no stack overflow downstream). */
export const MAX_BODY_DEPTH = 256;

/** What a server body turned out to be. */
export interface ParsedBody {
  /** Why a JSON body was not parsed (nested deeper than MAX_BODY_DEPTH). */
  refused?: string;
  json?: Record<string, unknown>;
  /** Text before the JSON object (a PHP notice, an HTML fragment). */
  prefix?: string;
  kind: 'json' | 'json-with-prefix' | 'html' | 'empty' | 'text';
}

/** Parses a server body tolerantly: JSON, JSON after a notice, HTML, empty or plain text. */
export function parseBodyTolerantly(text: string): ParsedBody {
  const t = text.trim();
  if (t === '') return { kind: 'empty' };
  if ((t.startsWith('{') || t.startsWith('[')) && jsonDepthOver(t, MAX_BODY_DEPTH))
    return {
      kind: 'text',
      refused: `The JSON is nested more than ${MAX_BODY_DEPTH} levels deep, so it was not parsed (cap ${MAX_BODY_DEPTH} levels); a real OAuth answer is a flat object.`,
    };
  const direct = tryObject(t);
  if (direct) return { kind: 'json', json: direct };
  const start = t.indexOf('{');
  const end = t.lastIndexOf('}');
  if (start > 0 && end > start) {
    const inner = tryObject(t.slice(start, end + 1));
    if (inner) return { kind: 'json-with-prefix', json: inner, prefix: t.slice(0, start) };
  }
  if (/^<(!doctype|html|head|body|br|b|p|div|h1)\b/i.test(t)) return { kind: 'html' };
  return { kind: 'text' };
}

function tryObject(t: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(t);
    return v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Strips tags and collapses whitespace so an HTML error page can be quoted as evidence. */
export function snippet(text: string, max = 160): string {
  const s = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
