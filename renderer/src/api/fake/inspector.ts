// Inspector area: the real evidence reading and diagnosis, without signature keys.
import { readEvidence } from '../../../../shared/evidence.js';
import { inspectEvidence, unreadableEvidence } from '../../../../shared/inspect.js';
import { nowSec, ok } from './helpers.js';
import type { FakeHandlers } from './types.js';

/** Handler of the inspector step. */
export function inspectorHandlers(): Pick<FakeHandlers, 'inspect'> {
  return {
    inspect: async (input) => {
      const evidence = readEvidence(input.items, input.harEntry);
      const unreadable = unreadableEvidence(evidence);
      if (unreadable) return { ok: false, error: unreadable };
      // The fake has no keys: signatures stay unchecked; the diagnosis is the real one.
      return ok(
        await inspectEvidence(evidence, input, { verifications: new Map(), nowSec: nowSec() }),
      );
    },
  };
}
