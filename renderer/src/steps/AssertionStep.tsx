import type { ProfileView } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { ClaimsTable } from '../components/ClaimsTable.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { display } from '../components/format.js';
import { KeyValueList, type KeyValueItem } from '../components/KeyValueList.js';
import { TextField } from '../components/fields.js';
import { NeedsProfile } from '../components/NeedsProfile.js';
import { SecretValue } from '../components/SecretValue.js';
import { StepSection } from '../components/StepSection.js';
import { useApp, useOp } from '../store/index.js';

function summary(header: Record<string, unknown>, claims: Record<string, unknown>) {
  const items: KeyValueItem[] = [];
  const add = (label: string, v: unknown) => {
    if (v === undefined || v === null || v === '') return;
    const text = display(v);
    items.push({ label, value: <code className="wrap">{text}</code>, copy: text });
  };
  add('Key ID (kid)', header.kid);
  add('Algorithm (alg)', header.alg);
  add(
    'Client (iss / sub)',
    claims.iss === claims.sub ? claims.iss : `${display(claims.iss)} / ${display(claims.sub)}`,
  );
  add('Audience (aud)', claims.aud);
  return items;
}

/** Names of the fields the user's edits change, for the "edits in force" note. */
export function overrideNames(o: { header?: object; claims?: object } | undefined): string[] {
  if (!o) return [];
  return [...Object.keys(o.header ?? {}).map((k) => `header.${k}`), ...Object.keys(o.claims ?? {})];
}

function AssertionBody({ profile }: { profile: ProfileView }) {
  const assertion = useApp((s) => s.assertion);
  const headerText = useApp((s) => s.headerText);
  const claimsText = useApp((s) => s.claimsText);
  const overrides = useApp((s) => s.overrides);
  const editError = useApp((s) => s.editError);
  const revealed = useApp((s) => s.revealedAssertion);
  const liveLint = useApp((s) => s.liveLint);
  const buildAssertion = useApp((s) => s.buildAssertion);
  const rebuildWithEdits = useApp((s) => s.rebuildWithEdits);
  const setHeaderText = useApp((s) => s.setHeaderText);
  const setClaimsText = useApp((s) => s.setClaimsText);
  const revealAssertion = useApp((s) => s.revealAssertion);
  const hideAssertion = useApp((s) => s.hideAssertion);
  const { busy } = useOp('buildAssertion');
  const reveal = useOp('revealAssertion');
  const edited = overrideNames(overrides);

  return (
    <>
      {profile.auth.method === 'client_secret_jwt' ? (
        <div className="notice notice-info" role="note">
          This profile uses client_secret_jwt: the assertion is signed with the client secret (HMAC,{' '}
          {profile.auth.alg?.startsWith('HS') ? profile.auth.alg : 'HS256'}), so no key pair is
          needed and the Keys step is not used.
        </div>
      ) : (
        profile.auth.method !== 'private_key_jwt' && (
          <div className="notice notice-info" role="note">
            This profile uses {profile.auth.method}, which sends no client assertion: one is sent
            only with private_key_jwt (signed with your private key) or client_secret_jwt (signed
            with the client secret).
          </div>
        )
      )}
      <div className="actions-row">
        <ActionButton busy={busy} onClick={buildAssertion}>
          Build assertion
        </ActionButton>
      </div>
      <OpError op="buildAssertion" />
      {assertion && (
        <div className="results" aria-busy={busy || undefined}>
          <h3>Signed assertion</h3>
          <KeyValueList
            items={summary(assertion.header, assertion.claims)}
            label="Assertion summary"
          />
          <SecretValue
            masked={assertion.masked}
            revealed={revealed}
            what="client assertion"
            busy={reveal.busy}
            onReveal={revealAssertion}
            onHide={hideAssertion}
            copyMasked
          />
          <OpError op="revealAssertion" />

          <h3>Edit and rebuild</h3>
          <p className="hint">
            Change any field to test how the server reacts. Only the fields you change are sent as
            overrides, so exp, iat and jti stay fresh unless you edit them; a field you delete is
            sent as null.
          </p>
          <div className="grid-2">
            <TextField
              label="Header JSON"
              value={headerText}
              onChange={setHeaderText}
              multiline
              rows={6}
              mono
            />
            <TextField
              label="Claims JSON"
              value={claimsText}
              onChange={setClaimsText}
              multiline
              rows={10}
              mono
            />
          </div>
          {editError && (
            <div role="alert" className="alert">
              <p className="alert-message">{editError}</p>
              <p className="alert-fix">
                <strong>How to fix:</strong> Correct the JSON; nothing was sent.
              </p>
            </div>
          )}
          {edited.length > 0 && (
            <p className="notice notice-info">
              Your edits are in force for Rebuild and Prepare request: {edited.join(', ')}. Press
              Build assertion to start fresh.
            </p>
          )}
          <div className="actions-row">
            <ActionButton variant="secondary" busy={busy} onClick={rebuildWithEdits}>
              Rebuild with edits
            </ActionButton>
          </div>

          <ClaimsTable claims={assertion.explained} />

          <h3>Pre-flight checks</h3>
          <p className="hint preflight-live" role="status">
            {liveLint
              ? 'Checked with your edits as typed; press Rebuild with edits to sign them.'
              : 'Checked when built; re-checked as you edit the JSON.'}
          </p>
          <FindingsList
            findings={liveLint ?? assertion.lint}
            label="Pre-flight checks"
            emptyText="No problems found"
          />
        </div>
      )}
    </>
  );
}

export function AssertionStep() {
  return (
    <StepSection
      id="assertion"
      title="Client assertion"
      intro="The short-lived JWT that proves who you are to the token endpoint: signed with your private key (private_key_jwt) or with the client secret (client_secret_jwt)."
    >
      <NeedsProfile>{(profile) => <AssertionBody profile={profile} />}</NeedsProfile>
    </StepSection>
  );
}
