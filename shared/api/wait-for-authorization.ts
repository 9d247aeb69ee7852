/**
 * Waiting for an authorization flow to end, over the contract: the "authorization" event pushes
 * every change, getAuthorization says where the flow is now. What a host does instead of reaching
 * into the engine (the CLI's authorize waits for the redirect this way).
 */
import { AppFailure } from '../result.js';
import type { AuthorizationFlowView } from '../types.js';
import type { DebuggerBridge } from './contract.js';

/**
 * The flow has ended, or needs the user before it goes on: done, failed, cancelled, timed out, or
 * a code received that is not exchanged automatically (the user sends the token request).
 */
export function authorizationSettled(flow: AuthorizationFlowView): boolean {
  return (
    ['done', 'failed', 'cancelled', 'timed-out'].includes(flow.status) ||
    (flow.status === 'received' && !flow.autoExchange)
  );
}

/** Resolves with the flow once it has settled; rejects with AppFailure for an unknown flow. */
export function waitForAuthorization(
  api: Pick<DebuggerBridge, 'getAuthorization' | 'on'>,
  flowId: string,
): Promise<AuthorizationFlowView> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const finish = (flow: AuthorizationFlowView) => {
      if (finished) return;
      finished = true;
      off();
      resolve(flow);
    };
    // Listen first, then ask: a change between the two is not missed.
    const off = api.on('authorization', (flow) => {
      if (flow.id === flowId && authorizationSettled(flow)) finish(flow);
    });
    api.getAuthorization({ flowId }).then(
      (r) => {
        if (!r.ok) {
          finished = true;
          off();
          reject(new AppFailure(r.error.code, r.error.message, r.error.fix));
        } else if (authorizationSettled(r.value)) finish(r.value);
      },
      (e: unknown) => {
        finished = true;
        off();
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
