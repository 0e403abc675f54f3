import { expect } from 'chai';
import * as oidc from 'openid-client';
import { TenantModel } from '../../adapters/tenants.ts';
import { testEnvironment } from '../support/environment.ts';
import { signInFully } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

describe('a tenant disabled while its provider is in memory', function () {
  it('stops answering at once, refresh tokens included', async function () {
    const tenant = await createTenant({
      users: [{ username: 'piet', email: 'piet@disabled.example' }],
    });
    const { tokens } = await signInFully(
      tenant.rp,
      testEnvironment().inbox,
      { username: 'piet', password: PASSWORD },
      { params: { scope: 'openid offline_access', prompt: 'consent' } },
    );
    expect(tokens.refresh_token).to.be.a('string');

    // Disabled behind the running process's back, as another process or the shell would.
    await TenantModel.updateOne({ _id: tenant.id }, { $set: { disabled: true } });

    const discovery = await fetch(`${tenant.issuer}/.well-known/openid-configuration`);
    expect(discovery.status).to.equal(404);
    let refused = false;
    await oidc
      .refreshTokenGrant(tenant.rp.config, tokens.refresh_token!)
      .catch(() => (refused = true));
    expect(refused).to.equal(true);
  });
});
