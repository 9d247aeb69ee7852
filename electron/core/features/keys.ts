import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { DebuggerApi } from '../../../shared/api/contract.js';
import { AppFailure } from '../../../shared/result.js';
import type { KeyInfo } from '../../../shared/types.js';
import { generateKey, importKey, privatePem, publicJwks, type EngineKey } from '../keys.js';
import { type StoredProfile, KEYS, guard } from '../model.js';
import type { Core } from '../core.js';

/** The signing keys: generated or imported, persisted (private parts as secrets), exported. */
export class Keyring {
  /** Resolves once the stored keys are loaded (again after the workspace is unlocked). */
  loaded: Promise<void>;

  constructor(private readonly c: Core) {
    this.loaded = this.loadKeys();
  }

  /** Loads the keys again: the workspace was unlocked, replaced or imported into. */
  reload(): Promise<void> {
    this.loaded = this.loaded.then(() => {
      this.c.s.keys.clear();
      return this.loadKeys();
    });
    return this.loaded;
  }

  private async loadKeys() {
    const infos = (this.c.ports.store.get(KEYS) as KeyInfo[] | undefined) ?? [];
    for (const stored of infos) {
      const { privateKey: _was, ...info } = stored;
      const ref = `key:${info.id}`;
      const pem = await this.c.ports.secrets.get(ref).catch(() => undefined);
      const state = pem ? 'ok' : await this.c.ports.secrets.check?.(ref).catch(() => 'missing');
      const unavailable =
        state === 'unreadable' ? 'needs-reentry' : state === 'locked' ? 'locked' : undefined;
      try {
        const k = pem
          ? await importKey(pem, info.alg, info.kid, new Date(info.createdAt))
          : undefined;
        const publicKey =
          k?.publicKey ?? createPublicKey({ key: info.publicJwk as JsonWebKey, format: 'jwk' });
        this.c.s.keys.set(info.id, {
          info: {
            ...info,
            hasPrivateKey: !!k?.privateKey,
            ...(unavailable ? { privateKey: unavailable } : {}),
          },
          publicKey,
          ...(k?.privateKey ? { privateKey: k.privateKey } : {}),
        });
      } catch {
        // A key that no longer parses keeps its public metadata only.
        continue;
      }
    }
  }

  /**
   * Saves a key: the private part first (refused while the workspace is locked), then the list
   * (refused while the store is read-only, and then the private part is taken back), and only then
   * is it in this session's keys, so a refusal leaves nothing half made.
   */
  private async persistKey(k: EngineKey) {
    const ref = `key:${k.info.id}`;
    if (k.privateKey) await this.c.ports.secrets.set(ref, await privatePem(k));
    const next = new Map(this.c.s.keys).set(k.info.id, k);
    try {
      this.storeInfos(next);
    } catch (e) {
      if (k.privateKey) await this.c.ports.secrets.delete(ref).catch(() => undefined);
      throw e;
    }
    this.c.s.keys.set(k.info.id, k);
  }

  /** The key metadata as stored: what the secret store says now is not part of it. */
  private storeInfos(keys: Map<string, EngineKey> = this.c.s.keys) {
    this.c.ports.store.set(
      KEYS,
      [...keys.values()].map(({ info: { privateKey: _now, ...info } }) => info),
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
      if (input.replaceKeyId) return this.reenterPrivateKey(input.replaceKeyId, input.text);
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

  /**
   * The private part of a key already here (it needs re-entry): only the key with the same RFC 7638
   * thumbprint is taken, so the profiles and registrations that name this key keep working.
   */
  private async reenterPrivateKey(id: string, text: string) {
    const current = this.mustKey(id);
    const { alg, kid, createdAt } = current.info;
    const k = await importKey(text, alg, kid, new Date(createdAt));
    if (!k.privateKey)
      throw new AppFailure(
        'KEY_INVALID',
        'This is a public key; the private part is needed.',
        'Paste the private key (PKCS#8, PKCS#1 or SEC1 PEM, or a JWK with "d").',
      );
    if (k.info.thumbprint !== current.info.thumbprint)
      throw new AppFailure(
        'KEY_INVALID',
        `This private key is not the one of key ${kid} (their RFC 7638 thumbprints differ).`,
        `Paste the private key whose public part has thumbprint ${current.info.thumbprint}, or import it as a new key.`,
      );
    const { privateKey: _state, ...info } = current.info;
    const next = { ...k, info: { ...info, hasPrivateKey: true } };
    await this.persistKey(next);
    return next.info;
  }

  deleteKey(id: string) {
    return guard(async () => {
      await this.loaded;
      if (!this.c.s.keys.has(id)) throw new AppFailure('NOT_FOUND', 'No such key.');
      // The list first: a read-only store refuses here, and the key is still all there.
      const next = new Map(this.c.s.keys);
      next.delete(id);
      this.storeInfos(next);
      this.c.s.keys.delete(id);
      await this.c.ports.secrets.delete(`key:${id}`);
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
