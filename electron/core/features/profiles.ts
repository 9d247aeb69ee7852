import { randomUUID } from 'node:crypto';
import { AppFailure, type AppError, type Result } from '../../../shared/result.js';
import type {
  ProfileImportInput,
  ProfileInput,
  ProfileMatch,
  ProfileView,
} from '../../../shared/types.js';
import {
  StoredProfile,
  profileSecret,
  PROFILES,
  guard,
  stripUndefined,
  parseProfileFile,
} from '../model.js';
import type { DebuggerApi } from '../../../shared/api/contract.js';
import type { Core } from '../core.js';

type SecretName = keyof typeof profileSecret;

/** A deleted profile with its secrets, held in memory (this session only) for restoreProfile. */
interface Deleted {
  profile: StoredProfile;
  secrets: Partial<Record<SecretName, string>>;
}

/** Most deletions and held-back imports kept at once (the oldest is forgotten first). */
const MAX_HELD = 50;

/** Same text for matching: trimmed and case-folded. */
const fold = (s: string | undefined) => (s ?? '').trim().toLowerCase();

/** A URL for matching: parsed (host case, default port) and without a trailing slash. */
function sameUrl(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const norm = (u: string) => {
    try {
      return new URL(u).href.replace(/\/+$/, '');
    } catch {
      return u.trim().replace(/\/+$/, '');
    }
  };
  return norm(a) === norm(b);
}

/** Puts a value in a bounded map, forgetting the oldest entry beyond MAX_HELD. */
function hold<T>(map: Map<string, T>, value: T): string {
  const key = randomUUID();
  map.set(key, value);
  while (map.size > MAX_HELD) map.delete(map.keys().next().value!);
  return key;
}

/** Profiles: stored (secrets apart, in the SecretStore), viewed, exported and imported. */
export class Profiles {
  constructor(private readonly c: Core) {}

  /** Deleted profiles by undo id (memory only: the session's undo). */
  private readonly deleted = new Map<string, Deleted>();
  /** Imports held back for a conflict, by pending id (memory only; may hold a client secret). */
  private readonly pending = new Map<string, ProfileInput>();

  private storedProfiles(): StoredProfile[] {
    return (this.c.ports.store.get(PROFILES) as StoredProfile[] | undefined) ?? [];
  }

  /** A stored secret of a profile, or undefined when absent or unreadable. */
  async profileSecretValue(
    id: string,
    which: keyof typeof profileSecret,
  ): Promise<string | undefined> {
    return this.c.ports.secrets.get(profileSecret[which](id)).catch(() => undefined);
  }

  /**
   * Which of the profile's secrets are held, and which are stored but cannot be decrypted here
   * (asked of the store only for the ones that did not read).
   */
  async view(p: StoredProfile): Promise<ProfileView> {
    const names = Object.keys(profileSecret) as (keyof typeof profileSecret)[];
    const states = await Promise.all(
      names.map(async (which) => {
        if ((await this.profileSecretValue(p.id, which)) !== undefined) return 'ok';
        return (
          (await this.c.ports.secrets.check?.(profileSecret[which](p.id)).catch(() => undefined)) ??
          'missing'
        );
      }),
    );
    const has = (which: keyof typeof profileSecret) => states[names.indexOf(which)] === 'ok';
    const needsReentry = names.filter((_, i) => states[i] === 'unreadable');
    return {
      ...p,
      ...(needsReentry.length ? { needsReentry } : {}),
      hasPassword: has('password'),
      hasRegistrationToken: has('registrationToken'),
      hasIntrospectionToken: has('introspectionToken'),
      auth: { ...p.auth, hasClientSecret: has('clientSecret') },
    };
  }

  mustProfile(id: string): StoredProfile {
    const p = this.storedProfiles().find((x) => x.id === id);
    if (!p)
      throw new AppFailure(
        'NOT_FOUND',
        `No profile with id ${id}.`,
        'Create or select a profile in the Profile step.',
      );
    return p;
  }

  listProfiles() {
    return guard(async () => Promise.all(this.storedProfiles().map((p) => this.view(p))));
  }

  saveProfile(input: ProfileInput) {
    return guard(async () => {
      const { clientSecret, ...auth } = input.auth;
      const { password, introspectionToken, ...rest } = input;
      const id = input.id ?? randomUUID();
      const before = this.storedProfiles().find((p) => p.id === id);
      const stored: StoredProfile = stripUndefined({
        ...rest,
        id,
        auth: stripUndefined(auth),
        // Engine-kept times: a caller cannot set them.
        createdAt: before?.createdAt ?? new Date(this.c.ports.clock.now()).toISOString(),
        lastUsedAt: before?.lastUsedAt,
      });
      if (stored.group !== undefined && !stored.group.trim()) delete stored.group;
      if (stored.environment !== undefined && !stored.environment.trim()) delete stored.environment;
      const all = this.storedProfiles().filter((p) => p.id !== id);
      all.push(stored);
      this.c.ports.store.set(PROFILES, all);
      await this.setProfileSecret(id, 'clientSecret', clientSecret);
      await this.setProfileSecret(id, 'password', password);
      await this.setProfileSecret(id, 'introspectionToken', introspectionToken);
      this.c.s.discovery.delete(id);
      return this.view(stored);
    });
  }

  /** undefined keeps the stored value, '' removes it. */
  async setProfileSecret(id: string, which: keyof typeof profileSecret, value?: string) {
    if (value === undefined) return;
    if (value === '') await this.c.ports.secrets.delete(profileSecret[which](id));
    else await this.c.ports.secrets.set(profileSecret[which](id), value);
  }

  /** Replaces stored (non-secret) fields of a profile, e.g. after registration. */
  updateStoredProfile(id: string, patch: Partial<StoredProfile>): StoredProfile {
    const current = this.mustProfile(id);
    const next = stripUndefined({ ...current, ...patch, id });
    this.c.ports.store.set(PROFILES, [...this.storedProfiles().filter((p) => p.id !== id), next]);
    return next;
  }

  /** Stamps the profile as used now (a request was sent with it); unknown ids are ignored. */
  markUsed(id: string): void {
    if (!this.storedProfiles().some((p) => p.id === id)) return;
    this.updateStoredProfile(id, { lastUsedAt: new Date(this.c.ports.clock.now()).toISOString() });
  }

  /** Deletes the profile and its secrets, keeping both in memory for restoreProfile. */
  deleteProfile(id: string) {
    return guard(async () => {
      const profile = this.mustProfile(id);
      const secrets: Deleted['secrets'] = {};
      for (const which of Object.keys(profileSecret) as SecretName[]) {
        const value = await this.profileSecretValue(id, which);
        if (value !== undefined) secrets[which] = value;
      }
      this.c.ports.store.set(
        PROFILES,
        this.storedProfiles().filter((p) => p.id !== id),
      );
      for (const ref of Object.values(profileSecret)) await this.c.ports.secrets.delete(ref(id));
      const undoId = hold(this.deleted, { profile, secrets });
      return { deleted: id, undoId };
    });
  }

  /** Puts a deleted profile and its secrets back, under its old id (once per undo id). */
  restoreProfile(input: { undoId: string }) {
    return guard(async () => {
      const held = this.deleted.get(input.undoId);
      if (!held)
        throw new AppFailure(
          'NOT_FOUND',
          'There is nothing to undo: the deleted profile is no longer held.',
          'Deleted profiles can be brought back only in the session they were deleted in; import its file again.',
        );
      const { profile, secrets } = held;
      if (this.storedProfiles().some((p) => p.id === profile.id))
        throw new AppFailure('CONFLICT', `“${profile.name}” is already back.`);
      this.c.ports.store.set(PROFILES, [...this.storedProfiles(), profile]);
      for (const [which, value] of Object.entries(secrets) as [SecretName, string][])
        await this.c.ports.secrets.set(profileSecret[which](profile.id), value);
      this.deleted.delete(input.undoId);
      return this.view(profile);
    });
  }

  /** A name no profile here has: "Name (2)", "Name (3)", … ("Name (2)" goes on to "Name (3)"). */
  freeName(name: string): string {
    const taken = new Set(this.storedProfiles().map((p) => fold(p.name)));
    const m = /^(.*) \((\d+)\)$/.exec(name.trim());
    const stem = m ? m[1]! : name.trim();
    let n = m ? Number(m[2]) + 1 : 2;
    while (taken.has(fold(`${stem} (${n})`))) n++;
    return `${stem} (${n})`;
  }

  /** The profile here an import matches, and why: the same name, or the same server and client. */
  private matchOf(
    input: ProfileInput,
  ): { profile: StoredProfile; match: ProfileMatch } | undefined {
    const all = this.storedProfiles();
    const byName = all.find((p) => fold(p.name) === fold(input.name));
    if (byName) return { profile: byName, match: 'name' };
    if (!input.clientId.trim()) return undefined;
    const byClient = all.find(
      (p) =>
        p.clientId === input.clientId &&
        (sameUrl(p.tokenEndpoint, input.tokenEndpoint) ||
          sameUrl(p.fhirBaseUrl, input.fhirBaseUrl) ||
          sameUrl(p.issuer, input.issuer)),
    );
    return byClient ? { profile: byClient, match: 'server-client' } : undefined;
  }

  /** The CONFLICT answer: which profile, why, and the pending id to decide with. */
  private conflict(
    input: ProfileInput,
    found: { profile: StoredProfile; match: ProfileMatch },
  ): Result<never> {
    const { profile, match } = found;
    const server = input.tokenEndpoint ?? input.fhirBaseUrl ?? input.issuer ?? '';
    const suggestedName = this.freeName(input.name);
    const error: AppError = {
      code: 'CONFLICT',
      message:
        match === 'name'
          ? `A profile named “${profile.name}” is already here.`
          : `“${profile.name}” already uses this server and client ID (client ${input.clientId} at ${server}).`,
      fix: `Import it as “${suggestedName}”, replace “${profile.name}” with it, or cancel.`,
      conflict: {
        id: profile.id,
        name: profile.name,
        match,
        suggestedName,
        pendingId: hold(this.pending, input),
      },
    };
    return { ok: false, error };
  }

  exportProfile(id: string) {
    return guard(async () => {
      const p = this.mustProfile(id);
      // The client secret and engine key ids never leave in an export.
      const { keyId: _keyId, ...auth } = p.auth;
      const file = stripUndefined({
        name: p.name,
        group: p.group,
        environment: p.environment,
        vendor: p.vendor,
        server: p.server,
        flow: p.flow,
        fhirBaseUrl: p.fhirBaseUrl,
        issuer: p.issuer,
        tokenEndpoint: p.tokenEndpoint,
        authorizationEndpoint: p.authorizationEndpoint,
        deviceAuthorizationEndpoint: p.deviceAuthorizationEndpoint,
        registrationEndpoint: p.registrationEndpoint,
        introspectionEndpoint: p.introspectionEndpoint,
        revocationEndpoint: p.revocationEndpoint,
        userinfoEndpoint: p.userinfoEndpoint,
        endSessionEndpoint: p.endSessionEndpoint,
        jwksUri: p.jwksUri,
        clientId: p.clientId,
        scope: p.scope,
        redirectUri: p.redirectUri,
        postLogoutRedirectUri: p.postLogoutRedirectUri,
        pkce: p.pkce,
        responseType: p.responseType,
        authorizeParams: p.authorizeParams,
        username: p.username,
        registration: p.registration,
        resourcePath: p.resourcePath,
        auth: stripUndefined(auth),
        tls: p.tls,
      });
      return { json: JSON.stringify(file, null, 2) };
    });
  }

  /** The exported profile plus its client secret, written with mode 0600 (register --out). */
  exportProfileFile(input: Parameters<DebuggerApi['exportProfileFile']>[0]) {
    return guard(async () => {
      const path = input.path;
      if (path === undefined)
        throw new AppFailure(
          'INVALID_INPUT',
          'There is no file dialog here.',
          'In the browser, use Download; with the CLI, name the file (--out).',
        );
      const exported = await this.exportProfile(input.profileId);
      if (!exported.ok)
        throw new AppFailure(exported.error.code, exported.error.message, exported.error.fix);
      const file = JSON.parse(exported.value.json) as { auth: Record<string, unknown> };
      const secret =
        input.includeSecret === false
          ? undefined
          : await this.profileSecretValue(input.profileId, 'clientSecret');
      if (secret) file.auth.clientSecret = secret;
      await this.c.ports.files.writePrivate(path, `${JSON.stringify(file, null, 2)}\n`, {
        overwrite: true,
      });
      return { path, clientSecret: !!secret };
    });
  }

  /** A copy under a new name; the client secret, password and introspection token come along. */
  duplicateProfile(input: { profileId: string; name?: string }) {
    return guard(async () => {
      const source = this.mustProfile(input.profileId);
      const wanted = `${source.name} (copy)`;
      const taken = this.storedProfiles().some((p) => fold(p.name) === fold(wanted));
      const name = input.name?.trim() || (taken ? this.freeName(wanted) : wanted);
      if (this.storedProfiles().some((p) => fold(p.name) === fold(name)))
        throw new AppFailure(
          'CONFLICT',
          `A profile named “${name}” is already here.`,
          'Choose another name for the copy.',
        );
      const { registration, lastUsedAt: _used, ...rest } = source;
      // The registration handle stays with the original: managing (or deleting) the client from
      // the copy would change the original's registration too.
      const { clientUri: _uri, ...metadata } = registration ?? {};
      const id = randomUUID();
      const copy: StoredProfile = stripUndefined({
        ...rest,
        id,
        name,
        registration: Object.keys(metadata).length ? metadata : undefined,
        createdAt: new Date(this.c.ports.clock.now()).toISOString(),
      });
      this.c.ports.store.set(PROFILES, [...this.storedProfiles(), copy]);
      for (const which of ['clientSecret', 'password', 'introspectionToken'] as const) {
        const value = await this.profileSecretValue(source.id, which);
        if (value !== undefined) await this.c.ports.secrets.set(profileSecret[which](id), value);
      }
      return this.view(copy);
    });
  }

  /** Copies the shared settings of the profile to the other profiles of its group. */
  applyToEnvironments(input: { profileId: string }) {
    return guard(async () => {
      const source = this.mustProfile(input.profileId);
      if (!source.group?.trim())
        throw new AppFailure(
          'INVALID_INPUT',
          `“${source.name}” belongs to no group.`,
          'Give it a group (e.g. the vendor’s name) and the same group to its other environments.',
        );
      const siblings = this.storedProfiles().filter(
        (p) => p.id !== source.id && fold(p.group) === fold(source.group),
      );
      if (siblings.length === 0)
        throw new AppFailure(
          'NOT_FOUND',
          `No other profile is in the group “${source.group}”.`,
          'Give the other environments (e.g. production) the same group, or duplicate this profile.',
        );
      const updated: ProfileView[] = [];
      for (const sib of siblings) {
        const next = this.updateStoredProfile(sib.id, {
          flow: source.flow,
          scope: source.scope,
          pkce: source.pkce,
          authorizeParams: source.authorizeParams,
          resourcePath: source.resourcePath,
          tls: source.tls,
          // The method and algorithm are shared; each environment keeps its own key and secret.
          auth: stripUndefined({
            ...sib.auth,
            method: source.auth.method,
            alg: source.auth.alg,
            sendClientId: source.auth.sendClientId,
          }),
          // The metadata is shared; each environment keeps its own registration handle.
          registration:
            source.registration || sib.registration?.clientUri
              ? stripUndefined({
                  ...source.registration,
                  clientUri: sib.registration?.clientUri,
                })
              : undefined,
        });
        this.c.s.discovery.delete(sib.id);
        updated.push(await this.view(next));
      }
      return { updated };
    });
  }

  /**
   * Imports a profile file. A match with a profile here (same name, or same server and client) is
   * a CONFLICT naming it, unless onConflict says rename (a free name) or replace (its id).
   */
  async importProfile(raw: string | ProfileImportInput): Promise<Result<ProfileView>> {
    const input: ProfileImportInput = typeof raw === 'string' ? { json: raw } : raw;
    let parsed: ProfileInput;
    if (input.pendingId !== undefined) {
      const held = this.pending.get(input.pendingId);
      if (!held)
        return {
          ok: false,
          error: {
            code: 'NOT_FOUND',
            message: 'The held-back import is gone.',
            fix: 'Open or paste the profile file again.',
          },
        };
      parsed = held;
    } else if (input.json !== undefined) {
      try {
        parsed = parseProfileFile(input.json);
      } catch (e) {
        return guard(() => Promise.reject(e));
      }
    } else {
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: 'There is no file dialog here.',
          fix: 'Choose the file with Open file…, or paste its text.',
        },
      };
    }
    const found = this.matchOf(parsed);
    const choice = input.onConflict ?? 'ask';
    if (found && choice === 'ask') return this.conflict(parsed, found);
    let toSave = parsed;
    if (found && choice === 'rename') {
      const name = input.name?.trim() || this.freeName(parsed.name);
      const clash = this.storedProfiles().find((p) => fold(p.name) === fold(name));
      if (clash) return this.conflict({ ...parsed, name }, { profile: clash, match: 'name' });
      toSave = { ...parsed, name };
    }
    if (found && choice === 'replace') {
      const old = found.profile;
      // A file carries no engine key id: the profile keeps its key while the method still uses one.
      const keyId =
        parsed.auth.method === 'private_key_jwt' && !parsed.auth.privateKeyPath
          ? old.auth.keyId
          : undefined;
      toSave = {
        ...parsed,
        id: old.id,
        group: parsed.group ?? old.group,
        environment: parsed.environment ?? old.environment,
        auth: stripUndefined({ ...parsed.auth, keyId: parsed.auth.keyId ?? keyId }),
      };
    }
    if (input.pendingId !== undefined) this.pending.delete(input.pendingId);
    return this.saveProfile(toSave);
  }
}
