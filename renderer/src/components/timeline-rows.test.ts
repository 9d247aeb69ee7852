import { describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../../shared/types.js';
import { outcomeOf } from './timeline-rows.js';

function x(step: string, method: string, status: number, body: string): HttpExchange {
  return {
    id: `${step}-${status}`,
    step,
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    request: { method, url: 'https://auth.example/token', headers: [] },
    response: {
      status,
      statusText: '',
      headers: [],
      body,
      bodyBytes: body.length,
      truncated: false,
    },
    curl: '',
  };
}

describe('outcomeOf', () => {
  const auth = x('Device authorization', 'POST', 200, '{"device_code":"{{device_code}}"}');
  it('reads a device poll told to wait as a run still open, not a refusal', () => {
    for (const error of ['authorization_pending', 'slow_down']) {
      expect(outcomeOf([auth, x('Device poll', 'POST', 400, `{"error": "${error}"}`)])).toBe(
        'open',
      );
    }
  });
  it('still reads a poll the server ends (denied, expired) as refused', () => {
    for (const error of ['access_denied', 'expired_token']) {
      expect(outcomeOf([auth, x('Device poll', 'POST', 400, `{"error":"${error}"}`)])).toBe(
        'refused',
      );
    }
    expect(outcomeOf([x('Token request', 'POST', 401, '{"error":"invalid_client"}')])).toBe(
      'refused',
    );
  });
  it('reads a device poll or a refresh that got tokens as tokens', () => {
    const pending = x('Device poll', 'POST', 400, '{"error":"authorization_pending"}');
    const got = x('Device poll', 'POST', 200, '{"access_token":"{{access_token}}"}');
    expect(outcomeOf([auth, pending, got])).toBe('tokens');
    expect(outcomeOf([x('Refresh', 'POST', 200, '{"access_token":"{{access_token}}"}')])).toBe(
      'tokens',
    );
  });
  it('reads tokens issued as tokens', () => {
    expect(
      outcomeOf([x('Token request', 'POST', 200, '{"access_token":"{{access_token}}"}')]),
    ).toBe('tokens');
  });
});
