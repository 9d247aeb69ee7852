import { finding } from '../../../shared/diagnosis/catalog.js';
import { AppFailure } from '../../../shared/result.js';
import type { GrantHandler } from './types.js';

/** RFC 6749 §4.3, kept for legacy servers and for teaching why RFC 9700 §2.4 forbids it. */
export const password: GrantHandler = {
  grant: 'password',
  step: 'Token request',
  secretParams: ['password'],
  registers: { grantTypes: ['password'], responseTypes: [] },
  async params({ c, p }) {
    if (!p.username)
      throw new AppFailure(
        'INVALID_INPUT',
        'The profile has no username for the password grant.',
        'Enter the username in the Profile step.',
      );
    const value = await c.profiles.profileSecretValue(p.id, 'password');
    if (!value)
      throw new AppFailure(
        'SECRET_UNAVAILABLE',
        'The profile has no password stored.',
        'Enter the password in the Profile step (it is kept with the other secrets).',
      );
    const params: [string, string][] = [
      ['username', p.username],
      ['password', '{{password}}'],
    ];
    if (p.scope) params.push(['scope', p.scope]);
    return {
      params,
      fill: new Map([['password', value]]),
      // GRANT_INSECURE comes from sendChecks, on prepare and on send alike.
      notes: [],
    };
  },
  sendChecks: (sent) => [
    finding(
      'GRANT_INSECURE',
      `grant_type=password hands the password of ${sent.find(([n]) => n === 'username')?.[1] ?? 'the user'} to this client; RFC 9700 §2.4 says it MUST NOT be used.`,
    ),
  ],
  requestedScope: (p) => p.scope,
  refreshExpected: true,
};
