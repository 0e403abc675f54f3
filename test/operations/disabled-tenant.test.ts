import { expect } from 'chai';
import mongoose from 'mongoose';
import * as oidc from 'openid-client';
import { RECHECK_MS } from '../../adapters/recent-reads.ts';
import { TenantModel } from '../../adapters/tenants.ts';
import { advanceClock } from '../../provider/clock.ts';
import { testEnvironment } from '../support/environment.ts';
import { signInFully } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

async function signedInTenant(name: string) {
  const tenant = await createTenant({
    users: [{ username: name, email: `${name}@disabled.example` }],
  });
  const { tokens } = await signInFully(
    tenant.rp,
    testEnvironment().inbox,
    { username: name, password: PASSWORD },
    { params: { scope: 'openid offline_access', prompt: 'consent' } },
  );
  expect(tokens.refresh_token).to.be.a('string');
  return { tenant, refreshToken: tokens.refresh_token! };
}

async function expectStopped(
  tenant: { issuer: string; rp: { config: oidc.Configuration } },
  refreshToken: string,
) {
  const discovery = await fetch(`${tenant.issuer}/.well-known/openid-configuration`);
  expect(discovery.status).to.equal(404);
  let refused = false;
  await oidc.refreshTokenGrant(tenant.rp.config, refreshToken).catch(() => (refused = true));
  expect(refused).to.equal(true);
}

describe('a tenant disabled while its provider is in memory', function () {
  it('stops answering at once when this process disabled it, refresh tokens included', async function () {
    const { tenant, refreshToken } = await signedInTenant('piet');
    await TenantModel.updateOne({ _id: tenant.id }, { $set: { disabled: true } });
    await expectStopped(tenant, refreshToken);
  });

  it('stops answering within the re-check time when another process disabled it', async function () {
    const { tenant, refreshToken } = await signedInTenant('kees');
    // Written past this process's store, as another process or the shell would.
    await mongoose.connection
      .collection<{ _id: string }>('tenants')
      .updateOne({ _id: tenant.id }, { $set: { disabled: true } });
    advanceClock(RECHECK_MS);
    await expectStopped(tenant, refreshToken);
  });
});
