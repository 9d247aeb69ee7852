import { API_METHODS } from '../../../shared/api/contract.js';
import type {
  ApiMethod,
  DebuggerApi,
  DebuggerBridge,
  DebuggerEvents,
  EventName,
} from '../../../shared/api/contract.js';
import { assertionHandlers } from './fake/assertion.js';
import { authorizationControls, authorizeHandlers } from './fake/authorize.js';
import { createFakeContext } from './fake/context.js';
import { discoveryHandlers } from './fake/discovery.js';
import { FAKE_KEY, FAKE_PROFILE } from './fake/fixtures.js';
import { inspectorHandlers } from './fake/inspector.js';
import { jwksHostHandlers } from './fake/jwks-host.js';
import { keyHandlers } from './fake/keys.js';
import { profileHandlers } from './fake/profiles.js';
import { registrationHandlers } from './fake/registration.js';
import { resourceHandlers } from './fake/resource.js';
import { sessionHandlers } from './fake/session.js';
import { tokenRequestHandlers } from './fake/token-request.js';
import { tokenControls, tokenHandlers } from './fake/tokens.js';
import type { FakeApi, FakeCall, FakeHandlers, FakeOptions, FakeState } from './fake/types.js';

export {
  FAKE_AUTH_PROFILE,
  FAKE_AUTHORIZE_URL,
  FAKE_FHIR_BASE,
  FAKE_ISSUER,
  FAKE_JWKS_URL,
  FAKE_KEY,
  FAKE_PROFILE,
  FAKE_REGISTRATION_URL,
  FAKE_TOKEN_URL,
} from './fake/fixtures.js';
export type {
  FakeApi,
  FakeCall,
  FakeHandlers,
  FakeHeld,
  FakeOptions,
  FakeState,
} from './fake/types.js';

/**
 * An in-memory DebuggerBridge for component tests and demos. Like every host adapter it is
 * generated from API_METHODS; behaviour lives in a table of per-method handlers that tests
 * can replace (`fake.handlers.sendTokenRequest = ...`). Every call is recorded in `calls`.
 * The browser side of an authorization is played by `simulateCallback` (the loopback listener
 * receiving the redirect), so tests decide when it happens.
 */
export function createFakeApi(
  overrides: Partial<FakeHandlers> = {},
  options: FakeOptions = {},
): FakeApi {
  const state: FakeState = {
    profiles: [structuredClone(FAKE_PROFILE)],
    keys: [structuredClone(FAKE_KEY)],
    exchanges: [],
    accessToken: null,
    lastAssertion: null,
    sentJtis: new Set(),
    seq: 1,
    held: null,
    flows: new Map(),
    code: null,
    jwksHost: null,
  };
  const calls: FakeCall[] = [];
  const ctx = createFakeContext(state, options);

  const handlers: FakeHandlers = {
    ...profileHandlers(ctx),
    ...discoveryHandlers(ctx),
    ...keyHandlers(ctx),
    ...assertionHandlers(ctx),
    ...inspectorHandlers(),
    ...registrationHandlers(ctx),
    ...authorizeHandlers(ctx),
    ...tokenRequestHandlers(ctx),
    ...tokenHandlers(ctx),
    ...resourceHandlers(ctx),
    ...jwksHostHandlers(ctx),
    ...sessionHandlers(ctx),
  };
  Object.assign(handlers, overrides);

  const api = {} as Record<ApiMethod, (...args: unknown[]) => Promise<unknown>>;
  for (const method of API_METHODS) {
    api[method] = async (...args: unknown[]) => {
      calls.push({ method, args: structuredClone(args) });
      const handler = handlers[method] as (...a: unknown[]) => unknown;
      const result = await handler(...args);
      return structuredClone(result);
    };
  }

  const bridge = {
    ...(api as unknown as DebuggerApi),
    on<E extends EventName>(event: E, listener: (payload: DebuggerEvents[E]) => void) {
      const set = ctx.listeners.get(event)!;
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  } satisfies DebuggerBridge;

  return {
    bridge,
    handlers,
    calls,
    state,
    options,
    callsOf: <M extends ApiMethod>(method: M) =>
      calls.filter((c) => c.method === method).map((c) => c.args as Parameters<DebuggerApi[M]>),
    emit: ctx.emit,
    record: ctx.record,
    listenerCount: (event) => ctx.listeners.get(event)?.size ?? 0,
    ...authorizationControls(ctx),
    ...tokenControls(ctx),
  };
}
