import { KeyObject, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { AppFailure } from '../../shared/result.js';
import type { KeyInfo, KeyKind, SigningAlg } from '../../shared/types.js';

/** A key as the engine holds it; the private part never leaves the engine unencrypted. */
export interface EngineKey {
  info: KeyInfo;
  privateKey?: KeyObject;
  publicKey: KeyObject;
}

const EC_CURVE_FOR_ALG: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** Throws unless the alg can be used with the key type/curve. */
export function checkAlgFitsKey(alg: SigningAlg, kty: string, crv?: string): void {
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (kty !== 'RSA')
      throw new AppFailure(
        'KEY_INVALID',
        `${alg} needs an RSA key; this key is ${kty}${crv ? ` ${crv}` : ''}.`,
        'Pick an ES* algorithm for an EC key, or an RSA key for RS*/PS*.',
      );
    return;
  }
  const want = EC_CURVE_FOR_ALG[alg];
  if (kty !== 'EC' || crv !== want)
    throw new AppFailure(
      'KEY_INVALID',
      `${alg} needs an EC ${want} key; this key is ${kty}${crv ? ` ${crv}` : ''}.`,
      `Use ${alg === 'ES256' ? 'EC-P-256' : alg === 'ES384' ? 'EC-P-384' : 'EC-P-521'} for ${alg}.`,
    );
}

/** Default alg for a key: RS384 / ES384 as SMART recommends, else the curve's alg. */
export function defaultAlgFor(kty: string, crv?: string): SigningAlg {
  if (kty === 'RSA') return 'RS384';
  if (crv === 'P-256') return 'ES256';
  if (crv === 'P-521') return 'ES512';
  return 'ES384';
}

async function describe(
  publicKey: KeyObject,
  alg: SigningAlg,
  kid: string | undefined,
  source: KeyInfo['source'],
  hasPrivateKey: boolean,
  createdAt: string,
): Promise<KeyInfo> {
  const jwk = await exportJWK(publicKey);
  const kty = jwk.kty as 'RSA' | 'EC';
  if (kty !== 'RSA' && kty !== 'EC')
    throw new AppFailure(
      'KEY_INVALID',
      `Key type ${String(jwk.kty)} is not supported here.`,
      'Use an RSA or EC (P-256/384/521) key.',
    );
  if (kty === 'RSA') {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048)
      throw new AppFailure(
        'KEY_INVALID',
        `RSA key of ${bits} bits is too small.`,
        'Use at least 2048 bits (SMART servers reject smaller keys).',
      );
  }
  checkAlgFitsKey(alg, kty, jwk.crv);
  const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
  const finalKid = kid && kid.trim() ? kid.trim() : thumbprint;
  const kind =
    kty === 'RSA' ? `RSA-${publicKey.asymmetricKeyDetails?.modulusLength}` : `EC-${jwk.crv}`;
  return {
    id: randomUUID(),
    kid: finalKid,
    alg,
    kty,
    kind,
    thumbprint,
    publicJwk: { ...jwk, kid: finalKid, alg, use: 'sig' },
    createdAt,
    source,
    hasPrivateKey,
  };
}

/** Generates an RSA or EC key pair with jose; kid defaults to the RFC 7638 thumbprint. */
export async function generateKey(
  kind: KeyKind,
  alg: SigningAlg,
  kid: string | undefined,
  now: Date,
): Promise<EngineKey> {
  const [kty, size] = kind.startsWith('RSA')
    ? ['RSA', Number(kind.slice(4))]
    : ['EC', kind.slice(3)];
  if (kty === 'RSA') checkAlgFitsKey(alg, 'RSA');
  else checkAlgFitsKey(alg, 'EC', String(size));
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(kty === 'RSA' ? { modulusLength: size as number } : {}),
  });
  const priv = KeyObject.from(privateKey);
  const pub = KeyObject.from(publicKey);
  return {
    info: await describe(pub, alg, kid, 'generated', true, now.toISOString()),
    privateKey: priv,
    publicKey: pub,
  };
}

/** Imports a PEM (PKCS#8, PKCS#1, SEC1, SPKI) or a JWK (private or public). */
export async function importKey(
  text: string,
  alg: SigningAlg | undefined,
  kid: string | undefined,
  now: Date,
): Promise<EngineKey> {
  const t = text.trim();
  let priv: KeyObject | undefined;
  let pub: KeyObject;
  let jwkKid: string | undefined;
  if (t.startsWith('{')) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(t) as JWK;
    } catch (e) {
      throw new AppFailure(
        'KEY_INVALID',
        `Not valid JSON: ${(e as Error).message}.`,
        'Paste a JWK object such as {"kty":"RSA","n":"…","e":"AQAB",…} or a PEM block.',
      );
    }
    if (Array.isArray((jwk as { keys?: unknown }).keys))
      throw new AppFailure(
        'KEY_INVALID',
        'This is a JWK Set (it has "keys"); import one key at a time.',
        'Paste a single key object from the "keys" array.',
      );
    if (jwk.kty !== 'RSA' && jwk.kty !== 'EC')
      throw new AppFailure(
        'KEY_INVALID',
        `JWK kty is ${JSON.stringify(jwk.kty)}; RSA or EC expected.`,
        'Check that this is a signing key (kty RSA or EC).',
      );
    jwkKid = jwk.kid;
    const useAlg = alg ?? (jwk.alg as SigningAlg | undefined) ?? defaultAlgFor(jwk.kty, jwk.crv);
    try {
      const k = (await importJWK({ ...jwk, alg: useAlg }, useAlg, {
        extractable: true,
      })) as unknown as KeyObject;
      if (jwk.d) {
        priv = k;
        pub = createPublicKey(k);
      } else pub = k;
    } catch (e) {
      throw new AppFailure(
        'KEY_INVALID',
        `The JWK could not be imported: ${(e as Error).message}.`,
        'Check that n/e (RSA) or crv/x/y (EC) are complete base64url values.',
      );
    }
    alg = useAlg;
  } else if (/-----BEGIN [A-Z ]+-----/.test(t)) {
    try {
      if (/PRIVATE KEY-----/.test(t)) {
        priv = createPrivateKey({ key: t, format: 'pem' });
        pub = createPublicKey(priv);
      } else {
        pub = createPublicKey({ key: t, format: 'pem' });
      }
    } catch (e) {
      throw new AppFailure(
        'KEY_INVALID',
        `The PEM could not be read: ${(e as Error).message}.`,
        'Paste the whole block including the BEGIN/END lines; encrypted PEMs must be decrypted first (openssl pkey -in key.pem -out plain.pem).',
      );
    }
  } else {
    throw new AppFailure(
      'KEY_INVALID',
      'This is neither a PEM block nor a JWK.',
      'Paste a key that starts with "-----BEGIN" or "{".',
    );
  }
  const jwk = await exportJWK(pub);
  const useAlg = alg ?? defaultAlgFor(String(jwk.kty), jwk.crv);
  const info = await describe(pub, useAlg, kid ?? jwkKid, 'imported', !!priv, now.toISOString());
  return { info, publicKey: pub, ...(priv ? { privateKey: priv } : {}) };
}

/** PKCS#8 PEM of the private key (only on an explicit export). */
export async function privatePem(key: EngineKey): Promise<string> {
  if (!key.privateKey)
    throw new AppFailure(
      'KEY_INVALID',
      'This key has no private part.',
      'Import the private key to export it.',
    );
  return exportPKCS8(key.privateKey);
}

/** The public JWKS for a set of keys. */
export function publicJwks(keys: EngineKey[]): { keys: Record<string, unknown>[] } {
  return { keys: keys.map((k) => k.info.publicJwk) };
}

/** The key type (and curve) a JWS alg needs, for picking candidate keys from a JWKS. */
function keyFitsAlg(jwk: JWK, alg: string): boolean {
  if (/^(RS|PS)\d{3}$/.test(alg)) return jwk.kty === 'RSA';
  if (alg === 'ES256') return jwk.kty === 'EC' && jwk.crv === 'P-256';
  if (alg === 'ES384') return jwk.kty === 'EC' && jwk.crv === 'P-384';
  if (alg === 'ES512') return jwk.kty === 'EC' && jwk.crv === 'P-521';
  if (alg === 'EdDSA' || alg === 'Ed25519') return jwk.kty === 'OKP';
  return false;
}

/** What selectVerificationKey found in a JWKS for one JWS header. */
export interface KeySelection {
  /** The one key to verify with (imported for the header's alg). */
  key?: CryptoKey | KeyObject | Uint8Array;
  kid?: string;
  /** Why no key was chosen: no matching key, or multiple candidate keys. */
  error?: string;
  /** Keys that could not be read and were skipped (one line each). */
  skipped: string[];
}

/**
 * Picks the verification key for a JWS header from a JWKS (OpenID RP conformance tests
 * kid-absent-single-jwks, kid-absent-multiple-matching-keys, ignores-unparseable-key-in-jwks):
 * unreadable keys are skipped with a note; a kid, when given, must match; the key type must fit
 * the alg (an RSA/EC key never keys an HMAC); one candidate is used, several are refused.
 */
export async function selectVerificationKey(
  jwks: { keys?: unknown },
  header: { alg?: unknown; kid?: unknown },
): Promise<KeySelection> {
  const skipped: string[] = [];
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const entries = Array.isArray(jwks.keys) ? (jwks.keys as unknown[]) : [];
  const candidates: { jwk: JWK; key: CryptoKey | KeyObject | Uint8Array }[] = [];
  for (const [i, entry] of entries.entries()) {
    const jwk = entry as JWK;
    const name = `key #${i + 1}${jwk && typeof jwk.kid === 'string' ? ` (kid ${jwk.kid})` : ''}`;
    if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk) || typeof jwk.kty !== 'string') {
      skipped.push(`${name} is not a JWK (no kty); skipped.`);
      continue;
    }
    if (kid !== undefined && jwk.kid !== kid) continue;
    if (!keyFitsAlg(jwk, alg)) continue;
    if (jwk.alg !== undefined && jwk.alg !== alg) continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    const members = jwk.kty === 'RSA' ? ['n', 'e'] : jwk.kty === 'EC' ? ['x', 'y'] : ['x'];
    const broken = members.filter((m) => {
      const v = (jwk as Record<string, unknown>)[m];
      return typeof v !== 'string' || !/^[A-Za-z0-9_-]+$/.test(v);
    });
    if (broken.length) {
      skipped.push(`${name} cannot be read (${broken.join(', ')} not base64url); skipped.`);
      continue;
    }
    try {
      // Public members only: a private JWK published by mistake still verifies as its public key.
      const pub: JWK = { ...jwk };
      delete pub.d;
      delete pub.p;
      delete pub.q;
      delete pub.dp;
      delete pub.dq;
      delete pub.qi;
      candidates.push({ jwk, key: await importJWK({ ...pub, ext: true }, alg) });
    } catch (e) {
      skipped.push(`${name} cannot be read (${(e as Error).message}); skipped.`);
    }
  }
  if (candidates.length === 1) {
    const k = candidates[0]!;
    return { key: k.key, ...(typeof k.jwk.kid === 'string' ? { kid: k.jwk.kid } : {}), skipped };
  }
  if (candidates.length > 1)
    return {
      error: `multiple candidate keys: ${candidates.length} keys of the JWKS fit ${alg}${kid ? ` and kid ${kid}` : ' and the token has no kid'}, so the signing key is ambiguous.`,
      skipped,
    };
  return {
    error: `no key in the JWKS fits alg ${alg || '(none)'}${kid ? ` and kid ${kid}` : ''}.`,
    skipped,
  };
}
