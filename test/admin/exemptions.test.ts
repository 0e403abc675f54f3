import { expect } from 'chai';
import { findAuditEvents } from '../../adapters/audit-events.ts';
import { findLocalUser } from '../../adapters/users.ts';
import { advanceClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { textOf } from '../support/browser.ts';
import { REDIRECT_URI, signInWithPassword, startAuthorization } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';
import { call, operatorToken } from './support.ts';

// Short enough that the operator's token (10 minutes) and the sign-in (1 hour) outlive it.
const SOON = 5 * 60_000;

async function groupTenant() {
  return createTenant({
    twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
    users: [{ username: 'eva', email: 'eva@supplier.example', groups: ['2FA'] }],
  });
}

describe('an operator exempts an account from the email code until a date', function () {
  let token: string;
  let operator: string;
  before(async function () {
    const signedIn = await operatorToken();
    token = signedIn.token;
    operator = `admin/${signedIn.operator.username}`;
  });

  const exempt = (tenant: string, until: string, reason = 'phone lost, new one ordered') =>
    call(token, 'PUT', `/tenants/${tenant}/users/eva/exemption`, { until, reason });
  const explain = async (tenant: string) =>
    (await call(token, 'GET', `/tenants/${tenant}/users/eva/explain?client=workplace`)).body;
  const asksForCode = async (tenant: Awaited<ReturnType<typeof groupTenant>>, params = {}) => {
    const signIn = await signInWithPassword(tenant.rp, 'eva', PASSWORD, { params });
    if (signIn.afterPassword.url.startsWith(REDIRECT_URI)) return false;
    expect(textOf(signIn.afterPassword.html)).to.contain(en['email-code.heading']);
    return true;
  };

  it('lets the account sign in without a code until the date, then asks again by itself', async function () {
    const tenant = await groupTenant();
    const until = new Date(Date.now() + SOON).toISOString();
    const granted = await exempt(tenant.id, until);
    expect(granted.status).to.equal(200);
    expect(granted.body.exemption).to.include({ until, active: true, by: operator });

    expect(await explain(tenant.id)).to.include({ required: false, reason: 'exempt' });
    expect(await asksForCode(tenant)).to.equal(false);

    advanceClock(SOON + 1000);
    expect(await explain(tenant.id)).to.include({ required: true, reason: 'group-direct' });
    expect(await asksForCode(tenant)).to.equal(true);
  });

  it('asks an existing session for the code once the exemption has ended, without signing out', async function () {
    const tenant = await groupTenant();
    await exempt(tenant.id, new Date(Date.now() + SOON).toISOString());
    const signIn = await signInWithPassword(tenant.rp, 'eva', PASSWORD);
    expect(signIn.afterPassword.url).to.match(new RegExp(`^${REDIRECT_URI}\\?code=`));

    advanceClock(SOON + 1000);
    const pending = await startAuthorization(tenant.rp);
    const page = await signIn.browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(textOf(page.html)).to.contain(en['email-code.heading']);
    expect(page.html).not.to.match(/name="password"/);
    const ended = await findAuditEvents({ tenant: tenant.id, type: 'admin.exemption-ended' });
    expect(ended).to.have.length(1);
  });

  it('records the grant and, exactly once, the end of the exemption', async function () {
    const tenant = await groupTenant();
    const until = new Date(Date.now() + SOON).toISOString();
    await exempt(tenant.id, until, 'travelling without phone');
    const eva = await findLocalUser(tenant.id, 'eva');

    advanceClock(SOON + 1000);
    await explain(tenant.id);
    await explain(tenant.id);
    await asksForCode(tenant);
    const listed = await call(token, 'GET', `/tenants/${tenant.id}/audit-events?account=eva`);

    const types = listed.body.map((event: { type: string }) => event.type);
    expect(types.filter((type: string) => type === 'admin.exemption-ended')).to.have.length(1);
    const grant = listed.body.find(
      (event: { type: string }) => event.type === 'admin.user-exempted',
    );
    expect(grant).to.include({ actor: operator, account: eva!._id, target: 'user:eva' });
    expect(grant.changes.exemption.to).to.include({ until, reason: 'travelling without phone' });
    const end = listed.body.find(
      (event: { type: string }) => event.type === 'admin.exemption-ended',
    );
    expect(end).to.include({ actor: 'system', account: eva!._id });
    expect(end.detail).to.include({
      until,
      reason: 'travelling without phone',
      grantedBy: operator,
    });
  });

  it('records an end that no sign-in saw when someone reads the audit trail', async function () {
    const tenant = await groupTenant();
    await exempt(tenant.id, new Date(Date.now() + SOON).toISOString());
    advanceClock(SOON + 1000);

    await call(token, 'GET', `/tenants/${tenant.id}/audit-events`);
    await call(token, 'GET', `/tenants/${tenant.id}/audit-events`);
    const ended = await findAuditEvents({ tenant: tenant.id, type: 'admin.exemption-ended' });
    expect(ended).to.have.length(1);
  });

  it('does not lift a code the application asks for with acr_values', async function () {
    const tenant = await groupTenant();
    await exempt(tenant.id, new Date(Date.now() + SOON).toISOString());
    expect(await asksForCode(tenant, { acr_values: 'urn:idp:acr:mfa' })).to.equal(true);
  });

  it('ends early when the operator removes it, and says so in the audit trail', async function () {
    const tenant = await groupTenant();
    await exempt(tenant.id, new Date(Date.now() + SOON).toISOString());
    const removed = await call(token, 'DELETE', `/tenants/${tenant.id}/users/eva/exemption`);
    expect(removed.status).to.equal(200);
    expect(removed.body.exemption).to.equal(undefined);
    expect(await explain(tenant.id)).to.include({ reason: 'group-direct' });
    const events = await findAuditEvents({ tenant: tenant.id, type: 'admin.exemption-removed' });
    expect(events.map((e) => e.actor)).to.deep.equal([operator]);
  });

  it('refuses an end date that has passed, and reads a date without zone in the tenant time zone', async function () {
    const tenant = await groupTenant();
    const past = await exempt(tenant.id, '2026-01-01T00:00:00Z');
    expect(past.status).to.equal(422);
    expect(past.body.code).to.equal('exemption-in-past');

    const local = await exempt(tenant.id, '2030-07-01T09:00');
    expect(local.body.exemption.until).to.equal('2030-07-01T07:00:00.000Z');
  });
});
