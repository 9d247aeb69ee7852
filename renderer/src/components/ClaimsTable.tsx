import type { ClaimExplanation } from '../../../shared/types.js';
import { display, localDate } from './format.js';

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
      <table className="table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Value</th>
            <th scope="col">Meaning</th>
            <th scope="col">Date</th>
          </tr>
        </thead>
        <tbody>
          {claims.map((c) => (
            <tr key={c.name}>
              <th scope="row">
                <code>{c.name}</code>
              </th>
              <td>
                <code className="wrap">{display(c.value)}</code>
              </td>
              <td>{c.meaning}</td>
              <td>
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
