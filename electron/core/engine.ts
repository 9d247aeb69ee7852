/**
 * The engine: plain Node, reached only through DebuggerApi. It composes the feature modules
 * (`features/`) over one session (`core.ts`); each contract method is one of theirs.
 */
import { API_METHODS, type ApiMethod, type DebuggerApi } from '../../shared/api/contract.js';
import { AppFailure, type Result } from '../../shared/result.js';
import { Core } from './core.js';
import type { Profiles } from './features/profiles.js';
import type { Keyring } from './features/keys.js';
import type { Workspace } from './features/workspace.js';
import type { DiscoveryFeature } from './features/discovery.js';
import type { Assertions } from './features/assertion.js';
import type { TokenRequests } from './features/token-request.js';
import type { TokenSet } from './features/tokens.js';
import type { Refresh } from './features/refresh.js';
import type { DeviceFlows } from './features/device.js';
import type { TokenCalls } from './features/token-calls.js';
import type { Support } from './features/support.js';
import type { Settings } from './features/settings.js';
import { InspectFiles } from './features/inspect-file.js';
import { Requests } from './features/requests.js';
import type { EngineKey } from './keys.js';
import type { HttpExchange, PracticeFlavour } from '../../shared/types.js';
import { practiceOf } from './features/practice.js';
import { guard } from './model.js';
import type { Ports } from './ports.js';

export {
  parseProfileFile,
  profileSecret,
  wellKnownBase,
  type PendingCode,
  type StoredProfile,
} from './model.js';

/** Exchanges per page of listExchangesPage when the page names no limit. */
export const EXCHANGE_PAGE = 500;
/**
 * A page also ends at about this many characters of JSON (bodies of up to 64 KB each), so a page
 * of large exchanges stays one short task to parse.
 */
export const EXCHANGE_PAGE_CHARS = 3_000_000;

/** Roughly the JSON length of an exchange: its texts plus the fixed fields. */
const sizeOf = (x: HttpExchange) =>
  400 +
  x.request.url.length +
  (x.request.body?.length ?? 0) +
  (x.response?.body.length ?? 0) +
  x.curl.length;

/** The calls that send a request with a profile: they stamp its lastUsedAt. */
const SENDS: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'sendTokenRequest',
  'startAuthorization',
  'startDeviceAuthorization',
  'sendRegistration',
  'callResource',
]);

export class Engine implements DebuggerApi {
  private readonly c: Core;

  constructor(ports: Ports) {
    this.c = new Core(ports);
    // Every call that names a profile runs in that profile's run (see runs.ts).
    for (const m of API_METHODS) {
      const own = (this as unknown as Record<string, (input: unknown) => unknown>)[m]!.bind(this);
      const routed = (input: unknown) => {
        const draftId = (input as { draftId?: unknown } | undefined)?.draftId;
        const profileId =
          (input as { profileId?: unknown } | undefined)?.profileId ??
          (typeof draftId === 'string' ? this.c.s.drafts.get(draftId)?.profileId : undefined);
        if (typeof profileId !== 'string') return own(input);
        if (SENDS.has(m)) this.c.profiles.markUsed(profileId);
        return this.c.runs.within(profileId, this.beginsRun(m, profileId, input), () => own(input));
      };
      // Each call in its own in-flight scope: a cancel during it makes its Result CANCELLED.
      (this as unknown as Record<string, unknown>)[m] = (input: unknown) =>
        this.c.http.inFlight.call(() => routed(input) as Promise<Result<unknown>>);
    }
  }

  /** The calls that begin a new run, named by the flow they begin. */
  private beginsRun(m: ApiMethod, profileId: string, input: unknown): string | undefined {
    if (m === 'startAuthorization') return 'authorization-code';
    if (m === 'startDeviceAuthorization') return 'device-code';
    if (m === 'sendRegistration') return 'registration';
    if (m !== 'prepareTokenRequest') return undefined;
    // A backend-services (or password) token request after one was sent in this run: a new attempt.
    const grant = (input as { grant?: string }).grant;
    if (grant === 'authorization_code' || grant === 'refresh_token') return undefined;
    const run = this.c.runs.currentOf(profileId);
    const sent = this.c.http.exchanges.some((x) => x.runId === run && x.step === 'Token request');
    return run && sent ? this.c.runs.flowOf(profileId) : undefined;
  }

  getStorageInfo(...a: Parameters<Workspace['getStorageInfo']>) {
    return this.c.workspace.getStorageInfo(...a);
  }

  unlockWorkspace(...a: Parameters<Workspace['unlockWorkspace']>) {
    return this.c.workspace.unlockWorkspace(...a);
  }

  protectWorkspace(...a: Parameters<Workspace['protectWorkspace']>) {
    return this.c.workspace.protectWorkspace(...a);
  }

  keepSecretsForSession(...a: Parameters<Workspace['keepSecretsForSession']>) {
    return this.c.workspace.keepSecretsForSession(...a);
  }

  startNewWorkspace(...a: Parameters<Workspace['startNewWorkspace']>) {
    return this.c.workspace.startNewWorkspace(...a);
  }

  exportWorkspace(...a: Parameters<Workspace['exportWorkspace']>) {
    return this.c.workspace.exportWorkspace(...a);
  }

  importWorkspace(...a: Parameters<Workspace['importWorkspace']>) {
    return this.c.workspace.importWorkspace(...a);
  }

  listProfiles(...a: Parameters<Profiles['listProfiles']>) {
    return this.c.profiles.listProfiles(...a);
  }

  saveProfile(...a: Parameters<Profiles['saveProfile']>) {
    // A profile's CA text is checked first (features/settings.ts): INVALID_INPUT in words.
    const tls = guard(async () => this.c.settings.checkProfileTls(a[0].tls));
    return tls.then((r) => (r.ok ? this.c.profiles.saveProfile(...a) : r));
  }

  deleteProfile(...a: Parameters<Profiles['deleteProfile']>) {
    return this.c.profiles.deleteProfile(...a);
  }

  exportProfile(...a: Parameters<Profiles['exportProfile']>) {
    return this.c.profiles.exportProfile(...a);
  }

  importProfile(...a: Parameters<Profiles['importProfile']>) {
    return this.c.profiles.importProfile(...a);
  }

  exportProfileFile(...a: Parameters<Profiles['exportProfileFile']>) {
    return this.c.profiles.exportProfileFile(...a);
  }

  restoreProfile(...a: Parameters<Profiles['restoreProfile']>) {
    return this.c.profiles.restoreProfile(...a);
  }

  duplicateProfile(...a: Parameters<Profiles['duplicateProfile']>) {
    return this.c.profiles.duplicateProfile(...a);
  }

  applyToEnvironments(...a: Parameters<Profiles['applyToEnvironments']>) {
    return this.c.profiles.applyToEnvironments(...a);
  }

  discover(...a: Parameters<DiscoveryFeature['discover']>) {
    return this.c.discovery.discover(...a);
  }

  listKeys(...a: Parameters<Keyring['listKeys']>) {
    return this.c.keyring.listKeys(...a);
  }

  generateKey(...a: Parameters<Keyring['generateKey']>) {
    return this.c.keyring.generateKey(...a);
  }

  importKey(...a: Parameters<Keyring['importKey']>) {
    return this.c.keyring.importKey(...a);
  }

  deleteKey(...a: Parameters<Keyring['deleteKey']>) {
    return this.c.keyring.deleteKey(...a);
  }

  exportJwks(...a: Parameters<Keyring['exportJwks']>) {
    return this.c.keyring.exportJwks(...a);
  }

  exportPrivateKey(...a: Parameters<Keyring['exportPrivateKey']>) {
    return this.c.keyring.exportPrivateKey(...a);
  }

  buildAssertion(...a: Parameters<Assertions['buildAssertion']>) {
    return this.c.assertions.buildAssertion(...a);
  }

  inspectAssertion(...a: Parameters<Assertions['inspectAssertion']>) {
    return this.c.assertions.inspectAssertion(...a);
  }

  inspect(...a: Parameters<Assertions['inspect']>) {
    return this.c.assertions.inspect(...a);
  }

  prepareTokenRequest(...a: Parameters<TokenRequests['prepareTokenRequest']>) {
    return this.c.tokenRequests.prepareTokenRequest(...a);
  }

  sendTokenRequest(...a: Parameters<TokenRequests['sendTokenRequest']>) {
    return this.c.tokenRequests.sendTokenRequest(...a);
  }

  checkTokenRequest(...a: Parameters<TokenRequests['checkTokenRequest']>) {
    return this.c.tokenRequests.checkTokenRequest(...a);
  }

  decodeToken(...a: Parameters<TokenSet['decodeToken']>) {
    return this.c.tokenSet.decodeToken(...a);
  }

  getTokenSet(...a: Parameters<TokenSet['getTokenSet']>) {
    return this.c.tokenSet.getTokenSet(...a);
  }

  revealSecret(...a: Parameters<TokenSet['revealSecret']>) {
    return this.c.tokenSet.revealSecret(...a);
  }

  refreshTokens(...a: Parameters<Refresh['refreshTokens']>) {
    return this.c.refresh.refreshTokens(...a);
  }

  setAutoRefresh(...a: Parameters<Refresh['setAutoRefresh']>) {
    return this.c.refresh.setAutoRefresh(...a);
  }

  introspectToken(...a: Parameters<TokenCalls['introspectToken']>) {
    return this.c.tokenCalls.introspectToken(...a);
  }

  revokeToken(...a: Parameters<TokenCalls['revokeToken']>) {
    return this.c.tokenCalls.revokeToken(...a);
  }

  callUserinfo(...a: Parameters<TokenCalls['callUserinfo']>) {
    return this.c.tokenCalls.callUserinfo(...a);
  }

  endSession(...a: Parameters<TokenCalls['endSession']>) {
    return this.c.tokenCalls.endSession(...a);
  }

  /**
   * Not in the contract (the page never gets it): the logout URL behind a one-time handoff id,
   * for the web host's /handoff/<id> redirect; undefined once used or expired.
   */
  takeHandoff(id: string): string | undefined {
    return this.c.tokenCalls.takeHandoff(id);
  }

  callResource(...a: Parameters<TokenCalls['callResource']>) {
    return this.c.tokenCalls.callResource(...a);
  }

  prepareRegistration(input: { profileId: string }) {
    return guard(() => this.c.registrations.prepare(input.profileId));
  }

  sendRegistration(input: { profileId: string; body: string; url?: string }) {
    return guard(() => this.c.registrations.send(input));
  }

  manageRegistration(input: Parameters<DebuggerApi['manageRegistration']>[0]) {
    return guard(() => this.c.registrations.manage(input));
  }

  startAuthorization(input: Parameters<DebuggerApi['startAuthorization']>[0]) {
    return guard(() => this.c.authz.start(input));
  }

  completeAuthorization(input: { flowId: string; redirectUrl: string }) {
    return guard(() => this.c.authz.complete(input));
  }

  cancelAuthorization(input: { flowId: string }) {
    return guard(() => this.c.authz.cancel(input.flowId));
  }

  getAuthorization(input: { flowId: string }) {
    return guard(async () => this.c.authz.get(input.flowId));
  }

  startDeviceAuthorization(...a: Parameters<DeviceFlows['startDeviceAuthorization']>) {
    return this.c.device.startDeviceAuthorization(...a);
  }

  cancelDeviceAuthorization(...a: Parameters<DeviceFlows['cancelDeviceAuthorization']>) {
    return this.c.device.cancelDeviceAuthorization(...a);
  }

  getDeviceAuthorization(...a: Parameters<DeviceFlows['getDeviceAuthorization']>) {
    return this.c.device.getDeviceAuthorization(...a);
  }

  /**
   * Host lifecycle, outside DebuggerApi like the member below: stops everything this engine
   * started (the JWKS host, loopback listeners, device polling, the auto-refresh timer), so a
   * host stopping on SIGTERM/SIGINT leaves no port open behind it.
   */
  async dispose(): Promise<void> {
    this.c.device.stopAll();
    this.c.refresh.stopAutoRefresh();
    await this.c.authz.stopAll();
    await this.c.jwksHost.stop();
    await practiceOf(this.c).stopAll();
    await this.c.timeline.flush();
  }

  /**
   * A custom-scheme redirect from the OS: completes the waiting flow whose state it carries. Outside
   * DebuggerApi: only the desktop main process (electron/main) receives these.
   */
  completeAuthorizationFromRedirect(redirectUrl: string) {
    return guard(() => this.c.authz.completeFromRedirect(redirectUrl));
  }

  hostJwks(input: Parameters<DebuggerApi['hostJwks']>[0]) {
    return guard(async () => {
      await this.c.keyring.loaded;
      let keys: EngineKey[];
      if (input.keyIds?.length) keys = input.keyIds.map((id) => this.c.keyring.mustKey(id));
      else if (input.profileId) {
        const k = await this.c.keyring.profileKey(this.c.profiles.mustProfile(input.profileId));
        if (!k)
          throw new AppFailure(
            'KEY_INVALID',
            'The profile has no key to publish.',
            'Choose a key in the profile (Keys step) or set auth.privateKeyPath.',
          );
        keys = [k];
      } else keys = [...this.c.s.keys.values()];
      return this.c.jwksHost.host(keys, input.port);
    });
  }

  stopJwksHost() {
    return guard(async () => ({ stopped: await this.c.jwksHost.stop() }));
  }

  getJwksHost() {
    return guard(async () => ({ host: this.c.jwksHost.view() }));
  }

  listExchanges() {
    return guard(async () => [...this.c.http.exchanges]);
  }

  listExchangesPage(input: { after?: string; limit?: number }) {
    return guard(async () => {
      const all = this.c.http.exchanges;
      let start = 0;
      if (input.after !== undefined) {
        const i = all.findIndex((x) => x.id === input.after);
        if (i < 0)
          throw new AppFailure(
            'NOT_FOUND',
            `Exchange ${input.after} is no longer in the timeline (cleared or past the bounds).`,
            'List the exchanges again from the first page.',
          );
        start = i + 1;
      }
      const end = Math.min(all.length, start + (input.limit ?? EXCHANGE_PAGE));
      let stop = start;
      for (let chars = 0; stop < end && (stop === start || chars < EXCHANGE_PAGE_CHARS); stop++)
        chars += sizeOf(all[stop]!);
      const exchanges = all.slice(start, stop);
      return { exchanges, total: all.length, more: start + exchanges.length < all.length };
    });
  }

  listRuns() {
    return guard(async () => this.c.timeline.listRuns());
  }

  clearExchanges() {
    return guard(async () => this.c.timeline.clear());
  }

  // Issue 12 work in progress: each of these is replaced by its feature module.
  restoreExchanges(input: { undoId: string }) {
    return guard(async () => this.c.timeline.restore(input.undoId));
  }

  exportHar(...a: Parameters<Support['exportHar']>) {
    return this.c.support.exportHar(...a);
  }

  exportBundle(...a: Parameters<Support['exportBundle']>) {
    return this.c.support.exportBundle(...a);
  }

  diffRuns(...a: Parameters<Support['diffRuns']>) {
    return this.c.support.diffRuns(...a);
  }

  runnableCurl(...a: Parameters<Support['runnableCurl']>) {
    return this.c.support.runnableCurl(...a);
  }

  private requests?: Requests;

  cancelRequests(...a: Parameters<Requests['cancelRequests']>) {
    return (this.requests ??= new Requests(this.c)).cancelRequests(...a);
  }

  startPracticeServer(input: { flavour?: PracticeFlavour; port?: number }) {
    return practiceOf(this.c).start(input);
  }

  stopPracticeServer() {
    return practiceOf(this.c).stop();
  }

  getPracticeServer() {
    return practiceOf(this.c).get();
  }

  /** The Inspector on a large HAR file (features/inspect-file.ts); made on first use. */
  private inspectFiles?: InspectFiles;

  inspectFile(...a: Parameters<InspectFiles['inspectFile']>) {
    return (this.inspectFiles ??= new InspectFiles(this.c)).inspectFile(...a);
  }

  getSettings() {
    return guard(() => this.c.settings.getSettings());
  }

  saveSettings(...a: Parameters<Settings['saveSettings']>) {
    return guard(() => this.c.settings.saveSettings(...a));
  }
}
