import { GRANT_SCOPE_LABELS } from '../flow-ui.js';
import { FLOW_GRANT } from '../../../shared/oauth/flow.js';
import { useMemo, useState } from 'react';
import {
  checkScopes,
  convertScopes,
  diffScopes,
  parseScopes,
  type ScopeToken,
} from '../../../shared/scopes.js';
import type { GrantType, ProfileView } from '../../../shared/types.js';
import { GRANT_TYPES } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { SafeText } from '../components/SafeText.js';
import { SelectField, TextField } from '../components/fields.js';
import { KeyValueList } from '../components/KeyValueList.js';
import { ScopeDiffView } from '../components/ScopeDiffView.js';
import { StepSection } from '../components/StepSection.js';
import { useActiveProfile, useApp, useAuthFlow, useOp } from '../store/index.js';
import { toProfileInput } from '../store/profile-input.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';

function kindText(t: ScopeToken): string {
  if (t.kind === 'resource') return t.operation ? `${t.context} operation` : `${t.context} data`;
  return t.kind;
}

function TokensTable({ tokens }: { tokens: ScopeToken[] }) {
  return (
    <div className="table-wrap">
      <table className="table scopes-table">
        <caption>What each scope asks for</caption>
        <thead>
          <tr>
            <th scope="col">Scope</th>
            <th scope="col">Kind</th>
            <th scope="col">Version</th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t, i) => (
            <tr key={`${t.raw}-${i}`}>
              <th scope="row">
                <code className="wrap">{t.raw}</code>
              </th>
              <td className="nowrap">{kindText(t)}</td>
              <td className="nowrap">{t.version ? `v${t.version}` : '—'}</td>
              <td>
                {t.explanation}
                {t.problems.length > 0 && (
                  <>
                    {' '}
                    <span
                      className={`badge badge-${t.problems.some((p) => p.severity === 'error') ? 'error' : 'warning'}`}
                    >
                      {t.problems.length === 1 ? 'problem' : `${t.problems.length} problems`}
                    </span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The server side of the check: scopes_supported and capabilities from the last discovery. */
function ServerScopes() {
  const discovery = useApp((s) => s.discovery);
  const goTo = useApp((s) => s.goTo);
  if (!discovery)
    return (
      <div className="empty">
        <p>Run Discovery to check against the server (scopes_supported and capabilities).</p>
        <button type="button" className="btn btn-secondary" onClick={() => goTo('discovery')}>
          Go to Discovery
        </button>
      </div>
    );
  const list = (v: string[] | undefined) => v?.join(' ') ?? '';
  return (
    <KeyValueList
      label="Server scope support"
      items={[
        {
          label: 'Scopes supported',
          value: discovery.scopesSupported ? (
            <code className="wrap">
              <SafeText text={list(discovery.scopesSupported)} />
            </code>
          ) : (
            <span className="muted">not advertised</span>
          ),
          ...(discovery.scopesSupported ? { copy: list(discovery.scopesSupported) } : {}),
        },
        {
          label: 'Capabilities',
          value: discovery.capabilities ? (
            <code className="wrap">
              <SafeText text={list(discovery.capabilities)} />
            </code>
          ) : (
            <span className="muted">not advertised</span>
          ),
        },
      ]}
    />
  );
}

/** Requested vs granted from the newest token response in the store. */
function GrantedDiff() {
  const fromRequest = useApp((s) => s.tokenResult);
  const fromAuth = useAuthFlow()?.token;
  const latest =
    fromRequest?.scopeDiff && fromAuth?.scopeDiff
      ? fromRequest.receivedAt >= fromAuth.receivedAt
        ? fromRequest
        : fromAuth
      : fromRequest?.scopeDiff
        ? fromRequest
        : fromAuth;
  const sd = latest?.scopeDiff;
  const diff = useMemo(
    () => (sd ? diffScopes(sd.requested.join(' '), sd.granted.join(' ')) : null),
    [sd],
  );
  if (!diff)
    return (
      <p className="muted">
        No token response yet: get a token (Token request, or Authorize) to compare what was
        requested with what was granted.
      </p>
    );
  return (
    <>
      <ul className="scope-summary" aria-label="Requested vs granted summary">
        {diff.summary.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <ScopeDiffView
        diff={{
          requested: diff.requested,
          granted: diff.granted,
          missing: [...diff.missing, ...diff.narrowed.map((n) => n.requested)],
          extra: diff.extra,
        }}
      />
    </>
  );
}

function Conversion({
  text,
  to,
  profile,
  onUsed,
}: {
  text: string;
  to: 1 | 2;
  profile: ProfileView | null;
  onUsed: (scope: string) => void;
}) {
  const conversion = useMemo(() => convertScopes(text, to), [text, to]);
  const saveProfile = useApp((s) => s.saveProfile);
  const { busy } = useOp('saveProfile');
  const [saved, setSaved] = useState<string | null>(null);
  const notes = conversion.items.filter((i) => i.note);
  const changed = conversion.items.some((i) => i.change !== 'unchanged');

  async function useInProfile() {
    if (!profile) return;
    const view = await saveProfile({ ...toProfileInput(profile), scope: conversion.text });
    if (view) {
      setSaved(conversion.text);
      onUsed(conversion.text);
    }
  }

  return (
    <div className="card">
      <h3>Converted to SMART v{to}</h3>
      {!changed && <p className="muted">Nothing to convert: no scope changes.</p>}
      <CodeBlock text={conversion.text} what="converted scope" label={`Scope in v${to} form`} />
      {notes.length > 0 && (
        <ul className="scope-notes" aria-label="Conversion notes">
          {notes.map((n, i) => (
            <li key={`${n.from}-${i}`}>
              <code>{n.from}</code> → <code>{n.to}</code>: {n.note}
            </li>
          ))}
        </ul>
      )}
      <div className="actions-row">
        {profile ? (
          <ActionButton busy={busy} onClick={useInProfile} disabled={!conversion.text}>
            Use in profile
          </ActionButton>
        ) : (
          <p className="hint">Select a profile to save this scope to it.</p>
        )}
        {saved !== null && profile?.scope === saved && (
          <span role="status" className="ok-text">
            Saved to profile “{profile.name}”.
          </span>
        )}
      </div>
      <OpError op="saveProfile" />
    </div>
  );
}

function Workbench({ profile }: { profile: ProfileView | null }) {
  const discovery = useApp((s) => s.discovery);
  const [text, setText] = useState(profile?.scope ?? '');
  const [grant, setGrant] = useState<GrantType>(
    FLOW_GRANT[profile ? effectiveFlow(profile) : 'backend-services'],
  );
  const [convertTo, setConvertTo] = useState<1 | 2 | null>(null);

  const capabilities = discovery?.capabilities;
  const scopesSupported = discovery?.scopesSupported;
  const tokens = useMemo(
    () => parseScopes(text, capabilities ? { capabilities } : {}),
    [text, capabilities],
  );
  const findings = useMemo(
    () =>
      checkScopes({
        scope: text,
        grant,
        ...(scopesSupported ? { scopesSupported } : {}),
        ...(capabilities ? { capabilities } : {}),
      }),
    [text, grant, scopesSupported, capabilities],
  );

  return (
    <>
      <div className="grid-2">
        <TextField
          label="Scope"
          value={text}
          onChange={setText}
          multiline
          rows={3}
          mono
          hint={
            profile
              ? `Space-separated, as sent in the scope parameter. Prefilled from profile “${profile.name}”.`
              : 'Space-separated, as sent in the scope parameter.'
          }
        />
        <SelectField
          label="Grant"
          value={grant}
          onChange={setGrant}
          options={GRANT_TYPES.map((g) => ({ value: g, label: GRANT_SCOPE_LABELS[g] }))}
          hint="The grant decides which kinds of scope make sense (system/ for backend services)."
        />
      </div>
      <div className="actions-row">
        <button type="button" className="btn btn-secondary" onClick={() => setConvertTo(2)}>
          Convert to v2
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => setConvertTo(1)}>
          Convert to v1
        </button>
      </div>
      {convertTo && (
        <Conversion text={text} to={convertTo} profile={profile} onUsed={(s) => setText(s)} />
      )}
      <div className="results">
        <h3>Scopes explained</h3>
        {tokens.length === 0 ? (
          <p className="muted">Type scopes above to see what each one means.</p>
        ) : (
          <TokensTable tokens={tokens} />
        )}
        <h3>Findings</h3>
        <FindingsList findings={findings} label="Scope findings" emptyText="No problems found" />
        <h3>Server</h3>
        <ServerScopes />
        <h3>Requested vs granted</h3>
        <GrantedDiff />
      </div>
    </>
  );
}

/** Parse, explain, check and convert SMART scopes; all local (no engine call). */
export function ScopesStep() {
  const profile = useActiveProfile();
  return (
    <StepSection
      id="scopes"
      title="Scopes"
      intro="Explains each SMART scope in plain words, checks it against the grant and the server, converts between SMART v1 and v2, and compares what was requested with what was granted."
    >
      <Workbench key={profile?.id ?? 'none'} profile={profile} />
    </StepSection>
  );
}
