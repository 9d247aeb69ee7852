import { useState } from 'react';
import { ActionButton } from '../components/ActionButton.js';
import { OpError } from '../components/ErrorAlert.js';
import { TextField } from '../components/fields.js';
import { ScopeDiffView } from '../components/ScopeDiffView.js';
import { SecretValue } from '../components/SecretValue.js';
import { StepSection } from '../components/StepSection.js';
import { TokenDetails } from '../components/TokenDetails.js';
import { useApp, useOp } from '../store/index.js';

function CurrentToken() {
  const token = useApp((s) => s.accessToken);
  const revealed = useApp((s) => s.revealedAccessToken);
  const scopeDiff = useApp((s) => s.tokenResult?.scopeDiff);
  const reveal = useApp((s) => s.revealAccessToken);
  const hide = useApp((s) => s.hideAccessToken);
  const goTo = useApp((s) => s.goTo);
  const revealOp = useOp('revealAccessToken');

  if (!token) {
    return (
      <div className="empty">
        <p>No access token yet — send a token request to get one.</p>
        <button type="button" className="btn btn-secondary" onClick={() => goTo('token-request')}>
          Go to Token request
        </button>
      </div>
    );
  }
  return (
    <div className="card">
      <h3>Access token</h3>
      <TokenDetails
        token={token}
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
        {scopeDiff && (
          <>
            <h4>Scopes</h4>
            <ScopeDiffView diff={scopeDiff} />
          </>
        )}
      </TokenDetails>
    </div>
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
      <TextField
        label="Token to decode"
        value={token}
        onChange={setToken}
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
            value={<code className="value wrap masked">{decoded.masked}</code>}
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
      intro="What the server gave you: format, claims, signature, expiry and granted scopes."
    >
      <CurrentToken />
      <DecodePasted />
    </StepSection>
  );
}
