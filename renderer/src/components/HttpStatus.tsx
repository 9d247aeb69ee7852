/** "HTTP 200" in green when the call worked, red otherwise; "no response" when nothing came back. */
export function HttpStatus({ status, ok }: { status: number | undefined; ok: boolean }) {
  if (status === undefined) return <span className="badge badge-error">no response</span>;
  return <span className={`badge ${ok ? 'badge-ok' : 'badge-error'}`}>HTTP {status}</span>;
}
