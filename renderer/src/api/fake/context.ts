// The context every area of the fake shares: one state, the options, ids, events and the timeline.
import { EVENT_NAMES } from '../../../../shared/api/contract.js';
import type { DebuggerEvents, EventName } from '../../../../shared/api/contract.js';
import type { HttpExchange, ProfileView } from '../../../../shared/types.js';
import { FAKE_FHIR_BASE, FAKE_ISSUER, FAKE_TOKEN_URL } from './fixtures.js';
import type { FakeOptions, FakeState } from './types.js';

/** What the areas of the fake share, so each closes over the same state and listeners. */
export interface FakeContext {
  state: FakeState;
  options: FakeOptions;
  listeners: Map<EventName, Set<(p: unknown) => void>>;
  next(prefix: string): string;
  emit<E extends EventName>(event: E, payload: DebuggerEvents[E]): void;
  /** Adds an exchange to the timeline and pushes the snapshot, like the engine does. */
  record(x: Partial<HttpExchange> & Pick<HttpExchange, 'step'>): HttpExchange;
  profileById(id: string): ProfileView | undefined;
  tokenUrlOf(p: ProfileView): string;
  issuerOf(p: ProfileView): string;
}

/** Builds the shared context over a state; every event starts with no listeners. */
export function createFakeContext(state: FakeState, options: FakeOptions): FakeContext {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>(
    EVENT_NAMES.map((e) => [e, new Set()]),
  );
  const next = (prefix: string) => `${prefix}-${++state.seq}`;

  function emit<E extends EventName>(event: E, payload: DebuggerEvents[E]) {
    for (const l of [...(listeners.get(event) ?? [])]) l(structuredClone(payload));
  }

  function record(x: Partial<HttpExchange> & Pick<HttpExchange, 'step'>): HttpExchange {
    const request = x.request ?? { method: 'GET', url: FAKE_FHIR_BASE, headers: [] };
    const exchange: HttpExchange = {
      id: x.id ?? next('ex'),
      step: x.step,
      startedAt: x.startedAt ?? new Date().toISOString(),
      durationMs: x.durationMs ?? 142,
      request,
      response: x.response,
      error: x.error,
      curl:
        x.curl ??
        `curl -X ${request.method} '${request.url}'${request.headers
          .map(([n, v]) => ` -H '${n}: ${v}'`)
          .join('')}${request.body ? ` --data '${request.body}'` : ''}`,
    };
    state.exchanges.push(exchange);
    emit('exchanges', state.exchanges);
    return exchange;
  }

  const profileById = (id: string) => state.profiles.find((p) => p.id === id);
  const tokenUrlOf = (p: ProfileView) => p.tokenEndpoint ?? FAKE_TOKEN_URL;
  const issuerOf = (p: ProfileView) => p.issuer ?? FAKE_ISSUER;

  return { state, options, listeners, next, emit, record, profileById, tokenUrlOf, issuerOf };
}
