/** The contract's types for support and teaching (issue 12); shared/types.ts re-exports them. */
import type { ProfileView } from './types.js';

/** The practice server's answer style: its own (SMART + OIDC) or a vendor's, simulated. */
export type PracticeFlavour =
  'standard' | 'openemr' | 'oracle-health' | 'epic' | 'aidbox' | 'keycloak';

export interface PracticeServerView {
  flavour: PracticeFlavour;
  /** "Practice server (simulating Epic)"; a vendor flavour is a simulation, never the vendor. */
  label: string;
  /** Where the simulated behaviour comes from (vendor docs, source code, issue captures). */
  sources: string[];
  issuer: string;
  fhirBase: string;
  /** The documented demo sign-in (not a secret: printed in the README and the CLI). */
  user: { login: string; password: string };
  /** The ready profiles created in this workspace for it. */
  profiles: ProfileView[];
  startedAt: string;
}

/** One HAR 1.2 file built from the timeline. */
export interface HarExport {
  text: string;
  entries: number;
  redacted: boolean;
  /** Unredacted: the kinds of secret it holds in the clear (client_assertion, access_token…). */
  holds: string[];
  fileName: string;
  /**
   * Unredacted: exchanges whose secrets stay markers, their values no longer held (kept in memory
   * for this session only: e.g. restored from a saved timeline after a restart).
   */
  stillMasked?: number;
}

/** One side of a run diff: a run of this session, or an exported HAR or case bundle. */
export type DiffSide = { runId: string } | { text: string; name?: string };

export interface RunDifference {
  /** Which exchange or part: "Token request #1 request", "discovery", "access_token claims"… */
  where: string;
  field: string;
  /** Absent: the field is not there on that side. Secrets appear as their marks, never as values. */
  a?: string;
  b?: string;
}

export interface RunDiff {
  a: string;
  b: string;
  differences: RunDifference[];
}

/** A deliberate mistake (break-it mode) sent to the real server, with the cause it should cause. */
export type BreakName =
  | 'aud'
  | 'exp'
  | 'jti-reuse'
  | 'alg'
  | 'kid'
  | 'iss-sub'
  | 'scope'
  | 'verifier'
  | 'redirect-uri'
  | 'state';

export interface BrokenOnPurpose {
  name: BreakName;
  /** What was changed, in words ("aud is https://wrong.example/token, not the token endpoint"). */
  what: string;
  /** The cause code the diagnosis should name first. */
  expected: string;
  /** After the answer: the cause the diagnosis named first, and whether it is the expected one. */
  named?: string;
  matched?: boolean;
}
