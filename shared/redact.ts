import type { HeaderList } from './types.js';

/** Secret value -> placeholder shown instead of it, e.g. {{client_assertion}}. */
export type SecretMap = Map<string, string>;

/** Replaces every secret (also in its URL-encoded form) with its placeholder. */
export function redactText(text: string, secrets: SecretMap): string {
  let out = text;
  for (const [value, placeholder] of secrets) {
    if (value.length < 4) continue;
    out = out.split(value).join(placeholder);
    const enc = encodeURIComponent(value);
    if (enc !== value) out = out.split(enc).join(placeholder);
  }
  return out;
}

const SENSITIVE_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);

/** Redacts header values: known secrets first, then any remaining credential header. */
export function redactHeaders(headers: HeaderList, secrets: SecretMap): HeaderList {
  return headers.map(([n, v]) => {
    const r = redactText(v, secrets);
    if (r !== v || !SENSITIVE_HEADERS.has(n.toLowerCase())) return [n, r];
    const scheme = /^(\w+)\s/.exec(v)?.[1];
    return [n, scheme ? `${scheme} {{redacted}}` : '{{redacted}}'];
  });
}

const TOKEN_FIELDS = [
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'registration_access_token',
  // RFC 8628 §3.2: the device code is the poller's credential; the user code is shown to people.
  'device_code',
];

/** Adds the token values found in a token response to the secret map. */
export function collectResponseSecrets(
  body: Record<string, unknown> | undefined,
  secrets: SecretMap,
): void {
  if (!body) return;
  for (const f of TOKEN_FIELDS) {
    const v = body[f];
    if (typeof v === 'string' && v.length >= 4) secrets.set(v, `{{${f}}}`);
  }
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A curl command that reproduces a (redacted) request. */
export function toCurl(req: {
  method: string;
  url: string;
  headers: HeaderList;
  body?: string;
}): string {
  const parts = ['curl', '-X', req.method, shellQuote(req.url)];
  for (const [n, v] of req.headers) parts.push('-H', shellQuote(`${n}: ${v}`));
  if (req.body !== undefined && req.body !== '') parts.push('--data-raw', shellQuote(req.body));
  return parts.join(' ');
}

/**
 * The marker a redacted export writes for a masked secret: its name, length and the first 8 hex
 * digits of its SHA-256, e.g. {{client_assertion;len=812;sha256=1a2b3c4d}}. URL-safe (no spaces
 * or quotes), so it stands in query strings and form bodies as it is.
 */
export function secretMarker(placeholder: string, mark?: { length: number; sha256: string }) {
  const name = /^\{\{(.+)\}\}$/.exec(placeholder)?.[1] ?? placeholder;
  return mark ? `{{${name};len=${mark.length};sha256=${mark.sha256}}}` : `{{${name}}}`;
}

const MARKER = /\{\{([a-z_]+)(?:;len=(\d+);sha256=([0-9a-f]{8}))?\}\}/g;

/** The masked values in a text: placeholders and markers, with length and hash when given. */
export function findMarkers(text: string): { name: string; length?: number; sha256?: string }[] {
  return [...text.matchAll(MARKER)].map(([, name, len, sha]) => ({
    name: name!,
    ...(len ? { length: Number(len) } : {}),
    ...(sha ? { sha256: sha } : {}),
  }));
}
