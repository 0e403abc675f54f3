import { expect } from 'chai';
import { testEnvironment } from '../support/environment.ts';
import { sample, scrape } from '../support/metrics.ts';
import { signInFully, signInWithPassword, submitCode } from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const fromTestProvider = () => scrape(testEnvironment().baseUrl);

const decided = (text: string, reason: string, required: string) =>
  sample(text, 'idp_two_factor_decisions_total', { reason, required });

describe('metrics for operators', function () {
  it('answers /healthz and /readyz with the checks it made', async function () {
    const { baseUrl } = testEnvironment();
    expect(await (await fetch(`${baseUrl}/healthz`)).json()).to.deep.equal({ status: 'ok' });
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({
      status: 'ready',
      checks: { database: 'ok', keys: 'loaded' },
    });
  });

  it('count a sign-in with the code once: by tenant and method, the code sent, the decision', async function () {
    const everyone = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };
    const user = { username: 'mila', email: 'mila@metrics.example' };
    const { id, rp } = await createTenant({ twoFactor: everyone, users: [user] });
    const before = await fromTestProvider();

    await signInFully(rp, testEnvironment().inbox, { ...user, password: PASSWORD });
    const after = await fromTestProvider();
    const tenant = { tenant: id };
    expect(sample(after, 'idp_sign_ins_total', { ...tenant, method: 'mfa' })).to.equal(1);
    expect(sample(after, 'idp_email_codes_total', { ...tenant, outcome: 'sent' })).to.equal(1);
    expect(decided(after, 'all-users', 'true') - decided(before, 'all-users', 'true')).to.equal(1);
    const route = { route: 'interaction/email-code', method: 'POST', status: '303' };
    const timed = (text: string) => sample(text, 'idp_http_request_duration_seconds_count', route);
    expect(timed(after) - timed(before)).to.equal(1);
  });

  it('count a password-only sign-in once, and wrong codes and passwords as failures', async function () {
    const user = { username: 'ruud', email: 'ruud@metrics.example' };
    const off = await createTenant({ users: [user] });
    const before = await fromTestProvider();
    await signInFully(off.rp, testEnvironment().inbox, { ...user, password: PASSWORD });
    let after = await fromTestProvider();
    expect(sample(after, 'idp_sign_ins_total', { tenant: off.id, method: 'pwd' })).to.equal(1);
    expect(decided(after, 'policy-off', 'false') - decided(before, 'policy-off', 'false')).to.equal(
      1,
    );

    await signInWithPassword(off.rp, 'ruud', 'not the password');
    const everyone = { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' };
    const coded = await createTenant({ twoFactor: everyone, users: [user] });
    const signIn = await signInWithPassword(coded.rp, 'ruud', PASSWORD);
    await submitCode(signIn, '000000');
    after = await fromTestProvider();
    expect(
      sample(after, 'idp_password_failures_total', { tenant: off.id, outcome: 'failed' }),
    ).to.equal(1);
    expect(
      sample(after, 'idp_email_codes_total', { tenant: coded.id, outcome: 'failed' }),
    ).to.equal(1);
  });
});
