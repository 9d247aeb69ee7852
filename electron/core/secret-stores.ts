import { CompactEncrypt, compactDecrypt } from 'jose';
import { AppFailure } from '../../shared/result.js';
import type { WorkspaceView } from '../../shared/types.js';
import type { KeyValueStore, SecretState, SecretStore, WorkspaceControl } from './ports.js';

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
  async check(ref: string): Promise<SecretState> {
    return this.m.has(ref) ? 'ok' : 'missing';
  }
  /** The references held (to move them into an encrypted store). */
  refs(): string[] {
    return [...this.m.keys()];
  }
}

/** PBES2 iteration count (OWASP 2023 guidance for PBKDF2-HMAC-SHA512 is 210,000). */
const P2C = 310_000;
const PBES2 = 'PBES2-HS512+A256KW';

/** Encrypts text with a passphrase as a compact PBES2-HS512+A256KW / A256GCM JWE (jose). */
export async function encryptWithPassphrase(text: string, passphrase: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(text))
    .setProtectedHeader({ alg: PBES2, enc: 'A256GCM', p2c: P2C })
    .encrypt(new TextEncoder().encode(passphrase));
}

/** The plaintext of a JWE made by encryptWithPassphrase; undefined for a wrong passphrase or damage. */
export async function decryptWithPassphrase(
  jwe: string,
  passphrase: string,
): Promise<string | undefined> {
  try {
    const { plaintext } = await compactDecrypt(jwe, new TextEncoder().encode(passphrase), {
      keyManagementAlgorithms: [PBES2],
      contentEncryptionAlgorithms: ['A256GCM'],
      // A file from elsewhere cannot make us run 2^31 iterations (SECURITY.md sec-10).
      maxPBES2Count: P2C,
    });
    return new TextDecoder().decode(plaintext);
  } catch {
    return undefined;
  }
}

/** Secrets encrypted with a passphrase as PBES2 JWEs (jose) inside the store. */
export class PassphraseSecretStore implements SecretStore {
  readonly info = { backend: 'passphrase (PBES2-HS512+A256KW JWE)', persisted: true };
  /** Decrypted values: PBKDF2 at 310,000 rounds is paid once per secret, not on every read. */
  private readonly opened = new Map<string, string>();
  constructor(
    private readonly store: KeyValueStore,
    private readonly passphrase: string,
  ) {}
  private all(): Record<string, string> {
    return (this.store.get('secrets') as Record<string, string> | undefined) ?? {};
  }
  async get(ref: string) {
    const jwe = this.all()[ref];
    if (!jwe) return undefined;
    const known = this.opened.get(`${ref}\n${jwe}`);
    if (known !== undefined) return known;
    // Wrong passphrase or a damaged value: that secret needs re-entry; nothing is wiped.
    const value = await decryptWithPassphrase(jwe, this.passphrase);
    if (value !== undefined) this.opened.set(`${ref}\n${jwe}`, value);
    return value;
  }
  async check(ref: string): Promise<SecretState> {
    if (!this.all()[ref]) return 'missing';
    return (await this.get(ref)) === undefined ? 'unreadable' : 'ok';
  }
  async set(ref: string, value: string) {
    const jwe = await encryptWithPassphrase(value, this.passphrase);
    this.opened.set(`${ref}\n${jwe}`, value);
    this.store.set('secrets', { ...this.all(), [ref]: jwe });
  }
  async delete(ref: string) {
    const all = this.all();
    delete all[ref];
    this.store.set('secrets', all);
  }
}

/** The workspace record in the store: how the user chose to keep secrets. */
interface WorkspaceRecord {
  protection: 'passphrase' | 'session';
  /** A known text encrypted with the passphrase: tells a wrong passphrase from a damaged secret. */
  check?: string;
}
const WORKSPACE = 'workspace';
const CHECK_TEXT = 'oauth-flow-debugger workspace';
export const MIN_PASSPHRASE = 8;

const lockedError = () =>
  new AppFailure(
    'WORKSPACE_LOCKED',
    'The workspace is locked: its secrets are encrypted with a passphrase that has not been entered.',
    'Unlock it with its passphrase (in the app, or OFD_PASSPHRASE for the CLI), or start a new workspace.',
  );

/**
 * The web host's and CLI's secrets. On first start nothing is chosen: secrets stay in memory until
 * the user protects the workspace with a passphrase (PBES2 JWEs in the store) or chooses "session
 * only" on purpose. A protected workspace starts locked unless OFD_PASSPHRASE opens it.
 */
export class WorkspaceSecretStore implements SecretStore, WorkspaceControl {
  private memory = new MemorySecretStore();
  private open?: PassphraseSecretStore;
  private fromEnvironment = false;
  private notice?: string;

  /** Settles once OFD_PASSPHRASE (if given) has been tried; every method waits for it. */
  private readonly ready: Promise<void>;

  constructor(
    private readonly store: KeyValueStore,
    opts: { passphrase?: string; keepAside?: () => string | undefined } = {},
  ) {
    this.keepAside = opts.keepAside;
    this.ready = this.init(opts.passphrase).catch((e: unknown) => {
      this.notice = `The workspace could not be opened: ${e instanceof Error ? e.message : String(e)}`;
    });
  }
  private readonly keepAside?: () => string | undefined;

  private async init(passphrase: string | undefined) {
    if (passphrase) {
      const record = this.record();
      if (!record) {
        // Before workspaces existed OFD_PASSPHRASE alone protected the secrets: adopt it when it
        // opens them (or there are none yet).
        const first = Object.keys(this.secrets())[0];
        const probe = first
          ? await new PassphraseSecretStore(this.store, passphrase).get(first)
          : '';
        if (probe !== undefined) await this.protectNow(passphrase, { fromEnvironment: true });
        else {
          this.store.set(WORKSPACE, { protection: 'passphrase' } satisfies WorkspaceRecord);
          this.notice = 'OFD_PASSPHRASE does not open the secrets stored in this workspace.';
        }
      } else if (record.protection === 'passphrase') {
        try {
          await this.unlockNow(passphrase);
        } catch {
          this.notice =
            'OFD_PASSPHRASE does not open this workspace: enter its passphrase to unlock it.';
        }
      }
      this.fromEnvironment = !!this.open;
    } else if (!this.record() && Object.keys(this.secrets()).length) {
      // Secrets stored by OFD_PASSPHRASE in an earlier run, no record yet: locked until entered.
      this.store.set(WORKSPACE, { protection: 'passphrase' } satisfies WorkspaceRecord);
    }
  }

  private record(): WorkspaceRecord | undefined {
    const r = this.store.get(WORKSPACE) as WorkspaceRecord | undefined;
    return r && (r.protection === 'passphrase' || r.protection === 'session') ? r : undefined;
  }
  private secrets(): Record<string, string> {
    return (this.store.get('secrets') as Record<string, string> | undefined) ?? {};
  }
  private locked(): boolean {
    return this.record()?.protection === 'passphrase' && !this.open;
  }

  get info(): SecretStore['info'] {
    if (this.open) return this.open.info;
    if (this.locked())
      return {
        backend: 'passphrase (locked)',
        persisted: true,
        warning: 'The workspace is locked: unlock it with its passphrase to use its secrets.',
      };
    return {
      backend: 'memory (session only)',
      persisted: false,
      warning:
        this.record()?.protection === 'session'
          ? 'Session only: secrets and private keys are lost when this process stops.'
          : 'Not protected yet: secrets and private keys are kept for this session only until you protect the workspace with a passphrase (in the app, or OFD_PASSPHRASE for scripts).',
    };
  }

  async view(): Promise<WorkspaceView> {
    await this.ready;
    const r = this.record();
    return {
      protection: r?.protection ?? 'undecided',
      locked: this.locked(),
      canProtect: true,
      fromEnvironment: this.fromEnvironment,
      ...(this.notice ? { notice: this.notice } : {}),
    };
  }

  async get(ref: string) {
    await this.ready;
    if (this.open) return this.open.get(ref);
    if (this.locked()) return undefined;
    return this.memory.get(ref);
  }
  async check(ref: string): Promise<SecretState> {
    await this.ready;
    if (this.open) return this.open.check(ref);
    if (this.locked()) return this.secrets()[ref] ? 'locked' : 'missing';
    return this.memory.check(ref);
  }
  async set(ref: string, value: string) {
    await this.ready;
    if (this.open) return this.open.set(ref, value);
    if (this.locked()) throw lockedError();
    return this.memory.set(ref, value);
  }
  async delete(ref: string) {
    await this.ready;
    if (this.locked()) throw lockedError();
    if (this.open) return this.open.delete(ref);
    return this.memory.delete(ref);
  }

  async unlock(passphrase: string) {
    await this.ready;
    await this.unlockNow(passphrase);
    this.fromEnvironment = false;
  }

  private async unlockNow(passphrase: string) {
    const r = this.record();
    if (r?.protection !== 'passphrase')
      throw new AppFailure(
        'INVALID_INPUT',
        'This workspace is not protected by a passphrase.',
        'Protect it with a passphrase first.',
      );
    const candidate = new PassphraseSecretStore(this.store, passphrase);
    const fits = r.check
      ? (await decryptWithPassphrase(r.check, passphrase)) === CHECK_TEXT
      : await this.opensAny(candidate);
    if (!fits)
      throw new AppFailure(
        'PASSPHRASE_WRONG',
        'That passphrase does not open this workspace. Nothing was changed.',
        'Check the passphrase and try again. If it is lost, start a new workspace: the old file is kept aside.',
      );
    if (!r.check)
      this.store.set(WORKSPACE, {
        ...r,
        check: await encryptWithPassphrase(CHECK_TEXT, passphrase),
      });
    this.open = candidate;
    this.notice = undefined;
  }

  private async opensAny(candidate: PassphraseSecretStore): Promise<boolean> {
    const refs = Object.keys(this.secrets());
    if (!refs.length) return true;
    for (const ref of refs) if ((await candidate.get(ref)) !== undefined) return true;
    return false;
  }

  async protect(passphrase: string) {
    await this.ready;
    await this.protectNow(passphrase);
    this.fromEnvironment = false;
  }

  private async protectNow(passphrase: string, opts: { fromEnvironment?: boolean } = {}) {
    // OFD_PASSPHRASE predates the minimum: scripts keep working with the one they set.
    if (!opts.fromEnvironment && passphrase.length < MIN_PASSPHRASE)
      throw new AppFailure(
        'INVALID_INPUT',
        `The passphrase is too short (${passphrase.length} characters).`,
        `Use at least ${MIN_PASSPHRASE} characters; a few unrelated words are easy to remember.`,
      );
    if (this.locked()) throw lockedError();
    // Everything readable now, re-encrypted under the new passphrase.
    const current = this.open ?? this.memory;
    const refs = this.open ? Object.keys(this.secrets()) : this.memory.refs();
    const values: [string, string][] = [];
    for (const ref of refs) {
      const v = await current.get(ref);
      if (v !== undefined) values.push([ref, v]);
    }
    const next = new PassphraseSecretStore(this.store, passphrase);
    // Values that no longer decrypt stay as they are (needs re-entry); the rest is re-encrypted.
    for (const [ref, v] of values) await next.set(ref, v);
    this.store.set(WORKSPACE, {
      protection: 'passphrase',
      check: await encryptWithPassphrase(CHECK_TEXT, passphrase),
    } satisfies WorkspaceRecord);
    this.open = next;
    this.memory = new MemorySecretStore();
    this.notice = undefined;
  }

  async keepForSession() {
    await this.ready;
    if (this.locked()) throw lockedError();
    if (this.open) {
      // From protected to session only: the values move to memory, the encrypted copies go.
      for (const ref of Object.keys(this.secrets())) {
        const v = await this.open.get(ref);
        if (v !== undefined) await this.memory.set(ref, v);
      }
      this.store.delete('secrets');
      this.open = undefined;
    }
    this.store.set(WORKSPACE, { protection: 'session' } satisfies WorkspaceRecord);
    this.fromEnvironment = false;
  }

  async startNew() {
    await this.ready;
    const keptAside = this.keepAside?.();
    this.store.delete('secrets');
    this.store.delete(WORKSPACE);
    this.open = undefined;
    this.memory = new MemorySecretStore();
    this.fromEnvironment = false;
    this.notice = undefined;
    return keptAside ? { keptAside } : {};
  }
}
