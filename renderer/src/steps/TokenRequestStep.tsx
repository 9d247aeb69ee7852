import { useId } from 'react';
import { GRANT_LABELS } from '../flow-ui.js';
import { defaultGrantOf } from '../../../shared/oauth/flow.js';
import { finding } from '../../../shared/diagnosis/catalog.js';
import { GRANT_TYPES } from '../../../shared/types.js';
import type { GrantType, ProfileView, SentAssertion, TokenResult } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { BreakIt, BrokenCard } from '../components/BreakIt.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { CopyButton } from '../components/CopyButton.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { SafeText } from '../components/SafeText.js';
import { SelectField, TextField } from '../components/fields.js';
import { pretty } from '../components/format.js';
import { KeyValueList, type KeyValueItem } from '../components/KeyValueList.js';
import { NeedsProfile } from '../components/NeedsProfile.js';
import { ScopeDiffView } from '../components/ScopeDiffView.js';
import { StepSection } from '../components/StepSection.js';
import { useApp, useOp } from '../store/index.js';
import type { RowList } from '../store/token-request.js';
import { overrideNames } from './AssertionStep.js';
import { GuidedOutcome, GuidedPause, receivedTokens } from '../components/Guided.js';
import { tokenHop } from '../../../shared/teaching/hops.js';

const GRANT_INSECURE = finding(
  'GRANT_INSECURE',
  'grant_type=password: the user’s password passes through this client.',
);

const ROW_TEXT: Record<RowList, { noun: string; add: string }> = {
  headers: { noun: 'Header', add: 'Add header' },
  params: { noun: 'Parameter', add: 'Add parameter' },
};

function RowsEditor({ list, caption }: { list: RowList; caption: string }) {
  const rows = useApp((s) => (list === 'headers' ? s.draftHeaders : s.draftParams));
  const setRow = useApp((s) => s.setRow);
  const addRow = useApp((s) => s.addRow);
  const removeRow = useApp((s) => s.removeRow);
  const { noun, add } = ROW_TEXT[list];
  return (
    <div className="rows-editor">
      <div className="table-wrap">
        <table className="table table-compact table-edit">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="col-name">
                Name
              </th>
              <th scope="col">Value</th>
              <th scope="col" className="col-action">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, value], i) => (
              <tr key={i}>
                <td>
                  <input
                    className="input mono"
                    aria-label={`${noun} ${i + 1} name`}
                    value={name}
                    spellCheck={false}
                    onChange={(e) => setRow(list, i, 0, e.target.value)}
                  />
                </td>
                <td>
                  <input
                    className="input mono"
                    aria-label={`${name || `${noun} ${i + 1}`} value`}
                    value={value}
                    spellCheck={false}
                    onChange={(e) => setRow(list, i, 1, e.target.value)}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-small btn-secondary"
                    aria-label={`Remove ${noun.toLowerCase()} ${name || i + 1}`}
                    onClick={() => removeRow(list, i)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" className="btn btn-small btn-secondary" onClick={() => addRow(list)}>
        {add}
      </button>
    </div>
  );
}

/** Which assertion a Send carried: fresh (new jti) or the pinned one, re-sent as it is. */
function assertionItem(sent: SentAssertion): KeyValueItem {
  const jti = String(sent.view.claims.jti ?? '(none)');
  return {
    label: 'Client assertion',
    value: (
      <span className="sent-assertion">
        <span className={`badge ${sent.pinned ? 'badge-warning' : 'badge-ok'}`}>
          {sent.pinned ? 'Pinned assertion re-sent' : 'Fresh assertion'}
        </span>{' '}
        <span className="muted">jti</span>{' '}
        <code className="wrap">
          <SafeText text={jti} />
        </code>
      </span>
    ),
    copy: jti,
  };
}

function ResultView({ result }: { result: TokenResult }) {
  const goTo = useApp((s) => s.goTo);
  const items: KeyValueItem[] = [
    {
      label: 'Status',
      value: result.status ? (
        <span className={`badge ${result.ok ? 'badge-ok' : 'badge-error'}`}>
          HTTP {result.status}
        </span>
      ) : (
        <span className="badge badge-error">no response</span>
      ),
    },
  ];
  if (result.assertion) items.push(assertionItem(result.assertion));
  if (result.tokenType)
    items.push({
      label: 'token_type',
      value: (
        <code>
          <SafeText text={result.tokenType} />
        </code>
      ),
    });
  if (result.expiresIn !== undefined) {
    items.push({ label: 'expires_in', value: <code>{result.expiresIn} s</code> });
  }
  if (result.idToken) items.push({ label: 'id_token', value: 'received (see Tokens)' });
  if (result.refreshToken) {
    items.push({
      label: 'refresh_token',
      value: result.refreshToken.masked ? (
        <>
          <code className="wrap">
            <SafeText text={result.refreshToken.masked} />
          </code>{' '}
          <span className="muted">{result.refreshToken.note}</span>
        </>
      ) : (
        <span className="muted">{result.refreshToken.note}</span>
      ),
    });
  }
  return (
    <div className="results">
      <h3>Response</h3>
      <KeyValueList items={items} label="Token response" />
      {result.ok && result.accessToken && (
        <p className="ok-text">
          Access token received.{' '}
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={() => goTo('tokens')}
          >
            Open Tokens
          </button>
        </p>
      )}
      {result.scopeDiff && (
        <>
          <h4>Scopes</h4>
          <ScopeDiffView diff={result.scopeDiff} />
        </>
      )}
      {result.body && (
        <CodeBlock
          label="Response body (tokens masked)"
          what="response body"
          text={pretty(result.body)}
        />
      )}
      {result.nonJsonPrefix !== undefined && (
        <CodeBlock
          label="Response body (not JSON)"
          what="response body"
          text={result.nonJsonPrefix}
        />
      )}
      <h3>Findings</h3>
      <FindingsList
        findings={result.findings}
        emptyText={result.ok ? 'No problems found' : 'No diagnosis for this response.'}
      />
    </div>
  );
}

function TokenRequestBody({ profile }: { profile: ProfileView }) {
  const draft = useApp((s) => s.draft);
  const tokenGrant = useApp((s) => s.tokenGrant);
  const setTokenGrant = useApp((s) => s.setTokenGrant);
  const draftUrl = useApp((s) => s.draftUrl);
  const overrides = useApp((s) => s.overrides);
  const tokenResult = useApp((s) => s.tokenResult);
  const prepare = useApp((s) => s.prepareTokenRequest);
  const send = useApp((s) => s.sendTokenRequest);
  const setDraftUrl = useApp((s) => s.setDraftUrl);
  const prep = useOp('prepareTokenRequest');
  const sending = useOp('sendTokenRequest');
  const checking = useOp('checkTokenRequest');
  const draftCheck = useApp((s) => s.draftCheck);
  const pinAssertion = useApp((s) => s.pinAssertion);
  const setPinAssertion = useApp((s) => s.setPinAssertion);
  const pinId = useId();
  const preflight = draftCheck?.preflight ?? draft?.preflight ?? [];
  const nextAssertion = draftCheck?.assertion;
  const draftOverrides = useApp((s) => s.draftOverrides);
  // A prepared request signs with the edits it was prepared with; later edits need a new Prepare.
  const editsMoved = !!draft && JSON.stringify(draftOverrides) !== JSON.stringify(overrides);
  const edited = overrideNames(draft ? draftOverrides : overrides);
  const fallback = defaultGrantOf(profile);
  const grant = tokenGrant ?? fallback;
  const insecureShown = preflight.some((f) => f.code === 'GRANT_INSECURE');
  const authFlow = useApp((s) => s.authFlow);
  const goTo = useApp((s) => s.goTo);
  // The code was exchanged in Authorize already: say so, rather than show an empty step.
  const exchanged =
    grant === 'authorization_code' &&
    !draft &&
    !tokenResult &&
    authFlow?.profileId === profile.id &&
    authFlow.status === 'done' &&
    authFlow.token?.ok
      ? authFlow.token
      : null;
  return (
    <>
      {exchanged && (
        <div className="notice notice-info" role="note">
          <p>
            Authorize already exchanged the code for tokens (HTTP {exchanged.status ?? 200}). A code
            is single-use: Prepare request would send the same code again, and the server should
            refuse it (invalid_grant). Sign in again in Authorize for a new code.
          </p>
          <div className="actions-row">
            <button type="button" className="btn btn-secondary" onClick={() => goTo('tokens')}>
              Open Tokens
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => goTo('authorize')}>
              Open Authorize
            </button>
          </div>
        </div>
      )}
      <div className="grant-row">
        <SelectField<GrantType>
          label="Grant type"
          value={grant}
          onChange={(g) => setTokenGrant(g === fallback ? null : g)}
          options={GRANT_TYPES.map((g) => ({
            value: g,
            label:
              g === fallback ? `${GRANT_LABELS[g]} — default for this profile` : GRANT_LABELS[g],
          }))}
          hint="Follows the profile’s flow unless you pick another one. Changing it drops the prepared request."
        />
      </div>
      {grant === 'password' && !insecureShown && (
        <FindingsList findings={[GRANT_INSECURE]} label="Grant warning" />
      )}
      {edited.length > 0 && (
        <p className="notice notice-info">Uses your client assertion edits: {edited.join(', ')}.</p>
      )}
      {editsMoved && (
        <p className="notice notice-warning" role="note">
          Your client assertion edits changed after this request was prepared. Each Send still signs
          with the edits it was prepared with
          {edited.length ? ` (${edited.join(', ')})` : ' (none)'}: press Prepare request to use the
          new ones.
        </p>
      )}
      <div className="actions-row">
        <ActionButton busy={prep.busy} onClick={prepare}>
          Prepare request
        </ActionButton>
      </div>
      <BreakIt profile={profile} at="token" />
      <OpError op="prepareTokenRequest" />
      {draft && (
        <div className="results">
          <h3>Request</h3>
          <div className="url-row">
            <span className="method-tag">{draft.method}</span>
            <TextField
              label="Token URL"
              value={draftUrl}
              onChange={setDraftUrl}
              type="url"
              mono
              className="grow"
            />
            <CopyButton text={draftUrl} what="token URL" />
          </div>
          <RowsEditor list="headers" caption="Request headers" />
          <p className="hint">
            Values in double braces, such as <code>{'{{client_assertion}}'}</code>,{' '}
            <code>{'{{client_secret}}'}</code>, <code>{'{{code}}'}</code> or{' '}
            <code>{'{{refresh_token}}'}</code>, are placeholders: the engine puts the real value in
            when it sends the request, so the secret never passes through this window. Leave them as
            they are unless you want to send something else.
          </p>
          <RowsEditor list="params" caption="Form parameters (application/x-www-form-urlencoded)" />
          {draft.assertion && (
            <div className="pin-row">
              <div className="check">
                <input
                  id={pinId}
                  type="checkbox"
                  checked={pinAssertion}
                  onChange={(e) => setPinAssertion(e.target.checked)}
                  aria-describedby={`${pinId}-hint`}
                />
                <label htmlFor={pinId}>Pin this assertion</label>
              </div>
              <p className="hint" id={`${pinId}-hint`}>
                {pinAssertion
                  ? 'Every Send re-sends the same assertion (same jti, iat and exp): a server refuses a jti it has seen, so use this only to test replay handling.'
                  : 'Every Send signs a fresh assertion (new jti, iat and exp) with your edits.'}
                {nextAssertion?.pinned && (
                  <>
                    {' '}
                    Next Send: jti{' '}
                    <code className="wrap">
                      <SafeText text={String(nextAssertion.view.claims.jti)} />
                    </code>
                    .
                  </>
                )}
              </p>
            </div>
          )}
          <h3>Pre-flight checks</h3>
          <p className="hint preflight-live" role="status">
            {checking.busy
              ? 'Re-checking…'
              : draftCheck
                ? 'Re-checked after your last edit.'
                : 'Checked when prepared; re-checked as you edit.'}
          </p>
          <FindingsList
            findings={preflight}
            label="Pre-flight checks"
            emptyText="No problems found"
          />
          <OpError op="checkTokenRequest" />
          <GuidedPause hop={tokenHop(grant)} />
          <div className="actions-row">
            <ActionButton busy={sending.busy} onClick={send}>
              Send request
            </ActionButton>
          </div>
          <OpError op="sendTokenRequest" />
          {(tokenResult?.broken ?? draft.broken) && (
            <BrokenCard broken={(tokenResult?.broken ?? draft.broken)!} />
          )}
          {tokenResult && (
            <GuidedOutcome
              hop={tokenHop(tokenResult.grant)}
              ok={tokenResult.ok}
              status={tokenResult.status}
              findings={tokenResult.findings}
              received={receivedTokens(tokenResult)}
            />
          )}
          {tokenResult && <ResultView result={tokenResult} />}
        </div>
      )}
    </>
  );
}

export function TokenRequestStep() {
  return (
    <StepSection
      id="token-request"
      title="Token request"
      intro="The POST to the token endpoint for the chosen grant. Review and edit it, then send it."
    >
      <NeedsProfile>{(profile) => <TokenRequestBody profile={profile} />}</NeedsProfile>
    </StepSection>
  );
}
