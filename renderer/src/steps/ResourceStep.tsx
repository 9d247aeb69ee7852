import { useState } from 'react';
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

function fullUrl(base: string | undefined, path: string): string {
  if (!base) return path;
  return `${base.replace(/\/+$/, '')}/${path.trim().replace(/^\/+/, '')}`;
}

function ResourceBody({ profile }: { profile: ProfileView }) {
  const resource = useApp((s) => s.resource);
  const hasToken = useApp((s) => s.accessToken !== null);
  const callResource = useApp((s) => s.callResource);
  const { busy } = useOp('callResource');
  const [path, setPath] = useState(profile.resourcePath || DEFAULT_RESOURCE_PATH);

  return (
    <>
      <TextField
        label="FHIR path"
        value={path}
        onChange={setPath}
        mono
        hint={
          <>
            GET <code className="wrap">{fullUrl(profile.fhirBaseUrl, path)}</code> with the current
            access token.
          </>
        }
      />
      {!hasToken && (
        <p className="notice notice-info">
          No access token in this run yet: send a token request first, or the server will answer
          401.
        </p>
      )}
      <div className="actions-row">
        <ActionButton busy={busy} disabled={!path.trim()} onClick={() => callResource(path)}>
          Send GET
        </ActionButton>
      </div>
      <OpError op="callResource" />
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
          </p>
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
      intro="Uses the access token on a real FHIR request to prove it works."
    >
      <NeedsProfile>
        {(profile) => <ResourceBody key={profile.id} profile={profile} />}
      </NeedsProfile>
    </StepSection>
  );
}
