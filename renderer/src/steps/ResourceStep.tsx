import { useId, useState } from 'react';
import type { ProfileView } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { TextField } from '../components/fields.js';
import { HeadersTable } from '../components/HeadersTable.js';
import { NeedsProfile } from '../components/NeedsProfile.js';
import { StepSection } from '../components/StepSection.js';
import { useApp, useOp } from '../store/index.js';
import { DEFAULT_RESOURCE_PATH } from './ProfileStep.js';
import { GuidedOutcome, GuidedPause } from '../components/Guided.js';

function fullUrl(base: string | undefined, path: string): string {
  if (!base) return path;
  return `${base.replace(/\/+$/, '')}/${path.trim().replace(/^\/+/, '')}`;
}

type SentToken = 'access_token' | 'id_token';

const TOKEN_NAMES: Record<SentToken, string> = {
  access_token: 'access token',
  id_token: 'ID token',
};

function ResourceBody({ profile }: { profile: ProfileView }) {
  const resource = useApp((s) => s.resource);
  const hasToken = useApp((s) => s.accessToken !== null || s.tokenSet !== null);
  const hasIdToken = useApp((s) => !!s.tokenSet?.idToken);
  const hasRefresh = useApp((s) => !!s.tokenSet?.refreshToken);
  const callResource = useApp((s) => s.callResource);
  const { busy } = useOp('callResource');
  const [path, setPath] = useState(profile.resourcePath || DEFAULT_RESOURCE_PATH);
  const [token, setToken] = useState<SentToken>('access_token');
  const [retry, setRetry] = useState(true);
  const retryId = useId();
  const radioName = useId();

  return (
    <>
      <TextField
        label="FHIR path"
        value={path}
        onChange={setPath}
        mono
        hint={
          <>
            GET <code className="wrap">{fullUrl(profile.fhirBaseUrl, path)}</code> with the current{' '}
            {TOKEN_NAMES[token]}.
          </>
        }
      />
      {!hasToken && (
        <p className="notice notice-info">
          No access token in this run yet: send a token request first, or the server will answer
          401.
        </p>
      )}
      <fieldset className="fieldset">
        <legend>Token to send</legend>
        <div className="radio-row">
          {(['access_token', 'id_token'] as const).map((t) => (
            <label key={t} className="radio">
              <input
                type="radio"
                name={radioName}
                value={t}
                checked={token === t}
                disabled={t === 'id_token' && !hasIdToken}
                onChange={() => setToken(t)}
              />
              {t === 'access_token' ? 'Access token' : 'ID token'}
            </label>
          ))}
        </div>
        <p className="hint">
          {token === 'id_token'
            ? 'An ID token is meant for the client, not for APIs: send it only to test a server that expects it.'
            : hasIdToken
              ? 'The access token is what resource servers expect.'
              : 'The ID token can be sent after a sign-in with openid in the scope.'}
        </p>
        <div className="check">
          <input
            id={retryId}
            type="checkbox"
            checked={retry}
            onChange={(e) => setRetry(e.target.checked)}
          />
          <label htmlFor={retryId}>Refresh and retry when the token has expired</label>
        </div>
        {retry && !hasRefresh && (
          <p className="hint">No refresh token is held, so an expired token cannot be renewed.</p>
        )}
      </fieldset>
      <GuidedPause hop="resource" />
      <div className="actions-row">
        <ActionButton
          busy={busy}
          disabled={!path.trim()}
          onClick={() => callResource(path, { token, refreshOnExpiry: retry })}
        >
          Send GET
        </ActionButton>
      </div>

      <OpError op="callResource" />
      {resource && (
        <GuidedOutcome
          hop="resource"
          ok={resource.ok}
          status={resource.status}
          findings={resource.findings}
        />
      )}
      {resource && (
        <div className="results">
          <h3>Response</h3>
          <p>
            {resource.status ? (
              <span className={`badge ${resource.ok ? 'badge-ok' : 'badge-error'}`}>
                HTTP {resource.status}
              </span>
            ) : (
              <span className="badge badge-error">no response</span>
            )}
            {resource.tokenUsed && (
              <span className="muted"> · sent the {TOKEN_NAMES[resource.tokenUsed]}</span>
            )}
          </p>
          {resource.retriedAfterRefresh && (
            <p className="notice notice-info">
              Retried after a refresh: the first call got 401 with an expired token, so the app
              refreshed the tokens and sent the request again with the new access token.
            </p>
          )}
          <HeadersTable headers={resource.headers} caption="Response headers" />
          {(resource.pretty ?? resource.body) && (
            <CodeBlock label="Body" what="response body" text={resource.pretty ?? resource.body} />
          )}
          <h3>Findings</h3>
          <FindingsList
            findings={resource.findings}
            emptyText={resource.ok ? 'No problems found' : 'No diagnosis for this response.'}
          />
        </div>
      )}
    </>
  );
}

export function ResourceStep() {
  return (
    <StepSection
      id="resource"
      title="Resource request"
      intro="Sends a token on a real FHIR request to prove it works."
    >
      <NeedsProfile>
        {(profile) => <ResourceBody key={profile.id} profile={profile} />}
      </NeedsProfile>
    </StepSection>
  );
}
