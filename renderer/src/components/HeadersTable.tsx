import type { HeaderList } from '../../../shared/types.js';
import { SafeText } from './SafeText.js';

export function HeadersTable({ headers, caption }: { headers: HeaderList; caption: string }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {headers.map(([name, value], i) => (
            <tr key={`${name}-${i}`}>
              <th scope="row">
                <code>
                  <SafeText text={name} />
                </code>
              </th>
              <td>
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
