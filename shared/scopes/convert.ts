// SMART scope conversion: resource scopes rewritten to v2 or v1 (convertScopes).
import { convertToken, parseScopes } from './parse.js';

export type ConversionChange = 'exact' | 'widens' | 'unchanged';

export interface ConvertedScope {
  from: string;
  to: string;
  change: ConversionChange;
  /** Why it is not exact, or why it was left as is. */
  note?: string;
}

export interface ScopeConversion {
  to: 1 | 2;
  text: string;
  items: ConvertedScope[];
}

/**
 * Converts resource scopes to SMART v2 (.read -> .rs, .write -> .cud, .* -> .cruds) or v1 (exact
 * where possible, else the nearest wider scope with a note). Other scopes pass through unchanged.
 */
export function convertScopes(text: string, to: 1 | 2): ScopeConversion {
  const items = parseScopes(text).map((t) => convertToken(t, to));
  return { to, text: items.map((i) => i.to).join(' '), items };
}
