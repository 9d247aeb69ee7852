import { useId } from 'react';
import type {
  DeviceFlowStatus,
  DeviceFlowView,
  ProfileView,
  TokenResult,
} from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { CopyButton } from '../components/CopyButton.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { clock, localDate } from '../components/format.js';
import { HttpStatus } from '../components/HttpStatus.js';
import { clientItem, endpointItem } from '../components/plan-items.js';
import { KeyValueList, type KeyValueItem } from '../components/KeyValueList.js';
import { NeedsProfile } from '../components/NeedsProfile.js';
import { QrCode } from '../components/QrCode.js';
import { EXACT_COPY_TITLE, SafeText } from '../components/SafeText.js';
import { ScopeDiffView } from '../components/ScopeDiffView.js';
import { StepSection } from '../components/StepSection.js';
import { useNow } from '../components/use-now.js';
// Only http(s) addresses become links: the verification URI comes from the server.
import { webUrl } from '../components/web-url.js';
import { useApp, useDeviceFlow, useOp } from '../store/index.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import { GuidedOutcome, GuidedPause, receivedTokens } from '../components/Guided.js';

const STATUS_TEXT: Record<DeviceFlowStatus, { badge: string; tone: string; text: string }> = {
  waiting: {
    badge: 'waiting',
    tone: 'badge-info',
    text: 'Waiting for the sign-in on the other device',
  },
  done: { badge: 'done', tone: 'badge-ok', text: 'Signed in: tokens received' },
  denied: {
    badge: 'denied',
    tone: 'badge-error',
    text: 'The sign-in was refused (access_denied)',
  },
  expired: {
    badge: 'expired',
    tone: 'badge-error',
    text: 'The code expired before anyone signed in with it',
  },
  failed: { badge: 'failed', tone: 'badge-error', text: 'The sign-in failed: see the findings' },
  cancelled: { badge: 'cancelled', tone: 'badge-warning', text: 'Cancelled: polling stopped' },
  'timed-out': {
    badge: 'timed out',
    tone: 'badge-error',
    text: 'Polling stopped: the time limit of this app passed',
  },
};

/** What a poll's answer means (RFC 8628 §3.5). */
const ANSWER_TEXT: Record<string, string> = {
  authorization_pending: 'the user has not finished signing in yet',
  slow_down: 'polling too often: the interval grows by 5 seconds',
  access_denied: 'the user refused',
  expired_token: 'the device code expired',
  tokens: 'tokens received',
};

function secondsLeft(iso: string | undefined, now: number): number | undefined {
  const at = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(at) ? undefined : (at - now) / 1000;
}

/** "Code expires in 9:41" / "Code expired", ticking every second. */
function CodeExpiry({ expiresAt }: { expiresAt: string | undefined }) {
  const now = useNow();
  const left = secondsLeft(expiresAt, now);
  if (left === undefined) return null;
  return (
    <span className={`countdown-text ${left > 0 ? '' : 'warn-text'}`}>
      {left > 0 ? `Code expires in ${clock(left)}` : 'Code expired'}
    </span>
  );
}

function NextPoll({ at }: { at: string | undefined }) {
  const now = useNow();
  const left = secondsLeft(at, now);
  if (left === undefined) return <span className="muted">—</span>;
  return <>{left > 0.5 ? `in ${Math.ceil(left)} s` : 'now'}</>;
}

function FlowStatus({ flow }: { flow: DeviceFlowView }) {
  const s = STATUS_TEXT[flow.status];
  const waiting = flow.status === 'waiting';
  return (
    <div className="flow-status">
      {/* Only the status is live: the ticking countdown beside it would be read every second. */}
      <span
        role="status"
        aria-live="polite"
        aria-label="Device sign-in status"
        className="flow-status-live"
      >
        <span className={`badge ${s.tone}`}>{s.badge}</span>
        {waiting && <span className="spinner" aria-hidden="true" />}
        <span className="flow-status-text">{s.text}</span>
      </span>
      {waiting && <CodeExpiry expiresAt={flow.expiresAt} />}
    </div>
  );
}

/** The user code, the page to type it on and a QR code of the page with the code in it. */
function SignInInstructions({ flow }: { flow: DeviceFlowView }) {
  const page = webUrl(flow.verificationUri);
  const complete = webUrl(flow.verificationUriComplete);
  const qrTarget = complete ?? page;
  const codeLabel = useId();
  return (
    <div className="device-signin">
      <div className="device-text">
        <ol className="device-steps">
          <li>
            <span className="device-step-label">On a phone or computer, open</span>
            {page ? (
              <span className="device-link">
                <a href={page} target="_blank" rel="noopener noreferrer">
                  <SafeText text={flow.verificationUri ?? page} />
                </a>{' '}
                <CopyButton text={page} what="verification address" title={EXACT_COPY_TITLE} />
              </span>
            ) : (
              <span className="warn-text">
                {flow.verificationUri ? (
                  <SafeText
                    text={`The server sent a verification_uri that is not a web address: ${flow.verificationUri}`}
                  />
                ) : (
                  'The server sent no verification_uri.'
                )}
              </span>
            )}
          </li>
          <li>
            <span className="device-step-label" id={codeLabel}>
              Enter this code
            </span>
            {flow.userCode ? (
              <span className="device-code-row" role="group" aria-labelledby={codeLabel}>
                <kbd className="device-code">
                  <SafeText text={flow.userCode} />
                </kbd>
                <CopyButton text={flow.userCode} what="user code" title={EXACT_COPY_TITLE} />
              </span>
            ) : (
              <span className="warn-text">The server sent no user_code.</span>
            )}
          </li>
        </ol>
        {complete && (
          <p className="hint">
            Or{' '}
            <a href={complete} target="_blank" rel="noopener noreferrer">
              open the page with the code filled in
            </a>{' '}
            (verification_uri_complete).
          </p>
        )}
      </div>
      {qrTarget && (
        <figure className="device-qr">
          <QrCode text={qrTarget} label={`QR code of ${qrTarget}`} />
          <figcaption className="hint">
            {complete ? 'Scan to open the page with the code in it' : 'Scan to open the page'}
          </figcaption>
        </figure>
      )}
    </div>
  );
}

function answerText(answer: string | undefined) {
  if (!answer) return <span className="muted">no poll yet</span>;
  const meaning = ANSWER_TEXT[answer];
  return (
    <>
      <code>
        <SafeText text={answer} />
      </code>
      {meaning && <span className="muted"> — {meaning}</span>}
    </>
  );
}

function PollingDetails({ flow }: { flow: DeviceFlowView }) {
  const waiting = flow.status === 'waiting';
  const items: KeyValueItem[] = [
    { label: 'Polls', value: String(flow.polls) },
    { label: 'Interval', value: `${flow.intervalSec} s` },
    {
      label: 'slow_down answers',
      value: flow.slowDowns ? (
        <span className="warn-text">{flow.slowDowns} (each adds 5 s)</span>
      ) : (
        '0'
      ),
    },
    { label: 'Last answer', value: answerText(flow.lastAnswer) },
  ];
  if (waiting) items.push({ label: 'Next poll', value: <NextPoll at={flow.nextPollAt} /> });
  items.push({
    label: 'Device endpoint',
    value: (
      <code className="wrap">
        <SafeText text={flow.url} />
      </code>
    ),
  });
  return <KeyValueList items={items} label="Polling" />;
}

function TokenSummary({ token }: { token: TokenResult }) {
  const received = [
    token.accessToken && 'access token',
    token.idToken && 'id token',
    token.refreshToken?.issued && 'refresh token',
  ].filter(Boolean);
  const error = typeof token.body?.error === 'string' ? token.body.error : undefined;
  return (
    <div className="results">
      <h4>Token response</h4>
      <p>
        <HttpStatus status={token.status} ok={token.ok} />{' '}
        {token.ok ? (
          <span className="ok-text">Received: {received.join(', ') || 'no tokens'}.</span>
        ) : (
          <span className="alert-inline">
            The token endpoint refused
            {error ? (
              <>
                {' '}
                with{' '}
                <code>
                  <SafeText text={error} />
                </code>
              </>
            ) : (
              ''
            )}
            .
          </span>
        )}
      </p>
      {token.refreshToken && !token.refreshToken.issued && (
        <p className="hint">Refresh token: {token.refreshToken.note}</p>
      )}
      {token.scopeDiff && <ScopeDiffView diff={token.scopeDiff} />}
    </div>
  );
}

function StartAgain({ primary }: { primary: boolean }) {
  const start = useApp((s) => s.startDeviceAuthorization);
  const { busy } = useOp('startDeviceAuthorization');
  return (
    <ActionButton variant={primary ? 'primary' : 'secondary'} busy={busy} onClick={start}>
      Start again
    </ActionButton>
  );
}

function FlowView({ flow }: { flow: DeviceFlowView }) {
  const cancel = useApp((s) => s.cancelDeviceAuthorization);
  const goTo = useApp((s) => s.goTo);
  const cancelling = useOp('cancelDeviceAuthorization');
  const waiting = flow.status === 'waiting';
  const done = flow.status === 'done';
  const findings = flow.findings.length ? flow.findings : (flow.token?.findings ?? []);
  const polling = (
    <>
      <h4>Polling the token endpoint</h4>
      <PollingDetails flow={flow} />
    </>
  );
  return (
    <div className="card">
      <h3>{waiting ? 'Sign in on another device' : 'Sign-in'}</h3>
      <FlowStatus flow={flow} />
      {waiting && <GuidedPause hop="token:device_code" />}
      {!waiting &&
        (flow.token ? (
          <GuidedOutcome
            hop="token:device_code"
            ok={flow.token.ok}
            status={flow.token.status}
            findings={findings}
            received={receivedTokens(flow.token)}
          />
        ) : (
          flow.polls === 0 && (
            <GuidedOutcome hop="device-authorization" ok={false} statusless findings={findings} />
          )
        ))}
      {waiting ? (
        <>
          <SignInInstructions flow={flow} />
          {polling}
          <div className="actions-row">
            <ActionButton variant="secondary" busy={cancelling.busy} onClick={cancel}>
              Cancel
            </ActionButton>
            <span className="hint">Stops polling here; the code stays valid at the server.</span>
          </div>
          <OpError op="cancelDeviceAuthorization" />
          <FindingsList findings={findings} label="Device sign-in findings" />
        </>
      ) : (
        <>
          {flow.token && <TokenSummary token={flow.token} />}
          <FindingsList findings={findings} label="Device sign-in findings" />
          <div className="actions-row">
            {done && (
              <button type="button" className="btn btn-primary" onClick={() => goTo('tokens')}>
                Open Tokens
              </button>
            )}
            <StartAgain primary={!done} />
          </div>
          <OpError op="startDeviceAuthorization" />
          {/* A request refused at the start was never polled: nothing to show. */}
          {flow.polls > 0 && polling}
        </>
      )}
      <p className="hint">
        Started {localDate(flow.startedAt)}. Every request and poll is in the timeline.
      </p>
    </div>
  );
}

function DeviceBody({ profile }: { profile: ProfileView }) {
  const flow = useDeviceFlow();
  const start = useApp((s) => s.startDeviceAuthorization);
  const goTo = useApp((s) => s.goTo);
  const starting = useOp('startDeviceAuthorization');
  const flowKind = effectiveFlow(profile);

  const items: KeyValueItem[] = [
    endpointItem(
      'Device endpoint',
      profile.deviceAuthorizationEndpoint,
      'device_authorization_endpoint',
    ),
    clientItem(profile),
    {
      label: 'Client auth',
      value:
        profile.auth.method === 'none' ? (
          'none (public client: only client_id is sent)'
        ) : (
          <code>{profile.auth.method}</code>
        ),
    },
    { label: 'Scope', value: <code className="wrap">{profile.scope || '—'}</code> },
    {
      label: 'Then',
      value:
        'The app shows a short code and the page to enter it on, then polls the token endpoint every few seconds (slower after each slow_down) until the user signs in, refuses, or the code expires.',
    },
  ];

  return (
    <>
      {flowKind !== 'device-code' && (
        <div className="notice notice-warning" role="note">
          <p>
            This profile runs the {flowKind} flow; the device sign-in is for profiles with the
            device code flow.
          </p>
          <button type="button" className="btn btn-secondary" onClick={() => goTo('profile')}>
            Change the flow in Profile
          </button>
        </div>
      )}
      {flow ? (
        <>
          <details className="disclosure device-plan">
            <summary>What will happen</summary>
            <KeyValueList items={items} label="Device sign-in plan" />
          </details>
          <FlowView flow={flow} />
        </>
      ) : (
        <>
          <div className="card">
            <h3>What will happen</h3>
            <KeyValueList items={items} label="Device sign-in plan" />
            <GuidedPause hop="device-authorization" />
            <div className="actions-row">
              <ActionButton busy={starting.busy} onClick={start}>
                Start device sign-in
              </ActionButton>
            </div>
            <OpError op="startDeviceAuthorization" />
          </div>
          <p className="empty">
            Press Start device sign-in: the server gives a short code, which you enter on another
            device; nothing opens by itself.
          </p>
        </>
      )}
    </>
  );
}

export function DeviceStep() {
  return (
    <StepSection
      id="device"
      title="Device sign-in"
      intro="The device authorization grant (RFC 8628): for devices without a browser. The user signs in somewhere else with a short code while this app polls the token endpoint."
    >
      <NeedsProfile>{(profile) => <DeviceBody key={profile.id} profile={profile} />}</NeedsProfile>
    </StepSection>
  );
}
