import { useState } from 'react';
import { ActionButton } from '../components/ActionButton.js';
import { ClaimsTable } from '../components/ClaimsTable.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { TextField } from '../components/fields.js';
import { pretty } from '../components/format.js';
import { StepSection } from '../components/StepSection.js';
import { VerificationStatus } from '../components/VerificationStatus.js';
import { useApp, useOp } from '../store/index.js';

export function InspectorStep() {
  const inspection = useApp((s) => s.inspection);
  const inspectAssertion = useApp((s) => s.inspectAssertion);
  const { busy } = useOp('inspectAssertion');
  const [jwt, setJwt] = useState('');
  const [jwks, setJwks] = useState('');
  const [jwksUrl, setJwksUrl] = useState('');
  const [tokenUrl, setTokenUrl] = useState('');
  const [clientId, setClientId] = useState('');

  return (
    <StepSection
      id="inspector"
      title="Inspector"
      intro="Paste someone else’s client assertion to see what is wrong with it. Nothing is sent to the token endpoint."
    >
      <div className="card">
        <TextField
          label="Assertion (JWT)"
          value={jwt}
          onChange={setJwt}
          multiline
          rows={4}
          mono
          placeholder="eyJhbGciOi…"
        />
        <TextField
          label="JWKS (optional)"
          value={jwks}
          onChange={setJwks}
          multiline
          rows={4}
          mono
          placeholder='{"keys":[…]}'
          hint="The client's public keys, to verify the signature."
        />
        <div className="grid-3">
          <TextField
            label="JWKS URL"
            value={jwksUrl}
            onChange={setJwksUrl}
            type="url"
            mono
            hint="Optional: fetched instead of pasting the JWKS."
          />
          <TextField
            label="Token URL"
            value={tokenUrl}
            onChange={setTokenUrl}
            type="url"
            mono
            hint="Optional: the aud must equal it."
          />
          <TextField
            label="Client ID"
            value={clientId}
            onChange={setClientId}
            mono
            hint="Optional: iss and sub must equal it."
          />
        </div>
        <div className="actions-row">
          <ActionButton
            busy={busy}
            disabled={!jwt.trim()}
            onClick={() => inspectAssertion({ jwt, jwks, jwksUrl, tokenUrl, clientId })}
          >
            Inspect
          </ActionButton>
        </div>
        <OpError op="inspectAssertion" />
      </div>
      {inspection && (
        <div className="results">
          <h3>Signature</h3>
          <VerificationStatus verification={inspection.verification} />
          <div className="grid-2">
            <CodeBlock label="Header" what="header JSON" text={pretty(inspection.decoded.header)} />
            <CodeBlock label="Claims" what="claims JSON" text={pretty(inspection.decoded.claims)} />
          </div>
          <ClaimsTable claims={inspection.explained} />
          <h3>Findings</h3>
          <FindingsList findings={inspection.findings} emptyText="No problems found" />
        </div>
      )}
    </StepSection>
  );
}
