import { CompactEncrypt, compactDecrypt } from 'jose';
import type { KeyValueStore, SecretStore } from './ports.js';

/** Session-only secrets: kept in memory, never written. */
export class MemorySecretStore implements SecretStore {
  private m = new Map<string, string>();
  readonly info = {
    backend: 'memory (session only)',
    persisted: false,
    warning:
      'Secrets and private keys are kept for this session only. Set OFD_PASSPHRASE to store them encrypted.',
  };
  async get(ref: string) {
    return this.m.get(ref);
  }
  async set(ref: string, value: string) {
    this.m.set(ref, value);
  }
  async delete(ref: string) {
    this.m.delete(ref);
  }
}

/** PBES2 iteration count (OWASP 2023 guidance for PBKDF2-HMAC-SHA512 is 210,000). */
const P2C = 310_000;

/** Secrets encrypted with a passphrase as PBES2 JWEs (jose) inside the store. */
export class PassphraseSecretStore implements SecretStore {
  readonly info = { backend: 'passphrase (PBES2-HS512+A256KW JWE)', persisted: true };
  private readonly key: Uint8Array;
  constructor(
    private readonly store: KeyValueStore,
    passphrase: string,
  ) {
    this.key = new TextEncoder().encode(passphrase);
  }
  private all(): Record<string, string> {
    return (this.store.get('secrets') as Record<string, string> | undefined) ?? {};
  }
  async get(ref: string) {
    const jwe = this.all()[ref];
    if (!jwe) return undefined;
    try {
      const { plaintext } = await compactDecrypt(jwe, this.key, {
        keyManagementAlgorithms: ['PBES2-HS512+A256KW'],
        contentEncryptionAlgorithms: ['A256GCM'],
        maxPBES2Count: P2C,
      });
      return new TextDecoder().decode(plaintext);
    } catch {
      // Wrong passphrase or a damaged value: that secret needs re-entry; nothing is wiped.
      return undefined;
    }
  }
  async set(ref: string, value: string) {
    const jwe = await new CompactEncrypt(new TextEncoder().encode(value))
      .setProtectedHeader({ alg: 'PBES2-HS512+A256KW', enc: 'A256GCM', p2c: P2C })
      .encrypt(this.key);
    this.store.set('secrets', { ...this.all(), [ref]: jwe });
  }
  async delete(ref: string) {
    const all = this.all();
    delete all[ref];
    this.store.set('secrets', all);
  }
}
