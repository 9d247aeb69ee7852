import { BASIS_MEANING, basisWords } from '../../../shared/diagnosis/basis.js';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import type { TokenResult } from '../../../shared/types.js';
import { HOPS, type HopId, type HopText } from '../../../shared/teaching/hops.js';
import { useApp } from '../store/index.js';
import type { TokenOpOutcome } from '../store/tokens.js';
import { HttpStatus } from './HttpStatus.js';
import { SafeText } from './SafeText.js';

function Sources({ hop }: { hop: HopText }) {
  return (
    <p className="guided-sources">
      <span className="guided-label">Follows:</span>{' '}
      {hop.sources.map((s, i) => (
        <span key={s.url + s.cite}>
          {i > 0 && ', '}
          <a href={s.url} target="_blank" rel="noopener noreferrer">
            {s.cite}
          </a>
        </span>
      ))}
    </p>
  );
}

function HopExplanation({ hop }: { hop: HopText }) {
  return (
    <>
      <p>
        <span className="guided-label">What is sent:</span> {hop.sends}
      </p>
      <p>
        <span className="guided-label">Why:</span> {hop.why}
      </p>
      <Sources hop={hop} />
    </>
  );
}

/**
 * Guided mode's pause before a hop: what will be sent, why, and the section it follows. Put it
 * just before the step's Send button; it shows nothing when guided mode is off. Several hops (the
 * Tokens step's actions) each get a disclosure.
 */
export function GuidedPause({ hop }: { hop: HopId | HopId[] }) {
  const guided = useApp((s) => s.guided);
  if (!guided) return null;
  const ids = Array.isArray(hop) ? hop : [hop];
  const single = ids.length === 1 ? HOPS[ids[0]!] : null;
  return (
    <aside
      className="guided guided-pause"
      aria-label={single ? `Guided: before ${single.title}` : 'Guided: before each action'}
    >
      <p className="guided-kicker">Guided · before you send</p>
      {single ? (
        <>
          <h4 className="guided-title">{single.title}</h4>
          <HopExplanation hop={single} />
        </>
      ) : (
        ids.map((id) => (
          <details key={id} className="guided-more">
            <summary>{HOPS[id].title}</summary>
            <HopExplanation hop={HOPS[id]} />
          </details>
        ))
      )}
    </aside>
  );
}

interface OutcomeProps {
  hop: HopId;
  ok: boolean;
  /** The HTTP status; undefined when nothing came back (or the hop has no status, a redirect). */
  status?: number;
  findings?: Finding[];
  /** What arrived: "access token", "refresh token"… */
  received?: string[];
  /** Shown when there is no status at all (a redirect checked here). */
  statusless?: boolean;
}

/**
 * Guided mode's reading of an answer: the status, what it means for the flow, the first finding
 * with what it rests on, and the tokens received. Nothing when guided mode is off.
 */
export function GuidedOutcome({
  hop,
  ok,
  status,
  findings = [],
  received,
  statusless,
}: OutcomeProps) {
  const guided = useApp((s) => s.guided);
  if (!guided) return null;
  const text = HOPS[hop];
  const first = findings[0];
  return (
    <aside
      className={`guided guided-outcome ${ok ? 'guided-ok' : 'guided-failed'}`}
      aria-label={`Guided: what came back from ${text.title}`}
    >
      <p className="guided-kicker">Guided · what came back</p>
      <p>
        {!statusless && (
          <>
            <HttpStatus status={status} ok={ok} />{' '}
          </>
        )}
        <span className={ok ? 'ok-text' : 'alert-inline'}>{ok ? 'Worked.' : 'Refused.'}</span>{' '}
        {ok ? text.onSuccess : text.onFailure}
      </p>
      {first && (
        <p>
          <span className="guided-label">First finding:</span>{' '}
          <strong>
            <SafeText text={first.title} />
          </strong>{' '}
          (<code>{first.code}</code>) —{' '}
          <span title={BASIS_MEANING[first.basis]}>{basisWords(first.basis).toLowerCase()}</span>.
          {findings.length > 1 && (
            <span className="muted"> {findings.length - 1} more in the findings below.</span>
          )}
        </p>
      )}
      {received && (
        <p>
          <span className="guided-label">Tokens received:</span>{' '}
          {received.length ? received.join(', ') : 'none'}.
        </p>
      )}
    </aside>
  );
}

/** The tokens a token response carried, in words (GuidedOutcome's `received`). */
export function receivedTokens(
  r: Pick<TokenResult, 'accessToken' | 'idToken' | 'refreshToken'>,
): string[] {
  return [
    r.accessToken ? 'access token' : '',
    r.idToken ? 'id token' : '',
    r.refreshToken?.issued ? 'refresh token' : '',
  ].filter(Boolean);
}

const TOKEN_OP_HOP: Record<TokenOpOutcome['action'], HopId> = {
  refresh: 'token:refresh_token',
  introspect: 'introspection',
  revoke: 'revocation',
  userinfo: 'userinfo',
  logout: 'end-session',
};

/** GuidedOutcome for the last action on the held tokens (the Tokens step). */
export function GuidedTokenOp({ outcome }: { outcome: TokenOpOutcome }) {
  const hop = TOKEN_OP_HOP[outcome.action];
  if (outcome.action === 'logout') return <GuidedOutcome hop={hop} ok statusless />;
  const r = outcome.result;
  return (
    <GuidedOutcome
      hop={hop}
      ok={r.ok}
      status={r.status}
      findings={r.findings}
      {...(outcome.action === 'refresh' ? { received: receivedTokens(outcome.result) } : {})}
    />
  );
}
