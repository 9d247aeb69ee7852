import { AppFailure } from '../../../shared/result.js';
import { DEVICE_CODE_GRANT } from '../../../shared/types.js';
import type { GrantHandler } from './types.js';

/**
 * RFC 8628 §3.4: the device access token request, sent on every poll of a device authorization
 * (electron/core/features/device.ts starts it and polls).
 */
export const deviceCode: GrantHandler = {
  grant: DEVICE_CODE_GRANT,
  step: 'Device poll',
  secretParams: ['device_code'],
  registers: { grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'], responseTypes: [] },
  async params({ deviceCode }) {
    if (!deviceCode)
      throw new AppFailure(
        'NOT_FOUND',
        'No device code is held for this profile.',
        'Start the device sign-in first (Device sign-in step, or `oauth-flow-debugger device`).',
      );
    return {
      params: [['device_code', '{{device_code}}']],
      fill: new Map([['device_code', deviceCode]]),
      notes: [],
    };
  },
  // RFC 8628 §3.5: the user has not finished yet, or the client polls too fast; ask again.
  interim: (error) => error === 'authorization_pending' || error === 'slow_down',
  requestedScope: (p) => p.scope,
  refreshExpected: true,
};
