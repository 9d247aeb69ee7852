// Types of the fake engine: its state, the tokens and flows it holds, its handlers and the FakeApi.
import type {
  ApiMethod,
  DebuggerApi,
  DebuggerBridge,
  DebuggerEvents,
  EventName,
} from '../../../../shared/api/contract.js';
import type {
  AuthorizationFlowView,
  GrantType,
  HttpExchange,
  JwksHostView,
  KeyInfo,
  ProfileView,
  RefreshRecord,
  TokenKind,
  TokenResult,
  TokenView,
} from '../../../../shared/types.js';

type Handler<M extends ApiMethod> = (
  ...args: Parameters<DebuggerApi[M]>
) => Awaited<ReturnType<DebuggerApi[M]>> | ReturnType<DebuggerApi[M]>;

export type FakeHandlers = { [M in ApiMethod]: Handler<M> };

export interface FakeCall {
  method: ApiMethod;
  args: unknown[];
}

/** Tokens the fake "engine" holds for the session (raw values stay in here). */
export interface FakeHeld {
  profileId: string;
  grant: GrantType;
  receivedAt: number;
  expiresAt: number;
  scope: string;
  access: string;
  accessView: TokenView;
  id?: string;
  idView?: TokenView;
  refresh?: string;
  launchContext?: Record<string, unknown>;
  refreshes: RefreshRecord[];
  revoked: TokenKind[];
  autoRefresh: { enabled: boolean; nextAt?: string };
}

export interface FakeFlow {
  view: AuthorizationFlowView;
  state: string;
}

export interface FakeState {
  profiles: ProfileView[];
  keys: KeyInfo[];
  exchanges: HttpExchange[];
  accessToken: string | null;
  lastAssertion: string | null;
  sentJtis: Set<string>;
  seq: number;
  held: FakeHeld | null;
  flows: Map<string, FakeFlow>;
  /** The last authorization code received and whether it was redeemed already. */
  code: { value: string; profileId: string; used: boolean } | null;
  jwksHost: JwksHostView | null;
}

export interface FakeOptions {
  /** Pretend the host opens the system browser itself (Electron); the web host cannot. */
  opensBrowser?: boolean;
}

export interface FakeApi {
  bridge: DebuggerBridge;
  handlers: FakeHandlers;
  calls: FakeCall[];
  state: FakeState;
  options: FakeOptions;
  /** Calls recorded for one method, as argument lists. */
  callsOf<M extends ApiMethod>(method: M): Parameters<DebuggerApi[M]>[];
  emit<E extends EventName>(event: E, payload: DebuggerEvents[E]): void;
  /** Adds an exchange to the timeline and pushes the snapshot, like the engine does. */
  record(exchange: Partial<HttpExchange> & Pick<HttpExchange, 'step'>): HttpExchange;
  listenerCount(event: EventName): number;
  /**
   * The browser comes back to the loopback listener of the latest (or given) waiting flow:
   * with a code, with an error, or with a wrong state. Pushes every status change.
   */
  simulateCallback(input?: {
    flowId?: string;
    error?: string;
    errorDescription?: string;
    wrongState?: boolean;
  }): AuthorizationFlowView;
  /** The listener's time limit passes for the latest (or given) waiting flow. */
  timeOutAuthorization(flowId?: string): AuthorizationFlowView;
  /** Moves the held access token's expiry into the past. */
  expireAccessToken(): void;
  /** What the engine's auto-refresh timer does when it fires. */
  autoRefreshNow(): TokenResult;
}
