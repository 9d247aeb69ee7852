import { useState } from 'react';
import type { NextStep, ProfileView, RegistrationResult } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { CodeBlock } from '../components/CodeBlock.js';
import { CopyButton } from '../components/CopyButton.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { TextField } from '../components/fields.js';
import { pretty } from '../components/format.js';
import { HttpStatus } from '../components/HttpStatus.js';
import { KeyValueList, type KeyValueItem } from '../components/KeyValueList.js';
import { NeedsProfile } from '../components/NeedsProfile.js';
import { SafeText } from '../components/SafeText.js';
import { StepSection } from '../components/StepSection.js';
import { useApp, useOp } from '../store/index.js';
import { hostedJwksUrl } from '../store/registration.js';
import { StepNotUsedNote } from '../components/StepRail.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import { GuidedOutcome, GuidedPause } from '../components/Guided.js';

const ACTION_TITLE: Record<RegistrationResult['action'], string> = {
  register: 'Registration answer',
  read: 'Registration read back (RFC 7592)',
  update: 'Registration updated (RFC 7592)',
  delete: 'Registration deleted (RFC 7592)',
};

/** What each stored profile field means, in words. */
function storedText(field: string, deleted: boolean, secretsPersisted: boolean): string {
  const kept = secretsPersisted
    ? 'stored encrypted'
    : 'kept for this session only (no OS keychain or passphrase)';
  if (deleted) {
    const gone: Record<string, string> = {
      clientId: 'client_id removed from the profile',
      clientSecret: 'client secret removed',
      registrationAccessToken: 'registration access token removed',
      registrationClientUri: 'registration_client_uri removed',
    };
    return gone[field] ?? `${field} removed from the profile`;
  }
  const saved: Record<string, string> = {
    clientId: 'client_id saved to the profile',
    clientSecret: `client secret ${kept}`,
    registrationAccessToken: `registration access token ${kept}, for read, update and delete`,
    registrationClientUri: 'registration_client_uri saved to the profile',
    'auth.method': 'auth method changed to the one the server registered',
  };
  return saved[field] ?? `${field} saved to the profile`;
}

function NextSteps({ steps }: { steps: NextStep[] }) {
  if (steps.length === 0) return null;
  return (
    <section className="next-steps" aria-labelledby="next-steps-title">
      <h4 id="next-steps-title">Next steps outside the protocol</h4>
      <p className="hint">
        The server accepted the registration, but the client will not work until someone does these:
      </p>
      <ol>
        {steps.map((s) => (
          <li key={s.title}>
            <strong>{s.title}</strong>
            <p>{s.detail}</p>
            {s.source && <p className="finding-source">Source: {s.source}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function ResultView({ result }: { result: RegistrationResult }) {
  const secretsPersisted = useApp((s) => s.storage?.secretsPersisted ?? false);
  const goTo = useApp((s) => s.goTo);
  const deleted = result.action === 'delete' && result.ok;
  const items: KeyValueItem[] = [
    { label: 'Status', value: <HttpStatus status={result.status} ok={result.ok} /> },
  ];
  const clientId = result.body?.client_id;
  if (typeof clientId === 'string') {
    items.push({
      label: 'client_id',
      value: (
        <code className="wrap">
          <SafeText text={clientId} />
        </code>
      ),
      copy: clientId,
    });
  }
  return (
    <div className="card results">
      <h3>{ACTION_TITLE[result.action]}</h3>
      <KeyValueList items={items} label="Registration status" />
      {result.stored.length > 0 && (
        <>
          <h4>Saved in the profile</h4>
          <ul className="stored-list" aria-label="Saved in the profile">
            {result.stored.map((f) => (
              <li key={f}>
                <span className="ok-mark" aria-hidden="true">
                  ✓
                </span>{' '}
                {storedText(f, deleted, secretsPersisted)}
              </li>
            ))}
          </ul>
        </>
      )}
      <NextSteps steps={result.nextSteps} />
      <FindingsList
        findings={result.findings}
        label="Registration findings"
        emptyText={result.ok ? 'No problems found' : 'No diagnosis for this answer.'}
      />
      {result.body && (
        <CodeBlock
          label="Server answer (secrets masked)"
          what="registration answer"
          text={pretty(result.body)}
        />
      )}
      {result.ok && result.action === 'register' && (
        <div className="actions-row">
          {effectiveFlow(result.profile) === 'authorization-code' ? (
            <button type="button" className="btn btn-secondary" onClick={() => goTo('authorize')}>
              Next: Authorize
            </button>
          ) : effectiveFlow(result.profile) === 'device-code' ? (
            <button type="button" className="btn btn-secondary" onClick={() => goTo('device')}>
              Next: Device sign-in
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => goTo('token-request')}
            >
              Next: Token request
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function ManageRegistration({ profile }: { profile: ProfileView }) {
  const manage = useApp((s) => s.manageRegistration);
  const text = useApp((s) => s.registrationText);
  const read = useOp('readRegistration');
  const update = useOp('updateRegistration');
  const del = useOp('deleteRegistration');
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="card">
      <h3>Manage this registration (RFC 7592)</h3>
      <p className="hint">
        Uses the stored registration access token. Read puts the server’s current metadata in the
        editor above; Update sends the editor’s JSON.
      </p>
      {profile.registration?.clientUri && (
        <p>
          <span className="muted">registration_client_uri </span>
          <code className="wrap">{profile.registration.clientUri}</code>{' '}
          <CopyButton text={profile.registration.clientUri} what="registration client URI" />
        </p>
      )}
      <div className="actions-row">
        <ActionButton variant="secondary" busy={read.busy} onClick={() => manage('read')}>
          Read registration
        </ActionButton>
        <ActionButton
          variant="secondary"
          busy={update.busy}
          disabled={!text.trim()}
          onClick={() => manage('update')}
        >
          Update registration
        </ActionButton>
        {!confirming && (
          <ActionButton variant="danger" busy={del.busy} onClick={() => setConfirming(true)}>
            Delete registration…
          </ActionButton>
        )}
      </div>
      {confirming && (
        <div className="notice notice-warning confirm" role="group" aria-label="Confirm delete">
          <p>
            Delete the registration at the server? The client stops working there, and its
            client_id, secret and registration token are removed from this profile.
          </p>
          <div className="actions-row">
            <ActionButton
              variant="danger"
              busy={del.busy}
              onClick={async () => {
                await manage('delete');
                setConfirming(false);
              }}
            >
              Yes, delete it
            </ActionButton>
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => setConfirming(false)}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
      <OpError op="readRegistration" />
      <OpError op="updateRegistration" />
      <OpError op="deleteRegistration" />
    </div>
  );
}

/**
 * Where the metadata asks for the client's jwks_uri (private_key_jwt): the JWKS URL this app
 * hosts for the profile's key, in one click, or the action that starts hosting it.
 */
function KeyDelivery({ profile }: { profile: ProfileView }) {
  const keys = useApp((s) => s.keys);
  const host = useApp((s) => s.jwksHost);
  const hostJwks = useApp((s) => s.hostJwks);
  const applyHostedJwks = useApp((s) => s.applyHostedJwks);
  const goTo = useApp((s) => s.goTo);
  const hosting = useOp('hostJwks');
  const applying = useOp('applyHostedJwks');
  const key = keys.find((k) => k.id === profile.auth.keyId);
  const url = hostedJwksUrl(host, profile, keys);
  const staleUri = host?.staleProfiles.find((p) => p.profileId === profile.id)?.jwksUri;
  return (
    <div className="card" role="group" aria-labelledby="key-delivery-title">
      <h3 id="key-delivery-title">Your public key (jwks_uri)</h3>
      <p className="hint">
        The server checks this client’s assertions with its public key: sent by value (jwks) or
        fetched from a URL (jwks_uri, RFC 7591 §2), which lets you rotate keys without a new
        registration.
      </p>
      <p>
        <span className="muted">The profile’s jwks_uri </span>
        {profile.jwksUri ? (
          <>
            <code className="wrap">{profile.jwksUri}</code>{' '}
            <CopyButton text={profile.jwksUri} what="jwks_uri" />
          </>
        ) : (
          <span className="muted">— none: the key is sent by value (jwks)</span>
        )}
      </p>
      {staleUri && (
        <p className="notice notice-warning" role="note">
          This app no longer serves <code className="wrap">{staleUri}</code>: the server that
          registered it fetches a URL that does not answer. Use the hosted URL below, then update
          the registration.
        </p>
      )}
      {!key ? (
        <div className="actions-row">
          <p className="empty">This profile has no key yet: choose or generate one in Keys.</p>
          <button type="button" className="btn btn-secondary" onClick={() => goTo('keys')}>
            Open Keys
          </button>
        </div>
      ) : url ? (
        <>
          <p className="jwks-offer-url">
            <span className="muted">Hosted by this app for key {key.kid}: </span>
            <code className="wrap">{url}</code>
            <CopyButton text={url} what="hosted JWKS URL" />
          </p>
          {profile.jwksUri === url ? (
            <p className="ok-text" role="status">
              <span aria-hidden="true">✓</span> The profile names the hosted JWKS URL as its
              jwks_uri; Prepare registration puts it in the metadata.
            </p>
          ) : (
            <div className="actions-row">
              <ActionButton busy={applying.busy} onClick={applyHostedJwks}>
                Use the hosted JWKS URL
              </ActionButton>
            </div>
          )}
          <p className="hint warn-text">
            Only a server on this machine can fetch 127.0.0.1; a cloud server needs the JWKS at a
            public https URL.
          </p>
        </>
      ) : (
        <>
          <p className="empty">
            This app is not hosting key {key.kid}
            {host ? ` (the JWKS host serves ${host.kids.join(', ') || 'no keys'})` : ''}. Host it to
            get a jwks_uri on this machine.
          </p>
          <div className="actions-row">
            <ActionButton variant="secondary" busy={hosting.busy} onClick={() => hostJwks(null)}>
              Host the profile’s key
            </ActionButton>
          </div>
        </>
      )}
      <OpError op="hostJwks" />
      <OpError op="applyHostedJwks" />
    </div>
  );
}

function RegistrationBody({ profile }: { profile: ProfileView }) {
  const draft = useApp((s) => s.registrationDraft);
  const text = useApp((s) => s.registrationText);
  const url = useApp((s) => s.registrationUrl);
  const result = useApp((s) => s.registrationResult);
  const prepare = useApp((s) => s.prepareRegistration);
  const send = useApp((s) => s.sendRegistration);
  const setText = useApp((s) => s.setRegistrationText);
  const setUrl = useApp((s) => s.setRegistrationUrl);
  const prep = useOp('prepareRegistration');
  const sending = useOp('sendRegistration');
  const editing = draft !== null || text !== '';

  return (
    <>
      {profile.auth.method === 'private_key_jwt' && <KeyDelivery profile={profile} />}
      <div className="card">
        <h3>Register a new client</h3>
        <p>
          <span className="muted">Registration endpoint </span>
          {profile.registrationEndpoint ? (
            <code className="wrap">{profile.registrationEndpoint}</code>
          ) : (
            <span className="muted">— discovered from the server (registration_endpoint)</span>
          )}
        </p>
        {profile.clientId && !result && (
          <p className="notice notice-info">
            This profile already has client_id <code>{profile.clientId}</code>. Registering again
            creates another client and replaces it in the profile.
          </p>
        )}
        <div className="actions-row">
          <ActionButton busy={prep.busy} onClick={prepare}>
            Prepare registration
          </ActionButton>
        </div>
        <OpError op="prepareRegistration" />
        {!editing && (
          <p className="empty">
            Press Prepare registration to build the client metadata from this profile (flow,
            redirect URI, auth method, scope, key) — you can edit it before sending.
          </p>
        )}
        {editing && (
          <>
            <div className="url-row">
              <span className="method-tag">POST</span>
              <TextField
                label="Registration URL"
                value={url}
                onChange={setUrl}
                type="url"
                mono
                className="grow"
              />
              <CopyButton text={url} what="registration URL" />
            </div>
            <TextField
              label="Client metadata (JSON)"
              value={text}
              onChange={setText}
              multiline
              rows={14}
              mono
              hint="RFC 7591 metadata. It must stay a JSON object; it is checked before anything is sent."
            />
            {draft && (
              <>
                <h4>Pre-flight checks</h4>
                <FindingsList
                  findings={draft.preflight}
                  label="Pre-flight checks"
                  emptyText="No problems found"
                />
              </>
            )}
            <GuidedPause hop="registration" />
            <div className="actions-row">
              <ActionButton busy={sending.busy} disabled={!text.trim()} onClick={send}>
                Send registration
              </ActionButton>
            </div>
            <OpError op="sendRegistration" />
          </>
        )}
      </div>
      {result?.action === 'register' && (
        <GuidedOutcome
          hop="registration"
          ok={result.ok}
          status={result.status}
          findings={result.findings}
        />
      )}
      {result && <ResultView result={result} />}
      {profile.needsReentry?.includes('registrationToken') && (
        <p className="notice notice-warning" role="note">
          <span className="badge badge-warning">needs re-entry</span> The registration access token
          (RFC 7592) is stored but cannot be decrypted here (damaged, or from another machine), so
          this registration cannot be read, updated or deleted from here. Register again to get a
          new one; the old client stays at the server until its administrator removes it.
        </p>
      )}
      {profile.hasRegistrationToken && <ManageRegistration profile={profile} />}
    </>
  );
}

export function RegistrationStep() {
  return (
    <StepSection
      id="registration"
      title="Registration"
      intro="Dynamic client registration (RFC 7591): the app builds the client metadata from the profile, you review it, and the server’s answer (client_id, secret) is saved to the profile."
    >
      <StepNotUsedNote step="registration" />
      <NeedsProfile>
        {(profile) => <RegistrationBody key={profile.id} profile={profile} />}
      </NeedsProfile>
    </StepSection>
  );
}
