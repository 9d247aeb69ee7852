/**
 * The case bundle: one file holding a run for support (issue 12 §2): its exchanges (masked, with
 * the marks of their secrets), the decoded header and claims of its tokens (never a signature or
 * a raw value), the findings with their basis, the profile without secrets, the app version, the
 * OS and the clock offset. Pure; the zod schema reads one back (the Inspector, `inspect`, `diff`).
 */
import { z } from 'zod';
import { BASES } from './diagnosis/codes.js';
import { toHar, type Har } from './har.js';
import type { HttpExchange, RunView } from './types.js';

export const CASE_FORMAT = 'oauth-flow-debugger-case';

const headerList = z.array(z.tuple([z.string(), z.string()]));
const mark = z.object({ length: z.number().int().nonnegative(), sha256: z.string() });

const exchangeSchema = z.object({
  id: z.string(),
  step: z.string(),
  runId: z.string().optional(),
  profileId: z.string().optional(),
  channel: z.literal('front').optional(),
  marks: z.record(z.string(), mark).optional(),
  startedAt: z.string(),
  durationMs: z.number(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: headerList,
    body: z.string().optional(),
  }),
  response: z
    .object({
      status: z.number(),
      statusText: z.string(),
      headers: headerList,
      body: z.string(),
      bodyBytes: z.number(),
      truncated: z.boolean(),
      redirectNotFollowed: z.string().optional(),
    })
    .optional(),
  error: z
    .object({
      code: z.enum(['NETWORK_ERROR', 'TLS_UNTRUSTED', 'TIMEOUT', 'BODY_TOO_LARGE', 'CANCELLED']),
      message: z.string(),
    })
    .optional(),
  tls: z
    .object({
      allowSelfSigned: z.boolean().optional(),
      customCa: z.boolean().optional(),
      warning: z.string().optional(),
    })
    .optional(),
  curl: z.string(),
});

const tokenSchema = z.object({
  /** The exchange it was sent or received in. */
  exchangeId: z.string(),
  kind: z.enum(['client_assertion', 'access_token', 'id_token']),
  /** Its mark (length + short hash): the same value in two bundles has the same mark. */
  mark: mark.optional(),
  header: z.record(z.string(), z.unknown()),
  claims: z.record(z.string(), z.unknown()),
});

const findingSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  basis: z.enum(BASES),
  title: z.string(),
  evidence: z.string(),
  fix: z.string(),
  source: z.string().optional(),
});

export const caseBundleSchema = z.object({
  format: z.literal(CASE_FORMAT),
  version: z.literal(1),
  createdAt: z.string(),
  app: z.object({ name: z.string(), version: z.string() }),
  os: z.string(),
  /** Server Date header minus the local clock, seconds (null: no answer carried a Date). */
  clockOffsetSec: z.number().nullable(),
  run: z.object({
    id: z.string(),
    profileId: z.string().optional(),
    profileName: z.string().optional(),
    flow: z.string(),
    startedAt: z.string(),
  }),
  /** The profile file (exportProfile: no client secret, no key). null: the profile is gone. */
  profile: z.record(z.string(), z.unknown()).nullable(),
  exchanges: z.array(exchangeSchema),
  tokens: z.array(tokenSchema),
  findings: z.array(findingSchema),
});

export type CaseBundle = z.infer<typeof caseBundleSchema>;
export type BundleToken = CaseBundle['tokens'][number];

/** True when parsed JSON says it is a case bundle (then parseCaseBundle tells what is wrong). */
export const isCaseBundle = (json: unknown): boolean =>
  (json as { format?: unknown } | undefined)?.format === CASE_FORMAT;

/** Reads a case bundle; throws an Error naming the first field that is not as version 1 has it. */
export function parseCaseBundle(json: unknown): CaseBundle {
  const r = caseBundleSchema.safeParse(json);
  if (r.success) return r.data;
  const version = (json as { version?: unknown }).version;
  if (typeof version === 'number' && version > 1)
    throw new Error(
      `This case bundle is version ${version}; this app reads version 1. Update the app to open it.`,
    );
  const issue = r.error.issues[0];
  throw new Error(
    `It looks like a case bundle, but ${issue?.path.join('.') || 'its structure'} is not as version 1 has it (${issue?.message ?? 'invalid'}).`,
  );
}

/**
 * Server Date minus the local clock, seconds, from the latest answer that carried a Date (the
 * request's start stands for the local clock: Date has one-second resolution anyway).
 */
export function clockOffsetOf(exchanges: readonly HttpExchange[]): number | null {
  for (let i = exchanges.length - 1; i >= 0; i--) {
    const x = exchanges[i]!;
    const date = x.response?.headers.find(([n]) => n.toLowerCase() === 'date')?.[1];
    const server = date ? Date.parse(date) : NaN;
    const local = Date.parse(x.startedAt);
    if (Number.isFinite(server) && Number.isFinite(local))
      return Math.round((server - local) / 1000);
  }
  return null;
}

/** Puts a bundle together from its parts (the engine supplies them). */
export function buildCaseBundle(parts: Omit<CaseBundle, 'format' | 'version'>): CaseBundle {
  return { format: CASE_FORMAT, version: 1, ...parts };
}

/** The bundle's exchanges as a redacted HAR (for the Inspector, which reads HAR). */
export function bundleHar(bundle: CaseBundle): Har {
  return toHar(bundle.exchanges as HttpExchange[], {
    redacted: true,
    runs: [bundle.run as RunView],
    decoded: (ex) => bundle.tokens.filter((t) => t.exchangeId === ex.id),
  }).har;
}

/** A bundle's file name: the app, the run's flow, its start. */
export function bundleFileName(bundle: CaseBundle): string {
  const stamp = bundle.run.startedAt.replace(/[:.]/g, '-').slice(0, 19);
  return `oauth-flow-debugger-case-${bundle.run.flow.replace(/[^\w-]+/g, '-')}-${stamp}.json`;
}
