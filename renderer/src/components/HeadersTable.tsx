import type { HeaderList } from '../../../shared/types.js';
import { SafeText } from './SafeText.js';

/** Name / value rows; where the place is narrow (the timeline) each header stacks, name above
 * value. The explicit roles keep it a table for screen readers whatever its CSS display. */
export function HeadersTable({ headers, caption }: { headers: HeaderList; caption: string }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact table-stack-narrow" role="table">
        <caption>{caption}</caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">
              Name
            </th>
            <th scope="col" role="columnheader">
              Value
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {headers.map(([name, value], i) => (
            <tr key={`${name}-${i}`} role="row">
              <th scope="row" role="rowheader">
                <code>
                  <SafeText text={name} />
                </code>
              </th>
              <td role="cell">
                <code className="wrap">
                  <SafeText text={value} />
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
