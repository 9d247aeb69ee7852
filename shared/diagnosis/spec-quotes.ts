/**
 * The specification sentences findings quote, word for word, each with where it stands. A
 * finding quotes the spec as it says it ("The recommended value is 300"), never a stronger
 * paraphrase ("SHOULD NOT exceed"); spec-quotes.test.ts checks every quote against the stored
 * passage of its source (e2e/fixtures/spec/passages.json).
 */
export const SPEC_QUOTES = {
  smartExpiresIn: {
    source:
      'SMART App Launch 2.2, Backend Services: response for a successful token request (https://hl7.org/fhir/smart-app-launch/backend-services.html)',
    text: 'The recommended value is 300, for a five-minute token lifetime.',
  },
  smartScope: {
    source:
      'SMART App Launch 2.2, App Launch: response for a successful token request (https://hl7.org/fhir/smart-app-launch/app-launch.html)',
    text: 'Scope of access authorized. Note that this can be different from the scopes requested by the app.',
  },
  rfcNoRefreshForClientCredentials: {
    source: 'RFC 6749 §4.4.3 (https://www.rfc-editor.org/rfc/rfc6749#section-4.4.3)',
    text: 'A refresh token SHOULD NOT be included.',
  },
  rfcNoStore: {
    source: 'RFC 6749 §5.1 (https://www.rfc-editor.org/rfc/rfc6749#section-5.1)',
    text: 'with a value of "no-store" in any response containing tokens, credentials, or other sensitive information',
  },
} as const;

export type SpecQuoteId = keyof typeof SPEC_QUOTES;

/** `“quote” (source)`: how a finding cites a spec sentence. */
export const quote = (id: SpecQuoteId) => `“${SPEC_QUOTES[id].text}”`;
