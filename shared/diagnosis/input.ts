/** What `diagnose` is given (one answer and what is known about its request) and what it returns. */
import type { CauseCode, Finding } from './codes.js';
import type { Dialect, Endpoint, ServerId } from './dialects/types.js';
import type { AnswerRead, ServerStatement } from './statement.js';
import type { TransportError, VendorAttempt } from './token-response.js';
import type { HeaderList } from '../types.js';
import type { ParsedBody } from '../tolerant-json.js';

export interface DiagnosisInput {
  endpoint: Endpoint;
  /** The URL called (the authorize URL for the front channel). */
  url: string;
  /** The request as sent (secrets filled in: never copied into evidence). */
  headers?: HeaderList;
  params?: [string, string][];
  /** Client authentication used: private_key_jwt, client_secret_basic, … */
  authMethod?: string;
  /** grant_type of a token request. */
  grant?: string;
  /** A client assertion was sent (decoded). */
  assertion?: { header: Record<string, unknown>; claims: Record<string, unknown> };
  /** The back-channel answer. */
  response?: { status: number; headers: HeaderList; body: string };
  /** The same answer as the caller already read it (readAnswer), so it is not read twice. */
  read?: AnswerRead;
  /** The front channel: the parameters of the redirect back (error, error_description…). */
  redirect?: [string, string][];
  /** No answer at all. */
  transportError?: TransportError;
  /**
   * What the caller found: pre-flight lint and other checks (basis check), comparisons with the
   * run's history (basis history), and the like. Each keeps the basis it carries.
   */
  findings?: Finding[];
  /** The server the profile names (a dialect id); detected from the URL when absent. */
  server?: ServerId;
  /** Vendor context: enables the preset's rules. */
  vendor?: VendorAttempt;
  /** Local clock when the request was sent, seconds (compared with the server's Date). */
  localNow?: number;
  /** Whose clock localNow is: ours, or (in the Inspector) the customer's. */
  clock?: 'local' | 'customer';
  /** The clock difference accepted before CLOCK_SKEW is said, seconds (Settings; default 60). */
  skewSec?: number;
  /** The token endpoint discovery advertises. */
  discoveredTokenEndpoint?: string;
  /** Resource calls: the access token sent, decoded, and what this session knows of it. */
  resource?: {
    tokenClaims?: Record<string, unknown>;
    /** When the token expires, seconds (from its exp or expires_in). */
    expiresAt?: number;
    /** When the call was made, seconds. */
    at?: number;
    grantedScope?: string;
    revokedAt?: string;
  };
  /** Registration calls: the client metadata sent. */
  registration?: Record<string, unknown>;
  /** The dialects to read the answer with (default: all of them; [] measures the words alone). */
  dialects?: readonly Dialect[];
  /** Causes checked here and found fine (e.g. the redirect_uri and PKCE verifier match): no candidate. */
  ruledOut?: CauseCode[];
}

export interface Diagnosis {
  /** The call did what it was for (a token, a registered client, a 2xx…). */
  ok: boolean;
  findings: Finding[];
  statement: ServerStatement;
  parsed?: ParsedBody;
  /** The server named the cause (a dialect row, its words or an error code that names one). */
  stated: boolean;
}
