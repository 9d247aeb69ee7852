/**
 * The checks only the authorization flow can make on an error redirect: what the authorize request
 * sent, compared with what the error says (VENDORS.md A3, A5). Used by the engine's flow and by the
 * Inspector when it has the authorize URL.
 */
import { finding } from './catalog.js';
import type { Finding } from './codes.js';
import type { PkceMode } from '../types.js';

/** What the authorize request carried, for the SMART aud check (VENDORS.md A5). */
export interface AuthorizeSent {
  /** The profile is a SMART one (FHIR base, SMART vendor or smart-configuration found). */
  smart: boolean;
  /** The aud parameter sent, if any. */
  aud?: string;
  /** The FHIR base the aud must name. */
  fhirBase?: string;
  /** error_uri on the redirect (Oracle Health sends it instead of error_description). */
  errorUri?: string;
}

/**
 * What an authorization error response (RFC 6749 §4.1.2.1) means given what the authorize request
 * sent: a refused plain challenge, PKCE switched off, a SMART aud missing. The server's own words
 * (error, error_description, vendor codes) are read by the one diagnosis; these are the checks
 * only this flow can make.
 */
export function authorizationErrorChecks(
  error: string,
  description: string,
  pkce: PkceMode,
  sent?: AuthorizeSent,
): Finding[] {
  const said = `The server redirected with error=${error}${description ? ` (${description})` : ''}${sent?.errorUri ? ` and error_uri ${sent.errorUri}` : ''}.`;
  if (error !== 'invalid_request') return [];
  // VENDORS.md A3: SMART servers support S256 only, so a refused plain challenge is a mismatch.
  if (pkce === 'plain' && /code[ _-]?challenge|pkce|plain/i.test(description))
    return [
      finding('PKCE_MISMATCH', said, {
        title: 'The server refused PKCE "plain"',
        fix: 'Use PKCE S256 (the default): SMART servers SHALL NOT support plain.',
        source: 'RFC 7636 §4.2; SMART app-launch (S256 required)',
      }),
    ];
  if (pkce === 'plain' && !description)
    return [
      finding(
        'PKCE_MISMATCH',
        `${said} The authorize request used PKCE "plain"; most servers allow only S256 (SMART servers SHALL NOT support plain).`,
        {
          title: 'The server may refuse PKCE "plain"',
          fix: 'Use PKCE S256 (the default).',
          source: 'RFC 7636 §4.2; SMART app-launch (S256 required)',
        },
      ),
    ];
  if (pkce === 'off' && !/redirect|scope|client/i.test(description))
    return [
      finding(
        'PKCE_REQUIRED',
        `${said} The authorize request carried no code_challenge (PKCE is off in the profile).`,
        {
          fix: 'Turn PKCE back on (S256) in the profile: this server requires a code_challenge.',
        },
      ),
    ];
  if (/\baud\b|audience/i.test(description) && sent?.smart)
    return [finding('LAUNCH_AUD_MISSING', said, { basis: 'server' })];
  // A5: SMART servers refuse an authorize request without aud = FHIR base (Oracle Health
  // documents it [CER-AUTH]); with no description to go by, what was sent decides.
  if (
    !description &&
    sent?.smart &&
    (sent.aud === undefined || (sent.fhirBase && sent.aud !== sent.fhirBase))
  )
    return [
      finding(
        'LAUNCH_AUD_MISSING',
        `${said} ${sent.aud === undefined ? 'The authorize request carried no aud' : `The authorize request carried aud=${sent.aud}, not the FHIR base ${sent.fhirBase!}`}; SMART servers require aud = the FHIR base URL (Oracle Health rejects authorize requests without it).`,
        {
          fix: sent.fhirBase
            ? `Send aud=${sent.fhirBase} (the FHIR base URL of the profile; do not override aud).`
            : 'Enter the FHIR base URL in the profile: the debugger sends it as aud.',
          source: 'SMART App Launch (aud); https://fhir.cerner.com/authorization/ [CER-AUTH]',
        },
      ),
    ];
  return [];
}
