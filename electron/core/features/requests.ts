import { guard } from '../model.js';
import type { Core } from '../core.js';

/** Requests in flight: cancelling what waits on a server (the registry is in-flight.ts). */
export class Requests {
  constructor(private readonly c: Core) {}

  /**
   * Aborts the engine's requests in flight: the profile's, or every one when no profile is named.
   * Each is recorded as a CANCELLED exchange; the call that waited on it returns CANCELLED.
   */
  cancelRequests(input: { profileId?: string }) {
    return guard(async () => {
      if (input.profileId) this.c.profiles.mustProfile(input.profileId);
      return { cancelled: this.c.http.inFlight.cancel(input.profileId) };
    });
  }
}
