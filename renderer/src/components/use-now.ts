import { useSyncExternalStore } from 'react';

/** One shared one-second clock for every countdown on screen. */
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const subscribers = new Set<() => void>();

function subscribe(callback: () => void): () => void {
  subscribers.add(callback);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const s of [...subscribers]) s();
    }, 1000);
  }
  return () => {
    subscribers.delete(callback);
    if (subscribers.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getSnapshot = () => now;

/** Current time in ms, updated every second while mounted. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getSnapshot);
}
