import { createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { CompactSign, type JSONWebKeySet } from 'jose';
import { lintAssertion } from '../../../shared/diagnosis/assertion-lint.js';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import { finding, rankFindings } from '../../../shared/diagnosis/index.js';
import { decodeForDisplay, explainClaims, maskJwtSignature } from '../../../shared/jwt-view.js';
import { readEvidence } from '../../../shared/evidence.js';
import { inspectEvidence, unreadableEvidence } from '../../../shared/inspect.js';
import { AppFailure } from '../../../shared/result.js';
import type {
  AssertionOverrides,
  AssertionView,
  DiscoveryResult,
  InspectEvidenceInput,
  InspectInput,
  InspectReport,
  InspectResult,
  Verification,
} from '../../../shared/types.js';
import { type TlsOptions } from '../http.js';
import { importKey, type EngineKey } from '../keys.js';
import {
  StoredProfile,
  KeyContext,
  guard,
  verifyWith,
  asSigningAlg,
  applyOverrides,
} from '../model.js';
import type { Core } from '../core.js';
import { breakAssertion } from './break-it.js';
import type { BreakName } from '../../../shared/types.js';

/**
 * The JWKS without entries that are no JWK at all (not an object, no kty), each skipped with a
 * warning (SECURITY.md §7 item 7): one bad entry must not make the whole set unusable.
 */
function usableKeys(jwks: JSONWebKeySet, where: string, findings: Finding[]): JSONWebKeySet {
  const keys = jwks.keys.filter((k: unknown, i) => {
    const ok =
      !!k &&
      typeof k === 'object' &&
      !Array.isArray(k) &&
      typeof (k as { kty?: unknown }).kty === 'string';
    if (!ok)
      findings.push(
        finding('JWKS_UNREACHABLE', `${where}: key #${i + 1} is not a JWK (no kty); skipped.`, {
          severity: 'warning',
          title: 'A key of the JWKS was skipped',
          fix: 'Remove or repair the entry: every member of "keys" must be a JWK object with kty.',
        }),
      );
    return ok;
  });
  return keys.length === jwks.keys.length ? jwks : { ...jwks, keys };
}

/** A cached JWKS is refetched for an unknown kid at most once per this many milliseconds. */
export const JWKS_REFETCH_MS = 60_000;

/** Client assertions: the signing key, building and signing, and inspecting pasted evidence. */
export class Assertions {
  /** When a cached JWKS was last refetched for a kid it lacked, per URL (engine clock, ms). */
  private readonly refetchedAt = new Map<string, number>();

  constructor(private readonly c: Core) {}

  async signingKey(p: StoredProfile): Promise<EngineKey> {
    await this.c.keyring.loaded;
    if (p.auth.keyId) {
      const k = this.c.keyring.mustKey(p.auth.keyId);
      if (!k.privateKey)
        throw k.info.privateKey === 'locked'
          ? new AppFailure(
              'WORKSPACE_LOCKED',
              `Key ${k.info.kid}'s private part is in the locked workspace.`,
              'Unlock the workspace with its passphrase (or set OFD_PASSPHRASE for the CLI).',
            )
          : new AppFailure(
              'SECRET_UNAVAILABLE',
              k.info.privateKey === 'needs-reentry'
                ? `Key ${k.info.kid}'s private part is stored but cannot be decrypted here (damaged, or from another machine).`
                : `Key ${k.info.kid} has no private part in this session.`,
              k.info.privateKey === 'needs-reentry'
                ? 'Import the private key again (Keys step, Import); the public part and the profiles using it are unchanged.'
                : 'Import the private key again, and protect the workspace with a passphrase so it survives a restart.',
            );
      return k;
    }
    if (p.auth.privateKeyPath) {
      const hit = this.c.s.fileKeys.get(
        p.auth.privateKeyPath + (p.auth.kid ?? '') + (p.auth.alg ?? ''),
      );
      if (hit) return hit;
      let text: string;
      try {
        text = await this.c.ports.files.readText(p.auth.privateKeyPath);
      } catch (e) {
        throw new AppFailure(
          'FILE_ERROR',
          `Cannot read private key file ${p.auth.privateKeyPath}: ${(e as Error).message}.`,
          'Check auth.privateKeyPath in the profile.',
        );
      }
      const k = await importKey(
        text,
        asSigningAlg(p.auth.alg),
        p.auth.kid,
        new Date(this.c.ports.clock.now()),
      );
      if (!k.privateKey)
        throw new AppFailure(
          'KEY_INVALID',
          `${p.auth.privateKeyPath} holds a public key; signing needs the private key.`,
          'Point auth.privateKeyPath at the private key PEM.',
        );
      this.c.s.fileKeys.set(p.auth.privateKeyPath + (p.auth.kid ?? '') + (p.auth.alg ?? ''), k);
      return k;
    }
    throw new AppFailure(
      'KEY_INVALID',
      'The profile has no signing key.',
      'Generate or import a key in the Keys step and choose it in the profile (or set auth.privateKeyPath).',
    );
  }

  /**
   * A client assertion (RFC 7523): signed with the profile's private key (private_key_jwt) or, for
   * client_secret_jwt, with the client secret as the HMAC key (HS256 unless auth.alg says HS384/512).
   */
  async makeAssertion(
    p: StoredProfile,
    tokenUrl: string,
    discovery: DiscoveryResult | undefined,
    overrides?: AssertionOverrides,
    /** Break-it mode: one deliberate mistake in the assertion (break-it.ts). */
    brk?: BreakName,
    /**
     * What the server checks the assertion against, when already known (the draft's, fetched when
     * it was prepared): a fresh assertion per Send does not fetch the registered JWKS again.
     */
    known?: KeyContext,
  ): Promise<{
    jwt: string;
    view: AssertionView;
    signingKeyKid?: string;
    keyContext: KeyContext;
    /** What the break changed, in words. */
    brokeWhat?: string;
  }> {
    const hmac = p.auth.method === 'client_secret_jwt';
    const key = hmac ? undefined : await this.signingKey(p);
    const secret = hmac ? await this.c.tokenRequests.needClientSecret(p) : undefined;
    const now = this.c.nowSec;
    const alg = hmac ? (p.auth.alg ?? 'HS256') : (p.auth.alg ?? key!.info.alg);
    if (hmac && !/^HS(256|384|512)$/.test(alg))
      throw new AppFailure(
        'INVALID_INPUT',
        `client_secret_jwt signs with the client secret, so alg ${alg} cannot be used.`,
        'Set auth.alg to HS256 (default), HS384 or HS512 in the profile.',
      );
    const header: Record<string, unknown> = hmac
      ? { alg, typ: 'JWT' }
      : { alg, kid: p.auth.kid ?? key!.info.kid, typ: 'JWT' };
    const claims: Record<string, unknown> = {
      iss: p.clientId,
      sub: p.clientId,
      aud: tokenUrl,
      exp: now + 300,
      iat: now,
      jti: randomBytes(16).toString('hex'),
    };
    applyOverrides(header, overrides?.header);
    applyOverrides(claims, overrides?.claims);
    const broke = brk
      ? await breakAssertion(brk, {
          header,
          claims,
          now,
          hmac,
          ...(key ? { keyKind: key.info.kind.split('-')[0] } : {}),
          session: this.c.s,
          profileId: p.id,
          ...(discovery?.signingAlgs ? { acceptedAlgs: discovery.signingAlgs } : {}),
        })
      : undefined;
    let jwt: string;
    try {
      jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
        .setProtectedHeader(header as { alg: string })
        .sign(
          broke?.key ?? (hmac ? createSecretKey(Buffer.from(secret!, 'utf8')) : key!.privateKey!),
        );
    } catch (e) {
      throw new AppFailure(
        'KEY_INVALID',
        `Cannot sign with alg ${String(header.alg)}: ${(e as Error).message}.`,
        hmac
          ? 'client_secret_jwt needs an HMAC alg: HS256, HS384 or HS512.'
          : `Use an alg that fits the key (${key!.info.kind}): ${key!.info.alg}.`,
      );
    }
    const keyContext: KeyContext = hmac
      ? { lintInput: {}, findings: [] }
      : (known ?? (await this.clientKeyContext(p)));
    const lint: Finding[] = [
      ...lintAssertion({
        skewSec: this.c.settings.skewSec(),
        header,
        claims,
        tokenUrl,
        clientId: p.clientId,
        ...(discovery?.signingAlgs ? { acceptedAlgs: discovery.signingAlgs } : {}),
        ...keyContext.lintInput,
        now,
        sentJtis: this.c.s.sentJtis,
        smart: this.c.tokenRequests.smartProfile(p, discovery),
        ...(key ? { signingKeyKid: key.info.kid } : { hmac: true }),
      }),
      ...keyContext.findings,
    ];
    const view: AssertionView = {
      id: randomUUID(),
      header,
      claims,
      masked: maskJwtSignature(jwt),
      explained: explainClaims(claims, now, 'client_assertion'),
      lint: rankFindings(lint),
    };
    return {
      jwt,
      view,
      ...(key ? { signingKeyKid: key.info.kid } : {}),
      keyContext,
      ...(broke ? { brokeWhat: broke.what } : {}),
    };
  }

  /**
   * What the server will use to check the assertion: the kids at the client's registered JWKS URL
   * (fetched like the server would; a failure is JWKS_UNREACHABLE) and that URL for the jku check.
   */
  async clientKeyContext(p: StoredProfile): Promise<KeyContext> {
    const findings: Finding[] = [];
    if (!p.jwksUri) return { lintInput: {}, findings };
    const jwks = await this.loadJwks({ jwksUrl: p.jwksUri }, 'Client assertion', findings, p.tls);
    const lintInput = {
      registeredJku: p.jwksUri,
      ...(jwks ? { jwksKids: jwks.keys.map((k) => String(k.kid ?? '')) } : {}),
    };
    return { lintInput, findings };
  }

  buildAssertion(input: { profileId: string; overrides?: AssertionOverrides; preview?: boolean }) {
    return guard(async () => {
      const p = this.c.profiles.mustProfile(input.profileId);
      const { url, discovery } = await this.c.discovery.tokenEndpointFor(p);
      const { jwt, view } = await this.makeAssertion(p, url, discovery, input.overrides);
      // A preview only checks the edits: the assertion shown (and revealable) stays the built one.
      if (!input.preview) this.c.s.lastAssertion = jwt;
      return view;
    });
  }

  inspectAssertion(input: InspectInput) {
    return guard(async (): Promise<InspectResult> => {
      const decoded = decodeForDisplay(input.jwt);
      const now = this.c.nowSec;
      let verification: Verification = {
        status: 'unchecked',
        message: 'No JWKS given: signature not checked.',
      };
      let jwksKids: string[] | undefined;
      const findings: Finding[] = [];
      const jwks = await this.loadJwks(input, 'Inspector', findings);
      if (jwks) {
        jwksKids = jwks.keys.map((k) => String(k.kid ?? ''));
        verification = await verifyWith(input.jwt, jwks, input.jwksUrl);
        if (verification.status === 'failed' && !findings.length) {
          const kid = decoded.header.kid;
          if (!(typeof kid === 'string' && !jwksKids.includes(kid)))
            findings.push(finding('ASSERTION_SIGNATURE_INVALID', verification.message));
        }
      }
      findings.unshift(
        ...lintAssertion({
          skewSec: this.c.settings.skewSec(),
          header: decoded.header,
          claims: decoded.claims,
          ...(input.tokenUrl ? { tokenUrl: input.tokenUrl } : {}),
          ...(input.clientId ? { clientId: input.clientId } : {}),
          ...(input.acceptedAlgs ? { acceptedAlgs: input.acceptedAlgs } : {}),
          ...(jwksKids ? { jwksKids } : {}),
          now,
        }),
      );
      return {
        decoded,
        explained: explainClaims(decoded.claims, now, 'client_assertion'),
        verification,
        findings: rankFindings(findings),
      };
    });
  }

  inspect(input: InspectEvidenceInput) {
    return guard(async (): Promise<InspectReport> => {
      const evidence = readEvidence(input.items, input.harEntry);
      const unreadable = unreadableEvidence(evidence);
      if (unreadable) throw new AppFailure(unreadable.code, unreadable.message, unreadable.fix);
      const jwksFindings: Finding[] = [];
      const jwksText = input.jwks ?? evidence.jwks;
      const jwks = await this.loadJwks(
        {
          ...(jwksText ? { jwks: jwksText } : {}),
          ...(input.jwksUrl ? { jwksUrl: input.jwksUrl } : {}),
        },
        'Inspector',
        jwksFindings,
      );
      const verifications = new Map<string, Verification>();
      if (jwks)
        for (const j of evidence.jwts)
          verifications.set(j.jwt, await verifyWith(j.jwt, jwks, input.jwksUrl));
      return await inspectEvidence(evidence, input, {
        verifications,
        ...(jwks ? { jwksKids: jwks.keys.map((k) => String(k.kid ?? '')) } : {}),
        jwksFindings,
        nowSec: this.c.nowSec,
        skewSec: this.c.settings.skewSec(),
      });
    });
  }

  /** Loads a JWKS from pasted text or a URL (recorded), adding JWKS_UNREACHABLE when it fails. */
  async loadJwks(
    input: { jwks?: string; jwksUrl?: string; cache?: boolean; wantKid?: string },
    step: string,
    findings: Finding[],
    tls?: TlsOptions,
  ): Promise<JSONWebKeySet | undefined> {
    if (input.jwks) {
      let v: unknown;
      try {
        v = JSON.parse(input.jwks);
      } catch (e) {
        throw new AppFailure(
          'JWKS_INVALID',
          `The JWKS is not valid JSON: ${(e as Error).message}.`,
          'Paste a JWK Set: {"keys":[{...}]}.',
        );
      }
      if (!v || typeof v !== 'object' || !Array.isArray((v as { keys?: unknown }).keys)) {
        if (v && typeof v === 'object' && 'kty' in v)
          return { keys: [v as JSONWebKeySet['keys'][number]] };
        throw new AppFailure(
          'JWKS_INVALID',
          'The JWKS has no "keys" array.',
          'Paste a JWK Set: {"keys":[{...}]}.',
        );
      }
      return usableKeys(v as JSONWebKeySet, 'The JWKS', findings);
    }
    if (input.jwksUrl) {
      const cached = this.c.s.jwksCache.get(input.jwksUrl);
      if (cached && (!input.wantKid || cached.keys.some((k) => k.kid === input.wantKid)))
        return cached;
      if (cached) {
        // A kid not in the cache (key rotation) refetches once; a token with an unknown kid
        // does not refetch again for JWKS_REFETCH_MS (SECURITY.md §7 item 7: no fetch loop).
        const now = this.c.ports.clock.now();
        const last = this.refetchedAt.get(input.jwksUrl);
        if (last !== undefined && now - last < JWKS_REFETCH_MS) return cached;
        this.refetchedAt.set(input.jwksUrl, now);
      }
      const { r, parsed } = await this.c.discovery.fetchJson(input.jwksUrl, step, tls);
      const keys = parsed?.json?.keys;
      if (!r.raw || r.raw.status >= 300 || !Array.isArray(keys)) {
        findings.push(
          finding(
            'JWKS_UNREACHABLE',
            r.exchange.error
              ? `${input.jwksUrl}: ${r.exchange.error.message}`
              : `${input.jwksUrl} answered HTTP ${r.raw?.status} ${Array.isArray(keys) ? '' : 'without a "keys" array'}.`,
          ),
        );
        return undefined;
      }
      const jwks = usableKeys(parsed!.json as unknown as JSONWebKeySet, input.jwksUrl, findings);
      if (input.cache) this.c.s.jwksCache.set(input.jwksUrl, jwks);
      return jwks;
    }
    return undefined;
  }
}
