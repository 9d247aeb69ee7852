import { AppFailure, type Result } from '../../../shared/result.js';
import type {
  PracticeFlavour,
  PracticeServerView,
  ProfileInput,
  ProfileView,
  SigningAlg,
} from '../../../shared/types.js';
import type { PracticeServer } from '../../practice/practice-server.js';
import type { Core } from '../core.js';
import { PROFILES, guard, type StoredProfile } from '../model.js';

/** The flavours the contract knows (shared/api/inputs.ts parses the same list). */
const FLAVOURS: readonly PracticeFlavour[] = [
  'standard',
  'openemr',
  'oracle-health',
  'epic',
  'aidbox',
  'keycloak',
];

/**
 * The practice server of this engine (one at a time), started through the host's practice port
 * (electron/practice, loaded on demand). Starting it creates its ready profiles in the workspace
 * and imports their keys into the keyring; the profiles stay after it stops (a restart updates
 * them in place: same names, new ports and keys).
 *
 * A second start with the same flavour returns the running server; with another flavour it stops
 * the running one and starts the new one (one practice server per engine, so the profiles never
 * point at two).
 */
export class PracticeFeature {
  private running?: { server: PracticeServer; view: PracticeServerView; profileIds: string[] };
  /** The start in progress: a second call waits for it instead of starting another server. */
  private pending?: Promise<PracticeServerView>;

  constructor(private readonly c: Core) {}

  start(input: { flavour?: PracticeFlavour; port?: number }) {
    return guard(async () => {
      const flavour = input.flavour ?? 'standard';
      if (!FLAVOURS.includes(flavour))
        throw new AppFailure(
          'INVALID_INPUT',
          `There is no practice flavour "${String(flavour)}".`,
          `Choose one of ${FLAVOURS.join(', ')}.`,
        );
      while (this.pending) await this.pending.catch(() => undefined);
      if (this.running?.view.flavour === flavour) return this.refreshed();
      this.pending = this.launch(flavour, input.port);
      try {
        return await this.pending;
      } finally {
        this.pending = undefined;
      }
    });
  }

  stop() {
    return guard(async () => {
      while (this.pending) await this.pending.catch(() => undefined);
      return { stopped: await this.stopAll() };
    });
  }

  get() {
    return guard(async () => ({ server: this.running ? await this.refreshed() : null }));
  }

  /** Stops the running server, if any (engine.dispose: the host is stopping). */
  async stopAll(): Promise<boolean> {
    const r = this.running;
    this.running = undefined;
    if (!r) return false;
    await r.server.close();
    return true;
  }

  private async launch(flavour: PracticeFlavour, port: number | undefined) {
    const practice = this.c.ports.practice;
    if (!practice)
      throw new AppFailure(
        'INVALID_INPUT',
        'This host has no practice server.',
        'Start it from the desktop app, the web UI (oauth-flow-debugger serve) or with oauth-flow-debugger demo.',
      );
    await this.stopAll();
    await this.c.keyring.loaded;
    let server: PracticeServer;
    try {
      server = await practice.start({ flavour, ...(port ? { port } : {}) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new AppFailure(
          'PORT_IN_USE',
          `Port ${port} on 127.0.0.1 is taken by another program.`,
          'Choose another port, or leave it empty to use a free one.',
        );
      throw e;
    }
    try {
      const profiles = await this.createProfiles(server);
      const view: PracticeServerView = {
        flavour: server.flavour,
        label: server.label,
        sources: server.sources,
        issuer: server.issuer,
        fhirBase: server.fhirBase,
        user: server.user,
        profiles,
        startedAt: new Date(this.c.ports.clock.now()).toISOString(),
      };
      this.running = { server, view, profileIds: profiles.map((p) => p.id) };
      return view;
    } catch (e) {
      await server.close();
      throw e;
    }
  }

  /**
   * Saves the server's ready profiles: each key imported into the keyring (the profile names it by
   * id, so no key file is needed), the client secret into the secret store. A profile of the same
   * name from an earlier start is updated in place, and the key it named (if no other profile
   * uses it) removed: it was registered at a server that is gone.
   */
  private async createProfiles(server: PracticeServer): Promise<ProfileView[]> {
    const stored = () => (this.c.ports.store.get(PROFILES) as StoredProfile[] | undefined) ?? [];
    const out: ProfileView[] = [];
    for (const client of server.clients) {
      const earlier = stored().find((p) => p.name === client.profile.name);
      let keyId: string | undefined;
      if (client.key) {
        const k = server.keys.find((x) => x.name === client.key);
        if (!k) throw new Error(`practice key ${client.key} missing`);
        const have = [...this.c.s.keys.values()].find(
          (x) => x.info.kid === k.kid && x.info.hasPrivateKey,
        );
        keyId =
          have?.info.id ??
          unwrap(
            await this.c.keyring.importKey({ text: k.pem, alg: k.alg as SigningAlg, kid: k.kid }),
          ).id;
      }
      const { $schema: _schema, auth, ...rest } = client.profile;
      const input: ProfileInput = {
        ...rest,
        ...(earlier ? { id: earlier.id } : {}),
        auth: { ...auth, ...(keyId ? { keyId } : {}) },
      } as ProfileInput;
      const saved = unwrap(await this.c.profiles.saveProfile(input));
      const oldKey = earlier?.auth.keyId;
      if (oldKey && oldKey !== keyId && !stored().some((p) => p.auth.keyId === oldKey))
        await this.c.keyring.deleteKey(oldKey);
      out.push(saved);
    }
    return out;
  }

  /** The running server's view with its profiles as they are now (edited or deleted since). */
  private async refreshed(): Promise<PracticeServerView> {
    const r = this.running!;
    const stored = (this.c.ports.store.get(PROFILES) as StoredProfile[] | undefined) ?? [];
    const profiles = await Promise.all(
      r.profileIds
        .map((id) => stored.find((p) => p.id === id))
        .filter((p): p is StoredProfile => !!p)
        .map((p) => this.c.profiles.view(p)),
    );
    return { ...r.view, profiles };
  }
}

/** A feature's Result as a value, its failure thrown again as it was. */
function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new AppFailure(r.error.code, r.error.message, r.error.fix);
  return r.value;
}

const engines = new WeakMap<Core, PracticeFeature>();

/** The practice feature of an engine's core (made on first use, one per engine). */
export function practiceOf(c: Core): PracticeFeature {
  let f = engines.get(c);
  if (!f) engines.set(c, (f = new PracticeFeature(c)));
  return f;
}
