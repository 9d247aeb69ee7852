import { useState } from 'react';
import type { ClaimExplanation } from '../../../shared/types.js';
import { display, localDate } from './format.js';
import { SafeText } from './SafeText.js';

/** Values longer than this are shown shortened, with a button to show all (keeps big tokens fast). */
const SHORT = 300;

function ClaimValue({ value }: { value: unknown }) {
  const text = display(value);
  const [all, setAll] = useState(false);
  if (text.length <= SHORT || all)
    return (
      <code className="wrap">
        <SafeText text={text} />
      </code>
    );
  return (
    <>
      <code className="wrap">
        <SafeText text={`${text.slice(0, SHORT)}…`} />
      </code>{' '}
      <button type="button" className="btn btn-small btn-secondary" onClick={() => setAll(true)}>
        Show all ({text.length.toLocaleString()} characters)
      </button>
    </>
  );
}

/** Claims in plain words, time claims as dates. */
export function ClaimsTable({
  claims,
  caption = 'Claims explained',
}: {
  claims: ClaimExplanation[];
  caption?: string;
}) {
  if (claims.length === 0) return null;
  return (
    <div className="table-wrap">
      {/* Stacks where narrow (styles.css .table-stack); the roles keep it a table. */}
      <table className="table table-stack" role="table">
        <caption>{caption}</caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">
              Claim
            </th>
            <th scope="col" role="columnheader">
              Value
            </th>
            <th scope="col" role="columnheader">
              Meaning
            </th>
            <th scope="col" role="columnheader">
              Date
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {claims.map((c) => (
            <tr key={c.name} role="row">
              <th scope="row" role="rowheader">
                <code>
                  <SafeText text={c.name} />
                </code>
              </th>
              <td role="cell">
                <ClaimValue value={c.value} />
              </td>
              <td role="cell">{c.meaning}</td>
              <td role="cell" data-label={c.date ? 'Date' : ''}>
                {c.date ? (
                  <time dateTime={c.date} title={c.date}>
                    {localDate(c.date)}
                  </time>
                ) : (
                  ''
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
