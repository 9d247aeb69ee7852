import type { ReactNode } from 'react';
import type { TokenView } from '../../../shared/types.js';
import { ClaimsTable } from './ClaimsTable.js';
import { CodeBlock } from './CodeBlock.js';
import { Countdown } from './Countdown.js';
import { FindingsList } from './FindingsList.js';
import { pretty } from './format.js';
import { VerificationStatus } from './VerificationStatus.js';

/** Everything known about one token: format, value, expiry, signature, claims, findings. */
export function TokenDetails({
  token,
  value,
  children,
  claimsCaption,
}: {
  token: TokenView;
  /** Caption of the claims table ("Claims explained" by default). */
  claimsCaption?: string;
  /** The value row (masked, with Reveal when the engine can reveal it). */
  value: ReactNode;
  children?: ReactNode;
}) {
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
      {token.expiresAt && <Countdown expiresAt={token.expiresAt} />}
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
