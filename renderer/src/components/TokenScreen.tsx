import { useEffect, useRef } from 'react';
import type { AppError } from '../../../shared/result.js';

/**
 * The whole page when the web host refused the page's token (FORBIDDEN): an old tab of an
 * earlier run, or a link without its `#token=…`. Nothing of the workspace is rendered behind
 * it, as no call of this page can succeed.
 */
export function TokenScreen({ error }: { error?: AppError | null }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="token-screen" aria-labelledby="token-screen-title">
      <div className="token-screen-card">
        <p className="token-screen-app">OAuth Flow Debugger</p>
        <h1 id="token-screen-title" className="token-screen-title" ref={heading} tabIndex={-1}>
          This page is not connected to the debugger
        </h1>
        <p className="token-screen-what">
          This page belongs to an earlier run of OAuth Flow Debugger, or its link lost the access
          token. The debugger refused its requests, so this page cannot show or change anything.
        </p>
        <h2 className="token-screen-subtitle">What to do</h2>
        <ol className="token-screen-steps">
          <li>
            Go to the terminal where the debugger runs, and open the URL printed by{' '}
            <code>npm start</code> / <code>oauth-flow-debugger serve</code> again. It ends with{' '}
            <code>#token=…</code>; you can open it in this tab.
          </li>
          <li>
            If the debugger has stopped, start it again with <code>npm start</code> or{' '}
            <code>oauth-flow-debugger serve</code> and open the new URL it prints.
          </li>
        </ol>
        <p className="muted">
          Reopening the link loses nothing: this page keeps no data of its own.
        </p>
        {error && (
          <details className="token-screen-details">
            <summary>Technical details</summary>
            <p>
              <code>{error.code}</code> {error.message}
            </p>
          </details>
        )}
      </div>
    </main>
  );
}
