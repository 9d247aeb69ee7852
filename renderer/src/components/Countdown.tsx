import { expiryText, localDate } from './format.js';
import { useNow } from './use-now.js';

/** Live "Expires in m:ss" / "Expired m:ss ago", updated every second. */
export function Countdown({ expiresAt }: { expiresAt: string }) {
  const now = useNow();
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return null;
  const expired = at <= now;
  return (
    <p className={`countdown ${expired ? 'expired' : 'live'}`}>
      <span className={`badge ${expired ? 'badge-error' : 'badge-ok'}`}>
        {expired ? 'expired' : 'valid'}
      </span>{' '}
      <span className="countdown-text">{expiryText(at, now)}</span>{' '}
      <span className="muted">(at {localDate(expiresAt)})</span>
    </p>
  );
}
