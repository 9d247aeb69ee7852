/**
 * Client authentication at the token endpoint (and introspection, revocation) as a plan: which
 * headers and form parameters each method adds, with {{placeholders}} where a secret goes, and the
 * secret values to fill them with. Pure: the engine fetches the secret or signs the assertion and
 * hands the value in; the recorded exchange keeps only the placeholders.
 */
import { CLIENT_ASSERTION_TYPE } from '../diagnosis/assertion-lint.js';
import type { HeaderList } from '../types.js';

/** What a method adds to the request; `fill` maps a placeholder name to its secret value. */
export interface ClientAuthPlan {
  headers: HeaderList;
  params: [string, string][];
  fill: Map<string, string>;
}

/** The credential each method needs, handed in by the caller. */
export type ClientAuthInput =
  | {
      /** RFC 7523 §2.2 (private_key_jwt) and OIDC Core §9 (client_secret_jwt). */
      method: 'private_key_jwt' | 'client_secret_jwt';
      clientId: string;
      /** The signed client assertion (compact JWS). */
      assertion: string;
      /** Send client_id beside the assertion (optional per RFC 7521 §4.2; some servers want it). */
      sendClientId?: boolean;
    }
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; secret: string }
  | { method: 'none'; clientId: string };

/**
 * application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B): percent-encoding,
 * with a space as "+".
 */
export function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

/** Base64 (RFC 4648 §4) of the UTF-8 bytes of a string. */
export function base64Utf8(s: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(s)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The HTTP Basic credentials of client_secret_basic: RFC 6749 §2.3.1 form-encodes the client id
 * and the secret before they are joined with ":" and base64-encoded (RFC 7617 §2), so a ":" or a
 * non-ASCII character in either survives.
 */
export function basicCredentials(clientId: string, secret: string): string {
  return base64Utf8(`${formEncode(clientId)}:${formEncode(secret)}`);
}

/** The client authentication plan for one method (RFC 6749 §2.3, RFC 7521/7523, OIDC Core §9). */
export function clientAuthPlan(input: ClientAuthInput): ClientAuthPlan {
  const headers: HeaderList = [];
  const params: [string, string][] = [];
  const fill = new Map<string, string>();
  switch (input.method) {
    case 'private_key_jwt':
    case 'client_secret_jwt':
      // RFC 7521 §4.2 makes client_id optional beside an assertion; some servers require it.
      if (input.sendClientId && input.clientId) params.push(['client_id', input.clientId]);
      // RFC 7521 §4.2 / RFC 7523 §2.2: the assertion type and the assertion, in the form body.
      params.push(
        ['client_assertion_type', CLIENT_ASSERTION_TYPE],
        ['client_assertion', '{{client_assertion}}'],
      );
      fill.set('client_assertion', input.assertion);
      break;
    case 'client_secret_basic':
      // RFC 6749 §2.3.1: the Basic scheme (RFC 7617), id and secret form-encoded first.
      fill.set('client_secret_basic', basicCredentials(input.clientId, input.secret));
      headers.push(['authorization', 'Basic {{client_secret_basic}}']);
      break;
    case 'client_secret_post':
      // RFC 6749 §2.3.1: client_id and client_secret in the request body (NOT RECOMMENDED there).
      fill.set('client_secret', input.secret);
      params.push(['client_id', input.clientId], ['client_secret', '{{client_secret}}']);
      break;
    case 'none':
      // RFC 6749 §2.3 / §3.2.1: a public client identifies itself with client_id only.
      params.push(['client_id', input.clientId]);
      break;
  }
  return { headers, params, fill };
}
