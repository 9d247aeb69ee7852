import type { ShellApi } from './electron-api.js';

/**
 * The one way out to the system browser: only https URLs (and http on loopback, for local test
 * servers) that parse cleanly and carry no credentials. Blocks file:, smb:, javascript: and
 * custom schemes (CVE-2024-48463 class).
 */
export function isSafeExternalUrl(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === 'https:') return true;
  return (
    u.protocol === 'http:' &&
    (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]')
  );
}

/** Opens a vetted URL in the system browser; refuses anything else. */
export async function openExternalSafely(shell: ShellApi, raw: string): Promise<boolean> {
  if (!isSafeExternalUrl(raw)) {
    console.warn('Refused to open a non-https URL in the system browser.');
    return false;
  }
  await shell.openExternal(raw);
  return true;
}
