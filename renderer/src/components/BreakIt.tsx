import { useId, useState } from 'react';
import { breaksFor } from '../../../shared/diagnosis/glossary.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';
import type { BreakName, BrokenOnPurpose, ProfileView } from '../../../shared/types.js';
import { useApp, useOp } from '../store/index.js';
import { ActionButton } from './ActionButton.js';
import { GlossaryLink } from './Glossary.js';
import { KeyValueList, type KeyValueItem } from './KeyValueList.js';
import { SafeText } from './SafeText.js';

interface Props {
  profile: ProfileView;
  /** The request the control sits beside. */
  at: 'token' | 'authorize';
  /** Authorize: exchange the code as soon as it arrives (the step's own checkbox). */
  autoExchange?: boolean;
}

/**
 * Break-it mode (issue 12 §3): pick one deliberate mistake that fits this request; it is made in
 * the engine and sent to the real server, whose real answer and the diagnosis then show.
 */
export function BreakIt({ profile, at, autoExchange = true }: Props) {
  const tokenGrant = useApp((s) => s.tokenGrant);
  const prepareBroken = useApp((s) => s.prepareBrokenRequest);
  const startBroken = useApp((s) => s.startBrokenAuthorization);
  const waiting = useApp((s) => s.authFlow?.status === 'waiting');
  const busy = useOp(at === 'token' ? 'prepareTokenRequest' : 'startAuthorization').busy;
  const [choice, setChoice] = useState<BreakName | null>(null);
  const name = useId();
  const flow =
    at === 'authorize' || tokenGrant === 'authorization_code'
      ? 'authorization-code'
      : effectiveFlow(profile);
  const list = breaksFor({
    flow,
    authMethod: profile.auth.method,
    ...(profile.pkce ? { pkce: profile.pkce } : {}),
    at,
  });
  const picked = list.some((b) => b.name === choice) ? choice : null;

  async function onGo() {
    if (!picked) return;
    if (at === 'token') return prepareBroken(picked);
    const started = await startBroken(picked, autoExchange);
    // As with Authorize in browser: the web host cannot open the system browser itself.
    if (started && !started.opened) window.open(started.url, '_blank', 'noopener');
  }

  return (
    <details className="card break-it">
      <summary>Break it</summary>
      <p className="hint">
        Make one deliberate mistake and send it to the real server: you see its real answer, the
        diagnosis, and whether the diagnosis names the expected cause first.
      </p>
      {list.length === 0 ? (
        <p className="empty">
          No break fits this request ({profile.auth.method}, {flow}). The assertion breaks need
          private_key_jwt or client_secret_jwt; verifier, redirect-uri and state need the
          authorization code flow.
        </p>
      ) : (
        <>
          <fieldset className="break-it-choices">
            <legend>Mistake to make</legend>
            {list.map((b) => {
              const id = `${name}-${b.name}`;
              return (
                <div key={b.name} className="check break-it-choice">
                  <input
                    id={id}
                    type="radio"
                    name={name}
                    value={b.name}
                    checked={picked === b.name}
                    onChange={() => setChoice(b.name)}
                  />
                  <label htmlFor={id}>
                    <code>{b.name}</code> ({b.where}): {b.summary}
                  </label>{' '}
                  <span className="muted">
                    expected: <GlossaryLink code={b.expected} />
                  </span>
                </div>
              );
            })}
          </fieldset>
          <div className="actions-row">
            <ActionButton
              variant="secondary"
              busy={busy}
              disabled={!picked || (at === 'authorize' && waiting)}
              onClick={onGo}
            >
              {at === 'token' ? 'Prepare broken request' : 'Authorize with this mistake'}
            </ActionButton>
            {!picked && <span className="hint">Pick a mistake first.</span>}
          </div>
        </>
      )}
    </details>
  );
}

/**
 * The mistake made on purpose, and after the answer: the expected cause, the cause the
 * diagnosis named first, and whether they match. A miss is said plainly.
 */
export function BrokenCard({ broken }: { broken: BrokenOnPurpose }) {
  const answered = broken.matched !== undefined;
  const items: KeyValueItem[] = [
    { label: 'What was changed', value: broken.what, copy: broken.what },
    {
      label: 'Expected cause',
      value: <GlossaryLink code={broken.expected} />,
      copy: broken.expected,
    },
  ];
  if (answered)
    items.push({
      label: 'Named first',
      value: broken.named ? (
        <GlossaryLink code={broken.named} />
      ) : (
        'nothing: no finding (the server accepted the mistake)'
      ),
      ...(broken.named ? { copy: broken.named } : {}),
    });
  return (
    <section className="card break-result" aria-label="Break it result">
      <h4>
        Broken on purpose: <code>{broken.name}</code>
      </h4>
      <KeyValueList items={items} label="Broken on purpose" />
      {!answered ? (
        <p className="hint">Send it to see the server’s answer and which cause is named first.</p>
      ) : broken.matched ? (
        <p className="ok-text" role="status">
          Match: the diagnosis named the expected cause first.
        </p>
      ) : (
        <p className="notice notice-warning" role="status">
          No match: the diagnosis named {broken.named ? <code>{broken.named}</code> : 'nothing'}{' '}
          first, not <code>{broken.expected}</code>.{' '}
          <SafeText text="This is shown as it is: read the findings below for what the server said." />
        </p>
      )}
    </section>
  );
}
