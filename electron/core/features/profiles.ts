import { randomUUID } from 'node:crypto';
import { AppFailure } from '../../../shared/result.js';
import type { ProfileInput, ProfileView } from '../../../shared/types.js';
import {
  StoredProfile,
  profileSecret,
  PROFILES,
  guard,
  stripUndefined,
  parseProfileFile,
} from '../model.js';
import type { Core } from '../core.js';

/** Profiles: stored (secrets apart, in the SecretStore), viewed, exported and imported. */
export class Profiles {
  constructor(private readonly c: Core) {}

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
      const stored: StoredProfile = stripUndefined({ ...rest, id, auth: stripUndefined(auth) });
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

  deleteProfile(id: string) {
    return guard(async () => {
      this.mustProfile(id);
      this.c.ports.store.set(
        PROFILES,
        this.storedProfiles().filter((p) => p.id !== id),
      );
      for (const ref of Object.values(profileSecret)) await this.c.ports.secrets.delete(ref(id));
      return { deleted: id };
    });
  }

  exportProfile(id: string) {
    return guard(async () => {
      const p = this.mustProfile(id);
      // The client secret and engine key ids never leave in an export.
      const { keyId: _keyId, ...auth } = p.auth;
      const file = stripUndefined({
        name: p.name,
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
  exportProfileFile(input: { profileId: string; path: string }) {
    return guard(async () => {
      const exported = await this.exportProfile(input.profileId);
      if (!exported.ok)
        throw new AppFailure(exported.error.code, exported.error.message, exported.error.fix);
      const file = JSON.parse(exported.value.json) as { auth: Record<string, unknown> };
      const secret = await this.profileSecretValue(input.profileId, 'clientSecret');
      if (secret) file.auth.clientSecret = secret;
      await this.c.ports.files.writePrivate(input.path, `${JSON.stringify(file, null, 2)}\n`, {
        overwrite: true,
      });
      return { path: input.path, clientSecret: !!secret };
    });
  }

  importProfile(json: string) {
    return guard(async () => {
      const input = parseProfileFile(json);
      const r = await this.saveProfile(input);
      if (!r.ok) throw new AppFailure(r.error.code, r.error.message, r.error.fix);
      return r.value;
    });
  }
}
