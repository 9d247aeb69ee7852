import { useId, useState, type ReactNode } from 'react';
import type {
  AuthorizationFlowView,
  AuthorizationStatus,
  PkceMode,
  ProfileView,
} from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { BreakIt, BrokenCard } from '../components/BreakIt.js';
import { ChecksList } from '../components/ChecksList.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { TextField } from '../components/fields.js';
import { clock } from '../components/format.js';
import { HeadersTable } from '../components/HeadersTable.js';
import { HttpStatus } from '../components/HttpStatus.js';
import { clientItem, endpointItem } from '../components/plan-items.js';
import { KeyValueList, type KeyValueItem } from '../components/KeyValueList.js';
import { NeedsProfile } from '../components/NeedsProfile.js';
import { ScopeDiffView } from '../components/ScopeDiffView.js';
import { StepSection } from '../components/StepSection.js';
import { useNow } from '../components/use-now.js';
import { useApp, useAuthFlow, useOp } from '../store/index.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import { isLoopbackRedirect } from '../../../shared/oauth/redirect-uri.js';
import { GuidedOutcome, GuidedPause } from '../components/Guided.js';

/** How the redirect will come back for this profile, in words. */
export function redirectPlan(redirectUri: string | undefined): {
  mode: 'loopback' | 'paste';
  text: ReactNode;
} {
  if (!redirectUri) {
    return {
      mode: 'loopback',
      text: (
        <>
          A one-time listener on <code>http://127.0.0.1:&lt;random port&gt;/callback</code> (RFC
          8252): it accepts one redirect, checks it, then closes.
        </>
      ),
    };
  }
  if (isLoopbackRedirect(redirectUri)) {
    return {
      mode: 'loopback',
      text: (
        <>
          A one-time listener on <code className="wrap">{redirectUri}</code>
          {new URL(redirectUri).port ? '' : ' (random port)'}: it accepts one redirect, then closes.
        </>
      ),
    };
  }
  return {
    mode: 'paste',
    text: (
      <>
        The server sends the browser to <code className="wrap">{redirectUri}</code>, which this app
        cannot listen on: after signing in, you paste the address the browser ends on.
      </>
    ),
  };
}

const PKCE_TEXT: Record<PkceMode, ReactNode> = {
  S256: 'S256: a fresh code_verifier per sign-in; only its SHA-256 hash goes to the browser.',
  plain: (
    <span className="warn-text">
      plain: the verifier itself goes through the browser. SMART forbids plain; use it only to test
      a server.
    </span>
  ),
  off: (
    <span className="warn-text">
      off: no PKCE at all. Servers that require PKCE (SMART, OAuth 2.1) refuse the request.
    </span>
  ),
};

const STATUS_TEXT: Record<AuthorizationStatus, { badge: string; tone: string; text: string }> = {
  waiting: {
    badge: 'waiting',
    tone: 'badge-info',
    text: 'Waiting for the browser to come back',
  },
  received: {
    badge: 'received',
    tone: 'badge-ok',
    text: 'Redirect received and checked',
  },
  exchanging: {
    badge: 'exchanging',
    tone: 'badge-info',
    text: 'Exchanging the code for tokens',
  },
  done: { badge: 'done', tone: 'badge-ok', text: 'Signed in: tokens received' },
  failed: { badge: 'failed', tone: 'badge-error', text: 'The sign-in failed: see the findings' },
  'timed-out': {
    badge: 'timed out',
    tone: 'badge-error',
    text: 'The browser did not come back in time; the listener is closed',
  },
  cancelled: { badge: 'cancelled', tone: 'badge-warning', text: 'Cancelled' },
};

function TimeLeft({ expiresAt }: { expiresAt: string }) {
  const now = useNow();
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return null;
  return <span className="countdown-text">{clock((at - now) / 1000)} left</span>;
}

function FlowStatus({ flow }: { flow: AuthorizationFlowView }) {
  const s = STATUS_TEXT[flow.status];
  const busy = flow.status === 'waiting' || flow.status === 'exchanging';
  return (
    <div className="flow-status" role="status" aria-live="polite" aria-label="Sign-in status">
      <span className={`badge ${s.tone}`}>{s.badge}</span>
      {busy && <span className="spinner" aria-hidden="true" />}
      <span className="flow-status-text">{s.text}</span>
      {flow.status === 'waiting' && <TimeLeft expiresAt={flow.expiresAt} />}
    </div>
  );
}

function listenerText(flow: AuthorizationFlowView): string {
  if (flow.mode === 'paste' || !flow.listener) return 'None: paste the redirect URL below.';
  return flow.listener.open
    ? `127.0.0.1:${flow.listener.port} — open, waiting for one request`
    : `127.0.0.1:${flow.listener.port} — closed`;
}

function PasteRedirect({ flow }: { flow: AuthorizationFlowView }) {
  const complete = useApp((s) => s.completeAuthorization);
  const { busy } = useOp('completeAuthorization');
  const [url, setUrl] = useState('');
  const paste = flow.mode === 'paste';
  return (
    <div className={`card ${paste ? 'card-emphasis' : ''}`}>
      <h3>Paste the redirect URL</h3>
      {paste ? (
        <p className="notice notice-warning">
          Required for this redirect URI: after you sign in, the browser lands on{' '}
          <code className="wrap">{flow.redirectUri}</code> (it may show an error page — that is
          fine). Copy the whole address from the address bar and paste it here.
        </p>
      ) : (
        <p className="hint">
          If the browser did not come back to this app (a server that only accepts a registered
          https redirect, a blocked port), copy the address the browser ended on and paste it here.
        </p>
      )}
      <TextField
        label="Redirect URL"
        value={url}
        onChange={setUrl}
        multiline
        rows={3}
        mono
        placeholder={`${flow.redirectUri}?code=…&state=…`}
      />
      <div className="actions-row">
        <ActionButton
          busy={busy}
          disabled={!url.trim()}
          onClick={async () => {
            if (await complete(url)) setUrl('');
          }}
        >
          Complete sign-in
        </ActionButton>
      </div>
      <OpError op="completeAuthorization" />
    </div>
  );
}

function TokensSummary({ flow }: { flow: AuthorizationFlowView }) {
  const goTo = useApp((s) => s.goTo);
  const setTokenGrant = useApp((s) => s.setTokenGrant);
  const token = flow.token;
  if (flow.status === 'received' && !flow.autoExchange) {
    return (
      <div className="notice notice-info">
        <p>
          The code is held by the engine and not redeemed yet. Redeem it in Token request, where you
          can see and edit the request first.
        </p>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => {
            setTokenGrant('authorization_code');
            goTo('token-request');
          }}
        >
          Go to Token request
        </button>
      </div>
    );
  }
  if (!token) return null;
  const received = [
    token.accessToken && 'access token',
    token.idToken && 'id token',
    token.refreshToken?.issued && 'refresh token',
  ].filter(Boolean);
  return (
    <div className="results">
      <h4>Code exchange</h4>
      <p>
        <HttpStatus status={token.status} ok={token.ok} />{' '}
        {token.ok ? (
          <span className="ok-text">Received: {received.join(', ') || 'no tokens'}.</span>
        ) : (
          <span className="alert-inline">The token endpoint refused the code.</span>
        )}
      </p>
      {token.refreshToken && !token.refreshToken.issued && (
        <p className="hint">Refresh token: {token.refreshToken.note}</p>
      )}
      {token.scopeDiff && <ScopeDiffView diff={token.scopeDiff} />}
      {token.ok && (
        <div className="actions-row">
          <button type="button" className="btn btn-primary" onClick={() => goTo('tokens')}>
            Open Tokens
          </button>
        </div>
      )}
    </div>
  );
}

function FlowView({ flow }: { flow: AuthorizationFlowView }) {
  const cancel = useApp((s) => s.cancelAuthorization);
  const cancelling = useOp('cancelAuthorization');
  const waiting = flow.status === 'waiting';
  const items: KeyValueItem[] = [
    { label: 'Listener', value: listenerText(flow) },
    {
      label: 'Redirect URI',
      value: <code className="wrap">{flow.redirectUri}</code>,
      copy: flow.redirectUri,
    },
    { label: 'PKCE', value: flow.pkce.method },
    {
      label: 'Browser',
      value: flow.opened
        ? 'Opened in your system browser by the app.'
        : 'Opened in a new tab of this browser.',
    },
  ];
  return (
    <>
      <div className="card">
        <h3>Sign-in</h3>
        <FlowStatus flow={flow} />
        {flow.broken && <BrokenCard broken={flow.broken} />}
        {waiting && (
          <p className="open-link">
            Nothing opened, or closed it by mistake?{' '}
            <a href={flow.url} target="_blank" rel="noopener noreferrer">
              Open the sign-in page
            </a>
          </p>
        )}
        {flow.preflight.length > 0 && (
          <FindingsList findings={flow.preflight} label="Pre-flight checks" />
        )}
        <KeyValueList items={items} label="Sign-in details" />
        {waiting && (
          <div className="actions-row">
            <ActionButton variant="secondary" busy={cancelling.busy} onClick={cancel}>
              Cancel sign-in
            </ActionButton>
          </div>
        )}
        <OpError op="cancelAuthorization" />
        {flow.checks.length > 0 && (
          <>
            <h4>Checks on the redirect</h4>
            <ChecksList checks={flow.checks} label="Redirect checks" />
          </>
        )}
        {flow.callback ? (
          <GuidedOutcome
            hop="callback"
            ok={flow.checks.length > 0 && flow.checks.every((c) => c.ok)}
            statusless
            findings={flow.findings}
          />
        ) : (
          flow.status === 'failed' && (
            <GuidedOutcome hop="authorize" ok={false} statusless findings={flow.findings} />
          )
        )}
        <FindingsList findings={flow.findings} label="Sign-in findings" />
        <TokensSummary flow={flow} />
      </div>
      {waiting && <PasteRedirect key={flow.id} flow={flow} />}
      <div className="card">
        <h3>Authorize request</h3>
        <CodeBlock label="Authorize URL" what="authorize URL" text={flow.url} />
        <HeadersTable headers={flow.params} caption="Authorize parameters" />
        {flow.callback && (
          <HeadersTable
            headers={flow.callback.params}
            caption={`Redirect parameters (via ${flow.callback.via}; code masked)`}
          />
        )}
      </div>
    </>
  );
}

function AuthorizeBody({ profile }: { profile: ProfileView }) {
  const flow = useAuthFlow();
  const start = useApp((s) => s.startAuthorization);
  const goTo = useApp((s) => s.goTo);
  const starting = useOp('startAuthorization');
  const [autoExchange, setAutoExchange] = useState(true);
  // Guided mode: the code exchange is a hop of its own (Token request), never done behind the user.
  const guided = useApp((s) => s.guided);
  const autoId = useId();
  const plan = redirectPlan(profile.redirectUri);
  const waiting = flow?.status === 'waiting';

  async function onAuthorize() {
    const started = await start({ autoExchange: autoExchange && !guided });
    // The host could not open the system browser (web host): open the page in a new tab. The
    // "Open the sign-in page" link stays visible in case a popup blocker stops this one.
    if (started && !started.opened) window.open(started.url, '_blank', 'noopener');
  }

  const items: KeyValueItem[] = [
    endpointItem('Authorize endpoint', profile.authorizationEndpoint, 'authorization_endpoint'),
    clientItem(profile),
    { label: 'Redirect', value: plan.text },
    { label: 'PKCE', value: PKCE_TEXT[profile.pkce ?? 'S256'] },
    {
      label: 'state and nonce',
      value:
        'Generated fresh for every sign-in: state (256 bits) must come back unchanged; nonce is sent when the scope has openid and checked in the id_token.',
    },
    { label: 'Scope', value: <code className="wrap">{profile.scope || '—'}</code> },
  ];

  return (
    <>
      {profile.flow !== 'authorization-code' && (
        <div className="notice notice-warning" role="note">
          <p>
            This profile runs the {effectiveFlow(profile)} flow; signing in through the browser is
            for the authorization code flow.
          </p>
          <button type="button" className="btn btn-secondary" onClick={() => goTo('profile')}>
            Change the flow in Profile
          </button>
        </div>
      )}
      <div className="card">
        {flow ? (
          <details className="disclosure">
            <summary>What will happen</summary>
            <KeyValueList items={items} label="Authorization plan" />
          </details>
        ) : (
          <>
            <h3>What will happen</h3>
            <KeyValueList items={items} label="Authorization plan" />
          </>
        )}
        <div className="check">
          <input
            id={autoId}
            type="checkbox"
            checked={autoExchange && !guided}
            disabled={guided}
            onChange={(e) => setAutoExchange(e.target.checked)}
          />
          <label htmlFor={autoId}>Exchange the code for tokens as soon as it arrives</label>
        </div>
        {guided && (
          <p className="hint">Guided mode: you redeem the code yourself, in Token request.</p>
        )}
        <GuidedPause hop="authorize" />
        <div className="actions-row">
          <ActionButton busy={starting.busy} disabled={waiting} onClick={onAuthorize}>
            Authorize in browser
          </ActionButton>
          {waiting && <span className="hint">A sign-in is in progress: finish or cancel it.</span>}
        </div>
        <BreakIt profile={profile} at="authorize" autoExchange={autoExchange && !guided} />
        <OpError op="startAuthorization" />
      </div>
      {flow ? (
        <FlowView flow={flow} />
      ) : (
        <p className="empty">
          Press Authorize in browser: the sign-in page opens in your browser, and this step follows
          the redirect back, checks it and exchanges the code.
        </p>
      )}
    </>
  );
}

export function AuthorizeStep() {
  return (
    <StepSection
      id="authorize"
      title="Authorize"
      intro="The authorization code flow with PKCE: you sign in at the server in your own browser, and the redirect comes back to this app."
    >
      <NeedsProfile>
        {(profile) => <AuthorizeBody key={profile.id} profile={profile} />}
      </NeedsProfile>
    </StepSection>
  );
}
