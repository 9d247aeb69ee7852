/** Redirect URIs of native apps (RFC 8252): the loopback interface and its listener. */

/** RFC 8252 §7.3: loopback redirects are http on these hosts (localhost is NOT RECOMMENDED, §8.3). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Default redirect URI to register for the loopback listener (any port is accepted, RFC 8252 §7.3). */
export const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback';

/** True for an http URI on 127.0.0.1, [::1] or localhost (RFC 8252 §7.3), whatever its port. */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}
