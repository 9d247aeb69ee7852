/**
 * The URL if it is an http(s) address, else undefined. Server-provided URLs (verification_uri,
 * end_session_endpoint) become links or open in a tab only through this: a javascript:, data:,
 * file: or custom-scheme URL is shown as text and never opened.
 */
export function webUrl(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    const u = new URL(uri);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
