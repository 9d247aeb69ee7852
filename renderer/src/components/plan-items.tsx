import type { ProfileView } from '../../../shared/types.js';
import type { KeyValueItem } from './KeyValueList.js';

/** A plan's endpoint row: the profile's own URL, or the discovery field it will come from. */
export function endpointItem(label: string, url: string | undefined, field: string): KeyValueItem {
  return {
    label,
    value: url ? (
      <code className="wrap">{url}</code>
    ) : (
      <span className="muted">discovered ({field})</span>
    ),
  };
}

/** A plan's client row, or what to do when the profile has no client ID yet. */
export function clientItem(profile: Pick<ProfileView, 'clientId'>): KeyValueItem {
  return {
    label: 'Client',
    value: profile.clientId ? (
      <code>{profile.clientId}</code>
    ) : (
      <span className="warn-text">no client ID yet — register or type one in Profile</span>
    ),
  };
}
