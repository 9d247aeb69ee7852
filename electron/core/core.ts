/**
 * The engine's parts put together: the ports, the HTTP recorder, the session state and the feature
 * modules, which reach one another through this object (each is handed it at construction).
 */
import type { DebuggerApi } from '../../shared/api/contract.js';
import { AuthorizationFlows } from './features/authorize.js';
import { Assertions } from './features/assertion.js';
import { DeviceFlows } from './features/device.js';
import { DiscoveryFeature } from './features/discovery.js';
import { Keyring } from './features/keys.js';
import { Profiles } from './features/profiles.js';
import { Refresh } from './features/refresh.js';
import { TokenCalls } from './features/token-calls.js';
import { TokenRequests } from './features/token-request.js';
import { TokenSet } from './features/tokens.js';
import { HttpRecorder } from './http.js';
import { JwksHost } from './features/jwks-host.js';
import { PROFILES, type StoredProfile } from './model.js';
import type { Ports } from './ports.js';
import { Registrations } from './features/registration.js';
import { RunTracker } from './runs.js';
import { Support } from './features/support.js';
import { Session } from './session.js';
import { Workspace } from './features/workspace.js';
import { Timeline } from './features/timeline.js';
import { Settings } from './features/settings.js';

export class Core {
  readonly s = new Session();
  readonly http: HttpRecorder;
  readonly runs: RunTracker;
  readonly profiles: Profiles;
  readonly keyring: Keyring;
  readonly discovery: DiscoveryFeature;
  readonly assertions: Assertions;
  readonly tokenRequests: TokenRequests;
  readonly tokenSet: TokenSet;
  readonly refresh: Refresh;
  readonly tokenCalls: TokenCalls;
  readonly device: DeviceFlows;
  readonly authz: AuthorizationFlows;
  readonly registrations: Registrations;
  readonly jwksHost: JwksHost;
  readonly workspace: Workspace;
  readonly support: Support;
  readonly timeline: Timeline;
  /** App settings (features/settings.ts): applied to every request through the recorder. */
  readonly settings: Settings;

  constructor(readonly ports: Ports) {
    const stored = () => (ports.store.get(PROFILES) as StoredProfile[] | undefined) ?? [];
    this.runs = new RunTracker(
      () => ports.clock.now(),
      (id) => stored().find((p) => p.id === id),
    );
    // The timeline keeps its bounds and saves before the snapshot is pushed (saved runs).
    this.http = new HttpRecorder(() => this.timeline.changed(), this.runs);
    this.timeline = new Timeline(this);
    this.settings = new Settings(this);
    this.profiles = new Profiles(this);
    this.keyring = new Keyring(this);
    this.discovery = new DiscoveryFeature(this);
    this.assertions = new Assertions(this);
    this.tokenRequests = new TokenRequests(this);
    this.tokenSet = new TokenSet(this);
    this.refresh = new Refresh(this);
    this.tokenCalls = new TokenCalls(this);
    this.device = new DeviceFlows(this);
    const discovery = (p: StoredProfile) => this.discovery.discoveryFor(p);
    const profile = (id: string) => this.profiles.mustProfile(id);
    this.authz = new AuthorizationFlows({
      ports,
      probe: async (p, url) => {
        const { exchange, raw } = await this.http.send(
          { method: 'GET', url, headers: [['accept', 'text/html, application/json']] },
          { step: 'Authorize (probe)', ...(p.tls ? { tls: p.tls } : {}), ...this.ports.http },
        );
        return raw
          ? { status: raw.status, headers: raw.headers, body: raw.body }
          : {
              error: exchange.error ?? { code: 'NETWORK_ERROR', message: 'No answer.' },
            };
      },
      profile,
      discovery,
      front: (req, opts) => this.http.recordFront(req, opts),
      pendingCodes: this.s.pendingCodes,
      // The loopback callback arrives outside any call: the exchange joins the flow's run.
      exchange: (profileId) =>
        this.runs.within(profileId, undefined, async () => {
          const req: Parameters<DebuggerApi['prepareTokenRequest']>[0] = {
            profileId,
            grant: 'authorization_code',
          };
          const draft = await this.tokenRequests.prepareTokenRequest(req);
          return draft.ok
            ? this.tokenRequests.sendTokenRequest({ draftId: draft.value.id })
            : draft;
        }),
    });
    this.registrations = new Registrations({
      ports,
      http: this.http,
      profile,
      discovery,
      view: (p) => this.profiles.view(p),
      update: (id, patch) => this.profiles.updateStoredProfile(id, patch),
      setSecret: (id, which, value) => this.profiles.setProfileSecret(id, which, value),
      secret: (id, which) => this.profiles.profileSecretValue(id, which),
      profileKey: (p) => this.keyring.profileKey(p),
    });
    this.jwksHost = new JwksHost({
      ports,
      http: this.http,
      profiles: stored,
    });
    this.workspace = new Workspace(this);
    this.support = new Support(this);
    this.timeline.load();
  }

  get nowSec() {
    return Math.floor(this.ports.clock.now() / 1000);
  }
}
