import { expect } from 'chai';
import { Browser, textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

describe('the account page of a tenant', function () {
  it('signs in as an OIDC client of its tenant and shows groups, amr and why a code was needed', async function () {
    const tenant = await createTenant({
      twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: 'jan@account.example', profile: 'supplier' }],
    });
    const { inbox } = testEnvironment();
    const before = inbox.messages.length;
    const browser = new Browser();
    const home = `${tenant.issuer}/account`;

    const signedOut = await browser.visit(home);
    expect(textOf(signedOut.html)).to.contain('Sign in');

    const identifierPage = await browser.visit(`${home}/login`);
    expect(identifierPage.url).to.contain(`/realms/${tenant.id}/interaction/`);
    const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier: 'jan' });
    const codePage = await browser.submit(passwordPage, '/password', { password: PASSWORD });
    const code = codeFrom(await inbox.latestTo('jan@account.example', before));
    const account = await browser.submit(codePage, '/email-code', { code });

    expect(account.url).to.equal(home);
    const text = textOf(account.html);
    expect(text).to.contain('jan@account.example');
    expect(text).to.contain('Supplier');
    expect(text).to.contain('2FA');
    expect(text).to.contain('pwd, otp, mfa');
    expect(text).to.contain('Your profile holds the two-factor group');
  });

  it('shows a password-only sign-in and its reason, and signs out through the provider', async function () {
    const tenant = await createTenant({
      twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'piet', email: 'piet@account.example' }],
    });
    const browser = new Browser();
    const home = `${tenant.issuer}/account`;
    const identifierPage = await browser.visit(`${home}/login`);
    const passwordPage = await browser.submit(identifierPage, '/identifier', {
      identifier: 'piet',
    });
    const account = await browser.submit(passwordPage, '/password', { password: PASSWORD });
    const text = textOf(account.html);
    expect(text).to.contain('pwd');
    expect(text).to.not.contain('otp');
    expect(text).to.contain('You do not hold the two-factor group');

    const confirm = await browser.submit(account, '/logout', {});
    expect(textOf(confirm.html)).to.contain('Do you want to sign out');
    const done = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    expect(done.url).to.equal(home);
    expect(textOf(done.html)).to.contain('Sign in');
  });
});
