import type { DebuggerBridge } from '../../../shared/api/contract.js';
import type { Result } from '../../../shared/result.js';
import type { StorageInfo } from '../../../shared/types.js';
import { addSubscription, setBridge } from './bridge.js';
import { runOp } from './ops.js';
import { withProfiles } from './util.js';
import type { SliceCreator } from './types.js';

export interface SessionSlice {
  storage: StorageInfo | null;
  /** Connects the store to a host adapter and loads the initial state. */
  boot(bridge: DebuggerBridge): Promise<void>;
}

export const createSessionSlice: SliceCreator<SessionSlice> = (set, get) => ({
  storage: null,
  boot: async (bridge) => {
    setBridge(bridge);
    let tokensPushed = false;
    addSubscription(bridge.on('exchanges', (push) => get().applyExchangesPushed(push)));
    addSubscription(bridge.on('authorization', (flow) => get().applyAuthorization(flow)));
    addSubscription(bridge.on('device', (flow) => get().applyDeviceFlow(flow)));
    addSubscription(
      bridge.on('tokens', (tokens) => {
        tokensPushed = true;
        get().applyTokenSet(tokens);
      }),
    );
    const booted = await runOp(set, 'boot', async () => {
      const [profiles, storage, keys, tokens, jwksHost] = await Promise.all([
        bridge.listProfiles(),
        bridge.getStorageInfo(),
        bridge.listKeys(),
        bridge.getTokenSet(),
        bridge.getJwksHost(),
      ]);
      if (profiles.ok) set(withProfiles(profiles.value, get().activeProfileId));
      if (storage.ok) set({ storage: storage.value });
      if (keys.ok) set({ keys: keys.value });
      // A pushed snapshot is newer than the listing started before it.
      if (tokens.ok && !tokensPushed) get().applyTokenSet(tokens.value.tokens);
      if (jwksHost.ok) set({ jwksHost: jwksHost.value.host });
      const failed = [profiles, storage, keys, tokens, jwksHost].find((r) => !r.ok);
      // Page by page; pushes that come meanwhile are in what the pages read.
      if (!failed) await get().loadExchanges();
      return (failed ?? { ok: true, value: undefined }) as Result<unknown>;
    });
    // Refused (no or an old per-run token): the page shows the token screen; stop the event
    // socket from reconnecting with the refused token (same bridge, subscriptions dropped).
    if (!booted.ok && booted.error.code === 'FORBIDDEN') setBridge(bridge);
  },
});
