import { useEffect } from 'react';
import type { PracticeFlavour } from '../../../shared/types.js';
import { useActions, useApp } from '../store/index.js';
import { ActionButton } from './ActionButton.js';
import { ErrorAlert } from './ErrorAlert.js';
import { SelectField } from './fields.js';
import { KeyValueList } from './KeyValueList.js';
import { SafeText } from './SafeText.js';

/** The flavours offered; a vendor flavour is a simulation built from that vendor's sources. */
const FLAVOUR_OPTIONS: { value: PracticeFlavour; label: string }[] = [
  { value: 'standard', label: 'Standard: SMART App Launch 2 + OpenID Connect' },
  { value: 'epic', label: 'Epic (simulation)' },
  { value: 'oracle-health', label: 'Oracle Health / Cerner (simulation)' },
  { value: 'openemr', label: 'OpenEMR (simulation)' },
  { value: 'aidbox', label: 'Aidbox (simulation)' },
  { value: 'keycloak', label: 'Keycloak (simulation)' },
];

const VENDOR_NAMES: Record<PracticeFlavour, string> = {
  standard: 'SMART App Launch 2 + OpenID Connect',
  epic: 'Epic',
  'oracle-health': 'Oracle Health (Cerner)',
  openemr: 'OpenEMR',
  aidbox: 'Aidbox',
  keycloak: 'Keycloak',
};

/**
 * The practice server (issue 12 §1): an offline server on 127.0.0.1 with sample data, a demo
 * user and ready profiles, so a newcomer has something to talk to. Offered prominently in the
 * Profile step's empty state (`empty`), and as a small section once profiles exist.
 */
export function PracticeServer({ empty = false }: { empty?: boolean }) {
  const practice = useApp((s) => s.practice);
  const flavour = useApp((s) => s.practiceFlavour);
  const busy = useApp((s) => s.practiceBusy);
  const error = useApp((s) => s.practiceError);
  const { loadPractice, startPractice, stopPractice, setPracticeFlavour, dismissPracticeError } =
    useActions(
      'loadPractice',
      'startPractice',
      'stopPractice',
      'setPracticeFlavour',
      'dismissPracticeError',
    );
  useEffect(() => {
    void loadPractice();
  }, [loadPractice]);

  return (
    <section
      className={`card practice-server${empty ? ' practice-server-empty' : ''}`}
      aria-label="Practice server"
    >
      <h3>Practice server</h3>
      {!practice && (
        <>
          <p>
            {empty
              ? 'Nothing to talk to yet? Start the practice server: a SMART + OpenID Connect server on this computer (127.0.0.1, works offline) with sample patients, a demo user and ready profiles for every flow.'
              : 'A server on this computer (127.0.0.1, offline) with sample data, a demo user and ready profiles for every flow.'}
          </p>
          <SelectField
            label="Flavour"
            value={flavour}
            onChange={setPracticeFlavour}
            options={FLAVOUR_OPTIONS}
            hint="A vendor flavour answers the way that vendor does (its failure shapes): a simulation from its documented behaviour, not the vendor's server."
          />
          <div className="actions-row">
            <ActionButton busy={busy} onClick={() => void startPractice()}>
              Start the practice server
            </ActionButton>
          </div>
        </>
      )}
      {error && <ErrorAlert error={error} onDismiss={dismissPracticeError} />}
      {practice && (
        <>
          <p className="practice-label">
            <strong>{practice.label}</strong>
            {practice.flavour === 'standard'
              ? ' — runs on this computer, offline.'
              : ` — a simulation of ${VENDOR_NAMES[practice.flavour]}, from the sources below; not the vendor's server.`}
          </p>
          <KeyValueList
            label="Practice server details"
            items={[
              { label: 'Issuer', value: practice.issuer, copy: practice.issuer },
              practice.fhirBase
                ? { label: 'FHIR base', value: practice.fhirBase, copy: practice.fhirBase }
                : { label: 'FHIR base', value: 'none (an authorization server only)' },
              { label: 'Demo login', value: practice.user.login, copy: practice.user.login },
              {
                label: 'Demo password',
                value: practice.user.password,
                copy: practice.user.password,
              },
            ]}
          />
          <details className="practice-sources">
            <summary>
              {practice.flavour === 'standard' ? 'Built on' : 'Simulated from'} (
              {practice.sources.length} sources)
            </summary>
            <ul>
              {practice.sources.map((s) => (
                <li key={s}>
                  <SafeText text={s} />
                </li>
              ))}
            </ul>
          </details>
          <p>
            Ready profiles ({practice.profiles.length}):{' '}
            {practice.profiles.map((p) => p.name).join(', ')}. The first one is selected.
          </p>
          <div className="actions-row">
            <ActionButton variant="secondary" busy={busy} onClick={() => void stopPractice()}>
              Stop
            </ActionButton>
          </div>
          <p className="hint">
            Stopping keeps the profiles; starting again updates them for the new server.
          </p>
        </>
      )}
    </section>
  );
}
