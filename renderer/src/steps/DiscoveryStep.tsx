import { Fragment } from 'react';
import type { DiscoveryDocument, DiscoveryField, DiscoveryResult } from '../../../shared/types.js';
import { ActionButton } from '../components/ActionButton.js';
import { OpError } from '../components/ErrorAlert.js';
import { FindingsList } from '../components/FindingsList.js';
import { display } from '../components/format.js';
import { KeyValueList, type KeyValueItem } from '../components/KeyValueList.js';
import { NeedsProfile } from '../components/NeedsProfile.js';
import { SafeText } from '../components/SafeText.js';
import { StepSection } from '../components/StepSection.js';
import { useApp, useOp } from '../store/index.js';
import { GuidedOutcome, GuidedPause } from '../components/Guided.js';

const FIELD_BADGE: Record<DiscoveryField['status'], string> = {
  present: 'badge-ok',
  'missing-required': 'badge-error',
  'missing-recommended': 'badge-warning',
  optional: 'badge-info',
};

/** A JSON list (`["a","b"]`) may wrap after each comma rather than inside a word; the text
 * (and what a copy or a test reads) stays exactly the same. */
function BreakAfterCommas({ text }: { text: string }) {
  const parts = text.split(/(?<=,)/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          <SafeText text={part} />
        </Fragment>
      ))}
    </>
  );
}

function DocumentCard({ doc }: { doc: DiscoveryDocument }) {
  return (
    <article className="card" aria-label={doc.kind}>
      <h4 className="doc-title">
        <code>{doc.kind}</code>{' '}
        <span className={`badge ${doc.ok ? 'badge-ok' : 'badge-error'}`}>
          {doc.status ?? (doc.ok ? 'ok' : 'failed')}
        </span>
      </h4>
      <p>
        <code className="wrap">
          <SafeText text={doc.url} />
        </code>
      </p>
      {doc.error && (
        <p className="alert-inline">
          <SafeText text={doc.error} />
        </p>
      )}
      {doc.fields.length > 0 && (
        // Stacks into one block per field where the pane is narrow; the explicit roles keep it a
        // table (with its headers) for screen readers whatever its CSS display.
        <div className="table-wrap">
          <table className="table table-stack" role="table">
            <caption>Fields of {doc.kind}</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">
                  Field
                </th>
                <th scope="col" role="columnheader">
                  Value
                </th>
                <th scope="col" role="columnheader">
                  Status
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {doc.fields.map((f) => (
                <tr key={f.name} role="row">
                  <th scope="row" role="rowheader">
                    <code className="wrap">
                      <SafeText text={f.name} />
                    </code>
                  </th>
                  <td role="cell">
                    <code className="wrap">
                      <BreakAfterCommas text={display(f.value)} />
                    </code>
                    {f.note && (
                      <p className="hint">
                        <SafeText text={f.note} />
                      </p>
                    )}
                  </td>
                  <td role="cell" data-stack="aside">
                    <span className={`badge ${FIELD_BADGE[f.status]}`}>{f.status}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

function summary(r: DiscoveryResult): KeyValueItem[] {
  const items: KeyValueItem[] = [];
  const add = (label: string, v: string | string[] | undefined) => {
    if (v === undefined) return;
    const text = Array.isArray(v) ? v.join(' ') : v;
    items.push({
      label,
      value: (
        <code className="wrap">
          <SafeText text={text || '—'} />
        </code>
      ),
      copy: text,
    });
  };
  add('Token endpoint', r.tokenEndpoint);
  add('JWKS URI', r.jwksUri);
  add('Issuer', r.issuer);
  add('Token endpoint auth methods', r.authMethods);
  add('Signing algorithms', r.signingAlgs);
  add('Scopes supported', r.scopesSupported);
  add('Capabilities', r.capabilities);
  return items;
}

export function DiscoveryStep() {
  const discovery = useApp((s) => s.discovery);
  const discover = useApp((s) => s.discover);
  const { busy } = useOp('discover');
  return (
    <StepSection
      id="discovery"
      title="Discovery"
      intro="Reads the server’s .well-known configuration: where to get tokens, which auth methods and algorithms it accepts."
    >
      <NeedsProfile>
        {(profile) => (
          <>
            <p className="muted">
              From{' '}
              <code className="wrap">
                {profile.fhirBaseUrl ?? profile.issuer ?? '(no FHIR base URL or issuer set)'}
              </code>
            </p>
            <GuidedPause hop="discovery" />
            <div className="actions-row">
              <ActionButton busy={busy} onClick={discover}>
                Discover
              </ActionButton>
            </div>
            <OpError op="discover" />
            {discovery && (
              <GuidedOutcome
                hop="discovery"
                ok={discovery.documents.some((d) => d.ok)}
                status={(discovery.documents.find((d) => d.ok) ?? discovery.documents[0])?.status}
                findings={discovery.findings}
              />
            )}
            {discovery && (
              <div className="results" aria-busy={busy || undefined}>
                <h3>What the server says</h3>
                <KeyValueList items={summary(discovery)} label="Discovered endpoints" />
                <h3>Documents</h3>
                {discovery.documents.length === 0 ? (
                  <p className="muted">No documents were fetched.</p>
                ) : (
                  discovery.documents.map((d) => <DocumentCard key={d.url} doc={d} />)
                )}
                <h3>Findings</h3>
                <FindingsList findings={discovery.findings} emptyText="No problems found" />
              </div>
            )}
          </>
        )}
      </NeedsProfile>
    </StepSection>
  );
}
