import type { HttpExchange } from '../../../shared/types.js';
import { api } from './bridge.js';
import { runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export interface TimelineSlice {
  exchanges: HttpExchange[];
  clearExchanges(): Promise<void>;
}

export const createTimelineSlice: SliceCreator<TimelineSlice> = (set) => ({
  exchanges: [],
  clearExchanges: async () => {
    const r = await runOp(set, 'clearExchanges', () => api().clearExchanges());
    if (r.ok) set({ exchanges: [] });
  },
});
