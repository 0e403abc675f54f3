import { expect } from 'chai';
import { advanceClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { Browser, textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import {
  REDIRECT_URI,
  signInFully,
  signInWithPassword,
  startAuthorization,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const MINUTE = 60_000;

describe('policy start date: nobody is asked for a code before effectiveFrom', function () {
  it('asks for the code only once the product clock passes effectiveFrom', async function () {
    const { inbox } = testEnvironment();
    // Within the hour: the sign-in state expires with oidc-provider's interaction, which keeps
    // real time, so moving the product clock by days would expire it as well.
    const effectiveFrom = new Date(Date.now() + 5 * MINUTE);
    const tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: effectiveFrom.toISOString() },
      users: [{ username: 'jan', email: 'jan@supplier.example' }],
    });
    const user = { username: 'jan', password: PASSWORD, email: 'jan@supplier.example' };

    const early = inbox.countTo(user.email);
    const before = await signInFully(tenant.rp, inbox, user);
    expect(before.tokens.claims()!.amr).to.deep.equal(['pwd']);
    expect(inbox.countTo(user.email)).to.equal(early);

    advanceClock(6 * MINUTE);
    const signIn = await signInWithPassword(tenant.rp, user.username, PASSWORD);
    expect(signIn.afterPassword.url).not.to.contain(REDIRECT_URI);
    expect(textOf(signIn.afterPassword.html)).to.contain('Check your email');
    expect(inbox.countTo(user.email)).to.equal(early + 1);

    const after = await signInFully(tenant.rp, inbox, user);
    expect(after.tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('stops a session from before effectiveFrom at the code step once the policy has started', async function () {
    const { inbox } = testEnvironment();
    const effectiveFrom = new Date(Date.now() + 5 * MINUTE);
    const tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: effectiveFrom.toISOString() },
      users: [{ username: 'jan', email: 'jan@supplier.example' }],
    });
    const browser = new Browser();
    const early = await signInFully(
      tenant.rp,
      inbox,
      { username: 'jan', password: PASSWORD },
      { browser },
    );
    expect(early.tokens.claims()!.amr).to.deep.equal(['pwd']);

    advanceClock(6 * MINUTE);
    const before = inbox.countTo('jan@supplier.example');
    const pending = await startAuthorization(tenant.rp);
    const page = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(textOf(page.html)).to.contain('Check your email');
    expect(inbox.countTo('jan@supplier.example')).to.equal(before + 1);
  });
});

describe('a user who must enter a code but has no email address', function () {
  it('is told to contact the administrator after the correct password, and the application gets nothing', async function () {
    const { inbox } = testEnvironment();
    const tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'kees' }],
    });
    const mails = inbox.messages.length;

    const signIn = await signInWithPassword(tenant.rp, 'kees', PASSWORD);
    expect(signIn.afterPassword.url).not.to.contain(REDIRECT_URI);
    expect(textOf(signIn.afterPassword.html)).to.contain(en['no-email.body']);
    expect(signIn.afterPassword.html).not.to.contain('/email-code');

    // Coming back to the sign-in does not slip through to the application either.
    const again = await signIn.browser.visit(signIn.afterPassword.url, { stopAt: REDIRECT_URI });
    expect(again.url).not.to.contain(REDIRECT_URI);
    const restarted = await signIn.browser.visit(signIn.pending.url, { stopAt: REDIRECT_URI });
    expect(restarted.url).not.to.contain(REDIRECT_URI);

    expect(inbox.messages.length).to.equal(mails);
  });
});

describe('a wrong password and an unknown username', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: 'jan@supplier.example' }],
    });
  });

  async function passwordAttempt(identifier: string, password: string) {
    const browser = new Browser();
    const pending = await startAuthorization(tenant.rp);
    const identifierPage = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    const passwordPage = await browser.submit(identifierPage, '/identifier', { identifier });
    return browser.submit(passwordPage, '/password', { password }, { stopAt: REDIRECT_URI });
  }

  it('says "The username or password is incorrect." for a wrong password and sends no email', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo('jan@supplier.example');
    const page = await passwordAttempt('jan', 'not the password');
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(textOf(page.html)).to.contain('The username or password is incorrect.');
    expect(inbox.countTo('jan@supplier.example')).to.equal(before);
  });

  it('shows an unknown username exactly the page a wrong password gets', async function () {
    const wrongPassword = await passwordAttempt('jan', 'not the password');
    const unknownUser = await passwordAttempt('nobody', 'not the password');
    expect(unknownUser.status).to.equal(wrongPassword.status);
    // The page repeats what was typed; apart from that it must not differ.
    const shown = (html: string, identifier: string) =>
      textOf(html).replaceAll(identifier, '[identifier]');
    expect(shown(unknownUser.html, 'nobody')).to.equal(shown(wrongPassword.html, 'jan'));
    expect(textOf(unknownUser.html)).to.contain('The username or password is incorrect.');
  });
});
