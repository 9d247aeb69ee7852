import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { DebuggerApi } from '../../../shared/api/contract.js';
import { AppFailure } from '../../../shared/result.js';
import type { KeyInfo } from '../../../shared/types.js';
import { generateKey, importKey, privatePem, publicJwks, type EngineKey } from '../keys.js';
import { type StoredProfile, KEYS, guard } from '../model.js';
import type { Core } from '../core.js';

/** The signing keys: generated or imported, persisted (private parts as secrets), exported. */
export class Keyring {
  /** Resolves once the stored keys are loaded. */
  readonly loaded: Promise<void>;

  constructor(private readonly c: Core) {
    this.loaded = this.loadKeys();
  }

  private async loadKeys() {
    const infos = (this.c.ports.store.get(KEYS) as KeyInfo[] | undefined) ?? [];
    for (const info of infos) {
      const pem = await this.c.ports.secrets.get(`key:${info.id}`).catch(() => undefined);
      try {
        const k = pem
          ? await importKey(pem, info.alg, info.kid, new Date(info.createdAt))
          : undefined;
        const publicKey =
          k?.publicKey ?? createPublicKey({ key: info.publicJwk as JsonWebKey, format: 'jwk' });
        this.c.s.keys.set(info.id, {
          info: { ...info, hasPrivateKey: !!k?.privateKey },
          publicKey,
          ...(k?.privateKey ? { privateKey: k.privateKey } : {}),
        });
      } catch {
        // A key that no longer parses keeps its public metadata only.
        continue;
      }
    }
  }

  private async persistKey(k: EngineKey) {
    this.c.s.keys.set(k.info.id, k);
    if (k.privateKey) await this.c.ports.secrets.set(`key:${k.info.id}`, await privatePem(k));
    this.c.ports.store.set(
      KEYS,
      [...this.c.s.keys.values()].map((x) => x.info),
    );
  }

  listKeys() {
    return guard(async () => {
      await this.loaded;
      return [...this.c.s.keys.values()].map((k) => k.info);
    });
  }

  generateKey(input: Parameters<DebuggerApi['generateKey']>[0]) {
    return guard(async () => {
      await this.loaded;
      const k = await generateKey(
        input.kind,
        input.alg,
        input.kid,
        new Date(this.c.ports.clock.now()),
      );
      await this.persistKey(k);
      return k.info;
    });
  }

  importKey(input: Parameters<DebuggerApi['importKey']>[0]) {
    return guard(async () => {
      await this.loaded;
      const k = await importKey(
        input.text,
        input.alg,
        input.kid,
        new Date(this.c.ports.clock.now()),
      );
      await this.persistKey(k);
      return k.info;
    });
  }

  deleteKey(id: string) {
    return guard(async () => {
      await this.loaded;
      if (!this.c.s.keys.delete(id)) throw new AppFailure('NOT_FOUND', 'No such key.');
      await this.c.ports.secrets.delete(`key:${id}`);
      this.c.ports.store.set(
        KEYS,
        [...this.c.s.keys.values()].map((x) => x.info),
      );
      return { deleted: id };
    });
  }

  exportJwks(keyIds: string[]) {
    return guard(async () => {
      await this.loaded;
      const ks = keyIds.length ? keyIds.map((id) => this.mustKey(id)) : [...this.c.s.keys.values()];
      return { jwks: JSON.stringify(publicJwks(ks), null, 2) };
    });
  }

  exportPrivateKey(input: { keyId: string; path: string; overwrite?: boolean }) {
    return guard(async () => {
      await this.loaded;
      const pem = await privatePem(this.mustKey(input.keyId));
      await this.c.ports.files.writePrivate(input.path, pem, {
        ...(input.overwrite ? { overwrite: true } : {}),
      });
      return { path: input.path };
    });
  }

  mustKey(id: string): EngineKey {
    const k = this.c.s.keys.get(id);
    if (!k)
      throw new AppFailure(
        'NOT_FOUND',
        `No key with id ${id}.`,
        'Generate or import a key in the Keys step.',
      );
    return k;
  }

  /** The profile's key (engine key or key file), or undefined. */
  async profileKey(p: StoredProfile): Promise<EngineKey | undefined> {
    await this.loaded;
    if (p.auth.keyId) return this.c.s.keys.get(p.auth.keyId);
    if (p.auth.privateKeyPath) return this.c.assertions.signingKey(p);
    return undefined;
  }
}
