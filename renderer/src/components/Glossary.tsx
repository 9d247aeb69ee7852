import { useEffect, useId, useLayoutEffect, useRef, useState, type MouseEvent } from 'react';
import { createPortal } from 'react-dom';
import {
  GLOSSARY_GROUPS,
  breakInfo,
  glossaryEntry,
  searchGlossary,
  type GlossaryEntry,
} from '../../../shared/diagnosis/glossary.js';
import { useApp } from '../store/index.js';
import { CopyButton } from './CopyButton.js';
import { SafeText } from './SafeText.js';
import { keepFocusInside } from './focus-trap.js';

/** Deep links: #glossary (the list) or #glossary/CODE (one page). */
const HASH = /^#glossary(?:\/([A-Z0-9_]+))?$/;
export const glossaryHash = (code?: string) => `#glossary${code ? `/${code}` : ''}`;

/** A cause code that opens its glossary page (and is a deep link to it). */
export function GlossaryLink({ code, className }: { code: string; className?: string }) {
  const openGlossary = useApp((s) => s.openGlossary);
  const known = !!glossaryEntry(code);
  if (!known) return <code className={className}>{code}</code>;
  return (
    <a
      href={glossaryHash(code)}
      className="glossary-link"
      title={`What ${code} means, why it happens and how to fix it`}
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        openGlossary(code);
      }}
    >
      <code className={className}>{code}</code>
    </a>
  );
}

function GlossaryPage({ entry }: { entry: GlossaryEntry }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // A page opened from a finding gets the focus, so a screen reader reads it from the top.
  useEffect(() => headingRef.current?.focus(), [entry.code]);
  const link = `${window.location.origin}${window.location.pathname}${window.location.search}${glossaryHash(entry.code)}`;
  const tryIt = entry.tryIt ? breakInfo(entry.tryIt) : undefined;
  return (
    <article className="glossary-page" aria-label={`Glossary: ${entry.code}`}>
      <h3 ref={headingRef} tabIndex={-1} className="glossary-code">
        <code>{entry.code}</code>
      </h3>
      <div className="actions-row">
        <CopyButton text={entry.code} what="cause code" />
        <CopyButton text={link} label="Copy link" what="link to this page" />
      </div>
      <p className="glossary-title">
        <strong>
          <SafeText text={entry.title} />
        </strong>{' '}
        <span className="muted">({entry.group})</span>
      </p>
      <h4>What it means</h4>
      <p>
        <SafeText text={entry.meaning} />
      </p>
      <h4>Why it happens</h4>
      <ul>
        {entry.why.map((w) => (
          <li key={w}>
            <SafeText text={w} />
          </li>
        ))}
      </ul>
      <h4>How to fix it</h4>
      <p>
        <SafeText text={entry.fix} />
      </p>
      <h4>Sources</h4>
      <ul aria-label="Sources">
        {entry.sources.map((s) => (
          <li key={s}>
            <SafeText text={s} />
          </li>
        ))}
      </ul>
      {tryIt && (
        <p className="notice notice-info">
          Try it: the <code>{tryIt.name}</code> toggle of Break it ({tryIt.where}) makes this
          mistake on purpose: {tryIt.summary}
        </p>
      )}
    </article>
  );
}

/**
 * The glossary over the app: every cause code with what it means, why it happens, how to fix it
 * and its sources (shared/diagnosis/glossary.ts, the data CAUSES.md is generated from). Opened
 * from the step rail, from a finding's code, or by a #glossary/CODE link.
 */
export function Glossary() {
  const open = useApp((s) => s.glossaryOpen);
  const code = useApp((s) => s.glossaryCode);
  const openGlossary = useApp((s) => s.openGlossary);
  const closeGlossary = useApp((s) => s.closeGlossary);
  const [query, setQuery] = useState('');
  const titleId = useId();
  const searchId = useId();
  const returnTo = useRef<HTMLElement | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // Before any child takes the focus: where it goes back to when the glossary closes.
  useLayoutEffect(() => {
    if (open && !returnTo.current && document.activeElement instanceof HTMLElement)
      returnTo.current = document.activeElement;
  }, [open]);
  // Opened on the list: the search field has the focus (a page focuses its own heading).
  useEffect(() => {
    if (open && !code) searchRef.current?.focus();
  }, [open, code]);

  // Deep links: the address's #glossary/CODE opens that page, at start and when it changes.
  useEffect(() => {
    const read = () => {
      const m = HASH.exec(window.location.hash);
      if (m) openGlossary(m[1]);
    };
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, [openGlossary]);

  // The address follows the page shown, so it can be copied or bookmarked.
  useEffect(() => {
    const { pathname, search, hash } = window.location;
    if (open) {
      if (hash !== glossaryHash(code ?? undefined))
        window.history.replaceState(window.history.state, '', glossaryHash(code ?? undefined));
    } else {
      if (HASH.test(hash)) window.history.replaceState(window.history.state, '', pathname + search);
      returnTo.current?.focus();
      returnTo.current = null;
    }
  }, [open, code]);

  if (!open) return null;
  const entry = code ? glossaryEntry(code) : undefined;
  const hits = searchGlossary(query);
  // On the body: a dialog over the whole app, outside the landmark that opened it.
  return createPortal(
    <div
      className="glossary-overlay"
      onKeyDown={(e) => {
        if (e.key === 'Escape') closeGlossary();
        if (e.key === 'Tab') keepFocusInside(e);
      }}
    >
      <div role="dialog" aria-modal="true" aria-labelledby={titleId} className="glossary-dialog">
        <div className="glossary-header">
          <h2 id={titleId}>Glossary of causes</h2>
          <button type="button" className="btn btn-secondary btn-small" onClick={closeGlossary}>
            Close glossary
          </button>
        </div>
        <div className="glossary-body">
          <div className="glossary-index">
            <label htmlFor={searchId} className="label">
              Search the glossary
            </label>
            <input
              id={searchId}
              type="search"
              className="input"
              value={query}
              placeholder="a code or a word: PKCE_MISMATCH, verifier, aud"
              ref={searchRef}
              onChange={(e) => setQuery(e.target.value)}
            />
            <p className="hint" aria-live="polite">
              {hits.length === 1 ? '1 cause' : `${hits.length} causes`}
            </p>
            {hits.length === 0 ? (
              <p className="empty">
                No cause matches “{query}”. Try a code (PKCE_MISMATCH) or a word from the problem
                (verifier, expired, redirect).
              </p>
            ) : (
              GLOSSARY_GROUPS.filter((g) => hits.some((h) => h.group === g)).map((g) => (
                <div key={g}>
                  <h3 className="glossary-group">{g}</h3>
                  <ul className="glossary-list" aria-label={`${g} causes`}>
                    {hits
                      .filter((h) => h.group === g)
                      .map((h) => (
                        <li key={h.code}>
                          <button
                            type="button"
                            className="glossary-item"
                            aria-current={h.code === code ? 'page' : undefined}
                            onClick={() => openGlossary(h.code)}
                          >
                            <code>{h.code}</code>
                            <span className="muted">
                              <SafeText text={h.title} />
                            </span>
                          </button>
                        </li>
                      ))}
                  </ul>
                </div>
              ))
            )}
          </div>
          {entry ? (
            <GlossaryPage entry={entry} />
          ) : (
            <div className="glossary-page">
              <p className="empty">
                {code
                  ? `There is no glossary page for “${code}”: pick a cause from the list.`
                  : 'Pick a cause from the list, or search for one. Every finding’s code opens its page here.'}
              </p>
            </div>
          )}
        </div>
      </div>
    </div>,
    document.body,
  );
}
