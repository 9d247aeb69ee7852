import type { ReactNode } from 'react';
import type { TokenServerStatus, TokenView } from '../../../shared/types.js';
import { ClaimsTable } from './ClaimsTable.js';
import { CodeBlock } from './CodeBlock.js';
import { Countdown } from './Countdown.js';
import { FindingsList } from './FindingsList.js';
import { expiryText, localDate, pretty, relativeTime, timeOfDay } from './format.js';
import { useNow } from './use-now.js';
import { VerificationStatus } from './VerificationStatus.js';

const STATUS_BADGE: Record<TokenServerStatus['state'], string> = {
  active: 'badge-ok',
  inactive: 'badge-error',
  revoked: 'badge-error',
  unknown: 'badge-warning',
};

/** The badge of a token's re-checked status ("revoked (server)", "unknown since the revoke"). */
export function TokenStatusBadge({ status }: { status: TokenServerStatus }) {
  return <span className={`badge ${STATUS_BADGE[status.state]}`}>{status.label}</span>;
}

/** What the server last said of a held token, with what that rests on and when. */
export function TokenServerStatusLine({ status }: { status: TokenServerStatus }) {
  const now = useNow();
  const at = Date.parse(status.at);
  return (
    <div className={`token-status token-status-${status.state}`}>
      <p>
        <TokenStatusBadge status={status} />{' '}
        <span className="token-status-basis">
          {status.basis} at{' '}
          <time dateTime={status.at} title={status.at}>
            {timeOfDay(status.at)}
          </time>
          {Number.isNaN(at) ? '' : ` (${relativeTime(at, now)})`}.
        </span>
      </p>
      {status.note && <p className="hint">{status.note}</p>}
    </div>
  );
}

/**
 * The expiry by the clock when the server's word is that the token no longer works (or is not
 * known): the time is shown, never a "valid" badge.
 */
function ClockExpiry({ expiresAt }: { expiresAt: string }) {
  const now = useNow();
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return null;
  return (
    <p className="countdown muted">
      By the clock: {expiryText(at, now).replace(/^E/, 'e')} (at {localDate(expiresAt)}); the
      server&apos;s word above counts.
    </p>
  );
}

/** Everything known about one token: format, value, expiry, signature, claims, findings. */
export function TokenDetails({
  token,
  value,
  children,
  claimsCaption,
  status,
}: {
  token: TokenView;
  /** Caption of the claims table ("Claims explained" by default). */
  claimsCaption?: string;
  /** The value row (masked, with Reveal when the engine can reveal it). */
  value: ReactNode;
  /** The server's word on the token after a revoke or a failed use, when re-checked. */
  status?: TokenServerStatus | undefined;
  children?: ReactNode;
}) {
  const trusted = !status || status.state === 'active';
  return (
    <div className="token-details">
      <p className="token-format">
        {token.format === 'jwt' ? (
          <>
            <span className="badge badge-info">JWT</span> Signed JWT, {token.length} characters
          </>
        ) : (
          <>
            <span className="badge badge-info">opaque</span> Opaque token — not a JWT, nothing to
            decode ({token.length} characters)
          </>
        )}
      </p>
      {value}
      {status && <TokenServerStatusLine status={status} />}
      {token.expiresAt &&
        (trusted ? (
          <Countdown expiresAt={token.expiresAt} />
        ) : (
          <ClockExpiry expiresAt={token.expiresAt} />
        ))}
      <VerificationStatus verification={token.verification} />
      {children}
      {token.decoded && (
        <div className="grid-2">
          <CodeBlock label="Header" what="token header JSON" text={pretty(token.decoded.header)} />
          <CodeBlock label="Claims" what="token claims JSON" text={pretty(token.decoded.claims)} />
        </div>
      )}
      <ClaimsTable
        claims={token.explained}
        {...(claimsCaption ? { caption: claimsCaption } : {})}
      />
      <FindingsList findings={token.findings} label="Token findings" />
    </div>
  );
}
