import { describe, expect, it } from 'vitest';
import { grantedScopeFindings, scopeDiff, settleRefreshScopes } from './token-response.js';

const ASKED = 'openid fhirUser offline_access patient/Patient.rs';
const GRANTED = 'openid fhirUser patient/Patient.rs';

describe('granted scope findings: offline_access answered by a refresh token', () => {
  it('is an info note resting on the server, with its sources, and not "missing"', () => {
    const diff = scopeDiff(ASKED, GRANTED);
    expect(diff.missing).toEqual(['offline_access']);
    const [note, ...rest] = grantedScopeFindings(diff, GRANTED, true);
    expect(rest).toEqual([]);
    expect(note).toMatchObject({ severity: 'info', basis: 'server' });
    expect(note!.title).toBe(
      'offline_access granted as the refresh token (not echoed in the scope)',
    );
    expect(note!.evidence).toContain('the server issued a refresh token');
    expect(note!.evidence).toContain(`"${GRANTED}"`);
    expect(note!.evidence).toContain('The refresh token is what offline_access asks for');
    expect(note!.source).toContain('SMART App Launch');
    expect(note!.source).toContain('OpenID Connect Core 1.0 §11');
    expect(note!.evidence).not.toMatch(/missing|narrow/i);
    // The comparison shown next to it no longer calls it missing.
    expect(settleRefreshScopes(diff, true).missing).toEqual([]);
    expect(settleRefreshScopes(diff, true).requested).toContain('offline_access');
  });

  it('without a refresh token offline_access is narrowed (a warning) and stays missing', () => {
    const diff = scopeDiff(ASKED, GRANTED);
    const findings = grantedScopeFindings(diff, GRANTED, false);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'SCOPE_NARROWED', severity: 'warning' });
    expect(findings[0]!.evidence).toContain('Requested offline_access but it was not granted');
    expect(settleRefreshScopes(diff, false).missing).toEqual(['offline_access']);
  });

  it('other scopes left out are still narrowed, beside the offline_access note', () => {
    const diff = scopeDiff(ASKED, 'openid fhirUser');
    const findings = grantedScopeFindings(diff, 'openid fhirUser', true);
    expect(findings.map((f) => f.severity)).toEqual(['warning', 'info']);
    expect(findings[0]!.evidence).toContain('patient/Patient.rs');
    expect(findings[0]!.evidence).not.toContain('offline_access');
    expect(settleRefreshScopes(diff, true).missing).toEqual(['patient/Patient.rs']);
  });

  it('a granted scope that lists offline_access needs no note', () => {
    const diff = scopeDiff(ASKED, ASKED);
    expect(grantedScopeFindings(diff, ASKED, true)).toEqual([]);
  });
});
