import type { Verification } from '../../../shared/types.js';
import { SafeText } from './SafeText.js';

export function verificationText(v: Verification): string {
  switch (v.status) {
    case 'verified':
      return v.kid || v.jwksUrl
        ? `Signature verified with key ${v.kid ?? '(no kid)'}${v.jwksUrl ? ` from ${v.jwksUrl}` : ''}`
        : `Signature verified. ${v.message}`;
    case 'failed':
      return `Signature check failed: ${v.message}`;
    case 'unsigned':
      return `Not signed: ${v.message}`;
    default:
      return `Signature not checked: ${v.message}`;
  }
}

const BADGE: Record<Verification['status'], string> = {
  verified: 'badge-ok',
  failed: 'badge-error',
  unsigned: 'badge-warning',
  unchecked: 'badge-info',
};

export function VerificationStatus({ verification }: { verification: Verification }) {
  return (
    <p className={`verification verification-${verification.status}`}>
      <span className={`badge ${BADGE[verification.status]}`}>{verification.status}</span>{' '}
      <span className="wrap">
        <SafeText text={verificationText(verification)} />
      </span>
    </p>
  );
}
