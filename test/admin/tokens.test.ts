import { expect } from 'chai';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { advanceClock } from '../../provider/clock.ts';
import { setUserDisabled } from '../../provider/admin/services/user-changes.ts';
import { updateUser } from '../../provider/admin/services/users.ts';
import { adminAudience } from '../../provider/admin/token-settings.ts';
import { Browser } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { callbackError, REDIRECT_URI, startAuthorization } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';
import {
  adminApp,
  adminParams,
  adminToken,
  call,
  grantRole,
  operatorToken,
  shell,
} from './support.ts';

describe('administration tokens are access tokens the provider issues itself', function () {
  it('gives an operator a signed JWT for the admin audience with scope admin, roles and tenant', async function () {
    const { token } = await operatorToken();
    const { baseUrl } = testEnvironment();

    expect(decodeProtectedHeader(token).typ).to.equal('at+jwt');
    const claims = decodeJwt(token);
    expect(claims.iss).to.equal(`${baseUrl}/realms/admin`);
    expect(claims.aud).to.equal(adminAudience(baseUrl));
    expect(claims.scope).to.equal('admin');
    expect(claims.roles).to.deep.equal(['operator']);
    expect(claims.tenant).to.equal('admin');
    expect(claims.exp! - claims.iat!).to.equal(600);

    const answer = await call(token, 'GET', '/tenants');
    expect(answer.status).to.equal(200);
    expect(answer.body.map((t: { id: string }) => t.id)).to.include('admin');
  });

  it('refuses the admin resource to an application not registered for it', async function () {
    const tenant = await createTenant({ users: [{ username: 'anna', email: 'anna@a.example' }] });
    const pending = await startAuthorization(tenant.rp, adminParams());
    const page = await new Browser().visit(pending.url, { stopAt: REDIRECT_URI });
    expect(callbackError(page.url)).to.equal('invalid_target');
  });

  it('stops accepting a token once the product clock passes its expiry', async function () {
    const { token } = await operatorToken();
    expect((await call(token, 'GET', '/tenants')).status).to.equal(200);

    advanceClock(10 * 60 * 1000 + 1000);
    const answer = await call(token, 'GET', '/tenants');
    expect(answer.status).to.equal(401);
    expect(answer.body.code).to.equal('token-expired');
  });

  it('answers 401 without a token, with a malformed one, and with one whose claims were altered', async function () {
    expect((await call(undefined, 'GET', '/tenants')).body.code).to.equal('unauthenticated');
    expect((await call('not-a-jwt', 'GET', '/tenants')).body.code).to.equal('invalid-token');
    const { token } = await operatorToken();
    const [header, payload, signature] = token.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    forged.roles = ['operator', 'tenant-admin'];
    const tampered = [header, Buffer.from(JSON.stringify(forged)).toString('base64url'), signature];
    const answer = await call(tampered.join('.'), 'GET', '/tenants');
    expect(answer.status).to.equal(401);
    expect(answer.body.code).to.equal('invalid-token');
  });

  it('stops honouring a token whose role was taken away or whose account was disabled, before it expires', async function () {
    const tenant = await createTenant({
      users: [
        { username: 'anna', email: 'anna@a.example' },
        { username: 'ben', email: 'ben@a.example' },
      ],
    });
    await grantRole(tenant.id, 'anna', 'tenant-admin');
    await grantRole(tenant.id, 'ben', 'tenant-admin');
    const rp = await adminApp(tenant.id);
    const anna = await adminToken(rp, { username: 'anna', password: PASSWORD });
    const ben = await adminToken(rp, { username: 'ben', password: PASSWORD });
    expect((await call(anna, 'GET', `/tenants/${tenant.id}/users`)).status).to.equal(200);

    // Ben takes Anna's role away: her token, still unexpired, no longer opens the API.
    const taken = await call(ben, 'PATCH', `/tenants/${tenant.id}/users/anna`, { roles: [] });
    expect(taken.status).to.equal(403);
    await updateUser(shell, tenant.id, 'anna', { roles: [] });
    expect((await call(anna, 'GET', `/tenants/${tenant.id}/users`)).status).to.equal(403);

    await setUserDisabled(shell, tenant.id, 'ben', true);
    expect((await call(ben, 'GET', `/tenants/${tenant.id}/users`)).status).to.equal(401);
  });
});
