import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PRESET_LIST } from '../../../shared/presets.js';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';
import { must } from '../test/real-core.js';

async function openPresets() {
  const { user, calls, core } = await renderApp();
  const region = screen.getByRole('region', { name: 'Profile' });
  await user.click(within(region).getByText('New from a vendor preset'));
  const select = within(region).getByLabelText('Vendor preset') as HTMLSelectElement;
  return { user, calls, core, region, select };
}

describe('New profile from a vendor preset', () => {
  it('offers the eight presets and asks only for the chosen preset’s parameters', async () => {
    const { user, region, select } = await openPresets();
    expect([...select.options].slice(1).map((o) => o.textContent)).toEqual(
      PRESET_LIST.map((p) => p.title),
    );
    expect(select.options).toHaveLength(9);

    await user.selectOptions(select, 'openemr');
    const form = within(region).getByRole('form', { name: 'OpenEMR parameters' });
    expect(within(form).getAllByRole('textbox')).toHaveLength(2);
    expect(within(form).getByLabelText('Site Address')).toBeTruthy();
    expect((within(form).getByLabelText('Site') as HTMLInputElement).value).toBe('default');
    expect(within(form).queryByLabelText('Realm')).toBeNull();
    expect(within(form).queryByLabelText('Tenant')).toBeNull();
    // The setup outside the protocol is listed with its source.
    expect(form.textContent).toContain('Enable the client');
    // Known bugs by version, with their workaround and source.
    const bugs = within(form).getByRole('list', { name: 'Known bugs of OpenEMR' });
    expect(bugs.textContent).toContain('Grant type posted to /registration is not saved');
    expect(bugs.textContent).toContain('Affects 7.0.3');
    expect(within(bugs).getByRole('link', { name: '[OE-ISS8547]' })).toBeTruthy();

    await user.selectOptions(select, 'keycloak');
    const kc = within(region).getByRole('form', { name: 'Keycloak parameters' });
    expect(within(kc).getByLabelText('Keycloak host')).toBeTruthy();
    expect(within(kc).getByLabelText('Realm')).toBeTruthy();
    expect(within(kc).getByRole('checkbox', { name: /Legacy \/auth prefix/ })).toBeTruthy();
    expect(within(kc).queryByLabelText('Site Address')).toBeNull();
  });

  it('shows an inline error for a bad Site Address and saves nothing', async () => {
    const { user, calls, region, select } = await openPresets();
    await user.selectOptions(select, 'openemr');
    const form = within(region).getByRole('form', { name: 'OpenEMR parameters' });
    const site = within(form).getByLabelText('Site Address') as HTMLInputElement;
    await user.type(site, 'https://emr.example.org/oauth2/default/token');
    await user.click(within(form).getByRole('button', { name: 'Create profile' }));
    expect(site.getAttribute('aria-invalid')).toBe('true');
    expect(site.getAttribute('aria-describedby')).toBeTruthy();
    expect(form.textContent).toContain('Site Address is the base of the install');
    expect(calls('saveProfile')).toHaveLength(0);

    await user.clear(site);
    await user.tab();
    expect(form.textContent).toContain('Site Address is required');
  });

  it('creates an OpenEMR profile with the right endpoints, editable as usual, with the why panel', async () => {
    const { user, calls, core, region, select } = await openPresets();
    await user.selectOptions(select, 'openemr');
    const form = within(region).getByRole('form', { name: 'OpenEMR parameters' });
    await user.type(within(form).getByLabelText('Site Address'), 'https://emr.example.org/openemr');
    await user.click(within(form).getByRole('button', { name: 'Create profile' }));

    const [input] = calls('saveProfile').at(-1)!;
    expect(input).toMatchObject({
      vendor: 'openemr',
      flow: 'backend-services',
      tokenEndpoint: 'https://emr.example.org/openemr/oauth2/default/token',
      fhirBaseUrl: 'https://emr.example.org/openemr/apis/default/fhir',
      registrationEndpoint: 'https://emr.example.org/openemr/oauth2/default/registration',
      pkce: 'S256',
      auth: { method: 'private_key_jwt', alg: 'RS384' },
    });
    expect(input.id).toBeUndefined();

    // The new profile is active and its fields are in the usual form.
    const active = useApp
      .getState()
      .profiles.find((p) => p.id === useApp.getState().activeProfileId);
    expect(active?.vendor).toBe('openemr');
    expect(must(await core.listProfiles()).find((p) => p.id === active!.id)).toMatchObject({
      vendor: 'openemr',
      tokenEndpoint: 'https://emr.example.org/openemr/oauth2/default/token',
    });
    expect((screen.getByLabelText('Token endpoint') as HTMLInputElement).value).toBe(
      'https://emr.example.org/openemr/oauth2/default/token',
    );
    expect((screen.getByLabelText('Signing algorithm') as HTMLSelectElement).value).toBe('RS384');
    // The picker closed and reset.
    expect(within(region).queryByRole('form', { name: 'OpenEMR parameters' })).toBeNull();

    // Why these defaults: the reason and the source link.
    await user.click(screen.getByText('Why these defaults? (OpenEMR preset)'));
    const why = screen.getByText('Why these defaults? (OpenEMR preset)').closest('details')!;
    expect(why.textContent).toContain('{siteAddress}/oauth2/{site}/token');
    expect(why.textContent).toContain('RS384 signer only');
    const link = within(why).getAllByRole('link', { name: '[OE-CCG]' })[0]!;
    expect(link.getAttribute('href')).toContain('CustomClientCredentialsGrant.php');

    // Every field stays editable: change the token endpoint and save as usual.
    const token = screen.getByLabelText('Token endpoint');
    await user.clear(token);
    await user.type(token, 'https://proxy.example.org/oauth2/default/token');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const [edited] = calls('saveProfile').at(-1)!;
    expect(edited).toMatchObject({
      id: active!.id,
      vendor: 'openemr',
      tokenEndpoint: 'https://proxy.example.org/oauth2/default/token',
    });
  });

  it('creates a legacy Keycloak profile for the authorization code flow', async () => {
    const { user, calls, region, select } = await openPresets();
    await user.selectOptions(select, 'keycloak');
    const form = within(region).getByRole('form', { name: 'Keycloak parameters' });
    await user.type(within(form).getByLabelText('Keycloak host'), 'https://sso.example.org');
    await user.type(within(form).getByLabelText('Realm'), 'smart');
    await user.click(within(form).getByRole('checkbox', { name: /Legacy \/auth prefix/ }));
    await user.selectOptions(
      within(form).getByLabelText('Flow of the new profile'),
      'authorization-code',
    );
    await user.click(within(form).getByRole('button', { name: 'Create profile' }));
    expect(calls('saveProfile').at(-1)![0]).toMatchObject({
      vendor: 'keycloak',
      flow: 'authorization-code',
      issuer: 'https://sso.example.org/auth/realms/smart',
      authorizationEndpoint:
        'https://sso.example.org/auth/realms/smart/protocol/openid-connect/auth',
      scope: 'openid',
    });
  });
});
