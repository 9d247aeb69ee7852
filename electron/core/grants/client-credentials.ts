import type { GrantHandler } from './types.js';

/** RFC 6749 §4.4; SMART Backend Services: the client's own authority, no user. */
export const clientCredentials: GrantHandler = {
  grant: 'client_credentials',
  step: 'Token request',
  secretParams: [],
  registers: { grantTypes: ['client_credentials'], responseTypes: [] },
  async params({ p }) {
    return { params: p.scope ? [['scope', p.scope]] : [], fill: new Map(), notes: [] };
  },
  requestedScope: () => '',
  refreshExpected: false,
};
