import type { ReactNode } from 'react';
import { useActiveProfile, useApp } from '../store/index.js';
import type { ProfileView } from '../../../shared/types.js';

/** Renders its children with the active profile, or an empty state pointing to the Profile step. */
export function NeedsProfile({ children }: { children: (profile: ProfileView) => ReactNode }) {
  const profile = useActiveProfile();
  const goTo = useApp((s) => s.goTo);
  if (!profile) {
    return (
      <div className="empty">
        <p>No profile selected — create or choose one first.</p>
        <button type="button" className="btn btn-secondary" onClick={() => goTo('profile')}>
          Go to Profile
        </button>
      </div>
    );
  }
  return <>{children(profile)}</>;
}
