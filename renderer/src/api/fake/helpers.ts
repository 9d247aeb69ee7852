// Small helpers of the fake engine: results, base64url JSON, masking, clock and canned responses.
import { explainClaims, maskSecret } from '../../../../shared/jwt-view.js';
import type { Result } from '../../../../shared/result.js';

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const enc = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export const dec = (segment: string): Record<string, unknown> => {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as Record<string, unknown>;
};

export const explain = (claims: Record<string, unknown>) => explainClaims(claims);

export function maskJwt(jwt: string): string {
  const [h, c, s = ''] = jwt.split('.');
  return `${h}.${c}.[signature hidden: ${s.length} chars]`;
}

export const maskToken = maskSecret;

export const nowSec = () => Math.floor(Date.now() / 1000);
export const iso = (ms: number) => new Date(ms).toISOString();

export function notFound(what: string): Result<never> {
  return { ok: false, error: { code: 'NOT_FOUND', message: `${what} was not found.` } };
}

export function fail(
  code: 'INVALID_INPUT' | 'SECRET_UNAVAILABLE' | 'JSON_INVALID' | 'NOT_FOUND',
  message: string,
  fix: string,
): Result<never> {
  return { ok: false, error: { code, message, fix } };
}

export const json = (status: number, body: unknown, statusText = 'OK') => {
  const text = body === undefined ? '' : JSON.stringify(body, null, 2);
  return {
    status,
    statusText,
    headers:
      body === undefined ? [] : ([['content-type', 'application/json']] as [string, string][]),
    body: text,
    bodyBytes: text.length,
    truncated: false,
  };
};
