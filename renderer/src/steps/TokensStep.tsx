import { useId, useState } from 'react';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import type {
  EndSessionResult,
  RefreshRecord,
  ScopeDiff,
  TokenServerStatus,
  TokenSetView,
  TokenStatuses,
  TokenView,
} from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { ChecksList } from '../components/ChecksList.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { TextField } from '../components/fields.js';
import { clock, display, localDate, pretty } from '../components/format.js';
import { HttpStatus } from '../components/HttpStatus.js';
import { KeyValueList, type KeyValueItem } from '../components/KeyValueList.js';
import { ScopeDiffView } from '../components/ScopeDiffView.js';
import { SecretValue } from '../components/SecretValue.js';
import { CappedTextField } from '../components/CappedTextField.js';
import { MAX_TOKEN_PASTE, TOKEN_FIX } from '../components/size-cap.js';
import { StepSection } from '../components/StepSection.js';
import { SafeText } from '../components/SafeText.js';
import { Switch } from '../components/Switch.js';
import {
  TokenDetails,
  TokenServerStatusLine,
  TokenStatusBadge,
} from '../components/TokenDetails.js';
import { useNow } from '../components/use-now.js';
import { webUrl } from '../components/web-url.js';
import { useActiveProfile, useApp, useOp } from '../store/index.js';
import type { HeldToken, TokenOpOutcome } from '../store/tokens.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import { GuidedPause, GuidedTokenOp } from '../components/Guided.js';

const WHICH_TEXT: Record<HeldToken, string> = {
  access_token: 'access token',
  refresh_token: 'refresh token',
};

/** The server's word when re-checked, else "revoked" for a token revoked in this session. */
function StatusBadge({ status, revoked }: { status?: TokenServerStatus; revoked: boolean }) {
  if (status) return <TokenStatusBadge status={status} />;
  return revoked ? <span className="badge badge-error">revoked</span> : null;
}

/** Requested vs granted scope and what the server's answer means for it (offline_access, …). */
function ScopesOf({ diff, notes }: { diff: ScopeDiff; notes: Finding[] }) {
  return (
    <>
      <h4>Scopes</h4>
      <ScopeDiffView diff={diff} />
      <FindingsList findings={notes} label="Scope notes" />
    </>
  );
}

function CurrentToken() {
  const token = useApp((s) => s.tokenSet?.accessToken ?? s.accessToken);
  const revoked = useApp((s) => s.tokenSet?.revoked.includes('access_token') ?? false);
  const status = useApp((s) => s.tokenSet?.serverStatus?.access_token);
  const revealed = useApp((s) => s.revealedAccessToken);
  const scopeDiff = useApp((s) => s.tokenSet?.scopeDiff ?? s.tokenResult?.scopeDiff);
  const scopeNotes = useApp((s) => s.tokenSet?.scopeNotes);
  const reveal = useApp((s) => s.revealAccessToken);
  const hide = useApp((s) => s.hideAccessToken);
  const revealOp = useOp('revealAccessToken');
  if (!token) return null;
  return (
    <div className="card">
      <h3>
        Access token <StatusBadge status={status} revoked={revoked} />
      </h3>
      <TokenDetails
        token={token}
        claimsCaption="Access token claims explained"
        status={status}
        value={
          <>
            <SecretValue
              masked={token.masked}
              revealed={revealed}
              what="access token"
              busy={revealOp.busy}
              onReveal={reveal}
              onHide={hide}
            />
            <OpError op="revealAccessToken" />
          </>
        }
      >
        {scopeDiff && <ScopesOf diff={scopeDiff} notes={scopeNotes ?? []} />}
      </TokenDetails>
    </div>
  );
}

function IdTokenCard({ token }: { token: TokenView }) {
  const revealed = useApp((s) => s.revealedIdToken);
  const reveal = useApp((s) => s.revealIdToken);
  const hide = useApp((s) => s.hideToken);
  const revealOp = useOp('revealIdToken');
  const failed = token.checks?.filter((c) => !c.ok).length ?? 0;
  return (
    <div className="card">
      <h3>
        ID token{' '}
        {token.checks && (
          <span className={`badge ${failed ? 'badge-error' : 'badge-ok'}`}>
            {failed ? `${failed} check${failed > 1 ? 's' : ''} failed` : 'valid'}
          </span>
        )}
      </h3>
      <p className="hint">
        Who signed in, for which client, issued by whom (OpenID Connect). The app checks it before
        trusting it.
      </p>
      <TokenDetails
        token={token}
        claimsCaption="ID token claims explained"
        value={
          <>
            <SecretValue
              masked={token.masked}
              revealed={revealed}
              what="id token"
              busy={revealOp.busy}
              onReveal={reveal}
              onHide={() => hide('id_token')}
            />
            <OpError op="revealIdToken" />
          </>
        }
      >
        {token.checks && (
          <>
            <h4>Validation checks</h4>
            <ChecksList checks={token.checks} label="ID token checks" />
          </>
        )}
      </TokenDetails>
    </div>
  );
}

function RefreshTokenCard({ set }: { set: TokenSetView }) {
  const revealed = useApp((s) => s.revealedRefreshToken);
  const reveal = useApp((s) => s.revealRefreshToken);
  const hide = useApp((s) => s.hideToken);
  const revealOp = useOp('revealRefreshToken');
  const rt = set.refreshToken;
  const status = set.serverStatus?.refresh_token;
  return (
    <div className="card">
      <h3>
        Refresh token{' '}
        <StatusBadge status={status} revoked={set.revoked.includes('refresh_token')} />
      </h3>
      {rt ? (
        <>
          <p className="token-format">
            <span className="badge badge-info">opaque</span> {rt.length} characters; only the server
            can read it. Sent to the token endpoint to get new tokens.
          </p>
          {status && <TokenServerStatusLine status={status} />}
          <SecretValue
            masked={rt.masked}
            revealed={revealed}
            what="refresh token"
            busy={revealOp.busy}
            onReveal={reveal}
            onHide={() => hide('refresh_token')}
          />
          <OpError op="revealRefreshToken" />
        </>
      ) : (
        <p className="muted">
          No refresh token.{' '}
          {set.grant === 'client_credentials'
            ? 'client_credentials never gets one: ask for a new token instead.'
            : 'Ask for offline_access in the scope (and make sure the client may use refresh_token), then sign in again.'}
        </p>
      )}
    </div>
  );
}

function LaunchContext({ context }: { context: Record<string, unknown> }) {
  const items: KeyValueItem[] = Object.entries(context).map(([k, v]) => {
    const text = display(v);
    return {
      label: k,
      value: (
        <code className="wrap">
          <SafeText text={text} />
        </code>
      ),
      copy: text,
    };
  });
  return (
    <div className="card">
      <h3>Launch context</h3>
      <p className="hint">
        What the server put in context for this sign-in (SMART App Launch): the patient, encounter
        and signed-in user the app should show.
      </p>
      <KeyValueList items={items} label="Launch context" />
    </div>
  );
}

function RefreshHistory({ refreshes }: { refreshes: RefreshRecord[] }) {
  return (
    <div className="card">
      <h3>Refresh history</h3>
      <div className="table-wrap">
        <table className="table">
          <caption className="sr-only">Refresh history</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">How</th>
              <th scope="col">Result</th>
              <th scope="col">Rotated</th>
              <th scope="col">Refresh token (old → new)</th>
            </tr>
          </thead>
          <tbody>
            {[...refreshes].reverse().map((r) => (
              <tr key={r.exchangeId}>
                <td className="nowrap">
                  <time dateTime={r.at} title={r.at}>
                    {new Date(r.at).toLocaleTimeString()}
                  </time>
                </td>
                <td>{r.automatic ? 'automatic' : 'manual'}</td>
                <td>
                  {r.ok ? (
                    <span className="badge badge-ok">ok</span>
                  ) : (
                    <>
                      <span className="badge badge-error">failed</span>{' '}
                      {r.findings.map((f) => (
                        <code key={f.code} className="finding-code">
                          {f.code}
                        </code>
                      ))}
                    </>
                  )}
                </td>
                <td>{r.rotated ? 'yes' : 'no'}</td>
                <td>
                  <code className="wrap">{r.previousMasked ?? '—'}</code>
                  {r.newMasked && (
                    <>
                      {' → '}
                      <code className="wrap">{r.newMasked}</code>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function NextRefresh({ at }: { at: string }) {
  const now = useNow();
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return null;
  return (
    <span className="hint">
      Next automatic refresh at {new Date(ms).toLocaleTimeString()}
      {ms > now ? ` (in ${clock((ms - now) / 1000)})` : ' (due now)'}
    </span>
  );
}

function outcomeTitle(o: TokenOpOutcome): string {
  switch (o.action) {
    case 'refresh':
      return 'Refresh';
    case 'introspect':
      return `Introspection of the ${WHICH_TEXT[o.which]}`;
    case 'revoke':
      return `Revocation of the ${WHICH_TEXT[o.which]}`;
    case 'userinfo':
      return 'Userinfo';
    default:
      return 'Log out';
  }
}

/**
 * The address the page opens for a logout: the one-time handoff on this app's own address (it
 * carries id_token_hint to the browser), or the logout URL itself; only ever http(s).
 */
function logoutPage(r: EndSessionResult): string | undefined {
  if (r.handoff && /^\/handoff\/[\w-]+$/.test(r.handoff)) {
    return new URL(r.handoff, window.location.href).href;
  }
  return webUrl(r.url);
}

function OutcomeDetails({ outcome }: { outcome: TokenOpOutcome }) {
  if (outcome.action === 'logout') {
    const r = outcome.result;
    const page = webUrl(r.url);
    return (
      <>
        <p>
          {r.opened ? (
            'The logout page was opened in your system browser.'
          ) : r.idTokenHint === 'handoff' ? (
            'The logout page was opened in a new tab, with id_token_hint, through this app’s own address (once: press Log out again for another try).'
          ) : page ? (
            <>
              The logout page was opened in a new tab.{' '}
              <a href={page} target="_blank" rel="noopener noreferrer">
                Open the logout page
              </a>
            </>
          ) : (
            <span className="warn-text">
              The logout address is not an http(s) address, so it was not opened.
            </span>
          )}
        </p>
        {r.cleared && <p className="ok-text">The tokens were forgotten in this app.</p>}
        {r.idTokenHint === 'sent' && (
          <p className="hint">
            Sent with id_token_hint (the held id_token, shown as {'{{id_token}}'}) so the server
            knows which session to end.
          </p>
        )}
        {r.note && <p className="hint">{r.note}</p>}
        {r.postLogoutRedirectUri && (
          <p className="hint">
            The server sends the browser back to{' '}
            <code className="wrap">
              <SafeText text={r.postLogoutRedirectUri} />
            </code>{' '}
            with the state sent, if that address is registered for the client.
          </p>
        )}
        <CodeBlock label="Logout URL" what="logout URL" text={r.url} />
      </>
    );
  }
  const status = <HttpStatus status={outcome.result.status} ok={outcome.result.ok} />;
  switch (outcome.action) {
    case 'refresh': {
      const rt = outcome.result.refreshToken;
      return (
        <>
          <p>
            {status}{' '}
            {outcome.result.ok ? (
              <span className="ok-text">New access token received.</span>
            ) : (
              <span className="alert-inline">The refresh was refused.</span>
            )}
          </p>
          {rt && (
            <p>
              {rt.rotated && <span className="badge badge-info">rotated</span>} {rt.note}
            </p>
          )}
        </>
      );
    }
    case 'introspect': {
      const active = outcome.result.active;
      return (
        <p>
          {status}{' '}
          {active !== undefined && (
            <span className={`badge ${active ? 'badge-ok' : 'badge-error'}`}>
              {active ? 'active' : 'not active'}
            </span>
          )}
        </p>
      );
    }
    case 'revoke':
      return (
        <>
          <p>
            {status}{' '}
            {!outcome.result.ok
              ? 'The server refused the revocation.'
              : outcome.result.rechecked
                ? 'The server accepted the revocation. RFC 7009 answers 200 even for unknown tokens, so the held tokens were re-checked:'
                : 'The server accepted the revocation. RFC 7009 answers 200 even for unknown tokens: introspect to confirm.'}
          </p>
          {outcome.result.rechecked && <Rechecked statuses={outcome.result.rechecked} />}
        </>
      );
    case 'userinfo':
      return (
        <>
          <p>{status}</p>
          {outcome.result.rechecked && (
            <>
              <p>The access token was refused, so the held tokens were re-checked:</p>
              <Rechecked statuses={outcome.result.rechecked} />
            </>
          )}
        </>
      );
    default:
      return <p>{status}</p>;
  }
}

/** The held tokens' statuses as re-checked after a revoke or a refused use. */
function Rechecked({ statuses }: { statuses: TokenStatuses }) {
  const kinds = (['access_token', 'refresh_token'] as const).filter((k) => statuses[k]);
  return (
    <ul className="token-rechecked" aria-label="Re-checked tokens">
      {kinds.map((k) => (
        <li key={k}>
          <strong>{WHICH_TEXT[k]}</strong>
          <TokenServerStatusLine status={statuses[k]!} />
        </li>
      ))}
    </ul>
  );
}

function OutcomeView({ outcome }: { outcome: TokenOpOutcome }) {
  const body = outcome.action === 'logout' ? undefined : outcome.result.body;
  const findings = outcome.action === 'logout' ? [] : outcome.result.findings;
  return (
    <div className="op-result" aria-live="polite">
      <h4>Result: {outcomeTitle(outcome)}</h4>
      <OutcomeDetails outcome={outcome} />
      <FindingsList findings={findings} label="Result findings" />
      {body && <CodeBlock label="Answer (tokens masked)" what="answer" text={pretty(body)} />}
    </div>
  );
}

function TokenActions({ set }: { set: TokenSetView }) {
  const refresh = useApp((s) => s.refreshTokens);
  const setAuto = useApp((s) => s.setAutoRefresh);
  const introspect = useApp((s) => s.introspectToken);
  const revoke = useApp((s) => s.revokeToken);
  const userinfo = useApp((s) => s.callUserinfo);
  const endSession = useApp((s) => s.endSession);
  const outcome = useApp((s) => s.tokenOp);
  const postLogout = useApp((s) => s.postLogoutRedirectUri);
  const setPostLogout = useApp((s) => s.setPostLogoutRedirectUri);
  const profiles = useApp((s) => s.profiles);
  const active = useActiveProfile();
  const refreshing = useOp('refreshTokens');
  const auto = useOp('setAutoRefresh');
  const inA = useOp('introspectAccess');
  const inR = useOp('introspectRefresh');
  const rvA = useOp('revokeAccess');
  const rvR = useOp('revokeRefresh');
  const ui = useOp('callUserinfo');
  const out = useOp('endSession');
  const hasRefresh = !!set.refreshToken;
  // client_credentials signs no one in: there is no user to ask userinfo about or to log out.
  const hasUser = set.grant !== 'client_credentials';
  const groupId = useId();
  const owner = profiles.find((p) => p.id === set.profileId);

  async function onLogout() {
    const r = await endSession();
    // The host did not open the browser (web host): open the logout page in a new tab.
    // Only an http(s) address: end_session_endpoint comes from the server (discovery).
    const page = r && !r.opened ? logoutPage(r) : undefined;
    if (page) window.open(page, '_blank', 'noopener');
  }

  const items: KeyValueItem[] = [
    { label: 'Obtained with', value: <code>{set.grant}</code> },
    {
      label: 'Received',
      value: (
        <time dateTime={set.receivedAt} title={set.receivedAt}>
          {localDate(set.receivedAt)}
        </time>
      ),
    },
  ];
  if (set.scope !== undefined) {
    items.push({ label: 'Scope granted', value: <code className="wrap">{set.scope || '—'}</code> });
  }

  return (
    <div className="card">
      <h3>Tokens held for this session</h3>
      {owner && active && owner.id !== active.id && (
        <p className="notice notice-info">
          These tokens came from the profile “{owner.name}”; the actions below use its endpoints.
        </p>
      )}
      <KeyValueList items={items} label="Token session" />
      <GuidedPause
        hop={['token:refresh_token', 'introspection', 'userinfo', 'revocation', 'end-session']}
      />
      <div className="token-actions">
        <div className="action-group" role="group" aria-labelledby={`${groupId}-renew`}>
          <span className="action-group-label" id={`${groupId}-renew`}>
            Renew
          </span>
          <div className="action-group-buttons">
            <ActionButton
              busy={refreshing.busy}
              disabled={!hasRefresh}
              onClick={refresh}
              variant="secondary"
            >
              Refresh now
            </ActionButton>
            <Switch
              label="Auto-refresh"
              checked={set.autoRefresh.enabled}
              busy={auto.busy}
              disabled={!hasRefresh}
              onChange={setAuto}
            >
              {set.autoRefresh.enabled && set.autoRefresh.nextAt ? (
                <NextRefresh at={set.autoRefresh.nextAt} />
              ) : (
                <span className="hint">
                  {hasRefresh
                    ? 'Off: refreshes only when you press Refresh now.'
                    : 'Needs a refresh token.'}
                </span>
              )}
            </Switch>
          </div>
        </div>
        <div className="action-group" role="group" aria-labelledby={`${groupId}-ask`}>
          <span className="action-group-label" id={`${groupId}-ask`}>
            Ask the server
          </span>
          <div className="action-group-buttons">
            <ActionButton
              variant="secondary"
              busy={inA.busy}
              onClick={() => introspect('access_token')}
            >
              Introspect access token
            </ActionButton>
            <ActionButton
              variant="secondary"
              busy={inR.busy}
              disabled={!hasRefresh}
              onClick={() => introspect('refresh_token')}
            >
              Introspect refresh token
            </ActionButton>
            <ActionButton variant="secondary" busy={ui.busy} disabled={!hasUser} onClick={userinfo}>
              Call userinfo
            </ActionButton>
          </div>
        </div>
        <div className="action-group" role="group" aria-labelledby={`${groupId}-end`}>
          <span className="action-group-label" id={`${groupId}-end`}>
            End
          </span>
          <div className="action-group-buttons">
            <ActionButton variant="danger" busy={rvA.busy} onClick={() => revoke('access_token')}>
              Revoke access token
            </ActionButton>
            <ActionButton
              variant="danger"
              busy={rvR.busy}
              disabled={!hasRefresh}
              onClick={() => revoke('refresh_token')}
            >
              Revoke refresh token
            </ActionButton>
            <ActionButton variant="danger" busy={out.busy} disabled={!hasUser} onClick={onLogout}>
              Log out
            </ActionButton>
          </div>
        </div>
      </div>
      {!hasRefresh && (
        <p className="hint">
          Refresh, auto-refresh and the refresh token actions need a refresh token (see below).
        </p>
      )}
      {!hasUser && (
        <p className="hint">
          Userinfo and Log out need a signed-in user: client_credentials tokens stand for the client
          itself, so there is no user to ask about or to log out.
        </p>
      )}
      {hasUser && (
        <TextField
          label="Post-logout redirect URI"
          value={postLogout}
          onChange={setPostLogout}
          type="url"
          mono
          placeholder={owner?.postLogoutRedirectUri ?? 'https://app.example.com/logged-out'}
          hint={
            owner?.postLogoutRedirectUri
              ? 'Empty: the profile’s (greyed in the box), sent with Log out with a fresh state. Another one here is for this logout only; it must be registered for the client as a post_logout_redirect_uri, or the server refuses the logout.'
              : 'Optional, sent with Log out (with a fresh state): where the server sends the browser afterwards. Set it in the profile to keep it. It must be registered for the client as a post_logout_redirect_uri, or the server refuses the logout.'
          }
        />
      )}
      <OpError op="refreshTokens" />
      <OpError op="setAutoRefresh" />
      <OpError op="introspectAccess" />
      <OpError op="introspectRefresh" />
      <OpError op="callUserinfo" />
      <OpError op="revokeAccess" />
      <OpError op="revokeRefresh" />
      <OpError op="endSession" />
      {outcome && <GuidedTokenOp outcome={outcome} />}
      {outcome && <OutcomeView outcome={outcome} />}
    </div>
  );
}

function HeldTokens() {
  const tokenSet = useApp((s) => s.tokenSet);
  const hasAccess = useApp((s) => s.accessToken !== null);
  const outcome = useApp((s) => s.tokenOp);
  const profile = useActiveProfile();
  const goTo = useApp((s) => s.goTo);

  if (!tokenSet && !hasAccess) {
    const signIn = !!profile && effectiveFlow(profile) === 'authorization-code';
    const device = !!profile && effectiveFlow(profile) === 'device-code';
    return (
      <>
        <div className="empty">
          <p>
            No access token yet —{' '}
            {signIn
              ? 'sign in at Authorize, or send a token request, to get one.'
              : device
                ? 'sign in at Device sign-in to get one.'
                : 'send a token request to get one.'}
          </p>
          <div className="actions-row">
            {signIn && (
              <button type="button" className="btn btn-secondary" onClick={() => goTo('authorize')}>
                Go to Authorize
              </button>
            )}
            {device && (
              <button type="button" className="btn btn-secondary" onClick={() => goTo('device')}>
                Go to Device sign-in
              </button>
            )}
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => goTo('token-request')}
            >
              Go to Token request
            </button>
          </div>
        </div>
        {outcome?.action === 'logout' && (
          <div className="card">
            <OutcomeView outcome={outcome} />
          </div>
        )}
      </>
    );
  }
  return (
    <>
      {tokenSet && <TokenActions set={tokenSet} />}
      <CurrentToken />
      {tokenSet?.idToken && <IdTokenCard token={tokenSet.idToken} />}
      {tokenSet && <RefreshTokenCard set={tokenSet} />}
      {tokenSet?.launchContext && <LaunchContext context={tokenSet.launchContext} />}
      {tokenSet && tokenSet.refreshes.length > 0 && (
        <RefreshHistory refreshes={tokenSet.refreshes} />
      )}
    </>
  );
}

function DecodePasted() {
  const decodeToken = useApp((s) => s.decodeToken);
  const decoded = useApp((s) => s.decodedToken);
  const { busy } = useOp('decodeToken');
  const [token, setToken] = useState('');
  const [jwksUrl, setJwksUrl] = useState('');
  return (
    <div className="card">
      <h3>Decode a pasted token</h3>
      {/* Over the cap: refused at once (before the box holds it), and nothing goes to the engine. */}
      <CappedTextField
        label="Token to decode"
        value={token}
        onChange={setToken}
        cap={MAX_TOKEN_PASTE}
        what="a token to decode"
        fix={TOKEN_FIX}
        multiline
        rows={4}
        mono
        placeholder="eyJhbGciOi…"
        hint="An access token or id_token from anywhere. It is decoded by the engine, not sent to any server."
      />
      <TextField
        label="JWKS URL"
        value={jwksUrl}
        onChange={setJwksUrl}
        type="url"
        mono
        placeholder="https://auth.example.com/.well-known/jwks.json"
        hint="Optional: fetched to verify the signature."
      />
      <div className="actions-row">
        <ActionButton
          busy={busy}
          disabled={!token.trim()}
          onClick={() => decodeToken({ token: token.trim(), jwksUrl })}
        >
          Decode
        </ActionButton>
      </div>
      <OpError op="decodeToken" />
      {decoded && (
        <div className="results">
          <h4>Decoded token</h4>
          <TokenDetails
            token={decoded}
            value={
              <code className="value wrap masked">
                <SafeText text={decoded.masked} />
              </code>
            }
          />
        </div>
      )}
    </div>
  );
}

export function TokensStep() {
  return (
    <StepSection
      id="tokens"
      title="Tokens"
      intro="What the server gave you — format, claims, signature, expiry, scopes — and what you can do with it: refresh, introspect, revoke, userinfo, log out."
    >
      <HeldTokens />
      <DecodePasted />
    </StepSection>
  );
}
