import { expect } from 'chai';
import { findTenant } from '../../adapters/tenants.ts';
import { findLocalUser, UserModel } from '../../adapters/users.ts';
import { advanceClock, freezeClock } from '../../provider/clock.ts';
import { en } from '../../provider/messages/en.ts';
import { decideFor } from '../../provider/two-factor/decide-for.ts';
import { Browser, textOf } from '../support/browser.ts';
import { testEnvironment } from '../support/environment.ts';
import { codeFrom } from '../support/mail.ts';
import {
  callbackError,
  finishAuthorization,
  REDIRECT_URI,
  signInFully,
  signInWithPassword,
  startAuthorization,
  submitCode,
} from '../support/relying-party.ts';
import { createTenant, PASSWORD } from '../support/tenants.ts';

const EMAIL = 'nina@visitor.example';
const STEP_UP = { acr_values: 'urn:idp:acr:mfa' };

async function groupTenant() {
  return createTenant({
    twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
    users: [{ username: 'nina', email: EMAIL }],
  });
}

/** Signs nina in without the group, then gives her the group behind the session's back. */
async function sessionThenGroup(tenant: Awaited<ReturnType<typeof groupTenant>>) {
  const { inbox } = testEnvironment();
  const browser = new Browser();
  const first = await signInFully(
    tenant.rp,
    inbox,
    { username: 'nina', password: PASSWORD },
    { browser },
  );
  expect(first.tokens.claims()!.amr).to.deep.equal(['pwd']);
  const sub = first.tokens.claims()!.sub;
  await UserModel.updateOne({ _id: sub, tenant: tenant.id }, { $push: { groups: '2FA' } });
  return { browser, sub };
}

describe('an existing session is checked again on every authorization request', function () {
  it('asks a signed-in user who has since gained the 2FA group for the code, without the password', async function () {
    const { inbox } = testEnvironment();
    const tenant = await groupTenant();
    const { browser } = await sessionThenGroup(tenant);

    const before = inbox.messages.length;
    const pending = await startAuthorization(tenant.rp);
    const page = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(textOf(page.html)).to.contain(en['email-code.heading']);
    expect(page.html).not.to.match(/action="[^"]*\/password"/);
    expect(page.html).not.to.match(/name="password"/);

    const mail = await inbox.latestTo(EMAIL, before);
    const callback = await browser.submit(
      page,
      '/email-code',
      { code: codeFrom(mail) },
      { stopAt: REDIRECT_URI },
    );
    expect(callback.url).to.match(new RegExp(`^${REDIRECT_URI}\\?code=`));
    const tokens = await finishAuthorization(tenant.rp, callback.url, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
    expect(tokens.claims()!.acr).to.equal('urn:idp:acr:mfa');

    // Having passed the code, the session is not asked again.
    const again = await startAuthorization(tenant.rp, { prompt: 'none' });
    const silent = await browser.visit(again.url, { stopAt: REDIRECT_URI });
    expect(callbackError(silent.url)).to.equal(null);
    const renewed = await finishAuthorization(tenant.rp, silent.url, again);
    expect(renewed.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('refuses a wrong code and sends a working new one on request when an existing session is asked for the code', async function () {
    const { inbox } = testEnvironment();
    const tenant = await groupTenant();
    const { browser } = await sessionThenGroup(tenant);

    freezeClock();
    const before = inbox.messages.length;
    const pending = await startAuthorization(tenant.rp);
    const page = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    const first = codeFrom(await inbox.latestTo(EMAIL, before));
    const wrong = String((Number(first) + 1) % 1_000_000).padStart(6, '0');
    const refused = await browser.submit(
      page,
      '/email-code',
      { code: wrong },
      { stopAt: REDIRECT_URI },
    );
    expect(refused.url).not.to.contain(REDIRECT_URI);
    expect(textOf(refused.html)).to.contain(en['email-code.invalid']);

    advanceClock(31_000);
    const sent = inbox.messages.length;
    await browser.submit(page, '/email-code/resend', {}, { stopAt: REDIRECT_URI });
    const second = codeFrom(await inbox.latestTo(EMAIL, sent));
    const callback = await browser.submit(
      page,
      '/email-code',
      { code: second },
      { stopAt: REDIRECT_URI },
    );
    const tokens = await finishAuthorization(tenant.rp, callback.url, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('answers prompt=none with interaction_required once the signed-in user needs the code', async function () {
    const { inbox } = testEnvironment();
    const tenant = await groupTenant();
    const { browser } = await sessionThenGroup(tenant);

    const before = inbox.messages.length;
    const pending = await startAuthorization(tenant.rp, { prompt: 'none' });
    const callback = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(callback.url).to.contain(REDIRECT_URI);
    expect(callbackError(callback.url)).to.equal('interaction_required');
    expect(new URL(callback.url).searchParams.get('code')).to.equal(null);
    expect(inbox.messages.length).to.equal(before);
  });

  it('lets prompt=none through while the signed-in user still needs no code', async function () {
    const { inbox } = testEnvironment();
    const tenant = await groupTenant();
    const browser = new Browser();
    await signInFully(tenant.rp, inbox, { username: 'nina', password: PASSWORD }, { browser });

    const pending = await startAuthorization(tenant.rp, { prompt: 'none' });
    const callback = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(callbackError(callback.url)).to.equal(null);
    const tokens = await finishAuthorization(tenant.rp, callback.url, pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd']);
  });

  it('keeps no session for a sign-in stopped at the code page: prompt=none then needs a login', async function () {
    const tenant = await createTenant({
      twoFactor: { method: 'all', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'jan', email: 'jan@supplier.example' }],
    });
    const signIn = await signInWithPassword(tenant.rp, 'jan', PASSWORD);
    expect(textOf(signIn.afterPassword.html)).to.contain(en['email-code.heading']);

    const pending = await startAuthorization(tenant.rp, { prompt: 'none' });
    const callback = await signIn.browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(callbackError(callback.url)).to.equal('login_required');
  });

  it('tells a signed-in user who gained the group but has no email address to contact the administrator', async function () {
    const { inbox } = testEnvironment();
    const tenant = await createTenant({
      twoFactor: { method: 'group', group: '2FA', effectiveFrom: '2026-01-01T00:00:00Z' },
      users: [{ username: 'kees' }],
    });
    const browser = new Browser();
    const first = await signInFully(
      tenant.rp,
      inbox,
      { username: 'kees', password: PASSWORD },
      { browser },
    );
    await UserModel.updateOne(
      { _id: first.tokens.claims()!.sub, tenant: tenant.id },
      { $push: { groups: '2FA' } },
    );

    const mails = inbox.messages.length;
    const pending = await startAuthorization(tenant.rp);
    const page = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(page.url).not.to.contain(REDIRECT_URI);
    expect(textOf(page.html)).to.contain(en['no-email.body']);
    expect(inbox.messages.length).to.equal(mails);
  });
});

describe('an application asking for a second factor with acr_values', function () {
  let tenant: Awaited<ReturnType<typeof createTenant>>;

  before(async function () {
    tenant = await createTenant({
      twoFactor: { method: 'off' },
      users: [
        { username: 'jan', email: 'jan@supplier.example' },
        { username: 'pat', email: 'pat@partner.example', type: 'partner' },
      ],
    });
  });

  it('gets the email-code step on a tenant whose policy is off, and an ID token with acr mfa', async function () {
    const { inbox } = testEnvironment();
    const jan = await findLocalUser(tenant.id, 'jan');
    const decision = decideFor({
      tenant: await findTenant(tenant.id),
      user: jan!,
      clientId: 'workplace',
      signIn: 'password',
      params: STEP_UP,
    });
    expect(decision).to.deep.equal({ required: true, reason: 'client-requested' });

    const before = inbox.countTo('jan@supplier.example');
    const signIn = await signInWithPassword(tenant.rp, 'jan', PASSWORD, { params: STEP_UP });
    expect(signIn.afterPassword.url).not.to.contain(REDIRECT_URI);
    expect(textOf(signIn.afterPassword.html)).to.contain(en['email-code.heading']);
    const mail = await inbox.latestTo('jan@supplier.example', before);

    const callback = await submitCode(signIn, codeFrom(mail));
    const tokens = await finishAuthorization(tenant.rp, callback.url, signIn.pending);
    expect(tokens.claims()!.acr).to.equal('urn:idp:acr:mfa');
    expect(tokens.claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('does not ask a Partner account for the code even when the application asks', async function () {
    const { inbox } = testEnvironment();
    const before = inbox.countTo('pat@partner.example');
    const signIn = await signInWithPassword(tenant.rp, 'pat', PASSWORD, { params: STEP_UP });
    expect(signIn.afterPassword.url).to.match(new RegExp(`^${REDIRECT_URI}\\?code=`));
    const tokens = await finishAuthorization(tenant.rp, signIn.afterPassword.url, signIn.pending);
    expect(tokens.claims()!.amr).to.deep.equal(['pwd']);
    expect(tokens.claims()!.acr).not.to.equal('urn:idp:acr:mfa');
    expect(inbox.countTo('pat@partner.example')).to.equal(before);
  });

  it('answers prompt=none with interaction_required when the application steps up a session without the code', async function () {
    const { inbox } = testEnvironment();
    const browser = new Browser();
    await signInFully(tenant.rp, inbox, { username: 'jan', password: PASSWORD }, { browser });
    const pending = await startAuthorization(tenant.rp, { ...STEP_UP, prompt: 'none' });
    const callback = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(callbackError(callback.url)).to.equal('interaction_required');
  });

  it('asks a signed-in user without the code for it when the application steps up', async function () {
    const { inbox } = testEnvironment();
    const browser = new Browser();
    const first = await signInFully(
      tenant.rp,
      inbox,
      { username: 'jan', password: PASSWORD },
      { browser },
    );
    expect(first.tokens.claims()!.amr).to.deep.equal(['pwd']);

    const before = inbox.countTo('jan@supplier.example');
    const pending = await startAuthorization(tenant.rp, STEP_UP);
    const page = await browser.visit(pending.url, { stopAt: REDIRECT_URI });
    expect(textOf(page.html)).to.contain(en['email-code.heading']);
    const mail = await inbox.latestTo('jan@supplier.example', before);
    const callback = await browser.submit(
      page,
      '/email-code',
      { code: codeFrom(mail) },
      { stopAt: REDIRECT_URI },
    );
    const tokens = await finishAuthorization(tenant.rp, callback.url, pending);
    expect(tokens.claims()!.acr).to.equal('urn:idp:acr:mfa');
  });
});
