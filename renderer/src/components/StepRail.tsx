import { useMemo, type KeyboardEvent } from 'react';
import { notUsedReason, railStatuses, type StepMark } from '../store/step-status.js';
import { useActiveProfile, useApp } from '../store/index.js';
import type { StepId } from '../store/steps.js';
import { Glossary } from './Glossary.js';

/** The mark's icon: a shape drawn in SVG (no text, so the button's name stays the step title). */
function MarkIcon({ mark }: { mark: StepMark }) {
  if (mark === 'none') return null;
  const path: Record<Exclude<StepMark, 'none'>, string> = {
    done: 'M4.5 8.2 7 10.6 11.5 5.6',
    failed: 'M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6',
    stale: 'M8 4.2v4.6M8 11.2v.3',
    'not-used': 'M4.8 8h6.4',
  };
  return (
    <svg
      className={`rail-mark rail-mark-${mark}`}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="8" cy="8" r="7" />
      <path d={path[mark]} />
    </svg>
  );
}

/**
 * One Tab stop for the whole rail (roving tabindex): Tab lands on the current step, ↑/↓ move
 * between the steps (not-used ones too, so their reason can be read), Home/End go to the ends.
 */
function moveInRail(e: KeyboardEvent<HTMLOListElement>) {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(e.key) || e.altKey || e.ctrlKey || e.metaKey) return;
  const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.rail-button')];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0) return;
  e.preventDefault();
  const next =
    e.key === 'Home'
      ? 0
      : e.key === 'End'
        ? buttons.length - 1
        : (at + (e.key === 'ArrowDown' ? 1 : -1) + buttons.length) % buttons.length;
  buttons[next]?.focus();
}

/**
 * The steps of the active profile's flow, each with a fixed number; the current one has
 * aria-current="step". A step the profile does not use stays in its place, aria-disabled, with
 * the reason; done / failed / stale marks are an icon and words (aria-describedby, so the
 * button's name stays the step title).
 */
export function StepRail() {
  const step = useApp((s) => s.step);
  const goTo = useApp((s) => s.goTo);
  const openGlossary = useApp((s) => s.openGlossary);
  // A string, so the rail re-renders only when a mark or its words change.
  const json = useApp((s) => JSON.stringify(railStatuses(s)));
  const rows = useMemo(() => JSON.parse(json) as ReturnType<typeof railStatuses>, [json]);
  // The current step is the rail's one Tab stop; the first step when the current one is not listed.
  const tabStop = rows.some((r) => r.step.id === step) ? step : rows[0]?.step.id;
  return (
    <nav className="rail" aria-label="Steps">
      <ol onKeyDown={moveInRail}>
        {rows.map(({ step: s, status }) => {
          const notUsed = status.mark === 'not-used';
          const descId = `rail-mark-${s.id}`;
          return (
            <li key={s.id} className={`rail-item rail-item-${status.mark}`}>
              <button
                type="button"
                className="rail-button"
                aria-current={s.id === step ? 'step' : undefined}
                tabIndex={s.id === tabStop ? 0 : -1}
                aria-disabled={notUsed || undefined}
                aria-describedby={status.text ? descId : undefined}
                onClick={() => {
                  if (!notUsed) goTo(s.id);
                }}
              >
                <span className="rail-num" aria-hidden="true">
                  {s.n}
                  <MarkIcon mark={status.mark} />
                </span>
                <span className="rail-title">{s.title}</span>
              </button>
              {status.text && (
                <span id={descId} className="rail-tip">
                  {status.text}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {/* A link, not a step: it opens the glossary over the app (and is its deep link). */}
      <a
        href="#glossary"
        className="rail-button rail-glossary"
        onClick={(e) => {
          e.preventDefault();
          openGlossary();
        }}
      >
        Glossary of causes
      </a>
      {/* A dialog on the page's body, shown when open. */}
      <Glossary />
    </nav>
  );
}

/**
 * At the top of a step the active profile does not use (opened by a link or a shortcut anyway):
 * why it does not apply, and the way to the Profile step where that is decided.
 */
export function StepNotUsedNote({ step }: { step: StepId }) {
  const profile = useActiveProfile();
  const discovery = useApp((s) => s.discovery);
  const goTo = useApp((s) => s.goTo);
  const reason = notUsedReason(step, profile, discovery);
  if (!reason) return null;
  return (
    <div className="notice notice-info step-not-used" role="note">
      <p>{reason}</p>
      <button type="button" className="btn btn-secondary btn-small" onClick={() => goTo('profile')}>
        Open Profile
      </button>
    </div>
  );
}
